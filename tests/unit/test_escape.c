/*
 * test_escape.c - log format v1 and JSON value escaping, UTF-8 validation
 *
 * One table of values with the escaped text each escaper must give (the
 * forged values of the log-injection attacks among them), every hidden
 * code point (C1, U+2028/9, bidi controls) and its neighbours, a check
 * that every one- and two-byte value reads one way (bare, or quoted with
 * \xHH as the only escape and no quote or '=' inside, decoding back to
 * the input), one table of byte sequences with the UTF-8 length they must
 * have, and the snprintf-like contract for small output buffers.  The
 * escapers read values in runs; reference escapers written one character
 * at a time check every boundary of a run (each offset in a four-byte step,
 * the end of the value, characters cut short or straddling, the cut at
 * TLSRPT_MAX_VALUE_LEN, output buffers too small by every byte).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"
#include "tlsrpt_limits.h"

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
        {"quote", S("a\"b"), "\"a\\x22b\"", "\"a\\\"b\""},
        {"backslash", S("a\\b"), "\"a\\x5cb\"", "\"a\\\\b\""},
        {"equals", S("a=b"), "\"a\\x3db\"", "\"a=b\""},
        {"single quote", S("'"), "\"\\x27\"", "\"'\""},
        {"single quote inside", S("it's"), "\"it\\x27s\"", "\"it's\""},
        {"forged keys after a quote", S("x policy-domain=forged.example failed-session-count=0"),
         "\"x policy-domain\\x3dforged.example failed-session-count\\x3d0\"",
         "\"x policy-domain=forged.example failed-session-count=0\""},
        {"forged count", S("see failed-session-count=999"), "\"see failed-session-count\\x3d999\"",
         "\"see failed-session-count=999\""},
        {"escaped-looking text", S("\\x41\\\""), "\"\\x5cx41\\x5c\\x22\"", "\"\\\\x41\\\\\\\"\""},
        {"NEL U+0085",
         S("a\xc2\x85"
           "b"),
         "\"a\\xc2\\x85b\"", "\"a\\u0085b\""},
        {"CSI U+009B",
         S("\xc2\x9b"
           "31m"),
         "\"\\xc2\\x9b31m\"", "\"\\u009b31m\""},
        {"LS U+2028",
         S("a\xe2\x80\xa8"
           "b"),
         "\"a\\xe2\\x80\\xa8b\"", "\"a\\u2028b\""},
        {"PS U+2029",
         S("a\xe2\x80\xa9"
           "b"),
         "\"a\\xe2\\x80\\xa9b\"", "\"a\\u2029b\""},
        {"RLO U+202E", S("\xe2\x80\xaegpj.exe"), "\"\\xe2\\x80\\xaegpj.exe\"",
         "\"\\u202egpj.exe\""},
        {"ALM U+061C", S("\xd8\x9c"), "\"\\xd8\\x9c\"", "\"\\u061c\""},
        {"U+00A0 kept",
         S("a\xc2\xa0"
           "b"),
         "\"a\xc2\xa0"
         "b\"",
         "\"a\xc2\xa0"
         "b\""},
        {"empty", S(""), "\"\"", "\"\""},
        {"tab", S("a\tb"), "\"a\\x09b\"", "\"a\\tb\""},
        {"NUL inside", S("a\0b"), "\"a\\x00b\"", "\"a\\u0000b\""},
        {"escape char", S("a\x1b[31m"), "\"a\\x1b[31m\"", "\"a\\u001b[31m\""},
        {"DEL", S("a\x7f"), "\"a\\x7f\"", "\"a\\u007f\""},
        {"forged line", S("x\nfoo: report report-id=evil"),
         "\"x\\x0afoo: report report-id\\x3devil\"", "\"x\\nfoo: report report-id=evil\""},
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

/* the code points never written raw, as ranges (first, last) */
static const unsigned long hidden[][2] = {
        {0x80, 0x9f},     {0x061c, 0x061c}, {0x200e, 0x200f},
        {0x2028, 0x2029}, {0x202a, 0x202e}, {0x2066, 0x2069},
};

/* their neighbours, written raw */
static const unsigned long shown[] = {0xa0,   0xff,   0x061b, 0x061d, 0x200d, 0x2010,
                                      0x2027, 0x202f, 0x2065, 0x206a, 0xfeff, 0x1f600};

