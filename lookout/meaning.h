/*
 * meaning.h - what a TLS-RPT result type or failure reason means, and the usual fix
 *
 * One table for everything that explains a failure to a person: the
 * result types of RFC 8460 section 4.3 (TLS negotiation, MTA-STS and DANE
 * ones) and failure-reason-code values that reporters are known to send
 * (OpenSSL X509_V_ERR_* names, "bad https response code: N" for an
 * MTA-STS policy fetch).  Reason codes match exactly or, for entries
 * ending in '*', by prefix, case-insensitively.  The texts are plain
 * ASCII, one paragraph each; no globals beyond the constant table, no
 * printing.
 */
#ifndef TLSRPT_MEANING_H
#define TLSRPT_MEANING_H

#include <stddef.h>

struct tlsrpt_meaning {
	const char *name;    /* result-type, or reason code (a trailing '*' matches a prefix) */
	const char *title;   /* a few words */
	const char *meaning; /* one paragraph: what the sending MTA saw */
	const char *fix;     /* one paragraph: what usually repairs it */
};

/* tlsrpt_meaning_result - the entry of a result-type; NULL when unknown */
const struct tlsrpt_meaning *tlsrpt_meaning_result(const char *result_type);

/* tlsrpt_meaning_reason - the entry of a failure-reason-code; NULL when unknown */
const struct tlsrpt_meaning *tlsrpt_meaning_reason(const char *code, size_t len);

/* tlsrpt_meaning_all - the table (results first, then reasons); *n gets its length */
const struct tlsrpt_meaning *tlsrpt_meaning_all(size_t *n);

#endif
