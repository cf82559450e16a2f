/*
 * alert.c - stateful alerts: problem, recovered, silent (see alert.h)
 *
 * The state is a few fixed arrays searched linearly: a site has a handful
 * of domains, reporters and open problems, and a run sees the lines of a
 * few minutes.  Names read from the log are kept with control characters,
 * tab and comma turned into '?', so the state file stays one entry per
 * line and a reporter list stays comma-separated.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "ascii.h"
#include "cursor.h"
#include "calendar.h"
#include "errbuf.h"
#include "logline.h"

#define PEND_DOMAINS 8
#define PEND_FAILURES 64
#define ANN_PROBLEM TLSRPT_ALERT_ANN_PROBLEM
#define ANN_RECOVERED TLSRPT_ALERT_ANN_RECOVERED
#define P_OPEN TLSRPT_ALERT_STATE_OPEN
#define P_RECOVERED TLSRPT_ALERT_STATE_RECOVERED

struct pfail {
	char domain[TLSRPT_ALERT_NAME], ptype[32], rtype[64], mx[TLSRPT_ALERT_NAME], ip[64];
	unsigned long long failed;
};

struct pdom {
	char name[TLSRPT_ALERT_NAME];
	unsigned long long sessions, failed;
	int omitted;
};

struct pending {
	int used;
	unsigned long seq;
	char host[TLSRPT_ALERT_NAME], prefix[TLSRPT_ALERT_NAME], rid[TLSRPT_ALERT_NAME];
	char reporter[TLSRPT_ALERT_NAME];
	int auth; /* the reporter is DKIM-authenticated */
	long day;
	struct pdom dom[PEND_DOMAINS];
	size_t ndom;
	struct pfail f[PEND_FAILURES];
	size_t nf;
	int has_pos; /* read from a file: where its report line is */
	unsigned long long ino, off;
};

/* the report line at offset off of the file with inode ino */
struct mark {
	unsigned long long ino, off;
};

struct tlsrpt_alert {
	struct tlsrpt_alert_conf c;
	struct tlsrpt_alert_problem prob[TLSRPT_ALERT_MAX_PROBLEMS];
	struct tlsrpt_alert_reporter rep[TLSRPT_ALERT_MAX_REPORTERS];
	struct tlsrpt_alert_domain dom[TLSRPT_ALERT_MAX_DOMAINS];
	struct tlsrpt_alert_baseline base[TLSRPT_ALERT_MAX_BASELINES];
	struct pending pend[TLSRPT_ALERT_MAX_PENDING];
	unsigned long seq;
	struct tlsrpt_cursor *cur; /* the caller's, for reports read from files; may be NULL */
	struct tlsrpt_alert_event ev[TLSRPT_ALERT_MAX_EVENTS];
	size_t nev;
};

/*
 * tlsrpt_alert_defaults - AlertWindow and SilentAfter 7 days, thresholds
 * off; the baseline rule on: the last 14 reports, a spike at 10 failed
 * sessions and a rate over 3 times the baseline and over it plus 2 points
 */
void tlsrpt_alert_defaults(struct tlsrpt_alert_conf *c)
{
	c->window = 7L * 86400;
	c->silent_after = 7L * 86400;
	c->min_failed = 1;
	c->min_rate = 0;
	c->baseline_reports = 14;
	c->baseline_factor = 3;
	c->baseline_margin = 2;
	c->baseline_min_failed = 10;
}

/* tlsrpt_alert_name - the event word */
const char *tlsrpt_alert_name(enum tlsrpt_alert_kind k)
{
	switch (k) {
	case TLSRPT_ALERT_PROBLEM:
		return "problem";
	case TLSRPT_ALERT_RECOVERED:
		return "recovered";
	case TLSRPT_ALERT_SILENT:
		return "silent";
	}
	return "unknown";
}

