/*
 * test_alert.c - the alert machine: problem, recovered, silent over simulated days
 *
 * Reports are written as the milter logs them (bare kv messages), fed to
 * the machine run by run with a simulated clock, and each run's events are
 * checked: an expired certificate from three reporters over four days is
 * one problem, its fix one recovered; a reporter that stops is one silent;
 * 50 failure lines are one problem; below the thresholds nothing; the
 * window; a state saved and loaded between runs, and a damaged one rebuilt
 * by rereading the log with the machine's own lines, repeat nothing; one
 * mail naming 1,200 domains neither floods the events nor pushes a real
 * reporter out, with and without a domain of ours, and across a reload;
 * the baseline rule (a rate well above the reporter's own recent rate
 * raises a problem under the thresholds) with its limits, and the flood
 * rule (a claimed reporter name or a crowd of strangers cannot move or
 * push out an authenticated reporter's baseline).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alert.h"
#include "alertstate.h"
#include "calendar.h"
#include "cursor.h"
#include "logline.h"

#define DAY 86400L
#define T0 (20000L * DAY) /* day 0 of the tests: 2024-10-04 */

struct log {
	char *text; /* everything logged so far, our own event lines included */
	size_t len, cap;
	size_t done; /* offset read by the last run */
};

static void log_add(struct log *l, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = (size_t)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (l->len + n + 2 > l->cap) {
		l->cap = (l->len + n + 2) * 2;
		l->text = realloc(l->text, l->cap);
		assert_non_null(l->text);
	}
	memcpy(l->text + l->len, line, n);
	l->len += n;
	l->text[l->len++] = '\n';
	l->text[l->len] = '\0';
}

/*
 * report - one message with one report: reporter, the day it covers, its
 * sessions, and nfail failure lines of failed sessions each for rtype on mx
 */
static void report(struct log *l, const char *reporter, long day, unsigned ok, const char *rtype,
                   const char *mx, int nfail, unsigned failed)
{
	static unsigned seq;
	char rid[64], date[16];
	unsigned total = failed * (unsigned)nfail;
	int i;

	seq++;
	tlsrpt_calendar_date(20000 + day, date, sizeof(date));
	snprintf(rid, sizeof(rid), "r%u", seq);
	log_add(l,
	        "Q%u: report report-id=%s policy-domain=example.com start-datetime=%sT00:00:00Z end-datetime=%sT23:59:59Z policies=1 total-successful-session-count=%u total-failure-session-count=%u dkim=pass reporter=%s reporter-kind=dkim submitter=%s organization-name=x",
	        seq, rid, date, date, ok, total, reporter, reporter);
	log_add(l,
	        "Q%u: policy report-id=%s policy-domain=example.com policy-type=sts total-successful-session-count=%u total-failure-session-count=%u reporter-kind=dkim mx-host=%s",
	        seq, rid, ok, total, mx);
	for (i = 0; i < nfail; i++) {
		log_add(l,
		        "Q%u: failure report-id=%s policy-domain=example.com policy-type=sts result-type=%s receiving-mx-hostname=%s receiving-ip=198.51.100.25 sending-mta-ip=192.0.2.%d failed-session-count=%u reporter-kind=dkim",
		        seq, rid, rtype, mx, i + 1, failed);
	}
	log_add(l, "Q%u: action action=deliver recipients=1", seq);
}

/* run - feed the log's new lines as seen at now; the events into ev (counts per kind) */
static size_t run(struct tlsrpt_alert *a, struct log *l, long now, size_t count[4], char *out,
                  size_t outlen)
{
	struct tlsrpt_logline *ll = malloc(sizeof(*ll));
	const struct tlsrpt_alert_event *ev;
	size_t n, i;
	char *p = l->text + l->done, *e;

	assert_non_null(ll);
	while (p != NULL && *p != '\0' && (e = strchr(p, '\n')) != NULL) {
		if (tlsrpt_logline_parse(ll, p, (size_t)(e - p), TLSRPT_LOGLINE_BARE)) {
			tlsrpt_alert_add(a, ll, (time_t)now);
		}
		p = e + 1;
	}
	free(ll);
	ev = tlsrpt_alert_finish(a, (time_t)now, &n);
	count[0] = count[1] = count[2] = count[3] = 0;
	if (out != NULL) {
		out[0] = '\0';
	}
	for (i = 0; i < n; i++) {
		count[ev[i].kind]++;
		if (out != NULL) {
			snprintf(out + strlen(out), outlen - strlen(out), "%s %s %s %s|",
			         tlsrpt_alert_name(ev[i].kind), ev[i].domain, ev[i].result_type,
			         ev[i].reporters);
		}
		/* what the daemon logs: the machine reads it back next run */
		if (ev[i].kind == TLSRPT_ALERT_OTHERS) {
			log_add(l, "ALERT: others problems=%llu silent=%llu forgotten=%llu",
			        ev[i].problems, ev[i].silent, ev[i].forgotten);
		} else if (ev[i].kind == TLSRPT_ALERT_SILENT) {
			log_add(l, "ALERT: silent policy-domain=%s%s%s", ev[i].domain,
			        ev[i].reporters[0] ? " reporter=" : "", ev[i].reporters);
		} else {
			log_add(l,
			        "ALERT: %s policy-domain=%s policy-type=%s result-type=%s receiving-mx-hostname=%s receiving-ip=%s reporters=%s",
			        tlsrpt_alert_name(ev[i].kind), ev[i].domain, ev[i].policy_type,
			        ev[i].result_type, ev[i].mx, ev[i].ip, ev[i].reporters);
		}
	}
	l->done = strlen(l->text);
	return n;
}

/* the cursor of the newest machine (the one a run reads files for) */
static struct tlsrpt_cursor *cur;

