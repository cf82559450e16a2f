/*
 * test_record.c - record lists and the two line formatters
 *
 * Event names, field limits, the log format v1 line (the RFC 8460 example
 * must come out byte for byte), escaped prefixes, the 2000-byte bound with
 * its " ..." ending, and JSON output that parses back with cJSON whatever
 * the values hold.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "tlsrpt_limits.h"
#include "record.h"

/* test_event_names - all seven events have their log names */
static void test_event_names(void **state)
{
	static const struct {
		enum tlsrpt_event ev;
		const char *want;
	} cases[] = {
	        {TLSRPT_EV_REPORT, "report"},
	        {TLSRPT_EV_POLICY, "policy"},
	        {TLSRPT_EV_FAILURE, "failure"},
	        {TLSRPT_EV_FAILURE_OMITTED, "failure-omitted"},
	        {TLSRPT_EV_ERROR, "error"},
	        {TLSRPT_EV_IGNORED, "ignored"},
	        {TLSRPT_EV_ACTION, "action"},
	        {TLSRPT_EV_POLICY_OMITTED, "policy-omitted"},
	        {TLSRPT_EV_REPORT_OMITTED, "report-omitted"},
	        {TLSRPT_EV_STATS, "stats"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = tlsrpt_event_name(cases[i].ev);

		if (strcmp(got, cases[i].want) != 0) {
			fail_msg("event %d: got %s, want %s", (int)cases[i].ev, got, cases[i].want);
		}
	}
}

/* test_fields - str/num/get, NULL values, the field limit */
static void test_fields(void **state)
{
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	const struct tlsrpt_field *f;
	char buf[32];
	int i;

	(void)state;
	tlsrpt_records_init(&rs);
	r = tlsrpt_records_add(&rs, TLSRPT_EV_ERROR, TLSRPT_SEV_ERR);
	assert_non_null(r);
	assert_int_equal(tlsrpt_record_str(r, "reason", "bad"), 0);
	assert_int_equal(tlsrpt_record_str(r, "absent", NULL), 0);
	assert_int_equal(tlsrpt_record_num(r, "part", 2), 0);
	if (r->nfields != 2) {
		fail_msg("nfields: got %zu, want 2 (NULL value adds nothing)", r->nfields);
	}
	f = tlsrpt_record_get(r, "part");
	if (f == NULL || f->str != NULL || f->num != 2) {
		fail_msg("get part: got %p, want the number 2", (const void *)f);
	}
	f = tlsrpt_record_get(r, "reason");
	if (f == NULL || f->str == NULL || strcmp(f->str, "bad") != 0) {
		fail_msg("get reason: got %s, want bad", f && f->str ? f->str : "(null)");
	}
	if (tlsrpt_record_get(r, "absent") != NULL) {
		fail_msg("get absent: got a field, want NULL");
	}
	for (i = 2; i < TLSRPT_RECORD_MAX_FIELDS; i++) {
		snprintf(buf, sizeof(buf), "v%d", i);
		assert_int_equal(tlsrpt_record_str(r, "k", buf), 0);
	}
	if (tlsrpt_record_str(r, "k", "one too many") != -1 || tlsrpt_record_num(r, "k", 1) != -1) {
		fail_msg("field %d: got accepted, want -1", TLSRPT_RECORD_MAX_FIELDS + 1);
	}
	tlsrpt_records_free(&rs);
	tlsrpt_records_free(&rs); /* an empty list is fine */
}

/*
 * test_value_blocks - a list keeps its values packed in shared 4 KiB blocks
 * (a value over 1 KiB in a block of its own): values of every length from
 * 0 to 1100 bytes and a few of 5000, 4095 and 4096 bytes, filling blocks
 * to the byte, each read back whole after all were added (no value
 * overwritten by a later one, none moved when the record list grew)
 */
static void test_value_blocks(void **state)
{
	static char val[5001];
	struct tlsrpt_records rs;
	struct tlsrpt_record *r = NULL;
	const struct tlsrpt_field *f;
	size_t lens[1200], nv = 0, i, k;

	(void)state;
	tlsrpt_records_init(&rs);
	for (i = 0; i <= 1100; i++) {
		lens[nv++] = i;
	}
	lens[nv++] = 5000;
	lens[nv++] = 4095;
	lens[nv++] = 3;
	lens[nv++] = 4096;
	lens[nv++] = 1024;
	lens[nv++] = 1023;
	for (i = 0; i < nv; i++) {
		if (i % 5 == 0) {
			r = tlsrpt_records_add(&rs, TLSRPT_EV_POLICY, TLSRPT_SEV_INFO);
			assert_non_null(r);
		}
		for (k = 0; k < lens[i]; k++) {
			val[k] = (char)('a' + (i + k) % 26);
		}
		val[lens[i]] = '\0';
		assert_int_equal(tlsrpt_record_str(r, "v", val), 0);
	}
	for (i = 0; i < nv; i++) {
		f = &rs.v[i / 5].fields[i % 5];
		for (k = 0; k < lens[i]; k++) {
			val[k] = (char)('a' + (i + k) % 26);
		}
		val[lens[i]] = '\0';
		if (f->str == NULL || strcmp(f->str, val) != 0) {
			fail_msg("value %zu (%zu bytes): got %zu bytes, want it whole", i, lens[i],
			         f->str != NULL ? strlen(f->str) : 0);
		}
	}
	tlsrpt_records_free(&rs);
	if (rs.n != 0 || rs.vals != NULL) {
		fail_msg("free: got %zu records left, want an empty list", rs.n);
	}
}

/* test_records_max - the list refuses record TLSRPT_RECORDS_MAX + 1 */
static void test_records_max(void **state)
{
	struct tlsrpt_records rs;
	size_t i;

	(void)state;
	tlsrpt_records_init(&rs);
	for (i = 0; i < TLSRPT_RECORDS_MAX; i++) {
		if (tlsrpt_records_add(&rs, TLSRPT_EV_POLICY, TLSRPT_SEV_INFO) == NULL) {
			fail_msg("record %zu: got NULL, want a record", i + 1);
		}
	}
	if (tlsrpt_records_add(&rs, TLSRPT_EV_POLICY, TLSRPT_SEV_INFO) != NULL) {
		fail_msg("record %d: got a record, want NULL", TLSRPT_RECORDS_MAX + 1);
	}
	if (rs.n != TLSRPT_RECORDS_MAX) {
		fail_msg("n: got %zu, want %d", rs.n, TLSRPT_RECORDS_MAX);
	}
	tlsrpt_records_free(&rs);
}

/* example - the report record of the RFC 8460 example */
static struct tlsrpt_record *example(struct tlsrpt_records *rs)
{
	struct tlsrpt_record *r = tlsrpt_records_add(rs, TLSRPT_EV_REPORT, TLSRPT_SEV_WARNING);

	assert_non_null(r);
	tlsrpt_record_str(r, "report-id", "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
	tlsrpt_record_str(r, "organization-name", "Company-X");
	tlsrpt_record_str(r, "contact-info", "sts-reporting@company-x.example");
	tlsrpt_record_str(r, "start-datetime", "2016-04-01T00:00:00Z");
	tlsrpt_record_str(r, "end-datetime", "2016-04-01T23:59:59Z");
	tlsrpt_record_str(r, "policy-domain", "company-y.example");
	tlsrpt_record_str(r, "submitter", "mail.sender.example.com");
	tlsrpt_record_num(r, "policies", 1);
	tlsrpt_record_num(r, "total-successful-session-count", 5326);
	tlsrpt_record_num(r, "total-failure-session-count", 303);
	return r;
}

#define EXAMPLE_FIELDS                                                                             \
	"report report-id=5065427c-23d3-47ca-b6e0-946ea0e8c4be organization-name=Company-X "       \
	"contact-info=sts-reporting@company-x.example start-datetime=2016-04-01T00:00:00Z "        \
	"end-datetime=2016-04-01T23:59:59Z policy-domain=company-y.example "                       \
	"submitter=mail.sender.example.com policies=1 total-successful-session-count=5326 "        \
	"total-failure-session-count=303"

/* test_format_prefix - the example line with plain, NULL and hostile prefixes */
static void test_format_prefix(void **state)
{
	static const struct {
		const char *prefix;
		const char *want;
	} cases[] = {
	        {"tests/x.eml", "tests/x.eml: " EXAMPLE_FIELDS},
	        {NULL, EXAMPLE_FIELDS},
	        {"4ZxK2n1YQz", "4ZxK2n1YQz: " EXAMPLE_FIELDS},
	        {"my file.eml", "\"my file.eml\": " EXAMPLE_FIELDS},
	        {"a\nb: report report-id=evil",
	         "\"a\\x0ab: report report-id\\x3devil\": " EXAMPLE_FIELDS},
	        {"", "\"\": " EXAMPLE_FIELDS},
	};
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	char out[TLSRPT_MAX_LOG_LINE + 1];
	size_t i, n;

	(void)state;
	tlsrpt_records_init(&rs);
	r = example(&rs);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = tlsrpt_record_format(r, TLSRPT_FORMAT_KV, cases[i].prefix, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0 || n != strlen(out)) {
			fail_msg("prefix %zu: got [%s] (%zu), want [%s]", i, out, n, cases[i].want);
		}
	}
	tlsrpt_records_free(&rs);
}

/* test_format_long_prefix - a 3000-byte prefix is cut so the line keeps its event */
static void test_format_long_prefix(void **state)
{
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	char out[TLSRPT_MAX_LOG_LINE + 1], prefix[3001];
	size_t n;

	(void)state;
	memset(prefix, 'p', 3000);
	prefix[3000] = '\0';
	tlsrpt_records_init(&rs);
	r = example(&rs);
	n = tlsrpt_record_format(r, TLSRPT_FORMAT_KV, prefix, out, sizeof(out));
	if (n > TLSRPT_MAX_LOG_LINE || strstr(out, "...: report ") == NULL) {
		fail_msg("long prefix: got %zu bytes [%.80s...], want <= %d with a cut prefix", n,
		         out, TLSRPT_MAX_LOG_LINE);
	}
	n = tlsrpt_record_format(r, TLSRPT_FORMAT_JSON, prefix, out, sizeof(out));
	if (n > TLSRPT_MAX_LOG_LINE || strstr(out, "...\"") == NULL) {
		fail_msg("long prefix json: got %zu bytes, want <= %d with a cut queue-id", n,
		         TLSRPT_MAX_LOG_LINE);
	}
	tlsrpt_records_free(&rs);
}

/*
 * big - a record whose 8 values each escape to about 1000 bytes: an alert
 * event (ev NAMED, the word "problem"), whose values are cut at 256 bytes only, or a
 * report's failure line (FAILURE), whose values are cut to
 * TLSRPT_LOG_VALUE_WIDTH bytes as written
 */
static struct tlsrpt_record *big_ev(struct tlsrpt_records *rs, enum tlsrpt_event ev)
{
	static const char *const keys[] = {
	        "report-id",      "policy-type",           "policy-domain",     "result-type",
	        "sending-mta-ip", "receiving-mx-hostname", "receiving-mx-helo", "receiving-ip"};
	struct tlsrpt_record *r =
	        ev == TLSRPT_EV_NAMED ? tlsrpt_records_add_named(rs, "problem", TLSRPT_SEV_WARNING)
	                              : tlsrpt_records_add(rs, ev, TLSRPT_SEV_WARNING);
	char v[301];
	size_t i;

	assert_non_null(r);
	tlsrpt_record_str(r, "report-id", "short-id");
	tlsrpt_record_num(r, "failed-session-count", 7);
	memset(v, 0x01, 300);
	v[300] = '\0';
	for (i = 1; i < sizeof(keys) / sizeof(keys[0]); i++) {
		tlsrpt_record_str(r, keys[i], v);
	}
	return r;
}

/* big - the alert event */
static struct tlsrpt_record *big(struct tlsrpt_records *rs)
{
	return big_ev(rs, TLSRPT_EV_NAMED);
}

#define START "Q1: problem report-id=short-id failed-session-count=7 ..."

/* test_format_line_limit - no line over TLSRPT_MAX_LOG_LINE bytes; dropped fields leave " ..." */
static void test_format_line_limit(void **state)
{
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	char out[4096];
	size_t n;

	(void)state;
	tlsrpt_records_init(&rs);
	r = big(&rs);
	memset(out, 'Z', sizeof(out));
	n = tlsrpt_record_format(r, TLSRPT_FORMAT_KV, "Q1", out, sizeof(out));
	if (n > TLSRPT_MAX_LOG_LINE || n != strlen(out)) {
		fail_msg("length: got %zu (strlen %zu), want <= %d", n, strlen(out),
		         TLSRPT_MAX_LOG_LINE);
	}
	if (n < 4 || strcmp(out + n - 4, " ...") != 0) {
		fail_msg("ending: got [%s], want [ ...]", n >= 4 ? out + n - 4 : out);
	}
	if (strncmp(out, START, strlen(START)) != 0) {
		fail_msg("start: got [%.80s], want the first fields whole", out);
	}
	/* The last field written is whole: a value of 1,000 bytes as written is dropped. */
	if (n != strlen(START)) {
		fail_msg("got [%s], want [%s]", out, START);
	}
	if (strchr(out, '\n') != NULL) {
		fail_msg("line break: got one, want none");
	}
	/* A smaller out buffer bounds the line too. */
	n = tlsrpt_record_format(r, TLSRPT_FORMAT_KV, "Q1", out, 100);
	if (n > 99 || strlen(out) != n || strcmp(out + n - 4, " ...") != 0) {
		fail_msg("outlen 100: got %zu [%s], want <= 99 ending in ' ...'", n, out);
	}
	tlsrpt_records_free(&rs);
}

/*
 * test_cut_every_length - a line is rendered once and cut back when it does
 * not fit: for every buffer size from 1 byte to 2 bytes past the whole line,
 * both formats give the line of the first k fields, for the largest k that
 * leaves room for the trailer (" ..." or ,"truncated":true}), then the
 * trailer; or the whole line when it fits (the trailer may be longer than
 * the last field and its closing); or only the head when no field fits
 */
static void test_cut_every_length(void **state)
{
	static const char *const trailer[] = {" ...", ",\"truncated\":true}"};
	static const char *const closing[] = {"", "}"};
	static char part[TLSRPT_RECORD_MAX_FIELDS + 1][4096];
	char out[4096], want[4096];
	struct tlsrpt_records rs;
	struct tlsrpt_record *r, sub;
	size_t full, outlen, n, k, best, cl, tl, nf;
	int fmt;

	(void)state;
	tlsrpt_records_init(&rs);
	r = tlsrpt_records_add(&rs, TLSRPT_EV_FAILURE, TLSRPT_SEV_WARNING);
	assert_non_null(r);
	tlsrpt_record_str(r, "a", "x");
	tlsrpt_record_num(r, "n", 12345);
	tlsrpt_record_str(r, "quoted", "two words = one \"value\"");
	tlsrpt_record_str(r, "b", "y");
	tlsrpt_record_str(r, "c", "");
	tlsrpt_record_num(r, "z", 0);
	nf = r->nfields;
	for (fmt = 0; fmt < 2; fmt++) {
		cl = strlen(closing[fmt]);
		tl = strlen(trailer[fmt]);
		/* part[k]: the line of the first k fields, without its closing */
		for (k = 0; k <= nf; k++) {
			sub = *r;
			sub.nfields = k;
			n = tlsrpt_record_format(&sub, (enum tlsrpt_format)fmt, "Q1", part[k],
			                         sizeof(part[k]));
			part[k][n - cl] = '\0';
		}
		full = strlen(part[nf]) + cl;
		for (outlen = 1; outlen <= full + 2; outlen++) {
			if (strlen(part[0]) > outlen - 1) {
				continue; /* the head alone does not fit: cut elsewhere */
			}
			if (full <= outlen - 1) {
				snprintf(want, sizeof(want), "%s%s", part[nf], closing[fmt]);
			} else {
				for (best = 0, k = 1; k <= nf && strlen(part[k]) + tl <= outlen - 1;
				     k++) {
					best = k;
				}
				if (strlen(part[best]) + tl <= outlen - 1) {
					snprintf(want, sizeof(want), "%s%s", part[best],
					         trailer[fmt]);
				} else {
					snprintf(want, sizeof(want), "%s", part[0]);
				}
			}
			memset(out, 'Z', sizeof(out));
			n = tlsrpt_record_format(r, (enum tlsrpt_format)fmt, "Q1", out, outlen);
			if (n != strlen(want) || strcmp(out, want) != 0) {
				fail_msg("format %d, buffer %zu: got %zu [%s], want [%s]", fmt,
				         outlen, n, out, want);
			}
		}
	}
	tlsrpt_records_free(&rs);
}

/*
 * test_value_width - on a report's lines every value is at most
 * TLSRPT_LOG_VALUE_WIDTH bytes as written, cut at a character boundary
 * with "...", in both formats; the 8 values of big_ev all fit
 */
static void test_value_width(void **state)
{
	static const enum tlsrpt_format fmts[] = {TLSRPT_FORMAT_KV, TLSRPT_FORMAT_JSON};
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	char out[TLSRPT_MAX_LOG_LINE + 1];
	const char *p, *q;
	size_t n, i;

	(void)state;
	tlsrpt_records_init(&rs);
	r = big_ev(&rs, TLSRPT_EV_FAILURE);
	for (i = 0; i < 2; i++) {
		n = tlsrpt_record_format(r, fmts[i], "Q1", out, sizeof(out));
		if (n > TLSRPT_MAX_LOG_LINE || strstr(out, "truncated") != NULL ||
		    strstr(out, " ...") != NULL || strstr(out, "receiving-ip") == NULL) {
			fail_msg("format %zu: got %zu bytes [%s], want every field kept", i, n,
			         out);
		}
		/* each quoted value, from its opening quote to its closing one */
		for (p = strstr(out, "policy-type"); p != NULL && (p = strchr(p, '"')) != NULL;
		     p = q + 1) {
			if (i == 1 && p[-1] != ':') {
				q = p; /* a JSON key's closing quote */
				continue;
			}
			if ((q = strstr(p + 1, "...\"")) == NULL) {
				fail_msg("format %zu: got a value without the cut mark in [%s]", i,
				         p);
			}
			q += 3;
			if ((size_t)(q - p + 1) > TLSRPT_LOG_VALUE_WIDTH) {
				fail_msg("format %zu: got a value of %zu bytes, want <= %d", i,
				         (size_t)(q - p + 1), TLSRPT_LOG_VALUE_WIDTH);
			}
		}
	}
	tlsrpt_records_free(&rs);
}

/* parse_json - parse a formatted line back; fails the test when it is not one JSON object */
static cJSON *parse_json(const char *line)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(line, strlen(line) + 1, &end, 1);

	if (j == NULL || !cJSON_IsObject(j)) {
		fail_msg("json: got unparsable [%s] (at byte %td), want an object", line,
		         end ? end - line : -1);
	}
	return j;
}

