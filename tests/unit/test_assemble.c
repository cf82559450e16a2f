/*
 * test_assemble.c - the digest and the alert mode read one log the same way, and trust survives it
 *
 * The lines are written by the milter's own code (summary.c and record.c,
 * kv and JSON) behind a syslog header, or taken from the logs the real
 * milter wrote (tests/lookout/data).  Checked:
 *   - a stranger, DKIM-authenticated for its own domain, with
 *     organization-name=google.com and inflated text fields, logged before
 *     Google's signed report with the same report-id: it never becomes
 *     "google.com (DKIM)", never suppresses Google's report as a duplicate
 *     and its clean report of the next day never recovers Google's
 *     problem; nor do the same lines cut where the old milter cut them or
 *     where a relay cuts at 1,024 bytes;
 *   - a claimed google.com (RequireDKIM no) neither suppresses nor
 *     recovers Google's signed report;
 *   - a report received twice counts once in the digest and in the alert;
 *   - one corpus through the digest and the alert mode: the same reports,
 *     duplicates, and per problem the same failed sessions and reporters;
 *   - every line of the corpus cut at every byte from 100 to its length:
 *     no reporter's figures change but by losing the report the cut line
 *     belongs to, and no identity appears that was not there.
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

#include "alert.h"
#include "calendar.h"
#include "digest.h"
#include "identity.h"
#include "logline.h"
#include "record.h"
#include "report.h"
#include "summary.h"

#define MAXLINES 4096
#define HEADER "Nov 29 07:00:00 mx1 tlsrpt-milter[123456]: "
#define DAY(n) tlsrpt_calendar_civil(2026, 11, n)
#define RID "2026-11-27T00:00:00Z_example.com"

struct corpus {
	char *line[MAXLINES];
	size_t n;
};

/* add_line - append a copy of s */
static void add_line(struct corpus *c, const char *s)
{
	assert_true(c->n < MAXLINES);
	c->line[c->n] = strdup(s);
	assert_non_null(c->line[c->n]);
	c->n++;
}

/* corpus_free - release the lines */
static void corpus_free(struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->line[i]);
	}
	c->n = 0;
}

/*
 * report_json - a report of example.com for day 2026-11-DAY: ok successful
 * sessions, failed certificate-expired ones on mx1.example.com
 */
static char *report_json(const char *rid, int day, const char *org, const char *contact,
                         unsigned ok, unsigned failed)
{
	static char buf[16384];

	snprintf(buf, sizeof(buf),
	         "{\"organization-name\":\"%s\",\"date-range\":{\"start-datetime\":"
	         "\"2026-11-%02dT00:00:00Z\",\"end-datetime\":\"2026-11-%02dT23:59:59Z\"},"
	         "\"contact-info\":\"%s\",\"report-id\":\"%s\",\"policies\":[{\"policy\":{"
	         "\"policy-type\":\"sts\",\"policy-domain\":\"example.com\",\"mx-host\":"
	         "\"mx1.example.com\"},\"summary\":{\"total-successful-session-count\":%u,"
	         "\"total-failure-session-count\":%u},\"failure-details\":[%s]}]}",
	         org, day, day, contact, rid, ok, failed,
	         failed == 0 ? ""
	                     : "{\"result-type\":\"certificate-expired\",\"receiving-mx-hostname\":"
	                       "\"mx1.example.com\",\"receiving-ip\":\"198.51.100.25\","
	                       "\"failed-session-count\":FAILED}");
	if (failed > 0) {
		char *p = strstr(buf, "FAILED"), tail[16384];

		snprintf(tail, sizeof(tail), "%u%s", failed, p + 6);
		strcpy(p, tail);
	}
	return buf;
}

/*
 * mail - the lines the milter logs for one message carrying json, from a
 * sender whose DKIM verdict, submitter header and report domain header are
 * given (the reporter decided by identity.c), as a syslog file holds them
 */
static void mail(struct corpus *c, const char *qid, const char *json, int dkim_pass,
                 const char *dkim_domain, const char *submitter, const char *report_domain,
                 enum tlsrpt_format fmt)
{
	struct tlsrpt_summary_hdrs h;
	struct tlsrpt_summary_msg m;
	struct tlsrpt_identity id;
	struct tlsrpt_limits lim;
	struct tlsrpt_records rs;
	struct tlsrpt_record *act;
	struct tlsrpt_report *r;
	char err[256], out[TLSRPT_MAX_LOG_LINE + 1], line[TLSRPT_MAX_LOG_LINE + 128];
	size_t i;

