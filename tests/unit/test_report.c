/*
 * test_report.c - the RFC 8460 parser: real samples, sender quirks, refusals
 *
 * Every .json file in tests/data/real must parse.  A table of small reports
 * exercises each quirk real senders show (with a check of what the parser
 * made of it), and a table of bad reports each refusal with its reason.
 * Run under ASan, the refusal paths also show that nothing leaks.  The
 * per-report arena (report.c) is checked too: a report outlives its input
 * text and later parses, strings bigger than an arena block survive, and
 * threads parsing at the same time each get their own arena.
 *
 * One reading only: duplicate member names, counts the double would round,
 * NUL in strings and data after the report object are refused with their
 * reasons; counts are read from their digits.  Bounded cost: worst-shape
 * texts are refused at the tree bound in bounded CPU time, policy entries
 * are type-checked before storage is allocated for them, the shared
 * budget gives -2 and gets every byte back.
 */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tlsrpt_limits.h"
#include "pipeline.h"
#include "report.h"

/* Wrap a policies array in a report with the usual top-level fields. */
#define REPORT(pols)                                                                               \
	"{\"organization-name\":\"Org\",\"date-range\":{\"start-datetime\":"                       \
	"\"2026-01-01T00:00:00Z\",\"end-datetime\":\"2026-01-01T23:59:59Z\"},"                     \
	"\"contact-info\":\"c@example.org\",\"report-id\":\"rid\",\"policies\":" pols "}"

/* One policy with the given policy object members, summary and extra members. */
#define POLICY(pol, sum, extra) "[{\"policy\":{" pol "},\"summary\":{" sum "}" extra "}]"

#define SUM_OK "\"total-successful-session-count\":5,\"total-failure-session-count\":2"

/* streq - NULL-safe string equality */
static int streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* show - printable form of a maybe-NULL string */
static const char *show(const char *s)
{
	return s != NULL ? s : "(null)";
}