/* utf8 - the UTF-8 encoding of cp into buf; its length */
static size_t utf8(unsigned long cp, char *buf)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (cp >> 18));
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* test_escape_hidden - every listed code point as \xHH per byte (kv) and \uXXXX (JSON) */
static void test_escape_hidden(void **state)
{
	char in[16], want[64], out[64], *w;
	unsigned long cp;
	size_t i, k, n;

	(void)state;
	for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		for (cp = hidden[i][0]; cp <= hidden[i][1]; cp++) {
			in[0] = 'a';
			n = 1 + utf8(cp, in + 1);
			in[n++] = 'b';
			w = want + sprintf(want, "\"a");
			for (k = 1; k < n - 1; k++) {
				w += sprintf(w, "\\x%02x", (unsigned char)in[k]);
			}
			sprintf(w, "b\"");
			tlsrpt_escape_kv(in, n, out, sizeof(out));
			if (strcmp(out, want) != 0) {
				fail_msg("U+%04lX kv: got [%s], want [%s]", cp, out, want);
			}
			sprintf(want, "\"a\\u%04lxb\"", cp);
			tlsrpt_escape_json(in, n, out, sizeof(out));
			if (strcmp(out, want) != 0) {
				fail_msg("U+%04lX json: got [%s], want [%s]", cp, out, want);
			}
			if (!tlsrpt_escape_hidden(cp)) {
				fail_msg("U+%04lX: tlsrpt_escape_hidden got 0, want 1", cp);
			}
		}
	}
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		cp = shown[i];
		in[0] = 'a';
		n = 1 + utf8(cp, in + 1);
		in[n++] = 'b';
		snprintf(want, sizeof(want), "\"%.*s\"", (int)n, in);
		tlsrpt_escape_kv(in, n, out, sizeof(out));
		if (strcmp(out, want) != 0) {
			fail_msg("U+%04lX kv: got [%s], want it raw [%s]", cp, out, want);
		}
		tlsrpt_escape_json(in, n, out, sizeof(out));
		if (strcmp(out, want) != 0) {
			fail_msg("U+%04lX json: got [%s], want it raw [%s]", cp, out, want);
		}
	}
}

/* hexval - the value of lower-case hex digit c, -1 for anything else */
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

/*
 * one_reading - check that kv output e of input (in, len) reads one way:
 * bare, or quoted with \xHH as the only backslash sequence, no quote,
 * '=' or control byte inside, no hidden character, and decoding to in.
 */
static void one_reading(const char *what, const char *in, size_t len, const char *e)
{
	unsigned char dec[64];
	size_t el = strlen(e), i, n = 0, step;

	if (el > 0 && e[0] != '"') {
		for (i = 0; i < el; i++) {
			if (strchr(" \"'\\=", e[i]) != NULL || (unsigned char)e[i] < 0x21 ||
			    (unsigned char)e[i] > 0x7e) {
				fail_msg("%s: bare [%s] holds byte 0x%02x", what, e,
				         (unsigned char)e[i]);
			}
		}
		if (el != len || memcmp(e, in, len) != 0) {
			fail_msg("%s: bare [%s] is not the input", what, e);
		}
		return;
	}
	if (el < 2 || e[el - 1] != '"') {
		fail_msg("%s: [%s] is neither bare nor quoted", what, e);
	}
	for (i = 1; i < el - 1; i++) {
		unsigned char c = (unsigned char)e[i];

		if (c == '\\') {
			if (e[i + 1] != 'x' || hexval(e[i + 2]) < 0 || hexval(e[i + 3]) < 0) {
				fail_msg("%s: [%s]: a backslash not followed by xHH", what, e);
			}
			dec[n++] = (unsigned char)(hexval(e[i + 2]) * 16 + hexval(e[i + 3]));
			i += 3;
			continue;
		}
		if (c == '"' || c == '\'' || c == '=' || c < 0x20 || c == 0x7f) {
			fail_msg("%s: [%s] holds byte 0x%02x raw", what, e, c);
		}
		if (c >= 0x80) {
			step = tlsrpt_utf8_seqlen((const unsigned char *)e + i, el - 1 - i);
			if (step < 2) {
				fail_msg("%s: [%s] holds invalid UTF-8 raw", what, e);
			}
			memcpy(dec + n, e + i, step);
			n += step;
			i += step - 1;
			continue;
		}
		dec[n++] = c;
	}
	if (n != len || memcmp(dec, in, len) != 0) {
		fail_msg("%s: [%s] does not decode to the input", what, e);
	}
}