/* put - bounded copy with control characters, tab and comma as '?'; lower-cased when asked */
static void put(char *dst, size_t size, const char *src, int lower)
{
	size_t i;

	if (src == NULL) {
		src = "";
	}
	for (i = 0; i + 1 < size && src[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = ch < 0x20 || ch == 0x7f || ch == ',' ? '?'
		         : lower                              ? tlsrpt_lower(ch)
		                                              : (char)ch;
	}
	dst[i] = '\0';
}

#define PUT(dst, src) put((dst), sizeof(dst), (src), 0)
#define PUTLOW(dst, src) put((dst), sizeof(dst), (src), 1)

/* tlsrpt_alert_new - an empty machine */
struct tlsrpt_alert *tlsrpt_alert_new(const struct tlsrpt_alert_conf *c, struct tlsrpt_cursor *cur,
                                      char *err, size_t errlen)
{
	struct tlsrpt_alert *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	a->c = *c;
	if (a->c.baseline_reports > TLSRPT_ALERT_BASELINE_MAX) {
		a->c.baseline_reports = TLSRPT_ALERT_BASELINE_MAX;
	}
	a->cur = cur;
	return a;
}

/* tlsrpt_alert_free - release */
void tlsrpt_alert_free(struct tlsrpt_alert *a)
{
	free(a);
}

/* ---------------------------------------------------------------- entries */

/* receiver - the receiving MX, else the receiving IP: the last part of a problem's key */
static const char *receiver(const char *mx, const char *ip)
{
	return mx[0] != '\0' ? mx : ip;
}

/* prob_find - the problem of a key; NULL when none */
static struct tlsrpt_alert_problem *prob_find(struct tlsrpt_alert *a, const char *domain,
                                              const char *ptype, const char *rtype, const char *mx,
                                              const char *ip)
{
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		struct tlsrpt_alert_problem *p = &a->prob[i];

		if (p->used && strcmp(p->domain, domain) == 0 && strcmp(p->ptype, ptype) == 0 &&
		    strcmp(p->rtype, rtype) == 0 &&
		    strcmp(receiver(p->mx, p->ip), receiver(mx, ip)) == 0) {
			return p;
		}
	}
	return NULL;
}

/* prob_new - a fresh problem entry; the one failing longest ago is reused when full */
static struct tlsrpt_alert_problem *prob_new(struct tlsrpt_alert *a)
{
	struct tlsrpt_alert_problem *old = &a->prob[0];
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		if (!a->prob[i].used) {
			old = &a->prob[i];
			break;
		}
		if (a->prob[i].last_fail < old->last_fail) {
			old = &a->prob[i];
		}
	}
	memset(old, 0, sizeof(*old));
	old->used = 1;
	return old;
}

/* rep_get - the entry of (domain, reporter); created (oldest reused) when absent */
static struct tlsrpt_alert_reporter *rep_get(struct tlsrpt_alert *a, const char *domain,
                                             const char *id)
{
	struct tlsrpt_alert_reporter *old = &a->rep[0], *fr = NULL;
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS; i++) {
		struct tlsrpt_alert_reporter *r = &a->rep[i];

		if (!r->used) {
			if (fr == NULL) {
				fr = r;
			}
			continue;
		}
		if (strcmp(r->domain, domain) == 0 && strcmp(r->id, id) == 0) {
			return r;
		}
		if (r->last < old->last) {
			old = r;
		}
	}
	if (fr == NULL) {
		fr = old;
	}
	memset(fr, 0, sizeof(*fr));
	fr->used = 1;
	PUT(fr->domain, domain);
	PUT(fr->id, id);
	return fr;
}

/*
 * dom_get - the entry of a domain; created when absent, reusing the one
 * reported longest ago among those not named (--domain, --config), so
 * names from strangers' reports never push ours out (only when every
 * entry is named, the oldest of them)
 */
static struct tlsrpt_alert_domain *dom_get(struct tlsrpt_alert *a, const char *name, long long now)
{
	struct tlsrpt_alert_domain *old = &a->dom[0], *fr = NULL;
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		struct tlsrpt_alert_domain *d = &a->dom[i];

		if (!d->used) {
			if (fr == NULL) {
				fr = d;
			}
			continue;
		}
		if (strcmp(d->name, name) == 0) {
			return d;
		}
		if ((old->expected && !d->expected) ||
		    (old->expected == d->expected &&
		     (d->last ? d->last : d->since) < (old->last ? old->last : old->since))) {
			old = d;
		}
	}
	if (fr == NULL) {
		fr = old;
	}
	memset(fr, 0, sizeof(*fr));
	fr->used = 1;
	fr->since = now;
	PUT(fr->name, name);
	return fr;
}

/* tlsrpt_alert_expect - a domain that should report */
void tlsrpt_alert_expect(struct tlsrpt_alert *a, const char *domain, time_t now)
{
	char low[TLSRPT_ALERT_NAME];

	PUTLOW(low, domain);
	if (low[0] != '\0') {
		dom_get(a, low, (long long)now)->expected = 1;
	}
}

/* in_list - 1 when name is one of the comma-separated list */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (*p != '\0') {
		const char *e = strchr(p, ',');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);

		if (len == n && memcmp(p, name, n) == 0) {
			return 1;
		}
		if (e == NULL) {
			break;
		}
		p = e + 1;
	}
	return 0;
}

/* list_add - add name to the list unless there or without room */
static void list_add(char *list, size_t size, const char *name)
{
	size_t l = strlen(list), n = strlen(name);

	if (n == 0 || in_list(list, name) || l + n + 2 > size) {
		return;
	}
	if (l > 0) {
		list[l++] = ',';
	}
	memcpy(list + l, name, n + 1);
}

/* ---------------------------------------------------------------- reports */

static const char *get_or(const struct tlsrpt_logline *ll, const char *key, const char *dflt)
{
	const char *v = tlsrpt_logline_get(ll, key, NULL);

	return v != NULL ? v : dflt;
}