#define WANT_STR(name, got, want)                                                                  \
	do {                                                                                       \
		if (!streq((got), (want))) {                                                       \
			fail_msg("%s: " #got ": got %s, want %s", name, show(got), show(want));    \
		}                                                                                  \
	} while (0)

#define WANT_NUM(name, got, want)                                                                  \
	do {                                                                                       \
		if ((uint64_t)(got) != (uint64_t)(want)) {                                         \
			fail_msg("%s: " #got ": got %llu, want %llu", name,                        \
			         (unsigned long long)(got), (unsigned long long)(want));           \
		}                                                                                  \
	} while (0)

/* check_top - the REPORT() wrapper's fields */
static void check_top(const char *name, const struct tlsrpt_report *r)
{
	WANT_STR(name, r->organization_name, "Org");
	WANT_STR(name, r->start_datetime, "2026-01-01T00:00:00Z");
	WANT_STR(name, r->end_datetime, "2026-01-01T23:59:59Z");
	WANT_STR(name, r->contact_info, "c@example.org");
	WANT_STR(name, r->report_id, "rid");
	WANT_NUM(name, r->npolicies, 1);
}

/* check_mx_string - mx-host as a string */
static void check_mx_string(const char *name, const struct tlsrpt_report *r)
{
	check_top(name, r);
	WANT_STR(name, r->policies[0].mx_host, "*.mail.example.org");
	WANT_STR(name, r->policies[0].policy_type, "sts");
	WANT_STR(name, r->policies[0].policy_domain, "example.org");
	WANT_NUM(name, r->policies[0].total_successful_session_count, 5);
	WANT_NUM(name, r->policies[0].total_failure_session_count, 2);
}

/* check_mx_array - mx-host as an array, joined; non-strings skipped */
static void check_mx_array(const char *name, const struct tlsrpt_report *r)
{
	check_top(name, r);
	WANT_STR(name, r->policies[0].mx_host, "mx1.example.org,mx2.example.org");
}

/* check_mx_absent - no mx-host, an empty array, or one of the wrong type */
static void check_mx_absent(const char *name, const struct tlsrpt_report *r)
{
	check_top(name, r);
	WANT_STR(name, r->policies[0].mx_host, NULL);
}

/* check_tlsa - the TLSA policy-string element holding a JSON array is kept verbatim */
static void check_tlsa(const char *name, const struct tlsrpt_report *r)
{
	check_top(name, r);
	WANT_STR(name, r->policies[0].policy_type, "tlsa");
	WANT_NUM(name, r->policies[0].npolicy_string, 1);
	WANT_STR(name, r->policies[0].policy_string[0], "[\"3 1 1 AB\",\"3 1 1 CD\"]");
}

/* check_policy_strings - policy-string array, non-strings skipped */
static void check_policy_strings(const char *name, const struct tlsrpt_report *r)
{
	WANT_NUM(name, r->policies[0].npolicy_string, 2);
	WANT_STR(name, r->policies[0].policy_string[0], "version: STSv1");
	WANT_STR(name, r->policies[0].policy_string[1], "mode: enforce");
}

/* check_policy_string_lone - a lone string is a one-element list */
static void check_policy_string_lone(const char *name, const struct tlsrpt_report *r)
{
	WANT_NUM(name, r->policies[0].npolicy_string, 1);
	WANT_STR(name, r->policies[0].policy_string[0], "version: STSv1");
}

/* check_no_tz - date-times without a zone are kept verbatim */
static void check_no_tz(const char *name, const struct tlsrpt_report *r)
{
	WANT_STR(name, r->start_datetime, "2023-01-10T00:00:00");
	WANT_STR(name, r->end_datetime, "2023-01-11T00:00:00");
}

/* check_contact_null - contact-info null (or a number) is absent */
static void check_contact_null(const char *name, const struct tlsrpt_report *r)
{
	WANT_STR(name, r->contact_info, NULL);
	WANT_STR(name, r->report_id, "rid");
}

/* check_no_details - missing or empty failure-details */
static void check_no_details(const char *name, const struct tlsrpt_report *r)
{
	check_top(name, r);
	WANT_NUM(name, r->policies[0].nfailure_details, 0);
	WANT_NUM(name, r->policies[0].total_failure_session_count, 2);
}

/* check_minimal_detail - a failure detail with only result-type and count */
static void check_minimal_detail(const char *name, const struct tlsrpt_report *r)
{
	const struct tlsrpt_failure *f;

	WANT_NUM(name, r->policies[0].nfailure_details, 1);
	f = &r->policies[0].failure_details[0];
	WANT_STR(name, f->result_type, "sts-policy-fetch-error");
	WANT_NUM(name, f->failed_session_count, 3);
	WANT_STR(name, f->sending_mta_ip, NULL);
	WANT_STR(name, f->receiving_mx_hostname, NULL);
	WANT_STR(name, f->receiving_mx_helo, NULL);
	WANT_STR(name, f->receiving_ip, NULL);
	WANT_STR(name, f->failure_reason_code, NULL);
	WANT_STR(name, f->additional_information, NULL);
}

/* check_full_detail - every failure detail field */
static void check_full_detail(const char *name, const struct tlsrpt_report *r)
{
	const struct tlsrpt_failure *f = &r->policies[0].failure_details[0];

	WANT_NUM(name, r->policies[0].nfailure_details, 1);
	WANT_STR(name, f->result_type, "starttls-not-supported");
	WANT_STR(name, f->sending_mta_ip, "2001:db8::1");
	WANT_STR(name, f->receiving_mx_hostname, "mx2.example.org");
	WANT_STR(name, f->receiving_mx_helo, "mx2-helo.example.org");
	WANT_STR(name, f->receiving_ip, "203.0.113.56");
	WANT_STR(name, f->failure_reason_code, "X509_V_ERR");
	WANT_STR(name, f->additional_information, "https://example.org/info");
	WANT_NUM(name, f->failed_session_count, 200);
}

/* check_error_code_alias - the draft failure-error-code */
static void check_error_code_alias(const char *name, const struct tlsrpt_report *r)
{
	WANT_STR(name, r->policies[0].failure_details[0].failure_reason_code, "DRAFT_CODE");
}

/* check_reason_code_wins - failure-reason-code is preferred over the draft name */
static void check_reason_code_wins(const char *name, const struct tlsrpt_report *r)
{
	WANT_STR(name, r->policies[0].failure_details[0].failure_reason_code, "RFC_CODE");
}

/* check_unknown_types - unknown policy-type and result-type pass through */
static void check_unknown_types(const char *name, const struct tlsrpt_report *r)
{
	WANT_STR(name, r->policies[0].policy_type, "invalid-policy-type");
	WANT_STR(name, r->policies[0].failure_details[0].result_type, "Testing");
}

/* check_missing_counts - missing counts and a missing summary are 0 */
static void check_missing_counts(const char *name, const struct tlsrpt_report *r)
{
	WANT_NUM(name, r->policies[0].total_successful_session_count, 0);
	WANT_NUM(name, r->policies[0].total_failure_session_count, 0);
	WANT_NUM(name, r->policies[0].failure_details[0].failed_session_count, 0);
}

/* check_wrong_types - string fields of another type are absent */
static void check_wrong_types(const char *name, const struct tlsrpt_report *r)
{
	WANT_STR(name, r->organization_name, NULL);
	WANT_STR(name, r->report_id, NULL);
	WANT_STR(name, r->start_datetime, NULL);
	WANT_STR(name, r->policies[0].policy_type, NULL);
	WANT_STR(name, r->policies[0].policy_domain, NULL);
	WANT_STR(name, r->policies[0].failure_details[0].result_type, NULL);
	WANT_STR(name, r->policies[0].failure_details[0].sending_mta_ip, NULL);
}

/* check_exact_counts - exponents and zero fractions read exactly */
static void check_exact_counts(const char *name, const struct tlsrpt_report *r)
{
	WANT_NUM(name, r->npolicies, 1);
	WANT_NUM(name, r->policies[0].total_successful_session_count, 1000);
	WANT_NUM(name, r->policies[0].total_failure_session_count, 5);
	WANT_NUM(name, r->policies[0].nfailure_details, 1);
	WANT_NUM(name, r->policies[0].failure_details[0].failed_session_count, 12);
}

/* check_count_below_max - 2^53 - 1, also written with a fraction and exponent */
static void check_count_below_max(const char *name, const struct tlsrpt_report *r)
{
	WANT_NUM(name, r->policies[0].total_successful_session_count, 9007199254740991ULL);
	WANT_NUM(name, r->policies[0].total_failure_session_count, 9007199254740991ULL);
}

/* check_backslash_u0000 - "a\\u0000b" is the 8 characters a\u0000b */
static void check_backslash_u0000(const char *name, const struct tlsrpt_report *r)
{
	WANT_STR(name, r->report_id, "a\\u0000b");
}

/* check_max_count - 2^53 is the largest count accepted */
static void check_max_count(const char *name, const struct tlsrpt_report *r)
{
	WANT_NUM(name, r->policies[0].total_successful_session_count, 9007199254740992ULL);
	WANT_NUM(name, r->policies[0].total_failure_session_count, 0);
}

/* check_zero_policies - an empty policies array */
static void check_zero_policies(const char *name, const struct tlsrpt_report *r)
{
	WANT_NUM(name, r->npolicies, 0);
	WANT_STR(name, r->report_id, "rid");
}

/* check_two_policies - two policies, details skipped when not objects */
static void check_two_policies(const char *name, const struct tlsrpt_report *r)
{
	WANT_NUM(name, r->npolicies, 2);
	WANT_STR(name, r->policies[1].policy_type, "no-policy-found");
	WANT_STR(name, r->policies[1].policy_domain, NULL);
	WANT_NUM(name, r->policies[1].nfailure_details, 1);
	WANT_NUM(name, r->policies[1].failure_details[0].failed_session_count, 4);
}

struct ok_case {
	const char *name;
	const char *json;
	void (*check)(const char *name, const struct tlsrpt_report *r);
};

static const struct ok_case ok_cases[] = {
        {"mx-host string",
         REPORT(POLICY(
                 "\"policy-type\":\"sts\",\"policy-domain\":\"example.org\",\"mx-host\":\"*.mail.example.org\"",
                 SUM_OK, "")),
         check_mx_string},
        {"mx-host array",
         REPORT(POLICY(
                 "\"policy-type\":\"sts\",\"mx-host\":[\"mx1.example.org\",7,\"mx2.example.org\",null]",
                 SUM_OK, "")),
         check_mx_array},
        {"mx-host empty array", REPORT(POLICY("\"mx-host\":[]", SUM_OK, "")), check_mx_absent},
        {"mx-host number", REPORT(POLICY("\"mx-host\":12", SUM_OK, "")), check_mx_absent},
        {"tlsa policy-string",
         REPORT(POLICY(
                 "\"policy-type\":\"tlsa\",\"policy-string\":[\"[\\\"3 1 1 AB\\\",\\\"3 1 1 CD\\\"]\"]",
                 SUM_OK, "")),
         check_tlsa},
        {"policy-string with a non-string",
         REPORT(POLICY("\"policy-string\":[\"version: STSv1\",{},\"mode: enforce\"]", SUM_OK, "")),
         check_policy_strings},
        {"policy-string lone string",
         REPORT(POLICY("\"policy-string\":\"version: STSv1\"", SUM_OK, "")),
         check_policy_string_lone},
        {"date-time without time zone",
         "{\"date-range\":{\"start-datetime\":\"2023-01-10T00:00:00\",\"end-datetime\":\"2023-01-11T00:00:00\"},\"policies\":[]}",
         check_no_tz},
        {"contact-info null",
         "{\"contact-info\":null,\"report-id\":\"rid\",\"policies\":[{\"policy\":{},\"summary\":{}}]}",
         check_contact_null},
        {"contact-info number", "{\"contact-info\":5,\"report-id\":\"rid\",\"policies\":[]}",
         check_contact_null},
        {"failure-details missing", REPORT(POLICY("\"policy-type\":\"sts\"", SUM_OK, "")),
         check_no_details},
        {"failure-details empty",
         REPORT(POLICY("\"policy-type\":\"sts\"", SUM_OK, ",\"failure-details\":[]")),
         check_no_details},
        {"failure-details not an array",
         REPORT(POLICY("\"policy-type\":\"sts\"", SUM_OK, ",\"failure-details\":{}")),
         check_no_details},
        {"failure detail minimal",
         REPORT(POLICY(
                 "\"policy-type\":\"sts\"", SUM_OK,
                 ",\"failure-details\":[{\"result-type\":\"sts-policy-fetch-error\",\"failed-session-count\":3}]")),
         check_minimal_detail},
        {"failure detail full",
         REPORT(POLICY(
                 "\"policy-type\":\"sts\"", SUM_OK,
                 ",\"failure-details\":[{\"result-type\":\"starttls-not-supported\",\"sending-mta-ip\":\"2001:db8::1\",\"receiving-mx-hostname\":\"mx2.example.org\",\"receiving-mx-helo\":\"mx2-helo.example.org\",\"receiving-ip\":\"203.0.113.56\",\"failed-session-count\":200,\"additional-information\":\"https://example.org/info\",\"failure-reason-code\":\"X509_V_ERR\"}]")),
         check_full_detail},
        {"failure-error-code alias",
         REPORT(POLICY(
                 "", SUM_OK,
                 ",\"failure-details\":[{\"result-type\":\"validation-failure\",\"failed-session-count\":3,\"failure-error-code\":\"DRAFT_CODE\"}]")),
         check_error_code_alias},
        {"failure-reason-code preferred",
         REPORT(POLICY(
                 "", SUM_OK,
                 ",\"failure-details\":[{\"failure-error-code\":\"DRAFT_CODE\",\"failure-reason-code\":\"RFC_CODE\"}]")),
         check_reason_code_wins},
        {"unknown types",
         REPORT(POLICY(
                 "\"policy-type\":\"invalid-policy-type\"", SUM_OK,
                 ",\"failure-details\":[{\"result-type\":\"Testing\",\"additional-info-uri\":\"x\",\"failed-session-count\":3}]")),
         check_unknown_types},
        {"missing counts",
         "{\"policies\":[{\"policy\":{\"policy-type\":\"sts\"},\"failure-details\":[{\"result-type\":\"x\"}]}]}",
         check_missing_counts},
        {"wrong types",
         "{\"organization-name\":1,\"report-id\":[],\"date-range\":\"today\",\"policies\":[{\"policy\":{\"policy-type\":true,\"policy-domain\":{}},\"summary\":[],\"failure-details\":[{\"result-type\":null,\"sending-mta-ip\":4}]}]}",
         check_wrong_types},
        {"count 2^53 and -0",
         REPORT(POLICY(
                 "",
                 "\"total-successful-session-count\":9007199254740992,\"total-failure-session-count\":-0",
                 "")),
         check_max_count},
        {"count 0.0e0",
         REPORT(POLICY(
                 "",
                 "\"total-successful-session-count\":9007199254740992,\"total-failure-session-count\":0.0e0",
                 "")),
         check_max_count},
        {"counts 1e3, 0.5e1, 12.000: read from their digits",
         REPORT(POLICY(
                 "", "\"total-successful-session-count\":1e3,\"total-failure-session-count\":0.5e1",
                 ",\"failure-details\":[{\"failed-session-count\":12.000}]")),
         check_exact_counts},
        {"count 2^53 - 1 from its digits",
         REPORT(POLICY(
                 "",
                 "\"total-successful-session-count\":9007199254740991,\"total-failure-session-count\":90071992547409910e-1",
                 "")),
         check_count_below_max},
        {"escaped backslash before u0000 is text, not NUL",
         "{\"report-id\":\"a\\\\u0000b\",\"policies\":[]}", check_backslash_u0000},
        {"trailing white space", "{\"report-id\":\"rid\",\"policies\":[]} \r\n\t ",
         check_zero_policies},
        {"zero policies", "{\"report-id\":\"rid\",\"policies\":[]}", check_zero_policies},
        {"BOM, white space, trailing newline",
         "\xef\xbb\xbf \n{\"report-id\":\"rid\",\"policies\":[]}\n", check_zero_policies},
        {"two policies",
         "{\"policies\":[{\"policy\":{}},{\"policy\":{\"policy-type\":\"no-policy-found\"},\"failure-details\":[1,\"x\",{\"failed-session-count\":4},null]}]}",
         check_two_policies},
};

/* test_quirks - every tolerated quirk parses to what it means */
static void test_quirks(void **state)
{
	struct tlsrpt_report *r;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *c = &ok_cases[i];

		err[0] = '\0';
		if (tlsrpt_report_parse(c->json, strlen(c->json), &r, err, sizeof(err)) != 0) {
			fail_msg("%s: got refused (%s), want parsed", c->name, err);
		}
		assert_non_null(r);
		c->check(c->name, r);
		tlsrpt_report_free(r);
	}
}

