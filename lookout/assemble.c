/*
 * assemble.c - read tlsrpt-milter's log lines back into reports (see assemble.h)
 *
 * Open reports sit in a ring of TLSRPT_ASM_MAX_PENDING slots, searched
 * from the newest (the lines of a report come together, so the match is
 * nearly always among the last few); each slot's report is allocated when
 * it opens and freed when it is handed out.  The duplicate set is an
 * open-addressing table of 128-bit hashes of the key (two 64-bit FNV-1a
 * hashes with different seeds, each finished with a mixer), doubled when
 * half full.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "assemble.h"
#include "calendar.h"
#include "errbuf.h"

struct seen {
	uint64_t a, b;
};

struct slot {
	uint64_t key;    /* hash of host, prefix, report-id */
	uint64_t msg;    /* hash of host, prefix: the message */
	struct seen dup; /* the duplicate key; 0, 0 for a report without a reporter */
	struct tlsrpt_asm_report *r;
};

/* where a counted report was logged, by its duplicate key */
struct counted {
	struct seen k;
	char host[TLSRPT_ASM_WHERE], prefix[TLSRPT_ASM_WHERE];
};

struct tlsrpt_asm {
	tlsrpt_asm_emit_fn emit;
	void *ctx;
	struct slot ring[TLSRPT_ASM_MAX_PENDING];
	size_t head, count;
	struct counted last[TLSRPT_ASM_MAX_PENDING]; /* the last reports handed out whole */
	size_t lasthead;
	struct seen *set;
	size_t setcap, setn;
	struct tlsrpt_asm_stats st;
};

/* fnv - 64-bit FNV-1a over n bytes, continuing from h */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* mix - a 64-bit finaliser (splitmix64) */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* hash_parts - hash of the NUL-separated strings */
static uint64_t hash_parts(uint64_t seed, const char *const *parts, size_t n)
{
	uint64_t h = seed;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = parts[i] != NULL ? parts[i] : "";

		h = fnv(h, p, strlen(p) + 1);
	}
	return mix(h);
}

/* copy - bounded copy, ASCII lower-cased when asked */
static void copy(char *dst, size_t size, const char *src, int lower)
{
	size_t i;

	if (src == NULL) {
		src = "";
	}
	for (i = 0; i + 1 < size && src[i] != '\0'; i++) {
		dst[i] = lower ? tlsrpt_lower(src[i]) : src[i];
	}
	dst[i] = '\0';
}

/* vget_or - a vouched field's value, or dflt when absent or empty */
static const char *vget_or(const struct tlsrpt_logline *ll, const char *key, const char *dflt)
{
	const char *v = tlsrpt_logline_vget(ll, key, NULL);

	return v != NULL && v[0] != '\0' ? v : dflt;
}

/* whole_get - a field's value when the line shows it whole (on a cut line too); else NULL */
static const char *whole_get(const struct tlsrpt_logline *ll, const char *key)
{
	size_t i;

	for (i = 0; i < ll->nfields; i++) {
		if (strcmp(ll->f[i].key, key) == 0) {
			return ll->f[i].whole ? ll->f[i].val : NULL;
		}
	}
	return NULL;
}

/* tlsrpt_asm_new - an empty assembler */
struct tlsrpt_asm *tlsrpt_asm_new(tlsrpt_asm_emit_fn emit, void *ctx, char *err, size_t errlen)
{
	struct tlsrpt_asm *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	a->emit = emit;
	a->ctx = ctx;
	return a;
}

/* seen_insert - add to the duplicate set; 1 when it was there, 0 added, -1 no memory */
static int seen_insert(struct tlsrpt_asm *p, struct seen k)
{
	size_t i;

	if (k.a == 0 && k.b == 0) {
		k.b = 1;
	}
	if ((p->setn + 1) * 2 > p->setcap) {
		size_t ncap = p->setcap ? p->setcap * 2 : 4096, j;
		struct seen *n = calloc(ncap, sizeof(*n));

		if (n == NULL) {
			return -1;
		}
		for (j = 0; j < p->setcap; j++) {
			if (p->set[j].a != 0 || p->set[j].b != 0) {
				size_t h = (size_t)(p->set[j].a & (ncap - 1));

				while (n[h].a != 0 || n[h].b != 0) {
					h = (h + 1) & (ncap - 1);
				}
				n[h] = p->set[j];
			}
		}
		free(p->set);
		p->set = n;
		p->setcap = ncap;
	}
	for (i = (size_t)(k.a & (p->setcap - 1));; i = (i + 1) & (p->setcap - 1)) {
		if (p->set[i].a == 0 && p->set[i].b == 0) {
			p->set[i] = k;
			p->setn++;
			return 0;
		}
		if (p->set[i].a == k.a && p->set[i].b == k.b) {
			return 1;
		}
	}
}