/* pend_find - the open report of a line (host, prefix, report-id) */
static struct pending *pend_find(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll)
{
	const char *rid = get_or(ll, "report-id", "");
	char h[TLSRPT_ALERT_NAME], p[TLSRPT_ALERT_NAME], r[TLSRPT_ALERT_NAME];
	size_t i;

	PUT(h, ll->host);
	PUT(p, ll->prefix);
	PUT(r, rid);
	for (i = 0; i < TLSRPT_ALERT_MAX_PENDING; i++) {
		struct pending *e = &a->pend[i];

		if (e->used && strcmp(e->host, h) == 0 && strcmp(e->prefix, p) == 0 &&
		    strcmp(e->rid, r) == 0) {
			return e;
		}
	}
	return NULL;
}

/* pdom_get - a domain of an open report; NULL past the bound */
static struct pdom *pdom_get(struct pending *e, const char *name)
{
	char low[TLSRPT_ALERT_NAME];
	size_t i;

	PUTLOW(low, name);
	for (i = 0; i < e->ndom; i++) {
		if (strcmp(e->dom[i].name, low) == 0) {
			return &e->dom[i];
		}
	}
	if (e->ndom >= PEND_DOMAINS || low[0] == '\0') {
		return NULL;
	}
	memset(&e->dom[e->ndom], 0, sizeof(e->dom[0]));
	memcpy(e->dom[e->ndom].name, low, sizeof(low));
	return &e->dom[e->ndom++];
}

/* ---------------------------------------------------------------- baseline */

/* ours - 1 when domain was named (--domain, --config), or nothing was */
static int ours(const struct tlsrpt_alert *a, const char *domain)
{
	size_t i;
	int named = 0;

	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		if (a->dom[i].used && a->dom[i].expected) {
			if (strcmp(a->dom[i].name, domain) == 0) {
				return 1;
			}
			named = 1;
		}
	}
	return !named;
}

/* base_rank - what a baseline is worth keeping: ours above others, authenticated above claimed */
static int base_rank(const struct tlsrpt_alert *a, const char *domain, int auth)
{
	return 2 * ours(a, domain) + (auth != 0);
}

/* base_find - the baseline of (domain, reporter, kind); NULL when none */
static struct tlsrpt_alert_baseline *base_find(struct tlsrpt_alert *a, const char *domain,
                                               const char *id, int auth)
{
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_BASELINES; i++) {
		struct tlsrpt_alert_baseline *b = &a->base[i];

		if (b->used && b->auth == (auth != 0) && strcmp(b->domain, domain) == 0 &&
		    strcmp(b->id, id) == 0) {
			return b;
		}
	}
	return NULL;
}

/*
 * base_get - the baseline of (domain, reporter, kind), created when absent:
 * a free slot, else the oldest of the lowest rank when that is not above
 * the new one's; NULL when every kept one ranks higher
 */
static struct tlsrpt_alert_baseline *base_get(struct tlsrpt_alert *a, const char *domain,
                                              const char *id, int auth)
{
	struct tlsrpt_alert_baseline *b = base_find(a, domain, id, auth), *victim = NULL;
	int rank = base_rank(a, domain, auth), vrank = 0;
	size_t i;

	if (b != NULL) {
		return b;
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_BASELINES; i++) {
		struct tlsrpt_alert_baseline *x = &a->base[i];
		int r;

		if (!x->used) {
			victim = x;
			break;
		}
		r = base_rank(a, x->domain, x->auth);
		if (victim == NULL || r < vrank || (r == vrank && x->last < victim->last)) {
			victim = x;
			vrank = r;
		}
	}
	if (victim->used && vrank > rank) {
		return NULL;
	}
	memset(victim, 0, sizeof(*victim));
	victim->used = 1;
	victim->auth = auth != 0;
	PUT(victim->domain, domain);
	PUT(victim->id, id);
	return victim;
}

/* base_push - one more report in b, the oldest dropped when it holds baseline_reports */
static void base_push(struct tlsrpt_alert *a, struct tlsrpt_alert_baseline *b,
                      unsigned long long sessions, unsigned long long failed, long long now)
{
	unsigned max = a->c.baseline_reports;

	if (max == 0) {
		return;
	}
	if (b->n >= max) {
		memmove(b->sessions, b->sessions + (b->n - max + 1),
		        (max - 1) * sizeof(b->sessions[0]));
		memmove(b->failed, b->failed + (b->n - max + 1), (max - 1) * sizeof(b->failed[0]));
		b->n = max - 1;
	}
	b->sessions[b->n] = sessions;
	b->failed[b->n] = failed;
	b->n++;
	b->last = now;
}

/*
 * spike - is the report's domain d well above its reporter's baseline?
 * *bf and *bs get the baseline's failed and total sessions.
 */
