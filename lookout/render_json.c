/*
 * render_json.c - the digest as one JSON object
 *
 * Every string through tlsrpt_render_put in JSON mode: a valid JSON string
 * for any bytes.
 */
#include "config.h" /* _GNU_SOURCE: open_memstream */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "meaning.h"
#include "mxseen.h"
#include "render.h"
#include "render_share.h"

/* jstr - a JSON string */
static void jstr(FILE *fp, const char *s)
{
	fputc('"', fp);
	tlsrpt_render_put(fp, s, TLSRPT_RENDER_JSON);
	fputc('"', fp);
}

/* json_mx - the domain's "mx-evidence" array (after a comma) */
static void json_mx(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom)
{
	const struct tlsrpt_mxseen_item *it;
	size_t i, j;
	int first = 1;

	if (!tlsrpt_render_mx_on(d)) {
		return;
	}
	fputs(",\"mx-evidence\":[", fp);
	for (i = 0; (it = tlsrpt_render_mx_next(d, dom, &i)) != NULL;) {
		const struct tlsrpt_mxseen_evidence *ev = &it->ev;

		fprintf(fp, "%s{\"date\":\"%s\",\"reporter\":", first ? "" : ",",
		        tlsrpt_render_date(it->day).s);
		first = 0;
		jstr(fp, it->reporter);
		fputs(",\"sending-mta-ip\":", fp);
		jstr(fp, it->sending_ip);
		fputs(",\"policy-type\":", fp);
		jstr(fp, it->policy_type);
		fputs(",\"result-type\":", fp);
		jstr(fp, it->result_type);
		fputs(",\"receiving-mx-hostname\":", fp);
		jstr(fp, it->mx);
		fputs(",\"receiving-ip\":", fp);
		jstr(fp, it->ip);
		fputs(",\"failure-reason-code\":", fp);
		jstr(fp, it->reason);
		fprintf(fp,
		        ",\"failed-sessions\":%llu,\"verdict\":\"%s\",\"label\":\"%s\",\"matched-by\":\"%s\",\"clients\":%lu,\"client\":",
		        it->failed, tlsrpt_render_mx_verdict_key(it->verdict),
		        tlsrpt_mxseen_verdict_name(it->verdict),
		        it->by_ip ? "sending-mta-ip" : "client-name", ev->clients);
		if (ev->clients > 0) {
			fputs("{\"ip\":", fp);
			jstr(fp, ev->ip);
			fputs(",\"name\":", fp);
			jstr(fp, ev->name);
			fputs(",\"host\":", fp);
			jstr(fp, ev->host);
			fputc('}', fp);
		} else {
			fputs("null", fp);
		}
		fprintf(fp,
		        ",\"sessions\":%lu,\"starttls-attempts\":%lu,\"starttls-successes\":%lu,\"handshake-errors\":%lu,\"lost-after-starttls\":%lu,\"tls-then-no-mail\":%lu,\"without-starttls\":%lu,\"delivered-over-tls\":%lu,\"tls-established\":%lu,\"tls-protocol\":",
		        ev->sessions, ev->tls_tried, ev->tls_ok, ev->handshake_errors,
		        ev->lost_after_starttls, ev->tls_no_mail, ev->no_tls, ev->delivered,
		        ev->tls_established);
		jstr(fp, ev->proto);
		fputs(",\"reasons\":[", fp);
		for (j = 0; j < ev->nreason; j++) {
			fputs(j ? ",{\"reason\":" : "{\"reason\":", fp);
			jstr(fp, ev->reason[j].text);
			fprintf(fp, ",\"count\":%lu}", ev->reason[j].n);
		}
		fprintf(fp, "],\"clients-not-kept\":%lu,\"means\":", it->dropped);
		jstr(fp, tlsrpt_mxseen_means(it));
		fputc('}', fp);
	}
	fputc(']', fp);
}

/* json_mx_log - the top level's "mx-log" object (after a comma): what was read of smtpd */
static void json_mx_log(FILE *fp, const struct tlsrpt_digest *d)
{
	const struct tlsrpt_mxseen_stats *st;

	if (!tlsrpt_render_mx_on(d)) {
		return;
	}
	st = &d->mx->st;
	fprintf(fp,
	        ",\n\"mx-log\":{\"lines\":%llu,\"outside-period\":%llu,\"days-with-lines\":%zu,\"clients\":%llu,\"lines-not-kept\":%llu,\"failures-not-joined\":%llu}",
	        st->lines, st->outside, st->days_logged, st->clients, st->dropped,
	        st->items_dropped);
}

