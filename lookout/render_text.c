/*
 * render_text.c - the plain-text digest
 *
 * Every domain's verdict first, then the totals, the domains with their
 * sparklines, the duplicates, silent reporters and what the failures mean;
 * lines of at most 76 columns where the words are ours (wrap).
 */
#include "config.h" /* _GNU_SOURCE: open_memstream */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bucket.h"
#include "health.h"
#include "meaning.h"
#include "mxseen.h"
#include "render.h"
#include "render_share.h"

/* wrap - trusted text in lines of at most 76 columns, each led by indent */
static void wrap(FILE *fp, const char *indent, const char *text)
{
	size_t col = 0, ind = strlen(indent);
	const char *p = text;

	while (*p != '\0') {
		const char *e = strchr(p, ' ');
		size_t w = e != NULL ? (size_t)(e - p) : strlen(p);

		if (col == 0) {
			fputs(indent, fp);
			col = ind;
		} else if (col + 1 + w > 76) {
			fprintf(fp, "\n%s", indent);
			col = ind;
		} else {
			fputc(' ', fp);
			col++;
		}
		fwrite(p, 1, w, fp);
		col += w;
		p += w;
		while (*p == ' ') {
			p++;
		}
	}
	fputc('\n', fp);
}

/* spark - one sparkline over the plan's cells; *most gets the largest cell */
static void spark(FILE *fp, const struct tlsrpt_bucket_plan *plan,
                  const struct tlsrpt_digest_counts *cells, int failed, unsigned long long *most)
{
	static const char *const bars[] = {"\u2581", "\u2582", "\u2583", "\u2584",
	                                   "\u2585", "\u2586", "\u2587", "\u2588"};
	unsigned long long max = 0;
	size_t i;

	for (i = 0; i < plan->n; i++) {
		unsigned long long v = failed ? cells[i].failed : cells[i].ok + cells[i].failed;

		if (v > max) {
			max = v;
		}
	}
	for (i = 0; i < plan->n; i++) {
		unsigned long long v = failed ? cells[i].failed : cells[i].ok + cells[i].failed;

		fputs(v == 0 ? "\u00b7" : bars[(v * 7 + max - 1) / max], fp);
	}
	*most = max;
}

/* text_mx - the domain's failures joined to what our MX logged */
static void text_mx(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom)
{
	const struct tlsrpt_mxseen_item *it;
	size_t i;

	if (!tlsrpt_render_mx_any(d, dom)) {
		return;
	}
	fputs("   at our MX, per reported failure (Postfix smtpd lines of the day):\n", fp);
	for (i = 0; (it = tlsrpt_render_mx_next(d, dom, &i)) != NULL;) {
		fprintf(fp, "   %s ", tlsrpt_render_date(it->day).s);
		tlsrpt_render_put(fp, it->result_type, TLSRPT_RENDER_TEXT);
		fputs(" from ", fp);
		tlsrpt_render_put(fp, it->reporter, TLSRPT_RENDER_TEXT);
		if (it->sending_ip[0] != '\0') {
			fputs(" sending-mta-ip ", fp);
			tlsrpt_render_put(fp, it->sending_ip, TLSRPT_RENDER_TEXT);
		}
		if (it->mx[0] != '\0') {
			fputs(" mx ", fp);
			tlsrpt_render_put(fp, it->mx, TLSRPT_RENDER_TEXT);
		}
		if (it->ip[0] != '\0') {
			fputs(" ip ", fp);
			tlsrpt_render_put(fp, it->ip, TLSRPT_RENDER_TEXT);
		}
		fprintf(fp, ", %llu failed: %s\n      our MX logged: ", it->failed,
		        tlsrpt_mxseen_verdict_name(it->verdict));
		tlsrpt_render_mx_evidence(fp, it, TLSRPT_RENDER_TEXT);
		fputc('\n', fp);
		wrap(fp, "      ", tlsrpt_mxseen_means(it));
	}
	if (d->mx->st.items_dropped > 0) {
		fputs("   ", fp);
		tlsrpt_render_mx_dropped(fp, d);
		fputc('\n', fp);
	}
}