static int spike(struct tlsrpt_alert *a, const struct pending *e, const struct pdom *d,
                 unsigned long long *bf, unsigned long long *bs)
{
	const struct tlsrpt_alert_baseline *b;
	double base, rate, want;
	unsigned i;

	*bf = *bs = 0;
	if (a->c.baseline_reports == 0 || e->reporter[0] == '\0' || d->sessions == 0 ||
	    d->failed < a->c.baseline_min_failed || d->failed == 0 ||
	    (b = base_find(a, d->name, e->reporter, e->auth)) == NULL ||
	    2 * b->n < a->c.baseline_reports) {
		return 0;
	}
	for (i = 0; i < b->n; i++) {
		*bs += b->sessions[i];
		*bf += b->failed[i];
	}
	if (*bs == 0) {
		return 0;
	}
	base = 100.0 * (double)*bf / (double)*bs;
	rate = 100.0 * (double)d->failed / (double)d->sessions;
	want = a->c.baseline_factor * base;
	if (base + a->c.baseline_margin > want) {
		want = base + a->c.baseline_margin;
	}
	return rate > want;
}

/* raise - one failure kind of a judged report above the thresholds */
static void raise_problem(struct tlsrpt_alert *a, const struct pending *e, const struct pfail *f,
                          const struct pdom *d, long long now, int by_base, unsigned long long bf,
                          unsigned long long bs)
{
	struct tlsrpt_alert_problem *p = prob_find(a, f->domain, f->ptype, f->rtype, f->mx, f->ip);

	if (p != NULL && p->state == P_RECOVERED) {
		if (e->day <= p->recovered_day) {
			return; /* an older report than the one that showed the fix */
		}
		memset(p, 0, sizeof(*p)); /* failing again after it cleared: a new problem */
		p->used = 1;
	} else if (p != NULL && now - p->last_fail > a->c.window) {
		memset(p, 0, sizeof(*p)); /* no failure for the whole window: a new problem */
		p->used = 1;
	}
	if (p == NULL) {
		p = prob_new(a);
	}
	if (p->opened == 0) {
		PUT(p->domain, f->domain);
		PUT(p->ptype, f->ptype);
		PUT(p->rtype, f->rtype);
		PUT(p->mx, f->mx);
		PUT(p->ip, f->ip);
		p->state = P_OPEN;
		p->opened = now;
		p->first_day = e->day;
		p->by_baseline = by_base;
		p->base_failed = bf;
		p->base_sessions = bs;
	} else if (!by_base && !(p->announced & ANN_PROBLEM)) {
		p->by_baseline = 0; /* also above the thresholds: an ordinary problem */
	}
	list_add(p->reporters, sizeof(p->reporters), e->reporter);
	p->failed += f->failed;
	p->sessions += d != NULL ? d->sessions : 0;
	p->last_fail = now;
	if (e->day > p->last_day) {
		p->last_day = e->day;
	}
	if (e->day < p->first_day) {
		p->first_day = e->day;
	}
}

/* judge - a complete report: last-seen times, problems, recoveries, baselines */
static void judge(struct tlsrpt_alert *a, struct pending *e, long long now)
{
	unsigned long long bf[PEND_DOMAINS], bs[PEND_DOMAINS];
	int spiked[PEND_DOMAINS];
	size_t i, j;

	for (i = 0; i < e->ndom; i++) {
		struct tlsrpt_alert_domain *d = dom_get(a, e->dom[i].name, now);
		struct tlsrpt_alert_reporter *r;

		d->last = now;
		d->announced = 0;
		if (e->reporter[0] != '\0') {
			r = rep_get(a, e->dom[i].name, e->reporter);
			r->last = now;
			r->announced = 0;
		}
	}
	for (j = 0; j < e->ndom; j++) {
		spiked[j] = spike(a, e, &e->dom[j], &bf[j], &bs[j]);
	}
	for (i = 0; i < e->nf; i++) {
		const struct pfail *f = &e->f[i];
		const struct pdom *d = NULL;
		double rate = 100.0;
		size_t at = 0;

		for (j = 0; j < e->ndom; j++) {
			if (strcmp(e->dom[j].name, f->domain) == 0) {
				d = &e->dom[j];
				at = j;
			}
		}
		if (d != NULL && d->sessions > 0) {
			rate = 100.0 * (double)f->failed / (double)d->sessions;
		}
		if (f->failed >= a->c.min_failed && f->failed > 0 && rate >= a->c.min_rate) {
			raise_problem(a, e, f, d, now, 0, 0, 0);
		} else if (d != NULL && spiked[at] && f->failed > 0) {
			raise_problem(a, e, f, d, now, 1, bf[at], bs[at]);
		}
	}
	/* the report joins its reporter's baselines (after it was judged against them) */
	for (j = 0; j < e->ndom && e->reporter[0] != '\0' && a->c.baseline_reports > 0; j++) {
		struct tlsrpt_alert_baseline *b;

		if (e->dom[j].sessions > 0 &&
		    (b = base_get(a, e->dom[j].name, e->reporter, e->auth)) != NULL) {
			base_push(a, b, e->dom[j].sessions, e->dom[j].failed, now);
		}
	}
	/* recovery: a reporter that saw an open problem shows the domain without it */
	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		struct tlsrpt_alert_problem *p = &a->prob[i];
		int covered = 0, present = 0;

		if (!p->used || p->state != P_OPEN || e->day <= p->last_day ||
		    !in_list(p->reporters, e->reporter)) {
			continue;
		}
		for (j = 0; j < e->ndom; j++) {
			if (strcmp(e->dom[j].name, p->domain) == 0 && !e->dom[j].omitted) {
				covered = 1;
			}
		}
		for (j = 0; j < e->nf; j++) {
			const struct pfail *f = &e->f[j];

			if (strcmp(f->domain, p->domain) == 0 && strcmp(f->ptype, p->ptype) == 0 &&
			    strcmp(f->rtype, p->rtype) == 0 &&
			    strcmp(receiver(f->mx, f->ip), receiver(p->mx, p->ip)) == 0) {
				present = 1;
			}
		}
		if (covered && !present) {
			p->state = P_RECOVERED;
			p->recovered_at = now;
			p->recovered_day = e->day;
			PUT(p->recovered_by, e->reporter);
		}
	}
	if (e->has_pos) {
		tlsrpt_cursor_judged(a->cur, e->ino, e->off);
	}
	e->used = 0;
}

