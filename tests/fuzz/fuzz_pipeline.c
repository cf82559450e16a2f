/*
 * fuzz_pipeline.c - libFuzzer harness over the whole message pipeline
 *
 * One input is a 4-byte control header followed by the message (or bare
 * report file) itself:
 *
 *   byte 0   chunking: low 2 bits the mode, high 6 bits its parameter
 *              0  random chunk sizes in 1..(param + 1)        (1..64)
 *              1  random chunk sizes in 1..4096
 *              2  fixed chunk size param + 1                  (1..64)
 *              3  random chunk sizes in 1..65536
 *   byte 1-2 seed of the chunk size generator; the top bit of byte 2
 *            also picks the input mode: clear TLSRPT_INPUT_AUTO (messages
 *            and bare .json/.json.gz reports), set TLSRPT_INPUT_MESSAGE
 *            (what the daemon uses)
 *   byte 3   limit profile, two bits each (see set_limits)
 *   (byte 1, bits 7-5: trust settings, see set_trust: authserv-id
 *            "mx.test" trusted and duplicate detection, RequireDKIM,
 *            ReportDomains example.com)
 *
 * The message is fed through tlsrpt_pipeline in those chunks, finished,
 * and every record is formatted with both formatters.
 * Then the same bytes are fed again in one piece.  Any broken invariant
 * calls abort() after a line on stderr saying what broke, so the fuzzer
 * keeps the input:
 *
 *   - both runs give the same status, counters and records (chunking
 *     invariance, field by field);
 *   - after a successful finish the counters agree with the records: one
 *     "report" record per report parsed (or its count in report-omitted,
 *     or an "ignored" one when it repeats an earlier report of the
 *     message), one "error" record per error, and exactly one "ignored"
 *     record, alone, when there is neither;
 *   - each formatted line is at most TLSRPT_MAX_LOG_LINE bytes, as long as
 *     the formatter says, valid UTF-8, with no byte below 0x20, no 0x7f and
 *     no C1 control, U+2028/U+2029 or bidi control;
 *   - the log format v1 line reads back with the documented grammar
 *     ("PREFIX: EVENT", then " key=value" in the record's field order,
 *     optionally ending in " ..."; a bare value without space, quote, '\'
 *     or '='; a quoted one with \xHH its only escape and no quote, '=' or
 *     control of its own), and every value decodes back to the
 *     record's value (or a prefix of it ending in "..." when cut);
 *   - the JSON line parses (cJSON) as one object whose members are
 *     "event", "queue-id", the record's fields in order, and
 *     "truncated":true only when fields were dropped; strings that are
 *     valid UTF-8 read back as the record's value (or its cut prefix).
 *
 * The limits are the defaults except max_report_size (256 KiB: still four
 * times the largest input, so only compressed data can reach it, and a gzip
 * bomb costs a few milliseconds under ASan, not the half second of the
 * 20 MiB default) and what the profile byte changes, always within the
 * ranges the configuration accepts; the code paths are the daemon's.
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dedup.h"
#include "escape.h"
#include "tlsrpt_limits.h"
#include "pipeline.h"
#include "record.h"

#define HDR_LEN 4
#define PREFIX "4ZxK2n1YQz"
#define LINE_MAX_BUF (TLSRPT_MAX_LOG_LINE + 1)
#define FUZZ_MAX_REPORT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* violation - report a broken invariant and abort */
static void violation(const char *what, size_t rec, const char *line)
{
	fprintf(stderr, "fuzz_pipeline: invariant broken: %s (record %zu)\n", what, rec);
	if (line != NULL) {
		fprintf(stderr, "fuzz_pipeline: line: %s\n", line);
	}
	abort();
}

