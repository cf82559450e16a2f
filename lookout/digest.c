/*
 * digest.c - aggregate tlsrpt-milter log lines per policy domain and day
 *
 * Pending reports live in a ring of TLSRPT_LOOKOUT_MAX_PENDING entries,
 * searched from the newest: the lines of one report are logged together,
 * so the match is nearly always among the last few.  Per-domain figures
 * are kept up to date line by line: when a policy line raises a report's
 * maximum for a domain, the difference is added, so nothing waits for a
 * report's end (which the log does not mark).
 *
 * The duplicate set is an open-addressing table of 128-bit hashes of the
 * key (two 64-bit FNV-1a hashes with different seeds, each finished with
 * a mixer), doubled when half full.
 */
#include "config.h" /* _GNU_SOURCE: memmem, memrchr */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "calendar.h"
#include "digest.h"
#include "errbuf.h"
#include "mxseen.h"
#include "strcopy.h"

#define PENDING_DOMAINS 4

struct pend_dom {
	size_t dom; /* index in d->dom */
	unsigned long long total, failed;
};

struct seen {
	uint64_t a, b;
};

struct pending {
	uint64_t key;                    /* hash of host, prefix, report-id; 0 = free */
	uint64_t msg;                    /* hash of host, prefix: the message */
	int skip;                        /* duplicate, outside the period or over a limit */
	long dup;                        /* index in d->dup when a kept duplicate, else -1 */
	struct seen seen;                /* the duplicate key once counted, else zero */
	char host[TLSRPT_LOOKOUT_WHERE]; /* where it was logged, for a duplicate's note */
	char qid[TLSRPT_LOOKOUT_WHERE];
	long day;
	size_t dom; /* the report's domain */
	char rep[TLSRPT_LOOKOUT_NAME];
	int auth; /* rep is the domain DKIM authenticated (else claimed) */
	struct pend_dom pd[PENDING_DOMAINS];
	size_t npd;
};

struct tlsrpt_digest_priv {
	struct pending ring[TLSRPT_LOOKOUT_MAX_PENDING];
	size_t head, count;
	struct seen *set;
	size_t setcap, setn;
	int turned_away; /* the last domain_get turned a name away: the other pool is full */
	/* hashes of the names turned away (0 = free), to count them once */
	uint64_t left[2 * TLSRPT_LOOKOUT_LEFT_OUT_NAMES];
	size_t nleft;
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

/* tlsrpt_digest_new - an empty digest */
struct tlsrpt_digest *tlsrpt_digest_new(long first_day, long last_day, char *err, size_t errlen)
{
	struct tlsrpt_digest *d;

	if (last_day < first_day || last_day - first_day + 1 > TLSRPT_LOOKOUT_MAX_DAYS) {
		tlsrpt_errbuf_set(err, errlen, "period of %ld days: must be 1 to %d",
		                  last_day - first_day + 1, TLSRPT_LOOKOUT_MAX_DAYS);
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->priv = calloc(1, sizeof(*d->priv))) == NULL) {
		free(d);
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	d->first_day = first_day;
	d->last_day = last_day;
	d->ndays = (size_t)(last_day - first_day + 1);
	tlsrpt_inventory_init(&d->inv, 7);
	return d;
}

/* mxhost_find - our MX host of this lower-case name, NULL when it is none */
static struct tlsrpt_digest_mxhost *mxhost_find(struct tlsrpt_digest *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nourmx; i++) {
		if (strcmp(d->ourmx[i].name, name) == 0) {
			return &d->ourmx[i];
		}
	}
	return NULL;
}

/* left_out_name - count a name turned away by the full pool of others, once */
static void left_out_name(struct tlsrpt_digest *d, const char *low)
{
	struct tlsrpt_digest_priv *p = d->priv;
	const char *parts[1] = {low};
	uint64_t h = hash_parts(0x6a09e667f3bcc909ULL, parts, 1);
	size_t cap = sizeof(p->left) / sizeof(p->left[0]), i;

	if (h == 0) {
		h = 1;
	}
	if (p->nleft >= TLSRPT_LOOKOUT_LEFT_OUT_NAMES) {
		d->st.left_out.names++; /* past what is remembered: at least this many */
		return;
	}
	for (i = (size_t)(h & (cap - 1)); p->left[i] != 0; i = (i + 1) & (cap - 1)) {
		if (p->left[i] == h) {
			return;
		}
	}
	p->left[i] = h;
	p->nleft++;
	d->st.left_out.names++;
}