/* pend_new - open a report; the oldest open one is judged when all are taken */
static struct pending *pend_new(struct tlsrpt_alert *a, long long now)
{
	struct pending *old = NULL;
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_PENDING; i++) {
		if (!a->pend[i].used) {
			old = &a->pend[i];
			break;
		}
		if (old == NULL || a->pend[i].seq < old->seq) {
			old = &a->pend[i];
		}
	}
	if (old->used) {
		judge(a, old, now);
	}
	memset(old, 0, sizeof(*old));
	old->used = 1;
	old->seq = ++a->seq;
	return old;
}

/* add_report - a report line opens a report (pos: its file and offset, or NULL) */
static void add_report(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, long long now,
                       const struct mark *pos)
{
	const char *start = get_or(ll, "start-datetime", "");
	const char *dkim = get_or(ll, "dkim", "");
	const char *who = strcmp(dkim, "pass") == 0 ? get_or(ll, "dkim-domain", "")
	                                            : get_or(ll, "submitter", "");
	struct pending *e;
	long day = 0;

	if ((e = pend_find(a, ll)) != NULL) {
		judge(a, e, now);
	}
	if (pos != NULL && tlsrpt_cursor_seen(a->cur, pos->ino, pos->off)) {
		return; /* read again after the position moved back: judged last run */
	}
	if (tlsrpt_calendar_day(start, strlen(start), &day) < 0) {
		day = (long)(now / 86400);
	}
	e = pend_new(a, now);
	PUT(e->host, ll->host);
	PUT(e->prefix, ll->prefix);
	PUT(e->rid, get_or(ll, "report-id", ""));
	PUTLOW(e->reporter, who[0] != '\0' ? who : get_or(ll, "organization-name", ""));
	e->auth = strcmp(dkim, "pass") == 0 && who[0] != '\0';
	e->day = day;
	if (pos != NULL) {
		e->has_pos = 1;
		e->ino = pos->ino;
		e->off = pos->off;
	}
	(void)pdom_get(e, get_or(ll, "policy-domain", ""));
}

/* count - a count field, 0 when absent or not a count */
static unsigned long long count(const struct tlsrpt_logline *ll, const char *key)
{
	long long v = tlsrpt_logline_count(ll, key);

	return v > 0 ? (unsigned long long)v : 0;
}

/* add_policy - sessions of a domain are the maximum over its policies */
static void add_policy(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, int omitted)
{
	struct pending *e = pend_find(a, ll);
	struct pdom *d;
	unsigned long long ok = count(ll, "total-successful-session-count"),
	                   failed = count(ll, "total-failure-session-count");

	if (e == NULL || (d = pdom_get(e, get_or(ll, "policy-domain", ""))) == NULL) {
		return;
	}
	if (ok + failed > d->sessions) {
		d->sessions = ok + failed;
	}
	if (failed > d->failed) {
		d->failed = failed;
	}
	d->omitted |= omitted;
}

