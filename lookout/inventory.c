/*
 * inventory.c - the policies reporters saw, per domain (see inventory.h)
 *
 * The fields max-age and sts-mx are read only from a line whose
 * policy-hash, the last of its fields, is whole.  Two policy lines are
 * the same policy when their type and the fields
 * that tell policies apart are equal: policy-hash when the line has one
 * (it covers the whole normalised policy-string), else sts-mode, max-age
 * and sts-mx.  mx-host is shown, not compared: reporters differ in
 * whether they give it (Microsoft leaves it out, Google lists the
 * patterns), so comparing it would make one policy look like two.
 * Domains and policies are searched linearly: a site has a few of each.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "inventory.h"

/* copy - bounded copy */
static void copy(char *dst, size_t size, const char *src)
{
	size_t n = src != NULL ? strlen(src) : 0;

	if (n >= size) {
		n = size - 1;
	}
	if (n > 0) {
		memcpy(dst, src, n);
	}
	dst[n] = '\0';
}

/* tlsrpt_inventory_init - an empty inventory */
void tlsrpt_inventory_init(struct tlsrpt_inventory *inv, int ready_days)
{
	memset(inv, 0, sizeof(*inv));
	inv->ready_days = ready_days;
}

/* tlsrpt_inventory_free - release the domains */
void tlsrpt_inventory_free(struct tlsrpt_inventory *inv)
{
	size_t i;

	if (inv == NULL) {
		return;
	}
	for (i = 0; i < inv->ndom; i++) {
		free(inv->dom[i]);
	}
	inv->ndom = 0;
}

/* tlsrpt_inventory_domain - the entry of a domain, NULL when none */
const struct tlsrpt_inv_domain *tlsrpt_inventory_domain(const struct tlsrpt_inventory *inv,
                                                        const char *name)
{
	size_t i;

	for (i = 0; i < inv->ndom; i++) {
		if (strcmp(inv->dom[i]->name, name) == 0) {
			return inv->dom[i];
		}
	}
	return NULL;
}

/* dom_get - the entry of a domain, created when new; NULL past the bound */
static struct tlsrpt_inv_domain *dom_get(struct tlsrpt_inventory *inv, const char *name)
{
	struct tlsrpt_inv_domain *d =
	        (struct tlsrpt_inv_domain *)tlsrpt_inventory_domain(inv, name);

	if (d != NULL) {
		return d;
	}
	if (inv->ndom >= TLSRPT_INV_MAX_DOMAINS || (d = calloc(1, sizeof(*d))) == NULL) {
		return NULL;
	}
	copy(d->name, sizeof(d->name), name);
	inv->dom[inv->ndom++] = d;
	return d;
}

/* field - a line's value, "" when absent */
static const char *field(const struct tlsrpt_logline *ll, const char *key)
{
	const char *v = tlsrpt_logline_get(ll, key, NULL);

	return v != NULL ? v : "";
}

/*
 * whole_hash - policy-hash closes the policy line's fields and is exactly
 * 16 lower-case hex digits: when it is whole, so are max-age and sts-mx
 * before it (a relay's cut would have taken it with them)
 */
static int whole_hash(const char *h)
{
	size_t i;

	for (i = 0; h[i] != '\0'; i++) {
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'))) {
			return 0;
		}
	}
	return i == 16;
}

/* same - does policy p hold the line's policy (type, hash, or mode, max-age and sts-mx)? */
static int same(const struct tlsrpt_inv_policy *p, const char *type, const char *hash,
                const char *mode, long long max_age, const char *stsmx)
{
	char h[sizeof(p->hash)], m[sizeof(p->mode)], x[sizeof(p->stsmx)];

	copy(h, sizeof(h), hash);
	if (strcmp(p->type, type) != 0 || strcmp(p->hash, h) != 0) {
		return 0;
	}
	if (h[0] != '\0') {
		return 1;
	}
	copy(m, sizeof(m), mode);
	copy(x, sizeof(x), stsmx);
	return strcmp(p->mode, m) == 0 && p->max_age == max_age && strcmp(p->stsmx, x) == 0;
}