#define JSON_START "{\"event\":\"report\",\"queue-id\":\"tests/x.eml\",\"report-id\":"

/* test_json - same keys, numbers as numbers, hostile values, the bound */
static void test_json(void **state)
{
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	char out[TLSRPT_MAX_LOG_LINE + 1];
	const cJSON *v;
	cJSON *j;
	size_t n;

	(void)state;
	tlsrpt_records_init(&rs);
	r = example(&rs);
	tlsrpt_record_format(r, TLSRPT_FORMAT_JSON, "tests/x.eml", out, sizeof(out));
	j = parse_json(out);
	v = cJSON_GetObjectItemCaseSensitive(j, "event");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "report") != 0) {
		fail_msg("event: got [%s], want report", out);
	}
	v = cJSON_GetObjectItemCaseSensitive(j, "queue-id");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "tests/x.eml") != 0) {
		fail_msg("queue-id: got [%s], want tests/x.eml", out);
	}
	v = cJSON_GetObjectItemCaseSensitive(j, "total-failure-session-count");
	if (!cJSON_IsNumber(v) || v->valuedouble != 303) {
		fail_msg("count: got [%s], want the number 303", out);
	}
	if (strncmp(out, JSON_START, strlen(JSON_START)) != 0) {
		fail_msg("order: got [%.80s], want event, queue-id, report-id first", out);
	}
	cJSON_Delete(j);

	/* Hostile values: control characters, quotes, invalid UTF-8, a forged line. */
	r = tlsrpt_records_add(&rs, TLSRPT_EV_FAILURE, TLSRPT_SEV_WARNING);
	tlsrpt_record_str(r, "report-id", "x\nfoo: report report-id=evil");
	tlsrpt_record_str(r, "result-type", "q\"b\\s\x01\x7f\xff\xc0\xaf\xed\xa0\x80 caf\xc3\xa9");
	tlsrpt_record_num(r, "failed-session-count", UINT64_MAX);
	n = tlsrpt_record_format(r, TLSRPT_FORMAT_JSON, "\xff\n", out, sizeof(out));
	if (strchr(out, '\n') != NULL || n != strlen(out)) {
		fail_msg("hostile: got a line break or bad length in [%s]", out);
	}
	j = parse_json(out);
	v = cJSON_GetObjectItemCaseSensitive(j, "result-type");
	if (!cJSON_IsString(v) ||
	    strcmp(v->valuestring, "q\"b\\s\x01\x7f\\xff\\xc0\\xaf\\xed\\xa0\\x80 caf\xc3\xa9") !=
	            0) {
		fail_msg("hostile result-type: got [%s], want invalid bytes as text \\xHH",
		         cJSON_IsString(v) ? v->valuestring : "(not a string)");
	}
	v = cJSON_GetObjectItemCaseSensitive(j, "queue-id");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "\\xff\n") != 0) {
		fail_msg("hostile queue-id: got [%s], want \\xff and a newline",
		         cJSON_IsString(v) ? v->valuestring : "(not a string)");
	}
	if (strstr(out, "\"failed-session-count\":18446744073709551615}") == NULL) {
		fail_msg("max count: got [%s], want 18446744073709551615 as a number", out);
	}
	cJSON_Delete(j);

	/* No prefix: no queue-id. */
	tlsrpt_record_format(r, TLSRPT_FORMAT_JSON, NULL, out, sizeof(out));
	j = parse_json(out);
	if (cJSON_GetObjectItemCaseSensitive(j, "queue-id") != NULL) {
		fail_msg("NULL prefix: got a queue-id in [%s], want none", out);
	}
	cJSON_Delete(j);

	/* Over the bound: valid, <= TLSRPT_MAX_LOG_LINE bytes, "truncated":true. */
	r = big(&rs);
	n = tlsrpt_record_format(r, TLSRPT_FORMAT_JSON, "Q1", out, sizeof(out));
	if (n > TLSRPT_MAX_LOG_LINE || n != strlen(out)) {
		fail_msg("big json: got %zu bytes, want <= %d", n, TLSRPT_MAX_LOG_LINE);
	}
	j = parse_json(out);
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "truncated"))) {
		fail_msg("big json: got no \"truncated\":true in [%s]", out);
	}
	if (cJSON_GetObjectItemCaseSensitive(j, "failed-session-count") == NULL) {
		fail_msg("big json: got no failed-session-count, want the first fields kept");
	}
	cJSON_Delete(j);
	tlsrpt_records_free(&rs);
}

