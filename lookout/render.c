/*
 * render.c - write a finished digest as text, HTML, JSON or Prometheus text
 *
 * One cleaning walk (put_value) serves every format: it goes one UTF-8
 * character at a time (escape.h's tlsrpt_utf8_seqlen), writes what is
 * unsafe as \xHH text and escapes what the format needs.  The trusted
 * texts (meaning.h, our own words) go through the same walk in HTML.
 */
#include "config.h" /* _GNU_SOURCE: memmem, memrchr */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "escape.h"
#include "logline.h"
#include "meaning.h"
#include "render.h"

enum mode { M_TEXT, M_HTML, M_JSON, M_PROM };

/* unsafe_cp - code points that could reorder or break a line when shown */
static int unsafe_cp(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0x061c ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* put_value - write s cleaned and escaped for the mode */
static void put_value(FILE *fp, const char *str, enum mode m)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;

		if (c >= 0x20 && c < 0x7f) {
			if (m == M_HTML &&
			    (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'')) {
				fprintf(fp, "&#%u;", c);
			} else if ((m == M_JSON || m == M_PROM) && (c == '"' || c == '\\')) {
				fputc('\\', fp);
				fputc(c, fp);
			} else {
				fputc(c, fp);
			}
			i++;
			continue;
		}
		k = c < 0x80 ? 0 : tlsrpt_utf8_seqlen(s + i, n - i);
		if (k > 1) {
			unsigned long cp = k == 2   ? (c & 0x1fUL)
			                   : k == 3 ? (c & 0x0fUL)
			                            : (c & 0x07UL);
			size_t j;

			for (j = 1; j < k; j++) {
				cp = (cp << 6) | (s[i + j] & 0x3fUL);
			}
			if (!unsafe_cp(cp)) {
				fwrite(s + i, 1, k, fp);
				i += k;
				continue;
			}
		} else {
			k = 1;
		}
		for (; k > 0; k--, i++) {
			fprintf(fp, m == M_JSON || m == M_PROM ? "\\\\x%02x" : "\\x%02x", s[i]);
		}
	}
}

/* tlsrpt_render_failed - failed sessions over all domains and in reports logged without lines */
unsigned long long tlsrpt_render_failed(const struct tlsrpt_digest *d)
{
	unsigned long long f = d->st.omitted_failed;
	size_t i;

	for (i = 0; i < d->ndom; i++) {
		f += d->dom[i]->c.failed;
	}
	return f;
}

/* tlsrpt_render_silent - nothing from it for silent_days days up to today */
int tlsrpt_render_silent(const struct tlsrpt_render_opts *o, long last_day)
{
	return last_day >= 0 && last_day <= o->today - o->silent_days;
}

/* date - a day as text in a static-free buffer */
struct datestr {
	char s[16];
};
static struct datestr date(long day)
{
	struct datestr r;

	if (day < 0) {
		strcpy(r.s, "never");
	} else {
		tlsrpt_calendar_date(day, r.s, sizeof(r.s));
	}
	return r;
}

/* totals - sessions and failed over all domains */
static void totals(const struct tlsrpt_digest *d, struct tlsrpt_digest_counts *c)
{
	size_t i;

	c->ok = c->failed = 0;
	for (i = 0; i < d->ndom; i++) {
		c->ok += d->dom[i]->c.ok;
		c->failed += d->dom[i]->c.failed;
	}
}

/* sts_weak - the domain's sts policy mode when it is testing or none, else NULL */
static const struct tlsrpt_digest_policy *sts_weak(const struct tlsrpt_digest_domain *dom)
{
	size_t i;

	for (i = 0; i < dom->npol; i++) {
		const struct tlsrpt_digest_policy *p = &dom->pol[i];

		if (strcmp(p->type, "sts") == 0 &&
		    (strcmp(p->sts_mode, "testing") == 0 || strcmp(p->sts_mode, "none") == 0)) {
			return p;
		}
	}
	return NULL;
}

/* used_result - 1 when some domain fails with this result type */
static int used_result(const struct tlsrpt_digest *d, const char *rt)
{
	size_t i, j;

	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->nfail; j++) {
			if (strcmp(d->dom[i]->fail[j].result_type, rt) == 0) {
				return 1;
			}
		}
	}
	return 0;
}