/* set_limits - the defaults, changed by the profile byte (values conf.c accepts) */
static void set_limits(struct tlsrpt_limits *lim, uint8_t profile)
{
	static const unsigned failure_lines[] = {TLSRPT_DEF_MAX_FAILURE_LINES, 2, 1, 0};
	static const unsigned policy_lines[] = {TLSRPT_DEF_MAX_POLICY_LINES, 1, 0, 2};
	static const unsigned depth[] = {TLSRPT_DEF_MAX_MIME_DEPTH, 1, 2, 4};
	static const unsigned parts[] = {TLSRPT_DEF_MAX_PARTS, 1, 3, 16};
	static const size_t msg[] = {TLSRPT_DEF_MAX_MESSAGE_SIZE, 4096, TLSRPT_DEF_MAX_MESSAGE_SIZE,
	                             1024};
	static const size_t rep[] = {FUZZ_MAX_REPORT, FUZZ_MAX_REPORT, 2048, 1024};

	tlsrpt_limits_default(lim);
	lim->max_failure_lines = failure_lines[profile & 3];
	lim->max_policy_lines = policy_lines[profile & 3];
	lim->max_mime_depth = depth[(profile >> 2) & 3];
	lim->max_parts = parts[(profile >> 4) & 3];
	lim->max_message_size = msg[(profile >> 6) & 3];
	lim->max_report_size = rep[(profile >> 6) & 3];
}

/* Chunk size generator: xorshift32 seeded from the header. */
struct chunker {
	unsigned mode;
	unsigned param;
	uint32_t state;
};

/* next_chunk - the size of the next chunk, at least 1 */
static size_t next_chunk(struct chunker *c)
{
	uint32_t x = c->state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->state = x;
	switch (c->mode) {
	case 0:
		return 1 + x % (c->param + 1);
	case 1:
		return 1 + x % 4096;
	case 2:
		return c->param + 1;
	default:
		return 1 + x % 65536;
	}
}

/* One run's outcome. */
struct outcome {
	struct tlsrpt_pipeline *p;
	const struct tlsrpt_outcome *out; /* what finish returned (NULL: failed) */
	int failed;                       /* feed failed or finish returned NULL */
};

/*
 * state - duplicate detection for the trust runs: an empty memory whose
 * file is in a directory that does not exist.  The harness never calls
 * tlsrpt_pipeline_remember(), so it stays empty: a duplicate can only be
 * an earlier report of the same message, the same in both runs.
 */
static struct tlsrpt_dedup *state(void)
{
	static struct tlsrpt_dedup *d;
	char err[256];

	if (d == NULL) {
		d = tlsrpt_dedup_open("/nonexistent-tlsrpt-fuzz/state", 86400, 1000, 0, NULL, err,
		                      sizeof(err));
		if (d == NULL) {
			violation("tlsrpt_dedup_open failed", 0, err);
		}
	}
	return d;
}

/* set_trust - byte 1's top three bits: trust on (with StateFile), RequireDKIM, ReportDomains */
static void set_trust(struct tlsrpt_trust *t, uint8_t bits)
{
	static const char *const ids[] = {"mx.test"};
	static const char *const domains[] = {"example.com"};

	memset(t, 0, sizeof(*t));
	if (bits & 0x80) {
		t->authserv_ids = ids;
		t->nauthserv_ids = 1;
		t->dedup = state();
		t->now = 1700000000;
		t->require_dkim = (bits & 0x40) != 0;
		t->report_domains = bits & 0x20 ? domains : NULL;
		t->nreport_domains = bits & 0x20 ? 1 : 0;
	}
}

/* run - feed msg in chunks (c NULL: whole) and finish */
static void run(const struct tlsrpt_limits *lim, enum tlsrpt_input mode,
                const struct tlsrpt_trust *trust, const char *msg, size_t len, struct chunker *c,
                struct outcome *o)
{
	char err[256];
	size_t off = 0, n;

	o->failed = 0;
	o->out = NULL;
	o->p = tlsrpt_pipeline_new(lim, mode, err, sizeof(err));
	if (o->p == NULL) {
		violation("tlsrpt_pipeline_new failed", 0, err);
	}
	tlsrpt_pipeline_set_trust(o->p, trust);
	while (off < len) {
		n = c == NULL ? len : next_chunk(c);
		if (n > len - off) {
			n = len - off;
		}
		if (tlsrpt_pipeline_feed(o->p, msg + off, n, err, sizeof(err)) < 0) {
			o->failed = 1; /* the daemon stops feeding and fails open */
			break;
		}
		off += n;
	}
	if ((o->out = tlsrpt_pipeline_finish(o->p, err, sizeof(err))) == NULL) {
		o->failed = 1;
	}
}

