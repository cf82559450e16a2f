/*
 * identity.c - who sent a report: one identity, decided once
 *
 * The rules are in identity.h.  A host name here is what DNS can hold:
 * labels of letters, digits, '-' and '_' (SRV-style owner names appear in
 * the wild), 1 to 63 bytes each, at most TLSRPT_IDENTITY_MAX - 1 bytes in all.  Nothing else,
 * so an identity is always a bare log value and never needs escaping.
 */
#include "config.h"

#include <string.h>

#include "ascii.h"
#include "identity.h"

static const char *const kind_names[] = {
        [TLSRPT_IDENTITY_NONE] = "none",
        [TLSRPT_IDENTITY_DKIM] = "dkim",
        [TLSRPT_IDENTITY_CLAIMED] = "claimed",
};

/* tlsrpt_identity_norm - lower case, one trailing dot dropped; -1 when not a host name */
int tlsrpt_identity_norm(const char *domain, size_t len, char *out)
{
	size_t i, label = 0;

	out[0] = '\0';
	if (domain == NULL) {
		return -1;
	}
	if (len > 0 && domain[len - 1] == '.') {
		len--;
	}
	if (len == 0 || len >= TLSRPT_IDENTITY_MAX) {
		return -1;
	}
	for (i = 0; i < len; i++) {
		char c = tlsrpt_lower(domain[i]);

		if (c == '.') {
			if (label == 0) {
				out[0] = '\0';
				return -1;
			}
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		           c == '_') {
			if (++label > 63) {
				out[0] = '\0';
				return -1;
			}
		} else {
			out[0] = '\0';
			return -1;
		}
		out[i] = c;
	}
	out[len] = '\0';
	return 0;
}

/* try - domain as the identity of kind k; 1 taken, 0 not a host name */
static int try(struct tlsrpt_identity *id, enum tlsrpt_identity_kind k, const char *domain)
{
	if (domain == NULL || tlsrpt_identity_norm(domain, strlen(domain), id->domain) < 0) {
		return 0;
	}
	id->kind = k;
	return 1;
}

/* tlsrpt_identity_decide - DKIM domain, else submitter, else From domain, else none */
void tlsrpt_identity_decide(struct tlsrpt_identity *id, int dkim_pass, const char *dkim_domain,
                            const char *submitter, const char *from_domain)
{
	id->kind = TLSRPT_IDENTITY_NONE;
	id->domain[0] = '\0';
	if (dkim_pass && try(id, TLSRPT_IDENTITY_DKIM, dkim_domain)) {
		return;
	}
	if (submitter != NULL && submitter[0] != '\0') {
		/* a header that is there but names no host: nothing else is asked */
		(void)try(id, TLSRPT_IDENTITY_CLAIMED, submitter);
		return;
	}
	(void)try(id, TLSRPT_IDENTITY_CLAIMED, from_domain);
}

/* tlsrpt_identity_kind_name - the word logged as reporter-kind */
const char *tlsrpt_identity_kind_name(enum tlsrpt_identity_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "none";
}

/* tlsrpt_identity_kind_parse - exact match only */
int tlsrpt_identity_kind_parse(const char *s, size_t len)
{
	size_t k;

	for (k = 0; s != NULL && k < sizeof(kind_names) / sizeof(kind_names[0]); k++) {
		if (strlen(kind_names[k]) == len && memcmp(kind_names[k], s, len) == 0) {
			return (int)k;
		}
	}
	return -1;
}

/* tlsrpt_identity_same - same kind and domain; kind none never matches */
int tlsrpt_identity_same(const struct tlsrpt_identity *a, const struct tlsrpt_identity *b)
{
	return a->kind != TLSRPT_IDENTITY_NONE && a->kind == b->kind &&
	       strcmp(a->domain, b->domain) == 0;
}
