/*
 * render_html.c - the digest as one self-contained HTML page
 *
 * No script, no external resource, a Content-Security-Policy that allows
 * only the page's own style sheet (by its SHA-256); charts are inline SVG.
 * The sentences it shares with the text digest come from render_share.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bucket.h"
#include "health.h"
#include "meaning.h"
#include "mxseen.h"
#include "render.h"
#include "render_share.h"

/*
 * The page's one style sheet; the Content-Security-Policy allows exactly it
 * by its SHA-256 (PAGE_STYLE_HASH: base64 of the SHA-256 of these bytes;
 * tests/lookout/html.sh recomputes it), so no other style and no script runs.
 * Narrow screens (phones): wide tables become one block per row, each cell
 * led by its column's name (data-l), and the charts' labels grow while
 * every other x label (class mn) is hidden.
 */
#define PAGE_STYLE                                                                                                                                                                                                       \
	"\n"                                                                                                                                                                                                             \
	"body{font-family:system-ui,sans-serif;margin:0 auto;padding:1em 1.5em;color:#222;max-width:72em;line-height:1.35}\n"                                                                                            \
	"h1{font-size:1.4em;margin:.3em 0 0}p.period{margin:.1em 0 1em;color:#555}\n"                                                                                                                                    \
	"h2{font-size:1.15em;margin:0 0 .2em;overflow-wrap:anywhere}\n"                                                                                                                                                  \
	"h2.group{margin-top:1.6em;color:#555;font-weight:normal}\n"                                                                                                                                                     \
	"table{border-collapse:collapse;margin:.5em 0 1em}\n"                                                                                                                                                            \
	"td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}\n"                                                                                                                              \
	"th{background:#eee}td{overflow-wrap:break-word}td.r{overflow-wrap:anywhere}\n"                                                                                                                                  \
	"td.n{text-align:right;white-space:nowrap}td.d{white-space:nowrap}\n"                                                                                                                                            \
	"table.glance{width:100%}table.glance td{border:0;border-bottom:1px solid #e4e4e4}\n"                                                                                                                            \
	"table.glance th{background:none;border:0;font-weight:normal;color:#555;padding-top:.8em}\n"                                                                                                                     \
	"td.name{font-weight:bold;min-width:10em;overflow-wrap:anywhere}\n"                                                                                                                                              \
	".badge{display:inline-block;min-width:5.4em;white-space:nowrap;text-align:center;border-radius:3px;padding:0 .35em;font-size:.8em;font-weight:bold;letter-spacing:.04em;text-transform:uppercase;color:#fff}\n" \
	".badge.failing{background:#c62828}.badge.silent{background:#8a6d00}\n"                                                                                                                                          \
	".badge.testing{background:#1565c0}.badge.fine{background:#2e7d32}\n"                                                                                                                                            \
	"section.domain{border-left:5px solid #bbb;padding:.1em 0 .1em .9em;margin:1.4em 0}\n"                                                                                                                           \
	"section.failing{border-color:#c62828}section.silent{border-color:#c9a227}\n"                                                                                                                                    \
	"section.testing{border-color:#1565c0}section.fine{border-color:#2e7d32}\n"                                                                                                                                      \
	"p.sum{margin:.2em 0 .6em}tr.silent td{background:#fff3cd}\n"                                                                                                                                                    \
	".warn{background:#fff3cd;padding:4px 8px}\n"                                                                                                                                                                    \
	"svg.chart{display:block;width:100%;max-width:640px;height:auto;margin:.4em 0 .8em}\n"                                                                                                                           \
	".chart .ok{fill:#43a047}.chart .bad{fill:#e53935}.chart .grid{stroke:#e2e2e2}\n"                                                                                                                                \
	".chart .base{stroke:#888}.chart text{font-size:10px;fill:#444}\n"                                                                                                                                               \
	".chart .cap{font-weight:bold;fill:#222}.chart .none{fill:#888}.chart .v{fill:#b71c1c}.chart .vi{fill:#fff}\n"                                                                                                   \
	"p.legend{margin:.4em 0 0;font-size:.85em;color:#555}.key{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 .8em}\n"                                                                                   \
	".key.ok{background:#43a047;margin-left:0}.key.bad{background:#e53935}\n"                                                                                                                                        \
	"dt{font-weight:bold;margin-top:.6em}\n"                                                                                                                                                                         \
	"@media (max-width:40em){body{padding:.5em .7em}\n"                                                                                                                                                              \
	".chart text{font-size:15px}.chart .mn{display:none}\n"                                                                                                                                                          \
	"table.glance,table.glance tbody,table.glance tr{display:block}\n"                                                                                                                                               \
	"table.glance td{display:inline;border:0;padding:0 .3em 0 0}\n"                                                                                                                                                  \
	"table.glance td:last-child{display:block;padding:0 0 .5em;border-bottom:1px solid #e4e4e4}\n"                                                                                                                   \
	"table.stack,table.stack tbody,table.stack tr{display:block}\n"                                                                                                                                                  \
	"table.stack tr:first-child{display:none}table.stack tr{border-top:2px solid #ccc;padding:2px 0 4px}\n"                                                                                                          \
	"table.stack td{display:inline-block;border:0;padding:0 .9em 0 0;text-align:left;white-space:normal}\n"                                                                                                          \
	"table.stack td:empty{display:none}table.stack tr.silent{background:#fff3cd}\n"                                                                                                                                  \
	"table.stack td::before{content:attr(data-l) \": \";color:#666}}\n"