/* same_records - the two runs made identical records */
static void same_records(const struct tlsrpt_records *a, const struct tlsrpt_records *b)
{
	size_t i, f;

	if (a->n != b->n) {
		violation("chunked and whole runs made a different number of records", 0, NULL);
	}
	for (i = 0; i < a->n; i++) {
		const struct tlsrpt_record *x = &a->v[i], *y = &b->v[i];

		if (x->event != y->event || x->severity != y->severity ||
		    x->nfields != y->nfields) {
			violation("chunked and whole runs differ in event, severity or fields", i,
			          NULL);
		}
		for (f = 0; f < x->nfields; f++) {
			const struct tlsrpt_field *p = &x->fields[f], *q = &y->fields[f];

			if (strcmp(p->key, q->key) != 0 || (p->str == NULL) != (q->str == NULL) ||
			    (p->str != NULL ? strcmp(p->str, q->str) != 0 : p->num != q->num)) {
				violation("chunked and whole runs differ in a field", i, p->key);
			}
		}
	}
}

/* check_counters - what outcome.h promises about a successful finish */
static void check_counters(const struct tlsrpt_pipeline *p, const struct tlsrpt_outcome *o)
{
	const struct tlsrpt_records *rs = tlsrpt_pipeline_records(p);
	unsigned reports = 0, errors = 0, ignored = 0, dups = o->duplicates;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		const struct tlsrpt_field *f = tlsrpt_record_get(&rs->v[i], "reports");

		reports += rs->v[i].event == TLSRPT_EV_REPORT;
		if (rs->v[i].event == TLSRPT_EV_REPORT_OMITTED && f != NULL) {
			reports += (unsigned)f->num;
		}
		errors += rs->v[i].event == TLSRPT_EV_ERROR;
		ignored += rs->v[i].event == TLSRPT_EV_IGNORED;
	}
	/*
	 * every report read has its record, is counted in the report-omitted
	 * record, or is a duplicate of one earlier in the message
	 */
	if (reports + dups != o->reports_ok || (dups > 0 && reports == 0)) {
		violation("report records differ from the outcome's reports_ok", 0, NULL);
	}
	if (errors != o->errors) {
		violation("error records differ from the outcome's errors", 0, NULL);
	}
	if (reports + errors + o->refused == 0 ? ignored != 1 || rs->n != 1
	                                       : ignored != o->refused + dups) {
		violation("not exactly one lone ignored record for a message without reports", 0,
		          NULL);
	}
}

/* hidden_at - is the valid st-byte UTF-8 sequence at s one the escaper never writes raw? */
static int hidden_at(const char *s, size_t st)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp = u[0] & (0x7f >> st);
	size_t k;

	for (k = 1; k < st; k++) {
		cp = (cp << 6) | (u[k] & 0x3f);
	}
	return tlsrpt_escape_hidden(cp);
}

/* check_bytes - length, UTF-8 and no control characters; for both formats */
static void check_bytes(const char *line, size_t len, size_t rec)
{
	const unsigned char *u = (const unsigned char *)line;
	size_t i = 0, step;

	if (len > TLSRPT_MAX_LOG_LINE) {
		violation("line longer than TLSRPT_MAX_LOG_LINE", rec, line);
	}
	if (strlen(line) != len) {
		violation("formatter length differs from the string length", rec, line);
	}
	while (i < len) {
		if (u[i] < 0x20 || u[i] == 0x7f) {
			violation("control character in a formatted line", rec, line);
		}
		step = tlsrpt_utf8_seqlen(u + i, len - i);
		if (step == 0) {
			violation("formatted line is not valid UTF-8", rec, line);
		}
		if (step > 1 && hidden_at(line + i, step)) {
			violation("C1, line separator or bidi control raw in a formatted line", rec,
			          line);
		}
		i += step;
	}
}

/* hexval - value of a lower-case hex digit, -1 if not one */
static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