/*
 * test_forged_fields - the forged values of the log-injection attacks, as
 * whole lines: the kv line byte for byte (no quote, backslash or '=' inside
 * a value but \xHH), a naive search for " KEY=" finding only the true
 * fields, and the JSON line giving the values back with U+2028 as \u2028
 */
static void test_forged_fields(void **state)
{
	static const char helo[] = "x' policy-domain=forged.example failed-session-count=0 y";
	static const char info[] = "see failed-session-count=999\xe2\x80\xa8q: failure";
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	char out[TLSRPT_MAX_LOG_LINE + 1];
	const char *p;
	cJSON *j, *v;

	(void)state;
	tlsrpt_records_init(&rs);
	r = tlsrpt_records_add(&rs, TLSRPT_EV_FAILURE, TLSRPT_SEV_WARNING);
	tlsrpt_record_str(r, "policy-domain", "true.example");
	tlsrpt_record_str(r, "result-type", "'");
	tlsrpt_record_num(r, "failed-session-count", 2);
	tlsrpt_record_str(r, "receiving-mx-helo", helo);
	tlsrpt_record_str(r, "additional-information", info);
	tlsrpt_record_format(r, TLSRPT_FORMAT_KV, "Q1", out, sizeof(out));
	assert_string_equal(
	        out,
	        "Q1: failure policy-domain=true.example result-type=\"\\x27\" failed-session-count=2 receiving-mx-helo=\"x\\x27 policy-domain\\x3dforged.example failed-session-count\\x3d0 y\" additional-information=\"see failed-session-count\\x3d999\\xe2\\x80\\xa8q: failure\"");
	p = strstr(out, " policy-domain=");
	if (p == NULL || strstr(p + 1, " policy-domain=") != NULL ||
	    strstr(out, " failed-session-count=") != strstr(out, " failed-session-count=2 ") ||
	    strstr(strstr(out, " failed-session-count=") + 1, " failed-session-count=") != NULL) {
		fail_msg(
		        "naive search: got a second policy-domain= or failed-session-count= in [%s]",
		        out);
	}
	if (strchr(out, '\'') != NULL) {
		fail_msg("got a raw single quote in [%s]", out);
	}
	tlsrpt_record_format(r, TLSRPT_FORMAT_JSON, "Q1", out, sizeof(out));
	if (strstr(out, "\\u2028") == NULL || strstr(out, "\xe2\x80\xa8") != NULL) {
		fail_msg("json: got [%s], want U+2028 as \\u2028 only", out);
	}
	j = parse_json(out);
	v = cJSON_GetObjectItemCaseSensitive(j, "receiving-mx-helo");
	assert_true(cJSON_IsString(v));
	assert_string_equal(v->valuestring, helo);
	v = cJSON_GetObjectItemCaseSensitive(j, "additional-information");
	assert_true(cJSON_IsString(v));
	assert_string_equal(v->valuestring, info);
	cJSON_Delete(j);
	tlsrpt_records_free(&rs);
}

