/*
 * test_chunking.c - the records do not depend on how the input is split
 *
 * Every message in tests/data/real and tests/data/cases is fed through the
 * pipeline whole, then in 1-byte, 7-byte, 4096-byte and pseudo-random
 * chunks; the formatted records must be byte-for-byte the same each time.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipeline.h"

#define RANDOM_CHUNKS 0

struct input {
	char *data;
	size_t len;
};

/* slurp - read a whole file */
static int slurp(const char *path, struct input *in)
{
	FILE *fp = fopen(path, "rb");
	long n;

	in->data = NULL;
	in->len = 0;
	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0) {
		if (fp) {
			fclose(fp);
		}
		return -1;
	}
	rewind(fp);
	in->data = malloc((size_t)n + 1);
	in->len = fread(in->data, 1, (size_t)n, fp);
	fclose(fp);
	return 0;
}

/* run - feed in chunks of size chunk (RANDOM_CHUNKS: 1..9000, seeded); return the text */
static char *run(const struct input *in, size_t chunk)
{
	struct tlsrpt_limits lim;
	struct tlsrpt_pipeline *p;
	const struct tlsrpt_records *rs;
	char err[256], line[TLSRPT_MAX_LOG_LINE + 1];
	size_t off = 0, i, outlen = 0;
	char *out = calloc(1, 1);
	unsigned seed = 12345;

	tlsrpt_limits_default(&lim);
	p = tlsrpt_pipeline_new(&lim, TLSRPT_INPUT_AUTO, err, sizeof(err));
	assert_non_null(p);
	while (off < in->len) {
		size_t n = chunk;

		if (chunk == RANDOM_CHUNKS) {
			seed = seed * 1103515245u + 12345u;
			n = 1 + (seed >> 8) % 9000;
		}
		if (n > in->len - off) {
			n = in->len - off;
		}
		assert_int_equal(tlsrpt_pipeline_feed(p, in->data + off, n, err, sizeof(err)), 0);
		off += n;
	}
	assert_non_null(tlsrpt_pipeline_finish(p, err, sizeof(err)));
	rs = tlsrpt_pipeline_records(p);
	for (i = 0; i < rs->n; i++) {
		size_t l =
		        tlsrpt_record_format(&rs->v[i], TLSRPT_FORMAT_KV, "x", line, sizeof(line));

		out = realloc(out, outlen + l + 2);
		memcpy(out + outlen, line, l);
		outlen += l;
		out[outlen++] = '\n';
		out[outlen] = '\0';
	}
	tlsrpt_pipeline_free(p);
	return out;
}

/* check_dir - every file of one data directory */
static void check_dir(const char *sub)
{
	static const size_t chunks[] = {1, 7, 4096, RANDOM_CHUNKS};
	char dir[1024], path[2048];
	struct dirent *de;
	DIR *d;
	int nfiles = 0;

	snprintf(dir, sizeof(dir), "%s/data/%s", TEST_SRCDIR, sub);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		struct input in;
		char *whole;
		size_t i;

		if (de->d_name[0] == '.' || strstr(de->d_name, ".md") ||
		    strstr(de->d_name, ".py")) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(slurp(path, &in), 0);
		whole = run(&in, in.len ? in.len : 1);
		assert_true(strlen(whole) > 0);
		for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
			char *got = run(&in, chunks[i]);

			if (strcmp(got, whole) != 0) {
				fail_msg("%s in %zu-byte chunks: got\n%s\nwant\n%s", de->d_name,
				         chunks[i], got, whole);
			}
			free(got);
		}
		free(whole);
		free(in.data);
		nfiles++;
	}
	closedir(d);
	assert_true(nfiles > 0);
}

static void test_real(void **state)
{
	(void)state;
	check_dir("real");
}

static void test_cases(void **state)
{
	(void)state;
	check_dir("cases");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_real),
	        cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