/* check_value - decoded value (dec, dlen) against field f */
static void check_value(const struct tlsrpt_field *f, const char *dec, size_t dlen, int exact_only,
                        size_t rec, const char *line)
{
	char num[32];
	size_t olen;

	if (f->str == NULL) {
		snprintf(num, sizeof(num), "%" PRIu64, f->num);
		if (dlen != strlen(num) || memcmp(dec, num, dlen) != 0) {
			violation("number does not read back", rec, line);
		}
		return;
	}
	olen = strlen(f->str);
	if (dlen == olen && memcmp(dec, f->str, olen) == 0) {
		return;
	}
	/* a value cut at 256 bytes, or to its width as written (record.c) */
	if (exact_only) {
		return;
	}
	if (dlen < 3 || memcmp(dec + dlen - 3, "...", 3) != 0 ||
	    dlen - 3 > TLSRPT_MAX_VALUE_LEN - 3 || memcmp(dec, f->str, dlen - 3) != 0) {
		violation("cut value is not a prefix of the value followed by ...", rec, line);
	}
}

/* check_kv - read a log format v1 line back with the documented grammar */
static void check_kv(const struct tlsrpt_record *r, const char *line, size_t rec)
{
	static char dec[LINE_MAX_BUF];
	const char *s = line, *ev = tlsrpt_event_name(r->event);
	size_t i, klen, dlen;
	int a, b;

	if (strncmp(s, PREFIX ": ", strlen(PREFIX ": ")) != 0) {
		violation("line does not start with the prefix", rec, line);
	}
	s += strlen(PREFIX ": ");
	if (strncmp(s, ev, strlen(ev)) != 0) {
		violation("line does not carry its event", rec, line);
	}
	s += strlen(ev);
	for (i = 0; i < r->nfields; i++) {
		if (strcmp(s, " ...") == 0) {
			return; /* the remaining fields were dropped */
		}
		if (*s++ != ' ') {
			violation("no space before a field", rec, line);
		}
		klen = strlen(r->fields[i].key);
		if (strncmp(s, r->fields[i].key, klen) != 0 || s[klen] != '=') {
			violation("field key out of order or missing", rec, line);
		}
		s += klen + 1;
		dlen = 0;
		if (*s == '"') {
			for (s++; *s != '"'; s++) {
				if (*s == '\0') {
					violation("unterminated quoted value", rec, line);
				}
				if (*s == '\'' || *s == '=' || (unsigned char)*s < 0x20 ||
				    *s == 0x7f) {
					violation("quote, = or control raw in a quoted value", rec,
					          line);
				}
				if ((unsigned char)*s >= 0x80) {
					size_t st = tlsrpt_utf8_seqlen((const unsigned char *)s,
					                               strlen(s));

					if (st < 2 || hidden_at(s, st)) {
						violation("invalid UTF-8 or a hidden character raw",
						          rec, line);
					}
					memcpy(dec + dlen, s, st);
					dlen += st;
					s += st - 1;
					continue;
				}
				if (*s != '\\') {
					dec[dlen++] = *s;
					continue;
				}
				s++;
				if (*s == 'x' && (a = hexval(s[1])) >= 0 &&
				    (b = hexval(s[2])) >= 0) {
					dec[dlen++] = (char)(a << 4 | b);
					s += 2;
				} else {
					violation("unknown escape in a quoted value", rec, line);
				}
			}
			s++;
		} else {
			for (; *s != ' ' && *s != '\0'; s++) {
				if (*s == '"' || *s == '\'' || *s == '\\' || *s == '=' ||
				    (unsigned char)*s > 0x7e) {
					violation("bad character in a bare value", rec, line);
				}
				dec[dlen++] = *s;
			}
			if (dlen == 0) {
				violation("empty bare value", rec, line);
			}
		}
		if (*s != ' ' && *s != '\0') {
			violation("value not followed by a space or the end", rec, line);
		}
		check_value(&r->fields[i], dec, dlen, 0, rec, line);
	}
	if (*s != '\0') {
		violation("text after the last field", rec, line);
	}
}

/* valid_utf8 - whether s is valid UTF-8 throughout */
static int valid_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, step;

	while (i < n) {
		step = tlsrpt_utf8_seqlen(u + i, n - i);
		if (step == 0) {
			return 0;
		}
		i += step;
	}
	return 1;
}

