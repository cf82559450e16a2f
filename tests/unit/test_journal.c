/*
 * test_journal.c - journalctl -o json entries and who the journal says wrote them
 *
 * A table of entry lines, each with the message and origin it must give
 * (or none: not tagged tlsrpt-milter), for the milter's user 998 and unit
 * tlsrpt-milter.service: the milter's own, the alert mode's own, another
 * user's, another command's, another unit's, a field given twice, null
 * (a value journalctl left out), a MESSAGE of bytes, \u escapes and
 * surrogate pairs, and lines that are not JSON.  The counters must say
 * what was left out.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include "journal.h"

struct jcase {
	const char *name, *line;
	int tagged;                      /* 0: not handed out at all */
	enum tlsrpt_journal_origin want; /* when tagged */
	const char *msg;                 /* when tagged */
};

#define M "\"SYSLOG_IDENTIFIER\":\"tlsrpt-milter\""
#define OK_MILTER                                                                                  \
	"\"_UID\":\"998\",\"_COMM\":\"tlsrpt-milter\",\"_SYSTEMD_UNIT\":\"tlsrpt-milter.service\""

static const struct jcase cases[] = {
        {"the milter", "{\"MESSAGE\":\"Q1: action action=deliver\"," M "," OK_MILTER "}", 1,
         TLSRPT_JOURNAL_MILTER, "Q1: action action=deliver"},
        {"the alert mode",
         "{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"ALERT: silent policy-domain=x\"," M
         ",\"_UID\":\"998\",\"_COMM\":\"tlsrpt-lookout\",\"_SYSTEMD_UNIT\":\"tlsrpt-lookout-alert.service\"}",
         1, TLSRPT_JOURNAL_LOOKOUT, "ALERT: silent policy-domain=x"},
        {"another user",
         "{\"MESSAGE\":\"Q1: x\"," M
         ",\"_UID\":\"65534\",\"_COMM\":\"tlsrpt-milter\",\"_SYSTEMD_UNIT\":\"tlsrpt-milter.service\"}",
         1, TLSRPT_JOURNAL_FOREIGN, "Q1: x"},
        {"logger as the milter's user",
         "{\"MESSAGE\":\"Q1: x\"," M ",\"_UID\":\"998\",\"_COMM\":\"logger\"}", 1,
         TLSRPT_JOURNAL_FOREIGN, "Q1: x"},
        {"another unit",
         "{\"MESSAGE\":\"Q1: x\"," M
         ",\"_UID\":\"998\",\"_COMM\":\"tlsrpt-milter\",\"_SYSTEMD_UNIT\":\"evil.service\"}",
         1, TLSRPT_JOURNAL_FOREIGN, "Q1: x"},
        {"no _UID",
         "{\"MESSAGE\":\"Q1: x\"," M
         ",\"_COMM\":\"tlsrpt-milter\",\"_SYSTEMD_UNIT\":\"tlsrpt-milter.service\"}",
         1, TLSRPT_JOURNAL_FOREIGN, "Q1: x"},
        {"_UID twice", "{\"MESSAGE\":\"Q1: x\"," M "," OK_MILTER ",\"_UID\":\"998\"}", 1,
         TLSRPT_JOURNAL_FOREIGN, "Q1: x"},
        {"_UID an array",
         "{\"MESSAGE\":\"Q1: x\"," M ",\"_UID\":[\"998\",\"0\"],\"_COMM\":\"tlsrpt-milter\"}", 1,
         TLSRPT_JOURNAL_FOREIGN, "Q1: x"},
        {"MESSAGE null", "{\"MESSAGE\":null," M "," OK_MILTER "}", 1, TLSRPT_JOURNAL_FOREIGN, ""},
        {"MESSAGE twice", "{\"MESSAGE\":[\"a\",\"b\"]," M "," OK_MILTER "}", 1,
         TLSRPT_JOURNAL_FOREIGN, ""},
        {"MESSAGE as bytes", "{\"MESSAGE\":[81,49,58,32,255,10,120]," M "," OK_MILTER "}", 1,
         TLSRPT_JOURNAL_MILTER, "Q1: \xff\nx"},
        {"escapes", "{\"MESSAGE\":\"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\\n\"," M "," OK_MILTER "}", 1,
         TLSRPT_JOURNAL_MILTER, "a\"b\\c\xc3\xa9\xf0\x9f\x98\x80\n"},
        {"spaces", "  { \"MESSAGE\" : \"m\" , " M " , " OK_MILTER " }  ", 1, TLSRPT_JOURNAL_MILTER,
         "m"},
        {"another tag",
         "{\"MESSAGE\":\"Q1: x\",\"SYSLOG_IDENTIFIER\":\"postfix/smtpd\"," OK_MILTER "}", 0,
         TLSRPT_JOURNAL_FOREIGN, NULL},
        {"not JSON", "Dec  5 16:27:52 mx tlsrpt-milter[1]: Q1: x", 0, TLSRPT_JOURNAL_FOREIGN, NULL},
        {"cut JSON", "{\"MESSAGE\":\"Q1: x\"," M ",\"_UID\":\"99", 0, TLSRPT_JOURNAL_FOREIGN, NULL},
        {"trailing text", "{\"MESSAGE\":\"Q1: x\"," M "," OK_MILTER "} x", 0,
         TLSRPT_JOURNAL_FOREIGN, NULL},
};