/* line_key - the key that ties a report's lines together (report-id as the line has it) */
static uint64_t line_key(const struct tlsrpt_logline *ll, const char *rid)
{
	const char *parts[3];
	uint64_t k;

	parts[0] = ll->host;
	parts[1] = ll->prefix;
	parts[2] = rid;
	k = hash_parts(0xcbf29ce484222325ULL, parts, 3);
	return k != 0 ? k : 1;
}

/* message_key - the key of a line's message (host and prefix) */
static uint64_t message_key(const struct tlsrpt_logline *ll)
{
	const char *parts[2];

	parts[0] = ll->host;
	parts[1] = ll->prefix;
	return hash_parts(0x9e3779b97f4a7c15ULL, parts, 2);
}

/* at - the ring slot i places back from the newest */
static struct slot *at(struct tlsrpt_asm *a, size_t i)
{
	return &a->ring[(a->head + TLSRPT_ASM_MAX_PENDING - 1 - i) % TLSRPT_ASM_MAX_PENDING];
}

/* find - the newest open report with this key (by_msg: message key); NULL when none */
static struct slot *find(struct tlsrpt_asm *a, uint64_t key, int by_msg)
{
	size_t i;

	for (i = 0; i < a->count; i++) {
		struct slot *s = at(a, i);

		if (s->r != NULL && (by_msg ? s->msg : s->key) == key) {
			return s;
		}
	}
	return NULL;
}

/* report_free - a report and its arrays */
static void report_free(struct tlsrpt_asm_report *r)
{
	if (r != NULL) {
		free(r->pol);
		free(r->fail);
		free(r->det);
		free(r);
	}
}

/* grow - room for one more element of size sz in *v (n used, *cap allocated, max at most) */
static int grow(void **v, size_t n, size_t *cap, size_t sz, size_t max)
{
	size_t ncap;
	void *nv;

	if (n < *cap) {
		return 0;
	}
	if (n >= max) {
		return -1;
	}
	ncap = *cap ? *cap * 2 : 4;
	if (ncap > max) {
		ncap = max;
	}
	if ((nv = realloc(*v, ncap * sz)) == NULL) {
		return -1;
	}
	*v = nv;
	*cap = ncap;
	return 0;
}

/*
 * remember - for a report handed out whole: a duplicate learns where the
 * first copy was logged (while it is among the last ones), a first copy
 * is remembered
 */
static void remember(struct tlsrpt_asm *a, struct seen k, struct tlsrpt_asm_report *r)
{
	struct counted *c;
	size_t i;

	if (r->duplicate) {
		for (i = 0; i < TLSRPT_ASM_MAX_PENDING; i++) {
			c = &a->last[i];
			if (c->k.a == k.a && c->k.b == k.b) {
				r->first_known = 1;
				copy(r->first_host, sizeof(r->first_host), c->host, 0);
				copy(r->first_prefix, sizeof(r->first_prefix), c->prefix, 0);
				return;
			}
		}
		return;
	}
	c = &a->last[a->lasthead];
	a->lasthead = (a->lasthead + 1) % TLSRPT_ASM_MAX_PENDING;
	c->k = k;
	copy(c->host, sizeof(c->host), r->host, 0);
	copy(c->prefix, sizeof(c->prefix), r->prefix, 0);
}

/*
 * hand_out - give a slot's report to the consumer and free the slot.  A
 * report takes its duplicate key only now, when it is known whole: a copy
 * with a cut line never makes the whole copy a duplicate.
 */
static void hand_out(struct tlsrpt_asm *a, struct slot *s)
{
	int rc;

	if (s->r != NULL) {
		struct tlsrpt_asm_report *r = s->r;

		if (r->want_pol >= 0 && r->got_pol != (unsigned long long)r->want_pol) {
			/* a policy line went missing, or came twice (a relay that repeats
			   a line): the figures are not the report's */
			r->cut = 1;
		}
		if (r->got_details < r->want_details) {
			r->details_omitted = 1;
		} else if (r->got_details > r->want_details && r->want_pol >= 0 &&
		           !r->details_unsaid) {
			r->cut = 1; /* more failure lines than the policies have: one came twice */
		}
		if (!s->r->cut && !s->r->malformed && (s->dup.a != 0 || s->dup.b != 0)) {
			rc = seen_insert(a, s->dup);
			s->r->duplicate = rc > 0;
			s->r->limited += rc < 0;
			remember(a, s->dup, r);
		}
		a->emit(a->ctx, s->r);
		report_free(s->r);
		s->r = NULL;
	}
}