	if (tlsrpt_report_parse(json, strlen(json), &r, err, sizeof(err)) != 0) {
		fail_msg("test report: refused (%s)", err);
	}
	tlsrpt_identity_decide(&id, dkim_pass, dkim_domain, submitter, NULL);
	memset(&h, 0, sizeof(h));
	h.report_domain = report_domain;
	h.report_submitter = submitter;
	h.dkim = dkim_pass ? "pass" : "none";
	h.dkim_domain = dkim_domain;
	h.reporter = &id;
	tlsrpt_limits_default(&lim);
	memset(&m, 0, sizeof(m));
	tlsrpt_records_init(&rs);
	assert_int_equal(tlsrpt_summary_records(r, &h, &lim, &m, &rs, err, sizeof(err)), 0);
	assert_int_equal(tlsrpt_summary_finish(&m, &rs, err, sizeof(err)), 0);
	act = tlsrpt_records_add(&rs, TLSRPT_EV_ACTION, TLSRPT_SEV_INFO);
	tlsrpt_record_str(act, "action", "deliver");
	for (i = 0; i < rs.n; i++) {
		tlsrpt_record_format(&rs.v[i], fmt, qid, out, sizeof(out));
		snprintf(line, sizeof(line), "%s%s%s", HEADER, tlsrpt_format_cookie(fmt), out);
		add_line(c, line);
	}
	tlsrpt_records_free(&rs);
	tlsrpt_report_free(r);
}

/* google - Google's DKIM-signed report: 1000 sessions on day 27, 500 failed */
static void google(struct corpus *c, const char *qid, enum tlsrpt_format fmt)
{
	mail(c, qid, report_json(RID, 27, "Google Inc.", "smtp-tls-reporting@google.com", 500, 500),
	     1, "google.com", "google.com", "example.com", fmt);
}

/* google_clean - Google's report of day 28: no failure (the fix) */
static void google_clean(struct corpus *c, const char *qid, enum tlsrpt_format fmt)
{
	mail(c, qid,
	     report_json("2026-11-28T00:00:00Z_example.com", 28, "Google Inc.",
	                 "smtp-tls-reporting@google.com", 1000, 0),
	     1, "google.com", "google.com", "example.com", fmt);
}

/*
 * stranger - a report signed by stranger.example, with Google's report-id
 * (day 27) or a clean one of day 28, organization-name google.com,
 * contact-info and TLS-Report-Domain made of 300 quotes, no submitter
 */
static void stranger(struct corpus *c, const char *qid, int day, enum tlsrpt_format fmt)
{
	static char quotes[6 * 300 + 1], raw[301];
	size_t i;

	for (i = 0; i < 300; i++) {
		memcpy(quotes + 2 * i, "\\\"", 2);
		raw[i] = '"';
	}
	quotes[600] = '\0';
	raw[300] = '\0';
	mail(c, qid,
	     report_json(day == 27 ? RID : "2026-11-28T00:00:00Z_example.com", day, "google.com",
	                 quotes, 1000, 0),
	     1, "stranger.example", NULL, raw, fmt);
}

/* claimed - an unsigned report claiming google.com (RequireDKIM no), day 27 or a clean 28 */
static void claimed(struct corpus *c, const char *qid, int day, enum tlsrpt_format fmt)
{
	mail(c, qid,
	     report_json(day == 27 ? RID : "2026-11-28T00:00:00Z_example.com", day, "Google Inc.",
	                 "smtp-tls-reporting@google.com", 1000, 0),
	     0, NULL, "google.com", "example.com", fmt);
}

/*
 * old_cut - the stranger's report line as the first version of the milter
 * logged it and cut it past its 2,000-byte bound (after end-datetime), and
 * the same line whole but cut by a relay at 1,024 bytes
 */
static void old_cut(struct corpus *c)
{
	char line[4096], q[1300];
	size_t i;

	for (i = 0; i < 300; i++) {
		memcpy(q + 4 * i, "\\x22", 4);
	}
	q[1200] = '\0';
	snprintf(line, sizeof(line),
	         HEADER "OLD1: report report-id=" RID " organization-name=google.com "
	                "contact-info=\"%s\" start-datetime=2026-11-27T00:00:00Z "
	                "end-datetime=2026-11-27T23:59:59Z ...",
	         q);
	add_line(c, line);
	add_line(c, HEADER "OLD1: policy report-id=" RID " policy-type=sts "
	                   "policy-domain=example.com total-successful-session-count=1000 "
	                   "total-failure-session-count=0");
	add_line(c, HEADER "OLD1: action action=deliver");
	snprintf(line, sizeof(line),
	         HEADER "OLD2: report report-id=" RID " organization-name=google.com "
	                "contact-info=\"%.400s\" start-datetime=2026-11-27T00:00:00Z "
	                "end-datetime=2026-11-27T23:59:59Z policy-domain=example.com policies=1 "
	                "total-successful-session-count=1000 total-failure-session-count=0 "
	                "dkim=pass dkim-domain=stranger.example",
	         q);
	line[1024] = '\0';
	add_line(c, line);
	add_line(c, HEADER "OLD2: action action=deliver");
}