/* json_inventory - "policy-inventory": per domain the policies reporters saw and the findings */
static void json_inventory(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i, j, k, n = 0;

	for (i = 0; i < d->ndom; i++) {
		const struct tlsrpt_inv_domain *v =
		        tlsrpt_inventory_domain(&d->inv, d->dom[i]->name);

		if (v == NULL || v->npol == 0) {
			continue;
		}
		fputs(n++ ? ",\n{\"policy-domain\":" : "\n{\"policy-domain\":", fp);
		jstr(fp, v->name);
		fputs(",\"policies\":[", fp);
		for (j = 0; j < v->npol; j++) {
			const struct tlsrpt_inv_policy *p = &v->pol[j];

			fputs(j ? ",{\"policy-type\":" : "{\"policy-type\":", fp);
			jstr(fp, p->type);
			fputs(",\"sts-mode\":", fp);
			if (p->mode[0] != '\0') {
				jstr(fp, p->mode);
			} else {
				fputs("null", fp);
			}
			if (p->max_age >= 0) {
				fprintf(fp, ",\"max-age\":%lld", p->max_age);
			} else {
				fputs(",\"max-age\":null", fp);
			}
			fputs(",\"mx\":", fp);
			jstr(fp, p->mx);
			fputs(",\"policy-hash\":", fp);
			jstr(fp, p->hash);
			fprintf(fp,
			        ",\"first-day\":\"%s\",\"last-day\":\"%s\",\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu,\"reporters\":[",
			        tlsrpt_render_date(p->first_day).s,
			        tlsrpt_render_date(p->last_day).s, p->reports, p->ok, p->failed);
			for (k = 0; k < p->nrep; k++) {
				fputs(k ? "," : "", fp);
				jstr(fp, p->rep[k]);
			}
			fprintf(fp, "],\"reports-by-more-reporters\":%llu}", p->rep_more);
		}
		fprintf(fp, "],\"policy-lines-dropped\":%llu,\"findings\":[", v->dropped);
		for (j = 0; j < v->nfind; j++) {
			fprintf(fp,
			        "%s{\"finding\":\"%s\",\"policy\":%zu,\"other-policy\":%zu,\"day\":\"%s\",\"text\":",
			        j ? "," : "", tlsrpt_inventory_finding_name(v->find[j].kind),
			        v->find[j].a, v->find[j].b, tlsrpt_render_date(v->find[j].day).s);
			{
				char *t = NULL;
				size_t tl = 0;
				FILE *mf = open_memstream(&t, &tl);

				if (mf != NULL) {
					tlsrpt_render_inv_finding(mf, v, &v->find[j],
					                          TLSRPT_RENDER_TEXT);
					fclose(mf);
				}
				jstr(fp, t != NULL ? t : "");
				free(t);
			}
			fputc('}', fp);
		}
		fputs("]}", fp);
	}
}

/* json_mxhosts - "mx-hosts": per host of MXHosts, its DANE figures and who named it */
static void json_mxhosts(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i, j;

	for (i = 0; i < d->nourmx; i++) {
		const struct tlsrpt_digest_mxhost *m = &d->ourmx[i];
		const struct tlsrpt_digest_domain *dom = tlsrpt_digest_mxhost_domain(d, m);
		struct tlsrpt_digest_counts t = tlsrpt_render_tlsa_of(dom);

		fputs(i ? ",\n{\"mx-host\":" : "\n{\"mx-host\":", fp);
		jstr(fp, m->name);
		fprintf(fp,
		        ",\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu,\"tlsa-successful-sessions\":%llu,\"tlsa-failed-sessions\":%llu,\"reporters\":[",
		        dom != NULL ? dom->reports : 0, dom != NULL ? dom->c.ok : 0,
		        dom != NULL ? dom->c.failed : 0, t.ok, t.failed);
		for (j = 0; dom != NULL && j < dom->nrep; j++) {
			fputs(j ? ",{\"reporter\":" : "{\"reporter\":", fp);
			jstr(fp, dom->rep[j].id);
			fprintf(fp, ",\"reports\":%llu,\"failed-sessions\":%llu}",
			        dom->rep[j].reports, dom->rep[j].c.failed);
		}
		fputs("],\"failures\":[", fp);
		for (j = 0; dom != NULL && j < dom->nfail; j++) {
			const struct tlsrpt_digest_failure *f = &dom->fail[j];

			fputs(j ? ",{\"policy-type\":" : "{\"policy-type\":", fp);
			jstr(fp, f->policy_type);
			fputs(",\"result-type\":", fp);
			jstr(fp, f->result_type);
			fprintf(fp,
			        ",\"failed-sessions\":%llu,\"first-day\":\"%s\",\"last-day\":\"%s\"}",
			        f->failed, tlsrpt_render_date(f->first_day).s,
			        tlsrpt_render_date(f->last_day).s);
		}
		fputs("],\"named-by\":[", fp);
		for (j = 0; j < m->nby; j++) {
			fputs(j ? ",{\"policy-domain\":" : "{\"policy-domain\":", fp);
			jstr(fp, m->by[j].domain);
			fprintf(fp,
			        ",\"reports-with-a-policy-about-it\":%llu,\"in-mx-host\":%s,\"tlsa-failed-sessions-at-it\":%llu}",
			        m->by[j].reports, m->by[j].in_mx ? "true" : "false",
			        m->by[j].failed);
		}
		fprintf(fp, "],\"named-by-more\":%llu}", m->by_more);
	}
}