/* test_escape_one_reading - every byte, every byte pair, every listed character read one way */
static void test_escape_one_reading(void **state)
{
	char in[16], out[128], what[64];
	unsigned long cp;
	unsigned a, b;
	size_t i, n;

	(void)state;
	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			in[2] = 'k';
			in[3] = '=';
			tlsrpt_escape_kv(in, 4, out, sizeof(out));
			snprintf(what, sizeof(what), "bytes %02x %02x", a, b);
			one_reading(what, in, 4, out);
			tlsrpt_escape_kv(in, 1, out, sizeof(out));
			one_reading(what, in, 1, out);
		}
	}
	for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		for (cp = hidden[i][0]; cp <= hidden[i][1]; cp++) {
			n = utf8(cp, in);
			tlsrpt_escape_kv(in, n, out, sizeof(out));
			snprintf(what, sizeof(what), "U+%04lX", cp);
			one_reading(what, in, n, out);
			if (strchr(out, (char)0xc2) != NULL || strchr(out, (char)0xe2) != NULL ||
			    strchr(out, (char)0xd8) != NULL) {
				fail_msg("%s: got [%s], want no raw lead byte", what, out);
			}
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

/*
 * The escapers read a value in runs (a table look-up a byte, four bytes at
 * a time, a memcpy per run).  ref_kv and ref_json are the rules written
 * one character at a time, with no run, for the boundary tests below.
 */

/* ref_put - append c to out[outlen] like the escapers: count all, store what fits */
static void ref_put(char *out, size_t outlen, size_t *n, char c)
{
	if (outlen > 0 && *n < outlen - 1) {
		out[*n] = c;
	}
	(*n)++;
}

/* ref_puts - ref_put each character of s */
static void ref_puts(char *out, size_t outlen, size_t *n, const char *s)
{
	while (*s != '\0') {
		ref_put(out, outlen, n, *s++);
	}
}

/* ref_hex - the two lower-case hex digits of c */
static void ref_hex(char *out, size_t outlen, size_t *n, unsigned char c)
{
	ref_put(out, outlen, n, "0123456789abcdef"[c >> 4]);
	ref_put(out, outlen, n, "0123456789abcdef"[c & 15]);
}

/* ref_end - NUL-terminate, return the length needed */
static size_t ref_end(char *out, size_t outlen, size_t n)
{
	if (outlen > 0) {
		out[n < outlen ? n : outlen - 1] = '\0';
	}
	return n;
}

/* ref_step - the characters of u: a valid sequence, or one byte (0 if invalid in *cp) */
static size_t ref_step(const unsigned char *u, size_t left, unsigned long *cp)
{
	size_t step = tlsrpt_utf8_seqlen(u, left), k;

	*cp = u[0];
	if (step == 0) {
		return 1;
	}
	if (step > 1) {
		*cp = u[0] & (0x7f >> step);
		for (k = 1; k < step; k++) {
			*cp = *cp << 6 | (u[k] & 0x3f);
		}
	}
	return step;
}

/* ref_keep - bytes kept by the cut at TLSRPT_MAX_VALUE_LEN, whole characters only */
static size_t ref_keep(const unsigned char *u, size_t len, int *cut)
{
	size_t keep = 0, step;
	unsigned long cp;

	*cut = len > TLSRPT_MAX_VALUE_LEN;
	if (!*cut) {
		return len;
	}
	for (;;) {
		step = ref_step(u + keep, len - keep, &cp);
		if (keep + step > TLSRPT_MAX_VALUE_LEN - 3) {
			return keep;
		}
		keep += step;
	}
}

/* ref_kv - log format: bare, or quoted with \xHH, one character at a time */
static size_t ref_kv(const char *v, size_t len, char *out, size_t outlen)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t n = 0, keep, i, k, step;
	unsigned long cp;
	int cut, bare;

	keep = ref_keep(u, len, &cut);
	bare = keep > 0;
	for (i = 0; i < keep; i++) {
		if (u[i] <= ' ' || u[i] >= 0x7f || strchr("\"'\\=", u[i]) != NULL) {
			bare = 0;
		}
	}
	if (!bare) {
		ref_put(out, outlen, &n, '"');
	}
	for (i = 0; i < keep; i += step) {
		step = ref_step(u + i, keep - i, &cp);
		for (k = i; k < i + step; k++) {
			int raw = step > 1    ? !tlsrpt_escape_hidden(cp)
			          : cp < 0x80 ? u[k] >= ' ' && u[k] < 0x7f &&
			                                strchr("\"'\\=", u[k]) == NULL
			                      : 0;
			if (raw) {
				ref_put(out, outlen, &n, (char)u[k]);
			} else {
				ref_puts(out, outlen, &n, "\\x");
				ref_hex(out, outlen, &n, u[k]);
			}
		}
	}
	if (cut) {
		ref_puts(out, outlen, &n, "...");
	}
	if (!bare) {
		ref_put(out, outlen, &n, '"');
	}
	return ref_end(out, outlen, n);
}