/* used_reason - 1 when some failure carries a reason code with this meaning */
static int used_reason(const struct tlsrpt_digest *d, const struct tlsrpt_meaning *m)
{
	size_t i, j;

	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->nfail; j++) {
			const char *r = d->dom[i]->fail[j].reason;

			if (r[0] != '\0' && tlsrpt_meaning_reason(r, strlen(r)) == m) {
				return 1;
			}
		}
	}
	return 0;
}

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

/* spark - one sparkline of the values */
static void spark(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom,
                  int failed, unsigned long long *most)
{
	static const char *const bars[] = {"\u2581", "\u2582", "\u2583", "\u2584",
	                                   "\u2585", "\u2586", "\u2587", "\u2588"};
	unsigned long long max = 0;
	size_t i;

	for (i = 0; i < d->ndays; i++) {
		unsigned long long v =
		        failed ? dom->days[i].failed : dom->days[i].ok + dom->days[i].failed;

		if (v > max) {
			max = v;
		}
	}
	for (i = 0; i < d->ndays; i++) {
		unsigned long long v =
		        failed ? dom->days[i].failed : dom->days[i].ok + dom->days[i].failed;

		fputs(v == 0 ? "\u00b7" : bars[(v * 7 + max - 1) / max], fp);
	}
	*most = max;
}

/* dns_of - what DNS said of dom's _smtp._tls record, NULL when not asked */
static const struct tlsrpt_render_dns *dns_of(const struct tlsrpt_render_opts *o,
                                              const struct tlsrpt_digest_domain *dom)
{
	for (size_t i = 0; i < o->ndns; i++) {
		if (strcmp(o->dns[i].domain, dom->name) == 0) {
			return &o->dns[i];
		}
	}
	return NULL;
}

/* text_domain - one domain's section */
static void text_domain(FILE *fp, const struct tlsrpt_digest *d,
                        const struct tlsrpt_digest_domain *dom, const struct tlsrpt_render_opts *o)
{
	const struct tlsrpt_digest_policy *weak = sts_weak(dom);
	unsigned long long most;
	size_t i, j;

	fputs("\n== ", fp);
	put_value(fp, dom->name, M_TEXT);
	fprintf(fp, ": %llu sessions, %llu failed (%.2f%%), %llu reports\n",
	        dom->c.ok + dom->c.failed, dom->c.failed, tlsrpt_digest_rate(&dom->c),
	        dom->reports);
	if (dom->reports == 0) {
		const struct tlsrpt_render_dns *dns = dns_of(o, dom);
		fprintf(fp, "   no report in the period (last report: %s)\n",
		        date(dom->last_day).s);
		if (dns != NULL) {
			fputs("   DNS: _smtp._tls record ", fp);
			put_value(fp, dns->verdict, M_TEXT);
			fputs(": ", fp);
			put_value(fp, dns->detail, M_TEXT);
			fputc('\n', fp);
		}
		return;
	}
	fputs("   sessions per day  ", fp);
	spark(fp, d, dom, 0, &most);
	fprintf(fp, "  most %llu\n", most);
	fputs("   failed per day    ", fp);
	spark(fp, d, dom, 1, &most);
	fprintf(fp, "  most %llu\n", most);
	for (i = 0; i < dom->npol; i++) {
		const struct tlsrpt_digest_policy *p = &dom->pol[i];

		fputs("   policy ", fp);
		put_value(fp, p->type, M_TEXT);
		fprintf(fp, ": %llu successful, %llu failed", p->c.ok, p->c.failed);
		if (p->sts_mode[0] != '\0') {
			fputs(", mode ", fp);
			put_value(fp, p->sts_mode, M_TEXT);
		}
		fputc('\n', fp);
	}
	for (i = 0; i < dom->nrep; i++) {
		const struct tlsrpt_digest_reporter *r = &dom->rep[i];

		fputs("   reporter ", fp);
		put_value(fp, r->id, M_TEXT);
		if (r->org[0] != '\0') {
			fputs(" \"", fp);
			put_value(fp, r->org, M_TEXT);
			fputc('"', fp);
		}
		fprintf(fp, "%s: %llu reports, %llu sessions, %llu failed, last %s%s\n",
		        r->dkim ? " (DKIM)" : "", r->reports, r->c.ok + r->c.failed, r->c.failed,
		        date(r->last_day).s,
		        tlsrpt_render_silent(o, r->last_day) ? ", SILENT" : "");
	}
	for (i = 0; i < dom->nfail; i++) {
		const struct tlsrpt_digest_failure *f = &dom->fail[i];
		int first = 1;

		fputs("   failure ", fp);
		put_value(fp, f->result_type, M_TEXT);
		fputs(" (", fp);
		put_value(fp, f->policy_type, M_TEXT);
		fputc(')', fp);
		if (f->mx[0] != '\0') {
			fputs(" mx ", fp);
			put_value(fp, f->mx, M_TEXT);
		}
		if (f->ip[0] != '\0') {
			fputs(" ip ", fp);
			put_value(fp, f->ip, M_TEXT);
		}
		fprintf(fp, ": %llu failed sessions, %s to %s, from ", f->failed,
		        date(f->first_day).s, date(f->last_day).s);
		for (j = 0; j < dom->nrep && j < 64; j++) {
			if (f->reporters & (1ULL << j)) {
				fputs(first ? "" : ", ", fp);
				put_value(fp, dom->rep[j].id, M_TEXT);
				first = 0;
			}
		}
		if (f->reason[0] != '\0') {
			fputs("; reason ", fp);
			put_value(fp, f->reason, M_TEXT);
		}
		fputc('\n', fp);
	}
	if (dom->omitted_failed + dom->dropped > 0) {
		fprintf(fp, "   %llu failed sessions without details in the log\n",
		        dom->omitted_failed + dom->dropped);
	}
	if (weak != NULL) {
		fprintf(fp,
		        "   note: MTA-STS policy in %s mode (reported %s): senders do not enforce it\n",
		        strcmp(weak->sts_mode, "none") == 0 ? "none" : "testing",
		        date(weak->sts_day).s);
	}
}

