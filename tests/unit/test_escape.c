/*
 * test_escape.c - log format v1 and JSON value escaping, UTF-8 validation
 *
 * One table of values with the escaped text each escaper must give, one
 * table of byte sequences with the UTF-8 length they must have, and the
 * snprintf-like contract for small output buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"
#include "limits.h"

#define S(lit) lit, sizeof(lit) - 1

struct esc_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want_kv;
	const char *want_json;
};

static const struct esc_case esc_cases[] = {
        {"bare", S("certificate-expired"), "certificate-expired", "\"certificate-expired\""},
        {"bare punctuation", S("*.mx.example:25/a?b#c"), "*.mx.example:25/a?b#c",
         "\"*.mx.example:25/a?b#c\""},
        {"space", S("Google Inc."), "\"Google Inc.\"", "\"Google Inc.\""},
        {"quote", S("a\"b"), "\"a\\\"b\"", "\"a\\\"b\""},
        {"backslash", S("a\\b"), "\"a\\\\b\"", "\"a\\\\b\""},
        {"equals", S("a=b"), "\"a=b\"", "\"a=b\""},
        {"empty", S(""), "\"\"", "\"\""},
        {"tab", S("a\tb"), "\"a\\x09b\"", "\"a\\tb\""},
        {"NUL inside", S("a\0b"), "\"a\\x00b\"", "\"a\\u0000b\""},
        {"escape char", S("a\x1b[31m"), "\"a\\x1b[31m\"", "\"a\\u001b[31m\""},
        {"DEL", S("a\x7f"), "\"a\\x7f\"", "\"a\\u007f\""},
        {"forged line", S("x\nfoo: report report-id=evil"), "\"x\\x0afoo: report report-id=evil\"",
         "\"x\\nfoo: report report-id=evil\""},
        {"CRLF", S("x\r\ny"), "\"x\\x0d\\x0ay\"", "\"x\\r\\ny\""},
        {"invalid byte",
         S("a\xff"
           "b"),
         "\"a\\xffb\"", "\"a\\\\xffb\""},
        {"stray continuation", S("\x80"), "\"\\x80\"", "\"\\\\x80\""},
        {"overlong slash", S("\xc0\xaf"), "\"\\xc0\\xaf\"", "\"\\\\xc0\\\\xaf\""},
        {"overlong 3-byte", S("\xe0\x80\xaf"), "\"\\xe0\\x80\\xaf\"", "\"\\\\xe0\\\\x80\\\\xaf\""},
        {"surrogate", S("\xed\xa0\x80"), "\"\\xed\\xa0\\x80\"", "\"\\\\xed\\\\xa0\\\\x80\""},
        {"past U+10FFFF", S("\xf4\x90\x80\x80"), "\"\\xf4\\x90\\x80\\x80\"",
         "\"\\\\xf4\\\\x90\\\\x80\\\\x80\""},
        {"cut sequence", S("a\xe2\x82"), "\"a\\xe2\\x82\"", "\"a\\\\xe2\\\\x82\""},
        {"valid 2-byte", S("caf\xc3\xa9"), "\"caf\xc3\xa9\"", "\"caf\xc3\xa9\""},
        {"valid 3-byte",
         S("\xe2\x82\xac"
           "5"),
         "\"\xe2\x82\xac"
         "5\"",
         "\"\xe2\x82\xac"
         "5\""},
        {"valid 4-byte", S("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"", "\"\xf0\x9f\x98\x80\""},
        {"U+10FFFF", S("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"", "\"\xf4\x8f\xbf\xbf\""},
};

/* test_escape_table - every escaping case, both escapers */
static void test_escape_table(void **state)
{
	char out[2048];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		const struct esc_case *c = &esc_cases[i];

		n = tlsrpt_escape_kv(c->in, c->len, out, sizeof(out));
		if (strcmp(out, c->want_kv) != 0 || n != strlen(c->want_kv)) {
			fail_msg("%s: kv: got [%s] (%zu), want [%s]", c->name, out, n, c->want_kv);
		}
		if (strchr(out, '\n') != NULL || strchr(out, '\r') != NULL) {
			fail_msg("%s: kv: got a line break in [%s], want none", c->name, out);
		}
		n = tlsrpt_escape_json(c->in, c->len, out, sizeof(out));
		if (strcmp(out, c->want_json) != 0 || n != strlen(c->want_json)) {
			fail_msg("%s: json: got [%s] (%zu), want [%s]", c->name, out, n,
			         c->want_json);
		}
	}
}

