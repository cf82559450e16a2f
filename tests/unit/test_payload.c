/*
 * test_payload.c - report part collection: plain, gzip, zlib, and the bounds
 *
 * Compressed inputs are made here with zlib (nothing big is committed): a
 * gzip and a zlib stream fed whole and a byte at a time, truncated and
 * corrupt streams, concatenated members, the exact MaxReportSize boundary,
 * and a gzip bomb of 1 GiB of zeros that must be refused within a second.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <zlib.h>

#include "payload.h"

#define REPORT_JSON "{\"report-id\":\"rid\",\"policies\":[]}\n"

struct blob {
	unsigned char *data;
	size_t len;
};

/* deflate_mem - compress len bytes (gzip when gz, else zlib) into a new blob */
static struct blob deflate_mem(const void *data, size_t len, int gz)
{
	struct blob b;
	z_stream zs;
	uLong bound;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, gz ? 31 : 15, 8, Z_DEFAULT_STRATEGY),
	                 Z_OK);
	bound = deflateBound(&zs, (uLong)len) + 32;
	b.data = malloc(bound);
	assert_non_null(b.data);
	zs.next_in = (unsigned char *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = b.data;
	zs.avail_out = (uInt)bound;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	b.len = bound - zs.avail_out;
	deflateEnd(&zs);
	return b;
}

/* collect - feed in chunks of step bytes (0: whole), finish; 0 and the output, or -1 and err */
static int collect(struct tlsrpt_payload *p, const unsigned char *data, size_t len, size_t step,
                   const char **out, size_t *outlen, char *err, size_t errlen)
{
	size_t off = 0, n;

	tlsrpt_payload_reset(p);
	if (step == 0) {
		step = len;
	}
	while (off < len) {
		n = len - off < step ? len - off : step;
		if (tlsrpt_payload_feed(p, data + off, n, err, errlen) < 0) {
			return -1;
		}
		off += n;
	}
	return tlsrpt_payload_finish(p, out, outlen, err, errlen);
}

/* kind_name - for messages */
static const char *kind_name(enum tlsrpt_payload_kind k)
{
	return k == TLSRPT_PAYLOAD_PLAIN ? "plain" : k == TLSRPT_PAYLOAD_GZIP ? "gzip" : "unknown";
}

/* test_good - plain, gzip, zlib, whole and in small pieces, one collector reused */
static void test_good(void **state)
{
	static const size_t steps[] = {0, 1, 2, 3, 7, 4096};
	struct blob gz = deflate_mem(REPORT_JSON, strlen(REPORT_JSON), 1);
	struct blob zl = deflate_mem(REPORT_JSON, strlen(REPORT_JSON), 0);
	const struct {
		const char *name;
		const unsigned char *data;
		size_t len;
		enum tlsrpt_payload_kind kind;
		const char *want;
	} cases[] = {
	        {"plain", (const unsigned char *)REPORT_JSON, strlen(REPORT_JSON),
	         TLSRPT_PAYLOAD_PLAIN, REPORT_JSON},
	        {"gzip", gz.data, gz.len, TLSRPT_PAYLOAD_GZIP, REPORT_JSON},
	        {"zlib", zl.data, zl.len, TLSRPT_PAYLOAD_GZIP, REPORT_JSON},
	        {"one byte", (const unsigned char *)"{", 1, TLSRPT_PAYLOAD_PLAIN, "{"},
	        {"leading white space", (const unsigned char *)"\r\n {}", 5, TLSRPT_PAYLOAD_PLAIN,
	         "\r\n {}"},
	        {"1f without 8b", (const unsigned char *)"\x1f{}", 3, TLSRPT_PAYLOAD_PLAIN,
	         "\x1f{}"},
	};
	struct tlsrpt_payload *p = tlsrpt_payload_new(1 << 20);
	const char *out;
	size_t outlen, i, s;
	char err[256];

	(void)state;
	assert_non_null(p);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			err[0] = '\0';
			if (collect(p, cases[i].data, cases[i].len, steps[s], &out, &outlen, err,
			            sizeof(err)) != 0) {
				fail_msg("%s step %zu: got error \"%s\", want ok", cases[i].name,
				         steps[s], err);
			}
			if (outlen != strlen(cases[i].want) || strcmp(out, cases[i].want) != 0) {
				fail_msg("%s step %zu: got [%s] (%zu), want [%s]", cases[i].name,
				         steps[s], out, outlen, cases[i].want);
			}
			if (tlsrpt_payload_kind(p) != cases[i].kind) {
				fail_msg("%s: kind: got %s, want %s", cases[i].name,
				         kind_name(tlsrpt_payload_kind(p)),
				         kind_name(cases[i].kind));
			}
		}
	}
	tlsrpt_payload_reset(p);
	if (tlsrpt_payload_kind(p) != TLSRPT_PAYLOAD_UNKNOWN) {
		fail_msg("after reset: kind: got %s, want unknown",
		         kind_name(tlsrpt_payload_kind(p)));
	}
	tlsrpt_payload_free(p);
	tlsrpt_payload_free(NULL);
	free(gz.data);
	free(zl.data);
}

