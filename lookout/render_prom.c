/*
 * render_prom.c - the digest in the node exporter textfile collector format
 *
 * Label values escaped by tlsrpt_render_put in Prometheus mode, so two
 * different values never give one series.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "render.h"
#include "render_share.h"

/* plabel - name="value" */
static void plabel(FILE *fp, const char *name, const char *v, int comma)
{
	fprintf(fp, "%s%s=\"", comma ? "," : "", name);
	tlsrpt_render_put(fp, v, TLSRPT_RENDER_PROM);
	fputc('"', fp);
}

/*
 * reporter_kind - the reporter_kind label: a claimed google.com and the
 * DKIM-authenticated one are two reporters of a domain, so two series
 */
static const char *reporter_kind(const struct tlsrpt_digest_reporter *r)
{
	return r->dkim ? ",reporter_kind=\"dkim\"" : ",reporter_kind=\"claimed\"";
}

/* phead - HELP and TYPE lines */
static void phead(FILE *fp, const char *name, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* tlsrpt_render_prom - node exporter textfile collector format */
int tlsrpt_render_prom(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	char note[LEFT_OUT_NOTE];
	size_t i, j, k;

	phead(fp, "tlsrpt_lookout_period_days", "Days covered by the digest.");
	fprintf(fp, "tlsrpt_lookout_period_days %zu\n", d->ndays);
	phead(fp, "tlsrpt_lookout_reports", "Distinct TLS reports in the period.");
	fprintf(fp, "tlsrpt_lookout_reports %llu\n", d->st.reports);
	phead(fp, "tlsrpt_lookout_duplicate_reports", "Report lines not counted as duplicates.");
	fprintf(fp, "tlsrpt_lookout_duplicate_reports %llu\n", d->st.duplicates);
	if (tlsrpt_digest_left_out(d, note, sizeof(note))) {
		fprintf(fp, "# NOTE %s\n", note);
	}
	phead(fp, "tlsrpt_lookout_left_out_domains",
	      "Policy domains not ours left out past the limit of such names (not in the series below).");
	fprintf(fp, "tlsrpt_lookout_left_out_domains %llu\n", d->st.left_out.names);
	phead(fp, "tlsrpt_lookout_sessions",
	      "Sessions in the period per policy domain (each session once).");
	for (i = 0; i < d->ndom; i++) {
		fputs("tlsrpt_lookout_sessions{", fp);
		plabel(fp, "policy_domain", d->dom[i]->name, 0);
		fprintf(fp, ",result=\"successful\"} %llu\n", d->dom[i]->c.ok);
		fputs("tlsrpt_lookout_sessions{", fp);
		plabel(fp, "policy_domain", d->dom[i]->name, 0);
		fprintf(fp, ",result=\"failed\"} %llu\n", d->dom[i]->c.failed);
	}
	phead(fp, "tlsrpt_lookout_unattributed_sessions",
	      "Sessions of reports the milter counted without logging them (report-omitted).");
	fprintf(fp, "tlsrpt_lookout_unattributed_sessions{result=\"successful\"} %llu\n",
	        d->st.omitted_ok);
	fprintf(fp, "tlsrpt_lookout_unattributed_sessions{result=\"failed\"} %llu\n",
	        d->st.omitted_failed);
	phead(fp, "tlsrpt_lookout_policy_sessions",
	      "Sessions per policy domain and type as reported.");
	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->npol; j++) {
			const struct tlsrpt_digest_policy *p = &d->dom[i]->pol[j];
			int r;

			for (r = 0; r < 2; r++) {
				fputs("tlsrpt_lookout_policy_sessions{", fp);
				plabel(fp, "policy_domain", d->dom[i]->name, 0);
				plabel(fp, "policy_type", p->type, 1);
				fprintf(fp, ",result=\"%s\"} %llu\n", r ? "failed" : "successful",
				        r ? p->c.failed : p->c.ok);
			}
		}
	}
	phead(fp, "tlsrpt_lookout_failed_sessions",
	      "Failed sessions per policy domain, policy type and result type.");
	for (i = 0; i < d->ndom; i++) {
		const struct tlsrpt_digest_domain *dom = d->dom[i];

		for (j = 0; j < dom->nfail; j++) {
			unsigned long long sum = 0;
			int dup = 0;

			for (k = 0; k < j; k++) {
				if (strcmp(dom->fail[k].policy_type, dom->fail[j].policy_type) ==
				            0 &&
				    strcmp(dom->fail[k].result_type, dom->fail[j].result_type) ==
				            0) {
					dup = 1;
				}
			}
			if (dup) {
				continue;
			}
			for (k = j; k < dom->nfail; k++) {
				if (strcmp(dom->fail[k].policy_type, dom->fail[j].policy_type) ==
				            0 &&
				    strcmp(dom->fail[k].result_type, dom->fail[j].result_type) ==
				            0) {
					sum += dom->fail[k].failed;
				}
			}
			fputs("tlsrpt_lookout_failed_sessions{", fp);
			plabel(fp, "policy_domain", dom->name, 0);
			plabel(fp, "policy_type", dom->fail[j].policy_type, 1);
			plabel(fp, "result_type", dom->fail[j].result_type, 1);
			fprintf(fp, "} %llu\n", sum);
		}
	}
	phead(fp, "tlsrpt_lookout_reporter_reports",
	      "Reports per policy domain and reporter (DKIM-authenticated or claimed).");
	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->nrep; j++) {
			fputs("tlsrpt_lookout_reporter_reports{", fp);
			plabel(fp, "policy_domain", d->dom[i]->name, 0);
			plabel(fp, "reporter", d->dom[i]->rep[j].id, 1);
			fputs(reporter_kind(&d->dom[i]->rep[j]), fp);
			fprintf(fp, "} %llu\n", d->dom[i]->rep[j].reports);
		}
	}
	phead(fp, "tlsrpt_lookout_reporter_last_report_timestamp_seconds",
	      "Start of the last report's day (UTC) per policy domain and reporter.");
	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->nrep; j++) {
			fputs("tlsrpt_lookout_reporter_last_report_timestamp_seconds{", fp);
			plabel(fp, "policy_domain", d->dom[i]->name, 0);
			plabel(fp, "reporter", d->dom[i]->rep[j].id, 1);
			fputs(reporter_kind(&d->dom[i]->rep[j]), fp);
			fprintf(fp, "} %lld\n", (long long)d->dom[i]->rep[j].last_day * 86400);
		}
	}
	phead(fp, "tlsrpt_lookout_sts_mode",
	      "1 for the MTA-STS mode last reported per policy domain.");
	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->npol; j++) {
			const struct tlsrpt_digest_policy *p = &d->dom[i]->pol[j];

			if (p->sts_mode[0] != '\0') {
				fputs("tlsrpt_lookout_sts_mode{", fp);
				plabel(fp, "policy_domain", d->dom[i]->name, 0);
				plabel(fp, "mode", p->sts_mode, 1);
				fputs("} 1\n", fp);
			}
		}
	}
	(void)o;
	fflush(fp);
	return ferror(fp) ? -1 : 0;
}
