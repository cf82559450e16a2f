/*
 * alert.c - stateful alerts: problem, recovered, silent (see alert.h)
 *
 * The state is a few fixed arrays searched linearly: a site has a handful
 * of domains, reporters and open problems, and a run sees the lines of a
 * few minutes.  Each array holds two pools (alert.h), told apart by a flag
 * of the entry (expected, ours, known) and each with its own count bound;
 * an array is as long as both bounds together, so a pool below its bound
 * always finds a free slot, and only a full pool reuses one of its own.
 * Names read from the log are kept with control characters,
 * tab and comma turned into '?', so the state file stays one entry per
 * line and a reporter list stays comma-separated.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "ascii.h"
#include "assemble.h"
#include "calendar.h"
#include "cursor.h"
#include "errbuf.h"
#include "strcopy.h"
#include "logline.h"

#define PEND_DOMAINS TLSRPT_ASM_MAX_DOMAINS
#define PEND_FAILURES TLSRPT_ASM_MAX_FAILURES
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

/* a report to judge, from the assembler (assemble.h) */
struct pending {
	char reporter[TLSRPT_ALERT_NAME];
	int auth;               /* reporter authenticated by DKIM */
	unsigned long long msg; /* the message: a hash of host and prefix */
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
	struct tlsrpt_asm *as; /* the run's lines into reports */
	long long now;         /* the run's time, for the reports the assembler hands over */
	int flushing;          /* the reports handed over are those still open at the end */
	struct pending e;      /* the report being judged */
	struct tlsrpt_alert_counts counts;
	struct tlsrpt_cursor *cur; /* the caller's, for reports read from files; may be NULL */
	struct tlsrpt_alert_event ev[TLSRPT_ALERT_MAX_EVENTS];
	size_t nev;
	unsigned long long forgotten; /* entries of others forgotten for room since the last run */
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
	case TLSRPT_ALERT_OTHERS:
		return "others";
	}
	return "unknown";
}

/* PUT, PUTLOW - bounded copy with control characters, tab and comma as '?'; lower-cased */
#define PUT(dst, src) TLSRPT_STRCOPY(dst, src, TLSRPT_COPY_FIELD)
#define PUTLOW(dst, src) TLSRPT_STRCOPY(dst, src, TLSRPT_COPY_FIELD | TLSRPT_COPY_LOWER)

static void assembled(void *ctx, const struct tlsrpt_asm_report *r);