static struct tlsrpt_alert *machine(const struct tlsrpt_alert_conf *c)
{
	struct tlsrpt_alert_conf d;
	char err[128];
	struct tlsrpt_alert *a;

	tlsrpt_alert_defaults(&d);
	tlsrpt_cursor_free(cur);
	cur = tlsrpt_cursor_new(err, sizeof(err));
	assert_non_null(cur);
	a = tlsrpt_alert_new(c != NULL ? c : &d, cur, err, sizeof(err));
	assert_non_null(a);
	return a;
}

#define WANT(n, p, r, s)                                                                           \
	do {                                                                                       \
		if (cnt[0] != (p) || cnt[1] != (r) || cnt[2] != (s)) {                             \
			fail_msg("%s: got %zu problem %zu recovered %zu silent, want %d %d %d "    \
			         "(%s)",                                                           \
			         (n), cnt[0], cnt[1], cnt[2], (p), (r), (s), out);                 \
		}                                                                                  \
	} while (0)

/* the expired certificate, three reporters, four days; the fix; a reporter that stops */
static void test_lifecycle(void **state)
{
	struct tlsrpt_alert *a = machine(NULL);
	struct log l = {0};
	size_t cnt[4];
	char out[2048];
	long d;

	(void)state;
	for (d = 1; d <= 4; d++) {
		report(&l, "google.com", d, 90, "certificate-expired", "mx1.example.com", 1, 10);
		report(&l, "microsoft.com", d, 50, "certificate-expired", "mx1.example.com", 1, 5);
		if (d > 1) {
			report(&l, "yahoo.com", d, 30, "certificate-expired", "mx1.example.com", 1,
			       3);
		}
		run(a, &l, T0 + (d + 1) * DAY, cnt, out, sizeof(out));
		WANT("expired day", d == 1 ? 1 : 0, 0, 0);
		if (d == 1 &&
		    strstr(out,
		           "problem example.com certificate-expired google.com,microsoft.com|") ==
		            NULL) {
			fail_msg("problem: got %s", out);
		}
	}
	/* fixed on day 5: google and microsoft report clean; yahoo stops */
	report(&l, "google.com", 5, 100, "", "mx1.example.com", 0, 0);
	run(a, &l, T0 + 6 * DAY, cnt, out, sizeof(out));
	WANT("fixed", 0, 1, 0);
	if (strstr(out, "recovered example.com certificate-expired google.com|") == NULL) {
		fail_msg("recovered: got %s", out);
	}
	report(&l, "microsoft.com", 5, 55, "", "mx1.example.com", 0, 0);
	run(a, &l, T0 + 6 * DAY + 600, cnt, out, sizeof(out));
	WANT("second clean reporter", 0, 0, 0);
	/* a late copy of an old failing report does not reopen it */
	report(&l, "microsoft.com", 4, 50, "certificate-expired", "mx1.example.com", 1, 5);
	run(a, &l, T0 + 6 * DAY + 1200, cnt, out, sizeof(out));
	WANT("late old report", 0, 0, 0);
	for (d = 6; d <= 14; d++) {
		report(&l, "google.com", d, 100, "", "mx1.example.com", 0, 0);
		report(&l, "microsoft.com", d, 55, "", "mx1.example.com", 0, 0);
		run(a, &l, T0 + (d + 1) * DAY, cnt, out, sizeof(out));
		/* yahoo's last report was read on day 5 (T0 + 5 days): silent 7 days later */
		WANT("yahoo quiet", 0, 0, d + 1 == 12 ? 1 : 0);
		if (d + 1 == 12 && strstr(out, "silent example.com  yahoo.com|") == NULL) {
			fail_msg("silent: got %s", out);
		}
	}
	/* failing again, a later report: a new problem */
	report(&l, "google.com", 15, 90, "certificate-expired", "mx1.example.com", 1, 10);
	run(a, &l, T0 + 16 * DAY, cnt, out, sizeof(out));
	WANT("fails again", 1, 0, 0);
	tlsrpt_alert_free(a);
	free(l.text);
}

/* 50 failure lines of one report: one problem */
static void test_fifty_lines(void **state)
{
	struct tlsrpt_alert *a = machine(NULL);
	struct log l = {0};
	size_t cnt[4];
	char out[2048];

	(void)state;
	report(&l, "google.com", 1, 100, "starttls-not-supported", "mx2.example.com", 50, 2);
	run(a, &l, T0 + 2 * DAY, cnt, out, sizeof(out));
	WANT("50 lines", 1, 0, 0);
	tlsrpt_alert_free(a);
	free(l.text);
}

/* below AlertMinFailedSessions or AlertMinFailureRate: nothing */
static void test_thresholds(void **state)
{
	struct tlsrpt_alert_conf c;
	struct tlsrpt_alert *a;
	struct log l = {0};
	size_t cnt[4];
	char out[2048];

	(void)state;
	tlsrpt_alert_defaults(&c);
	c.min_failed = 5;
	c.min_rate = 10;
	a = machine(&c);
	report(&l, "google.com", 1, 1000, "certificate-expired", "mx1.example.com", 1, 4);
	run(a, &l, T0 + 2 * DAY, cnt, out, sizeof(out));
	WANT("4 failed sessions, min 5", 0, 0, 0);
	report(&l, "google.com", 2, 1000, "certificate-expired", "mx1.example.com", 1, 50);
	run(a, &l, T0 + 3 * DAY, cnt, out, sizeof(out));
	WANT("50 of 1050 = 4.8 %, min 10 %", 0, 0, 0);
	report(&l, "google.com", 3, 100, "certificate-expired", "mx1.example.com", 1, 50);
	run(a, &l, T0 + 4 * DAY, cnt, out, sizeof(out));
	WANT("50 of 150", 1, 0, 0);
	tlsrpt_alert_free(a);
	free(l.text);
}