/*
 * domain_get - the domain's entry, created when new (in our pool when
 * ours, else in the pool of others); NULL past the limit, with
 * priv->turned_away set when the pool of others was full
 */
static struct tlsrpt_digest_domain *domain_get(struct tlsrpt_digest *d, const char *name,
                                               size_t *idx, int ours)
{
	char low[TLSRPT_LOOKOUT_NAME];
	struct tlsrpt_digest_domain *dom;
	size_t i;

	d->priv->turned_away = 0;
	TLSRPT_STRCOPY(low, name, TLSRPT_COPY_LOWER);
	ours |= mxhost_find(d, low) != NULL; /* our MX hosts are ours, never crowded out */
	for (i = 0; i < d->ndom; i++) {
		if (strcmp(d->dom[i]->name, low) == 0) {
			if (ours && !d->dom[i]->expected) {
				if (d->nours >= TLSRPT_LOOKOUT_MAX_OURS) {
					return NULL;
				}
				d->dom[i]->expected = 1; /* named after lines of it came */
				d->nothers--;
				d->nours++;
			}
			*idx = i;
			return d->dom[i];
		}
	}
	if (ours ? d->nours >= TLSRPT_LOOKOUT_MAX_OURS : d->nothers >= TLSRPT_LOOKOUT_MAX_OTHERS) {
		d->st.limited++;
		if (!ours) {
			d->priv->turned_away = 1;
			left_out_name(d, low);
		}
		return NULL;
	}
	if ((dom = calloc(1, sizeof(*dom))) == NULL) {
		d->st.limited++;
		return NULL;
	}
	if ((dom->days = calloc(d->ndays, sizeof(*dom->days))) == NULL) {
		free(dom);
		d->st.limited++;
		return NULL;
	}
	TLSRPT_STRCOPY(dom->name, low, 0);
	dom->first_day = dom->last_day = -1;
	dom->expected = ours;
	*(ours ? &d->nours : &d->nothers) += 1;
	dom->mxhost = mxhost_find(d, low) != NULL;
	*idx = d->ndom;
	d->dom[d->ndom++] = dom;
	return dom;
}

/* tlsrpt_digest_expect - one of our domains */
int tlsrpt_digest_expect(struct tlsrpt_digest *d, const char *domain)
{
	size_t idx;

	return domain_get(d, domain, &idx, 1) != NULL ? 0 : -1;
}

/* tlsrpt_digest_mxhost - one of our MX hosts */
int tlsrpt_digest_mxhost(struct tlsrpt_digest *d, const char *host)
{
	char low[TLSRPT_LOOKOUT_NAME];
	struct tlsrpt_digest_mxhost *m;
	size_t i;

	TLSRPT_STRCOPY(low, host, TLSRPT_COPY_LOWER);
	if (mxhost_find(d, low) != NULL) {
		return 0;
	}
	if (d->nourmx >= TLSRPT_LOOKOUT_MAX_MXHOSTS) {
		d->st.limited++;
		return -1;
	}
	m = &d->ourmx[d->nourmx++];
	memset(m, 0, sizeof(*m));
	TLSRPT_STRCOPY(m->name, low, 0);
	for (i = 0; i < d->ndom; i++) {
		if (strcmp(d->dom[i]->name, low) == 0) {
			d->dom[i]->mxhost = 1;
		}
	}
	return 0;
}

/* tlsrpt_digest_mxhost_domain - the domain entry of MX host m */
const struct tlsrpt_digest_domain *tlsrpt_digest_mxhost_domain(const struct tlsrpt_digest *d,
                                                               const struct tlsrpt_digest_mxhost *m)
{
	size_t i;

	for (i = 0; i < d->ndom; i++) {
		if (strcmp(d->dom[i]->name, m->name) == 0) {
			return d->dom[i];
		}
	}
	return NULL;
}

/* mention - domain named MX host m: its entry, created when new; NULL past the limit */
static struct tlsrpt_digest_mention *mention(struct tlsrpt_digest_mxhost *m, const char *domain)
{
	struct tlsrpt_digest_mention *x;
	size_t i;

	for (i = 0; i < m->nby; i++) {
		if (strcmp(m->by[i].domain, domain) == 0) {
			return &m->by[i];
		}
	}
	if (m->nby >= TLSRPT_LOOKOUT_MAX_MENTIONS) {
		m->by_more++;
		return NULL;
	}
	x = &m->by[m->nby++];
	memset(x, 0, sizeof(*x));
	TLSRPT_STRCOPY(x->domain, domain, 0);
	return x;
}

