/*
 * authres.h - Authentication-Results (RFC 8601): who says dkim=what for whom
 *
 * tlsrpt_authres_parse() reads one Authentication-Results field value
 * (without the "Authentication-Results:" name) into a fixed-size struct:
 * the authserv-id and, for each "dkim" resinfo, its result and the
 * header.d / header.i property values.  It follows RFC 8601 section 2.2:
 * CFWS and nested comments anywhere (a quoted-string inside a comment is
 * skipped whole), quoted-string values (with quoted pairs), an optional
 * authserv-id version, "none" as the only result, method versions
 * ("dkim/1"), "reason=" and any other ptype.property pairs.  Unknown
 * methods are skipped.  Everything is bounded, and length is never a
 * syntax error: longer kept values are cut and marked cut, extra dkim
 * results beyond TLSRPT_AUTHRES_MAX_DKIM are dropped (n_dropped counts
 * them).
 *
 * tlsrpt_authres_verdict() decides, over every field of a message, whether
 * the report is DKIM-authenticated for its submitter domain.  It is the
 * one rule the pipeline applies.  A verifier milter inserts its field at
 * the top, so the fields are read from the top down and the first one
 * that is the verifier's decides; every field below it may be the
 * sender's and never counts.  The verifier's field is the topmost one
 * whose authserv-id is trusted (compared without regard to case) and that
 * either makes a DKIM statement (a dkim result, or "none") or cannot be
 * read; a trusted field that reads well and has no DKIM result (SPF,
 * DMARC from another local milter) is passed over.  A field whose
 * authserv-id cannot be read at all might be the verifier's and ends the
 * search the same way.  An unreadable field gives FAIL, never PASS.
 * Domains match when equal or when one is a sub-domain of the other and
 * the shorter has at least two labels ("corp.mail.ru" signs for submitter
 * "mail.ru"; "com" never matches).  header.d is the signing domain; when
 * it is absent the domain part of header.i is used; a cut value gives no
 * domain.
 *
 * Pure functions: no allocation, no globals, no printing.
 */
#ifndef TLSRPT_AUTHRES_H
#define TLSRPT_AUTHRES_H

#include <stddef.h>

#define TLSRPT_AUTHRES_MAX_DKIM 16   /* dkim results kept per field */
#define TLSRPT_AUTHRES_ID_MAX 256    /* authserv-id bytes, with NUL */
#define TLSRPT_AUTHRES_VALUE_MAX 256 /* result / property value bytes, with NUL */

struct tlsrpt_authres_dkim {
	char result[32];                         /* "pass", "fail", ... lower case (cut) */
	char domain[TLSRPT_AUTHRES_VALUE_MAX];   /* header.d, lower case; "" if absent */
	char identity[TLSRPT_AUTHRES_VALUE_MAX]; /* header.i as written; "" if absent */
	int domain_cut;                          /* header.d was longer than domain[] */
	int identity_cut;                        /* header.i was longer than identity[] */
};

struct tlsrpt_authres {
	char authserv_id[TLSRPT_AUTHRES_ID_MAX]; /* lower case; "" when it could not be read */
	int id_cut;                              /* the authserv-id was longer than the buffer */
	int none;                                /* the field says "none" */
	struct tlsrpt_authres_dkim dkim[TLSRPT_AUTHRES_MAX_DKIM];
	size_t ndkim;
	size_t n_dropped; /* dkim results beyond TLSRPT_AUTHRES_MAX_DKIM */
};

/*
 * tlsrpt_authres_parse - parse one field value into *out.
 * 0 ok; -1 with a reason in err ("no authserv-id", "unterminated comment",
 * "expected a property", ...) when the field is not RFC 8601 syntax; *out
 * then holds what was read before the problem (the authserv-id, when it
 * could be read) and its results must not be trusted.
 */
int tlsrpt_authres_parse(const char *value, struct tlsrpt_authres *out, char *err, size_t errlen);

enum tlsrpt_dkim_verdict {
	TLSRPT_DKIM_NONE = 0, /* no trusted dkim result at all (or only "none") */
	TLSRPT_DKIM_FAIL,     /* the verifier says no pass for the submitter, or is unreadable */
	TLSRPT_DKIM_PASS,     /* a trusted dkim=pass with a matching domain */
};

/* tlsrpt_dkim_verdict_name - "none", "fail", "pass" */
const char *tlsrpt_dkim_verdict_name(enum tlsrpt_dkim_verdict v);

/*
 * tlsrpt_authres_domain_match - 1 when signing domain d may sign for
 * submitter s under the rule above, else 0.  Case-insensitive; a trailing
 * dot is ignored.
 */
int tlsrpt_authres_domain_match(const char *d, const char *s);

/*
 * tlsrpt_authres_verdict - the verdict over fields[0..n-1] (raw field
 * values, in header order, topmost first) for the given submitter domain
 * (NULL or "" = unknown: then no result can pass), by the rule above;
 * NONE when no trusted id is given.  On return domain (at least
 * TLSRPT_AUTHRES_VALUE_MAX bytes, may be NULL) holds the matching signing
 * domain for PASS, the verifier's first signing domain for FAIL (may be
 * ""), "" for NONE.
 */
enum tlsrpt_dkim_verdict tlsrpt_authres_verdict(const char *const *fields, size_t n,
                                                const char *const *trusted, size_t ntrusted,
                                                const char *submitter, char *domain,
                                                size_t domainlen);

#endif
