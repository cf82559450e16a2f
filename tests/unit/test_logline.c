/*
 * test_logline.c - the digest's reader: line shapes, value decoding, dates, aggregation rules
 *
 * Tables of lines with what the parser must make of them (ours or not,
 * event, host, prefix, one decoded value); dates with their UTC day; and
 * small logs fed to a digest with the per-domain figures they must give
 * (a tlsa and an sts policy for the same sessions count once, a report
 * logged twice counts once, lines of two hosts interleaved, the
 * per-message failure-omitted and report-omitted lines); the scanner over
 * blocks and partial lines.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <stdlib.h>

#include "calendar.h"
#include "digest.h"
#include "logline.h"
#include "logscan.h"

struct line_case {
	const char *name;
	const char *line;
	int flags;
	int want_ours;
	enum tlsrpt_logline_event ev;
	const char *host, *prefix, *key, *val;
};

static const struct line_case line_cases[] = {
        {"traditional", "Dec  5 16:27:52 mx1 tlsrpt-milter[123]: 4ZxK: report report-id=a b=c", 0,
         1, TLSRPT_LL_REPORT, "mx1", "4ZxK", "report-id", "a"},
        {"zero-padded day", "Dec 05 16:27:52 mx1 tlsrpt-milter[1]: Q: policy report-id=r", 0, 1,
         TLSRPT_LL_POLICY, "mx1", "Q", "report-id", "r"},
        {"rfc3339", "2026-12-05T16:27:52.123+00:00 mx2 tlsrpt-milter[9]: Q: failure x=1", 0, 1,
         TLSRPT_LL_FAILURE, "mx2", "Q", "x", "1"},
        {"short-iso", "2026-12-05T16:27:52+0000 h tlsrpt-milter[9]: NOQUEUE: error reason=x", 0, 1,
         TLSRPT_LL_ERROR, "h", "NOQUEUE", "reason", "x"},
        {"no pid", "Dec  5 16:27:52 mx1 tlsrpt-milter: Q: ignored reason=duplicate", 0, 1,
         TLSRPT_LL_IGNORED, "mx1", "Q", "reason", "duplicate"},
        {"capture priority", "mail.warning tlsrpt-milter[5]: Q: failure-omitted a=1", 0, 1,
         TLSRPT_LL_FAILURE_OMITTED, "", "Q", "a", "1"},
        {"bare without flag", "Q: report report-id=a", 0, 0, TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"bare (-o cat)", "Q: policy-omitted report-id=a", TLSRPT_LOGLINE_BARE, 1,
         TLSRPT_LL_POLICY_OMITTED, "", "Q", "report-id", "a"},
        {"other program", "Dec  5 16:27:52 mx1 postfix/smtpd[1]: Q: client=x", 0, 0,
         TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"tag inside another program's text",
         "Dec  5 16:27:52 mx1 postfix/smtpd[1]: from=<tlsrpt-milter[1]: Q: report report-id=f>", 0,
         0, TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"tag after another tag", "Dec  5 16:27:52 mx1 evil[7]: tlsrpt-milter[1]: Q: report a=b", 0,
         0, TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"socket path", "Dec  5 16:27:52 mx1 postfix/smtpd[1]: warning: tlsrpt-milter/sock: x", 0,
         0, TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"host named like the tag",
         "Dec  5 16:27:52 tlsrpt-milter-mx tlsrpt-milter[1]: Q: report report-id=h", 0, 1,
         TLSRPT_LL_REPORT, "tlsrpt-milter-mx", "Q", "report-id", "h"},
        {"other event word", "Dec  5 16:27:52 mx1 tlsrpt-milter[1]: Q: stats messages=3", 0, 1,
         TLSRPT_LL_OTHER, "mx1", "Q", "messages", "3"},
        {"quoted new rule", "Q: report organization-name=\"Sender\\x27s \\x22Org\\x3d\\x5c\"",
         TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "", "Q", "organization-name",
         "Sender's \"Org=\\"},
        {"quoted old rule", "Q: report organization-name=\"A \\\"B\\\" \\\\ C\"",
         TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "", "Q", "organization-name", "A \"B\" \\ C"},
        {"empty quoted", "Q: report contact-info=\"\" x=1", TLSRPT_LOGLINE_BARE, 1,
         TLSRPT_LL_REPORT, "", "Q", "contact-info", ""},
        {"cut line", "Q: report a=1 b=\"x y\" ...", TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "",
         "Q", "b", "x y"},
        {"json",
         "Dec  5 16:27:52 mx1 tlsrpt-milter[1]: @cee:{\"event\":\"policy\",\"queue-id\":\"Q7\",\"report-id\":\"r\\\"1\",\"total-successful-session-count\":97}",
         0, 1, TLSRPT_LL_POLICY, "mx1", "Q7", "report-id", "r\"1"},
        {"json count", "@cee:{\"event\":\"report\",\"queue-id\":\"Q\",\"policies\":2,\"t\":true}",
         TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "", "Q", "policies", "2"},
        {"json unicode", "@cee:{\"event\":\"report\",\"o\":\"\\u00e9\\ud83d\\ude00\"}",
         TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "", "", "o", "\xc3\xa9\xf0\x9f\x98\x80"},
        {"json nested", "@cee:{\"event\":\"report\",\"o\":{\"a\":1}}", TLSRPT_LOGLINE_BARE, 0,
         TLSRPT_LL_OTHER, "", "", NULL, NULL},
        /* cut on its way: the fields before the cut are read, the cut one is not */
        {"json cut", "@cee:{\"event\":\"report\",\"q\":\"x\",\"o\":\"abc", TLSRPT_LOGLINE_BARE, 1,
         TLSRPT_LL_REPORT, "", "", "q", "x"},
        {"json without event", "@cee:{\"queue-id\":\"Q\"}", TLSRPT_LOGLINE_BARE, 0, TLSRPT_LL_OTHER,
         "", "", NULL, NULL},
};