/*
 * pattern_names - does the MTA-STS mx pattern p (len bytes) name host:
 * equal, or "*." and the host with its first label removed (RFC 8461 3.4)?
 */
static int pattern_names(const char *p, size_t len, const char *host)
{
	const char *dot;

	if (len > 0 && p[len - 1] == '.') {
		len--;
	}
	if (len == strlen(host) && strncasecmp(p, host, len) == 0) {
		return 1;
	}
	dot = strchr(host, '.');
	return len > 2 && p[0] == '*' && p[1] == '.' && dot != NULL && len - 1 == strlen(dot) &&
	       strncasecmp(p + 1, dot, len - 1) == 0;
}

/* mx_mentions - the policy line's mx-host list names some of our MX hosts */
static void mx_mentions(struct tlsrpt_digest *d, const struct tlsrpt_logline *ll,
                        const struct tlsrpt_digest_domain *dom)
{
	const char *v = tlsrpt_logline_get(ll, "mx-host", NULL), *p;
	size_t i, len;

	if (v == NULL || dom->mxhost) {
		return;
	}
	for (i = 0; i < d->nourmx; i++) {
		for (p = v; *p != '\0'; p += len + (p[len] == ',')) {
			struct tlsrpt_digest_mention *x;

			len = strcspn(p, ",");
			if (pattern_names(p, len, d->ourmx[i].name) &&
			    (x = mention(&d->ourmx[i], dom->name)) != NULL) {
				x->in_mx = 1;
				break;
			}
		}
	}
}

/*
 * reporter_get - the index in dom of the reporter of report e, created
 * when new; -1 past the limit: TLSRPT_LOOKOUT_MAX_REPORTERS in all, of
 * them at most TLSRPT_LOOKOUT_MAX_CLAIMED not authenticated by DKIM (so
 * claimed names, which anyone can send, never take the places of
 * authenticated ones)
 */
static long reporter_get(struct tlsrpt_digest *d, struct tlsrpt_digest_domain *dom,
                         const struct pending *e)
{
	const char *id = e->rep;
	size_t i, claimed = 0;

	for (i = 0; i < dom->nrep; i++) {
		if (strcmp(dom->rep[i].id, id) == 0) {
			return (long)i;
		}
		claimed += !dom->rep[i].dkim;
	}
	if (dom->nrep >= TLSRPT_LOOKOUT_MAX_REPORTERS ||
	    (!e->auth && claimed >= TLSRPT_LOOKOUT_MAX_CLAIMED)) {
		d->st.limited++;
		return -1;
	}
	memset(&dom->rep[i], 0, sizeof(dom->rep[i]));
	TLSRPT_STRCOPY(dom->rep[i].id, id, 0);
	dom->rep[i].first_day = dom->rep[i].last_day = -1;
	dom->nrep++;
	return (long)i;
}

/* seen_insert - add to the duplicate set; 1 when it was there, 0 added, -1 no memory */
static int seen_insert(struct tlsrpt_digest_priv *p, struct seen k)
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

/* pending_key - the key that ties a report's lines together */
static uint64_t pending_key(const struct tlsrpt_logline *ll)
{
	const char *parts[3];
	uint64_t k;

	parts[0] = ll->host;
	parts[1] = ll->prefix;
	parts[2] = tlsrpt_logline_get(ll, "report-id", NULL);
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

/* pending_find - the newest pending report with this key (by_msg: message key), NULL when none */
static struct pending *pending_find(struct tlsrpt_digest_priv *p, uint64_t key, int by_msg)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		size_t at =
		        (p->head + TLSRPT_LOOKOUT_MAX_PENDING - 1 - i) % TLSRPT_LOOKOUT_MAX_PENDING;

		if ((by_msg ? p->ring[at].msg : p->ring[at].key) == key) {
			return &p->ring[at];
		}
	}
	return NULL;
}

/* pending_new - a fresh entry, the oldest forgotten when full */
static struct pending *pending_new(struct tlsrpt_digest_priv *p, uint64_t key)
{
	struct pending *e = &p->ring[p->head];

	p->head = (p->head + 1) % TLSRPT_LOOKOUT_MAX_PENDING;
	if (p->count < TLSRPT_LOOKOUT_MAX_PENDING) {
		p->count++;
	}
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->dup = -1;
	return e;
}

/* get_or - a field's value or a default */
static const char *get_or(const struct tlsrpt_logline *ll, const char *key, const char *dflt)
{
	const char *v = tlsrpt_logline_get(ll, key, NULL);

	return v != NULL && v[0] != '\0' ? v : dflt;
}