/* test_stats_record - the daemon's statistics line, as the record it is logged from */
static void test_stats_record(void **state)
{
	static const struct {
		enum tlsrpt_format fmt;
		const char *want;
		const char *cookie;
	} cases[] = {
	        {TLSRPT_FORMAT_KV, "stats when=signal messages=3 report-messages=1", ""},
	        {TLSRPT_FORMAT_JSON,
	         "{\"event\":\"stats\",\"when\":\"signal\",\"messages\":3,\"report-messages\":1}",
	         "@cee:"},
	};
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	char out[TLSRPT_MAX_LOG_LINE + 1];
	size_t i;

	(void)state;
	tlsrpt_records_init(&rs);
	r = tlsrpt_records_add(&rs, TLSRPT_EV_STATS, TLSRPT_SEV_INFO);
	assert_non_null(r);
	assert_int_equal(tlsrpt_record_str(r, "when", "signal"), 0);
	assert_int_equal(tlsrpt_record_num(r, "messages", 3), 0);
	assert_int_equal(tlsrpt_record_num(r, "report-messages", 1), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tlsrpt_record_format(r, cases[i].fmt, NULL, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0) {
			fail_msg("format %d: got [%s], want [%s]", (int)cases[i].fmt, out,
			         cases[i].want);
		}
		if (strcmp(tlsrpt_format_cookie(cases[i].fmt), cases[i].cookie) != 0) {
			fail_msg("format %d: got cookie [%s], want [%s]", (int)cases[i].fmt,
			         tlsrpt_format_cookie(cases[i].fmt), cases[i].cookie);
		}
	}
	tlsrpt_records_free(&rs);
}