/* json_domain - one domain object */
static void json_domain(FILE *fp, const struct tlsrpt_digest *d,
                        const struct tlsrpt_digest_domain *dom, const struct tlsrpt_render_opts *o)
{
	size_t i;

	fputs("{\"policy-domain\":", fp);
	jstr(fp, dom->name);
	fprintf(fp, ",\"status\":\"%s\"",
	        tlsrpt_health_name(tlsrpt_health_of(dom, o->today, o->silent_days)));
	fprintf(fp,
	        ",\"expected\":%s,\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu,\"failure-rate\":%.4f,\"failed-sessions-without-details\":%llu,\"last-report\":",
	        dom->expected ? "true" : "false", dom->reports, dom->c.ok, dom->c.failed,
	        tlsrpt_digest_rate(&dom->c) / 100.0, dom->omitted_failed + dom->dropped);
	if (dom->last_day >= 0) {
		jstr(fp, tlsrpt_render_date(dom->last_day).s);
	} else {
		fputs("null", fp);
	}
	const struct tlsrpt_render_dns *dns =
	        dom->reports == 0 ? tlsrpt_render_dns_of(o, dom) : NULL;
	if (dns != NULL) {
		fputs(",\"dns\":{\"verdict\":", fp);
		jstr(fp, dns->verdict);
		fputs(",\"detail\":", fp);
		jstr(fp, dns->detail);
		fputc('}', fp);
	}
	fputs(",\"days\":[", fp);
	for (i = 0; i < d->ndays; i++) {
		fprintf(fp,
		        "%s{\"date\":\"%s\",\"successful-sessions\":%llu,\"failed-sessions\":%llu}",
		        i ? "," : "", tlsrpt_render_date(d->first_day + (long)i).s, dom->days[i].ok,
		        dom->days[i].failed);
	}
	fputs("],\"policies\":[", fp);
	for (i = 0; i < dom->npol; i++) {
		const struct tlsrpt_digest_policy *p = &dom->pol[i];

		fputs(i ? ",{\"policy-type\":" : "{\"policy-type\":", fp);
		jstr(fp, p->type);
		fprintf(fp, ",\"successful-sessions\":%llu,\"failed-sessions\":%llu", p->c.ok,
		        p->c.failed);
		if (p->sts_mode[0] != '\0') {
			fputs(",\"sts-mode\":", fp);
			jstr(fp, p->sts_mode);
		}
		fputc('}', fp);
	}
	fputs("],\"reporters\":[", fp);
	for (i = 0; i < dom->nrep; i++) {
		const struct tlsrpt_digest_reporter *r = &dom->rep[i];

		fputs(i ? ",{\"reporter\":" : "{\"reporter\":", fp);
		jstr(fp, r->id);
		fputs(",\"organization-name\":", fp);
		jstr(fp, r->org);
		fprintf(fp,
		        ",\"dkim\":%s,\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu,\"first-report\":\"%s\",\"last-report\":\"%s\",\"silent\":%s}",
		        r->dkim ? "true" : "false", r->reports, r->c.ok, r->c.failed,
		        tlsrpt_render_date(r->first_day).s, tlsrpt_render_date(r->last_day).s,
		        tlsrpt_render_silent(o, r->last_day) ? "true" : "false");
	}
	fputs("],\"failures\":[", fp);
	for (i = 0; i < dom->nfail; i++) {
		const struct tlsrpt_digest_failure *f = &dom->fail[i];
		const struct tlsrpt_meaning *m = tlsrpt_meaning_result(f->result_type);

		fputs(i ? ",{\"policy-type\":" : "{\"policy-type\":", fp);
		jstr(fp, f->policy_type);
		fputs(",\"result-type\":", fp);
		jstr(fp, f->result_type);
		fputs(",\"receiving-mx-hostname\":", fp);
		jstr(fp, f->mx);
		fputs(",\"receiving-ip\":", fp);
		jstr(fp, f->ip);
		fputs(",\"failure-reason-code\":", fp);
		jstr(fp, f->reason);
		fprintf(fp,
		        ",\"failed-sessions\":%llu,\"first-day\":\"%s\",\"last-day\":\"%s\",\"reporters\":[",
		        f->failed, tlsrpt_render_date(f->first_day).s,
		        tlsrpt_render_date(f->last_day).s);
		tlsrpt_render_fail_reporters(fp, dom, f, TLSRPT_RENDER_JSON);
		fputs("],\"meaning\":", fp);
		if (m != NULL) {
			jstr(fp, m->meaning);
			fputs(",\"fix\":", fp);
			jstr(fp, m->fix);
		} else {
			fputs("null,\"fix\":null", fp);
		}
		fputc('}', fp);
	}
	fputc(']', fp);
	json_mx(fp, d, dom);
	fputc('}', fp);
}