/* add_failure - a failure detail; the same kind on several lines is summed */
static void add_failure(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll)
{
	struct pending *e = pend_find(a, ll);
	struct pfail f;
	size_t i;

	if (e == NULL) {
		return;
	}
	memset(&f, 0, sizeof(f));
	PUTLOW(f.domain, get_or(ll, "policy-domain", ""));
	PUT(f.ptype, get_or(ll, "policy-type", ""));
	PUT(f.rtype, get_or(ll, "result-type", ""));
	PUTLOW(f.mx, get_or(ll, "receiving-mx-hostname", ""));
	PUT(f.ip, get_or(ll, "receiving-ip", ""));
	f.failed = count(ll, "failed-session-count");
	(void)pdom_get(e, f.domain);
	for (i = 0; i < e->nf; i++) {
		struct pfail *g = &e->f[i];

		if (strcmp(g->domain, f.domain) == 0 && strcmp(g->ptype, f.ptype) == 0 &&
		    strcmp(g->rtype, f.rtype) == 0 &&
		    strcmp(receiver(g->mx, g->ip), receiver(f.mx, f.ip)) == 0) {
			g->failed += f.failed;
			return;
		}
	}
	if (e->nf < PEND_FAILURES) {
		e->f[e->nf++] = f;
	}
}

/* add_omitted - details were left out: no recovery can be read from that report */
static void add_omitted(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll)
{
	char h[TLSRPT_ALERT_NAME], p[TLSRPT_ALERT_NAME];
	struct pending *e;
	size_t i, j;

	if (tlsrpt_logline_get(ll, "report-id", NULL) != NULL) {
		if ((e = pend_find(a, ll)) != NULL) {
			struct pdom *d = pdom_get(e, get_or(ll, "policy-domain", ""));

			for (j = 0; j < e->ndom; j++) {
				e->dom[j].omitted |= d == NULL || d == &e->dom[j];
			}
		}
		return;
	}
	PUT(h, ll->host);
	PUT(p, ll->prefix);
	for (i = 0; i < TLSRPT_ALERT_MAX_PENDING; i++) {
		e = &a->pend[i];
		if (e->used && strcmp(e->host, h) == 0 && strcmp(e->prefix, p) == 0) {
			for (j = 0; j < e->ndom; j++) {
				e->dom[j].omitted = 1;
			}
		}
	}
}

/* end_message - the message's action line: its reports are complete */
static void end_message(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, long long now)
{
	char h[TLSRPT_ALERT_NAME], p[TLSRPT_ALERT_NAME];
	size_t i;

	PUT(h, ll->host);
	PUT(p, ll->prefix);
	for (i = 0; i < TLSRPT_ALERT_MAX_PENDING; i++) {
		struct pending *e = &a->pend[i];

		if (e->used && strcmp(e->host, h) == 0 && strcmp(e->prefix, p) == 0) {
			judge(a, e, now);
		}
	}
}

/* own_event - one of our own event lines: what it announced is announced */
static void own_event(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, long long now)
{
	char dom[TLSRPT_ALERT_NAME], mx[TLSRPT_ALERT_NAME], ip[64], pt[32], rt[64];
	struct tlsrpt_alert_problem *p;

	PUTLOW(dom, get_or(ll, "policy-domain", ""));
	if (strcmp(ll->word, "silent") == 0) {
		const char *who = get_or(ll, "reporter", "");

		if (who[0] != '\0') {
			char id[TLSRPT_ALERT_NAME];

			PUTLOW(id, who);
			struct tlsrpt_alert_reporter *r = rep_get(a, dom, id);
			if (r->last == 0) {
				r->last = now;
			}
			r->announced = 1;
		} else if (dom[0] != '\0') {
			dom_get(a, dom, now)->announced = 1;
		}
		return;
	}
	PUT(pt, get_or(ll, "policy-type", ""));
	PUT(rt, get_or(ll, "result-type", ""));
	PUTLOW(mx, get_or(ll, "receiving-mx-hostname", ""));
	PUT(ip, get_or(ll, "receiving-ip", ""));
	p = prob_find(a, dom, pt, rt, mx, ip);
	if (strcmp(ll->word, "problem") == 0) {
		if (p == NULL) {
			p = prob_new(a);
			PUT(p->domain, dom);
			PUT(p->ptype, pt);
			PUT(p->rtype, rt);
			PUT(p->mx, mx);
			PUT(p->ip, ip);
			PUT(p->reporters, get_or(ll, "reporters", ""));
			p->opened = p->last_fail = now;
			p->first_day = p->last_day = (long)(now / 86400);
		}
		p->announced |= ANN_PROBLEM;
	} else if (strcmp(ll->word, "recovered") == 0 && p != NULL) {
		p->announced |= ANN_PROBLEM | ANN_RECOVERED;
		if (p->state == P_OPEN) {
			p->state = P_RECOVERED;
			p->recovered_at = now;
			p->recovered_day = p->last_day;
		}
	}
}

