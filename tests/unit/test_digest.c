/*
 * test_digest.c - the digest's aggregation rules
 *
 * Small logs fed to a digest with the per-domain figures they must give:
 * a tlsa and an sts policy for the same sessions count once, a report
 * logged twice counts once, a policy of another domain counts for both,
 * lines of two hosts interleaved, the per-message failure-omitted and
 * report-omitted lines, the period's bounds.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "digest.h"
#include "logline.h"

/* feed - parse and add each line */
static void feed(struct tlsrpt_digest *d, const char *const *lines)
{
	static struct tlsrpt_logline ll;

	for (; *lines != NULL; lines++) {
		if (tlsrpt_logline_parse(&ll, *lines, strlen(*lines), TLSRPT_LOGLINE_BARE)) {
			tlsrpt_digest_add(d, &ll);
		}
	}
	tlsrpt_digest_finish(d); /* the reports still open count */
}

/* domain - a domain's entry by name */
static const struct tlsrpt_digest_domain *domain(const struct tlsrpt_digest *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->ndom; i++) {
		if (strcmp(d->dom[i]->name, name) == 0) {
			return d->dom[i];
		}
	}
	fail_msg("no domain %s", name);
	return NULL;
}

#define DAY(n) tlsrpt_calendar_civil(2026, 11, n)

#define REP(q, id, sub)                                                                            \
	q ": report report-id=" id " policy-domain=Example.COM "                                   \
	  "start-datetime=2026-11-28T00:00:00 end-datetime=2026-11-28T23:59:59 dkim=none "         \
	  "reporter=" sub " reporter-kind=claimed submitter=" sub
#define POL(q, id, type, ok, fl)                                                                   \
	q ": policy report-id=" id " policy-domain=example.com policy-type=" type                  \
	  " total-successful-session-count=" ok " total-failure-session-count=" fl                 \
	  " reporter-kind=claimed"

static void test_microsoft_once(void **state)
{
	static const char *const lines[] = {
	        REP("A", "ms1", "microsoft.com"),
	        POL("A", "ms1", "tlsa", "190", "10"),
	        POL("A", "ms1", "sts", "200", "0"),
	        NULL,
	};
	struct tlsrpt_digest *d = tlsrpt_digest_new(DAY(27), DAY(29), NULL, 0);
	const struct tlsrpt_digest_domain *dom;

	(void)state;
	feed(d, lines);
	dom = domain(d, "example.com");
	/* sessions = max(200, 200), failed = max(10, 0): 190 + 10, not 390 + 10 */
	assert_int_equal(dom->c.ok, 190);
	assert_int_equal(dom->c.failed, 10);
	assert_int_equal(dom->days[1].ok, 190);
	assert_int_equal(dom->npol, 2);
	assert_int_equal(dom->pol[1].c.ok, 200); /* per policy as reported */
	assert_int_equal(dom->rep[0].c.ok + dom->rep[0].c.failed, 200);
	tlsrpt_digest_free(d);
}

/* a report whose report line names one domain and whose policy is another's counts for both */
static void test_policy_of_other_domain(void **state)
{
	static const char *const lines[] = {
	        REP("B", "r2", "sender.example"),
	        "B: policy report-id=r2 policy-domain=example.org policy-type=sts total-successful-session-count=10 total-failure-session-count=1 reporter-kind=claimed",
	        NULL,
	};
	struct tlsrpt_digest *d = tlsrpt_digest_new(DAY(27), DAY(29), NULL, 0);
	const struct tlsrpt_digest_domain *dom;

	(void)state;
	feed(d, lines);
	assert_int_equal(domain(d, "example.com")->reports, 1);
	dom = domain(d, "example.org");
	assert_int_equal(dom->reports, 1); /* not "no report in the period" */
	assert_int_equal(dom->last_day, DAY(28));
	assert_int_equal(dom->c.ok, 10);
	assert_int_equal(dom->c.failed, 1);
	assert_int_equal(dom->nrep, 1);
	assert_string_equal(dom->rep[0].id, "sender.example");
	assert_int_equal(dom->rep[0].reports, 1);
	assert_int_equal(dom->rep[0].c.ok + dom->rep[0].c.failed, 11);
	tlsrpt_digest_free(d);
}

