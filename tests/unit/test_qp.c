/*
 * test_qp.c - unit tests for the streaming quoted-printable decoder
 *
 * Every table case is decoded whole, split in two at every position, split
 * in three at every pair of positions, and one byte at a time; the output
 * must be the same each way.  No call may write more than len + 3 bytes
 * and no flush more than 3.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "qp.h"

struct qp_case {
	const char *name;
	const char *in;
	const char *want;
	size_t wantlen;
};

#define S(x) x, sizeof(x) - 1

static const struct qp_case cases[] = {
        {"empty", "", S("")},
        {"plain", "abc", S("abc")},
        {"upper hex", "a=3Db", S("a=b")},
        {"lower hex", "a=3db", S("a=b")},
        {"utf-8", "caf=C3=A9", S("caf\xc3\xa9")},
        {"nul byte", "x=00y", S("x\0y")},
        {"encoded crlf", "=0D=0A", S("\r\n")},
        {"hard crlf kept", "a\r\nb\nc", S("a\r\nb\nc")},
        {"soft break crlf", "soft=\r\nbreak", S("softbreak")},
        {"soft break lf", "soft=\nbreak", S("softbreak")},
        {"soft break lone cr", "soft=\rbreak", S("softbreak")},
        {"soft break with padding", "soft= \t\r\nbreak", S("softbreak")},
        {"space before soft break kept", "a =\r\nb", S("a b")},
        {"soft break then lf line", "a=\r\n\nb", S("a\nb")},
        {"soft break at end", "ok=", S("ok")},
        {"soft break at end with space", "ok= ", S("ok")},
        {"only soft break", "=\r\n", S("")},
        {"malformed non-hex", "a=G1", S("a=G1")},
        {"malformed half hex", "a=4x", S("a=4x")},
        {"malformed half hex at end", "a=4", S("a=4")},
        {"malformed half hex at eol", "a=4\r\nb", S("a=4\r\nb")},
        {"double equals", "a==41", S("a=A")},
        {"equals space text", "=  x", S("=  x")},
        {"equals three spaces text", "=   x", S("=   x")},
        {"trailing spaces crlf", "trail  \r\nx", S("trail\r\nx")},
        {"trailing tab lf", "trail \t\nx", S("trail\nx")},
        {"trailing at end", "end  ", S("end")},
        {"long trailing run keeps all but 3", "five     \nx", S("five  \nx")},
        {"inner spaces kept", "in  the   middle", S("in  the   middle")},
        {"hex space", "=20\r\n", S(" \r\n")},
        {"eq after spaces", "a  =41", S("a  A")},
};

/* esc - printable form of bytes for messages */
static const char *esc(const unsigned char *p, size_t n, char *buf, size_t size)
{
	size_t i;
	size_t o = 0;

	for (i = 0; i < n && o + 5 < size; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			buf[o++] = (char)p[i];
		} else {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", p[i]);
		}
	}
	buf[o] = '\0';
	return buf;
}

/* decode_part - one decode call with the bound checked */
static size_t decode_part(struct tlsrpt_qp *d, const char *in, size_t len, unsigned char *out)
{
	size_t w = tlsrpt_qp_decode(d, in, len, out);

	if (w > len + 3) {
		fail_msg("call of %zu bytes wrote %zu, want at most %zu", len, w, len + 3);
	}
	return w;
}

/* flush - flush with the bound checked */
static size_t flush(struct tlsrpt_qp *d, unsigned char *out)
{
	size_t w = tlsrpt_qp_flush(d, out);

	if (w > 3) {
		fail_msg("flush wrote %zu, want at most 3", w);
	}
	return w;
}

/* check - compare one decoding with the case */
static void check(const struct qp_case *c, const char *how, const unsigned char *out, size_t n)
{
	char got[256];
	char want[256];

	if (n != c->wantlen || memcmp(out, c->want, n) != 0) {
		fail_msg("%s (%s): got \"%s\", want \"%s\"", c->name, how,
		         esc(out, n, got, sizeof(got)),
		         esc((const unsigned char *)c->want, c->wantlen, want, sizeof(want)));
	}
}

/* test_table - every case, every way of splitting it */
static void test_table(void **state)
{
	unsigned char out[256];
	struct tlsrpt_qp d;
	size_t i;
	size_t len;
	size_t a;
	size_t b;
	size_t n;
	char how[64];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct qp_case *c = &cases[i];

		len = strlen(c->in);
		tlsrpt_qp_init(&d);
		n = decode_part(&d, c->in, len, out);
		n += flush(&d, out + n);
		check(c, "whole", out, n);
		tlsrpt_qp_init(&d);
		for (n = 0, a = 0; a < len; a++) {
			n += decode_part(&d, c->in + a, 1, out + n);
		}
		n += flush(&d, out + n);
		check(c, "bytewise", out, n);
		for (a = 0; a <= len; a++) {
			for (b = a; b <= len; b++) {
				tlsrpt_qp_init(&d);
				n = decode_part(&d, c->in, a, out);
				n += decode_part(&d, c->in + a, b - a, out + n);
				n += decode_part(&d, c->in + b, len - b, out + n);
				n += flush(&d, out + n);
				snprintf(how, sizeof(how), "split at %zu and %zu", a, b);
				check(c, how, out, n);
			}
		}
	}
}

/* test_reuse - flush resets the decoder for the next part */
static void test_reuse(void **state)
{
	unsigned char out[16];
	struct tlsrpt_qp d;
	size_t n;

	(void)state;
	tlsrpt_qp_init(&d);
	n = tlsrpt_qp_decode(&d, "x=\r", 3, out);
	n += tlsrpt_qp_flush(&d, out + n);
	n += tlsrpt_qp_decode(&d, "\ny", 2, out + n);
	if (n != 3 || memcmp(out, "x\ny", 3) != 0) {
		fail_msg("got %zu bytes \"%.*s\", want \"x\\ny\"", n, (int)n, (const char *)out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table),
	        cmocka_unit_test(test_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