/* add - one parsed line, from a file position or not */
static void add(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, long long t,
                const struct mark *pos)
{
	switch (ll->event) {
	case TLSRPT_LL_REPORT:
		add_report(a, ll, t, pos);
		break;
	case TLSRPT_LL_POLICY:
		add_policy(a, ll, 0);
		break;
	case TLSRPT_LL_POLICY_OMITTED:
		add_policy(a, ll, 1);
		break;
	case TLSRPT_LL_FAILURE:
		add_failure(a, ll);
		break;
	case TLSRPT_LL_FAILURE_OMITTED:
		add_omitted(a, ll);
		break;
	case TLSRPT_LL_ACTION:
		end_message(a, ll, t);
		break;
	case TLSRPT_LL_OTHER:
		if (ll->word != NULL &&
		    (strcmp(ll->word, "problem") == 0 || strcmp(ll->word, "recovered") == 0 ||
		     strcmp(ll->word, "silent") == 0)) {
			own_event(a, ll, t);
		}
		break;
	default:
		break;
	}
}

/* tlsrpt_alert_add - one parsed line */
void tlsrpt_alert_add(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, time_t now)
{
	add(a, ll, (long long)now, NULL);
}

/* tlsrpt_alert_add_at - one parsed line read at offset off of the file with inode ino */
void tlsrpt_alert_add_at(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, time_t now,
                         unsigned long long ino, unsigned long long off)
{
	struct mark m = {ino, off};

	add(a, ll, (long long)now, a->cur != NULL ? &m : NULL);
}

/* ---------------------------------------------------------------- events */

/* event - a new event slot; NULL when the run has its maximum */
static struct tlsrpt_alert_event *event(struct tlsrpt_alert *a, enum tlsrpt_alert_kind k,
                                        const char *domain)
{
	struct tlsrpt_alert_event *ev;

	if (a->nev >= TLSRPT_ALERT_MAX_EVENTS) {
		return NULL;
	}
	ev = &a->ev[a->nev++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = k;
	PUT(ev->domain, domain);
	return ev;
}

/* prob_event - a problem or recovered event of p */
static int prob_event(struct tlsrpt_alert *a, struct tlsrpt_alert_problem *p,
                      enum tlsrpt_alert_kind k)
{
	struct tlsrpt_alert_event *ev = event(a, k, p->domain);

	if (ev == NULL) {
		return -1;
	}
	PUT(ev->policy_type, p->ptype);
	PUT(ev->result_type, p->rtype);
	PUT(ev->mx, p->mx);
	PUT(ev->ip, p->ip);
	memcpy(ev->reporters, k == TLSRPT_ALERT_PROBLEM ? p->reporters : p->recovered_by,
	       sizeof(ev->reporters) < sizeof(p->recovered_by) ? sizeof(ev->reporters)
	                                                       : sizeof(p->recovered_by));
	ev->reporters[sizeof(ev->reporters) - 1] = '\0';
	ev->failed = p->failed;
	ev->sessions = p->sessions;
	ev->first = p->first_day;
	ev->last = p->last_day;
	if (k == TLSRPT_ALERT_PROBLEM && p->by_baseline) {
		ev->by_baseline = 1;
		ev->base_failed = p->base_failed;
		ev->base_sessions = p->base_sessions;
	}
	return 0;
}

/*
 * finish_pending - the reports still open at the end of the run.  One read
 * from a file without its message's action line may be cut by the run
 * (the milter was still logging it): it is left for the next run, and the
 * cursor moves that file's position back to its report line.  Left once
 * already (its action line never came), or not from a file: judged now.
 */
static void finish_pending(struct tlsrpt_alert *a, long long t)
{
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_PENDING; i++) {
		struct pending *e = &a->pend[i];

		if (!e->used) {
			continue;
		}
		if (!e->has_pos || tlsrpt_cursor_carried_before(a->cur, e->ino, e->off)) {
			judge(a, e, t);
			continue;
		}
		tlsrpt_cursor_carry(a->cur, e->ino, e->off);
		e->used = 0;
	}
}