struct bad_case {
	const char *name;
	const char *json;
	const char *want; /* the reason, exactly */
};

static const struct bad_case bad_cases[] = {
        {"empty", "", "not JSON (at byte 0)"},
        {"not JSON", "hello", "not JSON (at byte 0)"},
        /* Text that ends early: cJSON points at its last byte. */
        {"truncated", "{\"policies\":[{\"policy\":", "not JSON (at byte 22)"},
        {"bad token", "{\"policies\": tru}", "not JSON (at byte 13)"},
        {"array", "[{\"policies\":[]}]", "report is not a JSON object"},
        {"string", "\"report\"", "report is not a JSON object"},
        {"null", "null", "report is not a JSON object"},
        {"no policies", "{\"report-id\":\"rid\"}", "no policies array"},
        {"policies object", "{\"policies\":{}}", "policies is not an array"},
        {"policies null", "{\"policies\":null}", "policies is not an array"},
        {"policy entry a string", "{\"policies\":[{\"policy\":{}},\"sts\"]}",
         "policy entry is not a JSON object"},
        {"negative success count", REPORT(POLICY("", "\"total-successful-session-count\":-1", "")),
         "total-successful-session-count is not a non-negative integer"},
        {"negative failure count", REPORT(POLICY("", "\"total-failure-session-count\":-5", "")),
         "total-failure-session-count is not a non-negative integer"},
        {"fractional count", REPORT(POLICY("", "\"total-failure-session-count\":1.5", "")),
         "total-failure-session-count is not a non-negative integer"},
        {"string count", REPORT(POLICY("", "\"total-successful-session-count\":\"5\"", "")),
         "total-successful-session-count is not a non-negative integer"},
        {"null count", REPORT(POLICY("", "\"total-successful-session-count\":null", "")),
         "total-successful-session-count is not a non-negative integer"},
        {"count over 2^53",
         REPORT(POLICY("", "\"total-successful-session-count\":9007199254740994", "")),
         "total-successful-session-count is not a non-negative integer"},
        {"count 1e300", REPORT(POLICY("", "\"total-failure-session-count\":1e300", "")),
         "total-failure-session-count is not a non-negative integer"},
        /* the double of each of these is an integer <= 2^53: only the digits tell */
        {"count 2^53 + 1",
         REPORT(POLICY("", "\"total-successful-session-count\":9007199254740993", "")),
         "total-successful-session-count is not a non-negative integer"},
        {"count 1 + 10^-19",
         REPORT(POLICY("", "\"total-failure-session-count\":1.0000000000000000001", "")),
         "total-failure-session-count is not a non-negative integer"},
        {"count 2^53 + 1 as 9007199254740993e0",
         REPORT(POLICY("", SUM_OK,
                       ",\"failure-details\":[{\"failed-session-count\":9007199254740993e0}]")),
         "failed-session-count is not a non-negative integer"},
        {"count 10^16", REPORT(POLICY("", "\"total-failure-session-count\":1e16", "")),
         "total-failure-session-count is not a non-negative integer"},
        {"count of 30 digits",
         REPORT(POLICY("", "\"total-failure-session-count\":123456789012345678901234567890", "")),
         "total-failure-session-count is not a non-negative integer"},
        /* JSON readers differ on which duplicate wins: none is picked */
        {"duplicate report-id", "{\"report-id\":\"a\",\"policies\":[],\"report-id\":\"b\"}",
         "duplicate member report-id"},
        {"duplicate policies", "{\"policies\":[],\"policies\":[{}]}", "duplicate member policies"},
        {"duplicate start-datetime",
         "{\"date-range\":{\"start-datetime\":\"a\",\"start-datetime\":\"b\"},\"policies\":[]}",
         "duplicate member start-datetime"},
        {"duplicate policy-domain",
         REPORT(POLICY("\"policy-domain\":\"real.example\",\"policy-domain\":\"forged.example\"",
                       SUM_OK, "")),
         "duplicate member policy-domain"},
        {"duplicate summary", REPORT("[{\"summary\":{},\"summary\":{}}]"),
         "duplicate member summary"},
        {"duplicate total-failure-session-count",
         REPORT(POLICY("", "\"total-failure-session-count\":9,\"total-failure-session-count\":0",
                       "")),
         "duplicate member total-failure-session-count"},
        {"duplicate failed-session-count",
         REPORT(POLICY(
                 "", SUM_OK,
                 ",\"failure-details\":[{\"failed-session-count\":1,\"failed-session-count\":100}]")),
         "duplicate member failed-session-count"},
        /* a C string would end at the NUL: "visible" */
        {"NUL escape in a value", "{\"policies\":[],\"report-id\":\"visible\\u0000hidden\"}",
         "NUL character in a JSON string (at byte 35)"},
        {"NUL escape in a name", "{\"policies\":[],\"report-id\\u0000x\":\"a\"}",
         "NUL character in a JSON string (at byte 25)"},
        {"trailing garbage", "{\"policies\":[]}x",
         "trailing data after the report object (at byte 15)"},
        {"second object", "{\"policies\":[]}\n{\"policies\":[]}",
         "trailing data after the report object (at byte 16)"},
        {"negative failed-session-count",
         REPORT(POLICY(
                 "", SUM_OK,
                 ",\"failure-details\":[{\"result-type\":\"a\",\"sending-mta-ip\":\"b\",\"failed-session-count\":-3}]")),
         "failed-session-count is not a non-negative integer"},
        {"fractional failed-session-count after good ones",
         "{\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"mx-host\":[\"a\"],\"policy-string\":[\"x\"]},\"failure-details\":[{\"failed-session-count\":1},{\"result-type\":\"r\",\"failed-session-count\":0.25}]}]}",
         "failed-session-count is not a non-negative integer"},
};