/* test_members - concatenated gzip members are joined; junk after the stream is ignored */
static void test_members(void **state)
{
	struct blob a = deflate_mem("{\"a\":", 5, 1);
	struct blob b = deflate_mem("1}", 2, 1);
	struct blob z = deflate_mem("{}", 2, 0);
	unsigned char buf[512];
	struct tlsrpt_payload *p = tlsrpt_payload_new(1 << 20);
	const char *out;
	size_t outlen, n, step;
	char err[256];

	(void)state;
	for (step = 0; step <= 1; step++) {
		memcpy(buf, a.data, a.len);
		memcpy(buf + a.len, b.data, b.len);
		n = a.len + b.len;
		if (collect(p, buf, n, step, &out, &outlen, err, sizeof(err)) != 0 ||
		    strcmp(out, "{\"a\":1}") != 0) {
			fail_msg("two members step %zu: got [%s], want [{\"a\":1}]", step,
			         out ? out : err);
		}
		memcpy(buf + a.len, "\r\n-- \n", 6);
		n = a.len + 6;
		if (collect(p, buf, n, step, &out, &outlen, err, sizeof(err)) != 0 ||
		    strcmp(out, "{\"a\":") != 0) {
			fail_msg("trailing junk step %zu: got [%s], want [{\"a\":]", step,
			         out ? out : err);
		}
		memcpy(buf, z.data, z.len);
		memcpy(buf + z.len, "\n", 1);
		if (collect(p, buf, z.len + 1, step, &out, &outlen, err, sizeof(err)) != 0 ||
		    strcmp(out, "{}") != 0) {
			fail_msg("zlib + newline step %zu: got [%s], want [{}]", step,
			         out ? out : err);
		}
	}
	tlsrpt_payload_free(p);
	free(a.data);
	free(b.data);
	free(z.data);
}

/* test_bad - truncated, corrupt, empty: each with its reason */
static void test_bad(void **state)
{
	struct blob gz = deflate_mem(REPORT_JSON, strlen(REPORT_JSON), 1);
	struct blob empty = deflate_mem("", 0, 1);
	unsigned char *badtype = malloc(gz.len), *badcrc = malloc(gz.len);
	struct blob second = deflate_mem("{}", 2, 1);
	unsigned char *trunc2 = malloc(gz.len + second.len);
	const struct {
		const char *name;
		const unsigned char *data;
		size_t len;
		const char *want; /* reason prefix */
	} cases[] = {
	        {"truncated gzip", gz.data, gz.len - 10, "truncated gzip data"},
	        {"gzip header only", gz.data, 10, "truncated gzip data"},
	        {"gzip magic only", gz.data, 2, "truncated gzip data"},
	        {"truncated second member", trunc2, gz.len + second.len - 3, "truncated gzip data"},
	        {"invalid block type", badtype, gz.len, "gzip data error: invalid block type"},
	        {"bad CRC", badcrc, gz.len, "gzip data error: incorrect data check"},
	        {"nothing", (const unsigned char *)"", 0, "empty report part"},
	        {"white space only", (const unsigned char *)" \r\n\t\r\n", 6, "empty report part"},
	        {"gzip of nothing", empty.data, empty.len, "empty report part"},
	};
	struct tlsrpt_payload *p = tlsrpt_payload_new(1 << 20);
	const char *out;
	size_t outlen, i, step;
	char err[256];

	(void)state;
	assert_non_null(badtype);
	assert_non_null(badcrc);
	assert_non_null(trunc2);
	memcpy(badtype, gz.data, gz.len);
	badtype[10] = 0x07; /* BFINAL=1, BTYPE=11 (reserved) */
	memcpy(badcrc, gz.data, gz.len);
	badcrc[gz.len - 8] ^= 0xff;
	memcpy(trunc2, gz.data, gz.len);
	memcpy(trunc2 + gz.len, second.data, second.len);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (step = 0; step <= 1; step++) {
			err[0] = '\0';
			if (collect(p, cases[i].data, cases[i].len, step, &out, &outlen, err,
			            sizeof(err)) != -1) {
				fail_msg("%s: got ok [%s], want \"%s\"", cases[i].name, out,
				         cases[i].want);
			}
			if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0) {
				fail_msg("%s step %zu: got \"%s\", want \"%s\"", cases[i].name,
				         step, err, cases[i].want);
			}
		}
	}
	/* After a failure, further input is ignored and the reason stays. */
	tlsrpt_payload_reset(p);
	assert_int_equal(tlsrpt_payload_feed(p, badtype, gz.len, err, sizeof(err)), -1);
	err[0] = '\0';
	if (tlsrpt_payload_feed(p, (const unsigned char *)"{}", 2, err, sizeof(err)) != -1 ||
	    strncmp(err, "gzip data error", 15) != 0) {
		fail_msg("feed after failure: got \"%s\", want -1 and the same reason", err);
	}
	if (tlsrpt_payload_finish(p, &out, &outlen, err, sizeof(err)) != -1 || out != NULL) {
		fail_msg("finish after failure: got ok, want -1");
	}
	tlsrpt_payload_free(p);
	free(gz.data);
	free(empty.data);
	free(second.data);
	free(badtype);
	free(badcrc);
	free(trunc2);
}