/* tlsrpt_alert_finish - judge, expire, and collect the run's events */
const struct tlsrpt_alert_event *tlsrpt_alert_finish(struct tlsrpt_alert *a, time_t now, size_t *n)
{
	long long t = (long long)now;
	size_t i;

	a->nev = 0;
	finish_pending(a, t);
	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		struct tlsrpt_alert_problem *p = &a->prob[i];
		long long last = p->last_fail > p->recovered_at ? p->last_fail : p->recovered_at;

		if (!p->used) {
			continue;
		}
		if (t - last > a->c.window) {
			memset(p, 0, sizeof(*p));
			continue;
		}
		if (!(p->announced & ANN_PROBLEM)) {
			if (prob_event(a, p, TLSRPT_ALERT_PROBLEM) < 0) {
				continue;
			}
			p->announced |= ANN_PROBLEM;
		}
		if (p->state == P_RECOVERED && !(p->announced & ANN_RECOVERED) &&
		    prob_event(a, p, TLSRPT_ALERT_RECOVERED) == 0) {
			p->announced |= ANN_RECOVERED;
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS; i++) {
		struct tlsrpt_alert_reporter *r = &a->rep[i];
		struct tlsrpt_alert_event *ev;

		if (r->used && !r->announced && t - r->last >= a->c.silent_after &&
		    (ev = event(a, TLSRPT_ALERT_SILENT, r->domain)) != NULL) {
			PUT(ev->reporters, r->id);
			ev->last = r->last;
			r->announced = 1;
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		struct tlsrpt_alert_domain *d = &a->dom[i];
		long long since = d->last != 0 ? d->last : d->since;
		struct tlsrpt_alert_event *ev;

		if (d->used && !d->announced && t - since >= a->c.silent_after &&
		    (ev = event(a, TLSRPT_ALERT_SILENT, d->name)) != NULL) {
			ev->last = d->last;
			d->announced = 1;
		}
	}
	*n = a->nev;
	return a->ev;
}

/* ---------------------------------------------------------------- records */

/* tlsrpt_alert_problem_at - a problem slot in use, else NULL */
const struct tlsrpt_alert_problem *tlsrpt_alert_problem_at(const struct tlsrpt_alert *a, size_t i)
{
	return i < TLSRPT_ALERT_MAX_PROBLEMS && a->prob[i].used ? &a->prob[i] : NULL;
}

/* tlsrpt_alert_reporter_at - a reporter slot in use, else NULL */
const struct tlsrpt_alert_reporter *tlsrpt_alert_reporter_at(const struct tlsrpt_alert *a, size_t i)
{
	return i < TLSRPT_ALERT_MAX_REPORTERS && a->rep[i].used ? &a->rep[i] : NULL;
}

/* tlsrpt_alert_domain_at - a domain slot in use, else NULL */
const struct tlsrpt_alert_domain *tlsrpt_alert_domain_at(const struct tlsrpt_alert *a, size_t i)
{
	return i < TLSRPT_ALERT_MAX_DOMAINS && a->dom[i].used ? &a->dom[i] : NULL;
}

/* tlsrpt_alert_baseline_at - a baseline slot in use, else NULL */
const struct tlsrpt_alert_baseline *tlsrpt_alert_baseline_at(const struct tlsrpt_alert *a, size_t i)
{
	return i < TLSRPT_ALERT_MAX_BASELINES && a->base[i].used ? &a->base[i] : NULL;
}

/* tlsrpt_alert_restore_baseline - a baseline read back (its reports, the oldest first) */
void tlsrpt_alert_restore_baseline(struct tlsrpt_alert *a, const struct tlsrpt_alert_baseline *r)
{
	char dom[TLSRPT_ALERT_NAME], id[TLSRPT_ALERT_NAME];
	struct tlsrpt_alert_baseline *b;
	unsigned i;

	PUTLOW(dom, r->domain);
	PUTLOW(id, r->id);
	if ((b = base_get(a, dom, id, r->auth)) == NULL) {
		return;
	}
	b->n = 0;
	for (i = 0; i < r->n && i < TLSRPT_ALERT_BASELINE_MAX; i++) {
		base_push(a, b, r->sessions[i], r->failed[i], r->last);
	}
	b->last = r->last;
}

/* tlsrpt_alert_restore_problem - a problem read back: a new entry */
void tlsrpt_alert_restore_problem(struct tlsrpt_alert *a, const struct tlsrpt_alert_problem *r)
{
	struct tlsrpt_alert_problem *p = prob_new(a);

	PUT(p->domain, r->domain);
	PUT(p->ptype, r->ptype);
	PUT(p->rtype, r->rtype);
	PUT(p->mx, r->mx);
	PUT(p->ip, r->ip);
	p->state = r->state == P_RECOVERED ? P_RECOVERED : P_OPEN;
	p->announced = r->announced & (ANN_PROBLEM | ANN_RECOVERED);
	p->opened = r->opened;
	p->last_fail = r->last_fail;
	p->recovered_at = r->recovered_at;
	p->first_day = r->first_day;
	p->last_day = r->last_day;
	p->recovered_day = r->recovered_day;
	p->failed = r->failed;
	p->sessions = r->sessions;
	p->by_baseline = r->by_baseline != 0;
	p->base_failed = r->base_failed;
	p->base_sessions = r->base_sessions;
	snprintf(p->reporters, sizeof(p->reporters), "%s", r->reporters);
	PUT(p->recovered_by, r->recovered_by);
}

/* tlsrpt_alert_restore_reporter - a reporter of a domain read back */
void tlsrpt_alert_restore_reporter(struct tlsrpt_alert *a, const struct tlsrpt_alert_reporter *r)
{
	struct tlsrpt_alert_reporter *e = rep_get(a, r->domain, r->id);

	e->last = r->last;
	e->announced = r->announced != 0;
}

/* tlsrpt_alert_restore_domain - a domain read back */
void tlsrpt_alert_restore_domain(struct tlsrpt_alert *a, const struct tlsrpt_alert_domain *r)
{
	struct tlsrpt_alert_domain *d = dom_get(a, r->name, r->since);

	d->last = r->last;
	d->since = r->since;
	d->expected = r->expected != 0;
	d->announced = r->announced != 0;
}
