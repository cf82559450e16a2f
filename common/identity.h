/*
 * identity.h - who sent a report: one identity, decided once
 *
 * A report's reporter is a domain with a kind:
 *   - dkim: the message carries a DKIM signature that the trusted
 *     Authentication-Results fields say passed, and this is its signing
 *     domain (doc/dkim.md);
 *   - claimed: no such signature; the TLS-Report-Submitter header, else
 *     the From address's domain: what the mail says, which anyone can
 *     write;
 *   - none: neither names a usable domain.
 * organization-name is display text only and never an identity.  The
 * domain is lower case without a trailing dot, and only a host name (LDH
 * labels and '_', at most TLSRPT_IDENTITY_MAX - 1 bytes) is an identity:
 * anything else gives kind none.
 *
 * The milter logs it as reporter= and reporter-kind=, the StateFile's
 * duplicate key is made of it (dedup.h), and tlsrpt-lookout's assembler
 * reads it back with tlsrpt_identity_kind_parse.  A claimed identity never
 * equals an authenticated one: every comparison is of (kind, domain).
 * No globals, no printing.
 */
#ifndef TLSRPT_IDENTITY_H
#define TLSRPT_IDENTITY_H

#include <stddef.h>

/* an identity's bytes, NUL included: 127 keeps every line within its bound
 * (a longer domain name, which no reporter uses, gives kind none) */
#define TLSRPT_IDENTITY_MAX 128

enum tlsrpt_identity_kind {
	TLSRPT_IDENTITY_NONE = 0,
	TLSRPT_IDENTITY_DKIM,
	TLSRPT_IDENTITY_CLAIMED,
};

struct tlsrpt_identity {
	enum tlsrpt_identity_kind kind;
	char domain[TLSRPT_IDENTITY_MAX]; /* "" for kind none */
};

/*
 * tlsrpt_identity_decide - the reporter of a message: dkim_domain when
 * dkim_pass and it is a host name; else submitter (the
 * TLS-Report-Submitter header) when it is one; else from_domain; else
 * kind none.  Any string may be NULL.
 */
void tlsrpt_identity_decide(struct tlsrpt_identity *id, int dkim_pass, const char *dkim_domain,
                            const char *submitter, const char *from_domain);

/*
 * tlsrpt_identity_norm - domain (len bytes) lower-cased without one
 * trailing dot into out[TLSRPT_IDENTITY_MAX]; 0, or -1 when it is not a
 * host name (out is then "")
 */
int tlsrpt_identity_norm(const char *domain, size_t len, char *out);

/* tlsrpt_identity_kind_name - "dkim", "claimed", "none" */
const char *tlsrpt_identity_kind_name(enum tlsrpt_identity_kind k);

/*
 * tlsrpt_identity_kind_parse - the kind whose name is exactly (s, len);
 * -1 for anything else (a cut "dki" included)
 */
int tlsrpt_identity_kind_parse(const char *s, size_t len);

/* tlsrpt_identity_same - 1 when a and b are the same kind and domain (kind none: never) */
int tlsrpt_identity_same(const struct tlsrpt_identity *a, const struct tlsrpt_identity *b);

#endif