/* ref_json - JSON string, one character at a time */
static size_t ref_json(const char *v, size_t len, char *out, size_t outlen)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t n = 0, keep, i, step;
	unsigned long cp;
	int cut;

	keep = ref_keep(u, len, &cut);
	ref_put(out, outlen, &n, '"');
	for (i = 0; i < keep; i += step) {
		step = ref_step(u + i, keep - i, &cp);
		if (step == 1 && u[i] >= 0x80) {
			ref_puts(out, outlen, &n, "\\\\x");
			ref_hex(out, outlen, &n, u[i]);
		} else if (step > 1 && !tlsrpt_escape_hidden(cp)) {
			for (size_t k = i; k < i + step; k++) {
				ref_put(out, outlen, &n, (char)u[k]);
			}
		} else if (step > 1 || cp < 0x20 || cp == 0x7f) {
			const char *two = cp == '\b'   ? "\\b"
			                  : cp == '\f' ? "\\f"
			                  : cp == '\n' ? "\\n"
			                  : cp == '\r' ? "\\r"
			                  : cp == '\t' ? "\\t"
			                               : NULL;
			if (two != NULL) {
				ref_puts(out, outlen, &n, two);
			} else {
				ref_puts(out, outlen, &n, "\\u");
				ref_hex(out, outlen, &n, (unsigned char)(cp >> 8));
				ref_hex(out, outlen, &n, (unsigned char)(cp & 0xff));
			}
		} else if (cp == '"' || cp == '\\') {
			ref_put(out, outlen, &n, '\\');
			ref_put(out, outlen, &n, (char)cp);
		} else {
			ref_put(out, outlen, &n, (char)cp);
		}
	}
	if (cut) {
		ref_puts(out, outlen, &n, "...");
	}
	ref_put(out, outlen, &n, '"');
	return ref_end(out, outlen, n);
}

/* same_as_ref - both escapers agree with the references on (in, len), buffer size outlen */
static void same_as_ref(const char *what, const char *in, size_t len, size_t outlen)
{
	static char got[4096], want[4096];
	size_t g, w;

	assert_true(outlen <= sizeof(got));
	memset(got, 'X', sizeof(got));
	memset(want, 'X', sizeof(want));
	g = tlsrpt_escape_kv(in, len, got, outlen);
	w = ref_kv(in, len, want, outlen);
	if (g != w || memcmp(got, want, sizeof(got)) != 0) {
		fail_msg("%s (%zu bytes, buffer %zu): kv got %zu [%.*s], want %zu [%.*s]", what,
		         len, outlen, g, (int)(outlen > 0 ? outlen : 1), got, w,
		         (int)(outlen > 0 ? outlen : 1), want);
	}
	memset(got, 'X', sizeof(got));
	memset(want, 'X', sizeof(want));
	g = tlsrpt_escape_json(in, len, got, outlen);
	w = ref_json(in, len, want, outlen);
	if (g != w || memcmp(got, want, sizeof(got)) != 0) {
		fail_msg("%s (%zu bytes, buffer %zu): json got %zu [%.*s], want %zu [%.*s]", what,
		         len, outlen, g, (int)(outlen > 0 ? outlen : 1), got, w,
		         (int)(outlen > 0 ? outlen : 1), want);
	}
}

/* what the runs stop at: each quoting character, controls, DEL, UTF-8 whole, hidden, cut, invalid
 */