static void test_lines(void **state)
{
	static struct tlsrpt_logline ll;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		const struct line_case *c = &line_cases[i];
		int got = tlsrpt_logline_parse(&ll, c->line, strlen(c->line), c->flags);

		if (got != c->want_ours) {
			fail_msg("%s: ours %d, want %d", c->name, got, c->want_ours);
		}
		if (!got) {
			continue;
		}
		if (ll.event != c->ev || strcmp(ll.host, c->host) != 0 ||
		    strcmp(ll.prefix, c->prefix) != 0) {
			fail_msg("%s: got event %d host [%s] prefix [%s], want %d [%s] [%s]",
			         c->name, ll.event, ll.host, ll.prefix, c->ev, c->host, c->prefix);
		}
		if (c->key != NULL) {
			const char *v = tlsrpt_logline_get(&ll, c->key, NULL);

			if (v == NULL || strcmp(v, c->val) != 0) {
				fail_msg("%s: %s got [%s], want [%s]", c->name, c->key,
				         v ? v : "(none)", c->val);
			}
		}
	}
}

static void test_too_long(void **state)
{
	static struct tlsrpt_logline ll;
	static char line[TLSRPT_LOGLINE_MAX + 100];

	(void)state;
	memset(line, 'a', sizeof(line) - 1);
	memcpy(line, "Q: report x=", 12);
	assert_int_equal(tlsrpt_logline_parse(&ll, line, sizeof(line) - 1, TLSRPT_LOGLINE_BARE), 0);
}

struct day_case {
	const char *in;
	const char *want; /* NULL: not a date */
};

static const struct day_case day_cases[] = {
        {"2026-11-01T00:00:00Z", "2026-11-01"},
        {"2026-11-01T23:59:59Z", "2026-11-01"},
        {"2026-11-01T00:00:00", "2026-11-01"}, /* no zone: UTC */
        {"2026-11-01T00:30:00+01:00", "2026-10-31"},
        {"2026-11-01T23:30:00-01:00", "2026-11-02"},
        {"2026-11-01T23:30:00.123456-0100", "2026-11-02"},
        {"2026-11-01", "2026-11-01"},
        {"2024-02-29T12:00:00Z", "2024-02-29"},
        {"1970-01-01T00:00:00Z", "1970-01-01"},
        {"2026-13-01T00:00:00Z", NULL},
        {"26-11-01", NULL},
        {"yesterday", NULL},
};

static void test_days(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(day_cases) / sizeof(day_cases[0]); i++) {
		long day;
		char out[16];
		int rc = tlsrpt_calendar_day(day_cases[i].in, strlen(day_cases[i].in), &day);

		if (day_cases[i].want == NULL) {
			if (rc == 0) {
				fail_msg("%s: read as a date, want an error", day_cases[i].in);
			}
			continue;
		}
		if (rc != 0) {
			fail_msg("%s: not read", day_cases[i].in);
		}
		tlsrpt_calendar_date(day, out, sizeof(out));
		if (strcmp(out, day_cases[i].want) != 0) {
			fail_msg("%s: got %s, want %s", day_cases[i].in, out, day_cases[i].want);
		}
	}
	assert_int_equal(tlsrpt_calendar_civil(1970, 1, 1), 0);
	assert_int_equal(tlsrpt_calendar_civil(2026, 11, 29), 20786);
}

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

/* a stream in memory, read at most step bytes at a time */
struct memstream {
	const char *p;
	size_t len, at, step;
};

static ssize_t mem_read(void *ctx, void *buf, size_t len)
{
	struct memstream *m = ctx;
	size_t n = m->len - m->at;

	if (n > len) {
		n = len;
	}
	if (n > m->step) {
		n = m->step;
	}
	memcpy(buf, m->p + m->at, n);
	m->at += n;
	return (ssize_t)n;
}

#define FILLER                                                                                     \
	"Nov 29 06:00:00 mx1 postfix/smtpd[77]: 4F1A2B3C4D: client=mail.example.net[192.0.2.1]\n"
#define OURS "Nov 29 06:00:00 mx1 tlsrpt-milter[9]: Q%05zu: report report-id=r%zu\n"