/* fill - len bytes of c into buf */
static void fill(char *buf, char c, size_t len)
{
	memset(buf, c, len);
	buf[len] = '\0';
}

/* test_escape_cut - values over TLSRPT_MAX_VALUE_LEN bytes are cut at a character boundary */
static void test_escape_cut(void **state)
{
	char in[600], want[2048], out[2048];
	size_t n;

	(void)state;
	/* Exactly the maximum: kept whole. */
	fill(in, 'a', TLSRPT_MAX_VALUE_LEN);
	n = tlsrpt_escape_kv(in, strlen(in), out, sizeof(out));
	if (strcmp(out, in) != 0) {
		fail_msg("256 bytes: got [%s] (%zu), want the value unchanged", out, n);
	}

	/* 300 bytes: 253 kept and "...", bare. */
	fill(in, 'a', 300);
	fill(want, 'a', TLSRPT_MAX_VALUE_LEN - 3);
	strcat(want, "...");
	tlsrpt_escape_kv(in, strlen(in), out, sizeof(out));
	if (strcmp(out, want) != 0) {
		fail_msg("300 bytes: got [%s], want [%s]", out, want);
	}
	tlsrpt_escape_json(in, strlen(in), out, sizeof(out));
	if (out[0] != '"' || strncmp(out + 1, want, strlen(want)) != 0 ||
	    strcmp(out + 1 + strlen(want), "\"") != 0) {
		fail_msg("300 bytes json: got [%s], want [\"%s\"]", out, want);
	}

	/* The cut does not split a character: 252 x 'a' then 'é' (2 bytes) does not fit. */
	fill(in, 'a', 252);
	strcat(in, "\xc3\xa9");
	fill(in + 254, 'b', 100);
	fill(want, 'a', 252);
	strcat(want, "...");
	tlsrpt_escape_kv(in, strlen(in), out, sizeof(out));
	/* The 'é' is cut away, so the value is bare. */
	if (strcmp(out, want) != 0) {
		fail_msg("cut before a 2-byte character: got [%s], want [%s]", out, want);
	}

	/* A multi-byte character that fits whole is kept. */
	fill(in, 'a', 251);
	strcat(in, "\xc3\xa9");
	fill(in + 253, 'b', 100);
	snprintf(want, sizeof(want), "\"%.*s\xc3\xa9...\"", 251, in);
	tlsrpt_escape_kv(in, strlen(in), out, sizeof(out));
	if (strcmp(out, want) != 0) {
		fail_msg("cut after a 2-byte character: got [%s], want [%s]", out, want);
	}

	/* Escaped bytes are counted before escaping: 300 x 0xff gives 253 \xff. */
	memset(in, 0xff, 300);
	n = tlsrpt_escape_kv(in, 300, out, sizeof(out));
	if (n != 2 + 253 * 4 + 3 || strcmp(out + n - 4, "...\"") != 0) {
		fail_msg("300 invalid bytes: got length %zu ending [%s], want %d ending [...\"]", n,
		         out + (n > 4 ? n - 4 : 0), 2 + 253 * 4 + 3);
	}
}