/* open_slot - a fresh slot for a report, the oldest handed out when all are taken */
static struct slot *open_slot(struct tlsrpt_asm *a)
{
	struct slot *s = &a->ring[a->head];

	hand_out(a, s);
	a->head = (a->head + 1) % TLSRPT_ASM_MAX_PENDING;
	if (a->count < TLSRPT_ASM_MAX_PENDING) {
		a->count++;
	}
	memset(s, 0, sizeof(*s));
	return s;
}

/* domain_of - the index of a domain in report r, added when new; -1 past the bound */
static long domain_of(struct tlsrpt_asm_report *r, const char *name)
{
	char low[TLSRPT_ASM_NAME];
	size_t i;

	copy(low, sizeof(low), name, 1);
	for (i = 0; i < r->ndom; i++) {
		if (strcmp(r->dom[i].name, low) == 0) {
			return (long)i;
		}
	}
	if (r->ndom >= TLSRPT_ASM_MAX_DOMAINS) {
		return -1;
	}
	memset(&r->dom[r->ndom], 0, sizeof(r->dom[0]));
	memcpy(r->dom[r->ndom].name, low, sizeof(low));
	return (long)r->ndom++;
}

/*
 * set_reporter - the report line's reporter: reporter= with its kind, when
 * the kind is dkim or claimed and reporter= names a host (identity.h);
 * else kind none
 */
static void set_reporter(struct tlsrpt_asm_report *r, const struct tlsrpt_logline *ll)
{
	size_t n;
	const char *who = tlsrpt_logline_vget(ll, "reporter", &n);

	r->kind = TLSRPT_IDENTITY_NONE;
	r->reporter[0] = '\0';
	if (ll->kind == TLSRPT_IDENTITY_NONE || who == NULL ||
	    tlsrpt_identity_norm(who, n, r->reporter) < 0) {
		r->reporter[0] = '\0';
		return;
	}
	r->kind = (enum tlsrpt_identity_kind)ll->kind;
}

/* add_report - a report line opens a report (pos: where it was read, or NULL) */
static void add_report(struct tlsrpt_asm *a, const struct tlsrpt_logline *ll,
                       const unsigned long long *pos)
{
	const char *rid = ll->kind >= 0 ? tlsrpt_logline_vget(ll, "report-id", NULL)
	                                : whole_get(ll, "report-id");
	const char *start = tlsrpt_logline_vget(ll, "start-datetime", NULL);
	struct tlsrpt_asm_report *r;
	struct slot *s;
	uint64_t key;

	if (ll->kind < 0) {
		a->st.cut_lines++;
	}
	if (rid == NULL) {
		/* cut before its report-id was whole: its lines find no report (orphans) */
		a->st.malformed += ll->kind >= 0;
		return;
	}
	key = line_key(ll, rid);
	if ((s = find(a, key, 0)) != NULL) {
		hand_out(a, s); /* the same report again: the open one is complete */
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		a->st.malformed++;
		return;
	}
	s = open_slot(a);
	s->key = key;
	s->msg = message_key(ll);
	s->r = r;
	copy(r->host, sizeof(r->host), ll->host, 0);
	copy(r->prefix, sizeof(r->prefix), ll->prefix, 0);
	copy(r->report_id, sizeof(r->report_id), rid, 0);
	copy(r->org, sizeof(r->org), tlsrpt_logline_get(ll, "organization-name", NULL), 0);
	r->nlines = 1;
	if (pos != NULL) {
		r->has_pos = 1;
		r->ino = pos[0];
		r->off = pos[1];
	}
	r->want_pol = -1;
	if (ll->kind < 0) {
		r->cut = 1; /* nothing on the line is vouched for: not even who sent it */
		return;
	}
	set_reporter(r, ll);
	r->want_pol = tlsrpt_logline_vcount(ll, "policies");
	(void)domain_of(r, vget_or(ll, "policy-domain", "unknown"));
	if (start == NULL || tlsrpt_calendar_day(start, strlen(start), &r->day) < 0) {
		r->malformed = 1;
		return;
	}
	if (r->kind != TLSRPT_IDENTITY_NONE) {
		const char *parts[8];

		/* the same report: same sender, report-id and dates, and the same figures (a
		   copy that says otherwise, a forged "all well" first, never hides the other) */
		parts[0] = tlsrpt_identity_kind_name(r->kind);
		parts[1] = r->reporter;
		parts[2] = rid;
		parts[3] = start;
		parts[4] = vget_or(ll, "end-datetime", "");
		parts[5] = vget_or(ll, "policies", "");
		parts[6] = vget_or(ll, "total-successful-session-count", "");
		parts[7] = vget_or(ll, "total-failure-session-count", "");
		s->dup.a = hash_parts(0xcbf29ce484222325ULL, parts, 8);
		s->dup.b = hash_parts(0x84222325cbf29ce4ULL, parts, 8);
		if (s->dup.a == 0 && s->dup.b == 0) {
			s->dup.b = 1;
		}
	}
}

