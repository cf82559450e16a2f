/*
 * test_b64.c - unit tests for the streaming base64 decoder
 *
 * Every table case is decoded whole, split in two at every position, and
 * one byte at a time; the output and the invalid count must be the same
 * each way, and no call may write more than len * 3 / 4 + 3 bytes.  The
 * decoder's four-character groups are checked against a decoder written
 * one character at a time, with a character that breaks a group at every
 * offset.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "b64.h"

struct b64_case {
	const char *name;
	const char *in;
	const char *want; /* decoded bytes */
	size_t wantlen;
	size_t invalid;
};

#define S(x) x, sizeof(x) - 1

static const struct b64_case cases[] = {
        {"empty", "", S(""), 0},
        {"one group", "TWFu", S("Man"), 0},
        {"one pad", "TWE=", S("Ma"), 0},
        {"two pads", "TQ==", S("M"), 0},
        {"no padding, two bytes", "TWE", S("Ma"), 0},
        {"no padding, one byte", "TQ", S("M"), 0},
        {"lone sextet dropped", "TWFuT", S("Man"), 0},
        {"crlf inside group", "TW\r\nFu", S("Man"), 0},
        {"spaces and tabs", " T W\tF u \t", S("Man"), 0},
        {"odd line lengths", "SGVsb\nG8sIHdvc\r\nmxkIQ==\n", S("Hello, world!"), 0},
        {"76-column lines", "SGVsbG8sIHdvcmxkIQ==\r\n", S("Hello, world!"), 0},
        {"after padding ignored", "TWE=TWFu!!", S("Ma"), 0},
        {"invalid skipped and counted", "TW*Fu", S("Man"), 1},
        {"stray = at group start", "=TWFu", S("Man"), 1},
        {"binary bytes", "AP8Afw==", S("\x00\xff\x00\x7f"), 0},
        {"url-safe chars are invalid", "-_TWFu", S("Man"), 2},
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

/* decode_split - decode in calls at the given split points; check the per-call bound */
static size_t decode_chunks(struct tlsrpt_b64 *d, const char *in, size_t len, size_t step,
                            unsigned char *out)
{
	size_t off = 0;
	size_t n = 0;
	size_t k;
	size_t w;

	while (off < len) {
		k = len - off < step ? len - off : step;
		w = tlsrpt_b64_decode(d, in + off, k, out + n);
		if (w > k * 3 / 4 + 3) {
			fail_msg("call of %zu bytes wrote %zu, want at most %zu", k, w,
			         k * 3 / 4 + 3);
		}
		n += w;
		off += k;
	}
	return n;
}

/* check - compare one decoding with the case */
static void check(const struct b64_case *c, const char *how, const struct tlsrpt_b64 *d,
                  const unsigned char *out, size_t n)
{
	char got[256];
	char want[256];

	if (n != c->wantlen || memcmp(out, c->want, n) != 0) {
		fail_msg("%s (%s): got \"%s\", want \"%s\"", c->name, how,
		         esc(out, n, got, sizeof(got)),
		         esc((const unsigned char *)c->want, c->wantlen, want, sizeof(want)));
	}
	if (d->invalid != c->invalid) {
		fail_msg("%s (%s): invalid got %zu, want %zu", c->name, how, d->invalid,
		         c->invalid);
	}
}

/* test_table - every case, every way of splitting it */
static void test_table(void **state)
{
	unsigned char out[256];
	struct tlsrpt_b64 d;
	size_t i;
	size_t len;
	size_t split;
	size_t n;
	char how[64];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct b64_case *c = &cases[i];

		len = strlen(c->in);
		tlsrpt_b64_init(&d);
		n = decode_chunks(&d, c->in, len, len ? len : 1, out);
		check(c, "whole", &d, out, n);
		tlsrpt_b64_init(&d);
		n = decode_chunks(&d, c->in, len, 1, out);
		check(c, "bytewise", &d, out, n);
		for (split = 0; split <= len; split++) {
			tlsrpt_b64_init(&d);
			n = tlsrpt_b64_decode(&d, c->in, split, out);
			n += tlsrpt_b64_decode(&d, c->in + split, len - split, out + n);
			snprintf(how, sizeof(how), "split at %zu", split);
			check(c, how, &d, out, n);
		}
	}
}

/* encode - reference encoder with a line break every wrap characters */
static size_t encode(const unsigned char *in, size_t len, size_t wrap, int pad, char *out)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	size_t o = 0;
	size_t col = 0;
	char q[4];
	unsigned long v;
	size_t k;
	size_t j;

	for (i = 0; i < len; i += 3) {
		k = len - i < 3 ? len - i : 3;
		v = (unsigned long)in[i] << 16;
		v |= k > 1 ? (unsigned long)in[i + 1] << 8 : 0;
		v |= k > 2 ? in[i + 2] : 0;
		q[0] = al[v >> 18 & 63];
		q[1] = al[v >> 12 & 63];
		q[2] = k > 1 ? al[v >> 6 & 63] : '=';
		q[3] = k > 2 ? al[v & 63] : '=';
		for (j = 0; j < 4; j++) {
			if (q[j] == '=' && !pad) {
				break;
			}
			out[o++] = q[j];
			if (++col == wrap) {
				out[o++] = '\r';
				out[o++] = '\n';
				col = 0;
			}
		}
	}
	return o;
}

