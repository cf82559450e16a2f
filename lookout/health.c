/*
 * health.c - whether a domain needs attention, and which first
 *
 * The order is an insertion sort of indexes (at most
 * TLSRPT_LOOKOUT_MAX_DOMAINS), so the digest itself stays sorted by name
 * for JSON and Prometheus.
 */
#include "config.h"

#include <string.h>

#include "health.h"

/* tlsrpt_health_name - the verdict as a word */
const char *tlsrpt_health_name(enum tlsrpt_health h)
{
	switch (h) {
	case TLSRPT_HEALTH_FAILING:
		return "failing";
	case TLSRPT_HEALTH_SILENT:
		return "silent";
	case TLSRPT_HEALTH_TESTING:
		return "testing";
	default:
		return "fine";
	}
}

/* tlsrpt_health_sts_weak - an sts policy that senders do not enforce */
const struct tlsrpt_digest_policy *tlsrpt_health_sts_weak(const struct tlsrpt_digest_domain *dom)
{
	size_t i;

	for (i = 0; i < dom->npol; i++) {
		const struct tlsrpt_digest_policy *p = &dom->pol[i];

		if (strcmp(p->type, "sts") == 0 &&
		    (strcmp(p->sts_mode, "testing") == 0 || strcmp(p->sts_mode, "none") == 0)) {
			return p;
		}
	}
	return NULL;
}

/* tlsrpt_health_silent - nothing for silent_days days up to today */
int tlsrpt_health_silent(long today, int silent_days, long last_day)
{
	return last_day < 0 || last_day <= today - silent_days;
}

/* tlsrpt_health_of - the domain's verdict */
enum tlsrpt_health tlsrpt_health_of(const struct tlsrpt_digest_domain *dom, long today,
                                    int silent_days)
{
	if (dom->c.failed > 0) {
		return TLSRPT_HEALTH_FAILING;
	}
	if (dom->reports == 0 || tlsrpt_health_silent(today, silent_days, dom->last_day)) {
		return TLSRPT_HEALTH_SILENT;
	}
	if (tlsrpt_health_sts_weak(dom) != NULL) {
		return TLSRPT_HEALTH_TESTING;
	}
	return TLSRPT_HEALTH_FINE;
}

/* tlsrpt_health_ours - named by the caller (a domain or an MX host), or nothing was named */
int tlsrpt_health_ours(const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom)
{
	size_t i;

	if (dom->expected || dom->mxhost) {
		return 1;
	}
	for (i = 0; i < d->ndom; i++) {
		if (d->dom[i]->expected || d->dom[i]->mxhost) {
			return 0;
		}
	}
	return 1;
}

struct rank {
	int ours;
	enum tlsrpt_health h;
	unsigned long long key; /* larger first */
};

/* rank_of - what the order compares */
static struct rank rank_of(const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom,
                           long today, int silent_days)
{
	struct rank r;

	r.ours = tlsrpt_health_ours(d, dom);
	r.h = tlsrpt_health_of(dom, today, silent_days);
	if (r.h == TLSRPT_HEALTH_FAILING) {
		r.key = dom->c.failed;
	} else if (r.h == TLSRPT_HEALTH_SILENT) {
		r.key = (unsigned long long)(dom->last_day + 1);
	} else {
		r.key = dom->c.ok + dom->c.failed;
	}
	return r;
}

/* before - 1 when a goes before b */
static int before(const struct rank *a, const char *an, const struct rank *b, const char *bn)
{
	if (a->ours != b->ours) {
		return a->ours;
	}
	if (a->h != b->h) {
		return a->h < b->h;
	}
	if (a->key != b->key) {
		return a->key > b->key;
	}
	return strcmp(an, bn) < 0;
}

/* tlsrpt_health_order - most urgent first, ours first */
size_t tlsrpt_health_order(const struct tlsrpt_digest *d, long today, int silent_days,
                           size_t *order)
{
	struct rank r[TLSRPT_LOOKOUT_MAX_DOMAINS];
	size_t i, ours = 0;

	for (i = 0; i < d->ndom; i++) {
		size_t at = i;

		r[i] = rank_of(d, d->dom[i], today, silent_days);
		ours += r[i].ours != 0;
		while (at > 0 && before(&r[i], d->dom[i]->name, &r[order[at - 1]],
		                        d->dom[order[at - 1]]->name)) {
			order[at] = order[at - 1];
			at--;
		}
		order[at] = i;
	}
	return ours;
}