/* line_domain - the domain of a follower line: its policy-domain, else the report's */
static long line_domain(struct tlsrpt_asm_report *r, const struct tlsrpt_logline *ll)
{
	const char *pd = vget_or(ll, "policy-domain", NULL);

	if (pd == NULL) {
		return r->ndom > 0 ? 0 : domain_of(r, "unknown");
	}
	return domain_of(r, pd);
}

/* add_policy - a policy or policy-omitted line */
static void add_policy(struct tlsrpt_asm *a, struct tlsrpt_asm_report *r,
                       const struct tlsrpt_logline *ll)
{
	long long ok = tlsrpt_logline_vcount(ll, "total-successful-session-count");
	long long fl = tlsrpt_logline_vcount(ll, "total-failure-session-count");
	int omitted = ll->event == TLSRPT_LL_POLICY_OMITTED;
	long long n = tlsrpt_logline_vcount(ll, omitted ? "policies" : "failure-details");
	struct tlsrpt_asm_domain *d;
	struct tlsrpt_asm_policy *p;
	long di;

	if (ok < 0 || fl < 0) {
		a->st.malformed++;
		r->cut = 1; /* a figure of this report cannot be read: it is not whole */
		return;
	}
	/* what came, for the completeness check at the end (even past the bounds below) */
	if (omitted) {
		r->got_pol += n > 0 ? (unsigned long long)n : 1;
	} else {
		r->got_pol++;
		r->want_details += n > 0 ? (unsigned long long)n : 0;
		r->details_unsaid |= n < 0;
	}
	if ((di = line_domain(r, ll)) < 0 || grow((void **)&r->pol, r->npol, &r->cappol,
	                                          sizeof(*r->pol), TLSRPT_ASM_MAX_POLICIES) < 0) {
		r->limited++;
		return;
	}
	d = &r->dom[di];
	if ((unsigned long long)(ok + fl) > d->total) {
		d->total = (unsigned long long)(ok + fl);
	}
	if ((unsigned long long)fl > d->failed) {
		d->failed = (unsigned long long)fl;
	}
	p = &r->pol[r->npol++];
	memset(p, 0, sizeof(*p));
	p->dom = (size_t)di;
	p->ok = (unsigned long long)ok;
	p->failed = (unsigned long long)fl;
	p->omitted = omitted;
	if (omitted) {
		d->omitted = 1;
		copy(p->type, sizeof(p->type), "omitted", 0);
	} else {
		copy(p->type, sizeof(p->type), vget_or(ll, "policy-type", "unknown"), 0);
		/* sts-mode and the fields after it are display text after reporter-kind */
		copy(p->sts_mode, sizeof(p->sts_mode), tlsrpt_logline_get(ll, "sts-mode", NULL), 0);
		copy(p->mx_host, sizeof(p->mx_host), tlsrpt_logline_get(ll, "mx-host", NULL), 0);
		copy(p->sts_mx, sizeof(p->sts_mx), tlsrpt_logline_get(ll, "sts-mx", NULL), 0);
		copy(p->hash, sizeof(p->hash), tlsrpt_logline_get(ll, "policy-hash", NULL), 0);
		p->max_age = tlsrpt_logline_count(ll, "max-age");
	}
}

