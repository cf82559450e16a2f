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

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "ascii.h"
#include "assemble.h"
#include "errbuf.h"
#include "logline.h"

#define STATE_HEADER "tlsrpt-alert-state 1"
#define PEND_DOMAINS TLSRPT_ASM_MAX_DOMAINS
#define PEND_FAILURES TLSRPT_ASM_MAX_FAILURES
#define ANN_PROBLEM 1
#define ANN_RECOVERED 2
#define MAX_MARKS 4096

enum pstate { P_OPEN = 0, P_RECOVERED = 1 };

struct problem {
	int used;
	char domain[TLSRPT_ALERT_NAME], ptype[32], rtype[64], mx[TLSRPT_ALERT_NAME], ip[64];
	char reporters[TLSRPT_ALERT_LIST], recovered_by[TLSRPT_ALERT_NAME];
	int state, announced;
	long long opened, last_fail, recovered_at;
	long first_day, last_day, recovered_day;
	unsigned long long failed, sessions;
};

struct reporter {
	int used, announced;
	char domain[TLSRPT_ALERT_NAME], id[TLSRPT_ALERT_NAME];
	long long last;
};

struct domain {
	int used, announced, expected;
	char name[TLSRPT_ALERT_NAME];
	long long last, since; /* last report (0 none), first known */
};

struct filepos {
	int used;
	char path[1024];
	unsigned long long ino, off;
};

struct pfail {
	char domain[TLSRPT_ALERT_NAME], ptype[32], rtype[64], mx[TLSRPT_ALERT_NAME], ip[64];
	unsigned long long failed;
};

struct pdom {
	char name[TLSRPT_ALERT_NAME];
	unsigned long long sessions, failed;
	int omitted;
};

/* a report to judge, from the assembler (assemble.h) */
struct pending {
	char reporter[TLSRPT_ALERT_NAME];
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
	struct problem prob[TLSRPT_ALERT_MAX_PROBLEMS];
	struct reporter rep[TLSRPT_ALERT_MAX_REPORTERS];
	struct domain dom[TLSRPT_ALERT_MAX_DOMAINS];
	struct filepos old[TLSRPT_ALERT_MAX_FILES], cur[TLSRPT_ALERT_MAX_FILES];
	struct tlsrpt_asm *as; /* the run's lines into reports */
	long long now;         /* the run's time, for the reports the assembler hands over */
	int flushing;          /* the reports handed over are those still open at the end */
	struct pending e;      /* the report being judged */
	struct tlsrpt_alert_counts counts;
	/* reports judged (J) and left unfinished once (C) after a position
	   moved back; the last run's and this run's */
	struct mark judged_old[MAX_MARKS], judged_new[MAX_MARKS];
	size_t njudged_old, njudged_new;
	struct mark carried_old[TLSRPT_ALERT_MAX_PENDING], carried_new[TLSRPT_ALERT_MAX_PENDING];
	size_t ncarried_old, ncarried_new;
	struct tlsrpt_alert_event ev[TLSRPT_ALERT_MAX_EVENTS];
	size_t nev;
};

