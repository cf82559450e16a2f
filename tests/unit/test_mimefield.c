/*
 * test_mimefield.c - unit tests for the MIME header-field value parsers
 *
 * Tables of field values (what follows the colon) with the type, boundary,
 * name, file name and transfer encoding each must give, including the
 * invalid forms that fall back to text/plain and the RFC 2231 forms.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mimefield.h"

struct type_case {
	const char *value;
	const char *type; /* "" when invalid */
	int multipart;
	const char *boundary;
	const char *name;
};

static const struct type_case type_cases[] = {
        {"text/plain", "text/plain", 0, "", ""},
        {"Application/TLSRPT+GZIP", "application/tlsrpt+gzip", 0, "", ""},
        {" (comment) text (c2) / (c3) html ; charset=utf-8", "text/html", 0, "", ""},
        {"multipart/mixed; boundary=\"b 1\"", "multipart/mixed", 1, "b 1", ""},
        {"multipart/report; report-type=tlsrpt; boundary=xyz (c)", "multipart/report", 1, "xyz",
         ""},
        {"multipart/mixed", "", 0, "", ""},
        {"multipart/mixed; boundary=\"\"", "", 0, "", ""},
        {"multipart/mixed; boundary=\"12345678901234567890123456789012345678901234567890123456789012345678901\"",
         "", 0, "", ""},
        {"multipart/mixed; boundary=1234567890123456789012345678901234567890123456789012345678901234567890",
         "multipart/mixed", 1,
         "1234567890123456789012345678901234567890123456789012345678901234567890", ""},
        {"text", "", 0, "", ""},
        {"/plain", "", 0, "", ""},
        {"", "", 0, "", ""},
        {"application/json; name=\"a \\\"q\\\" name; x.txt\"", "application/json", 0, "",
         "a \"q\" name; x.txt"},
        {"application/json; name=r.json  ", "application/json", 0, "", "r.json"},
        {"application/json; name*=utf-8''r%C3%A9.json", "application/json", 0, "",
         "r\xc3\xa9.json"},
        {"application/json; NAME*1=b; name*0=a", "application/json", 0, "", "ab"},
};

struct disp_case {
	const char *value;
	int found;
	const char *filename;
};

static const struct disp_case disp_cases[] = {
        {"attachment", 0, ""},
        {"attachment; filename=r.json.gz", 1, "r.json.gz"},
        {"attachment; filename=\"a b.gz\" (comment)", 1, "a b.gz"},
        {"attachment; filename*=utf-8''r%C3%A9port%20x.json.gz; filename=\"plain.gz\"", 1,
         "r\xc3\xa9port x.json.gz"},
        {"attachment;\tfilename*1*=%31%32.json;\tfilename*0*=us-ascii'en'g!e!;\tfilename*2=\".gz\"",
         1, "g!e!12.json.gz"},
        {"attachment; filename*0=\"a b\"; filename*1=\"c.json\"", 1, "a bc.json"},
        {"attachment; filename*0=a; filename*2=c", 1, "a"},
        {"attachment; filename*00=a; filename=b", 1, "b"},
        {"attachment; filename*=%00x%4", 1, "x%4"},
        {"attachment; filename", 0, ""},
};

struct cte_case {
	const char *value;
	enum tlsrpt_cte want;
};

static const struct cte_case cte_cases[] = {
        {"base64", TLSRPT_CTE_BASE64},       {" BASE64 (comment)", TLSRPT_CTE_BASE64},
        {"Quoted-Printable", TLSRPT_CTE_QP}, {"7bit", TLSRPT_CTE_IDENTITY},
        {"binary", TLSRPT_CTE_IDENTITY},     {"base64x", TLSRPT_CTE_IDENTITY},
        {"", TLSRPT_CTE_IDENTITY},
};

static void test_type(void **state)
{
	struct tlsrpt_mime_ctype ct;
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++) {
		const struct type_case *c = &type_cases[i];

		memset(&ct, 'x', sizeof(ct));
		tlsrpt_mimefield_type(c->value, &ct);
		if (strcmp(ct.type, c->type) != 0 || ct.multipart != c->multipart ||
		    strcmp(ct.boundary, c->boundary) != 0 || strcmp(ct.name, c->name) != 0) {
			print_error(
			        "Content-Type %s: got type \"%s\" multipart %d boundary \"%s\" name \"%s\", want \"%s\" %d \"%s\" \"%s\"\n",
			        c->value, ct.type, ct.multipart, ct.boundary, ct.name, c->type,
			        c->multipart, c->boundary, c->name);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_filename(void **state)
{
	char out[TLSRPT_MIME_NAME_MAX + 1];
	size_t i;
	int bad = 0;
	int found;

	(void)state;
	for (i = 0; i < sizeof(disp_cases) / sizeof(disp_cases[0]); i++) {
		const struct disp_case *c = &disp_cases[i];

		found = tlsrpt_mimefield_filename(c->value, out, sizeof(out));
		if (found != c->found || strcmp(out, c->filename) != 0) {
			print_error("Content-Disposition %s: got %d \"%s\", want %d \"%s\"\n",
			            c->value, found, out, c->found, c->filename);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* a file name longer than the buffer is cut, NUL-terminated */
static void test_filename_cut(void **state)
{
	char v[64];
	char out[8];

	(void)state;
	snprintf(v, sizeof(v), "attachment; filename=%s", "abcdefghijklmnop");
	assert_int_equal(tlsrpt_mimefield_filename(v, out, sizeof(out)), 1);
	assert_string_equal(out, "abcdefg");
}

static void test_cte(void **state)
{
	size_t i;
	int bad = 0;
	enum tlsrpt_cte got;

	(void)state;
	for (i = 0; i < sizeof(cte_cases) / sizeof(cte_cases[0]); i++) {
		got = tlsrpt_mimefield_cte(cte_cases[i].value);
		if (got != cte_cases[i].want) {
			print_error("Content-Transfer-Encoding %s: got %d, want %d\n",
			            cte_cases[i].value, (int)got, (int)cte_cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_type),
	        cmocka_unit_test(test_filename),
	        cmocka_unit_test(test_filename_cut),
	        cmocka_unit_test(test_cte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