/* relay_cut - the corpus' lines longer than 1,024 bytes cut there, as a relay would */
static void relay_cut(struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (strlen(c->line[i]) > 1024) {
			c->line[i][1024] = '\0';
		}
	}
}

/* parsed - every line of c parsed once (NULL where not ours) */
static struct tlsrpt_logline **parsed(const struct corpus *c)
{
	struct tlsrpt_logline **v = calloc(c->n + 1, sizeof(*v));
	size_t i;

	assert_non_null(v);
	for (i = 0; i < c->n; i++) {
		v[i] = malloc(sizeof(*v[i]));
		assert_non_null(v[i]);
		if (!tlsrpt_logline_parse(v[i], c->line[i], strlen(c->line[i]), 0)) {
			free(v[i]);
			v[i] = NULL;
		}
	}
	return v;
}

/* parsed_free - release parsed() */
static void parsed_free(struct tlsrpt_logline **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i]);
	}
	free(v);
}

/* digest_of - the digest of the lines (line `swap` replaced by sw when sw != NULL), finished */
static struct tlsrpt_digest *digest_of(struct tlsrpt_logline **v, size_t n, long first, long last,
                                       size_t swap, const struct tlsrpt_logline *sw, int skip)
{
	struct tlsrpt_digest *d = tlsrpt_digest_new(first, last, NULL, 0);
	size_t i;

	assert_non_null(d);
	for (i = 0; i < n; i++) {
		const struct tlsrpt_logline *ll = i == swap ? sw : v[i];

		if (ll != NULL && !(skip && i == swap)) {
			tlsrpt_digest_add(d, ll);
		}
	}
	tlsrpt_digest_finish(d);
	return d;
}

/* alert_of - one alert run over the lines at now; its events into ev (at most max), their number */
static size_t alert_of(struct tlsrpt_alert *a, struct tlsrpt_logline **v, size_t n, long now,
                       size_t swap, const struct tlsrpt_logline *sw, struct tlsrpt_alert_event *ev,
                       size_t max)
{
	const struct tlsrpt_alert_event *e;
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct tlsrpt_logline *ll = i == swap ? sw : v[i];

		if (ll != NULL) {
			tlsrpt_alert_add(a, ll, (time_t)now);
		}
	}
	e = tlsrpt_alert_finish(a, (time_t)now, &k);
	if (k > max) {
		k = max;
	}
	memcpy(ev, e, k * sizeof(*e));
	return k;
}

/* machine - an alert machine with the defaults */
static struct tlsrpt_alert *machine(void)
{
	struct tlsrpt_alert_conf c;
	struct tlsrpt_alert *a;

	tlsrpt_alert_defaults(&c);
	a = tlsrpt_alert_new(&c, NULL, NULL, 0);
	assert_non_null(a);
	return a;
}

/* domain - a domain's entry, NULL when absent */
static const struct tlsrpt_digest_domain *domain(const struct tlsrpt_digest *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->ndom; i++) {
		if (strcmp(d->dom[i]->name, name) == 0) {
			return d->dom[i];
		}
	}
	return NULL;
}

/* reporter - a reporter's entry in a domain (dkim: authenticated), NULL when absent */
static const struct tlsrpt_digest_reporter *reporter(const struct tlsrpt_digest *d, const char *dom,
                                                     const char *id, int dkim)
{
	const struct tlsrpt_digest_domain *x = domain(d, dom);
	size_t i;

	for (i = 0; x != NULL && i < x->nrep; i++) {
		if (strcmp(x->rep[i].id, id) == 0 && x->rep[i].dkim == dkim) {
			return &x->rep[i];
		}
	}
	return NULL;
}

/* count_kind - events of kind k (for domain, NULL: any) */
static size_t count_kind(const struct tlsrpt_alert_event *ev, size_t n, enum tlsrpt_alert_kind k)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++) {
		c += ev[i].kind == k;
	}
	return c;
}

/*
 * check_google - in the digest, google.com (DKIM) has exactly Google's
 * report: 1 report, 500 failed; nothing else is google.com (DKIM)
 */
static void check_google(const struct tlsrpt_digest *d, const char *what)
{
	const struct tlsrpt_digest_reporter *g = reporter(d, "example.com", "google.com", 1);
	size_t i, j;

	if (g == NULL || g->reports != 1 || g->c.failed != 500 || g->c.ok != 500) {
		fail_msg(
		        "%s: google.com (DKIM) got %llu reports, %llu ok, %llu failed; want 1, 500, "
		        "500",
		        what, g ? g->reports : 0, g ? g->c.ok : 0, g ? g->c.failed : 0);
	}
	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->nrep; j++) {
			const struct tlsrpt_digest_reporter *r = &d->dom[i]->rep[j];

			if (r->dkim && strcmp(r->id, "google.com") == 0 && r != g) {
				fail_msg("%s: a second google.com (DKIM) in %s", what,
				         d->dom[i]->name);
			}
		}
	}
	if (domain(d, "example.com")->c.failed != 500) {
		fail_msg("%s: example.com got %llu failed, want 500", what,
		         domain(d, "example.com")->c.failed);
	}
}

