/*
 * render.c - what the four renderers share (render_share.h)
 *
 * One cleaning walk (tlsrpt_render_put) serves every format: it goes one
 * UTF-8 character at a time (escape.h's tlsrpt_utf8_seqlen), writes what
 * is unsafe (invalid UTF-8, controls, and the code points the log
 * escapers hide: tlsrpt_escape_hidden) as \xHH text and escapes what the
 * format needs.  The trusted texts (meaning.h, our own words) go through
 * the same walk in HTML.
 *
 * Text (render_text.c) and HTML (render_html.c) share their shape: every
 * domain's verdict first, in health.h's order (ours before names only
 * reports brought), then the totals and what else the input held, the
 * domains in the same order, the duplicates with where each copy was
 * logged, silent reporters and what the failures mean.  Their sentences
 * are written here once, by phrase builders given the mode (text as is,
 * HTML escaped).  Sparklines and charts draw bucket.h's cells (days,
 * weeks or months, at most 31).  Counts are written with their noun in
 * the right number (tlsrpt_render_cnt) and thousands separators
 * (tlsrpt_render_num).  JSON is in render_json.c, Prometheus in
 * render_prom.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bucket.h"
#include "calendar.h"
#include "escape.h"
#include "health.h"
#include "meaning.h"
#include "mxseen.h"
#include "render.h"
#include "render_share.h"
#include "reporters.h"

/* tlsrpt_render_put - write s cleaned and escaped for the mode */
void tlsrpt_render_put(FILE *fp, const char *str, enum tlsrpt_render_mode m)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;

		if (c >= 0x20 && c < 0x7f) {
			if (m == TLSRPT_RENDER_HTML &&
			    (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'')) {
				fprintf(fp, "&#%u;", c);
			} else if (m == TLSRPT_RENDER_PROM && c == '\\') {
				/* doubled in the value Prometheus reads, so that the \\xHH written
				 * below for a control byte never equals a report's own text
				 * "\\xHH": one value, one series */
				fputs("\\\\\\\\", fp);
			} else if ((m == TLSRPT_RENDER_JSON || m == TLSRPT_RENDER_PROM) &&
			           (c == '"' || c == '\\')) {
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
			fprintf(fp,
			        m == TLSRPT_RENDER_JSON || m == TLSRPT_RENDER_PROM ? "\\\\x%02x"
			                                                           : "\\x%02x",
			        s[i]);
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

/* tlsrpt_render_date - a day as text in a static-free buffer */
struct tlsrpt_render_datestr tlsrpt_render_date(long day)
{
	struct tlsrpt_render_datestr r;

	if (day < 0) {
		strcpy(r.s, "never");
	} else {
		tlsrpt_calendar_date(day, r.s, sizeof(r.s));
	}
	return r;
}

/* tlsrpt_render_totals - sessions and failed over all domains */
void tlsrpt_render_totals(const struct tlsrpt_digest *d, struct tlsrpt_digest_counts *c)
{
	size_t i;

	c->ok = c->failed = 0;
	for (i = 0; i < d->ndom; i++) {
		c->ok += d->dom[i]->c.ok;
		c->failed += d->dom[i]->c.failed;
	}
}

/* tlsrpt_render_sts_weak - the domain's sts policy mode when it is testing or none, else NULL */
const struct tlsrpt_digest_policy *tlsrpt_render_sts_weak(const struct tlsrpt_digest_domain *dom)
{
	return tlsrpt_health_sts_weak(dom);
}

/* tlsrpt_render_num - a count with thousands separators ("10,241") */
struct tlsrpt_render_numstr tlsrpt_render_num(unsigned long long n)
{
	struct tlsrpt_render_numstr r;
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

/* tlsrpt_render_cnt - "1 report", "2 reports": a count and its noun in the right number */
void tlsrpt_render_cnt(FILE *fp, unsigned long long n, const char *one, const char *many)
{
	fprintf(fp, "%s %s", tlsrpt_render_num(n).s, n == 1 ? one : many);
}

/* tlsrpt_render_range - two days as a short range: "2026-11-28", "2026-11-27 to 11-29" */
struct tlsrpt_render_rangestr tlsrpt_render_range(long a, long b)
{
	struct tlsrpt_render_rangestr r;
	struct tlsrpt_render_datestr x = tlsrpt_render_date(a), y = tlsrpt_render_date(b);

	if (a == b || a < 0 || b < 0) {
		snprintf(r.s, sizeof(r.s), "%s", a < 0 ? y.s : x.s);
	} else if (memcmp(x.s, y.s, 5) == 0) {
		snprintf(r.s, sizeof(r.s), "%s to %s", x.s, y.s + 5);
	} else {
		snprintf(r.s, sizeof(r.s), "%s to %s", x.s, y.s);
	}
	return r;
}

/* tlsrpt_render_cell_counts - a domain's sessions per cell of the plan */
void tlsrpt_render_cell_counts(const struct tlsrpt_digest *d,
                               const struct tlsrpt_digest_domain *dom,
                               const struct tlsrpt_bucket_plan *plan,
                               struct tlsrpt_digest_counts *out)
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

/* tlsrpt_render_plan_of - the cells of the digest's period (days, else weeks, else months) */
void tlsrpt_render_plan_of(const struct tlsrpt_digest *d, struct tlsrpt_bucket_plan *plan)
{
	if (tlsrpt_bucket_make(d->first_day, d->last_day, plan) < 0) {
		/* cannot happen within TLSRPT_LOOKOUT_MAX_DAYS; one cell rather than none */
		plan->unit = TLSRPT_BUCKET_MONTH;
		plan->cell[0].first = d->first_day;
		plan->cell[0].last = d->last_day;
		plan->n = 1;
	}
}

/* tlsrpt_render_dns_of - what DNS said of dom's _smtp._tls record, NULL when not asked */
const struct tlsrpt_render_dns *tlsrpt_render_dns_of(const struct tlsrpt_render_opts *o,
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
 * tlsrpt_render_glance - one line on why a domain has its verdict: the failures and the
 * worst of them, the last report, the policy mode, or the figures
 */
void tlsrpt_render_glance(FILE *fp, const struct tlsrpt_digest *d,
                          const struct tlsrpt_digest_domain *dom, enum tlsrpt_health hv,
                          const struct tlsrpt_render_opts *o, enum tlsrpt_render_mode m)
{
	const struct tlsrpt_digest_policy *weak = tlsrpt_render_sts_weak(dom);
	unsigned long long ses = dom->c.ok + dom->c.failed;

	switch (hv) {
	case TLSRPT_HEALTH_FAILING:
		fprintf(fp, "%s of ", tlsrpt_render_num(dom->c.failed).s);
		tlsrpt_render_cnt(fp, ses, "session", "sessions");
		fprintf(fp, " failed (%.2f%%)", tlsrpt_digest_rate(&dom->c));
		if (dom->nfail > 0) {
			fprintf(fp, "; %s ", tlsrpt_render_num(dom->fail[0].failed).s);
			tlsrpt_render_put(fp, dom->fail[0].result_type, m);
			if (dom->fail[0].mx[0] != '\0' || dom->fail[0].ip[0] != '\0') {
				fputs(" at ", fp);
				tlsrpt_render_put(fp,
				                  dom->fail[0].mx[0] != '\0' ? dom->fail[0].mx
				                                             : dom->fail[0].ip,
				                  m);
			}
			if (dom->nfail > 1) {
				fputs(", ", fp);
				tlsrpt_render_cnt(fp, dom->nfail - 1, "other kind of failure",
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
			fprintf(fp, "no report since %s (", tlsrpt_render_date(dom->last_day).s);
			tlsrpt_render_cnt(fp, (unsigned long long)(o->today - dom->last_day), "day",
			                  "days");
			fputc(')', fp);
		}
		if (dom->reports == 0 && tlsrpt_render_dns_of(o, dom) != NULL) {
			fputs("; _smtp._tls record ", fp);
			tlsrpt_render_put(fp, tlsrpt_render_dns_of(o, dom)->verdict, m);
		}
		break;
	case TLSRPT_HEALTH_TESTING:
		fprintf(fp, "MTA-STS policy in %s mode, senders do not enforce it; ",
		        strcmp(weak->sts_mode, "none") == 0 ? "none" : "testing");
		tlsrpt_render_cnt(fp, ses, "session", "sessions");
		fputs(", none failed", fp);
		glance_ready(fp, d, dom);
		break;
	default:
		tlsrpt_render_cnt(fp, ses, "session", "sessions");
		fputs(", none failed, ", fp);
		tlsrpt_render_cnt(fp, dom->reports, "report", "reports");
		break;
	}
}

/* tlsrpt_render_dup_why - where a duplicate was logged and why it counts once */
void tlsrpt_render_dup_why(FILE *fp, const struct tlsrpt_digest_dup *x, enum tlsrpt_render_mode m)
{
	fputs("logged again", fp);
	if (x->qid[0] != '\0') {
		fputs(" as ", fp);
		tlsrpt_render_put(fp, x->qid, m);
	}
	if (x->host[0] != '\0') {
		fputs(" on ", fp);
		tlsrpt_render_put(fp, x->host, m);
	}
	if (!x->first_known) {
		fputs(" after a copy counted earlier in the input", fp);
	} else {
		fputs(" after the copy counted", fp);
		if (x->first_qid[0] != '\0') {
			fputs(" as ", fp);
			tlsrpt_render_put(fp, x->first_qid, m);
		}
		if (x->first_host[0] != '\0') {
			fputs(" on ", fp);
			tlsrpt_render_put(fp, x->first_host, m);
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
		tlsrpt_render_cnt(fp, x->lines, "line", "lines");
		fputs(" of policies and failures", fp);
	}
	fputs(x->lines > 0 ? " were left out" : " was left out", fp);
}

/* tlsrpt_render_used_result - 1 when some domain fails with this result type */
int tlsrpt_render_used_result(const struct tlsrpt_digest *d, const char *rt)
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

/* tlsrpt_render_used_reason - 1 when some failure carries a reason code with this meaning */
int tlsrpt_render_used_reason(const struct tlsrpt_digest *d, const struct tlsrpt_meaning *m)
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

/* ------------------------------------------- what our MX saw (mxseen.h) */

/* tlsrpt_render_mx_verdict_key - the verdict as a JSON word */
const char *tlsrpt_render_mx_verdict_key(enum tlsrpt_mxseen_verdict v)
{
	return v == TLSRPT_MX_SEEN ? "seen" : v == TLSRPT_MX_NOT_SEEN ? "not-seen" : "no-mx-log";
}

/*
 * tlsrpt_render_mx_on - 1 when the input held smtpd lines of the period: without any, the
 * join has nothing to say and the digest looks as it did without it
 */
int tlsrpt_render_mx_on(const struct tlsrpt_digest *d)
{
	return d->mx != NULL && d->mx->st.days_logged > 0;
}

/* tlsrpt_render_mx_any - 1 when the join has a failure of this domain */
int tlsrpt_render_mx_any(const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom)
{
	size_t i;

	for (i = 0; tlsrpt_render_mx_on(d) && i < d->mx->nitem; i++) {
		if (strcmp(d->mx->item[i].domain, dom->name) == 0) {
			return 1;
		}
	}
	return 0;
}

/* tlsrpt_render_mx_evidence - one line of what our MX logged of the reporter's clients (text or
 * HTML) */
void tlsrpt_render_mx_evidence(FILE *fp, const struct tlsrpt_mxseen_item *it,
                               enum tlsrpt_render_mode m)
{
	const struct tlsrpt_mxseen_evidence *ev = &it->ev;
	char doms[512];
	size_t i;

	if (ev->clients == 0) {
		fputs("no session of ", fp);
		if (it->by_ip) {
			fputs("sending-mta-ip ", fp);
			tlsrpt_render_put(fp, it->sending_ip, m);
		} else {
			tlsrpt_reporters_domains(it->reporter, doms, sizeof(doms));
			fputs("a client named under ", fp);
			tlsrpt_render_put(fp, doms, m);
		}
		fputs(" that day", fp);
	} else {
		fprintf(fp, "%lu sessions of %lu client%s (", ev->sessions, ev->clients,
		        ev->clients == 1 ? "" : "s");
		tlsrpt_render_put(fp, ev->name[0] != '\0' ? ev->name : "unknown", m);
		fputc('[', fp);
		tlsrpt_render_put(fp, ev->ip, m);
		fputc(']', fp);
		if (ev->host[0] != '\0') {
			fputs(" at ", fp);
			tlsrpt_render_put(fp, ev->host, m);
		}
		fprintf(fp,
		        ", matched by %s): STARTTLS %lu tried, %lu succeeded; %lu failed handshakes, %lu lost after STARTTLS, %lu TLS then no mail, %lu without STARTTLS, %lu delivered over TLS",
		        it->by_ip ? "sending-mta-ip" : "name", ev->tls_tried, ev->tls_ok,
		        ev->handshake_errors, ev->lost_after_starttls, ev->tls_no_mail, ev->no_tls,
		        ev->delivered);
		if (ev->tls_established > 0) {
			fprintf(fp, "; %lu TLS connections established (", ev->tls_established);
			tlsrpt_render_put(fp, ev->proto, m);
			fputc(')', fp);
		}
		for (i = 0; i < ev->nreason; i++) {
			fputs(i ? ", " : "; reasons: ", fp);
			tlsrpt_render_put(fp, ev->reason[i].text, m);
			fprintf(fp, " (%lu)", ev->reason[i].n);
		}
	}
	if (it->dropped > 0 && it->verdict == TLSRPT_MX_NOT_SEEN) {
		fprintf(fp,
		        "; the client table was full that day: %lu lines of further clients not kept, so this may be incomplete",
		        it->dropped);
	}
}

/* tlsrpt_render_unlisted - the sentence about reports whose reporters are past the limits (numbers
 * only) */
void tlsrpt_render_unlisted(FILE *fp, const struct tlsrpt_digest_domain *dom)
{
	tlsrpt_render_cnt(fp, dom->reports_unlisted, "report", "reports");
	fprintf(fp,
	        " from reporters not listed: past the limit of %d reporters, or of %d not authenticated by DKIM (counted above all the same)",
	        TLSRPT_LOOKOUT_MAX_REPORTERS, TLSRPT_LOOKOUT_MAX_CLAIMED);
}

/* ---------------------------------------------------- policy inventory */

/* tlsrpt_render_inv_policy - what one policy says: type, mode, max_age, mx, hash (text or HTML) */
void tlsrpt_render_inv_policy(FILE *fp, const struct tlsrpt_inv_policy *p,
                              enum tlsrpt_render_mode m)
{
	const char *sep = " ";

	tlsrpt_render_put(fp, p->type, m);
	if (p->mode[0] != '\0') {
		fputs(" mode ", fp);
		tlsrpt_render_put(fp, p->mode, m);
		sep = ", ";
	}
	if (p->max_age >= 0) {
		fprintf(fp, "%smax_age %lld", sep, p->max_age);
		sep = ", ";
	}
	if (p->mx[0] != '\0') {
		fprintf(fp, "%smx ", sep);
		tlsrpt_render_put(fp, p->mx, m);
		sep = ", ";
	}
	if (p->hash[0] != '\0') {
		fprintf(fp, "%s%s ", sep, strcmp(p->type, "tlsa") == 0 ? "TLSA set" : "policy");
		tlsrpt_render_put(fp, p->hash, m);
	}
}

/* tlsrpt_render_inv_reporters - "google.com, microsoft.com and 2 more reports" */
void tlsrpt_render_inv_reporters(FILE *fp, const struct tlsrpt_inv_policy *p,
                                 enum tlsrpt_render_mode m)
{
	size_t i;

	for (i = 0; i < p->nrep; i++) {
		fputs(i ? ", " : "", fp);
		tlsrpt_render_put(fp, p->rep[i], m);
	}
	if (p->rep_more > 0) {
		fputs(" and ", fp);
		tlsrpt_render_cnt(fp, p->rep_more, "more report", "more reports");
	}
}

/* inv_reporters_in - the reporters that applied p on some day of [from, to] */
static void inv_reporters_in(FILE *fp, const struct tlsrpt_inv_policy *p, long from, long to,
                             enum tlsrpt_render_mode m)
{
	size_t i;
	int n = 0;

	for (i = 0; i < p->nrep; i++) {
		if (p->rep_last[i] >= from && p->rep_first[i] <= to) {
			fputs(n++ ? ", " : "", fp);
			tlsrpt_render_put(fp, p->rep[i], m);
		}
	}
	if (n == 0) {
		fputs(p->rep_more > 0 ? "reporters not listed" : "some reporters", fp);
	}
}

/* tlsrpt_render_inv_finding - one finding in words (text or HTML) */
void tlsrpt_render_inv_finding(FILE *fp, const struct tlsrpt_inv_domain *v,
                               const struct tlsrpt_inv_finding *f, enum tlsrpt_render_mode m)
{
	const struct tlsrpt_inv_policy *a = &v->pol[f->a], *b = &v->pol[f->b];

	switch (f->kind) {
	case TLSRPT_INV_ENFORCE_FAILING:
		fputs("MTA-STS failures while in enforce mode: ", fp);
		tlsrpt_render_cnt(fp, a->failed, "failed session", "failed sessions");
		fputs(" (", fp);
		tlsrpt_render_inv_policy(fp, a, m);
		fputs("); senders that honour the policy did not deliver to an MX they could not verify",
		      fp);
		break;
	case TLSRPT_INV_CHANGED:
		fputs("the ", fp);
		tlsrpt_render_put(fp, a->type, m);
		fprintf(fp, " policy changed on %s: ", tlsrpt_render_date(f->day).s);
		tlsrpt_render_inv_policy(fp, a, m);
		fputs(" (last seen ", fp);
		fputs(tlsrpt_render_date(a->last_day).s, fp);
		fputs(") became ", fp);
		tlsrpt_render_inv_policy(fp, b, m);
		break;
	case TLSRPT_INV_DISAGREE:
		/* the days both were applied, and who applied which on them */
		fprintf(fp, "reporters disagreed (%s): ",
		        tlsrpt_render_range(f->day,
		                            a->last_day < b->last_day ? a->last_day : b->last_day)
		                .s);
		inv_reporters_in(fp, a, f->day,
		                 a->last_day < b->last_day ? a->last_day : b->last_day, m);
		fputs(" still applied ", fp);
		tlsrpt_render_inv_policy(fp, a, m);
		fputs(" while ", fp);
		inv_reporters_in(fp, b, f->day,
		                 a->last_day < b->last_day ? a->last_day : b->last_day, m);
		fputs(" applied ", fp);
		tlsrpt_render_inv_policy(fp, b, m);
		fputs(": the first is likely a stale cached policy", fp);
		if (a->max_age >= 0) {
			fprintf(fp, " (a sender may keep it for max_age, %lld seconds)",
			        a->max_age);
		}
		break;
	case TLSRPT_INV_READY:
		fprintf(fp,
		        "ready for enforce: MTA-STS in testing mode for %ld days (%s) without a failed session; set mode: enforce in the policy file and change the id of the _mta-sts record",
		        a->last_day - a->first_day + 1,
		        tlsrpt_render_range(a->first_day, a->last_day).s);
		break;
	}
}

/* tlsrpt_render_tlsa_of - the host's tlsa policy figures (zero when none) */
struct tlsrpt_digest_counts tlsrpt_render_tlsa_of(const struct tlsrpt_digest_domain *dom)
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

/* ---------------------------- sentences text and HTML both write (words once) */

/* span - a figure: in HTML inside <span class="cls"> (the page's style), in text as is */
static void span(FILE *fp, enum tlsrpt_render_mode m, const char *cls, const char *s)
{
	if (m == TLSRPT_RENDER_HTML) {
		fprintf(fp, "<span class=\"%s\">%s</span>", cls, s);
	} else {
		fputs(s, fp);
	}
}

/* bold - our own word, in bold in HTML */
static void bold(FILE *fp, enum tlsrpt_render_mode m, const char *s)
{
	fprintf(fp, m == TLSRPT_RENDER_HTML ? "<b>%s</b>" : "%s", s);
}

/* counted - "N reports counted: N sessions, N failed (R%)" over all domains */
static void counted(FILE *fp, const struct tlsrpt_digest *d, enum tlsrpt_render_mode m)
{
	struct tlsrpt_digest_counts all;

	tlsrpt_render_totals(d, &all);
	span(fp, m, "reports", tlsrpt_render_num(d->st.reports).s);
	fprintf(fp, " %s counted: ", d->st.reports == 1 ? "report" : "reports");
	span(fp, m, "sessions", tlsrpt_render_num(all.ok + all.failed).s);
	fprintf(fp, " %s, ", all.ok + all.failed == 1 ? "session" : "sessions");
	span(fp, m, "failed", tlsrpt_render_num(all.failed).s);
	fprintf(fp, " failed (%.2f%%)", tlsrpt_digest_rate(&all));
}

/*
 * input_notes - what the input held besides the reports
 * counted, one sentence each: in text each on a line of its own, in HTML
 * each led by a space and ended by a full stop (the text says a little
 * more where a reader of a terminal has no link to follow); the page says
 * the same things as the text, reports lost to a cut line included
 */
static void input_notes(FILE *fp, const struct tlsrpt_digest *d, enum tlsrpt_render_mode m)
{
	const struct {
		unsigned long long n;
		const char *one, *many, *words, *text_more, *close;
	} s[] = {
	        {d->st.duplicates, "duplicate report line", "duplicate report lines",
	         " not counted again (see Duplicates", " below", ")"},
	        {d->st.outside, "report", "reports", " outside the period left out", "", ""},
	        {d->st.errors, "error line", "error lines",
	         ": mail the milter could not read as a report", " (see the milter's error lines)",
	         ""},
	        {d->st.orphans + d->st.malformed, "line", "lines",
	         " without their report line or the keys they need, left out", "", ""},
	        {d->st.cut, "report", "reports",
	         " with a log line cut on its way (a syslog relay's limit) not counted, in no domain's figures",
	         "", ""},
	        {d->st.limited, "item", "items", " left out by the digest's limits", "", ""},
	};
	int text = m != TLSRPT_RENDER_HTML;

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		if (s[i].n == 0) {
			continue;
		}
		fputs(text ? "" : " ", fp);
		tlsrpt_render_cnt(fp, s[i].n, s[i].one, s[i].many);
		fputs(s[i].words, fp);
		fputs(text ? s[i].text_more : "", fp);
		fputs(s[i].close, fp);
		fputs(text ? "\n" : ".", fp);
	}
}

/* omitted - the reports logged without their lines (numbers only) */
static void omitted(FILE *fp, const struct tlsrpt_digest *d)
{
	fprintf(fp,
	        "%s more %s (%s %s, %s failed) %s logged without %s lines (report-omitted): in no domain's figures",
	        tlsrpt_render_num(d->st.omitted_reports).s,
	        d->st.omitted_reports == 1 ? "report" : "reports",
	        tlsrpt_render_num(d->st.omitted_ok + d->st.omitted_failed).s,
	        d->st.omitted_ok + d->st.omitted_failed == 1 ? "session" : "sessions",
	        tlsrpt_render_num(d->st.omitted_failed).s,
	        d->st.omitted_reports == 1 ? "was" : "were",
	        d->st.omitted_reports == 1 ? "its" : "their");
}

/*
 * tlsrpt_render_input - the totals, what the input held besides them and
 * the reports logged without their lines: text lines, or HTML paragraphs
 * (the totals' with id "total", the omitted reports' as a warning)
 */
void tlsrpt_render_input(FILE *fp, const struct tlsrpt_digest *d, enum tlsrpt_render_mode m)
{
	int html = m == TLSRPT_RENDER_HTML;

	fputs(html ? "<p id=\"total\">" : "", fp);
	counted(fp, d, m);
	fputs(html ? "." : "\n", fp);
	input_notes(fp, d, m);
	fputs(html ? "</p>\n" : "", fp);
	if (d->st.omitted_reports > 0) {
		fputs(html ? "<p class=\"warn\">" : "", fp);
		omitted(fp, d);
		fputs(html ? ".</p>\n" : "\n", fp);
	}
}

/* tlsrpt_render_figures - "N sessions, N failed (R%), N reports" of a domain or host */
void tlsrpt_render_figures(FILE *fp, const struct tlsrpt_digest_counts *c,
                           unsigned long long reports, enum tlsrpt_render_mode m)
{
	char rate[32];

	span(fp, m, "sessions", tlsrpt_render_num(c->ok + c->failed).s);
	fprintf(fp, " %s, ", c->ok + c->failed == 1 ? "session" : "sessions");
	span(fp, m, "failed", tlsrpt_render_num(c->failed).s);
	snprintf(rate, sizeof(rate), "%.2f%%", tlsrpt_digest_rate(c));
	fputs(" failed (", fp);
	span(fp, m, "rate", rate);
	fputs("), ", fp);
	span(fp, m, "reports", tlsrpt_render_num(reports).s);
	fprintf(fp, " %s", reports == 1 ? "report" : "reports");
}

/* tlsrpt_render_no_report - "no report in the period (last report: DAY)"; cap: "No" */
void tlsrpt_render_no_report(FILE *fp, const struct tlsrpt_digest_domain *dom, int cap)
{
	fprintf(fp, "%co report in the period (last report: %s)", cap ? 'N' : 'n',
	        tlsrpt_render_date(dom->last_day).s);
}

/* tlsrpt_render_dns_line - "DNS: _smtp._tls record VERDICT: DETAIL" */
void tlsrpt_render_dns_line(FILE *fp, const struct tlsrpt_render_dns *dns,
                            enum tlsrpt_render_mode m)
{
	fputs(m == TLSRPT_RENDER_HTML ? "DNS: <code>_smtp._tls</code> record <b>"
	                              : "DNS: _smtp._tls record ",
	      fp);
	tlsrpt_render_put(fp, dns->verdict, m);
	fputs(m == TLSRPT_RENDER_HTML ? "</b>: " : ": ", fp);
	tlsrpt_render_put(fp, dns->detail, m);
}

/* tlsrpt_render_sts_note - "MTA-STS policy in MODE mode (reported DAY): senders do not enforce it"
 */
void tlsrpt_render_sts_note(FILE *fp, const struct tlsrpt_digest_policy *weak,
                            enum tlsrpt_render_mode m)
{
	fputs("MTA-STS policy in ", fp);
	bold(fp, m, strcmp(weak->sts_mode, "none") == 0 ? "none" : "testing");
	fprintf(fp, " mode (reported %s): senders do not enforce it",
	        tlsrpt_render_date(weak->sts_day).s);
}

/* tlsrpt_render_no_details - "N failed sessions without details in the log" */
void tlsrpt_render_no_details(FILE *fp, const struct tlsrpt_digest_domain *dom)
{
	tlsrpt_render_cnt(fp, dom->omitted_failed + dom->dropped, "failed session",
	                  "failed sessions");
	fputs(" without details in the log", fp);
}

/* tlsrpt_render_first_listed - "N MORE TAIL (only the first are listed)" */
void tlsrpt_render_first_listed(FILE *fp, unsigned long long n, const char *one, const char *many,
                                const char *tail)
{
	tlsrpt_render_cnt(fp, n, one, many);
	fprintf(fp, "%s (only the first are listed)", tail);
}

/* tlsrpt_render_theirs - the heading over the names only reports brought */
void tlsrpt_render_theirs(FILE *fp)
{
	fputs("Names not given with --domain or --config (anyone can send a report for any name):",
	      fp);
}

/* tlsrpt_render_dup_title - "Duplicates (a report counts once, ...)"; in HTML after a colon */
void tlsrpt_render_dup_title(FILE *fp, enum tlsrpt_render_mode m)
{
	fprintf(fp, m == TLSRPT_RENDER_HTML ? "Duplicates: %s" : "Duplicates (%s)",
	        "a report counts once, however often it is logged");
}

/* tlsrpt_render_mx_dropped - the failures past the MX join's limit (all domains) */
void tlsrpt_render_mx_dropped(FILE *fp, const struct tlsrpt_digest *d)
{
	fprintf(fp,
	        "%llu more reported failures (all domains) passed the join's limit of %d and are not judged",
	        d->mx->st.items_dropped, TLSRPT_MXSEEN_MAX_ITEMS);
}

/* tlsrpt_render_meaning_used - 1 when the digest has a failure the meaning explains */
int tlsrpt_render_meaning_used(const struct tlsrpt_digest *d, const struct tlsrpt_meaning *t)
{
	return tlsrpt_render_used_result(d, t->name) || tlsrpt_render_used_reason(d, t);
}

/*
 * tlsrpt_render_fail_reporters - the reporters of a failure, in the
 * domain's order: "a, b" (text, HTML) or "a","b" (JSON strings)
 */
void tlsrpt_render_fail_reporters(FILE *fp, const struct tlsrpt_digest_domain *dom,
                                  const struct tlsrpt_digest_failure *f, enum tlsrpt_render_mode m)
{
	const char *q = m == TLSRPT_RENDER_JSON ? "\"" : "";
	int first = 1;

	for (size_t j = 0; j < dom->nrep && j < 64; j++) {
		if (f->reporters & (1ULL << j)) {
			fputs(first ? "" : m == TLSRPT_RENDER_JSON ? "," : ", ", fp);
			fputs(q, fp);
			tlsrpt_render_put(fp, dom->rep[j].id, m);
			fputs(q, fp);
			first = 0;
		}
	}
}

/* tlsrpt_render_inv_next - from *i on, the next domain the inventory has policies of; NULL at the
 * end */
const struct tlsrpt_inv_domain *tlsrpt_render_inv_next(const struct tlsrpt_digest *d, size_t *i)
{
	while (*i < d->ndom) {
		const struct tlsrpt_inv_domain *v =
		        tlsrpt_inventory_domain(&d->inv, d->dom[(*i)++]->name);

		if (v != NULL && v->npol > 0) {
			return v;
		}
	}
	return NULL;
}

/* tlsrpt_render_mx_next - from *i on, the next item of the MX join about dom; NULL at the end */
const struct tlsrpt_mxseen_item *tlsrpt_render_mx_next(const struct tlsrpt_digest *d,
                                                       const struct tlsrpt_digest_domain *dom,
                                                       size_t *i)
{
	while (*i < d->mx->nitem) {
		const struct tlsrpt_mxseen_item *it = &d->mx->item[(*i)++];

		if (strcmp(it->domain, dom->name) == 0) {
			return it;
		}
	}
	return NULL;
}

/*
 * tlsrpt_render_silent_list - "Reporters silent for N days or more", then
 * one "DOMAIN: REPORTER, last report DAY" each, in the domains' order; the
 * markup around the heading, each item and after the list is the caller's
 */
void tlsrpt_render_silent_list(FILE *fp, const struct tlsrpt_digest *d,
                               const struct tlsrpt_render_opts *o, const size_t *order,
                               const struct tlsrpt_render_markup *mk, enum tlsrpt_render_mode m)
{
	int any = 0;

	for (size_t i = 0; i < d->ndom; i++) {
		const struct tlsrpt_digest_domain *dom = d->dom[order[i]];

		for (size_t j = 0; j < dom->nrep; j++) {
			const struct tlsrpt_digest_reporter *r = &dom->rep[j];

			if (!tlsrpt_render_silent(o, r->last_day)) {
				continue;
			}
			if (!any) {
				fputs(mk->head_open, fp);
				fprintf(fp, "Reporters silent for %d %s or more", o->silent_days,
				        o->silent_days == 1 ? "day" : "days");
				fputs(mk->head_close, fp);
				any = 1;
			}
			fputs(mk->item_open, fp);
			tlsrpt_render_put(fp, dom->name, m);
			fputs(": ", fp);
			tlsrpt_render_put(fp, r->id, m);
			fprintf(fp, ", last report %s", tlsrpt_render_date(r->last_day).s);
			fputs(mk->item_close, fp);
		}
	}
	if (any) {
		fputs(mk->end, fp);
	}
}