/* test_refusals - each refusal with its reason, nothing left allocated */
static void test_refusals(void **state)
{
	struct tlsrpt_report *r;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		r = (struct tlsrpt_report *)&r; /* must be reset to NULL */
		err[0] = '\0';
		if (tlsrpt_report_parse(c->json, strlen(c->json), &r, err, sizeof(err)) != -1) {
			fail_msg("%s: got parsed, want refused with \"%s\"", c->name, c->want);
		}
		if (r != NULL) {
			fail_msg("%s: *out: got %p, want NULL", c->name, (void *)r);
		}
		if (strcmp(err, c->want) != 0) {
			fail_msg("%s: reason: got \"%s\", want \"%s\"", c->name, err, c->want);
		}
	}
}

/* test_length_bound - only len bytes are read: a valid prefix of a longer text */
static void test_length_bound(void **state)
{
	static const char text[] = "{\"report-id\":\"rid\",\"policies\":[]}GARBAGE{";
	struct tlsrpt_report *r;
	char err[256];

	(void)state;
	if (tlsrpt_report_parse(text, 33, &r, err, sizeof(err)) != 0) {
		fail_msg("first 33 bytes: got refused (%s), want parsed", err);
	}
	tlsrpt_report_free(r);
	if (tlsrpt_report_parse(text, 20, &r, err, sizeof(err)) != -1) {
		fail_msg("first 20 bytes: got parsed, want refused");
	}
	tlsrpt_report_free(NULL);
}