/* an open problem with no failure for AlertWindow is forgotten; within it, no repeat */
static void test_window(void **state)
{
	struct tlsrpt_alert *a = machine(NULL);
	struct log l = {0};
	size_t cnt[4];
	char out[2048];

	(void)state;
	report(&l, "google.com", 1, 10, "certificate-expired", "mx1.example.com", 1, 1);
	run(a, &l, T0 + 2 * DAY, cnt, out, sizeof(out));
	WANT("first", 1, 0, 0);
	report(&l, "google.com", 7, 10, "certificate-expired", "mx1.example.com", 1, 1);
	run(a, &l, T0 + 8 * DAY, cnt, out, sizeof(out));
	WANT("within 7 days", 0, 0, 0);
	report(&l, "google.com", 16, 10, "certificate-expired", "mx1.example.com", 1, 1);
	run(a, &l, T0 + 17 * DAY, cnt, out, sizeof(out));
	WANT("9 days after the last failure", 1, 0, 0);
	tlsrpt_alert_free(a);
	free(l.text);
}

/* a configured domain that never reports */
static void test_expected_domain(void **state)
{
	struct tlsrpt_alert *a = machine(NULL);
	struct log l = {0};
	size_t cnt[4];
	char out[2048];

	(void)state;
	log_add(&l, "Q1: action action=deliver recipients=1");
	tlsrpt_alert_expect(a, "Quiet.Example", (time_t)T0);
	run(a, &l, T0 + 6 * DAY, cnt, out, sizeof(out));
	WANT("6 days", 0, 0, 0);
	run(a, &l, T0 + 7 * DAY, cnt, out, sizeof(out));
	WANT("7 days", 0, 0, 1);
	if (strcmp(out, "silent quiet.example  |") != 0) {
		fail_msg("got %s", out);
	}
	run(a, &l, T0 + 8 * DAY, cnt, out, sizeof(out));
	WANT("8 days", 0, 0, 0);
	tlsrpt_alert_free(a);
	free(l.text);
}

/* saved and loaded between runs (a restart): nothing repeated; file positions kept */
static void test_save_load(void **state)
{
	char path[] = "/tmp/test_alert_XXXXXX", err[256];
	struct tlsrpt_alert *a = machine(NULL);
	struct log l = {0};
	size_t cnt[4];
	char out[2048];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	tlsrpt_cursor_done(cur, "/var/log/mail.log", 42, 12345);
	report(&l, "google.com", 1, 90, "certificate-expired", "mx1.example.com", 1, 10);
	run(a, &l, T0 + 2 * DAY, cnt, out, sizeof(out));
	WANT("problem", 1, 0, 0);
	assert_int_equal(tlsrpt_alertstate_save(path, a, cur, err, sizeof(err)), 0);
	tlsrpt_alert_free(a);
	a = machine(NULL);
	assert_int_equal(tlsrpt_alertstate_load(path, a, cur, err, sizeof(err)), 0);
	assert_int_equal(tlsrpt_cursor_start(cur, 42, ~0ULL), 12345);
	assert_int_equal(tlsrpt_cursor_start(cur, 43, ~0ULL), 0);
	report(&l, "google.com", 2, 90, "certificate-expired", "mx1.example.com", 1, 10);
	run(a, &l, T0 + 3 * DAY, cnt, out, sizeof(out));
	WANT("after the restart", 0, 0, 0);
	report(&l, "google.com", 3, 90, "", "mx1.example.com", 0, 0);
	run(a, &l, T0 + 4 * DAY, cnt, out, sizeof(out));
	WANT("fixed", 0, 1, 0);
	tlsrpt_alert_free(a);
	unlink(path);
	free(l.text);
}

/* a damaged state file: loaded empty with a note, rebuilt from the whole log, nothing repeated */
static void test_damaged(void **state)
{
	static const char *const damage[] = {"garbage\n", "tlsrpt-alert-state 1\nP\tx\n",
	                                     "tlsrpt-alert-state 1\nR\ta\tb\t1\t0", ""};
	char path[] = "/tmp/test_alert_XXXXXX", err[256];
	struct tlsrpt_alert *a = machine(NULL);
	struct log l = {0};
	size_t cnt[4], i;
	char out[2048], mx[64];
	int fd = mkstemp(path);
	FILE *fp;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	report(&l, "google.com", 1, 90, "certificate-expired", "mx1.example.com", 1, 10);
	report(&l, "yahoo.com", 1, 90, "certificate-expired", "mx1.example.com", 1, 10);
	run(a, &l, T0 + 2 * DAY, cnt, out, sizeof(out));
	WANT("problem", 1, 0, 0);
	report(&l, "google.com", 2, 90, "", "mx1.example.com", 0, 0);
	run(a, &l, T0 + 3 * DAY, cnt, out, sizeof(out));
	WANT("recovered", 0, 1, 0);
	tlsrpt_alert_free(a);
	for (i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(damage[i], fp);
		fclose(fp);
		a = machine(NULL);
		if (tlsrpt_alertstate_load(path, a, cur, err, sizeof(err)) != 1) {
			fail_msg("damage %zu: got a good load, want a note", i);
		}
		/* rebuilt: the whole log, our own lines included */
		l.done = 0;
		run(a, &l, T0 + 3 * DAY + 300, cnt, out, sizeof(out));
		WANT("rebuilt", 0, 0, 0);
		snprintf(mx, sizeof(mx), "mx%zu.example.com", 10 + i);
		report(&l, "yahoo.com", 3, 90, "certificate-expired", mx, 1, 10);
		run(a, &l, T0 + 4 * DAY, cnt, out, sizeof(out));
		WANT("new problem after the rebuild", 1, 0, 0);
		tlsrpt_alert_free(a);
	}
	unlink(path);
	free(l.text);
}