/* test_limit - exactly MaxReportSize is fine, one byte more is refused, plain and gzip */
static void test_limit(void **state)
{
	enum { MAX = 100000 };
	unsigned char *data = malloc(MAX + 1);
	struct tlsrpt_payload *p = tlsrpt_payload_new(MAX);
	struct blob gz;
	const char *out;
	size_t outlen, i, over;
	char err[256];
	char want[128];

	(void)state;
	assert_non_null(data);
	assert_non_null(p);
	for (i = 0; i < MAX + 1; i++) {
		data[i] = (unsigned char)('a' + i % 26);
	}
	data[0] = '{';
	snprintf(want, sizeof(want), "report exceeds MaxReportSize (%d bytes)", MAX);
	for (over = 0; over <= 1; over++) {
		for (i = 0; i <= 1; i++) {
			int rc;

			gz = deflate_mem(data, MAX + over, i == 1);
			rc = i == 0 ? collect(p, data, MAX + over, 4096, &out, &outlen, err,
			                      sizeof(err))
			            : collect(p, gz.data, gz.len, 0, &out, &outlen, err,
			                      sizeof(err));
			free(gz.data);
			if (!over && (rc != 0 || outlen != MAX)) {
				fail_msg("%s exactly %d: got rc %d len %zu (%s), want ok",
				         i ? "gzip" : "plain", MAX, rc, outlen, err);
			}
			if (over && (rc != -1 || strcmp(err, want) != 0)) {
				fail_msg("%s %d + 1: got rc %d \"%s\", want \"%s\"",
				         i ? "gzip" : "plain", MAX, rc, err, want);
			}
		}
	}
	tlsrpt_payload_free(p);
	free(data);
}

/* now - monotonic seconds */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* test_bomb - 1 GiB of zeros in about 1 MB of gzip is refused at the bound, fast */
static void test_bomb(void **state)
{
	enum { ZCHUNK = 1 << 20 };
	const size_t total = (size_t)1 << 30, max = 20u * 1024 * 1024;
	unsigned char *zeros = calloc(1, ZCHUNK);
	struct blob bomb = {NULL, 0};
	size_t cap = 2u << 20, done = 0, off;
	struct tlsrpt_payload *p;
	char err[256], want[128];
	z_stream zs;
	double t0, dt;
	int rc = 0;

	(void)state;
	assert_non_null(zeros);
	bomb.data = malloc(cap);
	assert_non_null(bomb.data);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
	while (done < total || rc != Z_STREAM_END) {
		if (zs.avail_in == 0 && done < total) {
			zs.next_in = zeros;
			zs.avail_in = ZCHUNK;
			done += ZCHUNK;
		}
		if (bomb.len == cap) {
			cap *= 2;
			bomb.data = realloc(bomb.data, cap);
			assert_non_null(bomb.data);
		}
		zs.next_out = bomb.data + bomb.len;
		zs.avail_out = (uInt)(cap - bomb.len);
		rc = deflate(&zs, done < total ? Z_NO_FLUSH : Z_FINISH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
		bomb.len = cap - zs.avail_out;
	}
	deflateEnd(&zs);
	free(zeros);
	print_message("gzip bomb: %zu bytes of gzip for %zu bytes of zeros\n", bomb.len, total);

	p = tlsrpt_payload_new(max);
	assert_non_null(p);
	snprintf(want, sizeof(want), "report exceeds MaxReportSize (%zu bytes)", max);
	t0 = now();
	rc = 0;
	for (off = 0; off < bomb.len && rc == 0; off += 65536) {
		size_t n = bomb.len - off < 65536 ? bomb.len - off : 65536;

		rc = tlsrpt_payload_feed(p, bomb.data + off, n, err, sizeof(err));
	}
	dt = now() - t0;
	if (rc != -1 || strcmp(err, want) != 0) {
		fail_msg("bomb: got rc %d \"%s\", want -1 \"%s\"", rc, err, want);
	}
	if (off > bomb.len / 2) {
		fail_msg("bomb: got %zu of %zu input bytes read before refusing, want far fewer",
		         off, bomb.len);
	}
	/* the time is shown, not judged: speed targets live in bench/ (doc/performance.md) */
	print_message("bomb refused after %zu input bytes in %.3f s\n", off, dt);
	tlsrpt_payload_free(p);
	free(bomb.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good), cmocka_unit_test(test_members),
	        cmocka_unit_test(test_bad),  cmocka_unit_test(test_limit),
	        cmocka_unit_test(test_bomb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