/*
 * check_alert - a run over the lines at the end of day 29 raises Google's
 * problem (500 failed, reporter google.com); a second run with the lines
 * of more (the next day's clean reports) recovers it only when want_rec
 */
static void check_alert(struct corpus *c, void (*more)(struct corpus *), int want_rec,
                        const char *what)
{
	struct tlsrpt_alert *a = machine();
	struct tlsrpt_alert_event ev[64];
	struct tlsrpt_logline **v = parsed(c);
	size_t n, i, n0 = c->n;
	long now = (DAY(29) + 1) * 86400L;

	n = alert_of(a, v, c->n, now, (size_t)-1, NULL, ev, 64);
	parsed_free(v, c->n);
	for (i = 0; i < n && ev[i].kind != TLSRPT_ALERT_PROBLEM; i++) {
	}
	if (i == n || ev[i].failed != 500 || strcmp(ev[i].reporters, "google.com") != 0 ||
	    count_kind(ev, n, TLSRPT_ALERT_PROBLEM) != 1) {
		fail_msg("%s: got %zu problems (first %llu failed, reporters %s), want one: 500, "
		         "google.com",
		         what, count_kind(ev, n, TLSRPT_ALERT_PROBLEM), i < n ? ev[i].failed : 0,
		         i < n ? ev[i].reporters : "-");
	}
	more(c);
	v = parsed(c);
	n = alert_of(a, v + n0, c->n - n0, now + 3600, (size_t)-1, NULL, ev, 64);
	parsed_free(v, c->n);
	if (count_kind(ev, n, TLSRPT_ALERT_RECOVERED) != (size_t)want_rec) {
		fail_msg("%s: the next day's reports: got %zu recovered, want %d", what,
		         count_kind(ev, n, TLSRPT_ALERT_RECOVERED), want_rec);
	}
	tlsrpt_alert_free(a);
}

static void more_stranger(struct corpus *c)
{
	stranger(c, "S2", 28, TLSRPT_FORMAT_KV);
	stranger(c, "S3", 28, TLSRPT_FORMAT_JSON);
}

static void more_claimed(struct corpus *c)
{
	claimed(c, "C2", 28, TLSRPT_FORMAT_KV);
}

static void more_google(struct corpus *c)
{
	google_clean(c, "G9", TLSRPT_FORMAT_KV);
}

/* test_stranger_org - organization-name=google.com from a stranger is never Google */
static void test_stranger_org(void **state)
{
	static const enum tlsrpt_format fmts[] = {TLSRPT_FORMAT_KV, TLSRPT_FORMAT_JSON};
	struct corpus c = {0};
	struct tlsrpt_digest *d;
	struct tlsrpt_logline **v;
	size_t f, relay;

	(void)state;
	for (relay = 0; relay < 2; relay++) {
		for (f = 0; f < 2; f++) {
			stranger(&c, "S1", 27, fmts[f]);
			old_cut(&c);
			google(&c, "G1", fmts[f]);
			if (relay) {
				relay_cut(&c);
			}
			v = parsed(&c);
			d = digest_of(v, c.n, DAY(1), DAY(30), (size_t)-1, NULL, 0);
			check_google(d, relay ? "stranger, relay cut" : "stranger");
			if (reporter(d, "example.com", "stranger.example", 1) == NULL) {
				fail_msg("the stranger's own report is not under stranger.example");
			}
			if (d->st.duplicates != 0 || d->st.cut != 2) {
				fail_msg(
				        "got %llu duplicates and %llu cut reports, want 0 and 2 (the "
				        "old cut lines)",
				        d->st.duplicates, d->st.cut);
			}
			tlsrpt_digest_free(d);
			parsed_free(v, c.n);
			check_alert(&c, more_stranger, 0, "stranger");
			corpus_free(&c);
		}
	}
	/* the same run with Google's own fix does recover: the check can see one */
	google(&c, "G1", TLSRPT_FORMAT_KV);
	check_alert(&c, more_google, 1, "Google's own fix");
	corpus_free(&c);
}

