/*
 * dnscheck.h - "tlsrpt-milter -n -D": the DNS records that bring the reports
 */
#ifndef TLSRPT_DNSCHECK_H
#define TLSRPT_DNSCHECK_H

#include <stdio.h>

#include "conf.h"

/*
 * tlsrpt_dnscheck_run - look up each report domain's _smtp._tls, _mta-sts
 * and MX records and print one line each on out; the number of problems
 * (a TLS-RPT record that does not send the reports to a ReportAddress).
 * No answer from DNS is printed and is not a problem.
 */
int tlsrpt_dnscheck_run(const struct tlsrpt_conf *cfg, FILE *out);

#endif
