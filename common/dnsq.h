/*
 * dnsq.h - TXT and MX look-ups through the system resolver, bounded
 *
 * One query with the resolver of /etc/resolv.conf (res_nquery on a
 * private resolver state: no global state, safe in threads), at most
 * TLSRPT_DNSQ_TRIES tries of TLSRPT_DNSQ_TIMEOUT seconds each.  The answer
 * keeps at most TLSRPT_DNSQ_MAX_RR records of the asked type (others, such
 * as a CNAME on the way, are skipped), each cut to TLSRPT_DNSQ_RR_MAX
 * bytes: a TXT record's character-strings joined, an MX record as
 * "PREFERENCE HOST".  The status says what DNS said:
 *   answer   records of the type exist (n > 0)
 *   nxdomain the name does not exist
 *   nodata   the name exists without records of the type
 *   noanswer no usable answer: time-out, SERVFAIL, REFUSED, no server
 * Nothing is printed; err gets the resolver's reason for noanswer.
 */
#ifndef TLSRPT_DNSQ_H
#define TLSRPT_DNSQ_H

#include <stddef.h>

#define TLSRPT_DNSQ_MAX_RR 16
#define TLSRPT_DNSQ_RR_MAX 2048
#define TLSRPT_DNSQ_TIMEOUT 3
#define TLSRPT_DNSQ_TRIES 2

enum tlsrpt_dnsq_type {
	TLSRPT_DNSQ_TXT = 0,
	TLSRPT_DNSQ_MX,
};

enum tlsrpt_dnsq_status {
	TLSRPT_DNSQ_ANSWER = 0,
	TLSRPT_DNSQ_NXDOMAIN,
	TLSRPT_DNSQ_NODATA,
	TLSRPT_DNSQ_NOANSWER,
};

struct tlsrpt_dnsq_answer {
	enum tlsrpt_dnsq_status status;
	size_t n;
	size_t len[TLSRPT_DNSQ_MAX_RR];
	char rr[TLSRPT_DNSQ_MAX_RR][TLSRPT_DNSQ_RR_MAX]; /* NUL-terminated too */
};

/*
 * tlsrpt_dnsq_lookup - the records of type at name into a; the status is
 * always set.  0 when DNS answered (answer, nxdomain, nodata), -1 for
 * noanswer with the reason in err.
 */
int tlsrpt_dnsq_lookup(const char *name, enum tlsrpt_dnsq_type type, struct tlsrpt_dnsq_answer *a,
                       char *err, size_t errlen);

/* tlsrpt_dnsq_status_name - "answer", "nxdomain", "nodata", "noanswer" */
const char *tlsrpt_dnsq_status_name(enum tlsrpt_dnsq_status s);

#endif