/* test_claimed_google - an unsigned google.com is another reporter than the signed one */
static void test_claimed_google(void **state)
{
	struct corpus c = {0};
	struct tlsrpt_digest *d;
	struct tlsrpt_logline **v;
	const struct tlsrpt_digest_reporter *r;

	(void)state;
	claimed(&c, "C1", 27, TLSRPT_FORMAT_KV);
	google(&c, "G1", TLSRPT_FORMAT_KV);
	v = parsed(&c);
	d = digest_of(v, c.n, DAY(1), DAY(30), (size_t)-1, NULL, 0);
	check_google(d, "claimed google.com first");
	r = reporter(d, "example.com", "google.com", 0);
	if (r == NULL || r->reports != 1 || r->c.failed != 0 || d->st.duplicates != 0) {
		fail_msg(
		        "claimed google.com: got %llu reports, %llu duplicates; want 1 of its own, 0",
		        r ? r->reports : 0, d->st.duplicates);
	}
	tlsrpt_digest_free(d);
	parsed_free(v, c.n);
	check_alert(&c, more_claimed, 0, "claimed google.com");
	corpus_free(&c);
}

/* test_twice - a report received twice counts once in the digest and in the alert */
static void test_twice(void **state)
{
	struct corpus c = {0};
	struct tlsrpt_digest *d;
	struct tlsrpt_logline **v;
	struct tlsrpt_alert *a = machine();
	struct tlsrpt_alert_event ev[16];
	size_t n;

	(void)state;
	google(&c, "G1", TLSRPT_FORMAT_KV);
	google(&c, "G2", TLSRPT_FORMAT_JSON);
	v = parsed(&c);
	d = digest_of(v, c.n, DAY(1), DAY(30), (size_t)-1, NULL, 0);
	check_google(d, "twice");
	assert_int_equal(d->st.reports, 1);
	assert_int_equal(d->st.duplicates, 1);
	n = alert_of(a, v, c.n, (DAY(29) + 1) * 86400L, (size_t)-1, NULL, ev, 16);
	if (count_kind(ev, n, TLSRPT_ALERT_PROBLEM) != 1 || ev[0].failed != 500) {
		fail_msg("twice: got %zu problems, failed-session-count=%llu; want 1, 500",
		         count_kind(ev, n, TLSRPT_ALERT_PROBLEM), n ? ev[0].failed : 0);
	}
	assert_int_equal(tlsrpt_alert_counts(a)->reports, 1);
	assert_int_equal(tlsrpt_alert_counts(a)->duplicates, 1);
	tlsrpt_alert_free(a);
	tlsrpt_digest_free(d);
	parsed_free(v, c.n);
	corpus_free(&c);
}

/* load - the milter's lines of a log file of tests/lookout/data */
static void load(struct corpus *c, const char *name)
{
	char path[1024], line[8192];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/lookout/data/%s", TEST_SRCDIR, name);
	fp = fopen(path, "r");
	if (fp == NULL) {
		fail_msg("cannot read %s", path);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, "tlsrpt-milter[") != NULL) {
			add_line(c, line);
		}
	}
	fclose(fp);
}

/* realistic - the real milter's logs (kv and JSON) and the hostile shapes above */
static void realistic(struct corpus *c)
{
	load(c, "kv.log");
	load(c, "json.log");
	stranger(c, "S1", 27, TLSRPT_FORMAT_KV);
	old_cut(c);
	claimed(c, "C1", 27, TLSRPT_FORMAT_JSON);
	google(c, "G1", TLSRPT_FORMAT_KV);
	google(c, "G2", TLSRPT_FORMAT_JSON);
	stranger(c, "S2", 28, TLSRPT_FORMAT_JSON);
	claimed(c, "C2", 28, TLSRPT_FORMAT_KV);
}

/* alert_name - the alert mode's name of a digest reporter */
static void alert_name(const struct tlsrpt_digest_reporter *r, char *out, size_t size)
{
	snprintf(out, size, r->dkim ? "%s" : "claimed:%s", r->id);
}

/*
 * test_same_figures - one corpus, digest and alert: the same reports and
 * duplicates, and for every problem the digest's failed sessions and
 * reporters of that failure
 */