/* text_failure - one failure kind of a domain */
static void text_failure(FILE *fp, const struct tlsrpt_digest_domain *dom,
                         const struct tlsrpt_digest_failure *f)
{
	fputs("   failure ", fp);
	tlsrpt_render_put(fp, f->result_type, TLSRPT_RENDER_TEXT);
	fputs(" (", fp);
	tlsrpt_render_put(fp, f->policy_type, TLSRPT_RENDER_TEXT);
	fputc(')', fp);
	if (f->mx[0] != '\0') {
		fputs(" mx ", fp);
		tlsrpt_render_put(fp, f->mx, TLSRPT_RENDER_TEXT);
	}
	if (f->ip[0] != '\0') {
		fputs(" ip ", fp);
		tlsrpt_render_put(fp, f->ip, TLSRPT_RENDER_TEXT);
	}
	fputs(": ", fp);
	tlsrpt_render_cnt(fp, f->failed, "failed session", "failed sessions");
	fprintf(fp, "%s%s, reported by ", f->first_day == f->last_day ? " on " : ", ",
	        tlsrpt_render_range(f->first_day, f->last_day).s);
	tlsrpt_render_fail_reporters(fp, dom, f, TLSRPT_RENDER_TEXT);
	if (f->reason[0] != '\0') {
		fputs("; reason ", fp);
		tlsrpt_render_put(fp, f->reason, TLSRPT_RENDER_TEXT);
	}
	fputc('\n', fp);
}

/* text_domain - one domain's section */
static void text_domain(FILE *fp, const struct tlsrpt_digest *d,
                        const struct tlsrpt_digest_domain *dom, const struct tlsrpt_render_opts *o,
                        const struct tlsrpt_bucket_plan *plan)
{
	const struct tlsrpt_digest_policy *weak = tlsrpt_render_sts_weak(dom);
	enum tlsrpt_health hv = tlsrpt_health_of(dom, o->today, o->silent_days);
	struct tlsrpt_digest_counts cells[TLSRPT_BUCKET_MAX];
	const char *unit = tlsrpt_bucket_unit_name(plan->unit);
	unsigned long long most;
	size_t i;

	fputs("\n== ", fp);
	tlsrpt_render_put(fp, dom->name, TLSRPT_RENDER_TEXT);
	fputs(" (", fp);
	for (i = 0; tlsrpt_health_name(hv)[i] != '\0'; i++) {
		fputc(tlsrpt_health_name(hv)[i] - 'a' + 'A', fp);
	}
	fputs("): ", fp);
	tlsrpt_render_figures(fp, &dom->c, dom->reports, TLSRPT_RENDER_TEXT);
	fputc('\n', fp);
	if (dom->reports == 0) {
		const struct tlsrpt_render_dns *dns = tlsrpt_render_dns_of(o, dom);
		fputs("   ", fp);
		tlsrpt_render_no_report(fp, dom, 0);
		fputc('\n', fp);
		if (dns != NULL) {
			fputs("   ", fp);
			tlsrpt_render_dns_line(fp, dns, TLSRPT_RENDER_TEXT);
			fputc('\n', fp);
		}
		return;
	}
	tlsrpt_render_cell_counts(d, dom, plan, cells);
	fprintf(fp, "   sessions per %-5s ", unit);
	spark(fp, plan, cells, 0, &most);
	fprintf(fp, "  most %s\n", tlsrpt_render_num(most).s);
	fprintf(fp, "   failed per %-7s ", unit);
	spark(fp, plan, cells, 1, &most);
	fprintf(fp, "  most %s\n", tlsrpt_render_num(most).s);
	if (plan->unit != TLSRPT_BUCKET_DAY) {
		fprintf(fp, "   (one mark per %s, the first from %s%s)\n", unit,
		        tlsrpt_render_date(plan->cell[0].first).s,
		        plan->unit == TLSRPT_BUCKET_WEEK ? "; weeks start on Monday" : "");
	}
	for (i = 0; i < dom->npol; i++) {
		const struct tlsrpt_digest_policy *p = &dom->pol[i];

		fputs("   policy ", fp);
		tlsrpt_render_put(fp, p->type, TLSRPT_RENDER_TEXT);
		fprintf(fp, ": %s successful, %s failed", tlsrpt_render_num(p->c.ok).s,
		        tlsrpt_render_num(p->c.failed).s);
		if (p->sts_mode[0] != '\0') {
			fputs(", mode ", fp);
			tlsrpt_render_put(fp, p->sts_mode, TLSRPT_RENDER_TEXT);
		}
		fputc('\n', fp);
	}
	for (i = 0; i < dom->nrep; i++) {
		const struct tlsrpt_digest_reporter *r = &dom->rep[i];

		fputs("   reporter ", fp);
		tlsrpt_render_put(fp, r->id, TLSRPT_RENDER_TEXT);
		if (r->org[0] != '\0') {
			fputs(" \"", fp);
			tlsrpt_render_put(fp, r->org, TLSRPT_RENDER_TEXT);
			fputc('"', fp);
		}
		fputs(r->dkim ? " (DKIM): " : ": ", fp);
		tlsrpt_render_cnt(fp, r->reports, "report", "reports");
		fputs(", ", fp);
		tlsrpt_render_cnt(fp, r->c.ok + r->c.failed, "session", "sessions");
		fprintf(fp, ", %s failed, last %s%s\n", tlsrpt_render_num(r->c.failed).s,
		        tlsrpt_render_date(r->last_day).s,
		        tlsrpt_render_silent(o, r->last_day) ? ", SILENT" : "");
	}
	if (dom->reports_unlisted > 0) {
		fputs("   ", fp);
		tlsrpt_render_unlisted(fp, dom);
		fputc('\n', fp);
	}
	for (i = 0; i < dom->nfail; i++) {
		text_failure(fp, dom, &dom->fail[i]);
	}
	if (dom->omitted_failed + dom->dropped > 0) {
		fputs("   ", fp);
		tlsrpt_render_no_details(fp, dom);
		fputc('\n', fp);
	}
	if (weak != NULL) {
		fputs("   note: ", fp);
		tlsrpt_render_sts_note(fp, weak, TLSRPT_RENDER_TEXT);
		fputc('\n', fp);
	}
	text_mx(fp, d, dom);
}

