/*
 * health.h - whether a domain needs attention, and which first
 *
 * One verdict per policy domain of a finished digest, in order of urgency:
 *   failing  failed sessions in the period;
 *   silent   no report for silent_days days or more up to today (or never);
 *   testing  an MTA-STS policy reported in testing or none mode, so
 *            senders do not enforce it;
 *   fine     reports, no failed session, nothing in testing.
 * The order puts the domains named by the caller (--domain, ReportDomains,
 * and MXHosts' host names: "ours") before names only reports brought (anyone can send a report for
 * any name), each group by verdict, then: failing by failed sessions,
 * silent by the last report (most recent first), the others by sessions,
 * then by name.  When the caller named no domain, every domain is ours.
 * No globals, no printing.
 */
#ifndef TLSRPT_HEALTH_H
#define TLSRPT_HEALTH_H

#include <stddef.h>

#include "digest.h"

enum tlsrpt_health {
	TLSRPT_HEALTH_FAILING,
	TLSRPT_HEALTH_SILENT,
	TLSRPT_HEALTH_TESTING,
	TLSRPT_HEALTH_FINE
};

/* tlsrpt_health_name - "failing", "silent", "testing" or "fine" */
const char *tlsrpt_health_name(enum tlsrpt_health h);

/* tlsrpt_health_sts_weak - the domain's sts policy when in testing or none mode, else NULL */
const struct tlsrpt_digest_policy *tlsrpt_health_sts_weak(const struct tlsrpt_digest_domain *dom);

/* tlsrpt_health_silent - 1 when last_day (-1: never) is silent_days or more before today */
int tlsrpt_health_silent(long today, int silent_days, long last_day);

/* tlsrpt_health_of - the domain's verdict */
enum tlsrpt_health tlsrpt_health_of(const struct tlsrpt_digest_domain *dom, long today,
                                    int silent_days);

/* tlsrpt_health_ours - 1 when the domain was named, or when no domain was */
int tlsrpt_health_ours(const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom);

/*
 * tlsrpt_health_order - order[0..d->ndom) gets indexes into d->dom, most
 * urgent first, ours first; returns how many are ours
 */
size_t tlsrpt_health_order(const struct tlsrpt_digest *d, long today, int silent_days,
                           size_t *order);

#endif