/* tlsrpt_render_text - the plain-text digest */
int tlsrpt_render_text(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	struct tlsrpt_digest_counts all;
	const struct tlsrpt_meaning *tab;
	size_t i, j, n;
	int any;

	totals(d, &all);
	fprintf(fp, "TLS-RPT digest for %s to %s (%zu days)\n", date(d->first_day).s,
	        date(d->last_day).s, d->ndays);
	fprintf(fp,
	        "%llu reports, %llu duplicates not counted; %llu sessions, %llu failed (%.2f%%)\n",
	        d->st.reports, d->st.duplicates, all.ok + all.failed, all.failed,
	        tlsrpt_digest_rate(&all));
	if (d->st.cut > 0) {
		fprintf(fp,
		        "%llu reports had a log line cut on its way (a syslog relay's limit): not counted, in no domain's figures\n",
		        d->st.cut);
	}
	if (d->st.omitted_reports > 0) {
		fprintf(fp,
		        "%llu more reports (%llu sessions, %llu failed) were logged without their lines (report-omitted): in no domain's figures\n",
		        d->st.omitted_reports, d->st.omitted_ok + d->st.omitted_failed,
		        d->st.omitted_failed);
	}
	for (i = 0; i < d->ndom; i++) {
		text_domain(fp, d, d->dom[i], o);
	}
	any = 0;
	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->nrep; j++) {
			const struct tlsrpt_digest_reporter *r = &d->dom[i]->rep[j];

			if (tlsrpt_render_silent(o, r->last_day)) {
				if (!any) {
					fprintf(fp, "\nReporters silent for %d days or more\n",
					        o->silent_days);
					any = 1;
				}
				fputs("   ", fp);
				put_value(fp, d->dom[i]->name, M_TEXT);
				fputs(": ", fp);
				put_value(fp, r->id, M_TEXT);
				fprintf(fp, ", last report %s\n", date(r->last_day).s);
			}
		}
	}
	any = 0;
	for (i = 0; i < d->ndom; i++) {
		if (d->dom[i]->reports == 0) {
			fputs(any ? ", " : "\nDomains with no report in the period: ", fp);
			put_value(fp, d->dom[i]->name, M_TEXT);
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
			if (!used_result(d, tab[i].name) && !used_reason(d, &tab[i])) {
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

/* ---------------------------------------------------------------- JSON */

/* jstr - a JSON string */
static void jstr(FILE *fp, const char *s)
{
	fputc('"', fp);
	put_value(fp, s, M_JSON);
	fputc('"', fp);
}

/* json_domain - one domain object */
static void json_domain(FILE *fp, const struct tlsrpt_digest *d,
                        const struct tlsrpt_digest_domain *dom, const struct tlsrpt_render_opts *o)
{
	size_t i, j;

	fputs("{\"policy-domain\":", fp);
	jstr(fp, dom->name);
	fprintf(fp,
	        ",\"expected\":%s,\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu,\"failure-rate\":%.4f,\"failed-sessions-without-details\":%llu,\"last-report\":",
	        dom->expected ? "true" : "false", dom->reports, dom->c.ok, dom->c.failed,
	        tlsrpt_digest_rate(&dom->c) / 100.0, dom->omitted_failed + dom->dropped);
	if (dom->last_day >= 0) {
		jstr(fp, date(dom->last_day).s);
	} else {
		fputs("null", fp);
	}
	const struct tlsrpt_render_dns *dns = dom->reports == 0 ? dns_of(o, dom) : NULL;
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
		        i ? "," : "", date(d->first_day + (long)i).s, dom->days[i].ok,
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
		        date(r->first_day).s, date(r->last_day).s,
		        tlsrpt_render_silent(o, r->last_day) ? "true" : "false");
	}
	fputs("],\"failures\":[", fp);
	for (i = 0; i < dom->nfail; i++) {
		const struct tlsrpt_digest_failure *f = &dom->fail[i];
		const struct tlsrpt_meaning *m = tlsrpt_meaning_result(f->result_type);
		int first = 1;

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
		        f->failed, date(f->first_day).s, date(f->last_day).s);
		for (j = 0; j < dom->nrep && j < 64; j++) {
			if (f->reporters & (1ULL << j)) {
				fputs(first ? "" : ",", fp);
				jstr(fp, dom->rep[j].id);
				first = 0;
			}
		}
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
	fputs("]}", fp);
}

/* tlsrpt_render_json - the digest as one JSON object */
int tlsrpt_render_json(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	struct tlsrpt_digest_counts all;
	size_t i;

	totals(d, &all);
	fprintf(fp,
	        "{\"version\":1,\"from\":\"%s\",\"to\":\"%s\",\"days\":%zu,\"today\":\"%s\",\"silent-days\":%d,\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu,",
	        date(d->first_day).s, date(d->last_day).s, d->ndays, date(o->today).s,
	        o->silent_days, d->st.reports, all.ok, all.failed);
	fprintf(fp,
	        "\"input\":{\"lines\":%llu,\"duplicates\":%llu,\"outside-period\":%llu,\"orphans\":%llu,\"malformed\":%llu,\"cut\":%llu,\"errors\":%llu,\"ignored\":%llu,\"limited\":%llu},\n\"report-omitted\":{\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu},\n\"domains\":[",
	        d->st.lines, d->st.duplicates, d->st.outside, d->st.orphans, d->st.malformed,
	        d->st.cut, d->st.errors, d->st.ignored, d->st.limited, d->st.omitted_reports,
	        d->st.omitted_ok, d->st.omitted_failed);
	for (i = 0; i < d->ndom; i++) {
		fputs(i ? ",\n" : "\n", fp);
		json_domain(fp, d, d->dom[i], o);
	}
	fputs("\n]}\n", fp);
	fflush(fp);
	return ferror(fp) ? -1 : 0;
}

/* ---------------------------------------------------------- Prometheus */

/* plabel - name="value" */
static void plabel(FILE *fp, const char *name, const char *v, int comma)
{
	fprintf(fp, "%s%s=\"", comma ? "," : "", name);
	put_value(fp, v, M_PROM);
	fputc('"', fp);
}

/* phead - HELP and TYPE lines */
static void phead(FILE *fp, const char *name, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* tlsrpt_render_prom - node exporter textfile collector format */
int tlsrpt_render_prom(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	size_t i, j, k;

	phead(fp, "tlsrpt_lookout_period_days", "Days covered by the digest.");
	fprintf(fp, "tlsrpt_lookout_period_days %zu\n", d->ndays);
	phead(fp, "tlsrpt_lookout_reports", "Distinct TLS reports in the period.");
	fprintf(fp, "tlsrpt_lookout_reports %llu\n", d->st.reports);
	phead(fp, "tlsrpt_lookout_duplicate_reports", "Report lines not counted as duplicates.");
	fprintf(fp, "tlsrpt_lookout_duplicate_reports %llu\n", d->st.duplicates);
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
	phead(fp, "tlsrpt_lookout_reporter_reports", "Reports per policy domain and reporter.");
	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->nrep; j++) {
			fputs("tlsrpt_lookout_reporter_reports{", fp);
			plabel(fp, "policy_domain", d->dom[i]->name, 0);
			plabel(fp, "reporter", d->dom[i]->rep[j].id, 1);
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

/* ---------------------------------------------------------------- HTML */

/*
 * The page's one style sheet; the Content-Security-Policy allows exactly it
 * by its SHA-256 (PAGE_STYLE_HASH: base64 of the SHA-256 of these bytes;
 * tests/lookout/html.sh recomputes it), so no other style and no script runs.
 */
#define PAGE_STYLE                                                                                 \
	"\n"                                                                                       \
	"body{font-family:sans-serif;margin:1.5em;color:#222;max-width:80em}\n"                    \
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-bottom:.2em;word-break:break-all}\n"        \
	"table{border-collapse:collapse;margin:.5em 0 1em}\n"                                      \
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}\n"        \
	"td{overflow-wrap:break-word}\n"                                                           \
	"td.n,td.d{white-space:nowrap}td.r{overflow-wrap:anywhere}\n"                              \
	"th{background:#eee}td.n{text-align:right}tr.silent td{background:#fff3cd}\n"              \
	".warn{background:#fff3cd;padding:4px 8px}\n"                                              \
	".chart .ok{fill:#4caf50}.chart .bad{fill:#e53935}.chart .base{stroke:#999}\n"             \
	".chart .ax{font-size:10px;fill:#555}\n"                                                   \
	"dt{font-weight:bold;margin-top:.6em}\n"
#define PAGE_STYLE_HASH "2wCpkDCT5Is4b2/dLfBTBlVJxM8z+oG3TsKqBo9oB0w="

/* h - escaped HTML text */
static void h(FILE *fp, const char *s)
{
	put_value(fp, s, M_HTML);
}

/* html_chart - inline SVG: successful and failed sessions per day, stacked */
static void html_chart(FILE *fp, const struct tlsrpt_digest *d,
                       const struct tlsrpt_digest_domain *dom)
{
	unsigned long long max = 0;
	unsigned bw = d->ndays <= 20 ? 28 : d->ndays <= 62 ? 10 : 3, W, H = 120;
	size_t i;

	for (i = 0; i < d->ndays; i++) {
		if (dom->days[i].ok + dom->days[i].failed > max) {
			max = dom->days[i].ok + dom->days[i].failed;
		}
	}
	W = (unsigned)d->ndays * bw + 60;
	fprintf(fp,
	        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" role=\"img\" aria-label=\"sessions per day\">\n",
	        W, H + 20, W, H + 20);
	fprintf(fp, "<text x=\"0\" y=\"12\" class=\"ax\">%llu</text>\n", max);
	fprintf(fp, "<line x1=\"56\" y1=\"%u\" x2=\"%u\" y2=\"%u\" class=\"base\"/>\n", H, W, H);
	for (i = 0; i < d->ndays && max > 0; i++) {
		unsigned long long t = dom->days[i].ok + dom->days[i].failed;
		unsigned ht = (unsigned)((t * (H - 10) + max - 1) / max);
		unsigned hf = (unsigned)((dom->days[i].failed * (H - 10) + max - 1) / max);
		unsigned x = 58 + (unsigned)i * bw;

		if (t == 0) {
			continue;
		}
		if (dom->days[i].failed > 0 && hf < 2) {
			hf = ht < 2 ? ht : 2; /* a low failure rate stays visible */
		}
		fprintf(fp, "<g><title>%s: %llu successful, %llu failed</title>",
		        date(d->first_day + (long)i).s, dom->days[i].ok, dom->days[i].failed);
		fprintf(fp, "<rect class=\"ok\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\"/>", x,
		        H - ht, bw > 2 ? bw - 1 : bw, ht - hf);
		if (hf > 0) {
			fprintf(fp,
			        "<rect class=\"bad\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\"/>",
			        x, H - hf, bw > 2 ? bw - 1 : bw, hf);
		}
		fputs("</g>\n", fp);
	}
	fprintf(fp, "<text x=\"58\" y=\"%u\" class=\"ax\">%s</text>\n", H + 16,
	        date(d->first_day).s);
	fprintf(fp, "<text x=\"%u\" y=\"%u\" class=\"ax\" text-anchor=\"end\">%s</text>\n", W,
	        H + 16, date(d->last_day).s);
	fputs("</svg>\n", fp);
}

/* html_domain - one domain's section */
static void html_domain(FILE *fp, const struct tlsrpt_digest *d,
                        const struct tlsrpt_digest_domain *dom, const struct tlsrpt_render_opts *o)
{
	const struct tlsrpt_digest_policy *weak = sts_weak(dom);
	size_t i, j;

	fputs("<section class=\"domain\">\n<h2>", fp);
	h(fp, dom->name);
	fprintf(fp,
	        "</h2>\n<p class=\"sum\"><span class=\"sessions\">%llu</span> sessions, <span class=\"failed\">%llu</span> failed (<span class=\"rate\">%.2f%%</span>), <span class=\"reports\">%llu</span> reports</p>\n",
	        dom->c.ok + dom->c.failed, dom->c.failed, tlsrpt_digest_rate(&dom->c),
	        dom->reports);
	if (dom->reports == 0) {
		const struct tlsrpt_render_dns *dns = dns_of(o, dom);
		fprintf(fp, "<p class=\"warn\">No report in the period (last report: %s).</p>\n",
		        date(dom->last_day).s);
		if (dns != NULL) {
			fputs("<p class=\"dns\">DNS: <code>_smtp._tls</code> record <b>", fp);
			h(fp, dns->verdict);
			fputs("</b>: ", fp);
			h(fp, dns->detail);
			fputs("</p>\n", fp);
		}
		fputs("</section>\n", fp);
		return;
	}
	if (weak != NULL) {
		fprintf(fp,
		        "<p class=\"warn\">MTA-STS policy in <b>%s</b> mode (reported %s): senders do not enforce it.</p>\n",
		        strcmp(weak->sts_mode, "none") == 0 ? "none" : "testing",
		        date(weak->sts_day).s);
	}
	html_chart(fp, d, dom);
	fputs("<table class=\"pol\"><tr><th>policy type</th><th>successful</th><th>failed</th><th>MTA-STS mode</th></tr>\n",
	      fp);
	for (i = 0; i < dom->npol; i++) {
		fputs("<tr><td>", fp);
		h(fp, dom->pol[i].type);
		fprintf(fp, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td>",
		        dom->pol[i].c.ok, dom->pol[i].c.failed);
		h(fp, dom->pol[i].sts_mode);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n<table class=\"rep\"><tr><th>reporter</th><th>organization</th><th>DKIM</th><th>reports</th><th>sessions</th><th>failed</th><th>last report</th></tr>\n",
	      fp);
	for (i = 0; i < dom->nrep; i++) {
		const struct tlsrpt_digest_reporter *r = &dom->rep[i];
		int silent = tlsrpt_render_silent(o, r->last_day);

		fputs(silent ? "<tr class=\"silent\"><td>" : "<tr><td>", fp);
		h(fp, r->id);
		fputs("</td><td>", fp);
		h(fp, r->org);
		fprintf(fp,
		        "</td><td>%s</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"d\">%s%s</td></tr>\n",
		        r->dkim ? "pass" : "-", r->reports, r->c.ok + r->c.failed, r->c.failed,
		        date(r->last_day).s, silent ? " (silent)" : "");
	}
	fputs("</table>\n", fp);
	if (dom->nfail > 0) {
		fputs("<table class=\"fail\"><tr><th>result type</th><th>policy</th><th>receiving MX</th><th>receiving IP</th><th>failed sessions</th><th>days</th><th>reporters</th><th>reason code</th></tr>\n",
		      fp);
	}
	for (i = 0; i < dom->nfail; i++) {
		const struct tlsrpt_digest_failure *f = &dom->fail[i];
		int first = 1;

		fputs("<tr><td>", fp);
		h(fp, f->result_type);
		fputs("</td><td>", fp);
		h(fp, f->policy_type);
		fputs("</td><td>", fp);
		h(fp, f->mx);
		fputs("</td><td class=\"d\">", fp);
		h(fp, f->ip);
		fprintf(fp, "</td><td class=\"n\">%llu</td><td>%s to %s</td><td>", f->failed,
		        date(f->first_day).s, date(f->last_day).s);
		for (j = 0; j < dom->nrep && j < 64; j++) {
			if (f->reporters & (1ULL << j)) {
				fputs(first ? "" : ", ", fp);
				h(fp, dom->rep[j].id);
				first = 0;
			}
		}
		fputs("</td><td class=\"r\">", fp);
		h(fp, f->reason);
		fputs("</td></tr>\n", fp);
	}
	if (dom->nfail > 0) {
		fputs("</table>\n", fp);
	}
	if (dom->omitted_failed + dom->dropped > 0) {
		fprintf(fp, "<p>%llu failed sessions without details in the log.</p>\n",
		        dom->omitted_failed + dom->dropped);
	}
	fputs("</section>\n", fp);
}

/* tlsrpt_render_html - one self-contained page */
int tlsrpt_render_html(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	struct tlsrpt_digest_counts all;
	const struct tlsrpt_meaning *tab;
	size_t i, j, n;
	int any;

	totals(d, &all);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'sha256-" PAGE_STYLE_HASH "'; base-uri 'none'; form-action 'none'\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n",
	      fp);
	fprintf(fp, "<title>TLS-RPT digest %s to %s</title>\n", date(d->first_day).s,
	        date(d->last_day).s);
	fputs("<style>" PAGE_STYLE "</style></head><body>\n", fp);
	fprintf(fp, "<h1>TLS-RPT digest %s to %s (%zu days)</h1>\n", date(d->first_day).s,
	        date(d->last_day).s, d->ndays);
	fprintf(fp,
	        "<p id=\"total\"><span class=\"reports\">%llu</span> reports (%llu duplicates not counted); <span class=\"sessions\">%llu</span> sessions, <span class=\"failed\">%llu</span> failed (%.2f%%).</p>\n",
	        d->st.reports, d->st.duplicates, all.ok + all.failed, all.failed,
	        tlsrpt_digest_rate(&all));
	if (d->st.omitted_reports > 0) {
		fprintf(fp,
		        "<p class=\"warn\">%llu more reports (%llu sessions, %llu failed) were logged without their lines (report-omitted): in no domain's figures.</p>\n",
		        d->st.omitted_reports, d->st.omitted_ok + d->st.omitted_failed,
		        d->st.omitted_failed);
	}
	for (i = 0; i < d->ndom; i++) {
		html_domain(fp, d, d->dom[i], o);
	}
	any = 0;
	for (i = 0; i < d->ndom; i++) {
		for (j = 0; j < d->dom[i]->nrep; j++) {
			const struct tlsrpt_digest_reporter *r = &d->dom[i]->rep[j];

			if (!tlsrpt_render_silent(o, r->last_day)) {
				continue;
			}
			if (!any) {
				fprintf(fp, "<h2>Reporters silent for %d days or more</h2>\n<ul>\n",
				        o->silent_days);
				any = 1;
			}
			fputs("<li>", fp);
			h(fp, d->dom[i]->name);
			fputs(": ", fp);
			h(fp, r->id);
			fprintf(fp, ", last report %s</li>\n", date(r->last_day).s);
		}
	}
	if (any) {
		fputs("</ul>\n", fp);
	}
	tab = tlsrpt_meaning_all(&n);
	any = 0;
	for (i = 0; i < n; i++) {
		if (!used_result(d, tab[i].name) && !used_reason(d, &tab[i])) {
			continue;
		}
		if (!any) {
			fputs("<h2>What the failures mean</h2>\n<dl>\n", fp);
			any = 1;
		}
		fputs("<dt>", fp);
		h(fp, tab[i].name);
		fputs(": ", fp);
		h(fp, tab[i].title);
		fputs("</dt>\n<dd>", fp);
		h(fp, tab[i].meaning);
		fputs("<br><b>Fix:</b> ", fp);
		h(fp, tab[i].fix);
		fputs("</dd>\n", fp);
	}
	if (any) {
		fputs("</dl>\n", fp);
	}
	fputs("</body></html>\n", fp);
	fflush(fp);
	return ferror(fp) ? -1 : 0;
}