/* add_detail - one failure line of kind fail, one by one (for the MX join) */
static void add_detail(struct tlsrpt_asm_report *r, size_t fail, const struct tlsrpt_logline *ll,
                       unsigned long long failed)
{
	struct tlsrpt_asm_detail *d;

	if (grow((void **)&r->det, r->ndet, &r->capdet, sizeof(*r->det), TLSRPT_ASM_MAX_DETAILS) <
	    0) {
		r->limited++;
		return;
	}
	d = &r->det[r->ndet++];
	d->fail = fail;
	d->failed = failed;
	copy(d->sending_ip, sizeof(d->sending_ip), vget_or(ll, "sending-mta-ip", ""), 0);
}

/* add_failure - a failure line; the same kind on several lines is summed */
static void add_failure(struct tlsrpt_asm *a, struct tlsrpt_asm_report *r,
                        const struct tlsrpt_logline *ll)
{
	long long n = tlsrpt_logline_vcount(ll, "failed-session-count");
	struct tlsrpt_asm_failure f, *g;
	long di;
	size_t i;

	if (n < 0) {
		a->st.malformed++;
		r->cut = 1;
		return;
	}
	r->got_details++;
	if ((di = line_domain(r, ll)) < 0) {
		r->limited++;
		return;
	}
	memset(&f, 0, sizeof(f));
	f.dom = (size_t)di;
	copy(f.ptype, sizeof(f.ptype), vget_or(ll, "policy-type", ""), 0);
	copy(f.rtype, sizeof(f.rtype), vget_or(ll, "result-type", ""), 0);
	copy(f.mx, sizeof(f.mx), vget_or(ll, "receiving-mx-hostname", ""), 1);
	copy(f.ip, sizeof(f.ip), vget_or(ll, "receiving-ip", ""), 0);
	f.failed = (unsigned long long)n;
	for (i = 0; i < r->nfail; i++) {
		g = &r->fail[i];
		if (g->dom == f.dom && strcmp(g->ptype, f.ptype) == 0 &&
		    strcmp(g->rtype, f.rtype) == 0 && strcmp(g->mx, f.mx) == 0 &&
		    strcmp(g->ip, f.ip) == 0) {
			g->failed += f.failed;
			add_detail(r, i, ll, f.failed);
			return;
		}
	}
	if (grow((void **)&r->fail, r->nfail, &r->capfail, sizeof(*r->fail),
	         TLSRPT_ASM_MAX_FAILURES) < 0) {
		r->limited++;
		return;
	}
	/* the reason code is display text after reporter-kind */
	copy(f.reason, sizeof(f.reason), tlsrpt_logline_get(ll, "failure-reason-code", NULL), 0);
	r->fail[r->nfail++] = f;
	add_detail(r, r->nfail - 1, ll, f.failed);
}

/* mark_message - details of the message (host, prefix) of ll were left out */
static void mark_message(struct tlsrpt_asm *a, const struct tlsrpt_logline *ll)
{
	uint64_t m = message_key(ll);
	size_t i, j;

	for (i = 0; i < a->count; i++) {
		struct slot *s = at(a, i);

		if (s->r != NULL && s->msg == m) {
			s->r->details_omitted = 1;
			for (j = 0; j < s->r->ndom; j++) {
				s->r->dom[j].omitted = 1;
			}
		}
	}
}

/* add_omitted - a failure-omitted line (of one report, or of the message) or report-omitted */
static void add_omitted(struct tlsrpt_asm *a, struct slot *s, const struct tlsrpt_logline *ll,
                        int of_message)
{
	struct tlsrpt_asm_report *r = s->r;

	if (ll->event == TLSRPT_LL_FAILURE_OMITTED) {
		long long n = tlsrpt_logline_vcount(ll, "failed-session-count");
		long di;

		if (n < 0) {
			a->st.malformed++;
			r->cut = 1;
			return;
		}
		if (of_message) {
			mark_message(a, ll);
		} else {
			r->details_omitted = 1;
		}
		{
			long long nd = tlsrpt_logline_vcount(ll, "failure-details");

			if (!of_message && nd > 0) {
				r->got_details += (unsigned long long)nd;
			}
		}
		if ((di = line_domain(r, ll)) >= 0) {
			r->dom[di].omitted = 1;
			r->omitted_failed += (unsigned long long)n;
			r->omitted_dom = (size_t)di;
		}
		return;
	}
	{
		long long n = tlsrpt_logline_vcount(ll, "reports");
		long long ok = tlsrpt_logline_vcount(ll, "total-successful-session-count");
		long long fl = tlsrpt_logline_vcount(ll, "total-failure-session-count");

		if (n < 0 || ok < 0 || fl < 0) {
			a->st.malformed++;
			r->cut = 1;
			return;
		}
		r->has_ro = 1;
		r->ro_reports += (unsigned long long)n;
		r->ro_ok += (unsigned long long)ok;
		r->ro_failed += (unsigned long long)fl;
	}
}

