/*
 * pipeline.c - message bytes in, log records out
 *
 * Glue between the stages, each of which streams or is bounded:
 *
 *   raw bytes -> mime (headers, part boundaries, transfer decoding)
 *             -> payload (gzip/zlib inflation into a bounded buffer)
 *             -> report (JSON -> structs) -> summary (structs -> records)
 *
 * Which parts are reports: application/tlsrpt+gzip, application/tlsrpt+json
 * and application/tlsrpt always; application/gzip, application/x-gzip and
 * application/json always (they can only be data); application/octet-stream
 * only when its file name ends in .json, .json.gz or .gz.  Whether a part is
 * gzip is decided by its first bytes (payload.c), never by the label.
 *
 * Records are appended in the order things happen: a MIME problem or an
 * unreadable part gives an "error" record at once; each report part gives
 * its report/policy/failure records when the part ends.  A finished message
 * with no report and no error gets one "ignored" record.
 *
 * Cost: the report parts of one message share one MaxReportSize of
 * decompressed text and one max_json_tree of JSON tree, in total, so a
 * message of 256 small parts that each inflate to a worst-shape report
 * costs what one does; the parts past it give "reports exceed ... in
 * total" error records.
 *
 * Memory: the report buffer and the JSON tree of each report are bounded
 * by lim (MaxReportSize, max_json_tree) and, with tlsrpt_pipeline_set_budget,
 * charged to a budget shared with the other messages of the process,
 * through a message budget (arena.h): the first SMALL_REPORT bytes
 * exactly, then at once all the message can use (MaxReportSize plus the
 * tree bound), so a large report is refused before most of its work or
 * is sure to finish.  When the shared budget refuses, the message is "busy": collecting and parsing
 * stop and the daemon answers with a temporary failure, so the sender retries later; it is never an
 * "error" record, since the report is not at fault.
 *
 * Diagnostics: feed and finish return -1 only for internal failures (out of
 * memory, record list full); bad input is never an internal failure, it is
 * an "error" record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accept.h"
#include "ascii.h"
#include "errbuf.h"
#include "mime.h"
#include "payload.h"
#include "pipeline.h"
#include "report.h"

#define MAX_AUTH_RESULTS 64        /* Authentication-Results fields kept */
#define AUTO_MAX_BLANK 4096        /* leading white space looked past in AUTO mode */
#define SMALL_REPORT (1024 * 1024) /* memory charged exactly before a message reserves it all */

struct tlsrpt_pipeline {
	struct tlsrpt_limits lim;
	enum tlsrpt_input mode;
	int decided;  /* AUTO: the first byte has decided */
	int bare;     /* input is a bare report, not a message */
	size_t blank; /* AUTO: leading white space seen */
	size_t bom;   /* AUTO: bytes of a leading UTF-8 byte order mark seen */
	size_t fed;   /* bare: input bytes */
	int too_big;  /* bare: input limit reached */

	struct tlsrpt_mime *mime;
	struct tlsrpt_payload *payload;
	int in_report;      /* the current part is a report being collected */
	unsigned part;      /* its part number */
	int payload_failed; /* payload refused input: reason in payload_err */
	char payload_err[256];
	struct tlsrpt_budget *budget; /* this message's, drawing on the shared one; NULL: none */
	struct tlsrpt_budget own;
	size_t text_spent; /* decompressed report bytes of earlier parts */
	size_t tree_spent; /* JSON tree bytes of earlier parts */
	int text_short;    /* this part's bound is what text_spent left */

	struct tlsrpt_msghdrs hdrs;  /* the header fields the records and the rules use */
	struct tlsrpt_accept accept; /* the acceptance rules, judging by hdrs */

	struct tlsrpt_records recs;
	struct tlsrpt_summary_msg sum; /* what the reports have logged, for per-message bounds */
	struct tlsrpt_outcome out;     /* the counts, handed out at finish */
	int finished;
	int oom; /* an internal failure happened inside a callback */
	char oom_err[256];
};

/* internal - remember an internal failure raised inside a callback */
static void internal(struct tlsrpt_pipeline *p, const char *msg)
{
	if (!p->oom) {
		p->oom = 1;
		tlsrpt_errbuf_set(p->oom_err, sizeof(p->oom_err), "%s", msg);
	}
}

