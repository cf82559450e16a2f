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

#include "errbuf.h"
#include "identity.h"
#include "authres.h"
#include "mime.h"
#include "payload.h"
#include "pipeline.h"
#include "report.h"

#define MAX_AUTH_RESULTS 64        /* Authentication-Results fields kept */
#define AUTO_MAX_BLANK 4096        /* leading white space looked past in AUTO mode */
#define SMALL_REPORT (1024 * 1024) /* memory charged exactly before a message reserves it all */

/* the top-level header fields the records and the trust rules use; any may be NULL */
struct msghdrs {
	char *report_domain;    /* TLS-Report-Domain */
	char *report_submitter; /* TLS-Report-Submitter */
	char *from;
	char **auth_results; /* every Authentication-Results, in order */
	size_t nauth_results;
	const char *dkim;        /* "pass", "fail", "none"; NULL: not evaluated */
	const char *dkim_domain; /* the signing domain behind dkim; NULL or "" unknown */
};

struct tlsrpt_pipeline {
	struct tlsrpt_limits lim;
	enum tlsrpt_input mode;
	int decided;  /* AUTO: the first byte has decided */
	int bare;     /* input is a bare report, not a message */
	size_t blank; /* AUTO: leading white space seen */
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
	int busy;          /* the budget refused: try the message again later */
	size_t text_spent; /* decompressed report bytes of earlier parts */
	size_t tree_spent; /* JSON tree bytes of earlier parts */
	int text_short;    /* this part's bound is what text_spent left */

	struct msghdrs hdrs;
	struct tlsrpt_trust trust;
	int dkim_done; /* the verdict below is computed (once per message) */
	enum tlsrpt_dkim_verdict dkim;
	char dkim_domain[TLSRPT_AUTHRES_VALUE_MAX];
	struct tlsrpt_identity ident; /* the reporter, decided with the verdict */
	unsigned refused;
	unsigned duplicates;
	struct tlsrpt_dedup_key *keys; /* reports to remember once logged */
	size_t nkeys, capkeys;