static void test_same_figures(void **state)
{
	struct corpus c = {0};
	struct tlsrpt_logline **v;
	struct tlsrpt_digest *d;
	struct tlsrpt_alert *a = machine();
	static struct tlsrpt_alert_event ev[TLSRPT_ALERT_MAX_EVENTS];
	long last = DAY(30), first = last - TLSRPT_LOOKOUT_MAX_DAYS + 1;
	size_t n, i, j, k, checked = 0;

	(void)state;
	realistic(&c);
	v = parsed(&c);
	d = digest_of(v, c.n, first, last, (size_t)-1, NULL, 0);
	n = alert_of(a, v, c.n, (last + 1) * 86400L, (size_t)-1, NULL, ev, TLSRPT_ALERT_MAX_EVENTS);
	/* the alert judges every day; the digest counts its period: no report is older here */
	if (d->st.outside != 0) {
		print_message("note: %llu reports outside the digest's period\n", d->st.outside);
	}
	/* a duplicate outside the period is one of the digest's `outside` */
	if (d->st.reports + d->st.outside + d->st.duplicates !=
	            tlsrpt_alert_counts(a)->reports + tlsrpt_alert_counts(a)->duplicates ||
	    d->st.duplicates > tlsrpt_alert_counts(a)->duplicates || d->st.duplicates == 0 ||
	    d->st.cut != tlsrpt_alert_counts(a)->cut) {
		fail_msg(
		        "digest %llu reports (+%llu outside), %llu duplicates, %llu cut; alert %llu, "
		        "%llu, %llu",
		        d->st.reports, d->st.outside, d->st.duplicates, d->st.cut,
		        tlsrpt_alert_counts(a)->reports, tlsrpt_alert_counts(a)->duplicates,
		        tlsrpt_alert_counts(a)->cut);
	}
	for (i = 0; i < n; i++) {
		const struct tlsrpt_digest_domain *dom = domain(d, ev[i].domain);
		char names[TLSRPT_ALERT_LIST] = "", one[TLSRPT_ALERT_NAME + 16];
		const struct tlsrpt_digest_failure *f = NULL;

		if (ev[i].kind != TLSRPT_ALERT_PROBLEM || ev[i].first < first) {
			continue;
		}
		for (j = 0; dom != NULL && j < dom->nfail; j++) {
			if (strcmp(dom->fail[j].result_type, ev[i].result_type) == 0 &&
			    strcmp(dom->fail[j].policy_type, ev[i].policy_type) == 0 &&
			    strcmp(dom->fail[j].mx, ev[i].mx) == 0 &&
			    (ev[i].mx[0] != '\0' || strcmp(dom->fail[j].ip, ev[i].ip) == 0)) {
				f = &dom->fail[j];
			}
		}
		if (f == NULL || f->failed != ev[i].failed) {
			fail_msg("problem %s %s %s: alert %llu failed, digest %llu", ev[i].domain,
			         ev[i].result_type, ev[i].mx, ev[i].failed, f ? f->failed : 0);
		}
		for (k = 0; k < dom->nrep && k < 64; k++) {
			if (f->reporters & (1ULL << k)) {
				alert_name(&dom->rep[k], one, sizeof(one));
				if (strstr(ev[i].reporters, one) == NULL) {
					fail_msg(
					        "problem %s %s: digest reporter %s not in the alert's %s",
					        ev[i].domain, ev[i].result_type, one,
					        ev[i].reporters);
				}
				snprintf(names + strlen(names), sizeof(names) - strlen(names),
				         "%s%s", names[0] ? "," : "", one);
			}
		}
		if (strlen(names) != strlen(ev[i].reporters)) {
			fail_msg("problem %s %s: reporters digest [%s], alert [%s]", ev[i].domain,
			         ev[i].result_type, names, ev[i].reporters);
		}
		checked++;
	}
	if (checked < 3) {
		fail_msg("only %zu problems compared, want the corpus' failures (3 or more)",
		         checked);
	}
	tlsrpt_alert_free(a);
	tlsrpt_digest_free(d);
	parsed_free(v, c.n);
	corpus_free(&c);
}

/* one reporter's figures in one domain */
struct fig {
	char dom[TLSRPT_LOOKOUT_NAME], id[TLSRPT_LOOKOUT_NAME];
	int dkim;
	unsigned long long reports, ok, failed;
};

#define MAXFIG 256

/* figures - every (domain, reporter) of d with its figures; their number */
static size_t figures(const struct tlsrpt_digest *d, struct fig *out)
{
	size_t i, j, n = 0;

	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->nrep && n < MAXFIG; j++, n++) {
			const struct tlsrpt_digest_reporter *r = &d->dom[i]->rep[j];

			snprintf(out[n].dom, sizeof(out[n].dom), "%s", d->dom[i]->name);
			snprintf(out[n].id, sizeof(out[n].id), "%s", r->id);
			out[n].dkim = r->dkim;
			out[n].reports = r->reports;
			out[n].ok = r->c.ok;
			out[n].failed = r->c.failed;
		}
	}
	return n;
}

/* fig_find - the entry of (dom, id, dkim) among n; NULL when absent */
static const struct fig *fig_find(const struct fig *f, size_t n, const struct fig *want)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(f[i].dom, want->dom) == 0 && strcmp(f[i].id, want->id) == 0 &&
		    f[i].dkim == want->dkim) {
			return &f[i];
		}
	}
	return NULL;
}

/* same_fig - equal figures */
static int same_fig(const struct fig *a, const struct fig *b)
{
	return a->reports == b->reports && a->ok == b->ok && a->failed == b->failed;
}

