/*
 * test_logscan.c - the scanner that cuts a log into lines: blocks of every
 * size, lines cut across reads, a partial last line, and the offsets of
 * our lines
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
#include <sys/types.h>

#include "logscan.h"

/* a stream in memory, read at most step bytes at a time */
struct memstream {
	const char *p;
	size_t len, at, step;
};

static ssize_t mem_read(void *ctx, void *buf, size_t len)
{
	struct memstream *m = ctx;
	size_t n = m->len - m->at;

	if (n > len) {
		n = len;
	}
	if (n > m->step) {
		n = m->step;
	}
	memcpy(buf, m->p + m->at, n);
	m->at += n;
	return (ssize_t)n;
}

#define FILLER                                                                                     \
	"Nov 29 06:00:00 mx1 postfix/smtpd[77]: 4F1A2B3C4D: client=mail.example.net[192.0.2.1]\n"
#define OURS "Nov 29 06:00:00 mx1 tlsrpt-milter[9]: Q%05zu: report report-id=r%zu\n"

static void test_scan_blocks(void **state)
{
	static const size_t steps[] = {TLSRPT_LOGSCAN_BLOCK, 4093, 1 << 20 | 17};
	size_t cap = 4 * TLSRPT_LOGSCAN_BLOCK, len = 0, want_n = 0, k, i;
	char *buf = malloc(cap);
	size_t want_off[64];

	(void)state;
	assert_non_null(buf);
	/* filler with one of our lines every ~70 KB, a too-long line and a forged one */
	for (i = 0; len + 8192 < cap - 8192; i++) {
		if (i % 800 == 0 && want_n < 64) {
			want_off[want_n] = len;
			len += (size_t)sprintf(buf + len, OURS, want_n, want_n);
			want_n++;
		} else if (i == 1234) {
			len += (size_t)sprintf(
			        buf + len, "Nov 29 06:00:00 mx1 tlsrpt-milter[9]: L: report x=");
			memset(buf + len, 'y', 5000);
			len += 5000;
			buf[len++] = '\n';
		} else if (i == 2345) {
			len += (size_t)sprintf(
			        buf + len,
			        "Nov 29 06:00:00 mx1 evil[1]: tlsrpt-milter[9]: F: report x=1\n");
		} else {
			memcpy(buf + len, FILLER, sizeof(FILLER) - 1);
			len += sizeof(FILLER) - 1;
		}
	}
	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		struct memstream m = {buf, len, 0, steps[k]};
		struct tlsrpt_logscan *sc = tlsrpt_logscan_new(mem_read, &m, 1000);
		const char *line;
		size_t ll, got = 0;
		unsigned long long off;
		char err[64], want[128];

		assert_non_null(sc);
		while (tlsrpt_logscan_next(sc, &line, &ll, &off, err, sizeof(err)) > 0) {
			if (got >= want_n) {
				fail_msg("step %zu: extra line at %llu: %.60s", steps[k], off,
				         line);
			}
			snprintf(want, sizeof(want), OURS, got, got);
			if (off != 1000 + want_off[got] || ll != strlen(want) - 1 ||
			    memcmp(line, want, ll) != 0) {
				fail_msg("step %zu: line %zu at %llu [%.*s], want at %zu [%s]",
				         steps[k], got, off, (int)ll, line, 1000 + want_off[got],
				         want);
			}
			got++;
		}
		assert_int_equal(tlsrpt_logscan_bare(sc), 0);
		if (got != want_n) {
			fail_msg("step %zu: %zu lines, want %zu", steps[k], got, want_n);
		}
		assert_int_equal(tlsrpt_logscan_end(sc), 1000 + len);
		tlsrpt_logscan_free(sc);
	}
	free(buf);
}

static void test_scan_partial(void **state)
{
	static const char bare[] = "Q: report a=1\nQ: policy a=2\nQ: fail";
	static const char tagged[] = "Nov 29 06:00:00 mx1 tlsrpt-milter[9]: Q: report a=1\n"
	                             "Nov 29 06:00:00 mx1 postfix/qmgr[1]: Q: removed\n"
	                             "Nov 29 06:00:00 mx1 tlsrpt-milter[9]: Q: poli";
	static const struct {
		const char *in;
		int whole, bare;
		size_t lines, end;
	} cases[] = {
	        {bare, 0, 1, 3, sizeof(bare) - 1},
	        {bare, 1, 1, 2, 28},
	        {tagged, 0, 0, 2, sizeof(tagged) - 1},
	        {tagged, 1, 0, 1, 100},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct memstream m = {cases[i].in, strlen(cases[i].in), 0, 7};
		struct tlsrpt_logscan *sc = tlsrpt_logscan_new(mem_read, &m, 0);
		const char *line;
		size_t ll, n = 0;
		unsigned long long off;
		char err[64];

		if (cases[i].whole) {
			tlsrpt_logscan_whole_lines(sc);
		}
		while (tlsrpt_logscan_next(sc, &line, &ll, &off, err, sizeof(err)) > 0) {
			n++;
		}
		if (n != cases[i].lines || tlsrpt_logscan_end(sc) != cases[i].end ||
		    tlsrpt_logscan_bare(sc) != cases[i].bare) {
			fail_msg("case %zu: %zu lines, end %llu, bare %d; want %zu, %zu, %d", i, n,
			         tlsrpt_logscan_end(sc), tlsrpt_logscan_bare(sc), cases[i].lines,
			         cases[i].end, cases[i].bare);
		}
		tlsrpt_logscan_free(sc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_scan_blocks),
	        cmocka_unit_test(test_scan_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
