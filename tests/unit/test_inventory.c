/*
 * test_inventory.c - the policies reporters saw, through the digest
 *
 * Policy lines as the milter writes them (bare kv messages, log format
 * v2: the fields the inventory reads come after reporter-kind) with the
 * fields the inventory reads (sts-mode, max-age, sts-mx, mx-host,
 * policy-hash) go into a digest over simulated days; each case checks
 * the policies kept and the findings: a policy that changed, reporters
 * that disagree (a stale cached policy), MTA-STS failing in enforce mode,
 * testing without failures long enough to enforce (and not when too
 * short, or with a failure), lines without the new fields, the bounds.
 */
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
#include "inventory.h"
#include "logline.h"

#define DAY0 20400L /* 2025-11-08; the digests start the day after */

/* feed - one bare log line into d */
static void feed(struct tlsrpt_digest *d, const char *fmt, ...)
{
	static struct tlsrpt_logline ll;
	char line[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(line));
	if (tlsrpt_logline_parse(&ll, line, (size_t)n, TLSRPT_LOGLINE_BARE) != 1) {
		fail_msg("not parsed: %s", line);
	}
	tlsrpt_digest_add(d, &ll);
}

/*
 * report - one report of domain by reporter on day d (from DAY0) with one
 * policy line: type, then the policy fields as written (" sts-mode=..."),
 * ok and failed sessions; its number (report-id rN, queue ID QN)
 */
static unsigned report(struct tlsrpt_digest *d, const char *reporter, long day, const char *domain,
                       const char *type, const char *fields, unsigned ok, unsigned failed)
{
	static unsigned seq;
	char date[16];

	seq++;
	tlsrpt_calendar_date(DAY0 + day, date, sizeof(date));
	feed(d,
	     "Q%u: report report-id=r%u policy-domain=%s start-datetime=%sT00:00:00Z end-datetime=%sT23:59:59Z policies=1 total-successful-session-count=%u total-failure-session-count=%u dkim=pass reporter=%s reporter-kind=dkim submitter=%s organization-name=x",
	     seq, seq, domain, date, date, ok, failed, reporter, reporter);
	feed(d,
	     "Q%u: policy report-id=r%u policy-domain=%s policy-type=%s total-successful-session-count=%u total-failure-session-count=%u failure-details=0 reporter-kind=dkim%s",
	     seq, seq, domain, type, ok, failed, fields);
	feed(d, "Q%u: action action=deliver recipients=1", seq);
	return seq;
}

static struct tlsrpt_digest *digest(long days)
{
	char err[128];
	struct tlsrpt_digest *d = tlsrpt_digest_new(DAY0 + 1, DAY0 + days, err, sizeof(err));

	assert_non_null(d);
	return d;
}

/* has - the domain's findings of kind k */
static size_t has(const struct tlsrpt_inv_domain *v, enum tlsrpt_inv_finding_kind k)
{
	size_t i, n = 0;

	for (i = 0; i < v->nfind; i++) {
		n += v->find[i].kind == k;
	}
	return n;
}

static const struct tlsrpt_inv_domain *dom(const struct tlsrpt_digest *d, const char *name)
{
	const struct tlsrpt_inv_domain *v = tlsrpt_inventory_domain(&d->inv, name);

	if (v == NULL) {
		fail_msg("no inventory for %s", name);
	}
	return v;
}

#define OLD_STS                                                                                    \
	" sts-mode=enforce mx-host=*.example.com max-age=604800 sts-mx=*.example.com policy-hash=0a1b2c3d4e5f6071"
/* the same line cut by a relay in its hash: max-age and sts-mx are not read */
#define CUT_STS                                                                                    \
	" sts-mode=enforce mx-host=*.example.com max-age=604800 sts-mx=*.example.com policy-hash=0a1b2c"
#define NEW_STS                                                                                    \
	" sts-mode=enforce mx-host=*.example.com max-age=2592000 sts-mx=*.example.com,mx.example.net policy-hash=9f8e7d6c5b4a3928"
#define TLSA_A " mx-host=mx1.example.com max-age=1 policy-hash=aaaaaaaaaaaaaaaa"
#define TLSA_B " mx-host=mx1.example.com policy-hash=bbbbbbbbbbbbbbbb"

