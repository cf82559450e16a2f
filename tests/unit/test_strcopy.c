/*
 * test_strcopy.c - the bounded string copy: cut to fit, case folded, the
 * bytes that would break a one-line comma-separated field masked
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "strcopy.h"

static void test_strcopy(void **state)
{
	static const struct {
		const char *src;
		size_t size;
		unsigned flags;
		const char *want;
	} cases[] = {
	        {"mx1.Example.COM", 32, 0, "mx1.Example.COM"},
	        {"mx1.Example.COM", 32, TLSRPT_COPY_LOWER, "mx1.example.com"},
	        {"mx1.Example.COM", 6, 0, "mx1.E"},
	        {"mx1.Example.COM", 6, TLSRPT_COPY_LOWER, "mx1.e"},
	        {"a,b\tc\x7f\x01", 32, TLSRPT_COPY_FIELD, "a?b?c??"},
	        {"A,B", 32, TLSRPT_COPY_FIELD | TLSRPT_COPY_LOWER, "a?b"},
	        {"\xc3\xa9t\xc3\xa9", 32, TLSRPT_COPY_FIELD, "\xc3\xa9t\xc3\xa9"},
	        {NULL, 8, 0, ""},
	        {"x", 1, 0, ""},
	};
	char out[32];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'Z', sizeof(out));
		n = tlsrpt_strcopy(out, cases[i].size, cases[i].src, cases[i].flags);
		if (strcmp(out, cases[i].want) != 0 || n != strlen(cases[i].want)) {
			fail_msg("case %zu: got [%s] (%zu), want [%s]", i, out, n, cases[i].want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_strcopy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
