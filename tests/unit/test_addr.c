/*
 * test_addr.c - recipient matching against ReportAddress entries
 *
 * Table-driven: an envelope recipient as the MTA passes it, the entries,
 * the delimiter set, and whether it must match; then the bare-address and
 * entry-check helpers.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"

struct match_case {
	const char *rcpt;
	const char *patterns; /* space-separated, lower case as the config stores them */
	const char *delims;
	int want;
};

static const struct match_case match_cases[] = {
        /* full addresses */
        {"<tlsrpt@example.com>", "tlsrpt@example.com", "+", 1},
        {"tlsrpt@example.com", "tlsrpt@example.com", "+", 1},
        {" <TLSRPT@Example.COM> ", "tlsrpt@example.com", "+", 1},
        {"<tlsrpt@example.org>", "tlsrpt@example.com", "+", 0},
        {"<tlsrpt@mail.example.com>", "tlsrpt@example.com", "+", 0},
        {"<xtlsrpt@example.com>", "tlsrpt@example.com", "+", 0},
        {"<tlsrptx@example.com>", "tlsrpt@example.com", "+", 0},
        {"<tlsrpt>", "tlsrpt@example.com", "+", 0},
        /* local@: any domain */
        {"<tlsrpt@example.org>", "tlsrpt@", "+", 1},
        {"<TlsRpt@Anything.Example>", "tlsrpt@", "+", 1},
        {"<tlsrpt>", "tlsrpt@", "+", 1},
        {"<postmaster@example.org>", "tlsrpt@", "+", 0},
        {"<rpt@example.org>", "tlsrpt@", "+", 0},
        /* extensions */
        {"<tlsrpt+google@example.com>", "tlsrpt@example.com", "+", 1},
        {"<tlsrpt+a+b@example.com>", "tlsrpt@example.com", "+", 1},
        {"<tlsrpt-google@example.com>", "tlsrpt@example.com", "+", 0},
        {"<tlsrpt-google@example.com>", "tlsrpt@example.com", "+-", 1},
        {"<tlsrpt_google@example.com>", "tlsrpt@", "+-_", 1},
        {"<tls-reports+x@example.com>", "tls-reports@", "+-", 1},
        {"<tlsrpt+google@example.com>", "tlsrpt@example.com", "", 0},
        {"<tlsrpt+google@example.com>", "tlsrpt@example.com", NULL, 0},
        {"<+tlsrpt@example.com>", "tlsrpt@example.com", "+", 0},
        {"<tls+rpt@example.com>", "tls+rpt@example.com", "+", 1},
        {"<tls+rpt+x@example.com>", "tls+rpt@example.com", "+", 1},
        {"<tlsrpt+x@example.org>", "tlsrpt@example.com", "+", 0},
        /* several entries */
        {"<b@y.example>", "a@x.example b@y.example c@", "+", 1},
        {"<c+1@z.example>", "a@x.example b@y.example c@", "+", 1},
        {"<d@y.example>", "a@x.example b@y.example c@", "+", 0},
        /* source routes, odd input */
        {"<@relay.example:tlsrpt@example.com>", "tlsrpt@example.com", "+", 1},
        {"<@a.example,@b.example:tlsrpt@example.com>", "tlsrpt@example.com", "+", 1},
        {"<>", "tlsrpt@", "+", 0},
        {"", "tlsrpt@", "+", 0},
        {"<\"tls rpt\"@example.com>", "tlsrpt@", "+", 0},
        /* what the MTA delivers to: quoted local parts, one trailing dot */
        {"<\"tlsrpt\"@example.com>", "tlsrpt@example.com", "+", 1},
        {"<\"TLSRPT\"@example.com>", "tlsrpt@", "+", 1},
        {"<\"tlsrpt+x\"@example.com>", "tlsrpt@example.com", "+", 1},
        {"<\"tls\\rpt\"@example.com>", "tlsrpt@example.com", "+", 1},
        {"<@relay.example:\"tlsrpt\"@example.com>", "tlsrpt@example.com", "+", 1},
        {"<tlsrpt@example.com.>", "tlsrpt@example.com", "+", 1},
        {"<tlsrpt+x@example.com.>", "tlsrpt@example.com", "+", 1},
        {"<\"tlsrpt\"@example.com.>", "tlsrpt@example.com", "+", 1},
        {"<\"tlsrpt\">", "tlsrpt@", "+", 1},
        /* look-alikes that must not match */
        {"<tlsrpt@example.com..>", "tlsrpt@example.com", "+", 0},
        {"<tlsrpt@example.com.evil>", "tlsrpt@example.com", "+", 0},
        {"<\"tlsrpt@example.com\"@evil.example>", "tlsrpt@example.com", "+", 0},
        {"<\"tlsrpt@example.com\"@evil.example>", "tlsrpt@", "+", 0},
        {"<\"tlsrpt\"@evil.example>", "tlsrpt@example.com", "+", 0},
        {"<tlsrpt%example.com@relay.example>", "tlsrpt@example.com", "+", 0},
        {"<tlsrpt%example.com@relay.example>", "tlsrpt@", "+", 0},
        {"<\"xtlsrpt\"@example.com>", "tlsrpt@example.com", "+", 0},
        {"<\"tlsrpt\"x@example.com>", "tlsrpt@example.com", "+", 0},
        {"<\"tlsrpt@example.com>", "tlsrpt@example.com", "+", 0},
        {"<\"\"@example.com>", "tlsrpt@example.com", "+", 0},
        {"<tlsrpt.@example.com>", "tlsrpt@example.com", "+", 0},
        {"<tlsrpt@.>", "tlsrpt@example.com", "+", 0},
        {"<tlsrpt@example.com.>", "tlsrpt@example.com.evil", "+", 0},
        {"<@example.com:x@evil.example>", "tlsrpt@example.com", "+", 0},
};