/* google.com moves to the new policy on day 3; microsoft.com applies the old one to day 4 */
static void test_changed_and_stale(void **state)
{
	struct tlsrpt_digest *d = digest(7);
	const struct tlsrpt_inv_domain *v;
	long day;

	(void)state;
	for (day = 1; day <= 7; day++) {
		report(d, "google.com", day, "example.com", "sts", day < 3 ? OLD_STS : NEW_STS, 100,
		       0);
		report(d, "microsoft.com", day, "example.com", "sts", day < 5 ? OLD_STS : NEW_STS,
		       50, 0);
		report(d, "microsoft.com", day, "example.com", "tlsa", day < 6 ? TLSA_A : TLSA_B,
		       50, 0);
	}
	tlsrpt_digest_finish(d);
	v = dom(d, "example.com");
	assert_int_equal(v->npol, 4);
	/* sorted by type, then first day: sts old, sts new, tlsa A, tlsa B */
	assert_string_equal(v->pol[0].type, "sts");
	assert_int_equal(v->pol[0].max_age, 604800);
	assert_int_equal(v->pol[0].first_day, DAY0 + 1);
	assert_int_equal(v->pol[0].last_day, DAY0 + 4);
	assert_int_equal(v->pol[0].reports, 2 + 4);
	assert_int_equal(v->pol[1].max_age, 2592000);
	assert_string_equal(v->pol[1].mx, "*.example.com,mx.example.net");
	assert_int_equal(v->pol[1].first_day, DAY0 + 3);
	assert_int_equal(v->pol[1].nrep, 2);
	/* who applied the old policy until when: google.com to day 2, microsoft.com to day 4 */
	assert_int_equal(v->pol[0].nrep, 2);
	assert_string_equal(v->pol[0].rep[0], "google.com");
	assert_int_equal(v->pol[0].rep_last[0], DAY0 + 2);
	assert_string_equal(v->pol[0].rep[1], "microsoft.com");
	assert_int_equal(v->pol[0].rep_last[1], DAY0 + 4);
	assert_int_equal(v->pol[1].rep_first[1], DAY0 + 5);
	assert_string_equal(v->pol[2].hash, "aaaaaaaaaaaaaaaa");
	assert_int_equal(v->pol[3].first_day, DAY0 + 6);
	/* sts: the two overlap on days 3 and 4: a stale policy; tlsa: changed on day 6 */
	assert_int_equal(has(v, TLSRPT_INV_DISAGREE), 1);
	assert_int_equal(has(v, TLSRPT_INV_CHANGED), 1);
	assert_int_equal(has(v, TLSRPT_INV_ENFORCE_FAILING), 0);
	assert_int_equal(has(v, TLSRPT_INV_READY), 0);
	assert_int_equal(v->find[0].kind, TLSRPT_INV_DISAGREE);
	assert_int_equal(v->find[0].a, 0);
	assert_int_equal(v->find[0].day, DAY0 + 3);
	assert_int_equal(v->find[1].kind, TLSRPT_INV_CHANGED);
	assert_int_equal(v->find[1].a, 2);
	assert_int_equal(v->find[1].b, 3);
	assert_int_equal(v->find[1].day, DAY0 + 6);
	tlsrpt_digest_free(d);
}