/* feed_at - one bare line as read from file ino at off */
static void feed_at(struct tlsrpt_alert *a, const char *line, unsigned long long off, long now)
{
	struct tlsrpt_logline *ll = malloc(sizeof(*ll));

	assert_non_null(ll);
	assert_int_equal(tlsrpt_logline_parse(ll, line, strlen(line), TLSRPT_LOGLINE_BARE), 1);
	tlsrpt_alert_add_at(a, ll, (time_t)now, 7, off);
	free(ll);
}

/* finish_at - end a run over file 7, read up to end; the events' kinds as letters */
static void finish_at(struct tlsrpt_alert *a, unsigned long long end, long now, char *out)
{
	const struct tlsrpt_alert_event *ev;
	size_t n, i;

	tlsrpt_cursor_done(cur, "/log", 7, end);
	ev = tlsrpt_alert_finish(a, (time_t)now, &n);
	for (i = 0; i < n; i++) {
		out[i] = tlsrpt_alert_name(ev[i].kind)[0];
	}
	out[n] = '\0';
}

/* reload - save and load again, as the next run does */
static struct tlsrpt_alert *reload(struct tlsrpt_alert *a, const char *path)
{
	char err[256];

	assert_int_equal(tlsrpt_alertstate_save(path, a, cur, err, sizeof(err)), 0);
	tlsrpt_alert_free(a);
	a = machine(NULL);
	assert_int_equal(tlsrpt_alertstate_load(path, a, cur, err, sizeof(err)), 0);
	return a;
}

#define REP(q, r)                                                                                  \
	q ": report report-id=" r " policy-domain=d.example start-datetime=2024-10-04T00:00:00Z "  \
	  "reporter=s.example reporter-kind=claimed submitter=s.example"
#define POL(q, r)                                                                                  \
	q ": policy report-id=" r " policy-domain=d.example policy-type=sts "                      \
	  "total-successful-session-count=9 total-failure-session-count=1 reporter-kind=claimed"
#define FAIL(q, r, mx)                                                                             \
	q ": failure report-id=" r " policy-domain=d.example policy-type=sts "                     \
	  "result-type=certificate-expired receiving-mx-hostname=" mx                              \
	  " failed-session-count=1 reporter-kind=claimed"
#define ACT(q) q ": action action=deliver recipients=1"

/* a message cut by the end of a run is judged whole by the next one, nothing twice */
static void test_cut_message(void **state)
{
	char path[] = "/tmp/test_alert_XXXXXX", ev[64];
	struct tlsrpt_alert *a = machine(NULL);
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* run 1: A's report and policy lines, then all of B; A's failure not yet logged */
	feed_at(a, REP("QA", "a"), 0, T0);
	feed_at(a, POL("QA", "a"), 100, T0);
	feed_at(a, REP("QB", "b"), 200, T0);
	feed_at(a, POL("QB", "b"), 300, T0);
	feed_at(a, FAIL("QB", "b", "mx1.d.example"), 400, T0);
	feed_at(a, ACT("QB"), 500, T0);
	finish_at(a, 600, T0, ev);
	assert_string_equal(ev, "p"); /* B's problem; A not judged (it would have looked clean) */
	a = reload(a, path);
	assert_int_equal(tlsrpt_cursor_start(cur, 7, ~0ULL), 0);
	/* run 2: from A's report line again; B is skipped, A gets its failure */
	feed_at(a, REP("QA", "a"), 0, T0 + 300);
	feed_at(a, POL("QA", "a"), 100, T0 + 300);
	feed_at(a, REP("QB", "b"), 200, T0 + 300);
	feed_at(a, POL("QB", "b"), 300, T0 + 300);
	feed_at(a, FAIL("QB", "b", "mx1.d.example"), 400, T0 + 300);
	feed_at(a, ACT("QB"), 500, T0 + 300);
	feed_at(a, FAIL("QA", "a", "mx2.d.example"), 600, T0 + 300);
	feed_at(a, ACT("QA"), 700, T0 + 300);
	/* run 2 also sees C start, never finished */
	feed_at(a, REP("QC", "c"), 800, T0 + 300);
	feed_at(a, FAIL("QC", "c", "mx3.d.example"), 900, T0 + 300);
	finish_at(a, 1000, T0 + 300, ev);
	assert_string_equal(ev, "p"); /* A's problem (mx2) only */
	a = reload(a, path);
	assert_int_equal(tlsrpt_cursor_start(cur, 7, ~0ULL), 800);
	/* run 3: C again, still without its action line: judged now */
	feed_at(a, REP("QC", "c"), 800, T0 + 600);
	feed_at(a, FAIL("QC", "c", "mx3.d.example"), 900, T0 + 600);
	finish_at(a, 1000, T0 + 600, ev);
	assert_string_equal(ev, "p");
	a = reload(a, path);
	assert_int_equal(tlsrpt_cursor_start(cur, 7, ~0ULL), 1000);
	tlsrpt_alert_free(a);
	unlink(path);
}

/*
 * test_claimed_silence - 300 unsigned mails, each claiming another
 * reporter of our domain, then silence: the claimed reporters' silence is
 * summed up in one `others` event, and Google's (authenticated) silence
 * is announced one by one in the same run
 */
