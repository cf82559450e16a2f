/*
 * render.c - write a finished digest as text, HTML, JSON or Prometheus text
 *
 * One cleaning walk (put_value) serves every format: it goes one UTF-8
 * character at a time (escape.h's tlsrpt_utf8_seqlen), writes what is
 * unsafe (invalid UTF-8, controls, and the code points the log escapers
 * hide: tlsrpt_escape_hidden) as \xHH text and escapes what the format
 * needs.  The trusted texts (meaning.h, our own words) go through the
 * same walk in HTML.
 *
 * Text and HTML share their shape: every domain's verdict first, in
 * health.h's order (ours before names only reports brought), then the
 * totals and what else the input held, the domains in the same order,
 * the duplicates with where each copy was logged, silent reporters and
 * what the failures mean.  Sparklines and charts draw bucket.h's cells
 * (days, weeks or months, at most 31).  Counts are written with their
 * noun in the right number (cnt) and thousands separators (num).
 */
#include "config.h" /* _GNU_SOURCE: memmem, memrchr */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bucket.h"
#include "calendar.h"
#include "escape.h"
#include "health.h"
#include "logline.h"
#include "meaning.h"
#include "mxseen.h"
#include "render.h"
#include "reporters.h"

#define LEFT_OUT_NOTE 512 /* tlsrpt_digest_left_out's sentence */

enum mode { M_TEXT, M_HTML, M_JSON, M_PROM };

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
			} else if (m == M_PROM && c == '\\') {
				/* doubled in the value Prometheus reads, so that the \\xHH written
				 * below for a control byte never equals a report's own text
				 * "\\xHH": one value, one series */
				fputs("\\\\\\\\", fp);
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
			/* what could reorder or break a line when shown: as the log escapers */
			if (!tlsrpt_escape_hidden(tlsrpt_utf8_code_point(s + i, k))) {
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
	return tlsrpt_health_sts_weak(dom);
}

/* num - a count with thousands separators ("10,241") */
struct numstr {
	char s[32];
};
static struct numstr num(unsigned long long n)
{
	struct numstr r;
	char raw[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(raw, sizeof(raw), "%llu", n);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			r.s[o++] = ',';
		}
		r.s[o++] = raw[i];
	}
	r.s[o] = '\0';
	return r;
}

/* cnt - "1 report", "2 reports": a count and its noun in the right number */
static void cnt(FILE *fp, unsigned long long n, const char *one, const char *many)
{
	fprintf(fp, "%s %s", num(n).s, n == 1 ? one : many);
}

/* range - two days as a short range: "2026-11-28", "2026-11-27 to 11-29" */
struct rangestr {
	char s[40];
};
static struct rangestr range(long a, long b)
{
	struct rangestr r;
	struct datestr x = date(a), y = date(b);

	if (a == b || a < 0 || b < 0) {
		snprintf(r.s, sizeof(r.s), "%s", a < 0 ? y.s : x.s);
	} else if (memcmp(x.s, y.s, 5) == 0) {
		snprintf(r.s, sizeof(r.s), "%s to %s", x.s, y.s + 5);
	} else {
		snprintf(r.s, sizeof(r.s), "%s to %s", x.s, y.s);
	}
	return r;
}

/* cell_counts - a domain's sessions per cell of the plan */
static void cell_counts(const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom,
                        const struct tlsrpt_bucket_plan *plan, struct tlsrpt_digest_counts *out)
{
	size_t i;
	long day;

	for (i = 0; i < plan->n; i++) {
		out[i].ok = out[i].failed = 0;
		for (day = plan->cell[i].first; day <= plan->cell[i].last; day++) {
			out[i].ok += dom->days[day - d->first_day].ok;
			out[i].failed += dom->days[day - d->first_day].failed;
		}
	}
}

