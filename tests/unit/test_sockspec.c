/*
 * test_sockspec.c - libmilter socket specifications split into kind and rest
 *
 * One table of specifications: each form in upper and lower case (libmilter
 * matches the prefixes in any case), a bare path, and what is none of them.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sockspec.h"

static void test_split(void **state)
{
	static const struct {
		const char *spec;
		int rc;
		enum tlsrpt_sock_kind kind;
		const char *rest;
		const char *path; /* tlsrpt_sockspec_path, NULL: none */
	} cases[] = {
	        {"unix:/run/m.sock", 0, TLSRPT_SOCK_UNIX, "/run/m.sock", "/run/m.sock"},
	        {"UNIX:/run/m.sock", 0, TLSRPT_SOCK_UNIX, "/run/m.sock", "/run/m.sock"},
	        {"local:/run/m.sock", 0, TLSRPT_SOCK_UNIX, "/run/m.sock", "/run/m.sock"},
	        {"Local:rel.sock", 0, TLSRPT_SOCK_UNIX, "rel.sock", "rel.sock"},
	        {"/run/m.sock", 0, TLSRPT_SOCK_UNIX, "/run/m.sock", "/run/m.sock"},
	        {"inet:8891@127.0.0.1", 0, TLSRPT_SOCK_INET, "8891@127.0.0.1", NULL},
	        {"INET:8891", 0, TLSRPT_SOCK_INET, "8891", NULL},
	        {"inet6:8891@[::1]", 0, TLSRPT_SOCK_INET6, "8891@[::1]", NULL},
	        {"Inet6:8891", 0, TLSRPT_SOCK_INET6, "8891", NULL},
	        {"tcp:1", -1, TLSRPT_SOCK_UNIX, NULL, NULL},
	        {"run/m.sock", -1, TLSRPT_SOCK_UNIX, NULL, NULL},
	        {"inet", -1, TLSRPT_SOCK_UNIX, NULL, NULL},
	        {"", -1, TLSRPT_SOCK_UNIX, NULL, NULL},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum tlsrpt_sock_kind kind = TLSRPT_SOCK_UNIX;
		const char *rest = NULL, *path;
		int rc = tlsrpt_sockspec_split(cases[i].spec, &kind, &rest);

		if (rc != cases[i].rc ||
		    (rc == 0 && (kind != cases[i].kind || strcmp(rest, cases[i].rest) != 0))) {
			fail_msg("%s: got %d kind %d rest %s, want %d kind %d rest %s",
			         cases[i].spec, rc, (int)kind, rest ? rest : "(none)", cases[i].rc,
			         (int)cases[i].kind, cases[i].rest ? cases[i].rest : "(none)");
		}
		path = tlsrpt_sockspec_path(cases[i].spec);
		if ((path == NULL) != (cases[i].path == NULL) ||
		    (path != NULL && strcmp(path, cases[i].path) != 0)) {
			fail_msg("%s: got path %s, want %s", cases[i].spec, path ? path : "(none)",
			         cases[i].path ? cases[i].path : "(none)");
		}
	}
}

/* test_prefix - the prefix a message names a kind by */
static void test_prefix(void **state)
{
	(void)state;
	assert_string_equal(tlsrpt_sockspec_prefix(TLSRPT_SOCK_UNIX), "unix:");
	assert_string_equal(tlsrpt_sockspec_prefix(TLSRPT_SOCK_INET), "inet:");
	assert_string_equal(tlsrpt_sockspec_prefix(TLSRPT_SOCK_INET6), "inet6:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_split),
	        cmocka_unit_test(test_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