/* slurp - read a whole file; NULL on failure */
static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*len = 0;
	if (fp == NULL) {
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL) {
			*len = fread(buf, 1, (size_t)n, fp);
			buf[*len] = '\0';
		}
	}
	fclose(fp);
	return buf;
}

/* test_real_samples - every real report in tests/data/real parses */
static void test_real_samples(void **state)
{
	const char *dir = TEST_SRCDIR "/data/real";
	struct tlsrpt_report *r;
	struct dirent *de;
	char path[4096], err[256];
	size_t len, count = 0;
	char *json;
	DIR *d;

	(void)state;
	d = opendir(dir);
	if (d == NULL) {
		skip();
	}
	while ((de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name);

		if (nl < 5 || strcmp(de->d_name + nl - 5, ".json") != 0) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		json = slurp(path, &len);
		if (json == NULL) {
			fail_msg("%s: got unreadable, want a file", path);
		}
		if (tlsrpt_report_parse(json, len, &r, err, sizeof(err)) != 0) {
			fail_msg("%s: got refused (%s), want parsed", de->d_name, err);
		}
		if (r->npolicies == 0 || r->report_id == NULL) {
			fail_msg("%s: got %zu policies, report-id %s, want both", de->d_name,
			         r->npolicies, show(r->report_id));
		}
		tlsrpt_report_free(r);
		free(json);
		count++;
	}
	closedir(d);
	if (count == 0) {
		fail_msg("%s: got no .json file, want the real samples", dir);
	}
}

/* big_report - a report with n failure details and a long organization-name; malloc'd text */
static char *big_report(size_t n, size_t namelen, const char *rid)
{
	size_t cap = 256 + namelen + n * 160, len = 0, i;
	char *s = malloc(cap);

	if (s == NULL) {
		return NULL;
	}
	len += (size_t)snprintf(s + len, cap - len,
	                        "{\"report-id\":\"%s\",\"organization-name\":\"", rid);
	memset(s + len, 'o', namelen);
	len += namelen;
	len += (size_t)snprintf(
	        s + len, cap - len,
	        "\",\"policies\":[{\"summary\":{\"total-failure-session-count\":%zu},\"failure-details\":[",
	        n);
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(
		        s + len, cap - len,
		        "%s{\"result-type\":\"starttls-not-supported\",\"sending-mta-ip\":\"192.0.2.%zu\",\"failed-session-count\":%zu}",
		        i ? "," : "", i % 256, i + 1);
	}
	snprintf(s + len, cap - len, "]}]}");
	return s;
}