/* tlsrpt_alert_new - an empty machine */
struct tlsrpt_alert *tlsrpt_alert_new(const struct tlsrpt_alert_conf *c, struct tlsrpt_cursor *cur,
                                      char *err, size_t errlen)
{
	struct tlsrpt_alert *a = calloc(1, sizeof(*a));

	if (a == NULL || (a->as = tlsrpt_asm_new(assembled, a, err, errlen)) == NULL) {
		free(a);
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

/* dom_find - the entry of a domain; NULL when none */
static struct tlsrpt_alert_domain *dom_find(struct tlsrpt_alert *a, const char *name)
{
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		if (a->dom[i].used && strcmp(a->dom[i].name, name) == 0) {
			return &a->dom[i];
		}
	}
	return NULL;
}

/* ours - 1 when the domain is one of ours */
static int ours(struct tlsrpt_alert *a, const char *domain)
{
	const struct tlsrpt_alert_domain *d = dom_find(a, domain);

	return d != NULL && d->expected;
}

/*
 * POOL_SLOT - into out, a slot for a new entry of one pool of the table tab
 * (n entries of type T): a free one while the pool has fewer than cap
 * entries, else the pool's oldest (by age(), smallest first), which is
 * forgotten and counted in forgot.  in_pool() says whether a used slot is
 * in the pool.  NULL when the pool is empty and full (cap 0).  A macro, as
 * the three tables have three entry types.
 */
#define POOL_SLOT(out, T, tab, n, cap, in_pool, age, forgot)                                       \
	do {                                                                                       \
		T *fr_ = NULL, *old_ = NULL;                                                       \
		size_t i_, cnt_ = 0;                                                               \
                                                                                                   \
		for (i_ = 0; i_ < (n); i_++) {                                                     \
			T *e_ = &(tab)[i_];                                                        \
                                                                                                   \
			if (!e_->used) {                                                           \
				if (fr_ == NULL) {                                                 \
					fr_ = e_;                                                  \
				}                                                                  \
			} else if (in_pool(e_)) {                                                  \
				cnt_++;                                                            \
				if (old_ == NULL || age(e_) < age(old_)) {                         \
					old_ = e_;                                                 \
				}                                                                  \
			}                                                                          \
		}                                                                                  \
		if (cnt_ >= (cap) || fr_ == NULL) {                                                \
			fr_ = old_;                                                                \
			if (fr_ != NULL) {                                                         \
				(forgot)++;                                                        \
			}                                                                          \
		}                                                                                  \
		if (fr_ != NULL) {                                                                 \
			memset(fr_, 0, sizeof(*fr_));                                              \
			fr_->used = 1;                                                             \
		}                                                                                  \
		(out) = fr_;                                                                       \
	} while (0)

#define PROB_OURS(p) ((p)->ours)
#define PROB_OTHER(p) (!(p)->ours)
#define PROB_AGE(p) ((p)->last_fail)
#define REP_KNOWN(r) ((r)->known)
#define REP_OTHER(r) (!(r)->known)
#define REP_AGE(r) ((r)->last)
#define DOM_OURS(d) ((d)->expected)
#define DOM_OTHER(d) (!(d)->expected)
#define DOM_AGE(d) ((d)->last ? (d)->last : (d)->since)

/*
 * prob_new - a fresh problem entry of a domain, in its pool; in a full
 * pool the one failing longest ago is reused
 */
static struct tlsrpt_alert_problem *prob_new(struct tlsrpt_alert *a, const char *domain)
{
	struct tlsrpt_alert_problem *slot_;
	int o = ours(a, domain);
	unsigned long long ignored = 0;

	if (o) {
		POOL_SLOT(slot_, struct tlsrpt_alert_problem, a->prob, TLSRPT_ALERT_MAX_PROBLEMS,
		          TLSRPT_ALERT_MAX_OUR_PROBLEMS, PROB_OURS, PROB_AGE, ignored);
	} else {
		POOL_SLOT(slot_, struct tlsrpt_alert_problem, a->prob, TLSRPT_ALERT_MAX_PROBLEMS,
		          TLSRPT_ALERT_MAX_OTHER_PROBLEMS, PROB_OTHER, PROB_AGE, a->forgotten);
	}
	(void)ignored;
	if (slot_ != NULL) {
		slot_->ours = o;
		PUT(slot_->domain, domain);
	}
	return slot_;
}

/* rep_find - the entry of (domain, reporter, authenticated or not); NULL when none */
static struct tlsrpt_alert_reporter *rep_find(struct tlsrpt_alert *a, const char *domain,
                                              const char *id, int auth)
{
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS; i++) {
		struct tlsrpt_alert_reporter *r = &a->rep[i];

		if (r->used && r->auth == auth && strcmp(r->domain, domain) == 0 &&
		    strcmp(r->id, id) == 0) {
			return r;
		}
	}
	return NULL;
}

/* count_known - entries in the pool of known reporters */
static size_t count_known(const struct tlsrpt_alert *a)
{
	size_t i, n = 0;

	for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS; i++) {
		n += a->rep[i].used && a->rep[i].known;
	}
	return n;
}

/*
 * rep_get - the entry of (domain, reporter, authenticated or not); created
 * when absent: known (an authenticated reporter of ours) while that pool
 * has room, else with the others, where the one heard from longest ago is
 * reused when full
 */
static struct tlsrpt_alert_reporter *rep_get(struct tlsrpt_alert *a, const char *domain,
                                             const char *id, int auth)
{
	struct tlsrpt_alert_reporter *slot_ = rep_find(a, domain, id, auth);
	int o = ours(a, domain), known = 0;
	size_t i;

	if (slot_ != NULL) {
		return slot_;
	}
	if (auth && o && count_known(a) < TLSRPT_ALERT_MAX_KNOWN_REPORTERS) {
		for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS && slot_ == NULL; i++) {
			if (!a->rep[i].used) {
				slot_ = &a->rep[i];
				memset(slot_, 0, sizeof(*slot_));
				slot_->used = 1;
				known = 1;
			}
		}
	}
	if (slot_ == NULL) {
		POOL_SLOT(slot_, struct tlsrpt_alert_reporter, a->rep, TLSRPT_ALERT_MAX_REPORTERS,
		          TLSRPT_ALERT_MAX_OTHER_REPORTERS, REP_OTHER, REP_AGE, a->forgotten);
	}
	assert(slot_ != NULL); /* the table holds both pools full */
	slot_->auth = auth;
	slot_->ours = o;
	slot_->known = known;
	PUT(slot_->domain, domain);
	PUT(slot_->id, id);
	return slot_;
}