static const struct {
	const char *name;
	const char *s;
} stoppers[] = {
        {"space", " "},
        {"double quote", "\""},
        {"single quote", "'"},
        {"backslash", "\\"},
        {"equals", "="},
        {"NUL", "\0"},
        {"tab", "\t"},
        {"LF", "\n"},
        {"ESC", "\x1b"},
        {"DEL", "\x7f"},
        {"2-byte", "\xc3\xa9"},
        {"3-byte", "\xe2\x82\xac"},
        {"4-byte", "\xf0\x9f\x98\x80"},
        {"NEL", "\xc2\x85"},
        {"LS", "\xe2\x80\xa8"},
        {"RLO", "\xe2\x80\xae"},
        {"ALM", "\xd8\x9c"},
        {"invalid 0xff", "\xff"},
        {"stray continuation", "\x80"},
        {"3-byte cut short", "\xe2\x82"},
        {"4-byte cut short", "\xf0\x9f\x98"},
        {"overlong", "\xc0\xaf"},
        {"surrogate", "\xed\xa0\x80"},
};

/* stopper_len - bytes of stoppers[i] (NUL is one byte) */
static size_t stopper_len(size_t i)
{
	return stoppers[i].s[0] == '\0' ? 1 : strlen(stoppers[i].s);
}

/*
 * test_escape_runs - a byte or character that ends a run at every offset of
 * a value of 1 to 13 bytes (each offset within four-byte steps and the tail,
 * first and last byte), one cut short at the end of the value, two in a row,
 * and a multi-byte character that straddles a four-byte step; the same as
 * the references, with room and with buffers too small by every byte
 */
static void test_escape_runs(void **state)
{
	char in[64], what[96];
	size_t i, j, len, at, sl, tl, outlen;

	(void)state;
	for (i = 0; i < sizeof(stoppers) / sizeof(stoppers[0]); i++) {
		sl = stopper_len(i);
		for (len = 1; len <= 13; len++) {
			for (at = 0; at < len; at++) {
				memset(in, 'a', sizeof(in));
				memcpy(in + at, stoppers[i].s, sl);
				snprintf(what, sizeof(what), "%s at %zu of %zu", stoppers[i].name,
				         at, len + sl - 1);
				same_as_ref(what, in, len + sl - 1, 4096);
				same_as_ref(what, in, at + sl, 4096); /* at the end */
				for (outlen = 0; outlen <= 2 * (len + sl) + 8; outlen++) {
					same_as_ref(what, in, len + sl - 1, outlen);
				}
				for (j = 0; j < sizeof(stoppers) / sizeof(stoppers[0]); j++) {
					tl = stopper_len(j);
					memcpy(in + at + sl, stoppers[j].s, tl);
					snprintf(what, sizeof(what), "%s then %s at %zu",
					         stoppers[i].name, stoppers[j].name, at);
					same_as_ref(what, in, at + sl + tl + len % 5, 4096);
				}
			}
		}
	}
	/* a value of one kind of byte, each length 0..40: bare, quoted, escaped */
	for (len = 0; len <= 40; len++) {
		for (i = 0; i < 4; i++) {
			memset(in, "a ='"[i], sizeof(in));
			snprintf(what, sizeof(what), "%zu x '%c'", len, "a ='"[i]);
			same_as_ref(what, in, len, 4096);
		}
	}
}

/*
 * test_escape_runs_at_cut - around the cut at TLSRPT_MAX_VALUE_LEN: every
 * value length from 250 to 262 bytes with each stopper at every offset from
 * 248 to 258 (a character that ends at the cut, straddles it or starts past
 * it), and an escaped prefix so that the cut value is quoted
 */
static void test_escape_runs_at_cut(void **state)
{
	char in[600], what[96];
	size_t i, len, at, sl;

	(void)state;
	for (i = 0; i < sizeof(stoppers) / sizeof(stoppers[0]); i++) {
		sl = stopper_len(i);
		for (len = 250; len <= 262; len++) {
			for (at = 248; at <= 258 && at + sl <= len; at++) {
				memset(in, 'a', sizeof(in));
				memcpy(in + at, stoppers[i].s, sl);
				snprintf(what, sizeof(what), "%s at %zu of %zu", stoppers[i].name,
				         at, len);
				same_as_ref(what, in, len, 4096);
				in[3] = '=';
				same_as_ref(what, in, len, 4096);
				same_as_ref(what, in, len, 260);
			}
		}
	}
}

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
	        cmocka_unit_test(test_utf8_seqlen),         cmocka_unit_test(test_escape_hidden),
	        cmocka_unit_test(test_escape_one_reading),  cmocka_unit_test(test_escape_runs),
	        cmocka_unit_test(test_escape_runs_at_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