struct stream {
	const char *s;
	size_t off, len;
};

static ssize_t sread(void *ctx, void *buf, size_t len)
{
	struct stream *st = ctx;
	size_t n = st->len - st->off < len ? st->len - st->off : len;

	if (n > 7) {
		n = 7; /* short reads: lines cross every read */
	}
	memcpy(buf, st->s + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void test_cases(void **state)
{
	const struct tlsrpt_journal_trust t = {998, "tlsrpt-milter.service"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[2048];
		struct stream st = {text, 0, 0};
		struct tlsrpt_journal *j;
		enum tlsrpt_journal_origin org;
		const char *msg;
		char err[128];
		size_t len;
		int r;

		st.len = (size_t)snprintf(text, sizeof(text), "%s\n", cases[i].line);
		j = tlsrpt_journal_new(sread, &st, &t);
		assert_non_null(j);
		r = tlsrpt_journal_next(j, &msg, &len, &org, err, sizeof(err));
		if (r != cases[i].tagged) {
			fail_msg("%s: got %d, want %d", cases[i].name, r, cases[i].tagged);
		}
		if (r == 1) {
			if (org != cases[i].want) {
				fail_msg("%s: origin %d, want %d", cases[i].name, org,
				         cases[i].want);
			}
			if (org != TLSRPT_JOURNAL_FOREIGN || cases[i].msg[0] != '\0') {
				if (len != strlen(cases[i].msg) ||
				    memcmp(msg, cases[i].msg, len) != 0) {
					fail_msg("%s: message %.*s, want %s", cases[i].name,
					         (int)len, msg, cases[i].msg);
				}
			}
			assert_int_equal(tlsrpt_journal_next(j, &msg, &len, &org, err, sizeof(err)),
			                 0);
		}
		tlsrpt_journal_free(j);
	}
}

/* a whole stream: counters, a line over the bound skipped whole, an unknown user */
static void test_stream(void **state)
{
	const struct tlsrpt_journal_trust t = {998, ""};
	static char text[3 * TLSRPT_JOURNAL_LINE_MAX];
	struct stream st = {text, 0, 0};
	const struct tlsrpt_journal_stats *s;
	struct tlsrpt_journal *j;
	enum tlsrpt_journal_origin org;
	const char *msg;
	char err[128];
	size_t len, n = 0;
	int r, milter = 0;
	long uid;

	(void)state;
	n += (size_t)sprintf(text + n, "{\"MESSAGE\":\"a\"," M "," OK_MILTER "}\n");
	n += (size_t)sprintf(text + n, "{\"MESSAGE\":\"");
	memset(text + n, 'x', TLSRPT_JOURNAL_LINE_MAX + 10);
	n += TLSRPT_JOURNAL_LINE_MAX + 10;
	n += (size_t)sprintf(text + n, "\"," M "," OK_MILTER "}\n");
	n += (size_t)sprintf(text + n, "garbage\n\n");
	n += (size_t)sprintf(text + n,
	                     "{\"MESSAGE\":\"b\"," M ",\"_UID\":\"1000\",\"_COMM\":\"logger\"}\n");
	n += (size_t)sprintf(text + n, "{\"MESSAGE\":\"c\"," M
	                               ",\"_UID\":\"998\",\"_COMM\":\"tlsrpt-milter\"}");
	st.len = n;
	j = tlsrpt_journal_new(sread, &st, &t);
	assert_non_null(j);
	while ((r = tlsrpt_journal_next(j, &msg, &len, &org, err, sizeof(err))) > 0) {
		milter += org == TLSRPT_JOURNAL_MILTER;
	}
	assert_int_equal(r, 0);
	assert_int_equal(milter, 2); /* a and c (no unit asked for) */
	s = tlsrpt_journal_stats(j);
	assert_int_equal(s->too_long, 1);
	assert_int_equal(s->malformed, 1);
	assert_int_equal(s->foreign, 1);
	assert_int_equal(s->tagged, 3);
	tlsrpt_journal_free(j);
	assert_int_equal(tlsrpt_journal_uid("998", &uid, err, sizeof(err)), 0);
	assert_int_equal(uid, 998);
	assert_int_equal(tlsrpt_journal_uid("root:root", &uid, err, sizeof(err)), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(tlsrpt_journal_uid("no-such-user-here", &uid, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no user no-such-user-here"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cases),
	        cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