static void test_claimed_silence(void **state)
{
	struct tlsrpt_alert *a = machine(NULL);
	struct log l = {0};
	size_t cnt[4], i;
	static char out[65536];
	const struct tlsrpt_alert_event *ev;
	size_t n, others = 0, google = 0, silent = 0;
	struct tlsrpt_logline *ll = malloc(sizeof(*ll));
	char *p, *e;

	(void)state;
	assert_non_null(ll);
	tlsrpt_alert_expect(a, "example.com", (time_t)T0);
	report(&l, "google.com", 0, 100, "certificate-expired", "mx1.example.com", 0, 0);
	for (i = 0; i < 300; i++) {
		log_add(&l,
		        "C%zu: report report-id=c%zu policy-domain=example.com "
		        "start-datetime=2024-10-04T00:00:00Z end-datetime=2024-10-04T23:59:59Z "
		        "policies=1 total-successful-session-count=1 total-failure-session-count=0 "
		        "dkim=none reporter=s%zu.stranger.example reporter-kind=claimed",
		        i, i, i);
		log_add(&l,
		        "C%zu: policy report-id=c%zu policy-domain=example.com policy-type=sts "
		        "total-successful-session-count=1 total-failure-session-count=0 "
		        "failure-details=0 reporter-kind=claimed",
		        i, i);
		log_add(&l, "C%zu: action action=deliver recipients=1", i);
	}
	run(a, &l, T0 + DAY / 2, cnt, out, sizeof(out));
	/* a week later: the feed, then the events of the run */
	for (p = l.text + l.done; *p != '\0' && (e = strchr(p, '\n')) != NULL; p = e + 1) {
		if (tlsrpt_logline_parse(ll, p, (size_t)(e - p), TLSRPT_LOGLINE_BARE)) {
			tlsrpt_alert_add(a, ll, (time_t)(T0 + 8 * DAY));
		}
	}
	ev = tlsrpt_alert_finish(a, (time_t)(T0 + 8 * DAY), &n);
	for (i = 0; i < n; i++) {
		if (ev[i].kind == TLSRPT_ALERT_OTHERS) {
			others++;
			assert_int_equal(ev[i].silent, 300);
		} else if (ev[i].kind == TLSRPT_ALERT_SILENT) {
			silent++;
			google += strcmp(ev[i].reporters, "google.com") == 0;
		}
	}
	if (google != 1 || others != 1 || silent > 2) {
		fail_msg(
		        "got %zu events: %zu silent (google.com %zu), %zu others; want google.com's "
		        "silent (and the domain's), one others",
		        n, silent, google, others);
	}
	free(ll);
	tlsrpt_alert_free(a);
	free(l.text);
}

/*
 * one_report - a message with one report of example.com for day (of the
 * tests) by reporter of kind (dkim, claimed), failed certificate-expired
 * sessions on mx1.example.com (none: a clean report)
 */
static void one_report(struct log *l, const char *q, const char *reporter, const char *kind,
                       long day, unsigned failed)
{
	char date[16];

	tlsrpt_calendar_date(20000 + day, date, sizeof(date));
	log_add(l,
	        "%s: report report-id=%s-%ld policy-domain=example.com start-datetime=%sT00:00:00Z "
	        "end-datetime=%sT23:59:59Z policies=1 total-successful-session-count=100 "
	        "total-failure-session-count=%u dkim=none reporter=%s reporter-kind=%s",
	        q, q, day, date, date, failed, reporter, kind);
	log_add(l,
	        "%s: policy report-id=%s-%ld policy-domain=example.com policy-type=sts "
	        "total-successful-session-count=100 total-failure-session-count=%u "
	        "failure-details=%d reporter-kind=%s",
	        q, q, day, failed, failed > 0, kind);
	if (failed > 0) {
		log_add(l,
		        "%s: failure report-id=%s-%ld policy-domain=example.com policy-type=sts "
		        "result-type=certificate-expired receiving-mx-hostname=mx1.example.com "
		        "failed-session-count=%u reporter-kind=%s",
		        q, q, day, failed, kind);
	}
	log_add(l, "%s: action action=deliver recipients=1", q);
}

/*
 * test_stranger_recovery - Google (DKIM) reports a failure on day 1; a
 * stranger reports the same failure unsigned (claimed) and the next day
 * a clean report: that never recovers Google's problem.  Nor does a
 * failure report dated years ahead keep Google's own clean report of day
 * 2 from recovering it.
 */
static void test_stranger_recovery(void **state)
{
	int v;

	(void)state;
	for (v = 0; v < 2; v++) {
		struct tlsrpt_alert *a = machine(NULL);
		struct log l = {0};
		size_t cnt[4];
		char out[4096];

		tlsrpt_alert_expect(a, "example.com", (time_t)T0);
		one_report(&l, "G1", "google.com", "dkim", 1, 50);
		one_report(&l, "S1", "stranger.example", v == 0 ? "claimed" : "dkim",
		           v == 0 ? 1 : 1000, 50);
		run(a, &l, T0 + 2 * DAY + 3600, cnt, out, sizeof(out));
		WANT(v == 0 ? "both fail" : "a failure dated ahead", 1, 0, 0);
		if (v == 0) {
			one_report(&l, "S2", "stranger.example", "claimed", 2, 0);
			run(a, &l, T0 + 3 * DAY + 3600, cnt, out, sizeof(out));
			WANT("the claimed stranger's clean report", 0, 0, 0);
		}
		one_report(&l, "G2", "google.com", "dkim", 2, 0);
		run(a, &l, T0 + 3 * DAY + 7200, cnt, out, sizeof(out));
		WANT("Google's clean report", 0, 1, 0);
		if (strstr(out, "google.com") == NULL) {
			fail_msg("recovered by another than google.com: %s", out);
		}
		tlsrpt_alert_free(a);
		free(l.text);
	}
}