/*
 * text_inventory - "Policies reporters saw": per domain ("-- NAME", apart
 * from the domain sections' "== NAME") its policies, then its findings
 */
static void text_inventory(FILE *fp, const struct tlsrpt_digest *d)
{
	const struct tlsrpt_inv_domain *v;
	size_t i, j;
	int any = 0;

	for (i = 0; (v = tlsrpt_render_inv_next(d, &i)) != NULL;) {
		if (!any) {
			fputs("\nPolicies reporters saw\n", fp);
			any = 1;
		}
		fputs("\n-- ", fp);
		tlsrpt_render_put(fp, v->name, TLSRPT_RENDER_TEXT);
		fputc('\n', fp);
		for (j = 0; j < v->npol; j++) {
			const struct tlsrpt_inv_policy *p = &v->pol[j];

			fputs("   ", fp);
			tlsrpt_render_inv_policy(fp, p, TLSRPT_RENDER_TEXT);
			fprintf(fp, ": %s, ", tlsrpt_render_range(p->first_day, p->last_day).s);
			tlsrpt_render_cnt(fp, p->reports, "report", "reports");
			fputs(" (", fp);
			tlsrpt_render_inv_reporters(fp, p, TLSRPT_RENDER_TEXT);
			fputs("), ", fp);
			tlsrpt_render_cnt(fp, p->ok + p->failed, "session", "sessions");
			fprintf(fp, ", %s failed\n", tlsrpt_render_num(p->failed).s);
		}
		if (v->dropped > 0) {
			fputs("   and ", fp);
			tlsrpt_render_cnt(fp, v->dropped, "policy line", "policy lines");
			fputs(" of further policies (only the first are kept)\n", fp);
		}
		for (j = 0; j < v->nfind; j++) {
			fputs("   finding: ", fp);
			tlsrpt_render_inv_finding(fp, v, &v->find[j], TLSRPT_RENDER_TEXT);
			fputc('\n', fp);
		}
	}
}

/* text_mention - "named by DOMAIN: ..." under one of our MX hosts */
static void text_mention(FILE *fp, const struct tlsrpt_digest_mention *x)
{
	const char *sep = ": ";

	fputs("   named by ", fp);
	tlsrpt_render_put(fp, x->domain, TLSRPT_RENDER_TEXT);
	if (x->reports > 0) {
		fputs(sep, fp);
		tlsrpt_render_cnt(fp, x->reports, "report", "reports");
		fputs(" with a policy about it", fp);
		sep = ", ";
	}
	if (x->in_mx) {
		fprintf(fp, "%sits policies' mx-host", sep);
		sep = ", ";
	}
	if (x->failed > 0) {
		fputs(sep, fp);
		tlsrpt_render_cnt(fp, x->failed, "failed DANE session", "failed DANE sessions");
		fputs(" at it", fp);
	}
	fputc('\n', fp);
}

/*
 * text_mxhosts - "Our MX hosts": per host named by MXHosts, the reports
 * whose policy domain is the host (DANE senders report under the name
 * their TLSA records live under), apart from the policy domains
 */
