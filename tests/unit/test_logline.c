/*
 * test_logline.c - the log line reader: line shapes and value decoding
 *
 * A table of lines with what the parser must make of them (ours or not,
 * event, host, prefix, one decoded value), and a line past the length
 * bound.  The digest built from such lines is test_digest.c's, the
 * scanner that cuts a file into them test_logscan.c's.
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

#include "logline.h"

struct line_case {
	const char *name;
	const char *line;
	int flags;
	int want_ours;
	enum tlsrpt_logline_event ev;
	const char *host, *prefix, *key, *val;
};

static const struct line_case line_cases[] = {
        {"traditional", "Dec  5 16:27:52 mx1 tlsrpt-milter[123]: 4ZxK: report report-id=a b=c", 0,
         1, TLSRPT_LL_REPORT, "mx1", "4ZxK", "report-id", "a"},
        {"zero-padded day", "Dec 05 16:27:52 mx1 tlsrpt-milter[1]: Q: policy report-id=r", 0, 1,
         TLSRPT_LL_POLICY, "mx1", "Q", "report-id", "r"},
        {"rfc3339", "2026-12-05T16:27:52.123+00:00 mx2 tlsrpt-milter[9]: Q: failure x=1", 0, 1,
         TLSRPT_LL_FAILURE, "mx2", "Q", "x", "1"},
        {"short-iso", "2026-12-05T16:27:52+0000 h tlsrpt-milter[9]: NOQUEUE: error reason=x", 0, 1,
         TLSRPT_LL_ERROR, "h", "NOQUEUE", "reason", "x"},
        {"no pid", "Dec  5 16:27:52 mx1 tlsrpt-milter: Q: ignored reason=duplicate", 0, 1,
         TLSRPT_LL_IGNORED, "mx1", "Q", "reason", "duplicate"},
        {"capture priority", "mail.warning tlsrpt-milter[5]: Q: failure-omitted a=1", 0, 1,
         TLSRPT_LL_FAILURE_OMITTED, "", "Q", "a", "1"},
        {"bare without flag", "Q: report report-id=a", 0, 0, TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"bare (-o cat)", "Q: policy-omitted report-id=a", TLSRPT_LOGLINE_BARE, 1,
         TLSRPT_LL_POLICY_OMITTED, "", "Q", "report-id", "a"},
        {"other program", "Dec  5 16:27:52 mx1 postfix/smtpd[1]: Q: client=x", 0, 0,
         TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"tag inside another program's text",
         "Dec  5 16:27:52 mx1 postfix/smtpd[1]: from=<tlsrpt-milter[1]: Q: report report-id=f>", 0,
         0, TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"tag after another tag", "Dec  5 16:27:52 mx1 evil[7]: tlsrpt-milter[1]: Q: report a=b", 0,
         0, TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"socket path", "Dec  5 16:27:52 mx1 postfix/smtpd[1]: warning: tlsrpt-milter/sock: x", 0,
         0, TLSRPT_LL_OTHER, "", "", NULL, NULL},
        {"host named like the tag",
         "Dec  5 16:27:52 tlsrpt-milter-mx tlsrpt-milter[1]: Q: report report-id=h", 0, 1,
         TLSRPT_LL_REPORT, "tlsrpt-milter-mx", "Q", "report-id", "h"},
        {"other event word", "Dec  5 16:27:52 mx1 tlsrpt-milter[1]: Q: stats messages=3", 0, 1,
         TLSRPT_LL_OTHER, "mx1", "Q", "messages", "3"},
        {"quoted new rule", "Q: report organization-name=\"Sender\\x27s \\x22Org\\x3d\\x5c\"",
         TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "", "Q", "organization-name",
         "Sender's \"Org=\\"},
        {"quoted old rule", "Q: report organization-name=\"A \\\"B\\\" \\\\ C\"",
         TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "", "Q", "organization-name", "A \"B\" \\ C"},
        {"empty quoted", "Q: report contact-info=\"\" x=1", TLSRPT_LOGLINE_BARE, 1,
         TLSRPT_LL_REPORT, "", "Q", "contact-info", ""},
        {"cut line", "Q: report a=1 b=\"x y\" ...", TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "",
         "Q", "b", "x y"},
        {"json",
         "Dec  5 16:27:52 mx1 tlsrpt-milter[1]: @cee:{\"event\":\"policy\",\"queue-id\":\"Q7\",\"report-id\":\"r\\\"1\",\"total-successful-session-count\":97}",
         0, 1, TLSRPT_LL_POLICY, "mx1", "Q7", "report-id", "r\"1"},
        {"json count", "@cee:{\"event\":\"report\",\"queue-id\":\"Q\",\"policies\":2,\"t\":true}",
         TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "", "Q", "policies", "2"},
        {"json unicode", "@cee:{\"event\":\"report\",\"o\":\"\\u00e9\\ud83d\\ude00\"}",
         TLSRPT_LOGLINE_BARE, 1, TLSRPT_LL_REPORT, "", "", "o", "\xc3\xa9\xf0\x9f\x98\x80"},
        {"json nested", "@cee:{\"event\":\"report\",\"o\":{\"a\":1}}", TLSRPT_LOGLINE_BARE, 0,
         TLSRPT_LL_OTHER, "", "", NULL, NULL},
        /* cut on its way: the fields before the cut are read, the cut one is not */
        {"json cut", "@cee:{\"event\":\"report\",\"q\":\"x\",\"o\":\"abc", TLSRPT_LOGLINE_BARE, 1,
         TLSRPT_LL_REPORT, "", "", "q", "x"},
        {"json without event", "@cee:{\"queue-id\":\"Q\"}", TLSRPT_LOGLINE_BARE, 0, TLSRPT_LL_OTHER,
         "", "", NULL, NULL},
};

static void test_lines(void **state)
{
	static struct tlsrpt_logline ll;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		const struct line_case *c = &line_cases[i];
		int got = tlsrpt_logline_parse(&ll, c->line, strlen(c->line), c->flags);

		if (got != c->want_ours) {
			fail_msg("%s: ours %d, want %d", c->name, got, c->want_ours);
		}
		if (!got) {
			continue;
		}
		if (ll.event != c->ev || strcmp(ll.host, c->host) != 0 ||
		    strcmp(ll.prefix, c->prefix) != 0) {
			fail_msg("%s: got event %d host [%s] prefix [%s], want %d [%s] [%s]",
			         c->name, ll.event, ll.host, ll.prefix, c->ev, c->host, c->prefix);
		}
		if (c->key != NULL) {
			const char *v = tlsrpt_logline_get(&ll, c->key, NULL);

			if (v == NULL || strcmp(v, c->val) != 0) {
				fail_msg("%s: %s got [%s], want [%s]", c->name, c->key,
				         v ? v : "(none)", c->val);
			}
		}
	}
}

static void test_too_long(void **state)
{
	static struct tlsrpt_logline ll;
	static char line[TLSRPT_LOGLINE_MAX + 100];

	(void)state;
	memset(line, 'a', sizeof(line) - 1);
	memcpy(line, "Q: report x=", 12);
	assert_int_equal(tlsrpt_logline_parse(&ll, line, sizeof(line) - 1, TLSRPT_LOGLINE_BARE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lines),
	        cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