/*
 * test_run_between_lines - a run that ends after a message's report line
 * and before its policy line (the milter was still logging it): the report
 * is left for the next run, which reads it whole and announces its
 * problem; it is never taken as cut and lost
 */
static void test_run_between_lines(void **state)
{
	char path[] = "/tmp/test_alert_XXXXXX", ev[64];
	struct tlsrpt_alert *a = machine(NULL);
	int fd = mkstemp(path);
	const char *rep =
	        "QW: report report-id=w policy-domain=d.example "
	        "start-datetime=2024-10-04T00:00:00Z end-datetime=2024-10-04T23:59:59Z "
	        "policies=1 total-successful-session-count=9 total-failure-session-count=1 "
	        "dkim=pass reporter=s.example reporter-kind=dkim submitter=s.example";
	const char *pol = "QW: policy report-id=w policy-domain=d.example policy-type=sts "
	                  "total-successful-session-count=9 total-failure-session-count=1 "
	                  "failure-details=1 reporter-kind=dkim";
	const char *fl = "QW: failure report-id=w policy-domain=d.example policy-type=sts "
	                 "result-type=certificate-expired receiving-mx-hostname=mx1.d.example "
	                 "failed-session-count=1 reporter-kind=dkim";

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(tlsrpt_cursor_start(cur, 7, ~0ULL), 0);
	feed_at(a, rep, 0, T0);
	finish_at(a, 300, T0, ev);
	assert_string_equal(ev, "");
	a = reload(a, path);
	assert_int_equal(tlsrpt_cursor_start(cur, 7, ~0ULL), 0);
	feed_at(a, rep, 0, T0 + 300);
	feed_at(a, pol, 300, T0 + 300);
	feed_at(a, fl, 500, T0 + 300);
	feed_at(a, ACT("QW"), 700, T0 + 300);
	finish_at(a, 800, T0 + 300, ev);
	assert_string_equal(ev, "p");
	tlsrpt_alert_free(a);
	unlink(path);
}

/*
 * flood - one message of n reports from stranger.example (authenticated),
 * each for 8 policy domains of its choosing, the first of them our own
 * domain's name in the report line (as a TLS-Report-Domain header gives it)
 */
static void flood(struct log *l, int n, long day)
{
	char date[16];
	int i, j;

	tlsrpt_calendar_date(20000 + day, date, sizeof(date));
	for (i = 0; i < n; i++) {
		log_add(l,
		        "QF: report report-id=f%d policy-domain=f%03d-0.example start-datetime=%sT00:00:00Z end-datetime=%sT23:59:59Z policies=8 dkim=pass reporter=stranger.example reporter-kind=dkim submitter=stranger.example",
		        i, i, date, date);
		for (j = 0; j < 8; j++) {
			log_add(l,
			        "QF: policy report-id=f%d policy-domain=f%03d-%d.example policy-type=sts total-successful-session-count=10 total-failure-session-count=%d reporter-kind=dkim",
			        i, i, j, i % 2);
			if (i % 2) {
				log_add(l,
				        "QF: failure report-id=f%d policy-domain=f%03d-%d.example policy-type=sts result-type=starttls-not-supported receiving-mx-hostname=mx.f%03d-%d.example failed-session-count=1 reporter-kind=dkim",
				        i, i, j, i, j);
			}
		}
	}
	log_add(l, "QF: action action=deliver recipients=1");
}

/*
 * one mail of 150 reports x 8 domains (half of them failing) after Google's
 * report of our domain: a few events in all, the flood summed up, Google's
 * silence announced; then the same without any domain of ours, Google
 * heard from in two runs
 */
static void test_crowd(void **state)
{
	int ours;

	(void)state;
	for (ours = 1; ours >= 0; ours--) {
		struct tlsrpt_alert *a = machine(NULL);
		struct log l = {0};
		size_t cnt[4], total = 0, others = 0, n;
		char out[16384];
		int google = 0;
		long d;

		if (ours) {
			assert_int_equal(tlsrpt_alert_expect(a, "Example.COM", (time_t)T0), 0);
		}
		report(&l, "google.com", 1, 90, "", "mx1.example.com", 0, 0);
		run(a, &l, T0 + 2 * DAY, cnt, out, sizeof(out));
		if (!ours) {
			report(&l, "google.com", 2, 90, "", "mx1.example.com", 0, 0);
			run(a, &l, T0 + 2 * DAY + 3600, cnt, out, sizeof(out));
		}
		flood(&l, 150, 2);
		for (d = 3; d <= 12; d++) {
			n = run(a, &l, T0 + d * DAY, cnt, out, sizeof(out));
			total += n;
			others += cnt[TLSRPT_ALERT_OTHERS];
			google += strstr(out, "silent example.com  google.com|") != NULL;
			if (cnt[TLSRPT_ALERT_OTHERS] > 1 || n > (ours ? 3u : 10u)) {
				fail_msg("ours %d, day %ld: %zu events, %zu others: %s", ours, d, n,
				         cnt[TLSRPT_ALERT_OTHERS], out);
			}
			if (ours && strstr(out, ".example ") != NULL) {
				fail_msg("day %ld: a name of the flood one by one: %s", d, out);
			}
		}
		if (google != 1) {
			fail_msg("ours %d: Google's silence announced %d times, want 1", ours,
			         google);
		}
		if (others < 2 || total > (ours ? 8u : 40u)) {
			fail_msg("ours %d: %zu events, %zu others in 10 runs", ours, total, others);
		}
		tlsrpt_alert_free(a);
		free(l.text);
	}
}

