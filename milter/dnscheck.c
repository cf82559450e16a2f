/*
 * dnscheck.c - "tlsrpt-milter -n -D": the DNS records that bring the reports
 *
 * For each domain of ReportDomains (or, when that is empty, each domain
 * named in ReportAddress) it looks up, with the system resolver:
 *   _smtp._tls.DOMAIN TXT   does the TLS-RPT record send reports to a
 *                           ReportAddress (tlsrptrec.h's verdict)?
 *   _mta-sts.DOMAIN TXT     the MTA-STS record, when there is one
 *   DOMAIN MX               the MX set, for comparing with what reporters saw
 * One line each on out.  A record that sends the reports elsewhere, none,
 * several, or one senders cannot use is a warning and counts as a problem;
 * no answer from DNS is said as such ("nothing is known") and is not one.
 * Values from DNS are printed with control and non-ASCII bytes as \xHH.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dnscheck.h"
#include "dnsq.h"
#include "tlsrptrec.h"

#define SHOW_MAX 1024

/* show - s made safe for a terminal: bytes outside printable ASCII as \xHH */
static const char *show(const char *s, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *s != '\0' && o + 5 < outlen; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f || c == '\\') {
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

/* note - one line; warn != 0 makes it a counted problem */
static void note(FILE *out, int *problems, int warn, const char *domain, const char *what,
                 const char *text)
{
	char d[SHOW_MAX], t[SHOW_MAX];

	fprintf(out, "tlsrpt-milter: %sdns: %s: %s: %s\n", warn ? "warning: " : "",
	        show(domain, d, sizeof(d)), what, show(text, t, sizeof(t)));
	if (warn) {
		(*problems)++;
	}
}

/* check_tlsrpt - the _smtp._tls record of domain */
static void check_tlsrpt(const struct tlsrpt_conf *cfg, const char *domain,
                         struct tlsrpt_dnsq_answer *a, FILE *out, int *problems)
{
	struct tlsrpt_rec_txt txt[TLSRPT_DNSQ_MAX_RR];
	struct tlsrpt_rec_result r;
	char name[300], err[256], line[SHOW_MAX + 64];

	snprintf(name, sizeof(name), "_smtp._tls.%s", domain);
	if (tlsrpt_dnsq_lookup(name, TLSRPT_DNSQ_TXT, a, err, sizeof(err)) < 0) {
		snprintf(line, sizeof(line), "noanswer: DNS gave %s; nothing is known", err);
		note(out, problems, 0, domain, name, line);
		return;
	}
	for (size_t i = 0; i < a->n; i++) {
		txt[i].s = a->rr[i];
		txt[i].len = a->len[i];
	}
	tlsrpt_rec_judge(txt, a->n, cfg->report_address.v, cfg->report_address.n,
	                 cfg->recipient_delimiter, &r);
	snprintf(line, sizeof(line), "%s: %s", tlsrpt_rec_name(r.verdict), r.detail);
	note(out, problems, r.verdict != TLSRPT_REC_OURS, domain, name, line);
}

/* check_sts - the _mta-sts record of domain, said as found (never a problem) */
static void check_sts(const char *domain, struct tlsrpt_dnsq_answer *a, FILE *out, int *problems)
{
	char name[300], err[256], line[SHOW_MAX + 64];
	const char *sts = NULL;

	snprintf(name, sizeof(name), "_mta-sts.%s", domain);
	if (tlsrpt_dnsq_lookup(name, TLSRPT_DNSQ_TXT, a, err, sizeof(err)) < 0) {
		snprintf(line, sizeof(line), "noanswer: DNS gave %s; nothing is known", err);
		note(out, problems, 0, domain, name, line);
		return;
	}
	for (size_t i = 0; i < a->n; i++) {
		if (strncmp(a->rr[i], "v=STSv1", 7) == 0) {
			sts = a->rr[i];
		}
	}
	snprintf(line, sizeof(line), "%s",
	         sts != NULL ? sts : "no MTA-STS record (reports will cover DANE or no policy)");
	note(out, problems, 0, domain, name, line);
}

/* mx_before - MX "PREF HOST" x sorts before y */
static int mx_before(const char *x, const char *y)
{
	unsigned long px = strtoul(x, NULL, 10), py = strtoul(y, NULL, 10);
	return px != py ? px < py : strcmp(x, y) < 0;
}

/* check_mx - the MX set of domain */
static void check_mx(const char *domain, struct tlsrpt_dnsq_answer *a, FILE *out, int *problems)
{
	char err[256], line[SHOW_MAX];
	size_t o = 0;

	if (tlsrpt_dnsq_lookup(domain, TLSRPT_DNSQ_MX, a, err, sizeof(err)) < 0) {
		snprintf(line, sizeof(line), "noanswer: DNS gave %s; nothing is known", err);
		note(out, problems, 0, domain, "MX", line);
		return;
	}
	if (a->n == 0) {
		note(out, problems, 0, domain, "MX",
		     a->status == TLSRPT_DNSQ_NXDOMAIN ? "the domain does not exist"
		                                       : "no MX record");
		return;
	}
	/* by preference, then name: DNS gives the set in any order */
	size_t order[TLSRPT_DNSQ_MAX_RR];
	for (size_t i = 0; i < a->n; i++) {
		size_t k = i;
		for (; k > 0 && mx_before(a->rr[i], a->rr[order[k - 1]]); k--) {
			order[k] = order[k - 1];
		}
		order[k] = i;
	}
	line[0] = '\0';
	for (size_t i = 0; i < a->n && o + 1 < sizeof(line); i++) {
		o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%s", i ? ", " : "",
		                      a->rr[order[i]]);
	}
	note(out, problems, 0, domain, "MX", line);
}

/* domain_of - the domain of a ReportAddress entry, NULL for "local@" */
static const char *domain_of(const char *entry)
{
	const char *at = strrchr(entry, '@');
	return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

int tlsrpt_dnscheck_run(const struct tlsrpt_conf *cfg, FILE *out)
{
	struct tlsrpt_dnsq_answer *a = malloc(sizeof(*a));
	int problems = 0, any = 0;

	if (a == NULL) {
		fprintf(out, "tlsrpt-milter: warning: dns: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < cfg->report_domains.n; i++) {
		const char *d = cfg->report_domains.v[i];
		check_tlsrpt(cfg, d, a, out, &problems);
		check_sts(d, a, out, &problems);
		check_mx(d, a, out, &problems);
		any = 1;
	}
	if (cfg->report_domains.n == 0) {
		for (size_t i = 0; i < cfg->report_address.n; i++) {
			const char *d = domain_of(cfg->report_address.v[i]);
			int seen = 0;
			for (size_t k = 0; d != NULL && k < i; k++) {
				const char *e = domain_of(cfg->report_address.v[k]);
				seen |= e != NULL && strcmp(e, d) == 0;
			}
			if (d == NULL || seen) {
				continue;
			}
			check_tlsrpt(cfg, d, a, out, &problems);
			any = 1;
		}
	}
	if (!any) {
		fprintf(out, "tlsrpt-milter: dns: no ReportDomains and no ReportAddress with a "
		             "domain: nothing to look up\n");
	}
	free(a);
	return problems;
}
