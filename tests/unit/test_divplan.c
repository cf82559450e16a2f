/*
 * test_divplan.c - the divert plan: Action, AddHeader, counts and the
 * modifications granted, to step, action word, reason, missing grant,
 * summary header and reply
 *
 * One table row per rule of divplan.h, including each way a message is
 * not diverted and each grant the MTA may withhold.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "divplan.h"

#define ALL                                                                                        \
	(TLSRPT_GRANT_ADDHDRS | TLSRPT_GRANT_ADDRCPT | TLSRPT_GRANT_DELRCPT |                      \
	 TLSRPT_GRANT_QUARANTINE)
#define NO_FOREIGN "unauthenticated or foreign report: not diverted"
#define NO_REPORT "no readable report: not diverted"
#define HAS_ERRORS "the message has errors: not diverted"
#define NOT_ALLOWED "the MTA does not allow the configured action"
#define HOLD_PART "hold applies to whole messages; the message has other recipients"

struct plan_case {
	const char *name;
	struct tlsrpt_divplan_in in; /* action, add_header, nother, grants */
	struct tlsrpt_outcome out;   /* the counts the pipeline finished with */
	enum tlsrpt_divstep step;
	const char *action;
	const char *reason;  /* NULL: none */
	const char *missing; /* NULL: none */
	int header;
	int discard;
};

static const struct plan_case cases[] = {
        {"deliver",
         {TLSRPT_ACTION_DELIVER, 0, 0, ALL},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NULL,
         NULL,
         0,
         0},
        {"deliver, header",
         {TLSRPT_ACTION_DELIVER, 1, 0, ALL},
         {.reports_ok = 2, .errors = 0, .refused = 0},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NULL,
         NULL,
         1,
         0},
        {"deliver, header not granted",
         {TLSRPT_ACTION_DELIVER, 1, 0, 0},
         {.reports_ok = 2, .errors = 0, .refused = 0},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NULL,
         NULL,
         -1,
         0},
        {"deliver, no readable report: no header",
         {TLSRPT_ACTION_DELIVER, 1, 0, ALL},
         {.reports_ok = 0, .errors = 1, .refused = 0},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NULL,
         NULL,
         0,
         0},
        {"discard, refused report",
         {TLSRPT_ACTION_DISCARD, 0, 0, ALL},
         {.reports_ok = 1, .errors = 0, .refused = 1},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NO_FOREIGN,
         NULL,
         0,
         0},
        {"discard, refused and no good report",
         {TLSRPT_ACTION_DISCARD, 0, 0, ALL},
         {.reports_ok = 0, .errors = 0, .refused = 1},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NO_FOREIGN,
         NULL,
         0,
         0},
        {"discard, no report",
         {TLSRPT_ACTION_DISCARD, 0, 0, ALL},
         {.reports_ok = 0, .errors = 0, .refused = 0},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NO_REPORT,
         NULL,
         0,
         0},
        {"hold, one good one broken",
         {TLSRPT_ACTION_HOLD, 1, 0, ALL},
         {.reports_ok = 1, .errors = 1, .refused = 0},
         TLSRPT_DIV_DELIVER,
         "deliver",
         HAS_ERRORS,
         NULL,
         1,
         0},
        {"redirect, errors and refused",
         {TLSRPT_ACTION_REDIRECT, 0, 0, ALL},
         {.reports_ok = 1, .errors = 1, .refused = 1},
         TLSRPT_DIV_DELIVER,
         "deliver",
         HAS_ERRORS,
         NULL,
         0,
         0},
        {"discard",
         {TLSRPT_ACTION_DISCARD, 1, 0, ALL},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_DISCARD,
         "discard",
         NULL,
         NULL,
         1,
         1},
        {"discard needs no grant",
         {TLSRPT_ACTION_DISCARD, 0, 0, 0},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_DISCARD,
         "discard",
         NULL,
         NULL,
         0,
         1},
        {"hold",
         {TLSRPT_ACTION_HOLD, 0, 0, TLSRPT_GRANT_QUARANTINE},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_HOLD,
         "hold",
         NULL,
         NULL,
         0,
         0},
        {"hold, quarantine not granted",
         {TLSRPT_ACTION_HOLD, 0, 0, TLSRPT_GRANT_DELRCPT},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NOT_ALLOWED,
         "quarantine (hold)",
         0,
         0},
        {"redirect",
         {TLSRPT_ACTION_REDIRECT, 0, 0, ALL},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_REDIRECT,
         "redirect",
         NULL,
         NULL,
         0,
         0},
        {"redirect with other recipients",
         {TLSRPT_ACTION_REDIRECT, 0, 3, ALL},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_REDIRECT,
         "redirect",
         NULL,
         NULL,
         0,
         0},
        {"redirect, only adding granted",
         {TLSRPT_ACTION_REDIRECT, 1, 0, TLSRPT_GRANT_ADDRCPT | TLSRPT_GRANT_ADDHDRS},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NOT_ALLOWED,
         "adding and removing recipients",
         1,
         0},
        {"discard with other recipients",
         {TLSRPT_ACTION_DISCARD, 0, 1, ALL},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_REMOVE,
         "remove-recipient",
         NULL,
         NULL,
         0,
         0},
        {"hold with other recipients",
         {TLSRPT_ACTION_HOLD, 0, 1, ALL},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_REMOVE,
         "remove-recipient",
         HOLD_PART,
         NULL,
         0,
         0},
        {"discard with others, removal not granted",
         {TLSRPT_ACTION_DISCARD, 0, 1, TLSRPT_GRANT_QUARANTINE},
         {.reports_ok = 1, .errors = 0, .refused = 0},
         TLSRPT_DIV_DELIVER,
         "deliver",
         NOT_ALLOWED,
         "removing recipients",
         0,
         0},
};

/* same - two optional strings are equal */
static int same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void test_table(void **state)
{
	struct tlsrpt_divplan p;
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct plan_case *c = &cases[i];

		memset(&p, 0x55, sizeof(p));
		tlsrpt_divplan_make(&c->in, &c->out, &p);
		if (p.step != c->step || !same(p.action, c->action) || !same(p.reason, c->reason) ||
		    !same(p.missing, c->missing) || p.header != c->header ||
		    p.discard != c->discard) {
			print_error(
			        "%s: got step %d %s reason \"%s\" missing \"%s\" header %d discard %d; want step %d %s reason \"%s\" missing \"%s\" header %d discard %d\n",
			        c->name, (int)p.step, p.action, p.reason ? p.reason : "(none)",
			        p.missing ? p.missing : "(none)", p.header, p.discard, (int)c->step,
			        c->action, c->reason ? c->reason : "(none)",
			        c->missing ? c->missing : "(none)", c->header, c->discard);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