/* the pools survive a save and a load; a state file of version 1 is rebuilt */
static void test_pools_saved(void **state)
{
	char path[] = "/tmp/test_alert_XXXXXX", err[256], out[16384];
	struct tlsrpt_alert *a = machine(NULL);
	struct log l = {0};
	size_t cnt[4];
	int fd = mkstemp(path);
	long d;
	FILE *fp;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* Google heard from in two runs and two mails: known, though no domain is ours */
	report(&l, "google.com", 1, 90, "", "mx1.example.com", 0, 0);
	run(a, &l, T0 + 2 * DAY, cnt, out, sizeof(out));
	report(&l, "google.com", 2, 90, "", "mx1.example.com", 0, 0);
	run(a, &l, T0 + 3 * DAY, cnt, out, sizeof(out));
	assert_int_equal(tlsrpt_alertstate_save(path, a, cur, err, sizeof(err)), 0);
	tlsrpt_alert_free(a);
	a = machine(NULL);
	assert_int_equal(tlsrpt_alertstate_load(path, a, cur, err, sizeof(err)), 0);
	flood(&l, 150, 3);
	for (d = 4; d <= 11; d++) {
		run(a, &l, T0 + d * DAY, cnt, out, sizeof(out));
		if (d == 10 && strstr(out, "silent example.com  google.com|") == NULL) {
			fail_msg("day 10: Google's silence not announced after a reload: %s", out);
		}
	}
	tlsrpt_alert_free(a);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("tlsrpt-alert-state 1\nR\texample.com\tgoogle.com\t1728000000\t0\n", fp);
	fclose(fp);
	a = machine(NULL);
	assert_int_equal(tlsrpt_alertstate_load(path, a, cur, err, sizeof(err)), 1);
	tlsrpt_alert_free(a);
	unlink(path);
	free(l.text);
}

/*
 * ---- the baseline rule.  report_as - one report of domain dom by reporter,
 * DKIM-authenticated (auth) or only claimed, on day: ok successful
 * sessions and failed ones of certificate-expired at mx1.example.com
 */
static void report_as(struct log *l, const char *reporter, int auth, const char *dom, long day,
                      unsigned ok, unsigned failed)
{
	static unsigned seq;
	const char *kind = auth ? "dkim" : "claimed";
	char rid[64], date[16];

	seq++;
	tlsrpt_calendar_date(20000 + day, date, sizeof(date));
	snprintf(rid, sizeof(rid), "b%u", seq);
	log_add(l,
	        "B%u: report report-id=%s policy-domain=%s start-datetime=%sT00:00:00Z end-datetime=%sT23:59:59Z policies=1 total-successful-session-count=%u total-failure-session-count=%u dkim=%s reporter=%s reporter-kind=%s submitter=%s organization-name=x",
	        seq, rid, dom, date, date, ok, failed, auth ? "pass" : "none", reporter, kind,
	        reporter);
	log_add(l,
	        "B%u: policy report-id=%s policy-domain=%s policy-type=sts total-successful-session-count=%u total-failure-session-count=%u failure-details=%u reporter-kind=%s mx-host=mx1.example.com",
	        seq, rid, dom, ok, failed, failed > 0 ? 1 : 0, kind);
	if (failed > 0) {
		log_add(l,
		        "B%u: failure report-id=%s policy-domain=%s policy-type=sts result-type=certificate-expired receiving-mx-hostname=mx1.example.com receiving-ip=198.51.100.25 failed-session-count=%u reporter-kind=%s",
		        seq, rid, dom, failed, kind);
	}
	log_add(l, "B%u: action action=deliver recipients=1", seq);
}

/* thresholds no ordinary failure reaches: only the baseline can raise a problem */
static struct tlsrpt_alert *high_thresholds(unsigned baseline_reports)
{
	struct tlsrpt_alert_conf c;

	tlsrpt_alert_defaults(&c);
	c.min_failed = 100;
	c.min_rate = 20;
	c.baseline_reports = baseline_reports;
	return machine(&c);
}

/* ten quiet days of google.com (authenticated) at 0.5 %: 5 of 1000 sessions a day */
static void quiet_days(struct tlsrpt_alert *a, struct log *l, long from, long to)
{
	size_t cnt[4];
	char out[2048];
	long d;

	for (d = from; d <= to; d++) {
		report_as(l, "google.com", 1, "example.com", d, 995, 5);
		run(a, l, T0 + (d + 1) * DAY, cnt, out, sizeof(out));
		WANT("a quiet day under the thresholds", 0, 0, 0);
	}
}

/* the default rule: 3 % after days of 0.5 % is a problem under the thresholds; 2 % is not */
static void test_baseline(void **state)
{
	const struct tlsrpt_alert_event *ev;
	struct tlsrpt_alert_conf c;
	struct tlsrpt_alert *a = high_thresholds(14);
	struct log l = {0};
	size_t cnt[4], n;
	char out[2048];

	(void)state;
	tlsrpt_alert_defaults(&c);
	assert_int_equal(c.baseline_reports, 14);
	assert_int_equal(c.baseline_min_failed, 10);
	quiet_days(a, &l, 1, 10);
	/* 20 of 1000: 2 % is under max(3 x 0.5, 0.5 + 2) = 2.5 % */
	report_as(&l, "google.com", 1, "example.com", 11, 980, 20);
	run(a, &l, T0 + 12 * DAY, cnt, out, sizeof(out));
	WANT("2 % against 0.5 %", 0, 0, 0);
	/* 30 of 1000: 3 % is over it, and 30 failed sessions are at least 10 */
	report_as(&l, "google.com", 1, "example.com", 12, 970, 30);
	log_add(&l, "junk");
	{
		struct tlsrpt_logline *ll = malloc(sizeof(*ll));
		char *p = l.text + l.done, *e;

		assert_non_null(ll);
		while ((e = strchr(p, '\n')) != NULL) {
			if (tlsrpt_logline_parse(ll, p, (size_t)(e - p), TLSRPT_LOGLINE_BARE)) {
				tlsrpt_alert_add(a, ll, (time_t)(T0 + 13 * DAY));
			}
			p = e + 1;
		}
		free(ll);
		l.done = l.len;
	}
	ev = tlsrpt_alert_finish(a, (time_t)(T0 + 13 * DAY), &n);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, TLSRPT_ALERT_PROBLEM);
	assert_string_equal(ev[0].result_type, "certificate-expired");
	assert_string_equal(ev[0].reporters, "google.com");
	assert_int_equal(ev[0].failed, 30);
	assert_int_equal(ev[0].by_baseline, 1);
	/* the baseline it was above: the 11 reports before it, 70 of 11,000 sessions */
	assert_int_equal(ev[0].base_failed, 5 * 10 + 20);
	assert_int_equal(ev[0].base_sessions, 11000);
	tlsrpt_alert_free(a);
	free(l.text);
}