static void text_mxhosts(FILE *fp, const struct tlsrpt_digest *d,
                         const struct tlsrpt_render_opts *o)
{
	size_t i, j;

	if (d->nourmx == 0) {
		return;
	}
	fputs("\nOur MX hosts (reports about the host itself, as DANE senders write them)\n", fp);
	for (i = 0; i < d->nourmx; i++) {
		const struct tlsrpt_digest_mxhost *m = &d->ourmx[i];
		const struct tlsrpt_digest_domain *dom = tlsrpt_digest_mxhost_domain(d, m);
		struct tlsrpt_digest_counts t = tlsrpt_render_tlsa_of(dom);

		fputs("\n== ", fp);
		tlsrpt_render_put(fp, m->name, TLSRPT_RENDER_TEXT);
		if (dom == NULL || dom->reports == 0) {
			fputs(": no report about it in the period\n", fp);
		} else {
			fprintf(fp, " (%s): DANE (tlsa) ", dom->c.failed > 0 ? "FAILING" : "FINE");
			tlsrpt_render_figures(fp, &t, dom->reports, TLSRPT_RENDER_TEXT);
			fputc('\n', fp);
			for (j = 0; j < dom->npol; j++) {
				if (strcmp(dom->pol[j].type, "tlsa") == 0) {
					continue;
				}
				fputs("   policy ", fp);
				tlsrpt_render_put(fp, dom->pol[j].type, TLSRPT_RENDER_TEXT);
				fprintf(fp, ": %s successful, %s failed\n",
				        tlsrpt_render_num(dom->pol[j].c.ok).s,
				        tlsrpt_render_num(dom->pol[j].c.failed).s);
			}
			for (j = 0; j < dom->nrep; j++) {
				const struct tlsrpt_digest_reporter *r = &dom->rep[j];

				fputs("   reporter ", fp);
				tlsrpt_render_put(fp, r->id, TLSRPT_RENDER_TEXT);
				fputs(r->dkim ? " (DKIM): " : ": ", fp);
				tlsrpt_render_cnt(fp, r->reports, "report", "reports");
				fputs(", ", fp);
				tlsrpt_render_cnt(fp, r->c.ok + r->c.failed, "session", "sessions");
				fprintf(fp, ", %s failed, last %s%s\n",
				        tlsrpt_render_num(r->c.failed).s,
				        tlsrpt_render_date(r->last_day).s,
				        tlsrpt_render_silent(o, r->last_day) ? ", SILENT" : "");
			}
			for (j = 0; j < dom->nfail; j++) {
				text_failure(fp, dom, &dom->fail[j]);
			}
		}
		for (j = 0; j < m->nby; j++) {
			text_mention(fp, &m->by[j]);
		}
		if (m->by_more > 0) {
			fputs("   and ", fp);
			tlsrpt_render_first_listed(fp, m->by_more, "more mention", "more mentions",
			                           " by other domains");
			fputc('\n', fp);
		}
	}
}

/* text_glance - every domain's verdict, most urgent first, names nobody named after ours */
static void text_glance(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o,
                        const size_t *order, size_t ours)
{
	size_t i, w = 0;

	/* names line up in a column as wide as the longest of at most 24 bytes */
	for (i = 0; i < d->ndom; i++) {
		size_t n = strlen(d->dom[i]->name);

		if (n > w && n <= 24) {
			w = n;
		}
	}
	fputs("\nAt a glance\n", fp);
	if (d->ndom == 0) {
		fputs("   no domain: no report in the input and none named (--domain, --config)\n",
		      fp);
	}
	for (i = 0; i < d->ndom; i++) {
		const struct tlsrpt_digest_domain *dom = d->dom[order[i]];
		enum tlsrpt_health hv = tlsrpt_health_of(dom, o->today, o->silent_days);
		size_t n = strlen(dom->name);
		char tag[16];
		size_t k;

		if (i == ours) {
			fputc(' ', fp);
			tlsrpt_render_theirs(fp);
			fputc('\n', fp);
		}
		for (k = 0; tlsrpt_health_name(hv)[k] != '\0'; k++) {
			tag[k] = (char)(tlsrpt_health_name(hv)[k] - 'a' + 'A');
		}
		tag[k] = '\0';
		fprintf(fp, "   %-8s ", tag);
		tlsrpt_render_put(fp, dom->name, TLSRPT_RENDER_TEXT);
		fprintf(fp, "%*s  ", n < w ? (int)(w - n) : 0, "");
		tlsrpt_render_glance(fp, d, dom, hv, o, TLSRPT_RENDER_TEXT);
		fputc('\n', fp);
	}
}

