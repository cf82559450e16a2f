/*
 * tlsrptrec.h - does a domain's _smtp._tls record bring its reports to us?
 *
 * RFC 8460 section 3: a sender looks up the TXT records of
 * _smtp._tls.DOMAIN, drops those that do not begin with "v=TLSRPTv1;",
 * and uses the rest only when exactly one is left.  Its "rua=" field is a
 * comma-separated list of URIs (mailto: or https:), with "," and ";"
 * percent-encoded inside a URI.  This module judges the answer the way a
 * sender does and says whether a mailto: URI names one of our report
 * addresses (matched as the milter matches envelope recipients: addr.h).
 *
 * The verdict is one of:
 *   ours       one record, and a mailto: URI names a ReportAddress
 *   elsewhere  one record, valid, but no URI names us (reports go elsewhere)
 *   none       no TLS-RPT record (no name, no TXT, or only other TXT)
 *   multiple   more than one record: senders send no report at all
 *   malformed  one record that senders cannot use (syntax, no rua)
 *   noanswer   the resolver gave no answer (time-out, SERVFAIL, no server):
 *              nothing is known, which is never called a failure
 *   present    one valid record, and no report address to compare with
 * The detail text names what was found, for a person; values from DNS are
 * kept as they are (the caller escapes them for its output).  Pure: no
 * I/O, no allocation, no globals.
 */
#ifndef TLSRPT_TLSRPTREC_H
#define TLSRPT_TLSRPTREC_H

#include <stddef.h>

#define TLSRPT_REC_MAX_RUA 8   /* URIs of one rua= field looked at */
#define TLSRPT_REC_URI_MAX 320 /* longest URI kept, bytes */
#define TLSRPT_REC_DETAIL 512  /* detail text, bytes */

enum tlsrpt_rec_verdict {
	TLSRPT_REC_OURS = 0,
	TLSRPT_REC_ELSEWHERE,
	TLSRPT_REC_NONE,
	TLSRPT_REC_MULTIPLE,
	TLSRPT_REC_MALFORMED,
	TLSRPT_REC_NOANSWER,
	TLSRPT_REC_PRESENT,
};

/* One TXT record: its character-strings joined, as RFC 8460 says. */
struct tlsrpt_rec_txt {
	const char *s;
	size_t len;
};

struct tlsrpt_rec_result {
	enum tlsrpt_rec_verdict verdict;
	size_t nrua;                                      /* URIs found (ELSEWHERE, OURS) */
	char rua[TLSRPT_REC_MAX_RUA][TLSRPT_REC_URI_MAX]; /* as published, cut if long */
	char detail[TLSRPT_REC_DETAIL];                   /* one line for a person */
};

/*
 * tlsrpt_rec_parse - check one record that begins with "v=TLSRPTv1;":
 * 0 valid (its URIs in r->rua/nrua), -1 with the reason in r->detail.
 */
int tlsrpt_rec_parse(const char *s, size_t len, struct tlsrpt_rec_result *r);

/*
 * tlsrpt_rec_judge - the verdict on the n TXT records of _smtp._tls.DOMAIN
 * (n == 0: the name has no TXT record) against the report address
 * patterns (addr.h entries) with the extension delimiters delims; with no
 * pattern, a valid record is "present".
 */
void tlsrpt_rec_judge(const struct tlsrpt_rec_txt *txt, size_t n, char *const *patterns,
                      size_t npatterns, const char *delims, struct tlsrpt_rec_result *r);

/* tlsrpt_rec_name - "ours", "elsewhere", "none", "multiple", "malformed", "noanswer", "present" */
const char *tlsrpt_rec_name(enum tlsrpt_rec_verdict v);

#endif