/* a baseline needs half its reports; under baseline_min_failed nothing; 0 turns it off */
static void test_baseline_limits(void **state)
{
	struct tlsrpt_alert *a = high_thresholds(14);
	struct log l = {0};
	size_t cnt[4];
	char out[2048];

	(void)state;
	quiet_days(a, &l, 1, 6);
	report_as(&l, "google.com", 1, "example.com", 7, 900, 90);
	run(a, &l, T0 + 8 * DAY, cnt, out, sizeof(out));
	WANT("6 reports of 14: no baseline yet", 0, 0, 0);
	tlsrpt_alert_free(a);
	free(l.text);

	memset(&l, 0, sizeof(l));
	a = high_thresholds(14);
	quiet_days(a, &l, 1, 10);
	report_as(&l, "google.com", 1, "example.com", 11, 91, 9);
	run(a, &l, T0 + 12 * DAY, cnt, out, sizeof(out));
	WANT("9 % but 9 failed sessions, under 10", 0, 0, 0);
	tlsrpt_alert_free(a);
	free(l.text);

	memset(&l, 0, sizeof(l));
	a = high_thresholds(0);
	quiet_days(a, &l, 1, 10);
	report_as(&l, "google.com", 1, "example.com", 11, 900, 90);
	run(a, &l, T0 + 12 * DAY, cnt, out, sizeof(out));
	WANT("baseline off", 0, 0, 0);
	tlsrpt_alert_free(a);
	free(l.text);
}

/*
 * the flood rule: reports that only claim google.com, at a high rate, do
 * not raise the authenticated google.com's baseline; 300 strangers'
 * baselines for names not ours do not push it out; and it survives a
 * state file
 */
static void test_baseline_flood(void **state)
{
	char path[] = "/tmp/test_alert_XXXXXX", err[256], dom[64];
	struct tlsrpt_alert *a = high_thresholds(14);
	struct log l = {0};
	size_t cnt[4];
	char out[2048];
	unsigned i;
	long d;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	tlsrpt_alert_expect(a, "example.com", (time_t)T0);
	for (d = 1; d <= 10; d++) {
		report_as(&l, "google.com", 1, "example.com", d, 995, 5);
		/* a stranger claims google.com, 9 % failed: its own baseline, never the real one */
		for (i = 0; i < 3; i++) {
			report_as(&l, "google.com", 0, "example.com", d, 910, 90);
		}
		run(a, &l, T0 + (d + 1) * DAY, cnt, out, sizeof(out));
		WANT("under the thresholds", 0, 0, 0);
	}
	for (i = 0; i < 300; i++) {
		snprintf(dom, sizeof(dom), "d%u.example", i);
		report_as(&l, "stranger.example", 1, dom, 10, 100, 0);
	}
	run(a, &l, T0 + 11 * DAY + 600, cnt, out, sizeof(out));
	WANT("strangers' names", 0, 0, 0);
	assert_int_equal(tlsrpt_alertstate_save(path, a, cur, err, sizeof(err)), 0);
	tlsrpt_alert_free(a);
	a = high_thresholds(14);
	tlsrpt_alert_expect(a, "example.com", (time_t)T0);
	assert_int_equal(tlsrpt_alertstate_load(path, a, cur, err, sizeof(err)), 0);
	report_as(&l, "google.com", 1, "example.com", 11, 960, 40);
	run(a, &l, T0 + 12 * DAY, cnt, out, sizeof(out));
	WANT("4 % against the authenticated 0.5 % (the claimed one is 9 %)", 1, 0, 0);
	/* the claimed google.com at 4 % is under its own 9 %: nothing */
	report_as(&l, "google.com", 0, "example.com", 12, 960, 40);
	run(a, &l, T0 + 13 * DAY, cnt, out, sizeof(out));
	WANT("the claimed one at 4 %", 0, 0, 0);
	tlsrpt_alert_free(a);
	unlink(path);
	free(l.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lifecycle),       cmocka_unit_test(test_fifty_lines),
	        cmocka_unit_test(test_thresholds),      cmocka_unit_test(test_window),
	        cmocka_unit_test(test_expected_domain), cmocka_unit_test(test_save_load),
	        cmocka_unit_test(test_damaged),         cmocka_unit_test(test_cut_message),
	        cmocka_unit_test(test_crowd),           cmocka_unit_test(test_pools_saved),
	        cmocka_unit_test(test_baseline),        cmocka_unit_test(test_baseline_limits),
	        cmocka_unit_test(test_baseline_flood),  cmocka_unit_test(test_run_between_lines),
	        cmocka_unit_test(test_claimed_silence), cmocka_unit_test(test_stranger_recovery),
	};

	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	tlsrpt_cursor_free(cur);
	return rc;
}