/* test_roundtrip - pseudo-random data of every length, wrapped oddly, any chunking */
static void test_roundtrip(void **state)
{
	static const size_t wraps[] = {76, 13, 1, 1000};
	static const size_t steps[] = {1, 2, 3, 5, 7, 64, 4096};
	unsigned char data[300];
	char enc[1200];
	unsigned char out[400];
	struct tlsrpt_b64 d;
	uint32_t x = 2463534242u;
	size_t len;
	size_t w;
	size_t s;
	size_t elen;
	size_t n;
	int pad;

	(void)state;
	for (len = 0; len < sizeof(data); len++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[len] = (unsigned char)x;
	}
	for (len = 0; len <= sizeof(data); len += len < 20 ? 1 : 37) {
		for (w = 0; w < sizeof(wraps) / sizeof(wraps[0]); w++) {
			for (pad = 0; pad < 2; pad++) {
				elen = encode(data, len, wraps[w], pad, enc);
				for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
					tlsrpt_b64_init(&d);
					n = decode_chunks(&d, enc, elen, steps[s], out);
					if (n != len || memcmp(out, data, len) != 0) {
						fail_msg(
						        "len %zu wrap %zu pad %d step %zu: got %zu bytes, want %zu",
						        len, wraps[w], pad, steps[s], n, len);
					}
					if (d.invalid != 0) {
						fail_msg("len %zu: invalid got %zu, want 0", len,
						         d.invalid);
					}
				}
			}
		}
	}
}

/* ref_decode - the rules one character at a time: the decoder without its four-character groups */
static size_t ref_decode(const char *in, size_t len, unsigned char *out, size_t *invalid)
{
	static const char alpha[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long acc = 0;
	unsigned nbits = 0;
	size_t i, n = 0;
	const char *a;

	*invalid = 0;
	for (i = 0; i < len; i++) {
		a = in[i] != '\0' ? strchr(alpha, in[i]) : NULL;
		if (a != NULL) {
			acc = (acc << 6 | (unsigned long)(a - alpha)) & 0xffffffUL;
			nbits += 6;
			if (nbits >= 8) {
				nbits -= 8;
				out[n++] = (unsigned char)(acc >> nbits);
			}
		} else if (in[i] == '=' && nbits != 0) {
			break;
		} else if (strchr(" \t\r\n", in[i]) == NULL || in[i] == '\0') {
			(*invalid)++;
		}
	}
	return n;
}

/*
 * test_groups - the decoder takes four alphabet characters at a time at a
 * group boundary: a character that is not one (white space, '=', a byte
 * outside the alphabet, a high byte, NUL) at every offset of three groups,
 * two such characters, and each input split at every point, give the
 * bytes and the invalid count of ref_decode
 */
static void test_groups(void **state)
{
	static const char others[] = " \r\n=*\x80-\0";
	char in[32], what[64];
	unsigned char out[64], want[64];
	struct tlsrpt_b64 d;
	size_t o, o2, at, at2, split, n, wn, winv, len;

	(void)state;
	for (o = 0; o < sizeof(others); o++) {
		for (o2 = 0; o2 < sizeof(others); o2++) {
			for (at = 0; at < 13; at++) {
				for (at2 = at; at2 < 14; at2 += 3) {
					memcpy(in, "TWFuIGlzIGRp", 12);
					memmove(in + at + 1, in + at, 12 - at);
					in[at] = others[o];
					len = 13;
					if (at2 > at) {
						memmove(in + at2 + 1, in + at2, len - at2);
						in[at2] = others[o2];
						len++;
					}
					wn = ref_decode(in, len, want, &winv);
					for (split = 0; split <= len; split++) {
						tlsrpt_b64_init(&d);
						n = tlsrpt_b64_decode(&d, in, split, out);
						n += tlsrpt_b64_decode(&d, in + split, len - split,
						                       out + n);
						snprintf(what, sizeof(what),
						         "0x%02x at %zu, 0x%02x at %zu, split %zu",
						         (unsigned char)others[o], at,
						         (unsigned char)others[o2], at2, split);
						if (n != wn || memcmp(out, want, n) != 0 ||
						    d.invalid != winv) {
							fail_msg(
							        "%s: got %zu bytes (%zu invalid), want %zu (%zu)",
							        what, n, d.invalid, wn, winv);
						}
					}
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table),
	        cmocka_unit_test(test_roundtrip),
	        cmocka_unit_test(test_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
