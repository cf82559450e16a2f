/*
 * accept.c - which parsed reports are logged in full (rules in accept.h)
 *
 * Only decides: the pipeline turns a refusal into its "ignored" record.
 * The rules run in the order accept.h gives; the duplicate key is made in
 * tlsrpt_accept_key() alone, so what makes two reports the same is said
 * in one place.  Keys of accepted reports are kept in a list that grows
 * by doubling; when it cannot grow, the key is not kept (the report is at
 * worst logged again later, never lost).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accept.h"
#include "errbuf.h"

/* tlsrpt_accept_init - a judge for one message */
void tlsrpt_accept_init(struct tlsrpt_accept *a, const struct tlsrpt_msghdrs *h)
{
	memset(a, 0, sizeof(*a));
	a->hdrs = h;
}

/* tlsrpt_accept_set_trust - judge by t */
void tlsrpt_accept_set_trust(struct tlsrpt_accept *a, const struct tlsrpt_trust *t)
{
	a->trust = *t;
}

/*
 * from_domain - the domain of the one address in a From value, into buf;
 * NULL when there is no address or more than one (a list or a group has
 * no single From domain).  Quoted strings and comments are skipped, so a
 * display name may hold '@', ',' or ':'.
 */
static const char *from_domain(const char *from, char *buf, size_t len)
{
	const char *s, *at = NULL, *e;
	size_t depth = 0;
	int quoted = 0;

	if (from == NULL) {
		return NULL;
	}
	/* most From values hold no quote, comment or escape: then the one
	 * address is the one '@', with no list or group separator anywhere */
	if (strpbrk(from, "\\(\"") == NULL) {
		at = strchr(from, '@');
		if (at == NULL || strchr(at + 1, '@') != NULL || strpbrk(from, ",;:") != NULL) {
			return NULL;
		}
		from += strlen(from); /* the scan below has nothing left to see */
	}
	for (s = from; *s != '\0'; s++) {
		if (*s == '\\' && (quoted || depth > 0)) {
			if (*++s == '\0') {
				return NULL;
			}
		} else if (quoted) {
			quoted = *s != '"';
		} else if (*s == '(') {
			depth++;
		} else if (depth > 0) {
			depth -= *s == ')';
		} else if (*s == '"') {
			quoted = 1;
		} else if (*s == ',' || *s == ';' || *s == ':') {
			return NULL; /* a second address, or a group */
		} else if (*s == '@') {
			if (at != NULL) {
				return NULL;
			}
			at = s;
		}
	}
	if (at == NULL || quoted || depth > 0) {
		return NULL;
	}
	at++;
	e = at + strcspn(at, "> \t\r\n;,()\"");
	if (e == at || (size_t)(e - at) >= len) {
		return NULL;
	}
	memcpy(buf, at, (size_t)(e - at));
	buf[e - at] = '\0';
	return buf;
}

/* submitter - TLS-Report-Submitter, else the From domain (into buf); NULL when neither */
static const char *submitter(const struct tlsrpt_accept *a, char *buf, size_t len)
{
	if (a->hdrs->report_submitter != NULL && a->hdrs->report_submitter[0] != '\0') {
		return a->hdrs->report_submitter;
	}
	return from_domain(a->hdrs->from, buf, len);
}

/*
 * tlsrpt_accept_dkim - tlsrpt_authres_verdict() over the fields in header
 * order, once (a verifier milter inserts its field at the top, and Postfix
 * does not show a milter its own Received field, so position is the only
 * mark there is)
 */
enum tlsrpt_dkim_verdict tlsrpt_accept_dkim(struct tlsrpt_accept *a)
{
	char fbuf[TLSRPT_AUTHRES_VALUE_MAX];

	if (!a->dkim_done) {
		a->dkim_done = 1;
		a->dkim = tlsrpt_authres_verdict(
		        (const char *const *)a->hdrs->auth_results, a->hdrs->nauth_results,
		        a->trust.authserv_ids, a->trust.nauthserv_ids,
		        submitter(a, fbuf, sizeof(fbuf)), a->dkim_domain, sizeof(a->dkim_domain));
		/* the reporter, decided once with the verdict (identity.h) */
		tlsrpt_identity_decide(&a->ident, a->dkim == TLSRPT_DKIM_PASS, a->dkim_domain,
		                       a->hdrs->report_submitter,
		                       from_domain(a->hdrs->from, fbuf, sizeof(fbuf)));
	}
	return a->dkim;
}

/*
 * name_match - is d (one trailing dot ignored) want, or (below != 0) a
 * sub-domain of it?  Case-insensitive.
 */
static int name_match(const char *d, const char *want, int below)
{
	size_t dl = strlen(d), wl = strlen(want);

	if (dl > 0 && d[dl - 1] == '.') {
		dl--;
	}
	if (dl == wl && strncasecmp(d, want, wl) == 0) {
		return 1;
	}
	return below && dl > wl && d[dl - wl - 1] == '.' && strncasecmp(d + dl - wl, want, wl) == 0;
}

/*
 * our_domain - does any policy domain of r belong to trust.report_domains
 * (or below one), or equal one of trust.mx_hosts?
 */