/* tlsrpt_alert_defaults - AlertWindow and SilentAfter 7 days, thresholds off */
void tlsrpt_alert_defaults(struct tlsrpt_alert_conf *c)
{
	c->window = 7L * 86400;
	c->silent_after = 7L * 86400;
	c->min_failed = 1;
	c->min_rate = 0;
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

static void assembled(void *ctx, const struct tlsrpt_asm_report *r);

/* tlsrpt_alert_new - an empty machine */
struct tlsrpt_alert *tlsrpt_alert_new(const struct tlsrpt_alert_conf *c, char *err, size_t errlen)
{
	struct tlsrpt_alert *a = calloc(1, sizeof(*a));

	if (a == NULL || (a->as = tlsrpt_asm_new(assembled, a, err, errlen)) == NULL) {
		free(a);
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	a->c = *c;
	return a;
}

/* tlsrpt_alert_free - release */
void tlsrpt_alert_free(struct tlsrpt_alert *a)
{
	if (a != NULL) {
		tlsrpt_asm_free(a->as);
	}
	free(a);
}

/* ---------------------------------------------------------------- entries */

/* receiver - the receiving MX, else the receiving IP: the last part of a problem's key */
static const char *receiver(const char *mx, const char *ip)
{
	return mx[0] != '\0' ? mx : ip;
}

/* prob_find - the problem of a key; NULL when none */
static struct problem *prob_find(struct tlsrpt_alert *a, const char *domain, const char *ptype,
                                 const char *rtype, const char *mx, const char *ip)
{
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		struct problem *p = &a->prob[i];

		if (p->used && strcmp(p->domain, domain) == 0 && strcmp(p->ptype, ptype) == 0 &&
		    strcmp(p->rtype, rtype) == 0 &&
		    strcmp(receiver(p->mx, p->ip), receiver(mx, ip)) == 0) {
			return p;
		}
	}
	return NULL;
}

/* prob_new - a fresh problem entry; the one failing longest ago is reused when full */
static struct problem *prob_new(struct tlsrpt_alert *a)
{
	struct problem *old = &a->prob[0];
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
static struct reporter *rep_get(struct tlsrpt_alert *a, const char *domain, const char *id)
{
	struct reporter *old = &a->rep[0], *fr = NULL;
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS; i++) {
		struct reporter *r = &a->rep[i];

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

/* dom_get - the entry of a domain; created (the one reported longest ago reused) when absent */
static struct domain *dom_get(struct tlsrpt_alert *a, const char *name, long long now)
{
	struct domain *old = &a->dom[0], *fr = NULL;
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		struct domain *d = &a->dom[i];

		if (!d->used) {
			if (fr == NULL) {
				fr = d;
			}
			continue;
		}
		if (strcmp(d->name, name) == 0) {
			return d;
		}
		if ((d->last ? d->last : d->since) < (old->last ? old->last : old->since)) {
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

/* marked - 1 when (ino, off) is among the n marks */
static int marked(const struct mark *m, size_t n, unsigned long long ino, unsigned long long off)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (m[i].ino == ino && m[i].off == off) {
			return 1;
		}
	}
	return 0;
}

/* mark_add - append (ino, off) unless full */
static void mark_add(struct mark *m, size_t *n, size_t max, unsigned long long ino,
                     unsigned long long off)
{
	if (*n < max) {
		m[*n].ino = ino;
		m[*n].off = off;
		(*n)++;
	}
}

/* raise - one failure kind of a judged report above the thresholds */
static void raise_problem(struct tlsrpt_alert *a, const struct pending *e, const struct pfail *f,
                          const struct pdom *d, long long now)
{
	struct problem *p = prob_find(a, f->domain, f->ptype, f->rtype, f->mx, f->ip);

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

/* judge - a complete report: last-seen times, problems, recoveries */
static void judge(struct tlsrpt_alert *a, struct pending *e, long long now)
{
	size_t i, j;

	for (i = 0; i < e->ndom; i++) {
		struct domain *d = dom_get(a, e->dom[i].name, now);
		struct reporter *r;

		d->last = now;
		d->announced = 0;
		if (e->reporter[0] != '\0') {
			r = rep_get(a, e->dom[i].name, e->reporter);
			r->last = now;
			r->announced = 0;
		}
	}
	for (i = 0; i < e->nf; i++) {
		const struct pfail *f = &e->f[i];
		const struct pdom *d = NULL;
		double rate = 100.0;

		for (j = 0; j < e->ndom; j++) {
			if (strcmp(e->dom[j].name, f->domain) == 0) {
				d = &e->dom[j];
			}
		}
		if (d != NULL && d->sessions > 0) {
			rate = 100.0 * (double)f->failed / (double)d->sessions;
		}
		if (f->failed >= a->c.min_failed && f->failed > 0 && rate >= a->c.min_rate) {
			raise_problem(a, e, f, d, now);
		}
	}
	/* recovery: a reporter that saw an open problem shows the domain without it */
	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		struct problem *p = &a->prob[i];
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
		mark_add(a->judged_new, &a->njudged_new, MAX_MARKS, e->ino, e->off);
	}
}

/*
 * reporter_name - the alert mode's name of a report's reporter: the
 * DKIM-authenticated domain as it is, a claimed one as "claimed:DOMAIN"
 * (so the two never meet in a problem's reporters, a recovery or a
 * silence; ':' is in no host name, and the name stays a bare log value),
 * "" without one
 */
static void reporter_name(const struct tlsrpt_asm_report *r, char *out, size_t size)
{
	switch (r->kind) {
	case TLSRPT_IDENTITY_DKIM:
		snprintf(out, size, "%s", r->reporter);
		break;
	case TLSRPT_IDENTITY_CLAIMED:
		snprintf(out, size, "claimed:%s", r->reporter);
		break;
	default:
		out[0] = '\0';
		break;
	}
}

/*
 * assembled - a complete report from the assembler.  Not judged: a report
 * with a cut line, a malformed one, a duplicate (a report received twice
 * counts once), one judged last run (read again after a position moved
 * back).  A report still open at the end of the run, read from a file
 * without its message's action line, is left for the next run (its
 * message may have been cut by the run) unless it was left once already.
 */
static void assembled(void *ctx, const struct tlsrpt_asm_report *r)
{
	struct tlsrpt_alert *a = ctx;
	struct pending *e = &a->e;
	size_t i;

	if (r->cut || r->malformed || r->duplicate) {
		a->counts.cut += r->cut != 0;
		a->counts.duplicates += !r->cut && !r->malformed && r->duplicate;
		return;
	}
	if (r->has_pos && marked(a->judged_old, a->njudged_old, r->ino, r->off)) {
		mark_add(a->judged_new, &a->njudged_new, MAX_MARKS, r->ino, r->off);
		return;
	}
	if (a->flushing && !r->ended && r->has_pos &&
	    !marked(a->carried_old, a->ncarried_old, r->ino, r->off)) {
		mark_add(a->carried_new, &a->ncarried_new, TLSRPT_ALERT_MAX_PENDING, r->ino,
		         r->off);
		return;
	}
	memset(e, 0, sizeof(*e));
	reporter_name(r, e->reporter, sizeof(e->reporter));
	e->day = r->day;
	e->has_pos = r->has_pos;
	e->ino = r->ino;
	e->off = r->off;
	for (i = 0; i < r->ndom && i < PEND_DOMAINS; i++) {
		PUT(e->dom[i].name, r->dom[i].name);
		e->dom[i].sessions = r->dom[i].total;
		e->dom[i].failed = r->dom[i].failed;
		e->dom[i].omitted = r->dom[i].omitted || r->details_omitted;
	}
	e->ndom = i;
	for (i = 0; i < r->nfail && i < PEND_FAILURES; i++) {
		struct pfail *f = &e->f[i];

		PUT(f->domain, r->dom[r->fail[i].dom].name);
		PUT(f->ptype, r->fail[i].ptype);
		PUT(f->rtype, r->fail[i].rtype);
		PUT(f->mx, r->fail[i].mx);
		PUT(f->ip, r->fail[i].ip);
		f->failed = r->fail[i].failed;
	}
	e->nf = i;
	a->counts.reports++;
	judge(a, e, a->now);
}

/* tlsrpt_alert_counts - reports judged, duplicates and cut ones */
const struct tlsrpt_alert_counts *tlsrpt_alert_counts(const struct tlsrpt_alert *a)
{
	return &a->counts;
}

/* own_event - one of our own event lines: what it announced is announced */
static void own_event(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, long long now)
{
	char dom[TLSRPT_ALERT_NAME], mx[TLSRPT_ALERT_NAME], ip[64], pt[32], rt[64];
	struct problem *p;

	PUTLOW(dom, get_or(ll, "policy-domain", ""));
	if (strcmp(ll->word, "silent") == 0) {
		const char *who = get_or(ll, "reporter", "");

		if (who[0] != '\0') {
			char id[TLSRPT_ALERT_NAME];

			PUTLOW(id, who);
			struct reporter *r = rep_get(a, dom, id);
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
	a->now = t;
	if (pos != NULL) {
		tlsrpt_asm_add_at(a->as, ll, pos->ino, pos->off);
	} else {
		tlsrpt_asm_add(a->as, ll);
	}
	switch (ll->event) {
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

	add(a, ll, (long long)now, &m);
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
static int prob_event(struct tlsrpt_alert *a, struct problem *p, enum tlsrpt_alert_kind k)
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
	return 0;
}

/*
 * finish_pending - the reports still open at the end of the run.  One read
 * from a file without its message's action line may be cut by the run
 * (the milter was still logging it): it is left for the next run, whose
 * position in that file moves back to its report line; the reports judged
 * after that line are remembered, so the next run skips them.  Left once
 * already (its action line never came), or not from a file: judged now.
 */
static void finish_pending(struct tlsrpt_alert *a, long long t)
{
	size_t i, j, n;

	a->ncarried_new = 0;
	a->now = t;
	a->flushing = 1;
	tlsrpt_asm_flush(a->as);
	a->flushing = 0;
	/* positions back to the earliest report left, per file */
	for (i = 0; i < TLSRPT_ALERT_MAX_FILES; i++) {
		for (j = 0; j < a->ncarried_new; j++) {
			if (a->cur[i].used && a->cur[i].ino == a->carried_new[j].ino &&
			    a->carried_new[j].off < a->cur[i].off) {
				a->cur[i].off = a->carried_new[j].off;
			}
		}
	}
	/* judged reports that the next run reads again: those past a moved position */
	for (i = n = 0; i < a->njudged_new; i++) {
		for (j = 0; j < TLSRPT_ALERT_MAX_FILES; j++) {
			if (a->cur[j].used && a->cur[j].ino == a->judged_new[i].ino &&
			    a->judged_new[i].off >= a->cur[j].off &&
			    marked(a->carried_new, a->ncarried_new, a->cur[j].ino, a->cur[j].off)) {
				a->judged_new[n++] = a->judged_new[i];
				break;
			}
		}
	}
	a->njudged_new = n;
}

/* tlsrpt_alert_finish - judge, expire, and collect the run's events */
const struct tlsrpt_alert_event *tlsrpt_alert_finish(struct tlsrpt_alert *a, time_t now, size_t *n)
{
	long long t = (long long)now;
	size_t i;

	a->nev = 0;
	finish_pending(a, t);
	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		struct problem *p = &a->prob[i];
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
		struct reporter *r = &a->rep[i];
		struct tlsrpt_alert_event *ev;

		if (r->used && !r->announced && t - r->last >= a->c.silent_after &&
		    (ev = event(a, TLSRPT_ALERT_SILENT, r->domain)) != NULL) {
			PUT(ev->reporters, r->id);
			ev->last = r->last;
			r->announced = 1;
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		struct domain *d = &a->dom[i];
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

/* ---------------------------------------------------------------- files */

/* tlsrpt_alert_pos - where the file with this inode was left */
unsigned long long tlsrpt_alert_pos(const struct tlsrpt_alert *a, unsigned long long ino)
{
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_FILES; i++) {
		if (a->old[i].used && a->old[i].ino == ino) {
			return a->old[i].off;
		}
	}
	return 0;
}

/* tlsrpt_alert_begin_files - the loaded positions become the ones looked up */
void tlsrpt_alert_begin_files(struct tlsrpt_alert *a)
{
	memcpy(a->old, a->cur, sizeof(a->old));
	memset(a->cur, 0, sizeof(a->cur));
}

/* tlsrpt_alert_set_pos - remember where a file of this run ends */
void tlsrpt_alert_set_pos(struct tlsrpt_alert *a, const char *path, unsigned long long ino,
                          unsigned long long off)
{
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_FILES; i++) {
		if (!a->cur[i].used || a->cur[i].ino == ino) {
			a->cur[i].used = 1;
			PUT(a->cur[i].path, path);
			a->cur[i].ino = ino;
			a->cur[i].off = off;
			return;
		}
	}
}

/* ---------------------------------------------------------------- state file */

/* split - tab-separated fields of line (changed in place); their number */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = line;
		if ((line = strchr(line, '\t')) == NULL) {
			break;
		}
		*line++ = '\0';
	}
	return line == NULL ? n : max + 1;
}

/* num - a decimal field; 0 ok, -1 not one */
static int num(const char *s, long long *v)
{
	char *e;

	errno = 0;
	*v = strtoll(s, &e, 10);
	return errno != 0 || e == s || *e != '\0' ? -1 : 0;
}

/* load_line - one entry; 0 or -1 when damaged */
static int load_line(struct tlsrpt_alert *a, char *line)
{
	char *f[20];
	long long v[12];
	size_t n = split(line, f, 20), i;

	if (strcmp(f[0], "P") == 0 && n == 18) {
		struct problem *p = prob_new(a);

		for (i = 0; i < 10; i++) {
			if (num(f[6 + i], &v[i]) < 0) {
				return -1;
			}
		}
		PUT(p->domain, f[1]);
		PUT(p->ptype, f[2]);
		PUT(p->rtype, f[3]);
		PUT(p->mx, f[4]);
		PUT(p->ip, f[5]);
		p->state = v[0] == P_RECOVERED;
		p->announced = (int)v[1] & (ANN_PROBLEM | ANN_RECOVERED);
		p->opened = v[2];
		p->last_fail = v[3];
		p->recovered_at = v[4];
		p->first_day = (long)v[5];
		p->last_day = (long)v[6];
		p->recovered_day = (long)v[7];
		p->failed = (unsigned long long)v[8];
		p->sessions = (unsigned long long)v[9];
		snprintf(p->reporters, sizeof(p->reporters), "%s", f[16]);
		PUT(p->recovered_by, f[17]);
		return 0;
	}
	if (strcmp(f[0], "R") == 0 && n == 5 && num(f[3], &v[0]) == 0 && num(f[4], &v[1]) == 0) {
		struct reporter *r = rep_get(a, f[1], f[2]);

		r->last = v[0];
		r->announced = v[1] != 0;
		return 0;
	}
	if (strcmp(f[0], "D") == 0 && n == 6 && num(f[2], &v[0]) == 0 && num(f[3], &v[1]) == 0 &&
	    num(f[4], &v[2]) == 0 && num(f[5], &v[3]) == 0) {
		struct domain *d = dom_get(a, f[1], v[1]);

		d->last = v[0];
		d->since = v[1];
		d->expected = v[2] != 0;
		d->announced = v[3] != 0;
		return 0;
	}
	if ((strcmp(f[0], "J") == 0 || strcmp(f[0], "C") == 0) && n == 3 && num(f[1], &v[0]) == 0 &&
	    num(f[2], &v[1]) == 0) {
		if (f[0][0] == 'J') {
			mark_add(a->judged_old, &a->njudged_old, MAX_MARKS,
			         (unsigned long long)v[0], (unsigned long long)v[1]);
		} else {
			mark_add(a->carried_old, &a->ncarried_old, TLSRPT_ALERT_MAX_PENDING,
			         (unsigned long long)v[0], (unsigned long long)v[1]);
		}
		return 0;
	}
	if (strcmp(f[0], "F") == 0 && n == 4 && num(f[1], &v[0]) == 0 && num(f[2], &v[1]) == 0 &&
	    v[1] >= 0) {
		tlsrpt_alert_set_pos(a, f[3], (unsigned long long)v[0], (unsigned long long)v[1]);
		return 0;
	}
	return -1;
}

/* reset - forget everything but the configuration */
static void reset(struct tlsrpt_alert *a)
{
	struct tlsrpt_alert_conf c = a->c;
	struct tlsrpt_asm *as = a->as; /* no line read yet: nothing in it */

	memset(a, 0, sizeof(*a));
	a->c = c;
	a->as = as;
}

/* tlsrpt_alert_load - read the state file */
int tlsrpt_alert_load(struct tlsrpt_alert *a, const char *path, char *err, size_t errlen)
{
	char line[2048], e[128];
	unsigned long lineno = 0;
	FILE *fp = fopen(path, "re");
	int damaged = 0;

	if (fp == NULL) {
		if (errno == ENOENT) {
			return 0;
		}
		tlsrpt_errbuf_errno(errno, e, sizeof(e));
		tlsrpt_errbuf_set(err, errlen, "state file %s: %s", path, e);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t len = strlen(line);

		lineno++;
		if (len == 0 || line[len - 1] != '\n') {
			tlsrpt_errbuf_set(err, errlen, "state file %s: line %lu truncated", path,
			                  lineno);
			damaged = 1;
			break;
		}
		line[len - 1] = '\0';
		if (lineno == 1 ? strcmp(line, STATE_HEADER) != 0 : load_line(a, line) < 0) {
			tlsrpt_errbuf_set(err, errlen, "state file %s: line %lu damaged", path,
			                  lineno);
			damaged = 1;
			break;
		}
	}
	if (!damaged && lineno == 0) {
		tlsrpt_errbuf_set(err, errlen, "state file %s: empty", path);
		damaged = 1;
	}
	fclose(fp);
	if (damaged) {
		reset(a);
		return 1;
	}
	return 0;
}

/* tlsrpt_alert_save - PATH.tmp, fsync, rename */
int tlsrpt_alert_save(const struct tlsrpt_alert *a, const char *path, char *err, size_t errlen)
{
	char tmp[4096], e[128];
	FILE *fp;
	size_t i;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		tlsrpt_errbuf_set(err, errlen, "state file name too long");
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		tlsrpt_errbuf_errno(errno, e, sizeof(e));
		tlsrpt_errbuf_set(err, errlen, "state file %s: %s", tmp, e);
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	fprintf(fp, "%s\n", STATE_HEADER);
	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		const struct problem *p = &a->prob[i];

		if (p->used) {
			fprintf(fp,
			        "P\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%lld\t%lld\t%lld\t%ld\t%ld\t%ld\t%llu\t%llu\t%s\t%s\n",
			        p->domain, p->ptype, p->rtype, p->mx, p->ip, p->state, p->announced,
			        p->opened, p->last_fail, p->recovered_at, p->first_day, p->last_day,
			        p->recovered_day, p->failed, p->sessions, p->reporters,
			        p->recovered_by);
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS; i++) {
		if (a->rep[i].used) {
			fprintf(fp, "R\t%s\t%s\t%lld\t%d\n", a->rep[i].domain, a->rep[i].id,
			        a->rep[i].last, a->rep[i].announced);
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		const struct domain *d = &a->dom[i];

		if (d->used) {
			fprintf(fp, "D\t%s\t%lld\t%lld\t%d\t%d\n", d->name, d->last, d->since,
			        d->expected, d->announced);
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_FILES; i++) {
		if (a->cur[i].used) {
			fprintf(fp, "F\t%llu\t%llu\t%s\n", a->cur[i].ino, a->cur[i].off,
			        a->cur[i].path);
		}
	}
	for (i = 0; i < a->njudged_new; i++) {
		fprintf(fp, "J\t%llu\t%llu\n", a->judged_new[i].ino, a->judged_new[i].off);
	}
	for (i = 0; i < a->ncarried_new; i++) {
		fprintf(fp, "C\t%llu\t%llu\n", a->carried_new[i].ino, a->carried_new[i].off);
	}
	if (fflush(fp) != 0 || ferror(fp) || fsync(fd) != 0) {
		tlsrpt_errbuf_errno(errno, e, sizeof(e));
		tlsrpt_errbuf_set(err, errlen, "state file %s: %s", tmp, e);
		fclose(fp);
		unlink(tmp);
		return -1;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		tlsrpt_errbuf_errno(errno, e, sizeof(e));
		tlsrpt_errbuf_set(err, errlen, "state file %s: %s", path, e);
		unlink(tmp);
		return -1;
	}
	return 0;
}
