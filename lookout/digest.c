/*
 * digest.c - aggregate tlsrpt-milter log lines per policy domain and day
 *
 * Lines go through the assembler (assemble.h), which hands over each
 * report once it is complete, with its reporter, day and duplicate flag
 * decided; this module only adds up.  A report's per-domain sessions are
 * the maximum over its policies for that domain (the assembler keeps
 * them), its per-policy figures are summed as reported.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "assemble.h"
#include "digest.h"
#include "errbuf.h"
#include "mxseen.h"
#include "strcopy.h"

struct tlsrpt_digest_priv {
	struct tlsrpt_asm *as;
	int finished;
	int turned_away; /* the last domain_get turned a name away: the other pool is full */
	/* hashes of the names turned away (0 = free), to count them once */
	uint64_t left[2 * TLSRPT_LOOKOUT_LEFT_OUT_NAMES];
	size_t nleft;
};

/* name_hash - 64-bit FNV-1a of a name, finished with a mixer (splitmix64); never 0 */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 0x6a09e667f3bcc909ULL;

	for (; *s != '\0'; s++) {
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	}
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h != 0 ? h : 1;
}

static void add_assembled(void *ctx, const struct tlsrpt_asm_report *r);

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
	    (d->priv = calloc(1, sizeof(*d->priv))) == NULL ||
	    (d->priv->as = tlsrpt_asm_new(add_assembled, d, err, errlen)) == NULL) {
		if (d != NULL) {
			free(d->priv);
		}
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

/* left_out_name - count a name turned away by the full pool of others, once */
static void left_out_name(struct tlsrpt_digest *d, const char *low)
{
	struct tlsrpt_digest_priv *p = d->priv;
	uint64_t h = name_hash(low);
	size_t cap = sizeof(p->left) / sizeof(p->left[0]), i;

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
	dom->mxhost = mxhost_find(d, low) != NULL;
	*(ours ? &d->nours : &d->nothers) += 1;
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

/* mx_mentions - a policy's mx-host list (comma-joined) names some of our MX hosts */
static void mx_mentions(struct tlsrpt_digest *d, const char *v,
                        const struct tlsrpt_digest_domain *dom)
{
	const char *p;
	size_t i, len;

	if (v == NULL || v[0] == '\0' || dom->mxhost) {
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
 * reporter_get - the reporter's index in dom, created when new; -1 past the
 * limit.  A reporter is its identity and whether DKIM authenticated it: a
 * claimed google.com is another reporter than the authenticated one.
 */
static long reporter_get(struct tlsrpt_digest *d, struct tlsrpt_digest_domain *dom, const char *id,
                         int dkim)
{
	size_t i;

	size_t claimed = 0;

	for (i = 0; i < dom->nrep; i++) {
		if (strcmp(dom->rep[i].id, id) == 0 && dom->rep[i].dkim == dkim) {
			return (long)i;
		}
		claimed += !dom->rep[i].dkim;
	}
	/* claimed names, which anyone can send, never take an authenticated one's place */
	if (dom->nrep >= TLSRPT_LOOKOUT_MAX_REPORTERS ||
	    (!dkim && claimed >= TLSRPT_LOOKOUT_MAX_CLAIMED)) {
		d->st.limited++;
		return -1;
	}
	memset(&dom->rep[i], 0, sizeof(dom->rep[i]));
	TLSRPT_STRCOPY(dom->rep[i].id, id, 0);
	dom->rep[i].dkim = dkim;
	dom->rep[i].first_day = dom->rep[i].last_day = -1;
	dom->nrep++;
	return (long)i;
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

/* seen - the report's day in the domain's and the reporter's first and last days */
static void seen(long day, long *first, long *last)
{
	if (*first < 0 || day < *first) {
		*first = day;
	}
	if (day > *last) {
		*last = day;
	}
}

/* rep_id - the digest's name of a report's reporter: its identity, or "unknown" */
static const char *rep_id(const struct tlsrpt_asm_report *r)
{
	return r->kind != TLSRPT_IDENTITY_NONE ? r->reporter : "unknown";
}

/* add_failure - a failure kind of a counted report */
static void add_failure(struct tlsrpt_digest *d, struct tlsrpt_digest_domain *dom, long ri,
                        const struct tlsrpt_asm_report *r, const struct tlsrpt_asm_failure *af)
{
	struct tlsrpt_digest_failure *f = NULL;
	size_t i;

	for (i = 0; i < dom->nfail; i++) {
		struct tlsrpt_digest_failure *x = &dom->fail[i];

		if (strcmp(x->result_type, af->rtype) == 0 &&
		    strcmp(x->policy_type, af->ptype) == 0 && strcmp(x->mx, af->mx) == 0 &&
		    strcmp(x->ip, af->ip) == 0) {
			f = x;
			break;
		}
	}
	if (f == NULL) {
		if (dom->nfail >= TLSRPT_LOOKOUT_MAX_FAILURES) {
			d->st.limited++;
			dom->dropped += af->failed;
			return;
		}
		f = &dom->fail[dom->nfail++];
		memset(f, 0, sizeof(*f));
		TLSRPT_STRCOPY(f->policy_type, af->ptype, 0);
		TLSRPT_STRCOPY(f->result_type, af->rtype, 0);
		TLSRPT_STRCOPY(f->mx, af->mx, TLSRPT_COPY_LOWER);
		TLSRPT_STRCOPY(f->ip, af->ip, 0);
		f->first_day = f->last_day = r->day;
	}
	f->failed += af->failed;
	if (f->reason[0] == '\0') {
		TLSRPT_STRCOPY(f->reason, af->reason, 0);
	}
	seen(r->day, &f->first_day, &f->last_day);
	if (ri >= 0 && ri < 64) {
		f->reporters |= 1ULL << ri;
	}
}

/* note_mx - hand a failure line of a counted report, with its day and reporter, to the MX join */
static void note_mx(struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom,
                    const struct tlsrpt_asm_report *r, const struct tlsrpt_asm_detail *det)
{
	const struct tlsrpt_asm_failure *af = &r->fail[det->fail];
	struct tlsrpt_mxseen_failure f;

	f.domain = dom->name;
	f.day = r->day;
	f.reporter = rep_id(r);
	f.sending_ip = det->sending_ip;
	f.result_type = af->rtype;
	f.policy_type = af->ptype;
	f.mx = af->mx;
	f.ip = af->ip;
	f.reason = af->reason;
	f.failed = det->failed;
	tlsrpt_mxseen_failure(d->mx, &f);
}

/* add_domain - report r as seen by domain i of it: reports, days, reporter, sessions */
static void add_domain(struct tlsrpt_digest *d, const struct tlsrpt_asm_report *r, size_t i,
                       int counted)
{
	const struct tlsrpt_asm_domain *ad = &r->dom[i];
	struct tlsrpt_digest_domain *dom;
	long ri;
	size_t idx, k;

	if ((dom = domain_get(d, ad->name, &idx, 0)) == NULL) {
		/* a name the full pool of others turned away: said in every output */
		if (d->priv->turned_away && counted) {
			d->st.left_out.reports += i == 0;
			d->st.left_out.failed += ad->failed;
		}
		return;
	}
	/* first and last days over all input up to the period's end (so a silence shows) */
	if (r->day <= d->last_day) {
		seen(r->day, &dom->first_day, &dom->last_day);
	}
	ri = reporter_get(d, dom, rep_id(r), r->kind == TLSRPT_IDENTITY_DKIM);
	if (ri >= 0) {
		struct tlsrpt_digest_reporter *rep = &dom->rep[ri];

		if (i == 0 || rep->org[0] == '\0') {
			TLSRPT_STRCOPY(rep->org, r->org, 0);
		}
		if (r->day <= d->last_day) {
			seen(r->day, &rep->first_day, &rep->last_day);
		}
	}
	if (!counted) {
		return;
	}
	if (ri < 0) {
		dom->reports_unlisted++; /* counted for the domain, its reporter not listed */
	}
	dom->reports++;
	dom->c.ok += ad->total - ad->failed;
	dom->c.failed += ad->failed;
	dom->days[r->day - d->first_day].ok += ad->total - ad->failed;
	dom->days[r->day - d->first_day].failed += ad->failed;
	if (ri >= 0) {
		dom->rep[ri].reports++;
		dom->rep[ri].c.ok += ad->total - ad->failed;
		dom->rep[ri].c.failed += ad->failed;
	}
	if (i != 0 && dom->mxhost) {
		/* a report for another domain with a policy about our MX host: that domain named it
		 */
		struct tlsrpt_digest_mxhost *m = mxhost_find(d, dom->name);
		struct tlsrpt_digest_mention *x;

		if (m != NULL && mxhost_find(d, r->dom[0].name) == NULL &&
		    (x = mention(m, r->dom[0].name)) != NULL) {
			x->reports++;
		}
	}
	for (k = 0; k < r->npol; k++) {
		const struct tlsrpt_asm_policy *p = &r->pol[k];
		struct tlsrpt_digest_policy *pol;

		if (p->dom == i && !p->omitted) {
			struct tlsrpt_inv_line il = {p->type, p->sts_mode, p->mx_host, p->sts_mx,
			                             p->hash, p->max_age,  p->ok,      p->failed};

			mx_mentions(d, p->mx_host, dom);
			tlsrpt_inventory_add(&d->inv, dom->name, rep_id(r), r->day, &il);
		}
		if (p->dom != i || (pol = policy_get(d, dom, p->type)) == NULL) {
			continue;
		}
		pol->c.ok += p->ok;
		pol->c.failed += p->failed;
		if (p->sts_mode[0] != '\0' && r->day >= pol->sts_day) {
			TLSRPT_STRCOPY(pol->sts_mode, p->sts_mode, 0);
			pol->sts_day = r->day;
		}
	}
	for (k = 0; k < r->nfail; k++) {
		const struct tlsrpt_asm_failure *af = &r->fail[k];
		struct tlsrpt_digest_mxhost *m;
		struct tlsrpt_digest_mention *x;

		if (af->dom != i) {
			continue;
		}
		add_failure(d, dom, ri, r, af);
		/* a DANE failure at one of our MX hosts, in a report for another domain */
		if (!dom->mxhost && strcmp(af->ptype, "tlsa") == 0 && af->mx[0] != '\0' &&
		    (m = mxhost_find(d, af->mx)) != NULL && (x = mention(m, dom->name)) != NULL) {
			x->failed += af->failed;
		}
	}
	for (k = 0; d->mx != NULL && k < r->ndet; k++) {
		if (r->fail[r->det[k].fail].dom == i) {
			note_mx(d, dom, r, &r->det[k]);
		}
	}
	if (r->omitted_failed > 0 && r->omitted_dom == i) {
		dom->omitted_failed += r->omitted_failed;
	}
}

/* note_duplicate - keep what a person needs to recognise a duplicate, while there is room */
static void note_duplicate(struct tlsrpt_digest *d, const struct tlsrpt_asm_report *r)
{
	struct tlsrpt_digest_dup *x;

	if (d->ndup >= TLSRPT_LOOKOUT_MAX_DUPS) {
		return;
	}
	x = &d->dup[d->ndup++];
	memset(x, 0, sizeof(*x));
	TLSRPT_STRCOPY(x->reporter, rep_id(r), 0);
	TLSRPT_STRCOPY(x->report_id, r->report_id, 0);
	TLSRPT_STRCOPY(x->domain, r->ndom > 0 ? r->dom[0].name : "unknown", TLSRPT_COPY_LOWER);
	x->day = r->day;
	TLSRPT_STRCOPY(x->host, r->host, 0);
	TLSRPT_STRCOPY(x->qid, r->prefix, 0);
	if (r->first_known) {
		x->first_known = 1;
		TLSRPT_STRCOPY(x->first_host, r->first_host, 0);
		TLSRPT_STRCOPY(x->first_qid, r->first_prefix, 0);
	}
	x->lines = r->nlines > 0 ? r->nlines - 1 : 0;
}

/*
 * add_assembled - one complete report from the assembler: counted when it
 * is whole, not a duplicate and in the period; its days and reporter are
 * remembered in any case but a cut one (whose reporter nobody vouches for)
 */
static void add_assembled(void *ctx, const struct tlsrpt_asm_report *r)
{
	struct tlsrpt_digest *d = ctx;
	int counted;
	size_t i;

	if (r->cut) {
		d->st.cut++;
		return;
	}
	if (r->malformed) {
		d->st.malformed++;
		return;
	}
	d->st.limited += r->limited;
	if (r->day > d->last_day) {
		/* after the period (--today in the past): as if not received yet, no entry at all
		 */
		d->st.outside++;
		return;
	}
	counted = r->day >= d->first_day;
	if (!counted) {
		d->st.outside++;
	} else if (r->duplicate) {
		d->st.duplicates++;
		note_duplicate(d, r);
		counted = 0;
	} else {
		d->st.reports++;
	}
	for (i = 0; i < r->ndom; i++) {
		add_domain(d, r, i, counted);
	}
	if (counted && r->has_ro) {
		d->st.omitted_reports += r->ro_reports;
		d->st.omitted_ok += r->ro_ok;
		d->st.omitted_failed += r->ro_failed;
	}
}

/* tlsrpt_digest_add - one line */
void tlsrpt_digest_add(struct tlsrpt_digest *d, const struct tlsrpt_logline *ll)
{
	d->st.lines++;
	if (ll->event == TLSRPT_LL_ERROR) {
		d->st.errors++;
	} else if (ll->event == TLSRPT_LL_IGNORED) {
		d->st.ignored++;
	}
	tlsrpt_asm_add(d->priv->as, ll);
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

/* tlsrpt_digest_finish - the reports still open, then sort for output */
void tlsrpt_digest_finish(struct tlsrpt_digest *d)
{
	const struct tlsrpt_asm_stats *as;
	size_t i, j, k;

	if (!d->priv->finished) {
		d->priv->finished = 1;
		tlsrpt_asm_flush(d->priv->as);
		as = tlsrpt_asm_stats(d->priv->as);
		d->st.orphans += as->orphans;
		d->st.malformed += as->malformed;
	}

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
		tlsrpt_asm_free(d->priv->as);
	}
	tlsrpt_inventory_free(&d->inv);
	free(d->priv);
	free(d);
}