/* plan_of - the cells of the digest's period (days, else weeks, else months) */
static void plan_of(const struct tlsrpt_digest *d, struct tlsrpt_bucket_plan *plan)
{
	if (tlsrpt_bucket_make(d->first_day, d->last_day, plan) < 0) {
		/* cannot happen within TLSRPT_LOOKOUT_MAX_DAYS; one cell rather than none */
		plan->unit = TLSRPT_BUCKET_MONTH;
		plan->cell[0].first = d->first_day;
		plan->cell[0].last = d->last_day;
		plan->n = 1;
	}
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

/* glance_ready - "; ready for enforce" when the inventory found the MTA-STS policy ready */
static void glance_ready(FILE *fp, const struct tlsrpt_digest *d,
                         const struct tlsrpt_digest_domain *dom)
{
	const struct tlsrpt_inv_domain *v = tlsrpt_inventory_domain(&d->inv, dom->name);
	size_t i;

	for (i = 0; v != NULL && i < v->nfind; i++) {
		if (v->find[i].kind == TLSRPT_INV_READY) {
			const struct tlsrpt_inv_policy *p = &v->pol[v->find[i].a];

			fprintf(fp, "; ready for enforce (%ld days without a failure)",
			        p->last_day - p->first_day + 1);
		}
	}
}

/*
 * glance - one line on why a domain has its verdict: the failures and the
 * worst of them, the last report, the policy mode, or the figures
 */
static void glance(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom,
                   enum tlsrpt_health hv, const struct tlsrpt_render_opts *o, enum mode m)
{
	const struct tlsrpt_digest_policy *weak = sts_weak(dom);
	unsigned long long ses = dom->c.ok + dom->c.failed;

	switch (hv) {
	case TLSRPT_HEALTH_FAILING:
		fprintf(fp, "%s of ", num(dom->c.failed).s);
		cnt(fp, ses, "session", "sessions");
		fprintf(fp, " failed (%.2f%%)", tlsrpt_digest_rate(&dom->c));
		if (dom->nfail > 0) {
			fprintf(fp, "; %s ", num(dom->fail[0].failed).s);
			put_value(fp, dom->fail[0].result_type, m);
			if (dom->fail[0].mx[0] != '\0' || dom->fail[0].ip[0] != '\0') {
				fputs(" at ", fp);
				put_value(fp,
				          dom->fail[0].mx[0] != '\0' ? dom->fail[0].mx
				                                     : dom->fail[0].ip,
				          m);
			}
			if (dom->nfail > 1) {
				fputs(", ", fp);
				cnt(fp, dom->nfail - 1, "other kind of failure",
				    "other kinds of failure");
			}
		} else {
			fputs("; no details in the log", fp);
		}
		if (weak != NULL) {
			fprintf(fp, "; MTA-STS policy in %s mode",
			        strcmp(weak->sts_mode, "none") == 0 ? "none" : "testing");
		}
		break;
	case TLSRPT_HEALTH_SILENT:
		if (dom->last_day < 0) {
			fputs("no report yet", fp);
		} else {
			fprintf(fp, "no report since %s (", date(dom->last_day).s);
			cnt(fp, (unsigned long long)(o->today - dom->last_day), "day", "days");
			fputc(')', fp);
		}
		if (dom->reports == 0 && dns_of(o, dom) != NULL) {
			fputs("; _smtp._tls record ", fp);
			put_value(fp, dns_of(o, dom)->verdict, m);
		}
		break;
	case TLSRPT_HEALTH_TESTING:
		fprintf(fp, "MTA-STS policy in %s mode, senders do not enforce it; ",
		        strcmp(weak->sts_mode, "none") == 0 ? "none" : "testing");
		cnt(fp, ses, "session", "sessions");
		fputs(", none failed", fp);
		glance_ready(fp, d, dom);
		break;
	default:
		cnt(fp, ses, "session", "sessions");
		fputs(", none failed, ", fp);
		cnt(fp, dom->reports, "report", "reports");
		break;
	}
}

/* dup_why - where a duplicate was logged and why it counts once */
static void dup_why(FILE *fp, const struct tlsrpt_digest_dup *x, enum mode m)
{
	fputs("logged again", fp);
	if (x->qid[0] != '\0') {
		fputs(" as ", fp);
		put_value(fp, x->qid, m);
	}
	if (x->host[0] != '\0') {
		fputs(" on ", fp);
		put_value(fp, x->host, m);
	}
	if (!x->first_known) {
		fputs(" after a copy counted earlier in the input", fp);
	} else {
		fputs(" after the copy counted", fp);
		if (x->first_qid[0] != '\0') {
			fputs(" as ", fp);
			put_value(fp, x->first_qid, m);
		}
		if (x->first_host[0] != '\0') {
			fputs(" on ", fp);
			put_value(fp, x->first_host, m);
		}
		if (strcmp(x->host, x->first_host) != 0) {
			fputs(" (another MX host's copy, in one central log)", fp);
		} else if (strcmp(x->qid, x->first_qid) != 0) {
			fputs(" (the reporter sent it again, or it was delivered twice)", fp);
		} else {
			fputs(" (the same line read twice: a log given twice?)", fp);
		}
	}
	fputs(". The same reporter, report-id and period are one report: this copy", fp);
	if (x->lines > 0) {
		fputs(" and its ", fp);
		cnt(fp, x->lines, "line", "lines");
		fputs(" of policies and failures", fp);
	}
	fputs(x->lines > 0 ? " were left out" : " was left out", fp);
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

/* ------------------------------------------- what our MX saw (mxseen.h) */

static void jstr(FILE *fp, const char *s);
static void h(FILE *fp, const char *s);

/* mx_verdict_key - the verdict as a JSON word */
static const char *mx_verdict_key(enum tlsrpt_mxseen_verdict v)
{
	return v == TLSRPT_MX_SEEN ? "seen" : v == TLSRPT_MX_NOT_SEEN ? "not-seen" : "no-mx-log";
}

/*
 * mx_on - 1 when the input held smtpd lines of the period: without any, the
 * join has nothing to say and the digest looks as it did without it
 */
static int mx_on(const struct tlsrpt_digest *d)
{
	return d->mx != NULL && d->mx->st.days_logged > 0;
}

/* mx_any - 1 when the join has a failure of this domain */
static int mx_any(const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom)
{
	size_t i;

	for (i = 0; mx_on(d) && i < d->mx->nitem; i++) {
		if (strcmp(d->mx->item[i].domain, dom->name) == 0) {
			return 1;
		}
	}
	return 0;
}

/* mx_evidence - one line of what our MX logged of the reporter's clients (text or HTML) */
static void mx_evidence(FILE *fp, const struct tlsrpt_mxseen_item *it, enum mode m)
{
	const struct tlsrpt_mxseen_evidence *ev = &it->ev;
	char doms[512];
	size_t i;

	if (ev->clients == 0) {
		fputs("no session of ", fp);
		if (it->by_ip) {
			fputs("sending-mta-ip ", fp);
			put_value(fp, it->sending_ip, m);
		} else {
			tlsrpt_reporters_domains(it->reporter, doms, sizeof(doms));
			fputs("a client named under ", fp);
			put_value(fp, doms, m);
		}
		fputs(" that day", fp);
	} else {
		fprintf(fp, "%lu sessions of %lu client%s (", ev->sessions, ev->clients,
		        ev->clients == 1 ? "" : "s");
		put_value(fp, ev->name[0] != '\0' ? ev->name : "unknown", m);
		fputc('[', fp);
		put_value(fp, ev->ip, m);
		fputc(']', fp);
		if (ev->host[0] != '\0') {
			fputs(" at ", fp);
			put_value(fp, ev->host, m);
		}
		fprintf(fp,
		        ", matched by %s): STARTTLS %lu tried, %lu succeeded; %lu failed handshakes, %lu lost after STARTTLS, %lu TLS then no mail, %lu without STARTTLS, %lu delivered over TLS",
		        it->by_ip ? "sending-mta-ip" : "name", ev->tls_tried, ev->tls_ok,
		        ev->handshake_errors, ev->lost_after_starttls, ev->tls_no_mail, ev->no_tls,
		        ev->delivered);
		if (ev->tls_established > 0) {
			fprintf(fp, "; %lu TLS connections established (", ev->tls_established);
			put_value(fp, ev->proto, m);
			fputc(')', fp);
		}
		for (i = 0; i < ev->nreason; i++) {
			fputs(i ? ", " : "; reasons: ", fp);
			put_value(fp, ev->reason[i].text, m);
			fprintf(fp, " (%lu)", ev->reason[i].n);
		}
	}
	if (it->dropped > 0 && it->verdict == TLSRPT_MX_NOT_SEEN) {
		fprintf(fp,
		        "; the client table was full that day: %lu lines of further clients not kept, so this may be incomplete",
		        it->dropped);
	}
}

/* text_mx - the domain's failures joined to what our MX logged */
static void text_mx(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom)
{
	size_t i;

	if (!mx_any(d, dom)) {
		return;
	}
	fputs("   at our MX, per reported failure (Postfix smtpd lines of the day):\n", fp);
	for (i = 0; i < d->mx->nitem; i++) {
		const struct tlsrpt_mxseen_item *it = &d->mx->item[i];

		if (strcmp(it->domain, dom->name) != 0) {
			continue;
		}
		fprintf(fp, "   %s ", date(it->day).s);
		put_value(fp, it->result_type, M_TEXT);
		fputs(" from ", fp);
		put_value(fp, it->reporter, M_TEXT);
		if (it->sending_ip[0] != '\0') {
			fputs(" sending-mta-ip ", fp);
			put_value(fp, it->sending_ip, M_TEXT);
		}
		if (it->mx[0] != '\0') {
			fputs(" mx ", fp);
			put_value(fp, it->mx, M_TEXT);
		}
		if (it->ip[0] != '\0') {
			fputs(" ip ", fp);
			put_value(fp, it->ip, M_TEXT);
		}
		fprintf(fp, ", %llu failed: %s\n      our MX logged: ", it->failed,
		        tlsrpt_mxseen_verdict_name(it->verdict));
		mx_evidence(fp, it, M_TEXT);
		fputc('\n', fp);
		wrap(fp, "      ", tlsrpt_mxseen_means(it));
	}
	if (d->mx->st.items_dropped > 0) {
		fprintf(fp,
		        "   %llu more reported failures (all domains) passed the join's limit of %d and are not judged\n",
		        d->mx->st.items_dropped, TLSRPT_MXSEEN_MAX_ITEMS);
	}
}

/* json_mx - the domain's "mx-evidence" array (after a comma) */
static void json_mx(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom)
{
	size_t i, j;
	int first = 1;

	if (!mx_on(d)) {
		return;
	}
	fputs(",\"mx-evidence\":[", fp);
	for (i = 0; i < d->mx->nitem; i++) {
		const struct tlsrpt_mxseen_item *it = &d->mx->item[i];
		const struct tlsrpt_mxseen_evidence *ev = &it->ev;

		if (strcmp(it->domain, dom->name) != 0) {
			continue;
		}
		fprintf(fp, "%s{\"date\":\"%s\",\"reporter\":", first ? "" : ",", date(it->day).s);
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
		        it->failed, mx_verdict_key(it->verdict),
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

	if (!mx_on(d)) {
		return;
	}
	st = &d->mx->st;
	fprintf(fp,
	        ",\n\"mx-log\":{\"lines\":%llu,\"outside-period\":%llu,\"days-with-lines\":%zu,\"clients\":%llu,\"lines-not-kept\":%llu,\"failures-not-joined\":%llu}",
	        st->lines, st->outside, st->days_logged, st->clients, st->dropped,
	        st->items_dropped);
}

/* html_mx - the domain's failures joined to what our MX logged, as a table */
static void html_mx(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom)
{
	size_t i;

	if (!mx_any(d, dom)) {
		return;
	}
	fputs("<table class=\"mx stack\"><tr><th>day</th><th>result type</th><th>reporter</th><th>sending MTA</th><th>receiving MX / IP</th><th>failed</th><th>at our MX</th><th>what our MX logged</th><th>what it means</th></tr>\n",
	      fp);
	for (i = 0; i < d->mx->nitem; i++) {
		const struct tlsrpt_mxseen_item *it = &d->mx->item[i];

		if (strcmp(it->domain, dom->name) != 0) {
			continue;
		}
		fprintf(fp, "<tr class=\"%s\"><td class=\"d\">%s</td><td>",
		        mx_verdict_key(it->verdict), date(it->day).s);
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
		mx_evidence(fp, it, M_HTML);
		fputs("</td><td>", fp);
		h(fp, tlsrpt_mxseen_means(it));
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	if (d->mx->st.items_dropped > 0) {
		fprintf(fp,
		        "<p class=\"warn\">%llu more reported failures (all domains) passed the join's limit of %d and are not judged.</p>\n",
		        d->mx->st.items_dropped, TLSRPT_MXSEEN_MAX_ITEMS);
	}
}

/* text_failure - one failure kind of a domain */
static void text_failure(FILE *fp, const struct tlsrpt_digest_domain *dom,
                         const struct tlsrpt_digest_failure *f)
{
	size_t j;
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
	fputs(": ", fp);
	cnt(fp, f->failed, "failed session", "failed sessions");
	fprintf(fp, "%s%s, reported by ", f->first_day == f->last_day ? " on " : ", ",
	        range(f->first_day, f->last_day).s);
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

/* unlisted - the sentence about reports whose reporters are past the limits (numbers only) */
static void unlisted(FILE *fp, const struct tlsrpt_digest_domain *dom)
{
	cnt(fp, dom->reports_unlisted, "report", "reports");
	fprintf(fp,
	        " from reporters not listed: past the limit of %d reporters, or of %d not authenticated by DKIM (counted above all the same)",
	        TLSRPT_LOOKOUT_MAX_REPORTERS, TLSRPT_LOOKOUT_MAX_CLAIMED);
}

/* text_domain - one domain's section */
static void text_domain(FILE *fp, const struct tlsrpt_digest *d,
                        const struct tlsrpt_digest_domain *dom, const struct tlsrpt_render_opts *o,
                        const struct tlsrpt_bucket_plan *plan)
{
	const struct tlsrpt_digest_policy *weak = sts_weak(dom);
	enum tlsrpt_health hv = tlsrpt_health_of(dom, o->today, o->silent_days);
	struct tlsrpt_digest_counts cells[TLSRPT_BUCKET_MAX];
	const char *unit = tlsrpt_bucket_unit_name(plan->unit);
	unsigned long long most;
	size_t i;

	fputs("\n== ", fp);
	put_value(fp, dom->name, M_TEXT);
	fputs(" (", fp);
	for (i = 0; tlsrpt_health_name(hv)[i] != '\0'; i++) {
		fputc(tlsrpt_health_name(hv)[i] - 'a' + 'A', fp);
	}
	fputs("): ", fp);
	cnt(fp, dom->c.ok + dom->c.failed, "session", "sessions");
	fprintf(fp, ", %s failed (%.2f%%), ", num(dom->c.failed).s, tlsrpt_digest_rate(&dom->c));
	cnt(fp, dom->reports, "report", "reports");
	fputc('\n', fp);
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
	cell_counts(d, dom, plan, cells);
	fprintf(fp, "   sessions per %-5s ", unit);
	spark(fp, plan, cells, 0, &most);
	fprintf(fp, "  most %s\n", num(most).s);
	fprintf(fp, "   failed per %-7s ", unit);
	spark(fp, plan, cells, 1, &most);
	fprintf(fp, "  most %s\n", num(most).s);
	if (plan->unit != TLSRPT_BUCKET_DAY) {
		fprintf(fp, "   (one mark per %s, the first from %s%s)\n", unit,
		        date(plan->cell[0].first).s,
		        plan->unit == TLSRPT_BUCKET_WEEK ? "; weeks start on Monday" : "");
	}
	for (i = 0; i < dom->npol; i++) {
		const struct tlsrpt_digest_policy *p = &dom->pol[i];

		fputs("   policy ", fp);
		put_value(fp, p->type, M_TEXT);
		fprintf(fp, ": %s successful, %s failed", num(p->c.ok).s, num(p->c.failed).s);
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
		fputs(r->dkim ? " (DKIM): " : ": ", fp);
		cnt(fp, r->reports, "report", "reports");
		fputs(", ", fp);
		cnt(fp, r->c.ok + r->c.failed, "session", "sessions");
		fprintf(fp, ", %s failed, last %s%s\n", num(r->c.failed).s, date(r->last_day).s,
		        tlsrpt_render_silent(o, r->last_day) ? ", SILENT" : "");
	}
	if (dom->reports_unlisted > 0) {
		fputs("   ", fp);
		unlisted(fp, dom);
		fputc('\n', fp);
	}
	for (i = 0; i < dom->nfail; i++) {
		text_failure(fp, dom, &dom->fail[i]);
	}
	if (dom->omitted_failed + dom->dropped > 0) {
		fputs("   ", fp);
		cnt(fp, dom->omitted_failed + dom->dropped, "failed session", "failed sessions");
		fputs(" without details in the log\n", fp);
	}
	if (weak != NULL) {
		fprintf(fp,
		        "   note: MTA-STS policy in %s mode (reported %s): senders do not enforce it\n",
		        strcmp(weak->sts_mode, "none") == 0 ? "none" : "testing",
		        date(weak->sts_day).s);
	}
	text_mx(fp, d, dom);
}

/* ---------------------------------------------------- policy inventory */

/* inv_policy - what one policy says: type, mode, max_age, mx, hash (text or HTML) */
static void inv_policy(FILE *fp, const struct tlsrpt_inv_policy *p, enum mode m)
{
	const char *sep = " ";

	put_value(fp, p->type, m);
	if (p->mode[0] != '\0') {
		fputs(" mode ", fp);
		put_value(fp, p->mode, m);
		sep = ", ";
	}
	if (p->max_age >= 0) {
		fprintf(fp, "%smax_age %lld", sep, p->max_age);
		sep = ", ";
	}
	if (p->mx[0] != '\0') {
		fprintf(fp, "%smx ", sep);
		put_value(fp, p->mx, m);
		sep = ", ";
	}
	if (p->hash[0] != '\0') {
		fprintf(fp, "%s%s ", sep, strcmp(p->type, "tlsa") == 0 ? "TLSA set" : "policy");
		put_value(fp, p->hash, m);
	}
}

/* inv_reporters - "google.com, microsoft.com and 2 more reports" */
static void inv_reporters(FILE *fp, const struct tlsrpt_inv_policy *p, enum mode m)
{
	size_t i;

	for (i = 0; i < p->nrep; i++) {
		fputs(i ? ", " : "", fp);
		put_value(fp, p->rep[i], m);
	}
	if (p->rep_more > 0) {
		fputs(" and ", fp);
		cnt(fp, p->rep_more, "more report", "more reports");
	}
}

/* inv_reporters_in - the reporters that applied p on some day of [from, to] */
static void inv_reporters_in(FILE *fp, const struct tlsrpt_inv_policy *p, long from, long to,
                             enum mode m)
{
	size_t i;
	int n = 0;

	for (i = 0; i < p->nrep; i++) {
		if (p->rep_last[i] >= from && p->rep_first[i] <= to) {
			fputs(n++ ? ", " : "", fp);
			put_value(fp, p->rep[i], m);
		}
	}
	if (n == 0) {
		fputs(p->rep_more > 0 ? "reporters not listed" : "some reporters", fp);
	}
}

/* inv_finding - one finding in words (text or HTML) */
static void inv_finding(FILE *fp, const struct tlsrpt_inv_domain *v,
                        const struct tlsrpt_inv_finding *f, enum mode m)
{
	const struct tlsrpt_inv_policy *a = &v->pol[f->a], *b = &v->pol[f->b];

	switch (f->kind) {
	case TLSRPT_INV_ENFORCE_FAILING:
		fputs("MTA-STS failures while in enforce mode: ", fp);
		cnt(fp, a->failed, "failed session", "failed sessions");
		fputs(" (", fp);
		inv_policy(fp, a, m);
		fputs("); senders that honour the policy did not deliver to an MX they could not verify",
		      fp);
		break;
	case TLSRPT_INV_CHANGED:
		fputs("the ", fp);
		put_value(fp, a->type, m);
		fprintf(fp, " policy changed on %s: ", date(f->day).s);
		inv_policy(fp, a, m);
		fputs(" (last seen ", fp);
		fputs(date(a->last_day).s, fp);
		fputs(") became ", fp);
		inv_policy(fp, b, m);
		break;
	case TLSRPT_INV_DISAGREE:
		/* the days both were applied, and who applied which on them */
		fprintf(fp, "reporters disagreed (%s): ",
		        range(f->day, a->last_day < b->last_day ? a->last_day : b->last_day).s);
		inv_reporters_in(fp, a, f->day,
		                 a->last_day < b->last_day ? a->last_day : b->last_day, m);
		fputs(" still applied ", fp);
		inv_policy(fp, a, m);
		fputs(" while ", fp);
		inv_reporters_in(fp, b, f->day,
		                 a->last_day < b->last_day ? a->last_day : b->last_day, m);
		fputs(" applied ", fp);
		inv_policy(fp, b, m);
		fputs(": the first is likely a stale cached policy", fp);
		if (a->max_age >= 0) {
			fprintf(fp, " (a sender may keep it for max_age, %lld seconds)",
			        a->max_age);
		}
		break;
	case TLSRPT_INV_READY:
		fprintf(fp,
		        "ready for enforce: MTA-STS in testing mode for %ld days (%s) without a failed session; set mode: enforce in the policy file and change the id of the _mta-sts record",
		        a->last_day - a->first_day + 1, range(a->first_day, a->last_day).s);
		break;
	}
}

/*
 * text_inventory - "Policies reporters saw": per domain ("-- NAME", apart
 * from the domain sections' "== NAME") its policies, then its findings
 */
static void text_inventory(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i, j;
	int any = 0;

	for (i = 0; i < d->ndom; i++) {
		const struct tlsrpt_inv_domain *v =
		        tlsrpt_inventory_domain(&d->inv, d->dom[i]->name);

		if (v == NULL || v->npol == 0) {
			continue;
		}
		if (!any) {
			fputs("\nPolicies reporters saw\n", fp);
			any = 1;
		}
		fputs("\n-- ", fp);
		put_value(fp, v->name, M_TEXT);
		fputc('\n', fp);
		for (j = 0; j < v->npol; j++) {
			const struct tlsrpt_inv_policy *p = &v->pol[j];

			fputs("   ", fp);
			inv_policy(fp, p, M_TEXT);
			fprintf(fp, ": %s, ", range(p->first_day, p->last_day).s);
			cnt(fp, p->reports, "report", "reports");
			fputs(" (", fp);
			inv_reporters(fp, p, M_TEXT);
			fputs("), ", fp);
			cnt(fp, p->ok + p->failed, "session", "sessions");
			fprintf(fp, ", %s failed\n", num(p->failed).s);
		}
		if (v->dropped > 0) {
			fputs("   and ", fp);
			cnt(fp, v->dropped, "policy line", "policy lines");
			fputs(" of further policies (only the first are kept)\n", fp);
		}
		for (j = 0; j < v->nfind; j++) {
			fputs("   finding: ", fp);
			inv_finding(fp, v, &v->find[j], M_TEXT);
			fputc('\n', fp);
		}
	}
}

/* tlsa_of - the host's tlsa policy figures (zero when none) */
static struct tlsrpt_digest_counts tlsa_of(const struct tlsrpt_digest_domain *dom)
{
	struct tlsrpt_digest_counts c = {0, 0};
	size_t i;

	for (i = 0; dom != NULL && i < dom->npol; i++) {
		if (strcmp(dom->pol[i].type, "tlsa") == 0) {
			c = dom->pol[i].c;
		}
	}
	return c;
}

/* text_mention - "named by DOMAIN: ..." under one of our MX hosts */
static void text_mention(FILE *fp, const struct tlsrpt_digest_mention *x)
{
	const char *sep = ": ";

	fputs("   named by ", fp);
	put_value(fp, x->domain, M_TEXT);
	if (x->reports > 0) {
		fputs(sep, fp);
		cnt(fp, x->reports, "report", "reports");
		fputs(" with a policy about it", fp);
		sep = ", ";
	}
	if (x->in_mx) {
		fprintf(fp, "%sits policies' mx-host", sep);
		sep = ", ";
	}
	if (x->failed > 0) {
		fputs(sep, fp);
		cnt(fp, x->failed, "failed DANE session", "failed DANE sessions");
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
		struct tlsrpt_digest_counts t = tlsa_of(dom);

		fputs("\n== ", fp);
		put_value(fp, m->name, M_TEXT);
		if (dom == NULL || dom->reports == 0) {
			fputs(": no report about it in the period\n", fp);
		} else {
			fprintf(fp, " (%s): DANE (tlsa) ", dom->c.failed > 0 ? "FAILING" : "FINE");
			cnt(fp, t.ok + t.failed, "session", "sessions");
			fprintf(fp, ", %s failed (%.2f%%), ", num(t.failed).s,
			        tlsrpt_digest_rate(&t));
			cnt(fp, dom->reports, "report", "reports");
			fputc('\n', fp);
			for (j = 0; j < dom->npol; j++) {
				if (strcmp(dom->pol[j].type, "tlsa") == 0) {
					continue;
				}
				fputs("   policy ", fp);
				put_value(fp, dom->pol[j].type, M_TEXT);
				fprintf(fp, ": %s successful, %s failed\n", num(dom->pol[j].c.ok).s,
				        num(dom->pol[j].c.failed).s);
			}
			for (j = 0; j < dom->nrep; j++) {
				const struct tlsrpt_digest_reporter *r = &dom->rep[j];

				fputs("   reporter ", fp);
				put_value(fp, r->id, M_TEXT);
				fputs(r->dkim ? " (DKIM): " : ": ", fp);
				cnt(fp, r->reports, "report", "reports");
				fputs(", ", fp);
				cnt(fp, r->c.ok + r->c.failed, "session", "sessions");
				fprintf(fp, ", %s failed, last %s%s\n", num(r->c.failed).s,
				        date(r->last_day).s,
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
			cnt(fp, m->by_more, "more mention", "more mentions");
			fputs(" by other domains (only the first are listed)\n", fp);
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
			fputs(" Names not given with --domain or --config (anyone can send a report "
			      "for any name):\n",
			      fp);
		}
		for (k = 0; tlsrpt_health_name(hv)[k] != '\0'; k++) {
			tag[k] = (char)(tlsrpt_health_name(hv)[k] - 'a' + 'A');
		}
		tag[k] = '\0';
		fprintf(fp, "   %-8s ", tag);
		put_value(fp, dom->name, M_TEXT);
		fprintf(fp, "%*s  ", n < w ? (int)(w - n) : 0, "");
		glance(fp, d, dom, hv, o, M_TEXT);
		fputc('\n', fp);
	}
}

/* text_input - what the input held besides the reports counted */
static void text_input(FILE *fp, const struct tlsrpt_digest *d)
{
	struct tlsrpt_digest_counts all;

	totals(d, &all);
	cnt(fp, d->st.reports, "report", "reports");
	fputs(" counted: ", fp);
	cnt(fp, all.ok + all.failed, "session", "sessions");
	fprintf(fp, ", %s failed (%.2f%%)\n", num(all.failed).s, tlsrpt_digest_rate(&all));
	if (d->st.duplicates > 0) {
		cnt(fp, d->st.duplicates, "duplicate report line", "duplicate report lines");
		fputs(" not counted again (see Duplicates below)\n", fp);
	}
	if (d->st.outside > 0) {
		cnt(fp, d->st.outside, "report", "reports");
		fputs(" outside the period left out\n", fp);
	}
	if (d->st.errors > 0) {
		cnt(fp, d->st.errors, "error line", "error lines");
		fputs(": mail the milter could not read as a report (see the milter's error lines)\n",
		      fp);
	}
	if (d->st.orphans + d->st.malformed > 0) {
		cnt(fp, d->st.orphans + d->st.malformed, "line", "lines");
		fputs(" without their report line or the keys they need, left out\n", fp);
	}
	if (d->st.cut > 0) {
		cnt(fp, d->st.cut, "report", "reports");
		fputs(" with a log line cut on its way (a syslog relay's limit) not counted, in no domain's figures\n",
		      fp);
	}
	if (d->st.limited > 0) {
		cnt(fp, d->st.limited, "item", "items");
		fputs(" left out by the digest's limits\n", fp);
	}
	if (d->st.omitted_reports > 0) {
		fprintf(fp,
		        "%s more %s (%s %s, %s failed) %s logged without %s lines (report-omitted): in no domain's figures\n",
		        num(d->st.omitted_reports).s,
		        d->st.omitted_reports == 1 ? "report" : "reports",
		        num(d->st.omitted_ok + d->st.omitted_failed).s,
		        d->st.omitted_ok + d->st.omitted_failed == 1 ? "session" : "sessions",
		        num(d->st.omitted_failed).s, d->st.omitted_reports == 1 ? "was" : "were",
		        d->st.omitted_reports == 1 ? "its" : "their");
	}
}

/* text_dups - each kept duplicate: which report, where, and why it counted once */
static void text_dups(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i;

	if (d->st.duplicates == 0) {
		return;
	}
	fputs("\nDuplicates (a report counts once, however often it is logged)\n", fp);
	for (i = 0; i < d->ndup; i++) {
		const struct tlsrpt_digest_dup *x = &d->dup[i];
		char *s = NULL;
		size_t n = 0;
		FILE *mf;

		fputs("   report-id ", fp);
		put_value(fp, x->report_id, M_TEXT);
		fputs(" from ", fp);
		put_value(fp, x->reporter, M_TEXT);
		fputs(" for ", fp);
		put_value(fp, x->domain, M_TEXT);
		fprintf(fp, ", %s:\n", date(x->day).s);
		/* the explanation, wrapped: values in it are already cleaned */
		if ((mf = open_memstream(&s, &n)) != NULL) {
			dup_why(mf, x, M_TEXT);
			fputc('.', mf);
			if (fclose(mf) == 0) {
				wrap(fp, "     ", s);
			}
			free(s);
		}
	}
	if (d->st.duplicates > d->ndup) {
		fputs("   and ", fp);
		cnt(fp, d->st.duplicates - d->ndup, "more", "more");
		fputs(" (only the first are listed)\n", fp);
	}
}

/* tlsrpt_render_text - the plain-text digest */
int tlsrpt_render_text(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	char note[LEFT_OUT_NOTE];
	const struct tlsrpt_meaning *tab;
	struct tlsrpt_bucket_plan plan;
	size_t order[TLSRPT_LOOKOUT_MAX_DOMAINS];
	size_t i, j, n, ours;
	int any;

	plan_of(d, &plan);
	ours = tlsrpt_health_order(d, o->today, o->silent_days, order);
	fprintf(fp, "TLS-RPT digest for %s to %s (", date(d->first_day).s, date(d->last_day).s);
	cnt(fp, d->ndays, "day", "days");
	fputs(")\n", fp);
	if (tlsrpt_digest_left_out(d, note, sizeof(note))) {
		fprintf(fp, "%s\n", note);
	}
	text_glance(fp, d, o, order, ours);
	fputc('\n', fp);
	text_input(fp, d);
	for (i = 0; i < d->ndom; i++) {
		if (!d->dom[order[i]]->mxhost) {
			text_domain(fp, d, d->dom[order[i]], o, &plan);
		}
	}
	text_inventory(fp, d);
	text_mxhosts(fp, d, o);
	text_dups(fp, d);
	any = 0;
	for (i = 0; i < d->ndom; i++) {
		const struct tlsrpt_digest_domain *dom = d->dom[order[i]];

		for (j = 0; j < dom->nrep; j++) {
			const struct tlsrpt_digest_reporter *r = &dom->rep[j];

			if (tlsrpt_render_silent(o, r->last_day)) {
				if (!any) {
					fprintf(fp, "\nReporters silent for %d %s or more\n",
					        o->silent_days,
					        o->silent_days == 1 ? "day" : "days");
					any = 1;
				}
				fputs("   ", fp);
				put_value(fp, dom->name, M_TEXT);
				fputs(": ", fp);
				put_value(fp, r->id, M_TEXT);
				fprintf(fp, ", last report %s\n", date(r->last_day).s);
			}
		}
	}
	any = 0;
	for (i = 0; i < d->ndom; i++) {
		if (d->dom[order[i]]->reports == 0 && !d->dom[order[i]]->mxhost) {
			fputs(any ? ", " : "\nDomains with no report in the period: ", fp);
			put_value(fp, d->dom[order[i]]->name, M_TEXT);
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
			        date(p->first_day).s, date(p->last_day).s, p->reports, p->ok,
			        p->failed);
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
			        v->find[j].a, v->find[j].b, date(v->find[j].day).s);
			{
				char *t = NULL;
				size_t tl = 0;
				FILE *mf = open_memstream(&t, &tl);

				if (mf != NULL) {
					inv_finding(mf, v, &v->find[j], M_TEXT);
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
		struct tlsrpt_digest_counts t = tlsa_of(dom);

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
			        f->failed, date(f->first_day).s, date(f->last_day).s);
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
	size_t i, j;

	fputs("{\"policy-domain\":", fp);
	jstr(fp, dom->name);
	fprintf(fp, ",\"status\":\"%s\"",
	        tlsrpt_health_name(tlsrpt_health_of(dom, o->today, o->silent_days)));
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
		fprintf(fp, ",\"day\":\"%s\",\"host\":", date(x->day).s);
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

	totals(d, &all);
	fprintf(fp,
	        "{\"version\":1,\"from\":\"%s\",\"to\":\"%s\",\"days\":%zu,\"today\":\"%s\",\"silent-days\":%d,\"reports\":%llu,\"successful-sessions\":%llu,\"failed-sessions\":%llu,",
	        date(d->first_day).s, date(d->last_day).s, d->ndays, date(o->today).s,
	        o->silent_days, d->st.reports, all.ok, all.failed);
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

/* ---------------------------------------------------------- Prometheus */

/* plabel - name="value" */
static void plabel(FILE *fp, const char *name, const char *v, int comma)
{
	fprintf(fp, "%s%s=\"", comma ? "," : "", name);
	put_value(fp, v, M_PROM);
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

/* ---------------------------------------------------------------- HTML */

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
	put_value(fp, s, M_HTML);
}

/* the charts' view box: width, left margin (y values), right margin, in SVG units */
#define CHART_W 480.0
#define CHART_L 48.0
#define CHART_R 6.0

/* compact - an axis label: 950, 1.5k, 12k, 2.5M */
struct compactstr {
	char s[32];
};
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
		fprintf(fp, "<g><title>%s: ", range(plan->cell[i].first, plan->cell[i].last).s);
		cnt(fp, cells[i].ok + cells[i].failed, "session", "sessions");
		fprintf(fp, ", %s failed</title>", num(cells[i].failed).s);
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

	cell_counts(d, dom, plan, cells);
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
	size_t j;
	int first = 1;

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
	        num(f->failed).s, range(f->first_day, f->last_day).s);
	for (j = 0; j < dom->nrep && j < 64; j++) {
		if (f->reporters & (1ULL << j)) {
			fputs(first ? "" : ", ", fp);
			h(fp, dom->rep[j].id);
			first = 0;
		}
	}
	fputs("</td><td class=\"r\" data-l=\"reason code\">", fp);
	h(fp, f->reason);
	fputs("</td></tr>\n", fp);
}

/* html_domain - one domain's section */
static void html_domain(FILE *fp, const struct tlsrpt_digest *d,
                        const struct tlsrpt_digest_domain *dom, const struct tlsrpt_render_opts *o,
                        const struct tlsrpt_bucket_plan *plan)
{
	const struct tlsrpt_digest_policy *weak = sts_weak(dom);
	enum tlsrpt_health hv = tlsrpt_health_of(dom, o->today, o->silent_days);
	const char *hn = tlsrpt_health_name(hv);
	size_t i;

	fprintf(fp, "<section class=\"domain %s\">\n<h2>", hn);
	h(fp, dom->name);
	fprintf(fp,
	        "</h2>\n<p class=\"sum\"><span class=\"badge %s\">%s</span> <span class=\"sessions\">%s</span> %s, <span class=\"failed\">%s</span> failed (<span class=\"rate\">%.2f%%</span>), <span class=\"reports\">%s</span> %s</p>\n",
	        hn, hn, num(dom->c.ok + dom->c.failed).s,
	        dom->c.ok + dom->c.failed == 1 ? "session" : "sessions", num(dom->c.failed).s,
	        tlsrpt_digest_rate(&dom->c), num(dom->reports).s,
	        dom->reports == 1 ? "report" : "reports");
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
		cnt(fp, dom->omitted_failed + dom->dropped, "failed session", "failed sessions");
		fputs(" without details in the log.</p>\n", fp);
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
		        r->dkim ? "pass" : "-", num(r->reports).s, num(r->c.ok + r->c.failed).s,
		        num(r->c.failed).s, date(r->last_day).s, silent ? " (silent)" : "");
	}
	fputs("</table>\n", fp);
	if (dom->reports_unlisted > 0) {
		fputs("<p class=\"warn\">", fp);
		unlisted(fp, dom);
		fputs("</p>\n", fp);
	}
	fputs("<table class=\"pol\"><tr><th>policy type</th><th>successful</th><th>failed</th><th>MTA-STS mode</th></tr>\n",
	      fp);
	for (i = 0; i < dom->npol; i++) {
		fputs("<tr><td>", fp);
		h(fp, dom->pol[i].type);
		fprintf(fp, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>",
		        num(dom->pol[i].c.ok).s, num(dom->pol[i].c.failed).s);
		h(fp, dom->pol[i].sts_mode);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n</section>\n", fp);
}

/* html_inventory - "Policies reporters saw": per domain a table of policies, then the findings */
static void html_inventory(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i, j;
	int any = 0;

	for (i = 0; i < d->ndom; i++) {
		const struct tlsrpt_inv_domain *v =
		        tlsrpt_inventory_domain(&d->inv, d->dom[i]->name);

		if (v == NULL || v->npol == 0) {
			continue;
		}
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
			inv_policy(fp, p, M_HTML);
			fprintf(fp,
			        "</td><td class=\"d\" data-l=\"days\">%s</td><td class=\"n\" data-l=\"reports\">%s</td><td data-l=\"reporters\">",
			        range(p->first_day, p->last_day).s, num(p->reports).s);
			inv_reporters(fp, p, M_HTML);
			fprintf(fp,
			        "</td><td class=\"n\" data-l=\"sessions\">%s</td><td class=\"n\" data-l=\"failed\">%s</td></tr>\n",
			        num(p->ok + p->failed).s, num(p->failed).s);
		}
		fputs("</table>\n", fp);
		if (v->nfind > 0) {
			fputs("<ul class=\"findings\">\n", fp);
			for (j = 0; j < v->nfind; j++) {
				fprintf(fp, "<li class=\"%s\">",
				        tlsrpt_inventory_finding_name(v->find[j].kind));
				inv_finding(fp, v, &v->find[j], M_HTML);
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
		struct tlsrpt_digest_counts t = tlsa_of(dom);
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
			        "<p class=\"sum\"><span class=\"badge %s\">%s</span> DANE (tlsa) <span class=\"sessions\">%s</span> %s, <span class=\"failed\">%s</span> failed (<span class=\"rate\">%.2f%%</span>), <span class=\"reports\">%s</span> %s</p>\n",
			        hn, hn, num(t.ok + t.failed).s,
			        t.ok + t.failed == 1 ? "session" : "sessions", num(t.failed).s,
			        tlsrpt_digest_rate(&t), num(dom->reports).s,
			        dom->reports == 1 ? "report" : "reports");
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
				fprintf(fp, " (%s)", num(dom->rep[j].reports).s);
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
				        num(m->by[j].reports).s, m->by[j].in_mx ? "yes" : "no",
				        num(m->by[j].failed).s);
			}
			fputs("</table>\n", fp);
		}
		if (m->by_more > 0) {
			fprintf(fp,
			        "<p>And %s more by other domains (only the first are listed).</p>\n",
			        num(m->by_more).s);
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
			fputs("<tr><th colspan=\"3\">Names not given with --domain or --config (anyone can send a report for any name):</th></tr>\n",
			      fp);
		}
		fprintf(fp,
		        "<tr class=\"%s\"><td><span class=\"badge %s\">%s</span></td><td class=\"name\">",
		        i < ours ? "ours" : "theirs", tlsrpt_health_name(hv),
		        tlsrpt_health_name(hv));
		h(fp, dom->name);
		fputs("</td><td>", fp);
		glance(fp, d, dom, hv, o, M_HTML);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

/* html_input - the totals and what the input held besides them */
static void html_input(FILE *fp, const struct tlsrpt_digest *d)
{
	struct tlsrpt_digest_counts all;

	totals(d, &all);
	fprintf(fp,
	        "<p id=\"total\"><span class=\"reports\">%s</span> %s counted: <span class=\"sessions\">%s</span> %s, <span class=\"failed\">%s</span> failed (%.2f%%).",
	        num(d->st.reports).s, d->st.reports == 1 ? "report" : "reports",
	        num(all.ok + all.failed).s, all.ok + all.failed == 1 ? "session" : "sessions",
	        num(all.failed).s, tlsrpt_digest_rate(&all));
	if (d->st.duplicates > 0) {
		fputs(" ", fp);
		cnt(fp, d->st.duplicates, "duplicate report line", "duplicate report lines");
		fputs(" not counted again (see Duplicates).", fp);
	}
	if (d->st.outside > 0) {
		fputs(" ", fp);
		cnt(fp, d->st.outside, "report", "reports");
		fputs(" outside the period left out.", fp);
	}
	if (d->st.errors > 0) {
		fputs(" ", fp);
		cnt(fp, d->st.errors, "error line", "error lines");
		fputs(": mail the milter could not read as a report.", fp);
	}
	if (d->st.orphans + d->st.malformed > 0) {
		fputs(" ", fp);
		cnt(fp, d->st.orphans + d->st.malformed, "line", "lines");
		fputs(" without their report line or the keys they need, left out.", fp);
	}
	if (d->st.limited > 0) {
		fputs(" ", fp);
		cnt(fp, d->st.limited, "item", "items");
		fputs(" left out by the digest's limits.", fp);
	}
	fputs("</p>\n", fp);
	if (d->st.omitted_reports > 0) {
		fprintf(fp,
		        "<p class=\"warn\">%s more %s (%s %s, %s failed) %s logged without %s lines (report-omitted): in no domain's figures.</p>\n",
		        num(d->st.omitted_reports).s,
		        d->st.omitted_reports == 1 ? "report" : "reports",
		        num(d->st.omitted_ok + d->st.omitted_failed).s,
		        d->st.omitted_ok + d->st.omitted_failed == 1 ? "session" : "sessions",
		        num(d->st.omitted_failed).s, d->st.omitted_reports == 1 ? "was" : "were",
		        d->st.omitted_reports == 1 ? "its" : "their");
	}
}

/* html_dups - the kept duplicates */
static void html_dups(FILE *fp, const struct tlsrpt_digest *d)
{
	size_t i;

	if (d->st.duplicates == 0) {
		return;
	}
	fputs("<h2 class=\"group\">Duplicates: a report counts once, however often it is logged</h2>\n<table class=\"dup stack\"><tr><th>report-id</th><th>reporter</th><th>domain</th><th>day</th><th>why not counted</th></tr>\n",
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
		        date(x->day).s);
		dup_why(fp, x, M_HTML);
		fputs(".</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	if (d->st.duplicates > d->ndup) {
		fputs("<p>And ", fp);
		cnt(fp, d->st.duplicates - d->ndup, "more", "more");
		fputs(" (only the first are listed).</p>\n", fp);
	}
}

/* tlsrpt_render_html - one self-contained page */
int tlsrpt_render_html(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o)
{
	char note[LEFT_OUT_NOTE];
	const struct tlsrpt_meaning *tab;
	struct tlsrpt_bucket_plan plan;
	size_t order[TLSRPT_LOOKOUT_MAX_DOMAINS];
	size_t i, j, n, ours;
	int any, others;

	plan_of(d, &plan);
	ours = tlsrpt_health_order(d, o->today, o->silent_days, order);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'sha256-" PAGE_STYLE_HASH "'; base-uri 'none'; form-action 'none'\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n",
	      fp);
	fprintf(fp, "<title>TLS-RPT digest %s to %s</title>\n", date(d->first_day).s,
	        date(d->last_day).s);
	fputs("<style>" PAGE_STYLE "</style></head><body>\n", fp);
	fprintf(fp, "<h1>TLS-RPT digest</h1>\n<p class=\"period\">%s to %s, %s %s (UTC)</p>\n",
	        date(d->first_day).s, date(d->last_day).s, num(d->ndays).s,
	        d->ndays == 1 ? "day" : "days");
	if (tlsrpt_digest_left_out(d, note, sizeof(note))) {
		fputs("<p class=\"warn\" id=\"left-out\">", fp);
		h(fp, note);
		fputs("</p>\n", fp);
	}
	html_glance(fp, d, o, order, ours);
	html_input(fp, d);
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
	any = 0;
	for (i = 0; i < d->ndom; i++) {
		const struct tlsrpt_digest_domain *dom = d->dom[order[i]];

		for (j = 0; j < dom->nrep; j++) {
			const struct tlsrpt_digest_reporter *r = &dom->rep[j];

			if (!tlsrpt_render_silent(o, r->last_day)) {
				continue;
			}
			if (!any) {
				fprintf(fp,
				        "<h2 class=\"group\">Reporters silent for %d %s or more</h2>\n<ul>\n",
				        o->silent_days, o->silent_days == 1 ? "day" : "days");
				any = 1;
			}
			fputs("<li>", fp);
			h(fp, dom->name);
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