/* known - 1 when name is the alert mode's name of a reporter among the n figures */
static int known(const struct fig *f, size_t n, const char *name)
{
	char one[TLSRPT_LOOKOUT_NAME + 16];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(one, sizeof(one), f[i].dkim ? "%s" : "claimed:%s", f[i].id);
		if (strcmp(one, name) == 0) {
			return 1;
		}
	}
	return 0;
}

/* same_group - line j is of the report line i belongs to (host, prefix, report-id), else its
 * message (host, prefix, report-id), else its message */
static int same_group(struct tlsrpt_logline **v, size_t i, size_t j)
{
	const char *a, *b;

	if (v[i] == NULL || v[j] == NULL || strcmp(v[i]->host, v[j]->host) != 0 ||
	    strcmp(v[i]->prefix, v[j]->prefix) != 0) {
		return 0;
	}
	a = tlsrpt_logline_get(v[i], "report-id", NULL);
	b = tlsrpt_logline_get(v[j], "report-id", NULL);
	return a == NULL || b == NULL || strcmp(a, b) == 0;
}

/*
 * test_cut_everywhere - each line of the realistic corpus cut at every byte
 * from 100 to its length, read by the digest and by the alert mode
 * (TLSRPT_CUT_STRIDE=N: the alert mode at every Nth byte, for a quick run): every reporter's
 * figures are the whole corpus' or those without the report (its message, for a per-message line)
 * the cut line belongs to, and no identity appears
 */
static void test_cut_everywhere(void **state)
{
	/* TLSRPT_CUT_STRIDE=16: the alert mode at every 16th byte only (a quick run) */
	const char *env = getenv("TLSRPT_CUT_STRIDE");
	size_t alert_stride = env != NULL && atoi(env) > 0 ? (size_t)atoi(env) : 1;
	struct corpus c = {0};
	struct tlsrpt_logline **v, *cut = malloc(sizeof(*cut)), **w;
	static struct fig base[MAXFIG], without[MAXFIG], got[MAXFIG];
	static struct tlsrpt_alert_event bev[TLSRPT_ALERT_MAX_EVENTS], gev[TLSRPT_ALERT_MAX_EVENTS];
	long last = DAY(30), first = last - TLSRPT_LOOKOUT_MAX_DAYS + 1, now = (last + 1) * 86400L;
	size_t nb, nw, ng, nbev, ngev, i, j, k, len, runs = 0, aruns = 0;
	struct tlsrpt_digest *d;
	struct tlsrpt_alert *a;

	(void)state;
	assert_non_null(cut);
	realistic(&c);
	v = parsed(&c);
	d = digest_of(v, c.n, first, last, (size_t)-1, NULL, 0);
	nb = figures(d, base);
	tlsrpt_digest_free(d);
	a = machine();
	nbev = alert_of(a, v, c.n, now, (size_t)-1, NULL, bev, TLSRPT_ALERT_MAX_EVENTS);
	tlsrpt_alert_free(a);
	w = calloc(c.n, sizeof(*w));
	assert_non_null(w);
	for (i = 0; i < c.n; i++) {
		if (v[i] == NULL) {
			continue;
		}
		/* the corpus without the cut line's report (or message) */
		for (j = 0; j < c.n; j++) {
			w[j] = same_group(v, i, j) ? NULL : v[j];
		}
		d = digest_of(w, c.n, first, last, (size_t)-1, NULL, 0);
		nw = figures(d, without);
		tlsrpt_digest_free(d);
		len = strlen(c.line[i]);
		for (k = 100; k < len; k++) {
			const struct tlsrpt_logline *sw =
			        tlsrpt_logline_parse(cut, c.line[i], k, 0) ? cut : NULL;
			size_t m;

			d = digest_of(v, c.n, first, last, i, sw, 0);
			ng = figures(d, got);
			tlsrpt_digest_free(d);
			runs++;
			for (m = 0; m < ng; m++) {
				const struct fig *b = fig_find(base, nb, &got[m]);
				const struct fig *o = fig_find(without, nw, &got[m]);

				if (b == NULL) {
					fail_msg("line %zu cut at %zu: a new reporter %s%s in %s",
					         i, k, got[m].id, got[m].dkim ? " (DKIM)" : "",
					         got[m].dom);
				}
				if (!same_fig(&got[m], b) && (o == NULL || !same_fig(&got[m], o))) {
					fail_msg(
					        "line %zu cut at %zu: %s%s in %s: %llu reports, %llu ok, "
					        "%llu failed; want %llu/%llu/%llu or, without its "
					        "report, %llu/%llu/%llu\n[%.*s]",
					        i, k, got[m].id, got[m].dkim ? " (DKIM)" : "",
					        got[m].dom, got[m].reports, got[m].ok,
					        got[m].failed, b->reports, b->ok, b->failed,
					        o ? o->reports : 0, o ? o->ok : 0,
					        o ? o->failed : 0, (int)k, c.line[i]);
				}
			}
			if (k % alert_stride != 0 && k + 1 != len) {
				continue;
			}
			/* the alert: no reporter, problem or recovery that the whole corpus lacks
			 */
			a = machine();
			ngev = alert_of(a, v, c.n, now, i, sw, gev, TLSRPT_ALERT_MAX_EVENTS);
			tlsrpt_alert_free(a);
			aruns++;
			for (m = 0; m < ngev; m++) {
				size_t q;
				int found = gev[m].kind == TLSRPT_ALERT_SILENT;

				for (q = 0; q < nbev && !found; q++) {
					found = bev[q].kind == gev[m].kind &&
					        strcmp(bev[q].domain, gev[m].domain) == 0 &&
					        strcmp(bev[q].result_type, gev[m].result_type) ==
					                0 &&
					        strcmp(bev[q].mx, gev[m].mx) == 0 &&
					        gev[m].failed <= bev[q].failed &&
					        strlen(gev[m].reporters) <=
					                strlen(bev[q].reporters);
				}
				if (gev[m].kind == TLSRPT_ALERT_SILENT &&
				    gev[m].reporters[0] != '\0' &&
				    !known(base, nb, gev[m].reporters)) {
					fail_msg(
					        "line %zu cut at %zu: silent names %s, no reporter of the "
					        "whole corpus",
					        i, k, gev[m].reporters);
				}
			}
		}
	}
	print_message("cut test: %zu lines, %zu digest runs, %zu alert runs\n", c.n, runs, aruns);
	free(w);
	free(cut);
	parsed_free(v, c.n);
	corpus_free(&c);
}