/* add_error - append an "error" record: part when known, then reason */
static void add_error(struct tlsrpt_pipeline *p, const char *reason, unsigned part)
{
	struct tlsrpt_record *r;

	p->out.errors++;
	r = tlsrpt_records_add(&p->recs, TLSRPT_EV_ERROR, TLSRPT_SEV_ERR);
	if (r == NULL) {
		internal(p, "record list full or out of memory");
		return;
	}
	if ((part > 0 && tlsrpt_record_num(r, "part", part) < 0) ||
	    tlsrpt_record_str(r, "reason", reason) < 0) {
		internal(p, "out of memory");
	}
}

/* is_report_part - decide from the MIME labels whether a part may hold a report */
static int is_report_part(const char *type, const char *filename)
{
	static const char *const always[] = {
	        "application/tlsrpt+gzip", "application/tlsrpt+json", "application/tlsrpt",
	        "application/gzip",        "application/x-gzip",      "application/json",
	};
	static const char *const suffixes[] = {".json", ".json.gz", ".gz"};
	size_t i;

	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
		if (strcmp(type, always[i]) == 0) {
			return 1;
		}
	}
	if (strcmp(type, "application/octet-stream") != 0 || filename == NULL) {
		return 0;
	}
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t fl = strlen(filename), sl = strlen(suffixes[i]);

		if (fl > sl && strcasecmp(filename + fl - sl, suffixes[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

/* keep_header - copy value, white space trimmed, into *slot unless already set */
static void keep_header(struct tlsrpt_pipeline *p, char **slot, const char *value)
{
	const char *s = value, *e;
	char *copy;

	if (*slot != NULL) {
		return;
	}
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) {
		e--;
	}
	copy = strndup(s, (size_t)(e - s));
	if (copy == NULL) {
		internal(p, "out of memory");
		return;
	}
	*slot = copy;
}

/* on_header - keep the top-level header fields the records use */
static void on_header(void *ctx, const char *name, const char *value)
{
	struct tlsrpt_pipeline *p = ctx;
	struct tlsrpt_msghdrs *h = &p->hdrs;

	if (tlsrpt_name_is(name, "tls-report-domain")) {
		keep_header(p, &h->report_domain, value);
	} else if (tlsrpt_name_is(name, "tls-report-submitter")) {
		keep_header(p, &h->report_submitter, value);
	} else if (tlsrpt_name_is(name, "from")) {
		keep_header(p, &h->from, value);
	} else if (tlsrpt_name_is(name, "authentication-results")) {
		if (h->auth_results == NULL) {
			h->auth_results = calloc(MAX_AUTH_RESULTS, sizeof(char *));
			if (h->auth_results == NULL) {
				internal(p, "out of memory");
				return;
			}
		}
		if (h->nauth_results < MAX_AUTH_RESULTS) {
			keep_header(p, &h->auth_results[h->nauth_results], value);
			if (h->auth_results[h->nauth_results] != NULL) {
				h->nauth_results++;
			}
		}
	}
}

/* add_ignored - one "ignored" record for report r, refused for why (summary.h's order) */
static void add_ignored(struct tlsrpt_pipeline *p, const struct tlsrpt_report *r,
                        enum tlsrpt_refusal why)
{
	struct tlsrpt_record *rec;
	const char *domain = p->hdrs.report_domain;

	if (domain == NULL && r->npolicies > 0) {
		domain = r->policies[0].policy_domain;
	}
	rec = tlsrpt_records_add(&p->recs, TLSRPT_EV_IGNORED, TLSRPT_SEV_NOTICE);
	if (rec == NULL) {
		internal(p, "record list full or out of memory");
		return;
	}
	if (tlsrpt_record_str(rec, "reason", tlsrpt_refusal_reason(why)) < 0 ||
	    tlsrpt_record_str(rec, "report-id", r->report_id) < 0 ||
	    tlsrpt_record_str(rec, "policy-domain", domain) < 0 ||
	    tlsrpt_record_str(rec, "dkim", tlsrpt_dkim_verdict_name(p->accept.dkim)) < 0 ||
	    tlsrpt_summary_identity(rec, tlsrpt_accept_reporter(&p->accept)) < 0 ||
	    tlsrpt_record_str(rec, "submitter", p->hdrs.report_submitter) < 0 ||
	    tlsrpt_record_str(rec, "organization-name", r->organization_name) < 0) {
		internal(p, "out of memory");
	}
}

/* total_err - the reason for a part refused on what earlier parts of the message spent */
static const char *total_err(char *err, size_t errlen, const char *what, size_t bound)
{
	tlsrpt_errbuf_set(err, errlen, "reports of this message exceed %s (%zu bytes) in total",
	                  what, bound);
	return err;
}

/* report_done - parse one collected report and append its records */
static void report_done(struct tlsrpt_pipeline *p, unsigned part)
{
	struct tlsrpt_summary_hdrs sh;
	const char *json;
	size_t len;
	char err[256];
	struct tlsrpt_report *r = NULL;
	enum tlsrpt_refusal why;
	size_t i, spent;
	int rc;

	if (p->out.busy) {
		return;
	}
	if (p->payload_failed) {
		switch (tlsrpt_payload_fault(p->payload)) {
		case TLSRPT_PAYLOAD_BUSY:
			p->out.busy = 1;
			return;
		case TLSRPT_PAYLOAD_TOO_LARGE:
			p->text_spent = p->lim.max_report_size;
			break;
		default:
			p->text_spent += tlsrpt_payload_size(p->payload);
			break;
		}
		add_error(p,
		          p->text_short ? total_err(err, sizeof(err), "MaxReportSize",
		                                    p->lim.max_report_size)
		                        : p->payload_err,
		          part);
		return;
	}
	if (tlsrpt_payload_finish(p->payload, &json, &len, err, sizeof(err)) < 0) {
		add_error(p, err, part);
		return;
	}
	p->text_spent += len;
	if (p->tree_spent >= p->lim.max_json_tree) {
		add_error(p,
		          total_err(err, sizeof(err), "the JSON tree bound", p->lim.max_json_tree),
		          part);
		return;
	}
	rc = tlsrpt_report_parse_bounded(json, len, p->lim.max_json_tree - p->tree_spent, p->budget,
	                                 &spent, &r, err, sizeof(err));
	p->tree_spent += spent;
	if (rc < 0 && p->tree_spent >= p->lim.max_json_tree && p->tree_spent > spent) {
		total_err(err, sizeof(err), "the JSON tree bound", p->lim.max_json_tree);
	}
	switch (rc) {
	case 0:
		break;
	case -2:
		p->out.busy = 1;
		return;
	default:
		add_error(p, err, part);
		return;
	}
	sh.report_domain = p->hdrs.report_domain;
	sh.report_submitter = p->hdrs.report_submitter;
	sh.dkim = tlsrpt_dkim_verdict_name(tlsrpt_accept_dkim(&p->accept));
	sh.dkim_domain = p->accept.dkim_domain;
	sh.reporter = tlsrpt_accept_reporter(&p->accept);
	why = tlsrpt_accept_report(&p->accept, r);
	switch (why) {
	case TLSRPT_REFUSAL_UNAUTHENTICATED:
	case TLSRPT_REFUSAL_FOREIGN:
		p->out.refused++;
		add_ignored(p, r, why);
		break;
	case TLSRPT_REFUSAL_DUPLICATE:
		p->out.duplicates++;
		p->out.reports_ok++;
		add_ignored(p, r, why);
		break;
	case TLSRPT_REFUSAL_NONE:
		if (tlsrpt_summary_records(r, &sh, &p->lim, &p->sum, &p->recs, err, sizeof(err)) <
		    0) {
			internal(p, err);
			break;
		}
		p->out.reports_ok++;
		for (i = 0; i < r->npolicies; i++) {
			unsigned long long n = r->policies[i].total_failure_session_count;

			p->out.failures =
			        p->out.failures + n < p->out.failures ? ~0ULL : p->out.failures + n;
		}
		break;
	}
	tlsrpt_report_free(r);
}

/* on_part_begin - accept report candidates, skip everything else */
static int on_part_begin(void *ctx, const struct tlsrpt_mime_part *part)
{
	struct tlsrpt_pipeline *p = ctx;

	if (!is_report_part(part->content_type, part->filename)) {
		return 0;
	}
	tlsrpt_payload_reset(p->payload);
	p->in_report = 1;
	p->part = part->index;
	p->payload_failed = 0;
	p->text_short = p->text_spent > 0;
	tlsrpt_payload_set_max(p->payload, p->lim.max_report_size - p->text_spent);
	return 1;
}

/* collect - feed decoded report bytes to the payload, remembering a refusal */
static void collect(struct tlsrpt_pipeline *p, const unsigned char *data, size_t len)
{
	if (p->payload_failed || p->out.busy || len == 0) {
		return;
	}
	if (tlsrpt_payload_feed(p->payload, data, len, p->payload_err, sizeof(p->payload_err)) <
	    0) {
		p->payload_failed = 1;
	}
}

/* on_part_data - decoded bytes of an accepted part */
static void on_part_data(void *ctx, const unsigned char *data, size_t len)
{
	struct tlsrpt_pipeline *p = ctx;

	if (p->in_report) {
		collect(p, data, len);
	}
}

/* on_part_end - an accepted part is complete */
static void on_part_end(void *ctx)
{
	struct tlsrpt_pipeline *p = ctx;

	if (p->in_report) {
		p->in_report = 0;
		report_done(p, p->part);
	}
}

/* on_problem - a structural problem in the message */
static void on_problem(void *ctx, const char *reason)
{
	add_error(ctx, reason, 0);
}

static const struct tlsrpt_mime_ops mime_ops = {
        on_header, on_part_begin, on_part_data, on_part_end, on_problem,
};

/* tlsrpt_pipeline_new - a pipeline for one message; NULL and err on failure */
struct tlsrpt_pipeline *tlsrpt_pipeline_new(const struct tlsrpt_limits *lim, enum tlsrpt_input mode,
                                            char *err, size_t errlen)
{
	struct tlsrpt_pipeline *p;

	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		tlsrpt_errbuf_set(err, errlen, "%s", "out of memory");
		return NULL;
	}
	p->lim = *lim;
	p->mode = mode;
	p->decided = mode == TLSRPT_INPUT_MESSAGE;
	tlsrpt_accept_init(&p->accept, &p->hdrs);
	tlsrpt_records_init(&p->recs);
	p->payload = tlsrpt_payload_new(lim->max_report_size);
	if (p->payload == NULL) {
		tlsrpt_errbuf_set(err, errlen, "%s", "out of memory");
		tlsrpt_pipeline_free(p);
		return NULL;
	}
	p->mime = tlsrpt_mime_new(lim, &mime_ops, p, err, errlen);
	if (p->mime == NULL) {
		tlsrpt_pipeline_free(p);
		return NULL;
	}
	return p;
}

/* decide - AUTO mode: look past a UTF-8 byte order mark and leading blanks; '{' or gzip magic means
 * a bare report */
static size_t decide(struct tlsrpt_pipeline *p, const char *data, size_t len)
{
	static const char bom[] = "\xEF\xBB\xBF";
	size_t i = 0;

	/* a UTF-8 byte order mark first (a report saved by some editors) is skipped */
	while (i < len && p->blank == 0 && p->bom < 3 && data[i] == bom[p->bom]) {
		i++;
		p->bom++;
	}
	if (i == len && p->bom > 0 && p->bom < 3) {
		return i; /* still undecided */
	}
	while (i < len && p->blank < AUTO_MAX_BLANK &&
	       (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
		i++;
		p->blank++;
	}
	if (i == len && p->blank < AUTO_MAX_BLANK) {
		return i; /* still undecided */
	}
	p->decided = 1;
	if (i < len && (data[i] == '{' || (unsigned char)data[i] == 0x1f)) {
		p->bare = 1;
		tlsrpt_payload_reset(p->payload);
		p->in_report = 1;
		p->part = 0;
	}
	return i;
}

/* feed_bare - a bare report file: straight into the payload, within the size limit */
static void feed_bare(struct tlsrpt_pipeline *p, const char *data, size_t len)
{
	if (p->too_big) {
		return;
	}
	if (len > p->lim.max_message_size - p->fed) {
		len = p->lim.max_message_size - p->fed;
		p->too_big = 1;
	}
	p->fed += len;
	collect(p, (const unsigned char *)data, len);
	if (p->too_big) {
		char msg[128];

		snprintf(msg, sizeof(msg), "message larger than MaxMessageSize (%zu bytes)",
		         p->lim.max_message_size);
		add_error(p, msg, 0);
	}
}

/* tlsrpt_pipeline_feed - next chunk of the message; 0 ok, -1 internal failure (err) */
int tlsrpt_pipeline_feed(struct tlsrpt_pipeline *p, const char *data, size_t len, char *err,
                         size_t errlen)
{
	if (p->finished) {
		tlsrpt_errbuf_set(err, errlen, "%s", "pipeline fed after finish");
		return -1;
	}
	if (!p->decided) {
		size_t skip = decide(p, data, len);

		data += skip;
		len -= skip;
		if (!p->decided) {
			return 0;
		}
	}
	if (p->bare) {
		feed_bare(p, data, len);
	} else if (tlsrpt_mime_feed(p->mime, data, len) < 0) {
		internal(p, "out of memory in MIME walker");
	}
	if (p->oom) {
		tlsrpt_errbuf_set(err, errlen, "%s", p->oom_err);
		return -1;
	}
	return 0;
}

/* tlsrpt_pipeline_finish - end of message: parse what was collected, make the records */
const struct tlsrpt_outcome *tlsrpt_pipeline_finish(struct tlsrpt_pipeline *p, char *err,
                                                    size_t errlen)
{
	struct tlsrpt_record *r;
	char serr[128];

	if (p->finished) {
		if (p->oom) {
			tlsrpt_errbuf_set(err, errlen, "%s", p->oom_err);
			return NULL;
		}
		return &p->out;
	}
	p->finished = 1;
	if (p->bare) {
		p->in_report = 0;
		report_done(p, 0);
	} else if (p->decided && tlsrpt_mime_finish(p->mime) < 0) {
		internal(p, "out of memory in MIME walker");
	}
	if (!p->oom && tlsrpt_summary_finish(&p->sum, &p->recs, serr, sizeof(serr)) < 0) {
		internal(p, serr);
	}
	if (!p->oom && p->out.reports_ok == 0 && p->out.errors == 0 && p->out.refused == 0) {
		r = tlsrpt_records_add(&p->recs, TLSRPT_EV_IGNORED, TLSRPT_SEV_NOTICE);
		if (r == NULL || tlsrpt_record_str(r, "reason", "no TLS report found") < 0) {
			internal(p, "out of memory");
		}
	}
	if (p->oom) {
		tlsrpt_errbuf_set(err, errlen, "%s", p->oom_err);
		return NULL;
	}
	return &p->out;
}

/* tlsrpt_pipeline_records - the records, valid until free */
const struct tlsrpt_records *tlsrpt_pipeline_records(const struct tlsrpt_pipeline *p)
{
	return &p->recs;
}

/* tlsrpt_pipeline_set_trust - apply t to the reports of this message */
void tlsrpt_pipeline_set_trust(struct tlsrpt_pipeline *p, const struct tlsrpt_trust *t)
{
	tlsrpt_accept_set_trust(&p->accept, t);
}

/* tlsrpt_pipeline_remember - record the keys of the reports logged in full */
int tlsrpt_pipeline_remember(struct tlsrpt_pipeline *p, char *err, size_t errlen)
{
	if (!p->finished || p->oom) {
		return 0;
	}
	return tlsrpt_accept_remember(&p->accept, err, errlen);
}

/* tlsrpt_pipeline_set_budget - charge report buffers and JSON trees to b, through a message budget
 */
void tlsrpt_pipeline_set_budget(struct tlsrpt_pipeline *p, struct tlsrpt_budget *b)
{
	size_t whole = p->lim.max_report_size + p->lim.max_json_tree;

	tlsrpt_payload_set_budget(p->payload, NULL);
	tlsrpt_budget_release(p->budget);
	p->budget = NULL;
	if (b != NULL) {
		tlsrpt_budget_child(&p->own, b, SMALL_REPORT < whole ? SMALL_REPORT : whole, whole);
		p->budget = &p->own;
		tlsrpt_payload_set_budget(p->payload, p->budget);
	}
}

/* tlsrpt_pipeline_busy - whether the shared budget refused this message */
int tlsrpt_pipeline_busy(const struct tlsrpt_pipeline *p)
{
	return p->out.busy;
}

/* tlsrpt_pipeline_free - release everything; accepts NULL */
void tlsrpt_pipeline_free(struct tlsrpt_pipeline *p)
{
	size_t i;

	if (p == NULL) {
		return;
	}
	tlsrpt_mime_free(p->mime);
	tlsrpt_payload_free(p->payload);
	tlsrpt_budget_release(p->budget);
	tlsrpt_records_free(&p->recs);
	free(p->hdrs.report_domain);
	free(p->hdrs.report_submitter);
	free(p->hdrs.from);
	for (i = 0; i < p->hdrs.nauth_results; i++) {
		free(p->hdrs.auth_results[i]);
	}
	free(p->hdrs.auth_results);
	tlsrpt_accept_free(&p->accept);
	free(p);
}