	struct tlsrpt_records recs;
	struct tlsrpt_summary_msg sum; /* what the reports have logged, for per-message bounds */
	unsigned reports_ok;
	unsigned errors;
	unsigned long long failures;
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

/* add_error - append an "error" record: reason, then part when known */
static void add_error(struct tlsrpt_pipeline *p, const char *reason, unsigned part)
{
	struct tlsrpt_record *r;

	p->errors++;
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
	struct msghdrs *h = &p->hdrs;

	if (strcasecmp(name, "TLS-Report-Domain") == 0) {
		keep_header(p, &h->report_domain, value);
	} else if (strcasecmp(name, "TLS-Report-Submitter") == 0) {
		keep_header(p, &h->report_submitter, value);
	} else if (strcasecmp(name, "From") == 0) {
		keep_header(p, &h->from, value);
	} else if (strcasecmp(name, "Authentication-Results") == 0) {
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

/*
 * from_domain - the domain of the one address in a From value, into buf;
 * NULL when there is no address or more than one (a list or a group has
 * no single From domain).  Quoted strings and comments are skipped, so a
 * display name may hold '@', ',' or ':'.
 */
static const char *from_domain(const char *from, char *buf, size_t len)
{
	const char *s, *at = NULL, *e;
	size_t depth = 0;
	int quoted = 0;

	if (from == NULL) {
		return NULL;
	}
	for (s = from; *s != '\0'; s++) {
		if (*s == '\\' && (quoted || depth > 0)) {
			if (*++s == '\0') {
				return NULL;
			}
		} else if (quoted) {
			quoted = *s != '"';
		} else if (*s == '(') {
			depth++;
		} else if (depth > 0) {
			depth -= *s == ')';
		} else if (*s == '"') {
			quoted = 1;
		} else if (*s == ',' || *s == ';' || *s == ':') {
			return NULL; /* a second address, or a group */
		} else if (*s == '@') {
			if (at != NULL) {
				return NULL;
			}
			at = s;
		}
	}
	if (at == NULL || quoted || depth > 0) {
		return NULL;
	}
	at++;
	e = at + strcspn(at, "> \t\r\n;,()\"");
	if (e == at || (size_t)(e - at) >= len) {
		return NULL;
	}
	memcpy(buf, at, (size_t)(e - at));
	buf[e - at] = '\0';
	return buf;
}

/* submitter - TLS-Report-Submitter, else the From domain (into buf); NULL when neither */
static const char *submitter(const struct tlsrpt_pipeline *p, char *buf, size_t len)
{
	if (p->hdrs.report_submitter != NULL && p->hdrs.report_submitter[0] != '\0') {
		return p->hdrs.report_submitter;
	}
	return from_domain(p->hdrs.from, buf, len);
}

/*
 * dkim_verdict - compute the message's DKIM verdict once and put it in
 * hdrs: tlsrpt_authres_verdict() over the fields in header order (a
 * verifier milter inserts its field at the top, and Postfix does not show
 * a milter its own Received field, so position is the only mark there is)
 */
static void dkim_verdict(struct tlsrpt_pipeline *p)
{
	char fbuf[TLSRPT_AUTHRES_VALUE_MAX];

	if (p->dkim_done) {
		return;
	}
	p->dkim_done = 1;
	p->dkim = tlsrpt_authres_verdict((const char *const *)p->hdrs.auth_results,
	                                 p->hdrs.nauth_results, p->trust.authserv_ids,
	                                 p->trust.nauthserv_ids, submitter(p, fbuf, sizeof(fbuf)),
	                                 p->dkim_domain, sizeof(p->dkim_domain));
	p->hdrs.dkim = tlsrpt_dkim_verdict_name(p->dkim);
	p->hdrs.dkim_domain = p->dkim_domain;
	tlsrpt_identity_decide(&p->ident, p->dkim == TLSRPT_DKIM_PASS, p->dkim_domain,
	                       p->hdrs.report_submitter,
	                       from_domain(p->hdrs.from, fbuf, sizeof(fbuf)));
}

/* our_domain - does any policy domain of r belong to trust.report_domains? */
static int our_domain(const struct tlsrpt_pipeline *p, const struct tlsrpt_report *r)
{
	size_t i, j;

	for (i = 0; i < r->npolicies; i++) {
		const char *d = r->policies[i].policy_domain;

		if (d == NULL) {
			d = p->hdrs.report_domain;
		}
		if (d == NULL) {
			continue;
		}
		for (j = 0; j < p->trust.nreport_domains; j++) {
			const char *want = p->trust.report_domains[j];
			size_t dl = strlen(d), wl = strlen(want);

			if (dl > 0 && d[dl - 1] == '.') {
				dl--;
			}
			if ((dl == wl && strncasecmp(d, want, wl) == 0) ||
			    (dl > wl && d[dl - wl - 1] == '.' &&
			     strncasecmp(d + dl - wl, want, wl) == 0)) {
				return 1;
			}
		}
	}
	return 0;
}

/* add_ignored - one "ignored" record for report r with the given reason (summary.h's order) */
static void add_ignored(struct tlsrpt_pipeline *p, const struct tlsrpt_report *r,
                        const char *reason)
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
	if (tlsrpt_record_str(rec, "reason", reason) < 0 ||
	    tlsrpt_record_str(rec, "report-id", r->report_id) < 0 ||
	    tlsrpt_record_str(rec, "policy-domain", domain) < 0 ||
	    tlsrpt_record_str(rec, "dkim", p->hdrs.dkim) < 0 ||
	    tlsrpt_summary_identity(rec, &p->ident) < 0 ||
	    tlsrpt_record_str(rec, "submitter", p->hdrs.report_submitter) < 0 ||
	    tlsrpt_record_str(rec, "organization-name", r->organization_name) < 0) {
		internal(p, "out of memory");
	}
}

/*
 * report_key - the duplicate key of r: its reporter identity (identity.h)
 * with report-id and date range; 0, or -1 when there is no report-id or no
 * identity (such a report is never a duplicate)
 */
static int report_key(const struct tlsrpt_pipeline *p, const struct tlsrpt_report *r,
                      struct tlsrpt_dedup_key *k)
{
	if (r->report_id == NULL || r->report_id[0] == '\0') {
		return -1;
	}
	return tlsrpt_dedup_key(k, &p->ident, r->report_id, r->start_datetime, r->end_datetime);
}

/*
 * duplicate - has this report been logged before, or earlier in this
 * message?  When not, its key is kept for tlsrpt_pipeline_remember().
 * (No StateFile, or no key: never.)
 */
static int duplicate(struct tlsrpt_pipeline *p, const struct tlsrpt_report *r)
{
	struct tlsrpt_dedup_key k, *nk;
	size_t i;

	if (p->trust.dedup == NULL || report_key(p, r, &k) != 0) {
		return 0;
	}
	for (i = 0; i < p->nkeys; i++) {
		if (p->keys[i].len == k.len && memcmp(p->keys[i].b, k.b, k.len) == 0) {
			return 1;
		}
	}
	if (tlsrpt_dedup_check(p->trust.dedup, &k, p->trust.now)) {
		return 1;
	}
	if (p->nkeys == p->capkeys) {
		size_t ncap = p->capkeys == 0 ? 4 : p->capkeys * 2;

		nk = realloc(p->keys, ncap * sizeof(*nk));
		if (nk == NULL) {
			return 0; /* not remembered: at worst logged again */
		}
		p->keys = nk;
		p->capkeys = ncap;
	}
	p->keys[p->nkeys++] = k;
	return 0;
}

/* total_err - the reason for a part refused on what earlier parts of the message spent */
static const char *total_err(const struct tlsrpt_pipeline *p, char *err, size_t errlen,
                             const char *what)
{
	tlsrpt_errbuf_set(err, errlen, "reports of this message exceed %s (%zu bytes) in total",
	                  what, what[0] == 'M' ? p->lim.max_report_size : p->lim.max_json_tree);
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
	size_t i, spent;
	int rc;

	if (p->busy) {
		return;
	}
	if (p->payload_failed) {
		if (tlsrpt_payload_busy(p->payload)) {
			p->busy = 1;
			return;
		}
		if (strncmp(p->payload_err, "report exceeds", 14) == 0) {
			p->text_spent = p->lim.max_report_size;
		} else {
			p->text_spent += tlsrpt_payload_size(p->payload);
		}
		add_error(p,
		          p->text_short ? total_err(p, err, sizeof(err), "MaxReportSize")
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
		add_error(p, total_err(p, err, sizeof(err), "the JSON tree bound"), part);
		return;
	}
	rc = tlsrpt_report_parse_bounded(json, len, p->lim.max_json_tree - p->tree_spent, p->budget,
	                                 &spent, &r, err, sizeof(err));
	p->tree_spent += spent;
	if (rc < 0 && p->tree_spent >= p->lim.max_json_tree && p->tree_spent > spent) {
		total_err(p, err, sizeof(err), "the JSON tree bound");
	}
	switch (rc) {
	case 0:
		break;
	case -2:
		p->busy = 1;
		return;
	default:
		add_error(p, err, part);
		return;
	}
	dkim_verdict(p);
	sh.report_domain = p->hdrs.report_domain;
	sh.report_submitter = p->hdrs.report_submitter;
	sh.dkim = p->hdrs.dkim;
	sh.dkim_domain = p->hdrs.dkim_domain;
	sh.reporter = &p->ident;
	if (p->trust.require_dkim && p->dkim != TLSRPT_DKIM_PASS) {
		p->refused++;
		add_ignored(p, r, "not DKIM-authenticated");
	} else if (p->trust.nreport_domains > 0 && !our_domain(p, r)) {
		p->refused++;
		add_ignored(p, r, "foreign policy-domain");
	} else if (duplicate(p, r)) {
		p->duplicates++;
		p->reports_ok++;
		add_ignored(p, r, "duplicate");
	} else if (tlsrpt_summary_records(r, &sh, &p->lim, &p->sum, &p->recs, err, sizeof(err)) <
	           0) {
		internal(p, err);
	} else {
		p->reports_ok++;
		for (i = 0; i < r->npolicies; i++) {
			unsigned long long n = r->policies[i].total_failure_session_count;

			p->failures = p->failures + n < p->failures ? ~0ULL : p->failures + n;
		}
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
	if (p->payload_failed || p->busy || len == 0) {
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

/* decide - AUTO mode: look past leading blanks; '{' or gzip magic means a bare report */
static size_t decide(struct tlsrpt_pipeline *p, const char *data, size_t len)
{
	size_t i = 0;

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

/* tlsrpt_pipeline_finish - end of message: parse what was collected and make the records */
int tlsrpt_pipeline_finish(struct tlsrpt_pipeline *p, char *err, size_t errlen)
{
	struct tlsrpt_record *r;
	char serr[128];

	if (p->finished) {
		return p->oom ? -1 : 0;
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
	if (!p->oom && p->reports_ok == 0 && p->errors == 0 && p->refused == 0) {
		r = tlsrpt_records_add(&p->recs, TLSRPT_EV_IGNORED, TLSRPT_SEV_NOTICE);
		if (r == NULL || tlsrpt_record_str(r, "reason", "no TLS report found") < 0) {
			internal(p, "out of memory");
		}
	}
	if (p->oom) {
		tlsrpt_errbuf_set(err, errlen, "%s", p->oom_err);
		return -1;
	}
	return 0;
}

/* tlsrpt_pipeline_records - the records, valid until free */
const struct tlsrpt_records *tlsrpt_pipeline_records(const struct tlsrpt_pipeline *p)
{
	return &p->recs;
}

/* tlsrpt_pipeline_reports_ok - reports parsed without error */
unsigned tlsrpt_pipeline_reports_ok(const struct tlsrpt_pipeline *p)
{
	return p->reports_ok;
}

/* tlsrpt_pipeline_errors - error records */
unsigned tlsrpt_pipeline_errors(const struct tlsrpt_pipeline *p)
{
	return p->errors;
}

/* tlsrpt_pipeline_set_trust - apply t to the reports of this message */
void tlsrpt_pipeline_set_trust(struct tlsrpt_pipeline *p, const struct tlsrpt_trust *t)
{
	p->trust = *t;
}

/* tlsrpt_pipeline_refused - reports ignored as unauthenticated or foreign */
unsigned tlsrpt_pipeline_refused(const struct tlsrpt_pipeline *p)
{
	return p->refused;
}

/* tlsrpt_pipeline_duplicates - reports ignored as already logged */
unsigned tlsrpt_pipeline_duplicates(const struct tlsrpt_pipeline *p)
{
	return p->duplicates;
}

/* tlsrpt_pipeline_remember - record the keys of the reports logged in full */
int tlsrpt_pipeline_remember(struct tlsrpt_pipeline *p, char *err, size_t errlen)
{
	int rc = 0;
	size_t i;

	if (p->trust.dedup == NULL || !p->finished || p->oom) {
		return 0;
	}
	for (i = 0; i < p->nkeys; i++) {
		char e[256];

		if (tlsrpt_dedup_add(p->trust.dedup, &p->keys[i], p->trust.now, e, sizeof(e)) < 0 &&
		    rc == 0) {
			tlsrpt_errbuf_set(err, errlen, "%s", e);
			rc = -1;
		}
	}
	p->nkeys = 0; /* once */
	return rc;
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
	return p->busy;
}

/* tlsrpt_pipeline_failures - failed sessions reported, summed over reports */
unsigned long long tlsrpt_pipeline_failures(const struct tlsrpt_pipeline *p)
{
	return p->failures;
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
	free(p->keys);
	free(p);
}