/* check_json - the JSON line parses and reads back */
static void check_json(const struct tlsrpt_record *r, const char *line, size_t len, size_t rec)
{
	cJSON *root, *it;
	size_t i = 0;

	root = cJSON_ParseWithLengthOpts(line, len + 1, NULL, 1); /* the NUL included */
	if (root == NULL || !cJSON_IsObject(root)) {
		violation("JSON line does not parse as an object", rec, line);
	}
	it = root->child;
	if (it == NULL || strcmp(it->string, "event") != 0 || !cJSON_IsString(it) ||
	    strcmp(it->valuestring, tlsrpt_event_name(r->event)) != 0) {
		violation("JSON line does not start with its event", rec, line);
	}
	it = it->next;
	if (it == NULL || strcmp(it->string, "queue-id") != 0 || !cJSON_IsString(it) ||
	    strcmp(it->valuestring, PREFIX) != 0) {
		violation("JSON line has no queue-id after the event", rec, line);
	}
	for (it = it->next; it != NULL; it = it->next, i++) {
		const struct tlsrpt_field *f = &r->fields[i];

		if (strcmp(it->string, "truncated") == 0 && it->next == NULL && cJSON_IsTrue(it) &&
		    i < r->nfields) {
			break; /* the remaining fields were dropped */
		}
		if (i >= r->nfields || strcmp(it->string, f->key) != 0) {
			violation("JSON member out of order or unknown", rec, line);
		}
		if (f->str == NULL) {
			if (!cJSON_IsNumber(it) || it->valuedouble != (double)f->num) {
				violation("JSON number does not read back", rec, line);
			}
			continue;
		}
		if (!cJSON_IsString(it)) {
			violation("JSON string field is not a string", rec, line);
		}
		if (valid_utf8(f->str)) {
			check_value(f, it->valuestring, strlen(it->valuestring), 0, rec, line);
		}
	}
	if (it == NULL && i != r->nfields) {
		violation("JSON line lost fields without \"truncated\":true", rec, line);
	}
	cJSON_Delete(root);
}

/* check_formats - both formatters on every record */
static void check_formats(const struct tlsrpt_records *rs)
{
	static char line[LINE_MAX_BUF];
	size_t i, n;

	for (i = 0; i < rs->n; i++) {
		n = tlsrpt_record_format(&rs->v[i], TLSRPT_FORMAT_KV, PREFIX, line, sizeof(line));
		check_bytes(line, n, i);
		check_kv(&rs->v[i], line, i);
		n = tlsrpt_record_format(&rs->v[i], TLSRPT_FORMAT_JSON, PREFIX, line, sizeof(line));
		check_bytes(line, n, i);
		check_json(&rs->v[i], line, n, i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[HDR_LEN] = {0};
	struct tlsrpt_limits lim;
	struct tlsrpt_trust trust;
	struct chunker c;
	struct outcome chunked, whole;
	enum tlsrpt_input mode;
	const char *msg;
	size_t len;

	memcpy(hdr, data, size < HDR_LEN ? size : HDR_LEN);
	msg = size > HDR_LEN ? (const char *)data + HDR_LEN : "";
	len = size > HDR_LEN ? size - HDR_LEN : 0;
	set_limits(&lim, hdr[3]);
	mode = hdr[2] & 0x80 ? TLSRPT_INPUT_MESSAGE : TLSRPT_INPUT_AUTO;
	c.mode = hdr[0] & 3;
	c.param = hdr[0] >> 2;
	c.state = ((uint32_t)hdr[1] << 8 | hdr[2]) * 2654435761u + 1;

	set_trust(&trust, hdr[1]);
	run(&lim, mode, &trust, msg, len, &c, &chunked);
	run(&lim, mode, &trust, msg, len, NULL, &whole);
	if (chunked.failed != whole.failed) {
		violation("chunked and whole runs differ in status", 0, NULL);
	}
	same_records(tlsrpt_pipeline_records(chunked.p), tlsrpt_pipeline_records(whole.p));
	if (!whole.failed) {
		const struct tlsrpt_outcome *c = chunked.out, *w = whole.out;

		if (c->reports_ok != w->reports_ok || c->errors != w->errors ||
		    c->refused != w->refused || c->duplicates != w->duplicates ||
		    c->failures != w->failures || c->busy != w->busy) {
			violation("chunked and whole runs differ in counters", 0, NULL);
		}
		check_counters(whole.p, whole.out);
	}
	check_formats(tlsrpt_pipeline_records(whole.p));
	tlsrpt_pipeline_free(chunked.p);
	tlsrpt_pipeline_free(whole.p);
	return 0;
}