/* add_reporter - reporter among p's with the days it applied p, while there is room; else counted
 */
static void add_reporter(struct tlsrpt_inv_policy *p, const char *reporter, long day)
{
	size_t i;

	for (i = 0; i < p->nrep; i++) {
		if (strcmp(p->rep[i], reporter) == 0) {
			if (day < p->rep_first[i]) {
				p->rep_first[i] = day;
			}
			if (day > p->rep_last[i]) {
				p->rep_last[i] = day;
			}
			return;
		}
	}
	if (p->nrep < TLSRPT_INV_MAX_REPORTERS) {
		p->rep_first[p->nrep] = p->rep_last[p->nrep] = day;
		copy(p->rep[p->nrep++], sizeof(p->rep[0]), reporter);
	} else {
		p->rep_more++;
	}
}

/* tlsrpt_inventory_line - the fields of a parsed policy line */
void tlsrpt_inventory_line(const struct tlsrpt_logline *ll, struct tlsrpt_inv_line *l)
{
	long long ok = tlsrpt_logline_count(ll, "total-successful-session-count");
	long long failed = tlsrpt_logline_count(ll, "total-failure-session-count");

	l->type = ll->event == TLSRPT_LL_POLICY ? field(ll, "policy-type") : "";
	l->mode = field(ll, "sts-mode");
	l->mx_host = field(ll, "mx-host");
	l->sts_mx = field(ll, "sts-mx");
	l->hash = field(ll, "policy-hash");
	l->max_age = tlsrpt_logline_count(ll, "max-age");
	l->ok = ok > 0 ? (unsigned long long)ok : 0;
	l->failed = failed > 0 ? (unsigned long long)failed : 0;
}

/* nz - s, or "" for NULL */
static const char *nz(const char *s)
{
	return s != NULL ? s : "";
}

/* tlsrpt_inventory_add - one counted policy line */
void tlsrpt_inventory_add(struct tlsrpt_inventory *inv, const char *domain, const char *reporter,
                          long day, const struct tlsrpt_inv_line *l)
{
	const char *type = nz(l->type), *hash = nz(l->hash), *mode = nz(l->mode);
	const char *stsmx = nz(l->sts_mx);
	long long max_age = l->max_age;
	struct tlsrpt_inv_domain *d;
	struct tlsrpt_inv_policy *p = NULL;
	size_t i;

	if (type[0] == '\0') {
		return;
	}
	if ((d = dom_get(inv, domain)) == NULL) {
		inv->limited++;
		return;
	}
	if (!whole_hash(hash)) {
		/* no policy-hash, or one cut on the way: the fields before it may be cut too */
		hash = stsmx = "";
		max_age = -1;
	}
	if (max_age < 0) {
		max_age = -1;
	}
	for (i = 0; i < d->npol && p == NULL; i++) {
		if (same(&d->pol[i], type, hash, mode, max_age, stsmx)) {
			p = &d->pol[i];
		}
	}
	if (p == NULL) {
		if (d->npol >= TLSRPT_INV_MAX_POLICIES) {
			d->dropped++;
			return;
		}
		p = &d->pol[d->npol++];
		memset(p, 0, sizeof(*p));
		copy(p->type, sizeof(p->type), type);
		copy(p->hash, sizeof(p->hash), hash);
		copy(p->mode, sizeof(p->mode), mode);
		p->max_age = max_age;
		copy(p->stsmx, sizeof(p->stsmx), stsmx);
		copy(p->mx, sizeof(p->mx), stsmx[0] != '\0' ? stsmx : nz(l->mx_host));
		p->first_day = p->last_day = day;
	}
	if (p->mx[0] == '\0') {
		copy(p->mx, sizeof(p->mx), nz(l->mx_host));
	}
	if (day < p->first_day) {
		p->first_day = day;
	}
	if (day > p->last_day) {
		p->last_day = day;
	}
	p->ok += l->ok;
	p->failed += l->failed;
	p->reports++;
	add_reporter(p, reporter, day);
}