#define PAGE_STYLE_HASH "uZTb6bQAlckJdrKDilCvVioIXxK1Bjj0A4ZUFSsU47M="

/* h - escaped HTML text */
static void h(FILE *fp, const char *s)
{
	tlsrpt_render_put(fp, s, TLSRPT_RENDER_HTML);
}

/* the charts' view box: width, left margin (y values), right margin, in SVG units */
#define CHART_W 480.0
#define CHART_L 48.0
#define CHART_R 6.0

/* compact - an axis label: 950, 1.5k, 12k, 2.5M */
struct compactstr {
	char s[32];
};

/* html_mx - the domain's failures joined to what our MX logged, as a table */
static void html_mx(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom)
{
	const struct tlsrpt_mxseen_item *it;
	size_t i;

	if (!tlsrpt_render_mx_any(d, dom)) {
		return;
	}
	fputs("<table class=\"mx stack\"><tr><th>day</th><th>result type</th><th>reporter</th><th>sending MTA</th><th>receiving MX / IP</th><th>failed</th><th>at our MX</th><th>what our MX logged</th><th>what it means</th></tr>\n",
	      fp);
	for (i = 0; (it = tlsrpt_render_mx_next(d, dom, &i)) != NULL;) {
		fprintf(fp, "<tr class=\"%s\"><td class=\"d\">%s</td><td>",
		        tlsrpt_render_mx_verdict_key(it->verdict), tlsrpt_render_date(it->day).s);
		h(fp, it->result_type);
		fputs("</td><td>", fp);
		h(fp, it->reporter);
		fputs("</td><td class=\"d\">", fp);
		h(fp, it->sending_ip);
		fputs("</td><td>", fp);
		h(fp, it->mx);
		fputs(it->mx[0] != '\0' && it->ip[0] != '\0' ? " " : "", fp);
		h(fp, it->ip);
		fprintf(fp, "</td><td class=\"n\">%llu</td><td><b>%s</b></td><td class=\"r\">",
		        it->failed, tlsrpt_mxseen_verdict_name(it->verdict));
		tlsrpt_render_mx_evidence(fp, it, TLSRPT_RENDER_HTML);
		fputs("</td><td>", fp);
		h(fp, tlsrpt_mxseen_means(it));
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	if (d->mx->st.items_dropped > 0) {
		fputs("<p class=\"warn\">", fp);
		tlsrpt_render_mx_dropped(fp, d);
		fputs(".</p>\n", fp);
	}
}

static struct compactstr compact(unsigned long long v)
{
	struct compactstr r;
	const char *suf[] = {"", "k", "M", "G", "T"};
	unsigned long long div = 1;
	int k = 0;

	while (v / div >= 1000 && k < 4) {
		div *= 1000;
		k++;
	}
	if (k == 0 || v % div == 0 || v / div >= 10) {
		snprintf(r.s, sizeof(r.s), "%llu%s", v / div, suf[k]);
	} else {
		snprintf(r.s, sizeof(r.s), "%llu.%llu%s", v / div, (v % div) * 10 / div, suf[k]);
	}
	return r;
}

/* nice_axis - a round top and step for an axis up to max, about ticks steps */
static void nice_axis(unsigned long long max, unsigned ticks, unsigned long long *top,
                      unsigned long long *step)
{
	unsigned long long raw, mag = 1;

	if (max == 0) {
		*top = *step = 1;
		return;
	}
	raw = (max + ticks - 1) / ticks;
	while (mag <= raw / 10) {
		mag *= 10;
	}
	*step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
	*top = (max + *step - 1) / *step * *step;
}

/*
 * chart_panel - one panel of a chart: a caption, y grid lines with their
 * values, and a bar per cell (failed: only the failed sessions)
 */
static void chart_panel(FILE *fp, const struct tlsrpt_bucket_plan *plan,
                        const struct tlsrpt_digest_counts *cells, int failed, double y0, double ph,
                        const char *caption)
{
	const double L = CHART_L, R = CHART_R, W = CHART_W, cw = (W - L - R) / (double)plan->n;
	unsigned long long max = 0, top, step, t;
	size_t i;

	for (i = 0; i < plan->n; i++) {
		unsigned long long v = failed ? cells[i].failed : cells[i].ok + cells[i].failed;

		if (v > max) {
			max = v;
		}
	}
	nice_axis(max, failed ? 2 : 4, &top, &step);
	fprintf(fp, "<text class=\"cap\" x=\"%.0f\" y=\"%.0f\">%s per %s</text>\n", L, y0 - 10,
	        caption, tlsrpt_bucket_unit_name(plan->unit));
	for (t = 0; t <= top; t += step) {
		double y = y0 + ph - ph * (double)t / (double)top;

		fprintf(fp,
		        "<line class=\"%s\" x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/><text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
		        t == 0 ? "base" : "grid", L, y, W - R, y, L - 6, y + 4, compact(t).s);
	}
	if (max == 0) {
		fprintf(fp, "<text class=\"none\" x=\"%.0f\" y=\"%.1f\">none</text>\n", L + 8,
		        y0 + ph - 6);
		return;
	}
	for (i = 0; i < plan->n; i++) {
		unsigned long long v = failed ? cells[i].failed : cells[i].ok + cells[i].failed;
		double bh = ph * (double)v / (double)top, x = L + cw * ((double)i + 0.12);
		double bw = cw * 0.76 > 1 ? cw * 0.76 : 1, fh;

		if (v == 0) {
			continue;
		}
		if (bh < 1.5) {
			bh = 1.5; /* a small count stays visible */
		}
		fprintf(fp, "<g><title>%s: ",
		        tlsrpt_render_range(plan->cell[i].first, plan->cell[i].last).s);
		tlsrpt_render_cnt(fp, cells[i].ok + cells[i].failed, "session", "sessions");
		fprintf(fp, ", %s failed</title>", tlsrpt_render_num(cells[i].failed).s);
		if (failed) {
			fprintf(fp,
			        "<rect class=\"bad\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
			        x, y0 + ph - bh, bw, bh);
		} else {
			/* successful from the base line, the failed ones stacked on top */
			fh = cells[i].failed == 0 ? 0 : ph * (double)cells[i].failed / (double)top;
			if (cells[i].failed > 0 && fh < 1.5) {
				fh = bh < 1.5 ? bh : 1.5;
			}
			fprintf(fp,
			        "<rect class=\"ok\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
			        x, y0 + ph - bh + fh, bw, bh - fh);
			if (fh > 0) {
				fprintf(fp,
				        "<rect class=\"bad\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
				        x, y0 + ph - bh, bw, fh);
			}
		}
		fputs("</g>", fp);
		/* the failed count on its bar (inside when tall enough), when the cells are wide
		 * (on a narrow screen only up to 8 cells) */
		if (failed && plan->n <= 16) {
			fprintf(fp,
			        "<text class=\"%s%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
			        bh >= 20 ? "vi" : "v", plan->n > 8 ? " mn" : "",
			        L + cw * ((double)i + 0.5),
			        bh >= 20 ? y0 + ph - bh + 15 : y0 + ph - bh - 3, compact(v).s);
		}
		fputc('\n', fp);
	}
}

/*
 * html_chart - inline SVG over the plan's cells: sessions, then failed
 * sessions on a scale of their own (a low failure rate stays readable),
 * dated x labels (fewer on a narrow screen)
 */
static void html_chart(FILE *fp, const struct tlsrpt_digest *d,
                       const struct tlsrpt_digest_domain *dom,
                       const struct tlsrpt_bucket_plan *plan)
{
	struct tlsrpt_digest_counts cells[TLSRPT_BUCKET_MAX];
	const double L = CHART_L, R = CHART_R, W = CHART_W, cw = (W - L - R) / (double)plan->n;
	const int months = plan->unit == TLSRPT_BUCKET_MONTH;
	const double y1 = 26, h1 = 110, y2 = 174, h2 = 44, H = months ? 256 : 240;
	size_t i, wide, narrow, chars = months ? 3 : 6;

	tlsrpt_render_cell_counts(d, dom, plan, cells);
	fputs("<p class=\"legend\"><span class=\"key ok\"></span>successful sessions<span class=\"key bad\"></span>failed sessions</p>\n",
	      fp);
	/* label spacing: about 5.8 units a character at 10 units, 8.7 at 15 (narrow screens) */
	wide = (size_t)(((double)chars * 5.8 + 10) / cw) + 1;
	narrow = (size_t)(((double)chars * 8.7 + 14) / cw) + 1;
	narrow = (narrow + wide - 1) / wide * wide;
	fprintf(fp,
	        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"sessions and failed sessions per %s\">\n",
	        W, H, W, H, tlsrpt_bucket_unit_name(plan->unit));
	chart_panel(fp, plan, cells, 0, y1, h1, "sessions");
	chart_panel(fp, plan, cells, 1, y2, h2, "failed sessions");
	for (i = 0; i < plan->n; i++) {
		double x = L + cw * ((double)i + 0.5);
		char lab[16];

		fprintf(fp,
		        "<line class=\"base\" x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\"/>", x,
		        y2 + h2, x, y2 + h2 + (i % wide == 0 ? 5 : 2));
		if (i % wide != 0) {
			fputc('\n', fp);
			continue;
		}
		tlsrpt_bucket_label(plan, i, lab, sizeof(lab));
		if (months) {
			lab[3] = '\0'; /* "Nov"; the year in a row of its own, below */
		}
		fprintf(fp, "<text%s x=\"%.1f\" y=\"236\" text-anchor=\"%s\">%s</text>\n",
		        i % narrow == 0 ? "" : " class=\"mn\"",
		        i == 0 && cw < 40 ? x - cw * 0.5 : x,
		        i == 0 && cw < 40 ? "start" : "middle", lab);
		if (months && (i == 0 || strcmp(lab, "Jan") == 0)) {
			fprintf(fp,
			        "<text class=\"yr\" x=\"%.1f\" y=\"252\" text-anchor=\"%s\">%s</text>\n",
			        i == 0 && cw < 40 ? x - cw * 0.5 : x,
			        i == 0 && cw < 40 ? "start" : "middle", lab + 4);
		}
	}
	fputs("</svg>\n", fp);
}

/* html_failure - one failure kind's table row */
static void html_failure(FILE *fp, const struct tlsrpt_digest_domain *dom,
                         const struct tlsrpt_digest_failure *f)
{
	fputs("<tr><td data-l=\"result type\">", fp);
	h(fp, f->result_type);
	fputs(" (", fp);
	h(fp, f->policy_type);
	fputs(")</td><td class=\"r\" data-l=\"receiving MX and IP\">", fp);
	h(fp, f->mx);
	fputs(f->mx[0] != '\0' && f->ip[0] != '\0' ? "<br>" : "", fp);
	h(fp, f->ip);
	fprintf(fp,
	        "</td><td class=\"n\" data-l=\"failed sessions\">%s</td><td class=\"d\" data-l=\"days\">%s</td><td data-l=\"reporters\">",
	        tlsrpt_render_num(f->failed).s, tlsrpt_render_range(f->first_day, f->last_day).s);
	tlsrpt_render_fail_reporters(fp, dom, f, TLSRPT_RENDER_HTML);
	fputs("</td><td class=\"r\" data-l=\"reason code\">", fp);
	h(fp, f->reason);
	fputs("</td></tr>\n", fp);
}

/* html_domain - one domain's section */
static void html_domain(FILE *fp, const struct tlsrpt_digest *d,
                        const struct tlsrpt_digest_domain *dom, const struct tlsrpt_render_opts *o,
                        const struct tlsrpt_bucket_plan *plan)
{
	const struct tlsrpt_digest_policy *weak = tlsrpt_render_sts_weak(dom);
	enum tlsrpt_health hv = tlsrpt_health_of(dom, o->today, o->silent_days);
	const char *hn = tlsrpt_health_name(hv);
	size_t i;

	fprintf(fp, "<section class=\"domain %s\">\n<h2>", hn);
	h(fp, dom->name);
	fprintf(fp, "</h2>\n<p class=\"sum\"><span class=\"badge %s\">%s</span> ", hn, hn);
	tlsrpt_render_figures(fp, &dom->c, dom->reports, TLSRPT_RENDER_HTML);
	fputs("</p>\n", fp);
	if (dom->reports == 0) {
		const struct tlsrpt_render_dns *dns = tlsrpt_render_dns_of(o, dom);
		fputs("<p class=\"warn\">", fp);
		tlsrpt_render_no_report(fp, dom, 1);
		fputs(".</p>\n", fp);
		if (dns != NULL) {
			fputs("<p class=\"dns\">", fp);
			tlsrpt_render_dns_line(fp, dns, TLSRPT_RENDER_HTML);
			fputs("</p>\n", fp);
		}
		fputs("</section>\n", fp);
		return;
	}
	if (weak != NULL) {
		fputs("<p class=\"warn\">", fp);
		tlsrpt_render_sts_note(fp, weak, TLSRPT_RENDER_HTML);
		fputs(".</p>\n", fp);
	}
	html_chart(fp, d, dom, plan);
	if (dom->nfail > 0) {
		fputs("<table class=\"fail stack\"><tr><th>result type (policy)</th><th>receiving MX and IP</th><th>failed sessions</th><th>days</th><th>reporters</th><th>reason code</th></tr>\n",
		      fp);
		for (i = 0; i < dom->nfail; i++) {
			html_failure(fp, dom, &dom->fail[i]);
		}
		fputs("</table>\n", fp);
	}
	if (dom->omitted_failed + dom->dropped > 0) {
		fputs("<p>", fp);
		tlsrpt_render_no_details(fp, dom);
		fputs(".</p>\n", fp);
	}
	html_mx(fp, d, dom);
	fputs("<table class=\"rep stack\"><tr><th>reporter</th><th>organization</th><th>DKIM</th><th>reports</th><th>sessions</th><th>failed</th><th>last report</th></tr>\n",
	      fp);
	for (i = 0; i < dom->nrep; i++) {
		const struct tlsrpt_digest_reporter *r = &dom->rep[i];
		int silent = tlsrpt_render_silent(o, r->last_day);

		fputs(silent ? "<tr class=\"silent\"><td data-l=\"reporter\">"
		             : "<tr><td data-l=\"reporter\">",
		      fp);
		h(fp, r->id);
		fputs("</td><td data-l=\"organization\">", fp);
		h(fp, r->org);
		fprintf(fp,
		        "</td><td data-l=\"DKIM\">%s</td><td class=\"n\" data-l=\"reports\">%s</td><td class=\"n\" data-l=\"sessions\">%s</td><td class=\"n\" data-l=\"failed\">%s</td><td class=\"d\" data-l=\"last report\">%s%s</td></tr>\n",
		        r->dkim ? "pass" : "-", tlsrpt_render_num(r->reports).s,
		        tlsrpt_render_num(r->c.ok + r->c.failed).s,
		        tlsrpt_render_num(r->c.failed).s, tlsrpt_render_date(r->last_day).s,
		        silent ? " (silent)" : "");
	}
	fputs("</table>\n", fp);
	if (dom->reports_unlisted > 0) {
		fputs("<p class=\"warn\">", fp);
		tlsrpt_render_unlisted(fp, dom);
		fputs("</p>\n", fp);
	}
	fputs("<table class=\"pol\"><tr><th>policy type</th><th>successful</th><th>failed</th><th>MTA-STS mode</th></tr>\n",
	      fp);
	for (i = 0; i < dom->npol; i++) {
		fputs("<tr><td>", fp);
		h(fp, dom->pol[i].type);
		fprintf(fp, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>",
		        tlsrpt_render_num(dom->pol[i].c.ok).s,
		        tlsrpt_render_num(dom->pol[i].c.failed).s);
		h(fp, dom->pol[i].sts_mode);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n</section>\n", fp);
}

/* html_inventory - "Policies reporters saw": per domain a table of policies, then the findings */
static void html_inventory(FILE *fp, const struct tlsrpt_digest *d)
{
	const struct tlsrpt_inv_domain *v;
	size_t i, j;
	int any = 0;

	for (i = 0; (v = tlsrpt_render_inv_next(d, &i)) != NULL;) {
		if (!any) {
			fputs("<h2 class=\"group\">Policies reporters saw</h2>\n", fp);
			any = 1;
		}
		fputs("<section class=\"inventory\">\n<h3>", fp);
		h(fp, v->name);
		fputs("</h3>\n<table class=\"inv stack\"><tr><th>policy</th><th>days</th><th>reports</th><th>reporters</th><th>sessions</th><th>failed</th></tr>\n",
		      fp);
		for (j = 0; j < v->npol; j++) {
			const struct tlsrpt_inv_policy *p = &v->pol[j];

			fputs("<tr><td data-l=\"policy\">", fp);
			tlsrpt_render_inv_policy(fp, p, TLSRPT_RENDER_HTML);
			fprintf(fp,
			        "</td><td class=\"d\" data-l=\"days\">%s</td><td class=\"n\" data-l=\"reports\">%s</td><td data-l=\"reporters\">",
			        tlsrpt_render_range(p->first_day, p->last_day).s,
			        tlsrpt_render_num(p->reports).s);
			tlsrpt_render_inv_reporters(fp, p, TLSRPT_RENDER_HTML);
			fprintf(fp,
			        "</td><td class=\"n\" data-l=\"sessions\">%s</td><td class=\"n\" data-l=\"failed\">%s</td></tr>\n",
			        tlsrpt_render_num(p->ok + p->failed).s,
			        tlsrpt_render_num(p->failed).s);
		}
		fputs("</table>\n", fp);
		if (v->nfind > 0) {
			fputs("<ul class=\"findings\">\n", fp);
			for (j = 0; j < v->nfind; j++) {
				fprintf(fp, "<li class=\"%s\">",
				        tlsrpt_inventory_finding_name(v->find[j].kind));
				tlsrpt_render_inv_finding(fp, v, &v->find[j], TLSRPT_RENDER_HTML);
				fputs("</li>\n", fp);
			}
			fputs("</ul>\n", fp);
		}
		fputs("</section>\n", fp);
	}
}

/* html_mxhosts - "Our MX hosts": per host of MXHosts, its DANE figures and who named it */
static void html_mxhosts(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i, j;

	if (d->nourmx == 0) {
		return;
	}
	fputs("<h2 class=\"group\">Our MX hosts</h2>\n<p>Reports about the host itself, as DANE senders write them (the TLSA records live under the host's name).</p>\n",
	      fp);
	for (i = 0; i < d->nourmx; i++) {
		const struct tlsrpt_digest_mxhost *m = &d->ourmx[i];
		const struct tlsrpt_digest_domain *dom = tlsrpt_digest_mxhost_domain(d, m);
		struct tlsrpt_digest_counts t = tlsrpt_render_tlsa_of(dom);
		const char *hn = dom == NULL || dom->reports == 0 ? "silent"
		                 : dom->c.failed > 0              ? "failing"
		                                                  : "fine";

		fprintf(fp, "<section class=\"mxhost %s\">\n<h3>", hn);
		h(fp, m->name);
		fputs("</h3>\n", fp);
		if (dom == NULL || dom->reports == 0) {
			fputs("<p>No report about it in the period.</p>\n", fp);
		} else {
			fprintf(fp,
			        "<p class=\"sum\"><span class=\"badge %s\">%s</span> DANE (tlsa) ",
			        hn, hn);
			tlsrpt_render_figures(fp, &t, dom->reports, TLSRPT_RENDER_HTML);
			fputs("</p>\n", fp);
			if (dom->nfail > 0) {
				fputs("<table class=\"fail stack\"><tr><th>result type (policy)</th><th>receiving MX and IP</th><th>failed sessions</th><th>days</th><th>reporters</th><th>reason code</th></tr>\n",
				      fp);
				for (j = 0; j < dom->nfail; j++) {
					html_failure(fp, dom, &dom->fail[j]);
				}
				fputs("</table>\n", fp);
			}
			fputs("<p>Reporters: ", fp);
			for (j = 0; j < dom->nrep; j++) {
				fputs(j ? ", " : "", fp);
				h(fp, dom->rep[j].id);
				fprintf(fp, " (%s)", tlsrpt_render_num(dom->rep[j].reports).s);
			}
			fputs("</p>\n", fp);
		}
		if (m->nby > 0) {
			fputs("<table class=\"named stack\"><tr><th>named by</th><th>reports with a policy about it</th><th>in its policies' mx-host</th><th>failed DANE sessions at it</th></tr>\n",
			      fp);
			for (j = 0; j < m->nby; j++) {
				fputs("<tr><td data-l=\"named by\">", fp);
				h(fp, m->by[j].domain);
				fprintf(fp,
				        "</td><td class=\"n\" data-l=\"reports with a policy about it\">%s</td><td data-l=\"in mx-host\">%s</td><td class=\"n\" data-l=\"failed DANE sessions\">%s</td></tr>\n",
				        tlsrpt_render_num(m->by[j].reports).s,
				        m->by[j].in_mx ? "yes" : "no",
				        tlsrpt_render_num(m->by[j].failed).s);
			}
			fputs("</table>\n", fp);
		}
		if (m->by_more > 0) {
			fputs("<p>And ", fp);
			tlsrpt_render_first_listed(fp, m->by_more, "more", "more",
			                           " by other domains");
			fputs(".</p>\n", fp);
		}
		fputs("</section>\n", fp);
	}
}

/* html_glance - the verdicts, most urgent first, names nobody named after ours */
static void html_glance(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o,
                        const size_t *order, size_t ours)
{
	size_t i;

	fputs("<table class=\"glance\" id=\"glance\">\n", fp);
	for (i = 0; i < d->ndom; i++) {
		const struct tlsrpt_digest_domain *dom = d->dom[order[i]];
		enum tlsrpt_health hv = tlsrpt_health_of(dom, o->today, o->silent_days);

		if (i == ours) {
			fputs("<tr><th colspan=\"3\">", fp);
			tlsrpt_render_theirs(fp);
			fputs("</th></tr>\n", fp);
		}
		fprintf(fp,
		        "<tr class=\"%s\"><td><span class=\"badge %s\">%s</span></td><td class=\"name\">",
		        i < ours ? "ours" : "theirs", tlsrpt_health_name(hv),
		        tlsrpt_health_name(hv));
		h(fp, dom->name);
		fputs("</td><td>", fp);
		tlsrpt_render_glance(fp, d, dom, hv, o, TLSRPT_RENDER_HTML);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

/* html_dups - the kept duplicates */
static void html_dups(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i;

	if (d->st.duplicates == 0) {
		return;
	}
	fputs("<h2 class=\"group\">", fp);
	tlsrpt_render_dup_title(fp, TLSRPT_RENDER_HTML);
	fputs("</h2>\n<table class=\"dup stack\"><tr><th>report-id</th><th>reporter</th><th>domain</th><th>day</th><th>why not counted</th></tr>\n",
	      fp);
	for (i = 0; i < d->ndup; i++) {
		const struct tlsrpt_digest_dup *x = &d->dup[i];

		fputs("<tr><td data-l=\"report-id\">", fp);
		h(fp, x->report_id);
		fputs("</td><td data-l=\"reporter\">", fp);
		h(fp, x->reporter);
		fputs("</td><td data-l=\"domain\">", fp);
		h(fp, x->domain);
		fprintf(fp, "</td><td class=\"d\" data-l=\"day\">%s</td><td data-l=\"why\">",
		        tlsrpt_render_date(x->day).s);
		tlsrpt_render_dup_why(fp, x, TLSRPT_RENDER_HTML);
		fputs(".</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	if (d->st.duplicates > d->ndup) {
		fputs("<p>And ", fp);
		tlsrpt_render_first_listed(fp, d->st.duplicates - d->ndup, "more", "more", "");
		fputs(".</p>\n", fp);
	}
}

/* tlsrpt_render_html - one self-contained page */
int tlsrpt_render_html(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	static const struct tlsrpt_render_markup list = {"<h2 class=\"group\">", "</h2>\n<ul>\n",
	                                                 "<li>", "</li>\n", "</ul>\n"};
	char note[LEFT_OUT_NOTE];
	const struct tlsrpt_meaning *tab;
	struct tlsrpt_bucket_plan plan;
	size_t order[TLSRPT_LOOKOUT_MAX_DOMAINS];
	size_t i, n, ours;
	int any, others;

	tlsrpt_render_plan_of(d, &plan);
	ours = tlsrpt_health_order(d, o->today, o->silent_days, order);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'sha256-" PAGE_STYLE_HASH "'; base-uri 'none'; form-action 'none'\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n",
	      fp);
	fprintf(fp, "<title>TLS-RPT digest %s to %s</title>\n", tlsrpt_render_date(d->first_day).s,
	        tlsrpt_render_date(d->last_day).s);
	fputs("<style>" PAGE_STYLE "</style></head><body>\n", fp);
	fprintf(fp, "<h1>TLS-RPT digest</h1>\n<p class=\"period\">%s to %s, %s %s (UTC)</p>\n",
	        tlsrpt_render_date(d->first_day).s, tlsrpt_render_date(d->last_day).s,
	        tlsrpt_render_num(d->ndays).s, d->ndays == 1 ? "day" : "days");
	if (tlsrpt_digest_left_out(d, note, sizeof(note))) {
		fputs("<p class=\"warn\" id=\"left-out\">", fp);
		h(fp, note);
		fputs("</p>\n", fp);
	}
	html_glance(fp, d, o, order, ours);
	tlsrpt_render_input(fp, d, TLSRPT_RENDER_HTML);
	for (i = 0, others = 0; i < d->ndom; i++) {
		if (d->dom[order[i]]->mxhost) {
			continue;
		}
		if (i >= ours && !others) {
			fputs("<h2 class=\"group\">Names not given with --domain or --config</h2>\n",
			      fp);
			others = 1;
		}
		html_domain(fp, d, d->dom[order[i]], o, &plan);
	}
	html_inventory(fp, d);
	html_mxhosts(fp, d);
	html_dups(fp, d);
	tlsrpt_render_silent_list(fp, d, o, order, &list, TLSRPT_RENDER_HTML);
	tab = tlsrpt_meaning_all(&n);
	any = 0;
	for (i = 0; i < n; i++) {
		if (!tlsrpt_render_meaning_used(d, &tab[i])) {
			continue;
		}
		if (!any) {
			fputs("<h2 class=\"group\">What the failures mean</h2>\n<dl>\n", fp);
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