/* check_big - what big_report(n, namelen, rid) must parse into */
static void check_big(const struct tlsrpt_report *r, size_t n, size_t namelen, const char *rid)
{
	const struct tlsrpt_policy *p;
	char ip[32];
	size_t i;

	if (r->report_id == NULL || strcmp(r->report_id, rid) != 0 || r->npolicies != 1) {
		fail_msg("report %s: got report-id %s, %zu policies, want %s and 1", rid,
		         show(r->report_id), r->npolicies, rid);
	}
	if (r->organization_name == NULL || strlen(r->organization_name) != namelen ||
	    r->organization_name[namelen - 1] != 'o') {
		fail_msg("report %s: got an organization-name of %zu bytes, want %zu", rid,
		         r->organization_name ? strlen(r->organization_name) : 0, namelen);
	}
	p = &r->policies[0];
	if (p->nfailure_details != n || p->total_failure_session_count != n) {
		fail_msg("report %s: got %zu details, count %llu, want %zu", rid,
		         p->nfailure_details, (unsigned long long)p->total_failure_session_count,
		         n);
	}
	for (i = 0; i < n; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%zu", i % 256);
		if (p->failure_details[i].failed_session_count != i + 1 ||
		    strcmp(show(p->failure_details[i].sending_mta_ip), ip) != 0 ||
		    strcmp(show(p->failure_details[i].result_type), "starttls-not-supported") !=
		            0) {
			fail_msg("report %s detail %zu: got %s count %llu, want %s count %zu", rid,
			         i, show(p->failure_details[i].sending_mta_ip),
			         (unsigned long long)p->failure_details[i].failed_session_count, ip,
			         i + 1);
		}
	}
}

/* test_arena_lifetime - a report outlives its text and later parses; big strings survive */
static void test_arena_lifetime(void **state)
{
	struct tlsrpt_report *a, *b;
	char err[256];
	char *ta = big_report(5000, 3 << 20, "first"); /* a 3 MiB string: a block of its own */
	char *tb = big_report(3, 10, "second");

	(void)state;
	assert_non_null(ta);
	assert_non_null(tb);
	if (tlsrpt_report_parse(ta, strlen(ta), &a, err, sizeof(err)) != 0) {
		fail_msg("first: got refused (%s), want parsed", err);
	}
	memset(ta, 'x', strlen(ta));
	free(ta);
	if (tlsrpt_report_parse(tb, strlen(tb), &b, err, sizeof(err)) != 0) {
		fail_msg("second: got refused (%s), want parsed", err);
	}
	free(tb);
	check_big(a, 5000, 3 << 20, "first");
	tlsrpt_report_free(a);
	check_big(b, 3, 10, "second");
	tlsrpt_report_free(b);
}

struct parser_arg {
	int id;
	int bad; /* set by the thread when a parse went wrong */
};

/* parser - thread body: parse and check reports of its own, and a refused one */
static void *parser(void *p)
{
	struct parser_arg *arg = p;
	struct tlsrpt_report *r;
	char rid[32], err[256];
	int i;

	for (i = 0; i < 20 && !arg->bad; i++) {
		char *t;

		snprintf(rid, sizeof(rid), "thread-%d-%d", arg->id, i);
		t = big_report((size_t)(50 + 37 * arg->id), 100, rid);
		if (t == NULL || tlsrpt_report_parse(t, strlen(t), &r, err, sizeof(err)) != 0) {
			arg->bad = 1;
		} else {
			arg->bad = r->report_id == NULL || strcmp(r->report_id, rid) != 0 ||
			           r->policies[0].nfailure_details != (size_t)(50 + 37 * arg->id);
			tlsrpt_report_free(r);
		}
		free(t);
		if (tlsrpt_report_parse("{\"policies\":[1,", 15, &r, err, sizeof(err)) != -1) {
			arg->bad = 1;
		}
	}
	return NULL;
}