/* text_dups - each kept duplicate: which report, where, and why it counted once */
static void text_dups(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i;

	if (d->st.duplicates == 0) {
		return;
	}
	fputc('\n', fp);
	tlsrpt_render_dup_title(fp, TLSRPT_RENDER_TEXT);
	fputc('\n', fp);
	for (i = 0; i < d->ndup; i++) {
		const struct tlsrpt_digest_dup *x = &d->dup[i];
		char *s = NULL;
		size_t n = 0;
		FILE *mf;

		fputs("   report-id ", fp);
		tlsrpt_render_put(fp, x->report_id, TLSRPT_RENDER_TEXT);
		fputs(" from ", fp);
		tlsrpt_render_put(fp, x->reporter, TLSRPT_RENDER_TEXT);
		fputs(" for ", fp);
		tlsrpt_render_put(fp, x->domain, TLSRPT_RENDER_TEXT);
		fprintf(fp, ", %s:\n", tlsrpt_render_date(x->day).s);
		/* the explanation, wrapped: values in it are already cleaned */
		if ((mf = open_memstream(&s, &n)) != NULL) {
			tlsrpt_render_dup_why(mf, x, TLSRPT_RENDER_TEXT);
			fputc('.', mf);
			if (fclose(mf) == 0) {
				wrap(fp, "     ", s);
			}
			free(s);
		}
	}
	if (d->st.duplicates > d->ndup) {
		fputs("   and ", fp);
		tlsrpt_render_first_listed(fp, d->st.duplicates - d->ndup, "more", "more", "");
		fputc('\n', fp);
	}
}

/* tlsrpt_render_text - the plain-text digest */
int tlsrpt_render_text(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	static const struct tlsrpt_render_markup lines = {"\n", "\n", "   ", "\n", ""};
	char note[LEFT_OUT_NOTE];
	const struct tlsrpt_meaning *tab;
	struct tlsrpt_bucket_plan plan;
	size_t order[TLSRPT_LOOKOUT_MAX_DOMAINS];
	size_t i, n, ours;
	int any;

	tlsrpt_render_plan_of(d, &plan);
	ours = tlsrpt_health_order(d, o->today, o->silent_days, order);
	fprintf(fp, "TLS-RPT digest for %s to %s (", tlsrpt_render_date(d->first_day).s,
	        tlsrpt_render_date(d->last_day).s);
	tlsrpt_render_cnt(fp, d->ndays, "day", "days");
	fputs(")\n", fp);
	if (tlsrpt_digest_left_out(d, note, sizeof(note))) {
		fprintf(fp, "%s\n", note);
	}
	text_glance(fp, d, o, order, ours);
	fputc('\n', fp);
	tlsrpt_render_input(fp, d, TLSRPT_RENDER_TEXT);
	for (i = 0; i < d->ndom; i++) {
		if (!d->dom[order[i]]->mxhost) {
			text_domain(fp, d, d->dom[order[i]], o, &plan);
		}
	}
	text_inventory(fp, d);
	text_mxhosts(fp, d, o);
	text_dups(fp, d);
	tlsrpt_render_silent_list(fp, d, o, order, &lines, TLSRPT_RENDER_TEXT);
	any = 0;
	for (i = 0; i < d->ndom; i++) {
		if (d->dom[order[i]]->reports == 0 && !d->dom[order[i]]->mxhost) {
			fputs(any ? ", " : "\nDomains with no report in the period: ", fp);
			tlsrpt_render_put(fp, d->dom[order[i]]->name, TLSRPT_RENDER_TEXT);
			any = 1;
		}
	}
	if (any) {
		fputc('\n', fp);
	}
	if (o->meanings) {
		tab = tlsrpt_meaning_all(&n);
		any = 0;
		for (i = 0; i < n; i++) {
			if (!tlsrpt_render_meaning_used(d, &tab[i])) {
				continue;
			}
			if (!any) {
				fputs("\nWhat the failures mean\n", fp);
				any = 1;
			}
			fprintf(fp, "\n   %s: %s\n", tab[i].name, tab[i].title);
			wrap(fp, "     ", tab[i].meaning);
			fputs("     Fix:\n", fp);
			wrap(fp, "     ", tab[i].fix);
		}
	}
	fflush(fp);
	return ferror(fp) ? -1 : 0;
}