/*
 * know - an authenticated reporter with a history (or of ours) moves to
 * the pool of known reporters, while it has room
 */
static void know(struct tlsrpt_alert *a, struct tlsrpt_alert_reporter *r)
{
	if (r->auth && !r->known && (r->history || r->ours) &&
	    count_known(a) < TLSRPT_ALERT_MAX_KNOWN_REPORTERS) {
		r->known = 1;
	}
}

/* dom_get - the entry of a domain; created with the others (the one reported longest ago reused
 * when full) */
static struct tlsrpt_alert_domain *dom_get(struct tlsrpt_alert *a, const char *name, long long now)
{
	struct tlsrpt_alert_domain *slot_ = dom_find(a, name);

	if (slot_ != NULL) {
		return slot_;
	}
	POOL_SLOT(slot_, struct tlsrpt_alert_domain, a->dom, TLSRPT_ALERT_MAX_DOMAINS,
	          TLSRPT_ALERT_MAX_OTHER_DOMAINS, DOM_OTHER, DOM_AGE, a->forgotten);
	assert(slot_ != NULL); /* the table holds both pools full */
	slot_->since = now;
	PUT(slot_->name, name);
	return slot_;
}

/*
 * make_ours - the domain d becomes one of ours (room checked by the
 * caller): so do its problems and its authenticated reporters, while
 * their pools have room
 */
static void make_ours(struct tlsrpt_alert *a, struct tlsrpt_alert_domain *d)
{
	size_t i, nprob = 0, nknown = count_known(a);

	d->expected = 1;
	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		nprob += a->prob[i].used && a->prob[i].ours;
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		struct tlsrpt_alert_problem *p = &a->prob[i];

		if (p->used && !p->ours && nprob < TLSRPT_ALERT_MAX_OUR_PROBLEMS &&
		    strcmp(p->domain, d->name) == 0) {
			p->ours = 1;
			nprob++;
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS; i++) {
		struct tlsrpt_alert_reporter *r = &a->rep[i];

		if (r->used && strcmp(r->domain, d->name) == 0) {
			r->ours = 1;
			if (r->auth && !r->known && nknown < TLSRPT_ALERT_MAX_KNOWN_REPORTERS) {
				r->known = 1;
				nknown++;
			}
		}
	}
}

/* our_domain - the entry of one of our domains, created or moved to our pool; NULL past the bound
 */
static struct tlsrpt_alert_domain *our_domain(struct tlsrpt_alert *a, const char *name,
                                              long long now)
{
	struct tlsrpt_alert_domain *d = dom_find(a, name), *slot_;
	unsigned long long full = 0;
	size_t i, n = 0;

	if (d != NULL && d->expected) {
		return d;
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		n += a->dom[i].used && a->dom[i].expected;
	}
	if (n >= TLSRPT_ALERT_MAX_OURS) {
		return NULL;
	}
	if (d == NULL) {
		POOL_SLOT(slot_, struct tlsrpt_alert_domain, a->dom, TLSRPT_ALERT_MAX_DOMAINS,
		          TLSRPT_ALERT_MAX_OURS, DOM_OURS, DOM_AGE, full);
		if (slot_ == NULL || full > 0) {
			return NULL; /* cannot be: the pool has room */
		}
		d = slot_;
		d->since = now;
		PUT(d->name, name);
	}
	make_ours(a, d);
	return d;
}