/* tlsrpt_inventory_finding_name - the finding as a word */
const char *tlsrpt_inventory_finding_name(enum tlsrpt_inv_finding_kind k)
{
	switch (k) {
	case TLSRPT_INV_CHANGED:
		return "changed";
	case TLSRPT_INV_DISAGREE:
		return "disagree";
	case TLSRPT_INV_ENFORCE_FAILING:
		return "enforce-failing";
	case TLSRPT_INV_READY:
		return "ready";
	}
	return "unknown";
}

/* by_first - policies by type, first day, last day */
static int by_first(const void *x, const void *y)
{
	const struct tlsrpt_inv_policy *a = x, *b = y;
	int c = strcmp(a->type, b->type);

	if (c != 0) {
		return c;
	}
	if (a->first_day != b->first_day) {
		return a->first_day < b->first_day ? -1 : 1;
	}
	return a->last_day < b->last_day ? -1 : a->last_day > b->last_day;
}

/* find - one more finding of d, while there is room */
static void find(struct tlsrpt_inv_domain *d, enum tlsrpt_inv_finding_kind k, size_t a, size_t b,
                 long day)
{
	if (d->nfind < TLSRPT_INV_MAX_FINDINGS) {
		d->find[d->nfind].kind = k;
		d->find[d->nfind].a = a;
		d->find[d->nfind].b = b;
		d->find[d->nfind].day = day;
		d->nfind++;
	}
}

/* findings - what one domain's policies say (they are sorted by type and first day) */
static void findings(struct tlsrpt_inv_domain *d, int ready_days)
{
	long newest_sts = -1;
	unsigned long long sts_failed = 0;
	size_t i;

	for (i = 0; i < d->npol; i++) {
		const struct tlsrpt_inv_policy *p = &d->pol[i];

		if (strcmp(p->type, "sts") == 0) {
			sts_failed += p->failed;
			if (newest_sts < 0 || p->last_day > d->pol[newest_sts].last_day ||
			    (p->last_day == d->pol[newest_sts].last_day &&
			     p->first_day >= d->pol[newest_sts].first_day)) {
				newest_sts = (long)i;
			}
			if (strcmp(p->mode, "enforce") == 0 && p->failed > 0) {
				find(d, TLSRPT_INV_ENFORCE_FAILING, i, i, p->last_day);
			}
		}
		if (i > 0 && strcmp(d->pol[i - 1].type, p->type) == 0) {
			const struct tlsrpt_inv_policy *q = &d->pol[i - 1];

			if (p->first_day > q->last_day) {
				find(d, TLSRPT_INV_CHANGED, i - 1, i, p->first_day);
			} else {
				find(d, TLSRPT_INV_DISAGREE, i - 1, i,
				     p->first_day > q->first_day ? p->first_day : q->first_day);
			}
		}
	}
	if (newest_sts >= 0 && sts_failed == 0 && ready_days > 0) {
		const struct tlsrpt_inv_policy *p = &d->pol[newest_sts];

		if (strcmp(p->mode, "testing") == 0 &&
		    p->last_day - p->first_day + 1 >= ready_days) {
			find(d, TLSRPT_INV_READY, (size_t)newest_sts, (size_t)newest_sts,
			     p->last_day);
		}
	}
}

/* tlsrpt_inventory_finish - sort and find */
void tlsrpt_inventory_finish(struct tlsrpt_inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->ndom; i++) {
		struct tlsrpt_inv_domain *d = inv->dom[i];

		qsort(d->pol, d->npol, sizeof(d->pol[0]), by_first);
		d->nfind = 0;
		findings(d, inv->ready_days);
	}
}