/* test_arena_threads - threads parsing at the same time do not mix their arenas */
static void test_arena_threads(void **state)
{
	pthread_t t[4];
	struct parser_arg arg[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		arg[i].id = i;
		arg[i].bad = 0;
		assert_int_equal(pthread_create(&t[i], NULL, parser, &arg[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		if (arg[i].bad) {
			fail_msg("thread %d: got a wrong or refused report, want its own reports",
			         i);
		}
	}
}

/* test_raw_nul - a raw NUL byte inside a string is refused like \\u0000 */
static void test_raw_nul(void **state)
{
	static const char text[] = "{\"policies\":[],\"report-id\":\"visible\0hidden\"}";
	struct tlsrpt_report *r;
	char err[256];

	(void)state;
	if (tlsrpt_report_parse(text, sizeof(text) - 1, &r, err, sizeof(err)) != -1) {
		fail_msg("raw NUL: got parsed (report-id %s), want refused", show(r->report_id));
	}
	if (strcmp(err, "NUL character in a JSON string (at byte 35)") != 0) {
		fail_msg(
		        "raw NUL: reason: got \"%s\", want \"NUL character in a JSON string (at byte 35)\"",
		        err);
	}
}

/* shape - head, n copies of elem, tail: a worst-shape text (malloc'd) */
static char *shape(const char *head, const char *elem, size_t n, const char *tail, size_t *len)
{
	size_t hl = strlen(head), el = strlen(elem), tl = strlen(tail), i;
	char *t = malloc(hl + n * el + tl + 1);

	assert_non_null(t);
	memcpy(t, head, hl);
	for (i = 0; i < n; i++) {
		memcpy(t + hl + i * el, elem, el);
	}
	memcpy(t + hl + n * el, tail, tl + 1);
	*len = hl + n * el + tl;
	return t;
}

/* cpu - process CPU seconds */
static double cpu(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

/* test_worst_shapes - 20 MiB of 2- and 3-byte nodes: refused at the tree bound, in bounded time */
static void test_worst_shapes(void **state)
{
	static const struct {
		const char *head, *elem, *tail;
	} shapes[] = {
	        {"{\"policies\":[", "0,", "0]}"},   /* valid */
	        {"{\"policies\":[", "0,", "0,x"},   /* invalid at the very end */
	        {"{\"policies\":[", "{},", "{}]}"}, /* empty policies */
	        {"{\"policies\":[{\"failure-details\":[", "{},", "{}]}]}"},
	};
	char want[64];
	size_t i, len;

	(void)state;
	snprintf(want, sizeof(want), "JSON tree over %zu bytes", (size_t)TLSRPT_DEF_MAX_JSON_TREE);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		size_t n = (20u << 20) / strlen(shapes[i].elem) - 16;
		char *t = shape(shapes[i].head, shapes[i].elem, n, shapes[i].tail, &len);
		struct tlsrpt_report *r;
		char err[256];
		double t0 = cpu(), used;

		if (tlsrpt_report_parse(t, len, &r, err, sizeof(err)) != -1) {
			fail_msg("shape %zu: got parsed, want refused", i);
		}
		used = cpu() - t0;
		free(t);
		if (strcmp(err, want) != 0) {
			fail_msg("shape %zu: reason: got \"%s\", want \"%s\"", i, err, want);
		}
		/* 0.3 s here; 13 s when the failed tree was freed node by node */
		if (used > 3.0) {
			fail_msg("shape %zu: got %.2f s of CPU, want under 3 s", i, used);
		}
	}
}

/* test_types_before_storage - a policies array of numbers: refused for its type, not memory */
static void test_types_before_storage(void **state)
{
	size_t len;
	char *t = shape("{\"policies\":[", "0,", 10000, "0]}", &len);
	struct tlsrpt_report *r;
	char err[256];

	(void)state;
	/* 10,001 nodes of 64 bytes fit in 1 MiB; 10,001 policy structs besides do not */
	if (tlsrpt_report_parse_bounded(t, len, 1u << 20, NULL, NULL, &r, err, sizeof(err)) != -1) {
		fail_msg("got parsed, want refused");
	}
	free(t);
	if (strcmp(err, "policy entry is not a JSON object") != 0) {
		fail_msg("reason: got \"%s\", want \"policy entry is not a JSON object\"", err);
	}
}

/* test_budget - over the shared budget: -2, busy; every byte charged comes back */
static void test_budget(void **state)
{
	struct tlsrpt_budget small = TLSRPT_BUDGET_INIT(256u << 10), big = TLSRPT_BUDGET_INIT(0);
	char *t = big_report(2000, 10, "budget");
	struct tlsrpt_report *r;
	char err[256];
	size_t spent = 0;
	int rc;

	(void)state;
	assert_non_null(t);
	rc = tlsrpt_report_parse_bounded(t, strlen(t), 0, &small, &spent, &r, err, sizeof(err));
	if (rc != -2 || strcmp(err, "memory budget exhausted") != 0) {
		fail_msg("small budget: got %d \"%s\", want -2 \"memory budget exhausted\"", rc,
		         err);
	}
	if (tlsrpt_budget_used(&small) != 0) {
		fail_msg("small budget: got %zu bytes still charged, want 0",
		         tlsrpt_budget_used(&small));
	}
	rc = tlsrpt_report_parse_bounded(t, strlen(t), 0, &big, &spent, &r, err, sizeof(err));
	if (rc != 0) {
		fail_msg("no ceiling: got %d (%s), want parsed", rc, err);
	}
	if (tlsrpt_budget_used(&big) == 0 || spent < tlsrpt_budget_used(&big)) {
		fail_msg("no ceiling: got %zu charged and %zu spent, want 0 < charged <= spent",
		         tlsrpt_budget_used(&big), spent);
	}
	tlsrpt_report_free(r);
	if (tlsrpt_budget_used(&big) != 0) {
		fail_msg("after free: got %zu bytes still charged, want 0",
		         tlsrpt_budget_used(&big));
	}
	free(t);
}

/* test_message_budget - a message budget takes small charges exactly, then the whole at once */
static void test_message_budget(void **state)
{
	struct tlsrpt_budget shared = TLSRPT_BUDGET_INIT(1000), m1, m2;

	(void)state;
	tlsrpt_budget_child(&m1, &shared, 100, 600);
	tlsrpt_budget_child(&m2, &shared, 100, 600);
	assert_int_equal(tlsrpt_budget_take(&m1, 60), 0);
	assert_int_equal(tlsrpt_budget_take(&m2, 60), 0);
	if (tlsrpt_budget_used(&shared) != 120) {
		fail_msg("two small charges: got %zu charged, want 120",
		         tlsrpt_budget_used(&shared));
	}
	/* m1 passes small: it takes the whole 600 (540 more) */
	assert_int_equal(tlsrpt_budget_take(&m1, 60), 0);
	if (tlsrpt_budget_used(&shared) != 660) {
		fail_msg("m1 past small: got %zu charged, want 660", tlsrpt_budget_used(&shared));
	}
	/* m2 cannot: refused, nothing more charged; m1 goes on within what it holds */
	if (tlsrpt_budget_take(&m2, 60) != -1) {
		fail_msg("m2 past small with 340 left: got granted, want refused");
	}
	assert_int_equal(tlsrpt_budget_take(&m1, 480), 0);
	if (tlsrpt_budget_used(&shared) != 660) {
		fail_msg("m1 within its whole: got %zu charged, want 660",
		         tlsrpt_budget_used(&shared));
	}
	tlsrpt_budget_give(&m1, 600);
	tlsrpt_budget_release(&m1);
	tlsrpt_budget_give(&m2, 60);
	tlsrpt_budget_release(&m2);
	if (tlsrpt_budget_used(&shared) != 0) {
		fail_msg("released: got %zu charged, want 0", tlsrpt_budget_used(&shared));
	}
}

/* message - a multipart message of three application/json parts (malloc'd) */
static char *message(const char *p1, const char *p2, const char *p3, size_t *len)
{
	static const char head[] =
	        "From: r@example.net\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n";
	static const char part[] = "--b\r\nContent-Type: application/json\r\n\r\n";
	const char *parts[3] = {p1, p2, p3};
	size_t cap = sizeof(head) + 3 * sizeof(part) + strlen(p1) + strlen(p2) + strlen(p3) + 64;
	char *m = malloc(cap);
	int i;

	assert_non_null(m);
	strcpy(m, head);
	for (i = 0; i < 3; i++) {
		strcat(m, part);
		strcat(m, parts[i]);
		strcat(m, "\r\n");
	}
	strcat(m, "--b--\r\n");
	*len = strlen(m);
	return m;
}

/* run_message - feed a message through a pipeline at lim, with budget b (NULL: none) */
static struct tlsrpt_pipeline *run_message(const char *m, size_t len,
                                           const struct tlsrpt_limits *lim, struct tlsrpt_budget *b)
{
	char err[256];
	struct tlsrpt_pipeline *p =
	        tlsrpt_pipeline_new(lim, TLSRPT_INPUT_MESSAGE, err, sizeof(err));

	if (p == NULL) {
		fail_msg("pipeline: %s", err);
	}
	if (b != NULL) {
		tlsrpt_pipeline_set_budget(p, b);
	}
	if (tlsrpt_pipeline_feed(p, m, len, err, sizeof(err)) < 0 ||
	    tlsrpt_pipeline_finish(p, err, sizeof(err)) == NULL) {
		fail_msg("pipeline: internal failure: %s", err);
	}
	return p;
}

/* test_message_totals - the parts of one message share MaxReportSize and the tree bound */
static void test_message_totals(void **state)
{
	static const char *const want[] = {
	        "error JSON tree over 262144 bytes",
	        "report",
	        "error reports of this message exceed MaxReportSize (65536 bytes) in total",
	};
	struct tlsrpt_limits lim;
	size_t len, zl, i, n = 0;
	char *zeros = shape("{\"policies\":[", "0,", 20000, "0]}", &zl);
	char *m = message(zeros, "{\"policies\":[]}", zeros, &len);
	const struct tlsrpt_records *rs;
	struct tlsrpt_pipeline *p;

	(void)state;
	tlsrpt_limits_default(&lim);
	lim.max_report_size = 64 << 10;
	lim.max_json_tree = 256 << 10;
	p = run_message(m, len, &lim, NULL);
	rs = tlsrpt_pipeline_records(p);
	for (i = 0; i < rs->n; i++) {
		const struct tlsrpt_record *r = &rs->v[i];
		const struct tlsrpt_field *f = tlsrpt_record_get(r, "reason");
		char got[256];

		if (r->event != TLSRPT_EV_ERROR && r->event != TLSRPT_EV_REPORT) {
			continue;
		}
		snprintf(got, sizeof(got), "%s%s%s", tlsrpt_event_name(r->event),
		         f != NULL && f->str != NULL ? " " : "", f != NULL && f->str ? f->str : "");
		if (n >= 3 || strcmp(got, want[n]) != 0) {
			fail_msg("record %zu: got \"%s\", want \"%s\"", n, got,
			         n < 3 ? want[n] : "none");
		}
		n++;
	}
	if (n != 3) {
		fail_msg("got %zu report and error records, want 3", n);
	}
	tlsrpt_pipeline_free(p);
	free(m);
	free(zeros);
}

/* test_message_busy - a message the shared budget cannot hold is busy; the budget comes back */
static void test_message_busy(void **state)
{
	struct tlsrpt_budget b = TLSRPT_BUDGET_INIT(200u << 10);
	struct tlsrpt_limits lim;
	size_t len, zl;
	char *zeros = shape("{\"policies\":[", "0,", 20000, "0]}", &zl);
	char *m = message("{\"policies\":[]}", zeros, "{\"policies\":[]}", &len);
	const struct tlsrpt_outcome *o;
	struct tlsrpt_pipeline *p;
	char err[256];

	(void)state;
	tlsrpt_limits_default(&lim);
	p = run_message(m, len, &lim, &b);
	if (!tlsrpt_pipeline_busy(p)) {
		fail_msg("200 KiB budget: got not busy, want busy");
	}
	tlsrpt_pipeline_free(p);
	if (tlsrpt_budget_used(&b) != 0) {
		fail_msg("after free: got %zu bytes charged, want 0", tlsrpt_budget_used(&b));
	}
	b.max = 0;
	p = run_message(m, len, &lim, &b);
	o = tlsrpt_pipeline_finish(p, err, sizeof(err)); /* again: the same outcome */
	if (o == NULL || o->busy || o->reports_ok != 2 || o->errors != 1) {
		fail_msg(
		        "no ceiling: got busy %d, %u reports, %u errors, want not busy, 2 reports and the numbers' error",
		        o ? o->busy : -1, o ? o->reports_ok : 0, o ? o->errors : 0);
	}
	tlsrpt_pipeline_free(p);
	free(m);
	free(zeros);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_quirks),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_length_bound),
	        cmocka_unit_test(test_real_samples),
	        cmocka_unit_test(test_arena_lifetime),
	        cmocka_unit_test(test_arena_threads),
	        cmocka_unit_test(test_raw_nul),
	        cmocka_unit_test(test_worst_shapes),
	        cmocka_unit_test(test_types_before_storage),
	        cmocka_unit_test(test_budget),
	        cmocka_unit_test(test_message_budget),
	        cmocka_unit_test(test_message_totals),
	        cmocka_unit_test(test_message_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
