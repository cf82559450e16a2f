/*
 * policystr.h - what a policy's policy-string says, for the policy line
 *
 * RFC 8460 reports the policy a sender applied as "policy-string": for
 * sts the MTA-STS policy's "key: value" lines (RFC 8461), for tlsa the
 * TLSA records (Microsoft writes them as one string holding a JSON array,
 * others one record a string).  From it the milter logs:
 *   sts-mode     the "mode" value (sts only);
 *   max-age      the "max_age" value, when it is decimal digits (sts);
 *   sts-mx       the "mx" values, comma-joined, in their order (sts);
 *   policy-hash  16 lower-case hex digits: a hash of the normalised
 *                policy-string, the same for the same policy however a
 *                reporter orders or spaces it, never the records
 *                themselves.  Normalised: sts lines as "key:value" with
 *                the key lower case and blanks around both removed;
 *                tlsa records lower case with runs of blanks as one
 *                space, a JSON-array entry taken record by record; other
 *                types each entry without blanks at its ends.  The hash
 *                of the set of lines (the order does not count, a line
 *                twice does) is the sum of each line's 64-bit FNV-1a
 *                hash through the splitmix64 finaliser, finished by it
 *                once more with the number of lines.  It tells policies
 *                apart and shows a change; it is no proof (a report is a
 *                stranger's text, and a 64-bit sum can be made to
 *                collide on purpose).
 * A policy without policy-string has no policy-hash.  Streaming over the
 * strings: no allocation, no limit on their number; values longer than
 * TLSRPT_MAX_VALUE_LEN are cut one byte past it, so that the escaper
 * marks them cut.  No globals, no printing.
 */
#ifndef TLSRPT_POLICYSTR_H
#define TLSRPT_POLICYSTR_H

#include "report.h"
#include "tlsrpt_limits.h"

#define TLSRPT_POLICYSTR_HASH_LEN 16

struct tlsrpt_policystr {
	char mode[TLSRPT_MAX_VALUE_LEN + 2];      /* "" when none */
	long long max_age;                        /* -1 when none */
	char mx[TLSRPT_MAX_VALUE_LEN + 2];        /* "" when none */
	char hash[TLSRPT_POLICYSTR_HASH_LEN + 1]; /* "" when no policy-string */
};

/* tlsrpt_policystr_read - what p's policy-string says, into *out */
void tlsrpt_policystr_read(const struct tlsrpt_policy *p, struct tlsrpt_policystr *out);

#endif