/* test_named_record - another program's event is written under its own word */
static void test_named_record(void **state)
{
	static const struct {
		enum tlsrpt_format fmt;
		const char *want;
	} cases[] = {
	        {TLSRPT_FORMAT_KV, "ALERT: silent policy-domain=example.com silent-days=7"},
	        {TLSRPT_FORMAT_JSON,
	         "{\"event\":\"silent\",\"queue-id\":\"ALERT\",\"policy-domain\":"
	         "\"example.com\",\"silent-days\":7}"},
	};
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	char out[TLSRPT_MAX_LOG_LINE + 1];
	size_t i;

	(void)state;
	tlsrpt_records_init(&rs);
	r = tlsrpt_records_add_named(&rs, "silent", TLSRPT_SEV_WARNING);
	assert_non_null(r);
	if (r->event != TLSRPT_EV_NAMED || strcmp(r->word, "silent") != 0) {
		fail_msg("named record: got event %d word %s, want %d silent", (int)r->event,
		         r->word, (int)TLSRPT_EV_NAMED);
	}
	assert_int_equal(tlsrpt_record_str(r, "policy-domain", "example.com"), 0);
	assert_int_equal(tlsrpt_record_num(r, "silent-days", 7), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tlsrpt_record_format(r, cases[i].fmt, "ALERT", out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0) {
			fail_msg("format %d: got [%s], want [%s]", (int)cases[i].fmt, out,
			         cases[i].want);
		}
	}
	tlsrpt_records_free(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_event_names),        cmocka_unit_test(test_fields),
	        cmocka_unit_test(test_value_blocks),       cmocka_unit_test(test_cut_every_length),
	        cmocka_unit_test(test_records_max),        cmocka_unit_test(test_format_prefix),
	        cmocka_unit_test(test_format_long_prefix), cmocka_unit_test(test_format_line_limit),
	        cmocka_unit_test(test_value_width),        cmocka_unit_test(test_json),
	        cmocka_unit_test(test_forged_fields),      cmocka_unit_test(test_stats_record),
	        cmocka_unit_test(test_named_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