/* test_escape_small_buffer - like snprintf: NUL-terminated, returns the length needed */
static void test_escape_small_buffer(void **state)
{
	char out[8];
	size_t n;

	(void)state;
	memset(out, 'X', sizeof(out));
	n = tlsrpt_escape_kv("Google Inc.", 11, out, sizeof(out));
	if (n != 13 || strcmp(out, "\"Google") != 0) {
		fail_msg("kv small: got %zu [%s], want 13 [\"Google]", n, out);
	}
	n = tlsrpt_escape_json("Google Inc.", 11, out, sizeof(out));
	if (n != 13 || strlen(out) != 7) {
		fail_msg("json small: got %zu [%s], want 13 and 7 bytes", n, out);
	}
	n = tlsrpt_escape_kv("abc", 3, NULL, 0);
	if (n != 3) {
		fail_msg("kv NULL buffer: got %zu, want 3", n);
	}
	n = tlsrpt_escape_kv_nocut("a b", 3, out, sizeof(out));
	if (n != 5 || strcmp(out, "\"a b\"") != 0) {
		fail_msg("kv nocut: got %zu [%s], want 5 [\"a b\"]", n, out);
	}
}

/* test_escape_nocut - the prefix escapers keep long values whole */
static void test_escape_nocut(void **state)
{
	char in[400], out[2048];
	size_t n;

	(void)state;
	fill(in, 'q', 300);
	n = tlsrpt_escape_kv_nocut(in, 300, out, sizeof(out));
	if (n != 300 || strcmp(out, in) != 0) {
		fail_msg("kv nocut 300: got %zu, want 300 unchanged", n);
	}
	n = tlsrpt_escape_json_nocut(in, 300, out, sizeof(out));
	if (n != 302) {
		fail_msg("json nocut 300: got %zu, want 302", n);
	}
}

struct utf8_case {
	const char *name;
	const char *in;
	size_t len;
	size_t want;
};

static const struct utf8_case utf8_cases[] = {
        {"empty", "", 0, 0},
        {"ASCII", S("A"), 1},
        {"NUL", "\0", 1, 1},
        {"2-byte min U+0080", S("\xc2\x80"), 2},
        {"2-byte max U+07FF", S("\xdf\xbf"), 2},
        {"overlong 2-byte C0", S("\xc0\x80"), 0},
        {"overlong 2-byte C1", S("\xc1\xbf"), 0},
        {"3-byte min U+0800", S("\xe0\xa0\x80"), 3},
        {"overlong 3-byte", S("\xe0\x9f\xbf"), 0},
        {"last before surrogates", S("\xed\x9f\xbf"), 3},
        {"high surrogate", S("\xed\xa0\x80"), 0},
        {"low surrogate", S("\xed\xbf\xbf"), 0},
        {"U+FFFF", S("\xef\xbf\xbf"), 3},
        {"4-byte min U+10000", S("\xf0\x90\x80\x80"), 4},
        {"overlong 4-byte", S("\xf0\x8f\xbf\xbf"), 0},
        {"U+10FFFF", S("\xf4\x8f\xbf\xbf"), 4},
        {"U+110000", S("\xf4\x90\x80\x80"), 0},
        {"F5", S("\xf5\x80\x80\x80"), 0},
        {"FF", S("\xff"), 0},
        {"lone continuation", S("\x80"), 0},
        {"truncated 3-byte", S("\xe2\x82"), 0},
        {"bad continuation", S("\xe2\x28\xa1"), 0},
        {"bad 4th byte", S("\xf0\x9f\x98\x28"), 0},
};

/* test_utf8_seqlen - valid sequences and every kind of invalid one */
static void test_utf8_seqlen(void **state)
{
	size_t i, got;

	(void)state;
	for (i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		const struct utf8_case *c = &utf8_cases[i];

		got = tlsrpt_utf8_seqlen((const unsigned char *)c->in, c->len);
		if (got != c->want) {
			fail_msg("%s: got %zu, want %zu", c->name, got, c->want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_escape_table),        cmocka_unit_test(test_escape_cut),
	        cmocka_unit_test(test_escape_small_buffer), cmocka_unit_test(test_escape_nocut),
	        cmocka_unit_test(test_utf8_seqlen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