/* repeat_event - a copy of the first line with event word ev, inserted right after it */
static void repeat_event(struct corpus *c, const char *ev)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const char *p = strstr(c->line[i], ev);

		if (p != NULL) {
			assert_true(c->n < MAXLINES);
			memmove(&c->line[i + 2], &c->line[i + 1],
			        (c->n - i - 1) * sizeof(c->line[0]));
			c->line[i + 1] = strdup(c->line[i]);
			assert_non_null(c->line[i + 1]);
			c->n++;
			return;
		}
	}
	fail_msg("no line with %s", ev);
}

/*
 * test_relay_repeats - a relay that sends a line twice (a retry, two
 * forwarding paths): a repeated failure or policy line never adds to the
 * figures; the report holds more lines than it announces, so it is not
 * whole and is not counted (digest: cut), never counted with 1,000 failed
 * sessions for Google's 500
 */
static void test_relay_repeats(void **state)
{
	static const char *const evs[] = {": failure ", "\"event\":\"failure\"", ": policy ",
	                                  "\"event\":\"policy\""};
	size_t e;

	(void)state;
	for (e = 0; e < sizeof(evs) / sizeof(evs[0]); e++) {
		struct corpus c = {0};
		struct tlsrpt_logline **v;
		struct tlsrpt_digest *d;
		struct tlsrpt_alert *a = machine();
		struct tlsrpt_alert_event ev[16];
		const struct tlsrpt_digest_domain *x;
		size_t n, i;

		google(&c, "G1", e % 2 ? TLSRPT_FORMAT_JSON : TLSRPT_FORMAT_KV);
		repeat_event(&c, evs[e]);
		v = parsed(&c);
		d = digest_of(v, c.n, DAY(1), DAY(30), (size_t)-1, NULL, 0);
		x = domain(d, "example.com");
		if (x != NULL) {
			for (i = 0; i < x->nfail; i++) {
				if (x->fail[i].failed > x->c.failed) {
					fail_msg(
					        "%s repeated: %s has %llu failed sessions of %s, of "
					        "%llu failed in all",
					        evs[e], x->name, x->fail[i].failed,
					        x->fail[i].result_type, x->c.failed);
				}
			}
		}
		assert_int_equal(d->st.reports, 0);
		assert_int_equal(d->st.cut, 1);
		n = alert_of(a, v, c.n, (DAY(29) + 1) * 86400L, (size_t)-1, NULL, ev, 16);
		for (i = 0; i < n; i++) {
			if (ev[i].failed > 500) {
				fail_msg(
				        "%s repeated: the alert says %llu failed sessions, the report "
				        "500",
				        evs[e], ev[i].failed);
			}
		}
		tlsrpt_alert_free(a);
		tlsrpt_digest_free(d);
		parsed_free(v, c.n);
		corpus_free(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_stranger_org),   cmocka_unit_test(test_claimed_google),
	        cmocka_unit_test(test_twice),          cmocka_unit_test(test_same_figures),
	        cmocka_unit_test(test_cut_everywhere), cmocka_unit_test(test_relay_repeats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
