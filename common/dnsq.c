/*
 * dnsq.c - TXT and MX look-ups through the system resolver, bounded
 *
 * res_nquery on a resolver state of our own (res_ninit reads
 * /etc/resolv.conf), its time-out and tries lowered so that a dead server
 * costs seconds, not minutes; the answer is walked with ns_initparse and
 * ns_parserr (libresolv), which check every length against the message.
 * The resolver sets h_errno-style codes in the state: HOST_NOT_FOUND is
 * NXDOMAIN, NO_DATA an empty answer, TRY_AGAIN a SERVFAIL or time-out,
 * NO_RECOVERY a refusal or a malformed reply.
 */
#include "config.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

#include "dnsq.h"
#include "errbuf.h"

#define ANSWER_MAX 65536 /* the largest DNS message over TCP */

/* put_txt - the character-strings of a TXT rdata joined into out */
static size_t put_txt(const unsigned char *rd, size_t rdlen, char *out, size_t outmax)
{
	size_t i = 0, o = 0;

	while (i < rdlen) {
		size_t l = rd[i++];
		if (l > rdlen - i) {
			l = rdlen - i; /* cannot happen after ns_parserr; stay inside */
		}
		for (size_t k = 0; k < l && o + 1 < outmax; k++) {
			out[o++] = (char)rd[i + k];
		}
		i += l;
	}
	out[o] = '\0';
	return o;
}

/* put_mx - "PREFERENCE HOST" of an MX rdata; 0 when it cannot be read */
static size_t put_mx(const ns_msg *msg, const ns_rr *rr, char *out, size_t outmax)
{
	const unsigned char *rd = ns_rr_rdata(*rr);
	char host[NS_MAXDNAME];

	if (ns_rr_rdlen(*rr) < 3 ||
	    dn_expand(ns_msg_base(*msg), ns_msg_end(*msg), rd + 2, host, sizeof(host)) < 0) {
		return 0;
	}
	tlsrpt_errbuf_set(out, outmax, "%u %s", (unsigned)ns_get16(rd), host[0] ? host : ".");
	return strlen(out);
}

int tlsrpt_dnsq_lookup(const char *name, enum tlsrpt_dnsq_type type, struct tlsrpt_dnsq_answer *a,
                       char *err, size_t errlen)
{
	struct __res_state rs;
	static const int types[] = {ns_t_txt, ns_t_mx};
	unsigned char *buf;
	ns_msg msg;
	int len, rc = 0;

	memset(a, 0, sizeof(*a));
	a->status = TLSRPT_DNSQ_NOANSWER;
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) != 0) {
		tlsrpt_errbuf_set(err, errlen,
		                  "the resolver could not be set up (/etc/resolv.conf)");
		return -1;
	}
	rs.retrans = TLSRPT_DNSQ_TIMEOUT;
	rs.retry = TLSRPT_DNSQ_TRIES;
	if ((buf = malloc(ANSWER_MAX)) == NULL) {
		res_nclose(&rs);
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return -1;
	}
	len = res_nquery(&rs, name, ns_c_in, types[type], buf, ANSWER_MAX);
	if (len < 0) {
		switch (rs.res_h_errno) {
		case HOST_NOT_FOUND:
			a->status = TLSRPT_DNSQ_NXDOMAIN;
			break;
		case NO_DATA:
			a->status = TLSRPT_DNSQ_NODATA;
			break;
		case TRY_AGAIN:
			tlsrpt_errbuf_set(err, errlen, "no answer (time-out or SERVFAIL)");
			rc = -1;
			break;
		default:
			tlsrpt_errbuf_set(err, errlen, "no usable answer (refused or malformed)");
			rc = -1;
			break;
		}
		goto out;
	}
	if (len > ANSWER_MAX) {
		len = ANSWER_MAX; /* truncated answer: read what fits */
	}
	if (ns_initparse(buf, len, &msg) < 0) {
		tlsrpt_errbuf_set(err, errlen, "a malformed answer");
		rc = -1;
		goto out;
	}
	for (int i = 0; i < ns_msg_count(msg, ns_s_an) && a->n < TLSRPT_DNSQ_MAX_RR; i++) {
		ns_rr rr;
		size_t n;
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0) {
			break;
		}
		if ((int)ns_rr_type(rr) != types[type] || ns_rr_class(rr) != ns_c_in) {
			continue; /* a CNAME on the way, or another class */
		}
		n = type == TLSRPT_DNSQ_TXT ? put_txt(ns_rr_rdata(rr), ns_rr_rdlen(rr), a->rr[a->n],
		                                      TLSRPT_DNSQ_RR_MAX)
		                            : put_mx(&msg, &rr, a->rr[a->n], TLSRPT_DNSQ_RR_MAX);
		if (type == TLSRPT_DNSQ_MX && n == 0) {
			continue;
		}
		a->len[a->n++] = n;
	}
	a->status = a->n > 0 ? TLSRPT_DNSQ_ANSWER : TLSRPT_DNSQ_NODATA;
out:
	free(buf);
	res_nclose(&rs);
	return rc;
}

const char *tlsrpt_dnsq_status_name(enum tlsrpt_dnsq_status s)
{
	static const char *const names[] = {"answer", "nxdomain", "nodata", "noanswer"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