/* counted_copy - the pending report counted under key k, NULL when no longer pending */
static struct pending *counted_copy(struct tlsrpt_digest_priv *p, struct seen k)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		struct pending *e = &p->ring[(p->head + TLSRPT_LOOKOUT_MAX_PENDING - 1 - i) %
		                             TLSRPT_LOOKOUT_MAX_PENDING];

		if (!e->skip && e->seen.a == k.a && e->seen.b == k.b) {
			return e;
		}
	}
	return NULL;
}

/* note_duplicate - keep what a person needs to recognise a duplicate, while there is room */
static void note_duplicate(struct tlsrpt_digest *d, struct pending *e, struct seen k,
                           const char *rid, const char *domain)
{
	struct tlsrpt_digest_dup *x;
	struct pending *first;

	if (d->ndup >= TLSRPT_LOOKOUT_MAX_DUPS) {
		return;
	}
	e->dup = (long)d->ndup;
	x = &d->dup[d->ndup++];
	memset(x, 0, sizeof(*x));
	TLSRPT_STRCOPY(x->reporter, e->rep, 0);
	TLSRPT_STRCOPY(x->report_id, rid, 0);
	TLSRPT_STRCOPY(x->domain, domain, TLSRPT_COPY_LOWER);
	x->day = e->day;
	TLSRPT_STRCOPY(x->host, e->host, 0);
	TLSRPT_STRCOPY(x->qid, e->qid, 0);
	if ((first = counted_copy(d->priv, k)) != NULL) {
		x->first_known = 1;
		TLSRPT_STRCOPY(x->first_host, first->host, 0);
		TLSRPT_STRCOPY(x->first_qid, first->qid, 0);
	}
}

/* add_report - a report line */
static void add_report(struct tlsrpt_digest *d, const struct tlsrpt_logline *ll)
{
	struct tlsrpt_digest_priv *p = d->priv;
	const char *rid = tlsrpt_logline_get(ll, "report-id", NULL);
	const char *start = tlsrpt_logline_get(ll, "start-datetime", NULL);
	const char *dkim = get_or(ll, "dkim", ""), *id, *parts[4];
	struct pending *e;
	struct tlsrpt_digest_domain *dom;
	struct tlsrpt_digest_reporter *r;
	struct seen k;
	long day, ri;
	int s;

	if (rid == NULL || start == NULL || tlsrpt_calendar_day(start, strlen(start), &day) < 0) {
		d->st.malformed++;
		return;
	}
	e = pending_new(p, pending_key(ll));
	e->msg = message_key(ll);
	e->skip = 1;
	e->day = day;
	TLSRPT_STRCOPY(e->host, ll->host != NULL ? ll->host : "", 0);
	TLSRPT_STRCOPY(e->qid, ll->prefix != NULL ? ll->prefix : "", 0);
	id = strcmp(dkim, "pass") == 0 ? get_or(ll, "dkim-domain", NULL) : NULL;
	if (id == NULL) {
		id = get_or(ll, "submitter", get_or(ll, "organization-name", "unknown"));
	}
	TLSRPT_STRCOPY(e->rep, id, TLSRPT_COPY_LOWER);
	e->auth = strcmp(dkim, "pass") == 0 && get_or(ll, "dkim-domain", NULL) != NULL;
	if (day > d->last_day) {
		/* after the period (--today in the past): as if not received yet, no entry at all
		 */
		d->st.outside++;
		return;
	}
	if ((dom = domain_get(d, get_or(ll, "policy-domain", "unknown"), &e->dom, 0)) == NULL) {
		if (d->priv->turned_away && day >= d->first_day && day <= d->last_day) {
			long long fl = tlsrpt_logline_count(ll, "total-failure-session-count");

			d->st.left_out.reports++;
			d->st.left_out.failed += fl > 0 ? (unsigned long long)fl : 0;
		}
		return;
	}
	if (dom->first_day < 0 || day < dom->first_day) {
		dom->first_day = day;
	}
	if (day > dom->last_day) {
		dom->last_day = day;
	}
	ri = reporter_get(d, dom, e);
	r = ri >= 0 ? &dom->rep[ri] : NULL;
	if (r == NULL && day >= d->first_day && day <= d->last_day) {
		dom->reports_unlisted++; /* counted for the domain, its reporter not listed */
	}
	if (r != NULL) {
		TLSRPT_STRCOPY(r->org, get_or(ll, "organization-name", ""), 0);
		if (strcmp(dkim, "pass") == 0) {
			r->dkim = 1;
		}
		if (r->first_day < 0 || day < r->first_day) {
			r->first_day = day;
		}
		if (day > r->last_day) {
			r->last_day = day;
		}
	}
	if (day < d->first_day || day > d->last_day) {
		d->st.outside++;
		return;
	}
	parts[0] = e->rep;
	parts[1] = rid;
	parts[2] = start;
	parts[3] = get_or(ll, "end-datetime", "");
	k.a = hash_parts(0xcbf29ce484222325ULL, parts, 4);
	k.b = hash_parts(0x84222325cbf29ce4ULL, parts, 4);
	if ((s = seen_insert(p, k)) != 0) {
		if (s > 0) {
			d->st.duplicates++;
			note_duplicate(d, e, k, rid, get_or(ll, "policy-domain", "unknown"));
		} else {
			d->st.limited++;
		}
		return;
	}
	e->skip = 0;
	e->seen = k;
	d->st.reports++;
	dom->reports++;
	if (r != NULL) {
		r->reports++;
	}
}

