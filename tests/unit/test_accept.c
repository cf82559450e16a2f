/*
 * test_accept.c - the reporter a message claims through its From field
 *
 * Table-driven: a From value (no TLS-Report-Submitter, no trusted
 * Authentication-Results), and the claimed domain the acceptance rules
 * take from it, or "" when it names no single address (a list, a group,
 * none).  Both the plain shape and the one with quotes, comments and
 * escapes go through the same rule.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "accept.h"
#include "identity.h"

struct from_case {
	const char *from;
	const char *want; /* the claimed domain; "" for none */
};

static const struct from_case from_cases[] = {
        {"reports@google.com", "google.com"},
        {"<reports@google.com>", "google.com"},
        {"Google <reports@google.com>", "google.com"},
        {"  reports@Mail.Example.ORG  ", "mail.example.org"},
        {"\"Reports, Google\" <reports@google.com>", "google.com"},
        {"\"a@evil.example\" <reports@google.com>", "google.com"},
        {"reports@google.com (a@evil.example)", "google.com"},
        {"\"x\\\"@y\" <reports@google.com>", "google.com"},
        {"a\\b@google.com", "google.com"},
        {"reports@google.com, other@evil.example", ""},
        {"reports@google.com; other@evil.example", ""},
        {"group: reports@google.com;", ""},
        {"reports@google.com@evil.example", ""},
        {"no address here", ""},
        {"", ""},
        {"\"unclosed <reports@google.com>", ""},
        {"(unclosed reports@google.com", ""},
};

static void test_from(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(from_cases) / sizeof(from_cases[0]); i++) {
		const struct from_case *c = &from_cases[i];
		struct tlsrpt_msghdrs h;
		struct tlsrpt_accept a;
		const struct tlsrpt_identity *id;
		char from[256];

		snprintf(from, sizeof(from), "%s", c->from);
		memset(&h, 0, sizeof(h));
		h.from = from;
		tlsrpt_accept_init(&a, &h);
		id = tlsrpt_accept_reporter(&a);
		if (strcmp(id->domain, c->want) != 0 ||
		    (c->want[0] != '\0' && id->kind != TLSRPT_IDENTITY_CLAIMED)) {
			fail_msg("case %zu [%s]: got \"%s\" (kind %d), want \"%s\"", i, c->from,
			         id->domain, (int)id->kind, c->want);
		}
		tlsrpt_accept_free(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_from),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
