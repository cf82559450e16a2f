/*
 * test_policystr.c - what a policy-string says: mode, max_age, mx, policy hash
 *
 * Policies as real senders write them (Microsoft's sts and tlsa pair from
 * tests/data/real/cry-inc-dmarc-report-viewer--microsoft.json, the TLSA set
 * as one string holding a JSON array; the RFC 8460 example's sts lines)
 * and the same policies written otherwise (records one a string, in
 * another order, case and spacing): the same hash for the same policy,
 * another for a changed record, max_age or mx; the values read; a policy
 * without policy-string has no hash.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policystr.h"
#include "report.h"

#define HEX1 "6007EEE553E85D8DF007A845D19EC343283D4E416E9A33F9EF3040C8B7C285BC"
#define REC1 "3 1 1 " HEX1
#define REC2 "3 1 1 837C773D54C2E2BD71871A3FC352BE8214D5646CBAE5E3091401A7274717998B"

/* rd - policy-string strs (n of them) of type into *out */
static void rd(const char *type, const char *const *strs, size_t n, struct tlsrpt_policystr *out)
{
	struct tlsrpt_policy p;

	memset(&p, 0, sizeof(p));
	p.policy_type = (char *)type;
	p.policy_string = (char **)strs;
	p.npolicy_string = n;
	tlsrpt_policystr_read(&p, out);
}

static void hex16(const char *h)
{
	size_t i;

	assert_int_equal(strlen(h), 16);
	for (i = 0; i < 16; i++) {
		assert_true((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'));
	}
}

static void test_tlsa(void **state)
{
	static const char *const ms[] = {"[\"" REC1 "\",\"" REC2 "\"]"};
	static const char *const split[] = {
	        "3 1 1 837c773d54c2e2bd71871a3fc352be8214d5646cbae5e3091401a7274717998b",
	        "  3  1 1\t" HEX1 " "};
	static const char *const lines[] = {REC2 "\r\n" REC1};
	static const char *const one[] = {"[\"" REC1 "\"]"};
	static const char *const other[] = {"[\"" REC1 "\",\"3 1 1 00\"]"};
	struct tlsrpt_policystr a, b;

	(void)state;
	rd("tlsa", ms, 1, &a);
	hex16(a.hash);
	assert_string_equal(a.mode, "");
	assert_int_equal(a.max_age, -1);
	assert_string_equal(a.mx, "");
	rd("tlsa", split, 2, &b);
	assert_string_equal(a.hash, b.hash);
	rd("TLSA", lines, 1, &b);
	assert_string_equal(a.hash, b.hash);
	rd("tlsa", one, 1, &b);
	assert_string_not_equal(a.hash, b.hash);
	rd("tlsa", other, 1, &b);
	assert_string_not_equal(a.hash, b.hash);
}

static void test_sts(void **state)
{
	static const char *const ms[] = {"version: STSv1", "mode: enforce", "mx: *.random.net",
	                                 "max_age: 2592000"};
	static const char *const shuffled[] = {"max_age:2592000\r\nMX:   *.random.net",
	                                       " Mode : enforce ", "VERSION: STSv1"};
	static const char *const longer[] = {"version: STSv1", "mode: enforce", "mx: *.random.net",
	                                     "max_age: 604800"};
	static const char *const two_mx[] = {"version: STSv1", "mode: testing",
	                                     "mx: mx1.example.com", "mx: *.example.net",
	                                     "max_age: 86400x"};
	struct tlsrpt_policystr a, b;

	(void)state;
	rd("sts", ms, 4, &a);
	hex16(a.hash);
	assert_string_equal(a.mode, "enforce");
	assert_int_equal(a.max_age, 2592000);
	assert_string_equal(a.mx, "*.random.net");
	rd("sts", shuffled, 3, &b);
	assert_string_equal(a.hash, b.hash);
	assert_int_equal(b.max_age, 2592000);
	rd("sts", longer, 4, &b);
	assert_string_not_equal(a.hash, b.hash);
	assert_int_equal(b.max_age, 604800);
	rd("sts", two_mx, 5, &b);
	assert_string_equal(b.mode, "testing");
	assert_int_equal(b.max_age, -1); /* not decimal digits: not logged */
	assert_string_equal(b.mx, "mx1.example.com,*.example.net");
}

/* a policy without policy-string has no hash; an empty one has one; a long mx list is cut */
static void test_edges(void **state)
{
	static const char *const empty[] = {""};
	static const char *const many[] = {"mx: a-very-long-name-of-forty-bytes.example.com\nmx: "
	                                   "a-very-long-name-of-forty-bytes.example.com\nmx: "
	                                   "a-very-long-name-of-forty-bytes.example.com\nmx: "
	                                   "a-very-long-name-of-forty-bytes.example.com\nmx: "
	                                   "a-very-long-name-of-forty-bytes.example.com\nmx: "
	                                   "a-very-long-name-of-forty-bytes.example.com\nmx: "
	                                   "a-very-long-name-of-forty-bytes.example.com\n"};
	struct tlsrpt_policystr a;

	(void)state;
	rd("no-policy-found", NULL, 0, &a);
	assert_string_equal(a.hash, "");
	rd("sts", empty, 1, &a);
	hex16(a.hash);
	rd("sts", many, 1, &a);
	assert_true(strlen(a.mx) > TLSRPT_MAX_VALUE_LEN); /* cut, so the escaper marks it */
	assert_true(strlen(a.mx) <= TLSRPT_MAX_VALUE_LEN + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_tlsa),
	        cmocka_unit_test(test_sts),
	        cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