/* policy_get - the per-type entry, NULL past the limit */
static struct tlsrpt_digest_policy *policy_get(struct tlsrpt_digest *d,
                                               struct tlsrpt_digest_domain *dom, const char *type)
{
	size_t i;

	for (i = 0; i < dom->npol; i++) {
		if (strcmp(dom->pol[i].type, type) == 0) {
			return &dom->pol[i];
		}
	}
	if (dom->npol >= TLSRPT_LOOKOUT_MAX_POLICIES) {
		d->st.limited++;
		return NULL;
	}
	memset(&dom->pol[i], 0, sizeof(dom->pol[i]));
	TLSRPT_STRCOPY(dom->pol[i].type, type, 0);
	dom->pol[i].sts_day = -1;
	dom->npol++;
	return &dom->pol[i];
}

/* line_domain - the line's policy-domain (or the report's) and its entry */
static struct tlsrpt_digest_domain *line_domain(struct tlsrpt_digest *d,
                                                const struct tlsrpt_logline *ll,
                                                const struct pending *e, size_t *idx)
{
	const char *pd = tlsrpt_logline_get(ll, "policy-domain", NULL);

	if (pd == NULL || pd[0] == '\0') {
		*idx = e->dom;
		return d->dom[e->dom];
	}
	return domain_get(d, pd, idx, 0);
}

/*
 * also_reported - a report whose report line names another domain lists
 * policies of dom too: the report counts for dom, from the same reporter
 * (so dom is not "without report" while it has sessions)
 */
static void also_reported(struct tlsrpt_digest *d, struct tlsrpt_digest_domain *dom,
                          const struct pending *e)
{
	struct tlsrpt_digest_domain *home = d->dom[e->dom];
	long ri, hi;

	if (dom->first_day < 0 || e->day < dom->first_day) {
		dom->first_day = e->day;
	}
	if (e->day > dom->last_day) {
		dom->last_day = e->day;
	}
	dom->reports++;
	if ((ri = reporter_get(d, dom, e)) < 0) {
		return;
	}
	if (dom->rep[ri].org[0] == '\0' && (hi = reporter_get(d, home, e)) >= 0) {
		TLSRPT_STRCOPY(dom->rep[ri].org, home->rep[hi].org, 0);
		dom->rep[ri].dkim = home->rep[hi].dkim;
	}
	if (dom->rep[ri].first_day < 0 || e->day < dom->rep[ri].first_day) {
		dom->rep[ri].first_day = e->day;
	}
	if (e->day > dom->rep[ri].last_day) {
		dom->rep[ri].last_day = e->day;
	}
	dom->rep[ri].reports++;
}

/* pending_has - 1 when the line's policy domain is one the report already counts */
static int pending_has(const struct tlsrpt_digest *d, const struct pending *e,
                       const struct tlsrpt_logline *ll)
{
	const char *pd = tlsrpt_logline_get(ll, "policy-domain", NULL);
	char low[TLSRPT_LOOKOUT_NAME];
	size_t i;

	if (pd == NULL || pd[0] == '\0') {
		return 1; /* the report's own domain */
	}
	TLSRPT_STRCOPY(low, pd, TLSRPT_COPY_LOWER);
	for (i = 0; i < e->npd; i++) {
		if (strcmp(d->dom[e->pd[i].dom]->name, low) == 0) {
			return 1;
		}
	}
	return 0;
}