/* json_dups - the kept duplicates (input.duplicates counts them all) */
static void json_dups(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i;

	for (i = 0; i < d->ndup; i++) {
		const struct tlsrpt_digest_dup *x = &d->dup[i];

		fputs(i ? ",\n{\"report-id\":" : "\n{\"report-id\":", fp);
		jstr(fp, x->report_id);
		fputs(",\"reporter\":", fp);
		jstr(fp, x->reporter);
		fputs(",\"policy-domain\":", fp);
		jstr(fp, x->domain);
		fprintf(fp, ",\"day\":\"%s\",\"host\":", tlsrpt_render_date(x->day).s);
		jstr(fp, x->host);
		fputs(",\"queue-id\":", fp);
		jstr(fp, x->qid);
		if (x->first_known) {
			fputs(",\"counted-host\":", fp);
			jstr(fp, x->first_host);
			fputs(",\"counted-queue-id\":", fp);
			jstr(fp, x->first_qid);
		} else {
			fputs(",\"counted-host\":null,\"counted-queue-id\":null", fp);
		}
		fprintf(fp, ",\"lines-left-out\":%llu}", x->lines);
	}
}

/* tlsrpt_render_json - the digest as one JSON object */
int tlsrpt_render_json(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	char note[LEFT_OUT_NOTE];
	struct tlsrpt_digest_counts all;
	size_t i, n;

	tlsrpt_render_totals(d, &all);
	fprintf(fp,
	        "{\"version\":1,\"from\":\"%s\",\"to\":\"%s\",\"days\":%zu,\"today\":\"%s\",\"silent-days\":%d,\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu,",
	        tlsrpt_render_date(d->first_day).s, tlsrpt_render_date(d->last_day).s, d->ndays,
	        tlsrpt_render_date(o->today).s, o->silent_days, d->st.reports, all.ok, all.failed);
	fprintf(fp,
	        "\"input\":{\"lines\":%llu,\"duplicates\":%llu,\"outside-period\":%llu,\"orphans\":%llu,\"malformed\":%llu,\"cut\":%llu,\"errors\":%llu,\"ignored\":%llu,\"limited\":%llu},\n\"report-omitted\":{\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu},\n",
	        d->st.lines, d->st.duplicates, d->st.outside, d->st.orphans, d->st.malformed,
	        d->st.cut, d->st.errors, d->st.ignored, d->st.limited, d->st.omitted_reports,
	        d->st.omitted_ok, d->st.omitted_failed);
	fprintf(fp,
	        "\"left-out\":{\"limit\":%d,\"domains\":%llu,\"reports\":%llu,\"failed-sessions\":%llu,\"note\":",
	        TLSRPT_LOOKOUT_MAX_OTHERS, d->st.left_out.names, d->st.left_out.reports,
	        d->st.left_out.failed);
	if (tlsrpt_digest_left_out(d, note, sizeof(note))) {
		jstr(fp, note);
	} else {
		fputs("null", fp);
	}
	fputs("},\n\"domains\":[", fp);
	for (i = 0, n = 0; i < d->ndom; i++) {
		if (d->dom[i]->mxhost) {
			continue;
		}
		fputs(n++ ? ",\n" : "\n", fp);
		json_domain(fp, d, d->dom[i], o);
	}
	fputs("\n],\n\"mx-hosts\":[", fp);
	json_mxhosts(fp, d);
	fputs("\n],\n\"policy-inventory\":[", fp);
	json_inventory(fp, d);
	fputs("\n],\n\"duplicates\":[", fp);
	json_dups(fp, d);
	fputc(']', fp);
	json_mx_log(fp, d);
	fputs("}\n", fp);
	fflush(fp);
	return ferror(fp) ? -1 : 0;
}