/* end_message - the message's action line: its reports are complete */
static void end_message(struct tlsrpt_asm *a, const struct tlsrpt_logline *ll)
{
	uint64_t m = message_key(ll);
	size_t i;

	for (i = a->count; i-- > 0;) {
		struct slot *s = at(a, i);

		if (s->r != NULL && s->msg == m) {
			s->r->ended = 1;
			hand_out(a, s);
		}
	}
}

/* add - one line, from a file position (pos: inode, offset) or not */
static void add(struct tlsrpt_asm *a, const struct tlsrpt_logline *ll,
                const unsigned long long *pos)
{
	const char *rid;
	struct slot *s;

	switch (ll->event) {
	case TLSRPT_LL_REPORT:
		add_report(a, ll, pos);
		return;
	case TLSRPT_LL_ACTION:
		end_message(a, ll);
		return;
	case TLSRPT_LL_POLICY:
	case TLSRPT_LL_POLICY_OMITTED:
	case TLSRPT_LL_FAILURE:
	case TLSRPT_LL_FAILURE_OMITTED:
	case TLSRPT_LL_REPORT_OMITTED:
		break;
	default:
		return;
	}
	if (ll->kind < 0) {
		/* cut: its report (when the report-id is whole) is not to be counted */
		a->st.cut_lines++;
		rid = whole_get(ll, "report-id");
		if (rid != NULL && (s = find(a, line_key(ll, rid), 0)) != NULL) {
			s->r->cut = 1;
		} else if (tlsrpt_logline_get(ll, "report-id", NULL) == NULL &&
		           (s = find(a, message_key(ll), 1)) != NULL) {
			s->r->cut = 1; /* a per-message line: its newest report */
		}
		return;
	}
	rid = tlsrpt_logline_vget(ll, "report-id", NULL);
	if (rid != NULL) {
		s = find(a, line_key(ll, rid), 0);
	} else if (ll->event == TLSRPT_LL_FAILURE_OMITTED ||
	           ll->event == TLSRPT_LL_REPORT_OMITTED) {
		/* per message, after its reports: the newest report of the same message */
		s = find(a, message_key(ll), 1);
	} else {
		a->st.malformed++;
		return;
	}
	if (s == NULL) {
		a->st.orphans++;
		return;
	}
	s->r->nlines++;
	switch (ll->event) {
	case TLSRPT_LL_FAILURE:
		add_failure(a, s->r, ll);
		break;
	case TLSRPT_LL_FAILURE_OMITTED:
	case TLSRPT_LL_REPORT_OMITTED:
		add_omitted(a, s, ll, rid == NULL);
		break;
	default:
		add_policy(a, s->r, ll);
		break;
	}
}

/* tlsrpt_asm_add - one parsed line */
void tlsrpt_asm_add(struct tlsrpt_asm *a, const struct tlsrpt_logline *ll)
{
	add(a, ll, NULL);
}

/* tlsrpt_asm_add_at - one parsed line read at offset off of the file with inode ino */
void tlsrpt_asm_add_at(struct tlsrpt_asm *a, const struct tlsrpt_logline *ll,
                       unsigned long long ino, unsigned long long off)
{
	unsigned long long pos[2] = {ino, off};

	add(a, ll, pos);
}

/* tlsrpt_asm_flush - every open report, oldest first */
void tlsrpt_asm_flush(struct tlsrpt_asm *a)
{
	size_t i;

	for (i = a->count; i-- > 0;) {
		hand_out(a, at(a, i));
	}
	a->count = 0;
}

/* tlsrpt_asm_stats - the counts of lines that are no report */
const struct tlsrpt_asm_stats *tlsrpt_asm_stats(const struct tlsrpt_asm *a)
{
	return &a->st;
}

/* tlsrpt_asm_free - release */
void tlsrpt_asm_free(struct tlsrpt_asm *a)
{
	size_t i;

	if (a == NULL) {
		return;
	}
	for (i = 0; i < TLSRPT_ASM_MAX_PENDING; i++) {
		report_free(a->ring[i].r);
	}
	free(a->set);
	free(a);
}