/* add_policy - a policy or policy-omitted line */
static void add_policy(struct tlsrpt_digest *d, const struct tlsrpt_logline *ll, struct pending *e)
{
	long long ok = tlsrpt_logline_count(ll, "total-successful-session-count");
	long long fl = tlsrpt_logline_count(ll, "total-failure-session-count");
	struct tlsrpt_digest_domain *dom;
	struct tlsrpt_digest_policy *pol;
	struct pend_dom *pd = NULL;
	unsigned long long nt, nf, oldok, newok;
	size_t idx, i;

	if (ok < 0 || fl < 0) {
		d->st.malformed++;
		return;
	}
	if (e->npd >= PENDING_DOMAINS && !pending_has(d, e, ll)) {
		d->st.limited++; /* a domain this report cannot count: no entry made for it */
		return;
	}
	if ((dom = line_domain(d, ll, e, &idx)) == NULL) {
		if (d->priv->turned_away) {
			d->st.left_out.failed += (unsigned long long)fl;
		}
		return;
	}
	pol = policy_get(d, dom,
	                 ll->event == TLSRPT_LL_POLICY ? get_or(ll, "policy-type", "unknown")
	                                               : "omitted");
	mx_mentions(d, ll, dom);
	if (ll->event == TLSRPT_LL_POLICY) {
		struct tlsrpt_inv_line il;

		tlsrpt_inventory_line(ll, &il);
		tlsrpt_inventory_add(&d->inv, dom->name, e->rep, e->day, &il);
	}
	if (pol != NULL) {
		const char *mode = tlsrpt_logline_get(ll, "sts-mode", NULL);

		pol->c.ok += (unsigned long long)ok;
		pol->c.failed += (unsigned long long)fl;
		if (mode != NULL && e->day >= pol->sts_day) {
			TLSRPT_STRCOPY(pol->sts_mode, mode, 0);
			pol->sts_day = e->day;
		}
	}
	for (i = 0; i < e->npd; i++) {
		if (e->pd[i].dom == idx) {
			pd = &e->pd[i];
		}
	}
	if (pd == NULL) {
		if (e->npd >= PENDING_DOMAINS) {
			d->st.limited++;
			return;
		}
		pd = &e->pd[e->npd++];
		pd->dom = idx;
		pd->total = pd->failed = 0;
		if (idx != e->dom) {
			struct tlsrpt_digest_mxhost *m =
			        dom->mxhost ? mxhost_find(d, dom->name) : NULL;
			struct tlsrpt_digest_mention *x;

			also_reported(d, dom, e);
			if (m != NULL && !d->dom[e->dom]->mxhost &&
			    (x = mention(m, d->dom[e->dom]->name)) != NULL) {
				x->reports++;
			}
		}
	}
	nt = (unsigned long long)(ok + fl);
	nf = (unsigned long long)fl;
	if (nt < pd->total) {
		nt = pd->total;
	}
	if (nf < pd->failed) {
		nf = pd->failed;
	}
	oldok = pd->total - pd->failed;
	newok = nt - nf;
	/* unsigned differences wrap back once added: the sums stay exact */
	dom->c.ok += newok - oldok;
	dom->c.failed += nf - pd->failed;
	dom->days[e->day - d->first_day].ok += newok - oldok;
	dom->days[e->day - d->first_day].failed += nf - pd->failed;
	{
		long ri = reporter_get(d, dom, e);

		if (ri >= 0) {
			dom->rep[ri].c.ok += newok - oldok;
			dom->rep[ri].c.failed += nf - pd->failed;
		}
	}
	pd->total = nt;
	pd->failed = nf;
}

/* note_mx - hand a failure detail, with its day and reporter, to the MX join */
static void note_mx(struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom,
                    const struct pending *e, const struct tlsrpt_logline *ll, unsigned long long n)
{
	struct tlsrpt_mxseen_failure f;

	f.domain = dom->name;
	f.day = e->day;
	f.reporter = e->rep;
	f.sending_ip = get_or(ll, "sending-mta-ip", "");
	f.result_type = get_or(ll, "result-type", "");
	f.policy_type = get_or(ll, "policy-type", "");
	f.mx = get_or(ll, "receiving-mx-hostname", "");
	f.ip = get_or(ll, "receiving-ip", "");
	f.reason = get_or(ll, "failure-reason-code", "");
	f.failed = n;
	tlsrpt_mxseen_failure(d->mx, &f);
}

