/*
 * render_share.h - what the text, HTML, JSON and Prometheus renderers share
 *
 * The cleaning walk every value goes through (tlsrpt_render_put), counts
 * and dates as words, and the phrase builders whose sentences text and
 * HTML both write: each writes its words once, with the values cleaned
 * and escaped for the mode it is given (text as is, HTML escaped).
 * Internal to render*.c: not for the rest of the program.
 */
#ifndef TLSRPT_RENDER_SHARE_H
#define TLSRPT_RENDER_SHARE_H

#include <stdio.h>

#include "bucket.h"
#include "digest.h"
#include "health.h"
#include "inventory.h"
#include "meaning.h"
#include "mxseen.h"
#include "render.h"

#define LEFT_OUT_NOTE 512 /* tlsrpt_digest_left_out's sentence */

enum tlsrpt_render_mode {
	TLSRPT_RENDER_TEXT,
	TLSRPT_RENDER_HTML,
	TLSRPT_RENDER_JSON,
	TLSRPT_RENDER_PROM
};

/* a day, a count, a range of days as text, in buffers of their own */
struct tlsrpt_render_datestr {
	char s[16];
};

struct tlsrpt_render_numstr {
	char s[32];
};

struct tlsrpt_render_rangestr {
	char s[40];
};

/* tlsrpt_render_put - write s cleaned and escaped for the mode */
void tlsrpt_render_put(FILE *fp, const char *str, enum tlsrpt_render_mode m);

/* tlsrpt_render_date - a day as text in a static-free buffer */
struct tlsrpt_render_datestr tlsrpt_render_date(long day);

/* tlsrpt_render_totals - sessions and failed over all domains */
void tlsrpt_render_totals(const struct tlsrpt_digest *d, struct tlsrpt_digest_counts *c);

/* tlsrpt_render_sts_weak - the domain's sts policy mode when it is testing or none, else NULL */
const struct tlsrpt_digest_policy *tlsrpt_render_sts_weak(const struct tlsrpt_digest_domain *dom);

/* tlsrpt_render_num - a count with thousands separators ("10,241") */
struct tlsrpt_render_numstr tlsrpt_render_num(unsigned long long n);

/* tlsrpt_render_cnt - "1 report", "2 reports": a count and its noun in the right number */
void tlsrpt_render_cnt(FILE *fp, unsigned long long n, const char *one, const char *many);

/* tlsrpt_render_range - two days as a short range: "2026-11-28", "2026-11-27 to 11-29" */
struct tlsrpt_render_rangestr tlsrpt_render_range(long a, long b);

/* tlsrpt_render_cell_counts - a domain's sessions per cell of the plan */
void tlsrpt_render_cell_counts(const struct tlsrpt_digest *d,
                               const struct tlsrpt_digest_domain *dom,
                               const struct tlsrpt_bucket_plan *plan,
                               struct tlsrpt_digest_counts *out);

/* tlsrpt_render_plan_of - the cells of the digest's period (days, else weeks, else months) */
void tlsrpt_render_plan_of(const struct tlsrpt_digest *d, struct tlsrpt_bucket_plan *plan);

/* tlsrpt_render_dns_of - what DNS said of dom's _smtp._tls record, NULL when not asked */
const struct tlsrpt_render_dns *tlsrpt_render_dns_of(const struct tlsrpt_render_opts *o,
                                                     const struct tlsrpt_digest_domain *dom);

/*
 * tlsrpt_render_glance - one line on why a domain has its verdict: the failures and the
 * worst of them, the last report, the policy mode, or the figures
 */
void tlsrpt_render_glance(FILE *fp, const struct tlsrpt_digest *d,
                          const struct tlsrpt_digest_domain *dom, enum tlsrpt_health hv,
                          const struct tlsrpt_render_opts *o, enum tlsrpt_render_mode m);

/* tlsrpt_render_dup_why - where a duplicate was logged and why it counts once */
void tlsrpt_render_dup_why(FILE *fp, const struct tlsrpt_digest_dup *x, enum tlsrpt_render_mode m);

/* tlsrpt_render_used_result - 1 when some domain fails with this result type */
int tlsrpt_render_used_result(const struct tlsrpt_digest *d, const char *rt);

/* tlsrpt_render_used_reason - 1 when some failure carries a reason code with this meaning */
int tlsrpt_render_used_reason(const struct tlsrpt_digest *d, const struct tlsrpt_meaning *m);

/* tlsrpt_render_mx_verdict_key - the verdict as a JSON word */
const char *tlsrpt_render_mx_verdict_key(enum tlsrpt_mxseen_verdict v);

/*
 * tlsrpt_render_mx_on - 1 when the input held smtpd lines of the period: without any, the
 * join has nothing to say and the digest looks as it did without it
 */
int tlsrpt_render_mx_on(const struct tlsrpt_digest *d);

/* tlsrpt_render_mx_any - 1 when the join has a failure of this domain */
int tlsrpt_render_mx_any(const struct tlsrpt_digest *d, const struct tlsrpt_digest_domain *dom);

/* tlsrpt_render_mx_evidence - one line of what our MX logged of the reporter's clients (text or
 * HTML) */
void tlsrpt_render_mx_evidence(FILE *fp, const struct tlsrpt_mxseen_item *it,
                               enum tlsrpt_render_mode m);