static void test_duplicates_and_hosts(void **state)
{
	/* two hosts interleaved; the second logged the same report (other queue ID) */
	static const char *const lines[] = {
	        "Nov 28 01:00:00 mx1 tlsrpt-milter[1]: A: report report-id=g1 policy-domain=example.com start-datetime=2026-11-28T00:00:00Z end-datetime=2026-11-28T23:59:59Z dkim=pass reporter=google.com reporter-kind=dkim submitter=google.com",
	        "Nov 28 01:00:00 mx2 tlsrpt-milter[1]: A: report report-id=g1 policy-domain=example.com start-datetime=2026-11-28T00:00:00Z end-datetime=2026-11-28T23:59:59Z dkim=pass reporter=google.com reporter-kind=dkim submitter=other",
	        "Nov 28 01:00:00 mx1 tlsrpt-milter[1]: A: policy report-id=g1 policy-type=sts total-successful-session-count=50 total-failure-session-count=5 reporter-kind=dkim",
	        "Nov 28 01:00:00 mx2 tlsrpt-milter[1]: A: policy report-id=g1 policy-type=sts total-successful-session-count=50 total-failure-session-count=5 reporter-kind=dkim",
	        "Nov 28 01:00:00 mx2 tlsrpt-milter[1]: A: failure report-id=g1 policy-type=sts result-type=certificate-expired failed-session-count=5 reporter-kind=dkim",
	        "Nov 28 01:00:00 mx1 tlsrpt-milter[1]: A: failure report-id=g1 policy-type=sts result-type=certificate-expired failed-session-count=5 reporter-kind=dkim",
	        /* same report-id from another (unauthenticated) submitter: a different report */
	        REP("B", "g1", "evil.example"),
	        POL("B", "g1", "sts", "1", "0"),
	        /* outside the period */
	        "C: report report-id=old policy-domain=example.com start-datetime=2026-10-01T00:00:00Z reporter=yahoo.com reporter-kind=claimed submitter=yahoo.com",
	        "C: policy report-id=old total-successful-session-count=1 total-failure-session-count=0 reporter-kind=claimed",
	        /* a policy line whose report line was never seen */
	        POL("D", "lost", "sts", "9", "9"),
	        NULL,
	};
	struct tlsrpt_digest *d = tlsrpt_digest_new(DAY(27), DAY(29), NULL, 0);
	const struct tlsrpt_digest_domain *dom;

	(void)state;
	feed(d, lines);
	dom = domain(d, "example.com");
	assert_int_equal(d->st.reports, 2);
	assert_int_equal(d->st.duplicates, 1);
	assert_int_equal(d->st.outside, 1);
	assert_int_equal(d->st.orphans, 1);
	assert_int_equal(dom->c.ok, 51);
	assert_int_equal(dom->c.failed, 5);
	assert_int_equal(dom->nfail, 1);
	assert_int_equal(dom->fail[0].failed, 5);
	tlsrpt_digest_finish(d);
	/* google.com and evil.example 1 report each, yahoo.com none (last day 2026-10-01) */
	assert_int_equal(dom->nrep, 3);
	assert_string_equal(dom->rep[2].id, "yahoo.com");
	assert_int_equal(dom->rep[2].reports, 0);
	assert_int_equal(dom->rep[2].last_day, tlsrpt_calendar_civil(2026, 10, 1));
	tlsrpt_digest_free(d);
}

static void test_message_summaries(void **state)
{
	/* a message with two reports, then the per-message lines without report-id;
	 * the same message logged again (another queue ID) is a duplicate, its
	 * summaries too */
	static const char *const lines[] = {
	        REP("M1", "a", "google.com"),
	        POL("M1", "a", "sts", "10", "1"),
	        REP("M1", "b", "google.com"),
	        POL("M1", "b", "sts", "20", "2"),
	        "M1: failure-omitted failure-details=7 failed-session-count=3 reports=2 reporter-kind=claimed",
	        "M1: report-omitted reports=5 policies=9 total-successful-session-count=40 total-failure-session-count=4 reporter-kind=claimed",
	        REP("M2", "a", "google.com"),
	        REP("M2", "b", "google.com"),
	        "M2: failure-omitted failure-details=7 failed-session-count=3 reports=2 reporter-kind=claimed",
	        "M2: report-omitted reports=5 policies=9 total-successful-session-count=40 total-failure-session-count=4 reporter-kind=claimed",
	        "M3: report-omitted reports=1 policies=1 total-successful-session-count=1 total-failure-session-count=1 reporter-kind=claimed",
	        NULL,
	};
	struct tlsrpt_digest *d = tlsrpt_digest_new(DAY(27), DAY(29), NULL, 0);
	const struct tlsrpt_digest_domain *dom;

	(void)state;
	feed(d, lines);
	dom = domain(d, "example.com");
	assert_int_equal(d->st.reports, 2);
	assert_int_equal(d->st.duplicates, 2);
	assert_int_equal(dom->omitted_failed, 3);
	assert_int_equal(d->st.omitted_reports, 5);
	assert_int_equal(d->st.omitted_ok, 40);
	assert_int_equal(d->st.omitted_failed, 4);
	assert_int_equal(d->st.orphans, 1); /* M3: no report of its message was seen */
	tlsrpt_digest_free(d);
}

static void test_period_bounds(void **state)
{
	char err[128];

	(void)state;
	assert_null(tlsrpt_digest_new(10, 9, err, sizeof(err)));
	assert_null(tlsrpt_digest_new(0, TLSRPT_LOOKOUT_MAX_DAYS, err, sizeof(err)));
	tlsrpt_digest_free(tlsrpt_digest_new(1, TLSRPT_LOOKOUT_MAX_DAYS, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_microsoft_once),
	        cmocka_unit_test(test_policy_of_other_domain),
	        cmocka_unit_test(test_duplicates_and_hosts),
	        cmocka_unit_test(test_message_summaries),
	        cmocka_unit_test(test_period_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