/* add_failure - a failure line */
static void add_failure(struct tlsrpt_digest *d, const struct tlsrpt_logline *ll, struct pending *e)
{
	const char *type = get_or(ll, "policy-type", ""), *rt = get_or(ll, "result-type", "");
	const char *mx = get_or(ll, "receiving-mx-hostname", "");
	const char *ip = get_or(ll, "receiving-ip", "");
	long long n = tlsrpt_logline_count(ll, "failed-session-count");
	struct tlsrpt_digest_domain *dom;
	struct tlsrpt_digest_failure *f = NULL;
	size_t idx, i;
	long ri;

	if (n < 0) {
		d->st.malformed++;
		return;
	}
	if ((dom = line_domain(d, ll, e, &idx)) == NULL) {
		return;
	}
	for (i = 0; i < dom->nfail; i++) {
		struct tlsrpt_digest_failure *x = &dom->fail[i];

		if (strcmp(x->result_type, rt) == 0 && strcmp(x->policy_type, type) == 0 &&
		    strcmp(x->mx, mx) == 0 && strcmp(x->ip, ip) == 0) {
			f = x;
			break;
		}
	}
	if (f == NULL) {
		if (dom->nfail >= TLSRPT_LOOKOUT_MAX_FAILURES) {
			d->st.limited++;
			dom->dropped += (unsigned long long)n;
			return;
		}
		f = &dom->fail[dom->nfail++];
		memset(f, 0, sizeof(*f));
		TLSRPT_STRCOPY(f->policy_type, type, 0);
		TLSRPT_STRCOPY(f->result_type, rt, 0);
		TLSRPT_STRCOPY(f->mx, mx, TLSRPT_COPY_LOWER);
		TLSRPT_STRCOPY(f->ip, ip, 0);
		f->first_day = f->last_day = e->day;
	}
	f->failed += (unsigned long long)n;
	if (f->reason[0] == '\0') {
		TLSRPT_STRCOPY(f->reason, get_or(ll, "failure-reason-code", ""), 0);
	}
	if (e->day < f->first_day) {
		f->first_day = e->day;
	}
	if (e->day > f->last_day) {
		f->last_day = e->day;
	}
	ri = reporter_get(d, dom, e);
	if (ri >= 0 && ri < 64) {
		f->reporters |= 1ULL << ri;
	}
	if (d->mx != NULL) {
		note_mx(d, dom, e, ll, (unsigned long long)n);
	}
	if (!dom->mxhost && strcmp(type, "tlsa") == 0 && f->mx[0] != '\0') {
		struct tlsrpt_digest_mxhost *m = mxhost_find(d, f->mx);
		struct tlsrpt_digest_mention *x;

		if (m != NULL && (x = mention(m, dom->name)) != NULL) {
			x->failed += (unsigned long long)n;
		}
	}
}

/* add_omitted - a per-message summary line (failure-omitted or report-omitted) */
static void add_omitted(struct tlsrpt_digest *d, const struct tlsrpt_logline *ll, struct pending *e)
{
	long long n = tlsrpt_logline_count(ll, "failed-session-count");
	struct tlsrpt_digest_domain *dom;
	size_t idx;

	if (ll->event == TLSRPT_LL_FAILURE_OMITTED) {
		if (n < 0) {
			d->st.malformed++;
		} else if ((dom = line_domain(d, ll, e, &idx)) != NULL) {
			dom->omitted_failed += (unsigned long long)n;
		}
		return;
	}
	{
		long long r = tlsrpt_logline_count(ll, "reports");
		long long ok = tlsrpt_logline_count(ll, "total-successful-session-count");
		long long fl = tlsrpt_logline_count(ll, "total-failure-session-count");

		if (r < 0 || ok < 0 || fl < 0) {
			d->st.malformed++;
			return;
		}
		d->st.omitted_reports += (unsigned long long)r;
		d->st.omitted_ok += (unsigned long long)ok;
		d->st.omitted_failed += (unsigned long long)fl;
	}
}