/* split - patterns string into an array (at most 8) */
static size_t split(const char *s, char buf[][64], char **v)
{
	size_t n = 0;

	while (*s != '\0' && n < 8) {
		size_t len = strcspn(s, " ");

		memcpy(buf[n], s, len);
		buf[n][len] = '\0';
		v[n] = buf[n];
		n++;
		s += len;
		s += strspn(s, " ");
	}
	return n;
}

/* test_match - the table */
static void test_match(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		const struct match_case *c = &match_cases[i];
		char buf[8][64];
		char *v[8];
		size_t n = split(c->patterns, buf, v);
		int got = tlsrpt_addr_match(c->rcpt, v, n, c->delims);

		if (got != c->want) {
			fail_msg("match(\"%s\", [%s], delims \"%s\"): got %d, want %d", c->rcpt,
			         c->patterns, c->delims ? c->delims : "(null)", got, c->want);
		}
	}
}

/* test_too_long - an over-long recipient never matches and never overflows */
static void test_too_long(void **state)
{
	char rcpt[TLSRPT_ADDR_MAX + 64];
	char *v[1] = {"tlsrpt@"};

	(void)state;
	memset(rcpt, 'a', sizeof(rcpt) - 1);
	rcpt[sizeof(rcpt) - 1] = '\0';
	memcpy(rcpt, "<tlsrpt+", 8);
	if (tlsrpt_addr_match(rcpt, v, 1, "+") != 0) {
		fail_msg("over-long recipient: got match, want none");
	}
}

struct bare_case {
	const char *in;
	const char *want; /* NULL: error */
};

static const struct bare_case bare_cases[] = {
        {"<a@b>", "a@b"}, {"  a@b\t", "a@b"}, {"<A@B>", "A@B"}, {"<@r1,@r2:a@b>", "a@b"},
        {"<>", NULL},     {"", NULL},         {"<a@b", "<a@b"},
};

/* test_bare - blanks, brackets and source routes removed */
static void test_bare(void **state)
{
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bare_cases) / sizeof(bare_cases[0]); i++) {
		const struct bare_case *c = &bare_cases[i];
		int rc = tlsrpt_addr_bare(c->in, out, sizeof(out));

		if (c->want == NULL && rc == 0) {
			fail_msg("bare(\"%s\"): got \"%s\", want an error", c->in, out);
		}
		if (c->want != NULL && (rc != 0 || strcmp(out, c->want) != 0)) {
			fail_msg("bare(\"%s\"): got \"%s\", want \"%s\"", c->in,
			         rc != 0 ? "(error)" : out, c->want);
		}
	}
	if (tlsrpt_addr_bare("<abcdef@example.com>", out, 8) == 0) {
		fail_msg("bare into 8 bytes: got \"%s\", want an error", out);
	}
}

struct check_case {
	const char *in;
	int any_domain;
	int want; /* 0 ok, -1 error */
};

static const struct check_case check_cases[] = {
        {"tlsrpt@example.com", 0, 0},
        {"tlsrpt@example.com", 1, 0},
        {"tlsrpt@", 1, 0},
        {"tlsrpt@", 0, -1},
        {"tlsrpt", 1, -1},
        {"@example.com", 1, -1},
        {"", 1, -1},
        {"a b@x", 1, -1},
        {"<a@x>", 1, -1},
        {"a,b@x", 1, -1},
        {"a\x01@x", 1, -1},
};

/* test_check - what a ReportAddress / RedirectTo entry may be */
static void test_check(void **state)
{
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const struct check_case *c = &check_cases[i];
		int got;

		err[0] = '\0';
		got = tlsrpt_addr_check(c->in, c->any_domain, err, sizeof(err));
		if (got != c->want) {
			fail_msg("check(\"%s\", any_domain %d): got %d (%s), want %d", c->in,
			         c->any_domain, got, err, c->want);
		}
		if (got != 0 && err[0] == '\0') {
			fail_msg("check(\"%s\"): error without a message", c->in);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_match),
	        cmocka_unit_test(test_too_long),
	        cmocka_unit_test(test_bare),
	        cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