/* tlsrpt_render_unlisted - the sentence about reports whose reporters are past the limits (numbers
 * only) */
void tlsrpt_render_unlisted(FILE *fp, const struct tlsrpt_digest_domain *dom);

/* tlsrpt_render_inv_policy - what one policy says: type, mode, max_age, mx, hash (text or HTML) */
void tlsrpt_render_inv_policy(FILE *fp, const struct tlsrpt_inv_policy *p,
                              enum tlsrpt_render_mode m);

/* tlsrpt_render_inv_reporters - "google.com, microsoft.com and 2 more reports" */
void tlsrpt_render_inv_reporters(FILE *fp, const struct tlsrpt_inv_policy *p,
                                 enum tlsrpt_render_mode m);

/* tlsrpt_render_inv_finding - one finding in words (text or HTML) */
void tlsrpt_render_inv_finding(FILE *fp, const struct tlsrpt_inv_domain *v,
                               const struct tlsrpt_inv_finding *f, enum tlsrpt_render_mode m);

/* tlsrpt_render_tlsa_of - the host's tlsa policy figures (zero when none) */
struct tlsrpt_digest_counts tlsrpt_render_tlsa_of(const struct tlsrpt_digest_domain *dom);

/* sentences text and HTML both write: the words once, the markup by mode */

/*
 * tlsrpt_render_input - the totals, what the input held besides them and
 * the reports logged without their lines: text lines, or HTML paragraphs
 */
void tlsrpt_render_input(FILE *fp, const struct tlsrpt_digest *d, enum tlsrpt_render_mode m);

/* tlsrpt_render_figures - "N sessions, N failed (R%), N reports" of a domain or host */
void tlsrpt_render_figures(FILE *fp, const struct tlsrpt_digest_counts *c,
                           unsigned long long reports, enum tlsrpt_render_mode m);

/* tlsrpt_render_no_report - "no report in the period (last report: DAY)"; cap: "No" */
void tlsrpt_render_no_report(FILE *fp, const struct tlsrpt_digest_domain *dom, int cap);

/* tlsrpt_render_dns_line - "DNS: _smtp._tls record VERDICT: DETAIL" */
void tlsrpt_render_dns_line(FILE *fp, const struct tlsrpt_render_dns *dns,
                            enum tlsrpt_render_mode m);

/* tlsrpt_render_sts_note - "MTA-STS policy in MODE mode (reported DAY): senders do not enforce it"
 */
void tlsrpt_render_sts_note(FILE *fp, const struct tlsrpt_digest_policy *weak,
                            enum tlsrpt_render_mode m);

/* tlsrpt_render_no_details - "N failed sessions without details in the log" */
void tlsrpt_render_no_details(FILE *fp, const struct tlsrpt_digest_domain *dom);

/* tlsrpt_render_first_listed - "N MORE TAIL (only the first are listed)" */
void tlsrpt_render_first_listed(FILE *fp, unsigned long long n, const char *one, const char *many,
                                const char *tail);

/* tlsrpt_render_theirs - the heading over the names only reports brought */
void tlsrpt_render_theirs(FILE *fp);

/* tlsrpt_render_dup_title - "Duplicates (a report counts once, ...)"; in HTML after a colon */
void tlsrpt_render_dup_title(FILE *fp, enum tlsrpt_render_mode m);

/* tlsrpt_render_mx_dropped - the failures past the MX join's limit (all domains) */
void tlsrpt_render_mx_dropped(FILE *fp, const struct tlsrpt_digest *d);

/* tlsrpt_render_meaning_used - 1 when the digest has a failure the meaning explains */
int tlsrpt_render_meaning_used(const struct tlsrpt_digest *d, const struct tlsrpt_meaning *t);

/*
 * tlsrpt_render_fail_reporters - the reporters of a failure, in the
 * domain's order: "a, b" (text, HTML) or "a","b" (JSON strings)
 */
void tlsrpt_render_fail_reporters(FILE *fp, const struct tlsrpt_digest_domain *dom,
                                  const struct tlsrpt_digest_failure *f, enum tlsrpt_render_mode m);

/* tlsrpt_render_inv_next - from *i on, the next domain the inventory has policies of; NULL at the
 * end */
const struct tlsrpt_inv_domain *tlsrpt_render_inv_next(const struct tlsrpt_digest *d, size_t *i);

/* tlsrpt_render_mx_next - from *i on, the next item of the MX join about dom; NULL at the end */
const struct tlsrpt_mxseen_item *tlsrpt_render_mx_next(const struct tlsrpt_digest *d,
                                                       const struct tlsrpt_digest_domain *dom,
                                                       size_t *i);

/* the markup a list is written in: text lines or HTML elements */
struct tlsrpt_render_markup {
	const char *head_open, *head_close; /* around the heading */
	const char *item_open, *item_close; /* around each item */
	const char *end;                    /* after the last item */
};

/*
 * tlsrpt_render_silent_list - "Reporters silent for N days or more", then
 * one "DOMAIN: REPORTER, last report DAY" each, in the domains' order; the
 * markup around the heading, each item and after the list is the caller's
 */
void tlsrpt_render_silent_list(FILE *fp, const struct tlsrpt_digest *d,
                               const struct tlsrpt_render_opts *o, const size_t *order,
                               const struct tlsrpt_render_markup *mk, enum tlsrpt_render_mode m);

#endif