static void test_scan_blocks(void **state)
{
	static const size_t steps[] = {TLSRPT_LOGSCAN_BLOCK, 4093, 1 << 20 | 17};
	size_t cap = 4 * TLSRPT_LOGSCAN_BLOCK, len = 0, want_n = 0, k, i;
	char *buf = malloc(cap);
	size_t want_off[64];

	(void)state;
	assert_non_null(buf);
	/* filler with one of our lines every ~70 KB, a too-long line and a forged one */
	for (i = 0; len + 8192 < cap - 8192; i++) {
		if (i % 800 == 0 && want_n < 64) {
			want_off[want_n] = len;
			len += (size_t)sprintf(buf + len, OURS, want_n, want_n);
			want_n++;
		} else if (i == 1234) {
			len += (size_t)sprintf(
			        buf + len, "Nov 29 06:00:00 mx1 tlsrpt-milter[9]: L: report x=");
			memset(buf + len, 'y', 5000);
			len += 5000;
			buf[len++] = '\n';
		} else if (i == 2345) {
			len += (size_t)sprintf(
			        buf + len,
			        "Nov 29 06:00:00 mx1 evil[1]: tlsrpt-milter[9]: F: report x=1\n");
		} else {
			memcpy(buf + len, FILLER, sizeof(FILLER) - 1);
			len += sizeof(FILLER) - 1;
		}
	}
	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		struct memstream m = {buf, len, 0, steps[k]};
		struct tlsrpt_logscan *sc = tlsrpt_logscan_new(mem_read, &m, 1000);
		const char *line;
		size_t ll, got = 0;
		unsigned long long off;
		char err[64], want[128];

		assert_non_null(sc);
		while (tlsrpt_logscan_next(sc, &line, &ll, &off, err, sizeof(err)) > 0) {
			if (got >= want_n) {
				fail_msg("step %zu: extra line at %llu: %.60s", steps[k], off,
				         line);
			}
			snprintf(want, sizeof(want), OURS, got, got);
			if (off != 1000 + want_off[got] || ll != strlen(want) - 1 ||
			    memcmp(line, want, ll) != 0) {
				fail_msg("step %zu: line %zu at %llu [%.*s], want at %zu [%s]",
				         steps[k], got, off, (int)ll, line, 1000 + want_off[got],
				         want);
			}
			got++;
		}
		assert_int_equal(tlsrpt_logscan_bare(sc), 0);
		if (got != want_n) {
			fail_msg("step %zu: %zu lines, want %zu", steps[k], got, want_n);
		}
		assert_int_equal(tlsrpt_logscan_end(sc), 1000 + len);
		tlsrpt_logscan_free(sc);
	}
	free(buf);
}

static void test_scan_partial(void **state)
{
	static const char bare[] = "Q: report a=1\nQ: policy a=2\nQ: fail";
	static const char tagged[] = "Nov 29 06:00:00 mx1 tlsrpt-milter[9]: Q: report a=1\n"
	                             "Nov 29 06:00:00 mx1 postfix/qmgr[1]: Q: removed\n"
	                             "Nov 29 06:00:00 mx1 tlsrpt-milter[9]: Q: poli";
	static const struct {
		const char *in;
		int whole, bare;
		size_t lines, end;
	} cases[] = {
	        {bare, 0, 1, 3, sizeof(bare) - 1},
	        {bare, 1, 1, 2, 28},
	        {tagged, 0, 0, 2, sizeof(tagged) - 1},
	        {tagged, 1, 0, 1, 100},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct memstream m = {cases[i].in, strlen(cases[i].in), 0, 7};
		struct tlsrpt_logscan *sc = tlsrpt_logscan_new(mem_read, &m, 0);
		const char *line;
		size_t ll, n = 0;
		unsigned long long off;
		char err[64];

		if (cases[i].whole) {
			tlsrpt_logscan_whole_lines(sc);
		}
		while (tlsrpt_logscan_next(sc, &line, &ll, &off, err, sizeof(err)) > 0) {
			n++;
		}
		if (n != cases[i].lines || tlsrpt_logscan_end(sc) != cases[i].end ||
		    tlsrpt_logscan_bare(sc) != cases[i].bare) {
			fail_msg("case %zu: %zu lines, end %llu, bare %d; want %zu, %zu, %d", i, n,
			         tlsrpt_logscan_end(sc), tlsrpt_logscan_bare(sc), cases[i].lines,
			         cases[i].end, cases[i].bare);
		}
		tlsrpt_logscan_free(sc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lines),
	        cmocka_unit_test(test_too_long),
	        cmocka_unit_test(test_days),
	        cmocka_unit_test(test_microsoft_once),
	        cmocka_unit_test(test_policy_of_other_domain),
	        cmocka_unit_test(test_duplicates_and_hosts),
	        cmocka_unit_test(test_message_summaries),
	        cmocka_unit_test(test_period_bounds),
	        cmocka_unit_test(test_scan_blocks),
	        cmocka_unit_test(test_scan_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