/* testing for 7 days without failure: ready; 6 days, or one failure: not; enforce failing */
static void test_ready_and_enforce(void **state)
{
	struct tlsrpt_digest *d = digest(14);
	const struct tlsrpt_inv_domain *v;
	long day;

	(void)state;
	for (day = 1; day <= 14; day++) {
		/* ready.example: testing from day 8 to 14 (7 days), enforce before: no failure */
		report(d, "google.com", day, "ready.example", "sts",
		       day < 8 ? " sts-mode=enforce" : " sts-mode=testing max-age=86400", 10, 0);
		if (day >= 9) { /* short.example: 6 days of testing */
			report(d, "google.com", day, "short.example", "sts", " sts-mode=testing",
			       10, 0);
		}
		/* failed.example: testing 14 days, one failed session on day 2 */
		report(d, "google.com", day, "failed.example", "sts", " sts-mode=testing", 10,
		       day == 2);
		/* enforcing.example: enforce, failures on day 12 */
		report(d, "google.com", day, "enforcing.example", "sts", " sts-mode=enforce", 10,
		       day == 12 ? 4 : 0);
	}
	tlsrpt_digest_finish(d);
	v = dom(d, "ready.example");
	assert_int_equal(v->npol, 2);
	assert_int_equal(has(v, TLSRPT_INV_READY), 1);
	assert_int_equal(has(v, TLSRPT_INV_CHANGED), 1);
	assert_int_equal(has(dom(d, "short.example"), TLSRPT_INV_READY), 0);
	assert_int_equal(has(dom(d, "failed.example"), TLSRPT_INV_READY), 0);
	v = dom(d, "enforcing.example");
	assert_int_equal(has(v, TLSRPT_INV_ENFORCE_FAILING), 1);
	assert_int_equal(v->pol[0].failed, 4);
	assert_int_equal(has(v, TLSRPT_INV_READY), 0);
	tlsrpt_digest_free(d);

	/* --ready-after 6: short.example is ready too */
	d = digest(14);
	d->inv.ready_days = 6;
	for (day = 9; day <= 14; day++) {
		report(d, "google.com", day, "short.example", "sts", " sts-mode=testing", 10, 0);
	}
	tlsrpt_digest_finish(d);
	assert_int_equal(has(dom(d, "short.example"), TLSRPT_INV_READY), 1);
	tlsrpt_digest_free(d);
}

/*
 * lines of a milter without the new fields: one sts policy per mode,
 * whatever mx-host each reporter gives; a duplicate report counts once;
 * past TLSRPT_INV_MAX_POLICIES the lines are counted, not kept
 */
static void test_old_lines_and_bounds(void **state)
{
	struct tlsrpt_digest *d = digest(7);
	const struct tlsrpt_inv_domain *v;
	char fields[128];
	unsigned i, first;

	(void)state;
	first = report(d, "google.com", 1, "example.com", "sts",
	               " mx-host=mx1.example.com sts-mode=enforce", 100, 0);
	report(d, "microsoft.com", 1, "example.com", "sts", " sts-mode=enforce", 100, 0);
	/* the same report again (another MX host's copy), with another mode: not counted */
	feed(d,
	     "X%u: report report-id=r%u policy-domain=example.com start-datetime=2025-11-09T00:00:00Z end-datetime=2025-11-09T23:59:59Z policies=1 total-successful-session-count=100 total-failure-session-count=0 dkim=pass reporter=google.com reporter-kind=dkim submitter=google.com organization-name=x",
	     first, first);
	feed(d,
	     "X%u: policy report-id=r%u policy-domain=example.com policy-type=sts total-successful-session-count=100 total-failure-session-count=0 failure-details=0 reporter-kind=dkim sts-mode=testing",
	     first, first);
	feed(d, "X%u: action action=deliver recipients=1", first);
	assert_int_equal(d->st.duplicates, 1);
	report(d, "google.com", 2, "cut.example", "sts", CUT_STS, 1, 0);
	for (i = 0; i < TLSRPT_INV_MAX_POLICIES + 3; i++) {
		snprintf(fields, sizeof(fields), " policy-hash=%016x", i);
		report(d, "google.com", 2, "many.example", "tlsa", fields, 1, 0);
	}
	tlsrpt_digest_finish(d);
	v = dom(d, "example.com");
	assert_int_equal(v->npol, 1);
	assert_int_equal(v->pol[0].reports, 2);
	assert_string_equal(v->pol[0].mx, "mx1.example.com");
	assert_int_equal(v->pol[0].max_age, -1);
	assert_int_equal(v->nfind, 0);
	v = dom(d, "cut.example");
	assert_int_equal(v->npol, 1);
	assert_int_equal(v->pol[0].max_age, -1);
	assert_string_equal(v->pol[0].hash, "");
	v = dom(d, "many.example");
	assert_int_equal(v->npol, TLSRPT_INV_MAX_POLICIES);
	assert_int_equal(v->dropped, 3);
	tlsrpt_digest_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_changed_and_stale),
	        cmocka_unit_test(test_ready_and_enforce),
	        cmocka_unit_test(test_old_lines_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
