/*
 * dnsnote.h - tlsrpt-lookout --dns: the _smtp._tls record of each domain
 * that sent no report in the period
 *
 * A domain we expect reports for and that had none is the most common
 * TLS-RPT complaint; the first question is whether its record sends the
 * reports to us at all.  For each such domain of the digest, this looks
 * the record up with the system resolver (dnsq.h) and judges it against
 * the ReportAddress of the milter's configuration (tlsrptrec.h): "ours",
 * "elsewhere", "none", "multiple", "malformed", or "noanswer" when DNS
 * gave none (said as such, never as a failure).  Without a configuration
 * naming ReportAddress, the URIs are listed without a verdict on them.
 */
#ifndef TLSRPT_DNSNOTE_H
#define TLSRPT_DNSNOTE_H

#include <stddef.h>

#include "digest.h"
#include "render.h"
#include "tlsrptrec.h"

/* the notes of one run, for the renderers (tlsrpt_render_opts.dns) */
struct tlsrpt_dnsnote {
	struct tlsrpt_render_dns v[TLSRPT_LOOKOUT_MAX_DOMAINS];
	size_t n;
	char detail[TLSRPT_LOOKOUT_MAX_DOMAINS][TLSRPT_REC_DETAIL + 64];
};

/*
 * tlsrpt_dnsnote_collect - look up the record of each domain of d with no
 * report in the period, judged against config's ReportAddress (config may
 * be NULL: no verdict on the addresses).  0 ok; -1 + err when the
 * configuration cannot be read.
 */
int tlsrpt_dnsnote_collect(struct tlsrpt_dnsnote *dn, const struct tlsrpt_digest *d,
                           const char *config, char *err, size_t errlen);

#endif