/* tlsrpt_alert_expect - one of our domains */
int tlsrpt_alert_expect(struct tlsrpt_alert *a, const char *domain, time_t now)
{
	char low[TLSRPT_ALERT_NAME];

	PUTLOW(low, domain);
	if (low[0] == '\0') {
		return 0;
	}
	return our_domain(a, low, (long long)now) != NULL ? 0 : -1;
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

/* any_authenticated - a name in the reporters' list that is not "claimed:..." */
static int any_authenticated(const char *list)
{
	const char *p = list;

	while (*p != '\0') {
		const char *e = strchr(p, ',');

		if (strncmp(p, "claimed:", 8) != 0 && p[0] != ',') {
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

/* ---------------------------------------------------------------- baseline */

/* base_rank - what a baseline is worth keeping: ours above others, authenticated above claimed */
static int base_rank(struct tlsrpt_alert *a, const char *domain, int auth)
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

/* raise - one failure kind of a judged report above the thresholds (or the baseline) */
static void raise_problem(struct tlsrpt_alert *a, const struct pending *e, const struct pfail *f,
                          const struct pdom *d, long long now, int by_base, unsigned long long bf,
                          unsigned long long bs)
{
	struct tlsrpt_alert_problem *p = prob_find(a, f->domain, f->ptype, f->rtype, f->mx, f->ip);

	if (p != NULL && p->state == P_RECOVERED) {
		if (e->day <= p->recovered_day) {
			return; /* an older report than the one that showed the fix */
		}
		int o = p->ours;

		memset(p, 0, sizeof(*p)); /* failing again after it cleared: a new problem */
		p->used = 1;
		p->ours = o;
	} else if (p != NULL && now - p->last_fail > a->c.window) {
		int o = p->ours;

		memset(p, 0, sizeof(*p)); /* no failure for the whole window: a new problem */
		p->used = 1;
		p->ours = o;
	}
	if (p == NULL && (p = prob_new(a, f->domain)) == NULL) {
		return;
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

/* judge - a complete report: last-seen times, problems, recoveries */
static void judge(struct tlsrpt_alert *a, struct pending *e, long long now)
{
	unsigned long long bf[PEND_DOMAINS], bs[PEND_DOMAINS];
	int spiked[PEND_DOMAINS];
	/* a report whose day ended longer than the window ago (a first run over old logs,
	 * a report from 2016) is history: it raises no problem */
	const int stale = ((long long)e->day + 1) * 86400 <= now - a->c.window;
	/* a report for a day that has not begun (a day of clock skew allowed) is
	   dated by its sender: it raises no problem and recovers none, so one
	   failure dated 2030 cannot keep a problem from every recovery */
	const int future = (long long)e->day * 86400 > now + 86400;
	size_t i, j;

	for (i = 0; i < e->ndom; i++) {
		struct tlsrpt_alert_domain *d = dom_get(a, e->dom[i].name, now);
		struct tlsrpt_alert_reporter *r;

		d->last = now;
		d->announced = 0;
		if (e->reporter[0] != '\0') {
			r = rep_get(a, e->dom[i].name, e->reporter, e->auth);
			if (r->last != 0 && r->last < now && r->msg != e->msg) {
				r->history = 1; /* heard from in an earlier run, in another mail */
			}
			r->last = now;
			r->msg = e->msg;
			r->announced = 0;
			know(a, r);
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
		if (f->failed >= a->c.min_failed && f->failed > 0 && rate >= a->c.min_rate &&
		    !stale && !future) {
			raise_problem(a, e, f, d, now, 0, 0, 0);
		} else if (d != NULL && spiked[at] && f->failed > 0 && !stale && !future) {
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

		if (!p->used || p->state != P_OPEN || e->day <= p->last_day || future ||
		    !in_list(p->reporters, e->reporter)) {
			continue;
		}
		/* a claimed name never recovers what an authenticated reporter saw */
		if (!e->auth && any_authenticated(p->reporters)) {
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
}

/* msg_hash - 64-bit FNV-1a of host, NUL, prefix: which message a report came in */
static unsigned long long msg_hash(const char *host, const char *prefix)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	const char *parts[2] = {host, prefix};
	size_t i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; parts[i][j] != '\0'; j++) {
			h = (h ^ (unsigned char)parts[i][j]) * 0x100000001b3ULL;
		}
		h *= 0x100000001b3ULL; /* the NUL */
	}
	return h;
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
 * message may have been cut by the run; the cursor moves that file's
 * position back to its report line) unless it was left once already.
 */
static void assembled(void *ctx, const struct tlsrpt_asm_report *r)
{
	struct tlsrpt_alert *a = ctx;
	struct pending *e = &a->e;
	int from_file = r->has_pos && a->cur != NULL;
	size_t i;

	if (from_file && tlsrpt_cursor_seen(a->cur, r->ino, r->off)) {
		return; /* read again after the position moved back: judged last run */
	}
	/* before the cut check: a run that ends between a report's line and its
	   policy lines sees fewer policy lines than the report has, as if cut */
	if (a->flushing && !r->ended && from_file &&
	    !tlsrpt_cursor_carried_before(a->cur, r->ino, r->off)) {
		tlsrpt_cursor_carry(a->cur, r->ino, r->off);
		return;
	}
	if (r->cut || r->malformed || r->duplicate) {
		a->counts.cut += r->cut != 0;
		a->counts.duplicates += !r->cut && !r->malformed && r->duplicate;
		return;
	}
	memset(e, 0, sizeof(*e));
	reporter_name(r, e->reporter, sizeof(e->reporter));
	e->auth = r->kind == TLSRPT_IDENTITY_DKIM;
	e->msg = msg_hash(r->host, r->prefix);
	e->day = r->day;
	e->has_pos = from_file;
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
	struct tlsrpt_alert_problem *p;

	PUTLOW(dom, get_or(ll, "policy-domain", ""));
	if (strcmp(ll->word, "silent") == 0) {
		const char *who = get_or(ll, "reporter", "");

		if (who[0] != '\0') {
			char id[TLSRPT_ALERT_NAME];

			struct tlsrpt_alert_reporter *r[2];
			int k;

			PUTLOW(id, who);
			/* the line does not say which of the two it was: both are announced */
			r[0] = rep_find(a, dom, id, 1);
			r[1] = rep_find(a, dom, id, 0);
			if (r[0] == NULL && r[1] == NULL) {
				r[1] = rep_get(a, dom, id, 0);
			}
			for (k = 0; k < 2; k++) {
				if (r[k] != NULL) {
					if (r[k]->last == 0) {
						r[k]->last = now;
					}
					r[k]->announced = 1;
				}
			}
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
		if (p == NULL && (p = prob_new(a, dom)) != NULL) {
			PUT(p->ptype, pt);
			PUT(p->rtype, rt);
			PUT(p->mx, mx);
			PUT(p->ip, ip);
			PUT(p->reporters, get_or(ll, "reporters", ""));
			p->opened = p->last_fail = now;
			p->first_day = p->last_day = (long)(now / 86400);
		}
		if (p != NULL) {
			p->announced |= ANN_PROBLEM;
		}
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
		/* only the ALERT prefix is ours; the caller passes only lines of verified origin */
		if (ll->word != NULL && ll->prefix != NULL && strcmp(ll->prefix, "ALERT") == 0 &&
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

/* event - a new event slot; NULL when the run has its maximum (the last place is the summary's) */
static struct tlsrpt_alert_event *event(struct tlsrpt_alert *a, enum tlsrpt_alert_kind k,
                                        const char *domain)
{
	struct tlsrpt_alert_event *ev;

	if (a->nev + 1 >= TLSRPT_ALERT_MAX_EVENTS) {
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
 * the events of one run about others: one by one while the budget lasts,
 * then summed up in the `others` event
 */
struct others {
	int budget;
	unsigned long long problems, recovered, silent;
	char examples[TLSRPT_ALERT_LIST];
	size_t nexamples;
};

/* summed - one event about others summed up: counted, its domain an example */
static void summed(struct others *o, enum tlsrpt_alert_kind k, const char *domain)
{
	*(k == TLSRPT_ALERT_PROBLEM     ? &o->problems
	  : k == TLSRPT_ALERT_RECOVERED ? &o->recovered
	                                : &o->silent) += 1;
	if (o->nexamples < TLSRPT_ALERT_EXAMPLES && !in_list(o->examples, domain)) {
		list_add(o->examples, sizeof(o->examples), domain);
		o->nexamples++;
	}
}

/* prob_events - the problem and recovered events due for p; o NULL: one of ours */
static void prob_events(struct tlsrpt_alert *a, struct tlsrpt_alert_problem *p, struct others *o)
{
	static const enum tlsrpt_alert_kind kinds[2] = {TLSRPT_ALERT_PROBLEM,
	                                                TLSRPT_ALERT_RECOVERED};
	static const int bits[2] = {ANN_PROBLEM, ANN_RECOVERED};
	int k;

	for (k = 0; k < 2; k++) {
		if ((p->announced & bits[k]) || (k == 1 && p->state != P_RECOVERED)) {
			continue;
		}
		if (o == NULL || o->budget > 0) {
			if (prob_event(a, p, kinds[k]) < 0) {
				return; /* no room this run: both wait for the next */
			}
			if (o != NULL) {
				o->budget--;
			}
		} else {
			summed(o, kinds[k], p->domain);
		}
		p->announced |= bits[k];
	}
}

/* silent_event - a silent event (reporter id, or "" for the domain); o NULL: of ours */
static int silent_event(struct tlsrpt_alert *a, const char *domain, const char *id, long long last,
                        struct others *o)
{
	struct tlsrpt_alert_event *ev;

	if (o != NULL && o->budget <= 0) {
		summed(o, TLSRPT_ALERT_SILENT, domain);
		return 0;
	}
	if ((ev = event(a, TLSRPT_ALERT_SILENT, domain)) == NULL) {
		return -1;
	}
	PUT(ev->reporters, id);
	ev->last = (long)last;
	if (o != NULL) {
		o->budget--;
	}
	return 0;
}

/* events - the events due, of ours (mine 1) or of others (mine 0, o) */
static void events(struct tlsrpt_alert *a, long long t, int mine, struct others *o)
{
	size_t i;

	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		struct tlsrpt_alert_problem *p = &a->prob[i];

		if (p->used && p->ours == mine) {
			prob_events(a, p, mine ? NULL : o);
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS; i++) {
		struct tlsrpt_alert_reporter *r = &a->rep[i];

		/* one by one only a known reporter's (alert.h): a claimed name of
		   ours, which any mail can bring, is summed up with the others */
		if (r->used && (r->known != 0) == mine && !r->announced &&
		    t - r->last >= a->c.silent_after &&
		    silent_event(a, r->domain, r->id, r->last, mine ? NULL : o) == 0) {
			r->announced = 1;
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		struct tlsrpt_alert_domain *d = &a->dom[i];
		long long since = d->last != 0 ? d->last : d->since;

		if (d->used && d->expected == mine && !d->announced &&
		    t - since >= a->c.silent_after &&
		    silent_event(a, d->name, "", d->last, mine ? NULL : o) == 0) {
			d->announced = 1;
		}
	}
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
	a->now = t;
	a->flushing = 1;
	tlsrpt_asm_flush(a->as);
	a->flushing = 0;
}

/* tlsrpt_alert_finish - judge, expire, and collect the run's events: ours first */
const struct tlsrpt_alert_event *tlsrpt_alert_finish(struct tlsrpt_alert *a, time_t now, size_t *n)
{
	long long t = (long long)now;
	struct others o;
	size_t i, nours = 0;

	a->nev = 0;
	finish_pending(a, t);
	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		struct tlsrpt_alert_problem *p = &a->prob[i];
		long long last = p->last_fail > p->recovered_at ? p->last_fail : p->recovered_at;

		if (p->used && t - last > a->c.window) {
			memset(p, 0, sizeof(*p));
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		nours += a->dom[i].used && a->dom[i].expected;
	}
	memset(&o, 0, sizeof(o));
	o.budget = nours > 0 ? 0 : TLSRPT_ALERT_MAX_OTHER_EVENTS;
	events(a, t, 1, NULL);
	events(a, t, 0, &o);
	if (o.problems + o.recovered + o.silent + a->forgotten > 0) {
		struct tlsrpt_alert_event *ev = &a->ev[a->nev++]; /* the place kept for it */

		memset(ev, 0, sizeof(*ev));
		ev->kind = TLSRPT_ALERT_OTHERS;
		memcpy(ev->reporters, o.examples, sizeof(ev->reporters));
		ev->problems = o.problems;
		ev->recovered = o.recovered;
		ev->silent = o.silent;
		ev->forgotten = a->forgotten;
		a->forgotten = 0;
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
	char dom[TLSRPT_ALERT_NAME];
	struct tlsrpt_alert_problem *p;

	PUT(dom, r->domain);
	if ((p = prob_new(a, dom)) == NULL) {
		return;
	}
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
	char dom[TLSRPT_ALERT_NAME], id[TLSRPT_ALERT_NAME];
	struct tlsrpt_alert_reporter *e;

	PUT(dom, r->domain);
	PUT(id, r->id);
	e = rep_get(a, dom, id, r->auth != 0);
	e->last = r->last;
	e->announced = r->announced != 0;
	e->history = r->history != 0;
	e->msg = r->msg;
	know(a, e);
}

/*
 * tlsrpt_alert_restore_domain - a domain read back: one of ours when it
 * was expected (its reporters and problems, read before it, follow it)
 */
void tlsrpt_alert_restore_domain(struct tlsrpt_alert *a, const struct tlsrpt_alert_domain *r)
{
	char name[TLSRPT_ALERT_NAME];
	struct tlsrpt_alert_domain *d = NULL;

	PUT(name, r->name);
	if (r->expected) {
		d = our_domain(a, name, r->since);
	}
	if (d == NULL) {
		d = dom_get(a, name, r->since);
	}
	d->last = r->last;
	d->since = r->since;
	d->announced = r->announced != 0;
}