/* tlsrpt_digest_add - count one line */
void tlsrpt_digest_add(struct tlsrpt_digest *d, const struct tlsrpt_logline *ll)
{
	struct pending *e;

	d->st.lines++;
	switch (ll->event) {
	case TLSRPT_LL_REPORT:
		add_report(d, ll);
		return;
	case TLSRPT_LL_ERROR:
		d->st.errors++;
		return;
	case TLSRPT_LL_IGNORED:
		d->st.ignored++;
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
	if (tlsrpt_logline_get(ll, "report-id", NULL) != NULL) {
		e = pending_find(d->priv, pending_key(ll), 0);
	} else if (ll->event == TLSRPT_LL_FAILURE_OMITTED ||
	           ll->event == TLSRPT_LL_REPORT_OMITTED) {
		/* per message, after its reports: the newest report of the same message */
		e = pending_find(d->priv, message_key(ll), 1);
	} else {
		d->st.malformed++;
		return;
	}
	if (e == NULL) {
		d->st.orphans++;
		return;
	}
	if (e->skip) {
		if (e->dup >= 0) {
			d->dup[e->dup].lines++;
		}
		return;
	}
	switch (ll->event) {
	case TLSRPT_LL_FAILURE:
		add_failure(d, ll, e);
		break;
	case TLSRPT_LL_FAILURE_OMITTED:
	case TLSRPT_LL_REPORT_OMITTED:
		add_omitted(d, ll, e);
		break;
	default:
		add_policy(d, ll, e);
		break;
	}
}

/* by_name - domains by name */
static int by_name(const void *a, const void *b)
{
	const struct tlsrpt_digest_domain *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* by_failed - failures by failed sessions, descending, then by result type */
static int by_failed(const void *a, const void *b)
{
	const struct tlsrpt_digest_failure *x = a, *y = b;

	if (x->failed != y->failed) {
		return x->failed < y->failed ? 1 : -1;
	}
	return strcmp(x->result_type, y->result_type);
}

/* tlsrpt_digest_finish - sort for output */
void tlsrpt_digest_finish(struct tlsrpt_digest *d)
{
	size_t i, j, k;

	qsort(d->dom, d->ndom, sizeof(d->dom[0]), by_name);
	tlsrpt_inventory_finish(&d->inv);
	for (i = 0; i < d->ndom; i++) {
		struct tlsrpt_digest_domain *dom = d->dom[i];
		size_t order[TLSRPT_LOOKOUT_MAX_REPORTERS], pos[TLSRPT_LOOKOUT_MAX_REPORTERS];
		struct tlsrpt_digest_reporter tmp[TLSRPT_LOOKOUT_MAX_REPORTERS];

		qsort(dom->fail, dom->nfail, sizeof(dom->fail[0]), by_failed);
		/* reporters: stable insertion sort by reports, then id; bit masks remapped */
		for (j = 0; j < dom->nrep; j++) {
			size_t at = j;

			while (at > 0) {
				const struct tlsrpt_digest_reporter *p = &dom->rep[order[at - 1]],
				                                    *q = &dom->rep[j];

				if (p->reports > q->reports ||
				    (p->reports == q->reports && strcmp(p->id, q->id) <= 0)) {
					break;
				}
				order[at] = order[at - 1];
				at--;
			}
			order[at] = j;
		}
		for (j = 0; j < dom->nrep; j++) {
			tmp[j] = dom->rep[order[j]];
			pos[order[j]] = j;
		}
		memcpy(dom->rep, tmp, dom->nrep * sizeof(tmp[0]));
		for (k = 0; k < dom->nfail; k++) {
			unsigned long long m = 0;

			for (j = 0; j < dom->nrep && j < 64; j++) {
				if (dom->fail[k].reporters & (1ULL << j)) {
					m |= pos[j] < 64 ? 1ULL << pos[j] : 0;
				}
			}
			dom->fail[k].reporters = m;
		}
	}
}

/* tlsrpt_digest_left_out - the sentence about the names the pool of others turned away */
int tlsrpt_digest_left_out(const struct tlsrpt_digest *d, char *buf, size_t len)
{
	const char *more = d->priv->nleft >= TLSRPT_LOOKOUT_LEFT_OUT_NAMES ? "at least " : "";

	if (len > 0) {
		buf[0] = '\0';
	}
	if (d->st.left_out.names == 0) {
		return 0;
	}
	snprintf(
	        buf, len,
	        "Not shown: %s%llu more policy domains that are not ours (not in ReportDomains or --domain), past the limit of %d such names, with %llu reports and %llu failed sessions in the period; our own domains are never left out.",
	        more, d->st.left_out.names, TLSRPT_LOOKOUT_MAX_OTHERS, d->st.left_out.reports,
	        d->st.left_out.failed);
	return 1;
}

/* tlsrpt_digest_rate - failure rate in percent */
double tlsrpt_digest_rate(const struct tlsrpt_digest_counts *c)
{
	unsigned long long t = c->ok + c->failed;

	return t == 0 ? 0.0 : 100.0 * (double)c->failed / (double)t;
}

/* tlsrpt_digest_free - release */
void tlsrpt_digest_free(struct tlsrpt_digest *d)
{
	size_t i;

	if (d == NULL) {
		return;
	}
	for (i = 0; i < d->ndom; i++) {
		free(d->dom[i]->days);
		free(d->dom[i]);
	}
	if (d->priv != NULL) {
		free(d->priv->set);
	}
	tlsrpt_inventory_free(&d->inv);
	free(d->priv);
	free(d);
}