static int our_domain(const struct tlsrpt_accept *a, const struct tlsrpt_report *r)
{
	size_t i, j;

	for (i = 0; i < r->npolicies; i++) {
		const char *d = r->policies[i].policy_domain;

		if (d == NULL) {
			d = a->hdrs->report_domain;
		}
		if (d == NULL) {
			continue;
		}
		for (j = 0; j < a->trust.nreport_domains; j++) {
			if (name_match(d, a->trust.report_domains[j], 1)) {
				return 1;
			}
		}
		for (j = 0; j < a->trust.nmx_hosts; j++) {
			if (name_match(d, a->trust.mx_hosts[j], 0)) {
				return 1;
			}
		}
	}
	return 0;
}

/* tlsrpt_accept_key - the duplicate key: the reporter identity and its kind, report-id, dates */
int tlsrpt_accept_key(struct tlsrpt_accept *a, const struct tlsrpt_report *r,
                      struct tlsrpt_dedup_key *k)
{
	(void)tlsrpt_accept_dkim(a);
	if (r->report_id == NULL || r->report_id[0] == '\0') {
		return -1;
	}
	return tlsrpt_dedup_key(k, &a->ident, r->report_id, r->start_datetime, r->end_datetime);
}

/* tlsrpt_accept_reporter - the message's reporter identity (decided with the verdict) */
const struct tlsrpt_identity *tlsrpt_accept_reporter(struct tlsrpt_accept *a)
{
	(void)tlsrpt_accept_dkim(a);
	return &a->ident;
}

/*
 * duplicate - has this report been logged before, or earlier in this
 * message?  When not, its key is kept for tlsrpt_accept_remember().
 * (No StateFile, or no key: never.)
 */
static int duplicate(struct tlsrpt_accept *a, const struct tlsrpt_report *r)
{
	struct tlsrpt_dedup_key k, *nk;
	size_t i;

	if (a->trust.dedup == NULL || tlsrpt_accept_key(a, r, &k) != 0) {
		return 0;
	}
	for (i = 0; i < a->nkeys; i++) {
		if (a->keys[i].len == k.len && memcmp(a->keys[i].b, k.b, k.len) == 0) {
			return 1;
		}
	}
	if (tlsrpt_dedup_check(a->trust.dedup, &k, a->trust.now)) {
		return 1;
	}
	if (a->nkeys == a->capkeys) {
		size_t ncap = a->capkeys == 0 ? 4 : a->capkeys * 2;

		nk = realloc(a->keys, ncap * sizeof(*nk));
		if (nk == NULL) {
			return 0; /* not remembered: at worst logged again */
		}
		a->keys = nk;
		a->capkeys = ncap;
	}
	a->keys[a->nkeys++] = k;
	return 0;
}

/* tlsrpt_accept_report - the first rule that refuses r, or TLSRPT_REFUSAL_NONE */
enum tlsrpt_refusal tlsrpt_accept_report(struct tlsrpt_accept *a, const struct tlsrpt_report *r)
{
	if (a->trust.require_dkim && tlsrpt_accept_dkim(a) != TLSRPT_DKIM_PASS) {
		return TLSRPT_REFUSAL_UNAUTHENTICATED;
	}
	if (a->trust.nreport_domains > 0 && !our_domain(a, r)) {
		return TLSRPT_REFUSAL_FOREIGN;
	}
	if (duplicate(a, r)) {
		return TLSRPT_REFUSAL_DUPLICATE;
	}
	return TLSRPT_REFUSAL_NONE;
}

/* tlsrpt_accept_remember - add the kept keys to the StateFile, once */
int tlsrpt_accept_remember(struct tlsrpt_accept *a, char *err, size_t errlen)
{
	int rc = 0;
	size_t i;

	if (a->trust.dedup == NULL) {
		return 0;
	}
	for (i = 0; i < a->nkeys; i++) {
		char e[256];

		if (tlsrpt_dedup_add(a->trust.dedup, &a->keys[i], a->trust.now, e, sizeof(e)) < 0 &&
		    rc == 0) {
			tlsrpt_errbuf_set(err, errlen, "%s", e);
			rc = -1;
		}
	}
	a->nkeys = 0; /* once */
	return rc;
}

/* tlsrpt_refusal_reason - the reason= word of an "ignored" record */
const char *tlsrpt_refusal_reason(enum tlsrpt_refusal why)
{
	switch (why) {
	case TLSRPT_REFUSAL_UNAUTHENTICATED:
		return "not DKIM-authenticated";
	case TLSRPT_REFUSAL_FOREIGN:
		return "foreign policy-domain";
	case TLSRPT_REFUSAL_DUPLICATE:
		return "duplicate";
	case TLSRPT_REFUSAL_NONE:
		break;
	}
	return "";
}

/* tlsrpt_accept_free - release the kept keys */
void tlsrpt_accept_free(struct tlsrpt_accept *a)
{
	if (a != NULL) {
		free(a->keys);
		a->keys = NULL;
		a->nkeys = a->capkeys = 0;
	}
}
