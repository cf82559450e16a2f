/*
 * test_summary.c - one parsed report to log records
 *
 * The RFC 8460 example must give the documented lines byte for byte; the
 * policy-domain fallbacks, severities and saturating totals are checked;
 * and a report with 60 failure details must log the 50 with the highest
 * counts (ties in report order), in report order, plus one failure-omitted
 * line with the number and summed count of the other 10.
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

#include "tlsrpt_limits.h"
#include "record.h"
#include "report.h"
#include "summary.h"

static const char rfc_example[] =
        "{\"organization-name\":\"Company-X\",\"date-range\":{\"start-datetime\":\"2016-04-01T00:00:00Z\",\"end-datetime\":\"2016-04-01T23:59:59Z\"},\"contact-info\":\"sts-reporting@company-x.example\",\"report-id\":\"5065427c-23d3-47ca-b6e0-946ea0e8c4be\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: testing\",\"mx: *.mail.company-y.example\",\"max_age: 86400\"],\"policy-domain\":\"company-y.example\",\"mx-host\":\"*.mail.company-y.example\"},\"summary\":{\"total-successful-session-count\":5326,\"total-failure-session-count\":303},\"failure-details\":[{\"result-type\":\"certificate-expired\",\"sending-mta-ip\":\"2001:db8:abcd:0012::1\",\"receiving-mx-hostname\":\"mx1.mail.company-y.example\",\"failed-session-count\":100},{\"result-type\":\"starttls-not-supported\",\"sending-mta-ip\":\"2001:db8:abcd:0013::1\",\"receiving-mx-hostname\":\"mx2.mail.company-y.example\",\"receiving-ip\":\"203.0.113.56\",\"failed-session-count\":200,\"additional-information\":\"https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported\"},{\"result-type\":\"validation-failure\",\"sending-mta-ip\":\"198.51.100.62\",\"receiving-ip\":\"203.0.113.58\",\"receiving-mx-hostname\":\"mx-backup.mail.company-y.example\",\"failed-session-count\":3,\"failure-error-code\":\"X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED\"}]}]}";

#define RID "report-id=5065427c-23d3-47ca-b6e0-946ea0e8c4be"
#define POL RID " policy-domain=company-y.example policy-type=sts"

static const char *const rfc_lines[] = {
        "tests/x.eml: report " RID
        " policy-domain=company-y.example start-datetime=2016-04-01T00:00:00Z end-datetime=2016-04-01T23:59:59Z policies=1 total-successful-session-count=5326 total-failure-session-count=303 reporter-kind=none submitter=mail.sender.example.com organization-name=Company-X contact-info=sts-reporting@company-x.example",
        "tests/x.eml: policy " POL
        " total-successful-session-count=5326 total-failure-session-count=303 failure-details=3 reporter-kind=none sts-mode=testing mx-host=*.mail.company-y.example max-age=86400 sts-mx=*.mail.company-y.example policy-hash=a7c22d6b9da93101",
        "tests/x.eml: failure " POL
        " result-type=certificate-expired receiving-mx-hostname=mx1.mail.company-y.example sending-mta-ip=2001:db8:abcd:0012::1 failed-session-count=100 reporter-kind=none",
        "tests/x.eml: failure " POL
        " result-type=starttls-not-supported receiving-mx-hostname=mx2.mail.company-y.example receiving-ip=203.0.113.56 sending-mta-ip=2001:db8:abcd:0013::1 failed-session-count=200 reporter-kind=none additional-information=\"https://reports.company-x.example/report_info?id\\x3d5065427c-23d3#StarttlsNotSupported\"",
        "tests/x.eml: failure " POL
        " result-type=validation-failure receiving-mx-hostname=mx-backup.mail.company-y.example receiving-ip=203.0.113.58 sending-mta-ip=198.51.100.62 failed-session-count=3 reporter-kind=none failure-reason-code=X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED",
};

static const enum tlsrpt_severity rfc_sev[] = {TLSRPT_SEV_WARNING, TLSRPT_SEV_WARNING,
                                               TLSRPT_SEV_WARNING, TLSRPT_SEV_WARNING,
                                               TLSRPT_SEV_WARNING};

/* parse - a report from JSON text, failing the test when refused */
static struct tlsrpt_report *parse(const char *json)
{
	struct tlsrpt_report *r;
	char err[256];

	if (tlsrpt_report_parse(json, strlen(json), &r, err, sizeof(err)) != 0) {
		fail_msg("test report: got refused (%s), want parsed", err);
	}
	return r;
}

/* summarise_p - the records of r into rs, at most max failure and maxp policy lines */
static void summarise_p(const struct tlsrpt_report *r, const struct tlsrpt_summary_hdrs *h,
                        unsigned max, unsigned maxp, struct tlsrpt_records *rs)
{
	struct tlsrpt_summary_msg m;
	struct tlsrpt_limits lim;
	char err[256];

	tlsrpt_limits_default(&lim);
	lim.max_failure_lines = max;
	lim.max_policy_lines = maxp;
	tlsrpt_records_init(rs);
	memset(&m, 0, sizeof(m));
	if (tlsrpt_summary_records(r, h, &lim, &m, rs, err, sizeof(err)) != 0 ||
	    tlsrpt_summary_finish(&m, rs, err, sizeof(err)) != 0) {
		fail_msg("summary: got error (%s), want records", err);
	}
}

/* summarise - the records of r into rs, the default policy lines */
static void summarise(const struct tlsrpt_report *r, const struct tlsrpt_summary_hdrs *h,
                      unsigned max, struct tlsrpt_records *rs)
{
	summarise_p(r, h, max, TLSRPT_DEF_MAX_POLICY_LINES, rs);
}

/* line - record i formatted with prefix */
static const char *line(const struct tlsrpt_records *rs, size_t i, const char *prefix)
{
	static char buf[TLSRPT_MAX_LOG_LINE + 1];

	tlsrpt_record_format(&rs->v[i], TLSRPT_FORMAT_KV, prefix, buf, sizeof(buf));
	return buf;
}

/*
 * test_top_policies - five policies, at most two policy lines: the two with
 * the most failed sessions (a tie keeps report order), in report order,
 * their failures only, and a policy-omitted line with the others' sums
 */
static void test_top_policies(void **state)
{
	static const char json[] =
	        "{\"report-id\":\"p\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"a.example\"},\"summary\":{\"total-successful-session-count\":10,\"total-failure-session-count\":1},\"failure-details\":[{\"result-type\":\"certificate-expired\",\"failed-session-count\":1}]},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"b.example\"},\"summary\":{\"total-successful-session-count\":20,\"total-failure-session-count\":7},\"failure-details\":[{\"result-type\":\"starttls-not-supported\",\"failed-session-count\":7}]},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"c.example\"},\"summary\":{\"total-successful-session-count\":30,\"total-failure-session-count\":0}},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"d.example\"},\"summary\":{\"total-successful-session-count\":40,\"total-failure-session-count\":7},\"failure-details\":[{\"result-type\":\"validation-failure\",\"failed-session-count\":7}]},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"e.example\"},\"summary\":{\"total-successful-session-count\":50,\"total-failure-session-count\":3}}]}";
	static const char *const want[] = {
	        "report report-id=p policy-domain=a.example policies=5 total-successful-session-count=150 total-failure-session-count=18 reporter-kind=none",
	        "policy report-id=p policy-domain=b.example policy-type=sts total-successful-session-count=20 total-failure-session-count=7 failure-details=1 reporter-kind=none",
	        "failure report-id=p policy-domain=b.example policy-type=sts result-type=starttls-not-supported failed-session-count=7 reporter-kind=none",
	        "policy report-id=p policy-domain=d.example policy-type=sts total-successful-session-count=40 total-failure-session-count=7 failure-details=1 reporter-kind=none",
	        "failure report-id=p policy-domain=d.example policy-type=sts result-type=validation-failure failed-session-count=7 reporter-kind=none",
	        "policy-omitted report-id=p policy-domain=a.example policies=3 total-successful-session-count=90 total-failure-session-count=4 reporter-kind=none",
	};
	struct tlsrpt_records rs;
	struct tlsrpt_report *r = parse(json);
	size_t i;

	(void)state;
	summarise_p(r, NULL, 50, 2, &rs);
	if (rs.n != sizeof(want) / sizeof(want[0])) {
		fail_msg("records: got %zu, want %zu", rs.n, sizeof(want) / sizeof(want[0]));
	}
	for (i = 0; i < rs.n; i++) {
		assert_string_equal((line(&rs, i, "Q") + 3), want[i]);
	}
	assert_int_equal(rs.v[rs.n - 1].severity, TLSRPT_SEV_WARNING);
	tlsrpt_records_free(&rs);

	/* one failure line: the logged policies' details compete, not the omitted ones' */
	summarise_p(r, NULL, 1, 2, &rs);
	assert_int_equal(rs.n, 6);
	assert_string_equal((line(&rs, 2, "Q") + 3), want[2]);
	assert_int_equal(rs.v[3].event, TLSRPT_EV_POLICY);
	assert_int_equal(rs.v[4].event, TLSRPT_EV_POLICY_OMITTED);
	assert_string_equal(
	        (line(&rs, 5, "Q") + 3),
	        "failure-omitted report-id=p policy-domain=a.example failure-details=1 failed-session-count=7 reporter-kind=none");
	tlsrpt_records_free(&rs);

	/* no policy lines at all; and all of them when the limit allows */
	summarise_p(r, NULL, 50, 0, &rs);
	assert_int_equal(rs.n, 2);
	assert_string_equal(
	        (line(&rs, 1, "Q") + 3),
	        "policy-omitted report-id=p policy-domain=a.example policies=5 total-successful-session-count=150 total-failure-session-count=18 reporter-kind=none");
	tlsrpt_records_free(&rs);
	summarise_p(r, NULL, 50, 5, &rs);
	assert_int_equal(rs.n, 1 + 5 + 3);
	for (i = 0; i < rs.n; i++) {
		assert_int_not_equal(rs.v[i].event, TLSRPT_EV_POLICY_OMITTED);
	}
	tlsrpt_records_free(&rs);
	tlsrpt_report_free(r);
}

/* test_rfc_example - the documented lines, byte for byte */
static void test_rfc_example(void **state)
{
	struct tlsrpt_summary_hdrs h = {0};
	struct tlsrpt_records rs;
	struct tlsrpt_report *r = parse(rfc_example);
	size_t i;

	(void)state;
	h.report_submitter = "mail.sender.example.com";
	summarise(r, &h, TLSRPT_DEF_MAX_FAILURE_LINES, &rs);
	if (rs.n != sizeof(rfc_lines) / sizeof(rfc_lines[0])) {
		fail_msg("records: got %zu, want %zu", rs.n,
		         sizeof(rfc_lines) / sizeof(rfc_lines[0]));
	}
	for (i = 0; i < rs.n; i++) {
		const char *got = line(&rs, i, "tests/x.eml");

		if (strcmp(got, rfc_lines[i]) != 0) {
			fail_msg("line %zu:\n got [%s]\nwant [%s]", i, got, rfc_lines[i]);
		}
		if (rs.v[i].severity != rfc_sev[i]) {
			fail_msg("line %zu severity: got %d, want %d", i, (int)rs.v[i].severity,
			         (int)rfc_sev[i]);
		}
	}
	tlsrpt_records_free(&rs);
	tlsrpt_report_free(r);
}

/* test_domains - header domain first; a policy without one takes the header's */
static void test_domains(void **state)
{
	static const char json[] =
	        "{\"report-id\":\"r1\",\"policies\":[{\"policy\":{\"policy-type\":\"no-policy-found\"},\"summary\":{\"total-successful-session-count\":7}},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"b.example\",\"mx-host\":[\"mx1.b.example\",\"mx2.b.example\"]},\"summary\":{\"total-successful-session-count\":1,\"total-failure-session-count\":2}}]}";
	static const struct {
		const char *hdr;
		const char *want[3];
	} cases[] = {
	        {"hdr.example",
	         {"report report-id=r1 policy-domain=hdr.example policies=2 total-successful-session-count=8 total-failure-session-count=2 reporter-kind=none",
	          "policy report-id=r1 policy-domain=hdr.example policy-type=no-policy-found total-successful-session-count=7 total-failure-session-count=0 failure-details=0 reporter-kind=none",
	          "policy report-id=r1 policy-domain=b.example policy-type=sts total-successful-session-count=1 total-failure-session-count=2 failure-details=0 reporter-kind=none mx-host=mx1.b.example,mx2.b.example"}},
	        {NULL,
	         {"report report-id=r1 policies=2 total-successful-session-count=8 total-failure-session-count=2 reporter-kind=none",
	          "policy report-id=r1 policy-type=no-policy-found total-successful-session-count=7 total-failure-session-count=0 failure-details=0 reporter-kind=none",
	          "policy report-id=r1 policy-domain=b.example policy-type=sts total-successful-session-count=1 total-failure-session-count=2 failure-details=0 reporter-kind=none mx-host=mx1.b.example,mx2.b.example"}},
	};
	static const enum tlsrpt_severity want_sev[] = {TLSRPT_SEV_WARNING, TLSRPT_SEV_INFO,
	                                                TLSRPT_SEV_WARNING};
	struct tlsrpt_report *r = parse(json);
	struct tlsrpt_summary_hdrs h = {0};
	struct tlsrpt_records rs;
	size_t i, k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		h.report_domain = cases[k].hdr;
		summarise(r, &h, 50, &rs);
		if (rs.n != 3) {
			fail_msg("case %zu: records: got %zu, want 3", k, rs.n);
		}
		for (i = 0; i < 3; i++) {
			const char *got = line(&rs, i, NULL);

			if (strcmp(got, cases[k].want[i]) != 0) {
				fail_msg("case %zu line %zu:\n got [%s]\nwant [%s]", k, i, got,
				         cases[k].want[i]);
			}
			if (rs.v[i].severity != want_sev[i]) {
				fail_msg("case %zu line %zu severity: got %d, want %d", k, i,
				         (int)rs.v[i].severity, (int)want_sev[i]);
			}
		}
		tlsrpt_records_free(&rs);
	}
	/* First policy's domain when there is no header and the first policy has one. */
	tlsrpt_report_free(r);
	r = parse(
	        "{\"policies\":[{\"policy\":{\"policy-domain\":\"first.example\"}},{\"policy\":{\"policy-domain\":\"second.example\"}}]}");
	summarise(r, NULL, 50, &rs);
	if (strcmp(line(&rs, 0, NULL),
	           "report policy-domain=first.example policies=2 total-successful-session-count=0 total-failure-session-count=0 reporter-kind=none") !=
	            0 ||
	    rs.v[0].severity != TLSRPT_SEV_INFO) {
		fail_msg("no header: got [%s] severity %d, want first.example and INFO",
		         line(&rs, 0, NULL), (int)rs.v[0].severity);
	}
	tlsrpt_records_free(&rs);
	tlsrpt_report_free(r);
}

/* test_saturation - totals summed over policies stop at UINT64_MAX */
static void test_saturation(void **state)
{
	struct tlsrpt_policy pols[2];
	struct tlsrpt_report r;
	struct tlsrpt_records rs;
	const struct tlsrpt_field *f;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(pols, 0, sizeof(pols));
	pols[0].total_failure_session_count = UINT64_MAX - 1;
	pols[1].total_failure_session_count = 5;
	pols[0].total_successful_session_count = 1;
	pols[1].total_successful_session_count = 2;
	r.policies = pols;
	r.npolicies = 2;
	summarise(&r, NULL, 50, &rs);
	f = tlsrpt_record_get(&rs.v[0], "total-failure-session-count");
	if (f == NULL || f->num != UINT64_MAX) {
		fail_msg("saturated total: got %llu, want %llu",
		         f ? (unsigned long long)f->num : 0ULL, (unsigned long long)UINT64_MAX);
	}
	f = tlsrpt_record_get(&rs.v[0], "total-successful-session-count");
	if (f == NULL || f->num != 3) {
		fail_msg("total: got %llu, want 3", f ? (unsigned long long)f->num : 0ULL);
	}
	tlsrpt_records_free(&rs);
}

/* many_json - a report with n details over two policies; detail i has count cnt[i] */
static char *many_json(const uint64_t *cnt, size_t n, size_t split)
{
	size_t cap = 200 + n * 120, len = 0, i;
	char *s = malloc(cap);

	assert_non_null(s);
	len += (size_t)snprintf(
	        s + len, cap - len,
	        "{\"report-id\":\"many\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"a.example\"},\"failure-details\":[");
	for (i = 0; i < n; i++) {
		if (i == split) {
			len += (size_t)snprintf(
			        s + len, cap - len,
			        "]},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"b.example\"},\"failure-details\":[");
		}
		len += (size_t)snprintf(
		        s + len, cap - len,
		        "%s{\"result-type\":\"r%zu\",\"failed-session-count\":%llu}",
		        i == 0 || i == split ? "" : ",", i, (unsigned long long)cnt[i]);
	}
	snprintf(s + len, cap - len, "]}]}");
	return s;
}

/* check_many - the failure lines and the failure-omitted line for counts cnt[n] */
static void check_many(const char *name, const uint64_t *cnt, size_t n, size_t split, unsigned max)
{
	struct tlsrpt_records rs;
	struct tlsrpt_report *r;
	char *json = many_json(cnt, n, split);
	size_t i, k, j, better, logged = 0, omitted = 0;
	uint64_t omitted_sum = 0;
	const struct tlsrpt_field *f;
	char want[192];

	r = parse(json);
	free(json);
	summarise(r, NULL, max, &rs);
	/* Walk the records: report, policy a, failures..., policy b, failures..., omitted. */
	k = 2;
	for (i = 0; i < n; i++) {
		/* Detail i is logged when fewer than max details rank above it. */
		better = 0;
		for (j = 0; j < n; j++) {
			better += cnt[j] > cnt[i] || (cnt[j] == cnt[i] && j < i);
		}
		if (i == split) {
			if (rs.v[k].event != TLSRPT_EV_POLICY) {
				fail_msg("%s: record %zu: got %s, want policy", name, k,
				         tlsrpt_event_name(rs.v[k].event));
			}
			k++;
		}
		if (better >= max) {
			omitted++;
			omitted_sum += cnt[i];
			continue;
		}
		snprintf(want, sizeof(want), "r%zu", i);
		f = k < rs.n ? tlsrpt_record_get(&rs.v[k], "result-type") : NULL;
		if (f == NULL || rs.v[k].event != TLSRPT_EV_FAILURE || strcmp(f->str, want) != 0) {
			fail_msg("%s: record %zu: got %s, want failure %s", name, k,
			         f ? f->str : "(none)", want);
		}
		k++;
		logged++;
	}
	if (logged != (n < max ? n : max)) {
		fail_msg("%s: logged: got %zu, want %u", name, logged, max);
	}
	if (omitted == 0) {
		if (rs.n != k) {
			fail_msg("%s: records: got %zu, want %zu (no failure-omitted)", name, rs.n,
			         k);
		}
	} else {
		if (rs.n != k + 1 || rs.v[k].event != TLSRPT_EV_FAILURE_OMITTED) {
			fail_msg("%s: last record: got %zu records, want failure-omitted at %zu",
			         name, rs.n, k);
		}
		snprintf(
		        want, sizeof(want),
		        "failure-omitted report-id=many policy-domain=a.example failure-details=%zu failed-session-count=%llu reporter-kind=none",
		        omitted, (unsigned long long)omitted_sum);
		if (strcmp(line(&rs, k, NULL), want) != 0) {
			fail_msg("%s: omitted line: got [%s], want [%s]", name, line(&rs, k, NULL),
			         want);
		}
		if (rs.v[k].severity != TLSRPT_SEV_WARNING) {
			fail_msg("%s: omitted severity: got %d, want WARNING", name,
			         (int)rs.v[k].severity);
		}
	}
	tlsrpt_records_free(&rs);
	tlsrpt_report_free(r);
}

/* test_top_failures - 60 details, the 50 highest logged, the 10 others summed */
static void test_top_failures(void **state)
{
	uint64_t cnt[60];
	size_t i;

	(void)state;
	/* Counts 1..60 in order: details 10..59 are logged, 1+...+10 = 55 omitted. */
	for (i = 0; i < 60; i++) {
		cnt[i] = i + 1;
	}
	check_many("ascending", cnt, 60, 30, 50);
	{
		/* The same, spelled out, so the expectation does not rest on check_many alone. */
		struct tlsrpt_records rs;
		struct tlsrpt_report *r;
		char *json = many_json(cnt, 60, 30);
		const char *last;

		r = parse(json);
		free(json);
		summarise(r, NULL, 50, &rs);
		if (rs.n != 1 + 2 + 50 + 1) {
			fail_msg("ascending: records: got %zu, want 54", rs.n);
		}
		last = line(&rs, rs.n - 1, "Q");
		if (strcmp(last,
		           "Q: failure-omitted report-id=many policy-domain=a.example failure-details=10 failed-session-count=55 reporter-kind=none") !=
		    0) {
			fail_msg("ascending: got [%s], want N=10 M=55", last);
		}
		if (strcmp(line(&rs, 2, NULL),
		           "failure report-id=many policy-domain=a.example policy-type=sts result-type=r10 failed-session-count=11 reporter-kind=none") !=
		    0) {
			fail_msg("ascending: first failure: got [%s], want r10",
			         line(&rs, 2, NULL));
		}
		tlsrpt_records_free(&rs);
		tlsrpt_report_free(r);
	}
	/* All equal: ties keep report order, the first 50 are logged. */
	for (i = 0; i < 60; i++) {
		cnt[i] = 7;
	}
	check_many("all equal", cnt, 60, 25, 50);
	/* Descending with ties scattered over both policies. */
	for (i = 0; i < 60; i++) {
		cnt[i] = (i * 37) % 13 + ((i % 5) == 0 ? 1000 : 0);
	}
	check_many("scattered", cnt, 60, 17, 50);
	check_many("exactly the limit", cnt, 50, 17, 50);
	check_many("limit 0", cnt, 60, 17, 0);
	check_many("limit 1", cnt, 60, 17, 1);
}

/* policy_json - a one-policy report with policy-type type and policy-string entries ps (JSON) */
static struct tlsrpt_report *policy_report(const char *type, const char *ps)
{
	char json[1024];

	snprintf(
	        json, sizeof(json),
	        "{\"report-id\":\"m\",\"policies\":[{\"policy\":{\"policy-type\":\"%s\",\"policy-string\":%s,\"policy-domain\":\"a.example\"},\"summary\":{\"total-successful-session-count\":1,\"total-failure-session-count\":0}}]}",
	        type, ps);
	return parse(json);
}

/* test_sts_mode - sts-mode from an sts policy's "mode" line, first text after reporter-kind */
static void test_sts_mode(void **state)
{
	static const struct {
		const char *type, *ps, *want; /* want NULL: no sts-mode key */
	} cases[] = {
	        {"sts", "[\"version: STSv1\",\"mode: enforce\",\"mx: a\"]", "sts-mode=enforce"},
	        {"sts", "[\"mode:testing\"]", "sts-mode=testing"},
	        {"sts", "[\"  Mode \\t:  none \\t\"]", "sts-mode=none"},
	        {"sts", "[\"version: STSv1\\r\\nmode: enforce\\r\\nmx: a\\r\\n\"]",
	         "sts-mode=enforce"},
	        {"sts", "[\"mx: mode: testing\",\"mode: testing\"]", "sts-mode=testing"},
	        {"sts", "[\"modes: enforce\",\"mode:\",\"version: STSv1\"]", NULL},
	        {"sts", "[]", NULL},
	        {"tlsa", "[\"mode: enforce\"]", NULL},
	        {"no-policy-found", "[\"mode: enforce\"]", NULL},
	        {"sts", "[\"mode: enforce' policy-domain=forged.example\"]",
	         "sts-mode=\"enforce\\x27 policy-domain\\x3dforged.example\""},
	        {"sts", "[\"mode: \\u2028enforce\"]", "sts-mode=\"\\xe2\\x80\\xa8enforce\""},
	};
	struct tlsrpt_records rs;
	struct tlsrpt_report *r;
	const char *got, *tail, *end;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = policy_report(cases[i].type, cases[i].ps);
		summarise(r, NULL, 50, &rs);
		got = line(&rs, 1, NULL);
		tail = strstr(
		        got, " total-failure-session-count=0 failure-details=0 reporter-kind=none");
		if (rs.n != 2 || tail == NULL) {
			fail_msg("case %zu: got %zu records, policy line [%s]", i, rs.n, got);
		}
		tail += strlen(
		        " total-failure-session-count=0 failure-details=0 reporter-kind=none");
		/* what follows sts-mode: sts-mx, when the policy has mx lines, and policy-hash */
		end = strstr(tail, " sts-mx=");
		if (end == NULL) {
			end = strstr(tail, " policy-hash=");
		}
		if (end == NULL) {
			end = tail + strlen(tail);
		}
		if (cases[i].want == NULL
		            ? end != tail
		            : (*tail != ' ' || (size_t)(end - tail - 1) != strlen(cases[i].want) ||
		               strncmp(tail + 1, cases[i].want, strlen(cases[i].want)) != 0)) {
			fail_msg("case %zu (%s %s): got [%s], want [%s] at the end", i,
			         cases[i].type, cases[i].ps, tail,
			         cases[i].want ? cases[i].want : "");
		}
		tlsrpt_records_free(&rs);
		tlsrpt_report_free(r);
	}
}

/* count_ev - records of event ev in rs */
static size_t count_ev(const struct tlsrpt_records *rs, enum tlsrpt_event ev)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++) {
		n += rs->v[i].event == ev;
	}
	return n;
}

/*
 * test_failures_per_message - three reports of 30 details each share 50
 * failure lines: 30, 20, 0; one failure-omitted line at the end of the
 * message for the other 40 from two reports; and a message whose
 * omitted details all come from one report names it
 */
static void test_failures_per_message(void **state)
{
	struct tlsrpt_summary_msg m;
	struct tlsrpt_records rs;
	struct tlsrpt_limits lim;
	struct tlsrpt_report *r[3];
	uint64_t cnt[30];
	char err[256], *json;
	size_t i, k, nfail[3];

	(void)state;
	for (i = 0; i < 30; i++) {
		cnt[i] = i + 1; /* 465 sessions per report */
	}
	tlsrpt_limits_default(&lim);
	tlsrpt_records_init(&rs);
	memset(&m, 0, sizeof(m));
	for (k = 0; k < 3; k++) {
		json = many_json(cnt, 30, 10);
		r[k] = parse(json);
		free(json);
		i = rs.n;
		if (tlsrpt_summary_records(r[k], NULL, &lim, &m, &rs, err, sizeof(err)) != 0) {
			fail_msg("report %zu: got error (%s), want records", k, err);
		}
		nfail[k] = 0;
		for (; i < rs.n; i++) {
			nfail[k] += rs.v[i].event == TLSRPT_EV_FAILURE;
		}
		if (count_ev(&rs, TLSRPT_EV_FAILURE_OMITTED) != 0) {
			fail_msg("report %zu: got a failure-omitted line before the message ends",
			         k);
		}
	}
	if (nfail[0] != 30 || nfail[1] != 20 || nfail[2] != 0) {
		fail_msg("failure lines per report: got %zu %zu %zu, want 30 20 0", nfail[0],
		         nfail[1], nfail[2]);
	}
	/* report 2 logs its 20 highest: 11..30, leaving 1+..+10 = 55; report 3 all 465 */
	if (tlsrpt_summary_finish(&m, &rs, err, sizeof(err)) != 0) {
		fail_msg("finish: got error (%s)", err);
	}
	assert_string_equal(
	        line(&rs, rs.n - 1, "Q"),
	        "Q: failure-omitted failure-details=40 failed-session-count=520 reports=2 reporter-kind=none");
	assert_int_equal(count_ev(&rs, TLSRPT_EV_FAILURE), 50);
	assert_int_equal(count_ev(&rs, TLSRPT_EV_REPORT), 3);
	tlsrpt_records_free(&rs);

	/* only the second report loses details: the line names it */
	lim.max_failure_lines = 45;
	memset(&m, 0, sizeof(m));
	for (k = 0; k < 2; k++) {
		if (tlsrpt_summary_records(r[k], NULL, &lim, &m, &rs, err, sizeof(err)) != 0) {
			fail_msg("45: report %zu: got error (%s)", k, err);
		}
	}
	if (tlsrpt_summary_finish(&m, &rs, err, sizeof(err)) != 0) {
		fail_msg("45: finish: got error (%s)", err);
	}
	assert_string_equal(
	        line(&rs, rs.n - 1, NULL),
	        "failure-omitted report-id=many policy-domain=a.example failure-details=15 failed-session-count=120 reporter-kind=none");
	tlsrpt_records_free(&rs);

	/* nothing left out: no line */
	memset(&m, 0, sizeof(m));
	if (tlsrpt_summary_records(r[0], NULL, &lim, &m, &rs, err, sizeof(err)) != 0 ||
	    tlsrpt_summary_finish(&m, &rs, err, sizeof(err)) != 0) {
		fail_msg("one report: got error (%s)", err);
	}
	assert_int_equal(count_ev(&rs, TLSRPT_EV_FAILURE_OMITTED), 0);
	tlsrpt_records_free(&rs);
	for (k = 0; k < 3; k++) {
		tlsrpt_report_free(r[k]);
	}
}

/*
 * test_room - near TLSRPT_SUMMARY_RECORDS_MAX a report logs the policies
 * that fit, then a report with no room is counted in one report-omitted
 * line; nothing already logged is dropped and no call fails
 */
static void test_room(void **state)
{
	struct tlsrpt_summary_msg m;
	struct tlsrpt_records rs;
	struct tlsrpt_limits lim;
	struct tlsrpt_report *r;
	char err[256];
	size_t i, before;

	(void)state;
	/* test_top_policies' report: 5 policies, 18 failed and 150 good sessions */
	r = parse(
	        "{\"report-id\":\"p\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"a.example\"},\"summary\":{\"total-successful-session-count\":10,\"total-failure-session-count\":1}},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"b.example\"},\"summary\":{\"total-successful-session-count\":20,\"total-failure-session-count\":7}},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"c.example\"},\"summary\":{\"total-successful-session-count\":30,\"total-failure-session-count\":0}},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"d.example\"},\"summary\":{\"total-successful-session-count\":40,\"total-failure-session-count\":7}},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"e.example\"},\"summary\":{\"total-successful-session-count\":50,\"total-failure-session-count\":3}}]}");
	tlsrpt_limits_default(&lim);
	tlsrpt_records_init(&rs);
	memset(&m, 0, sizeof(m));
	/* room for the report line, two policy lines and policy-omitted */
	while (rs.n < TLSRPT_SUMMARY_RECORDS_MAX - 4) {
		assert_non_null(tlsrpt_records_add(&rs, TLSRPT_EV_ERROR, TLSRPT_SEV_ERR));
	}
	before = rs.n;
	if (tlsrpt_summary_records(r, NULL, &lim, &m, &rs, err, sizeof(err)) != 0) {
		fail_msg("near the end: got error (%s), want records", err);
	}
	assert_int_equal(rs.n, before + 4);
	assert_int_equal(rs.v[before].event, TLSRPT_EV_REPORT);
	assert_string_equal(
	        line(&rs, before + 3, NULL),
	        "policy-omitted report-id=p policy-domain=a.example policies=3 total-successful-session-count=90 total-failure-session-count=4 reporter-kind=none");
	/* no room: counted, twice */
	for (i = 0; i < 2; i++) {
		if (tlsrpt_summary_records(r, NULL, &lim, &m, &rs, err, sizeof(err)) != 0) {
			fail_msg("no room %zu: got error (%s), want it counted", i, err);
		}
	}
	assert_int_equal(rs.n, before + 4);
	if (tlsrpt_summary_finish(&m, &rs, err, sizeof(err)) != 0) {
		fail_msg("finish: got error (%s)", err);
	}
	assert_int_equal(rs.n, before + 5);
	assert_string_equal(
	        line(&rs, rs.n - 1, NULL),
	        "report-omitted reports=2 policies=10 total-successful-session-count=300 total-failure-session-count=36 reporter-kind=none");
	assert_int_equal(rs.v[rs.n - 1].severity, TLSRPT_SEV_WARNING);
	tlsrpt_records_free(&rs);
	tlsrpt_report_free(r);
}

/* the traditional syslog header in front of a line: "Dec  7 07:18:38 ", a 64-byte host, the tag */
#define SYSLOG_HEADER (sizeof("Dec  7 07:18:38 ") - 1 + 64 + sizeof(" tlsrpt-milter[123456]: ") - 1)
#define QUEUE_ID "QUEUEIDQUEUEIDQUEUE1" /* 20 bytes */
#define SYSLOG_LIMIT 1024

/* hostile - n copies of the JSON escape \u0001: every byte is written \xHH or \u0001 */
static char *hostile(char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(buf + 6 * i, "\\u0001", 6);
	}
	buf[6 * n] = '\0';
	return buf;
}

/*
 * check_worst - every record of rs, in both formats behind the syslog
 * header, within SYSLOG_LIMIT bytes, and (for a report's lines) with
 * reporter-kind=KIND whole on it
 */
static void check_worst(const struct tlsrpt_records *rs, const char *kind)
{
	static const enum tlsrpt_format fmts[] = {TLSRPT_FORMAT_KV, TLSRPT_FORMAT_JSON};
	char out[TLSRPT_MAX_LOG_LINE + 1], want[64];
	size_t i, f, n;

	for (i = 0; i < rs->n; i++) {
		for (f = 0; f < 2; f++) {
			n = tlsrpt_record_format(&rs->v[i], fmts[f], QUEUE_ID, out, sizeof(out));
			n += strlen(tlsrpt_format_cookie(fmts[f]));
			if (SYSLOG_HEADER + n > SYSLOG_LIMIT) {
				fail_msg(
				        "%s line (format %zu): got %zu bytes with the syslog header, "
				        "want <= %d",
				        tlsrpt_event_name(rs->v[i].event), f, SYSLOG_HEADER + n,
				        SYSLOG_LIMIT);
			}
			if (rs->v[i].event == TLSRPT_EV_ERROR) {
				continue;
			}
			snprintf(want, sizeof(want),
			         f == 0 ? " reporter-kind=%s " : ",\"reporter-kind\":\"%s\",",
			         kind);
			if (strstr(out, want) == NULL) {
				snprintf(want, sizeof(want),
				         f == 0 ? " reporter-kind=%s"
				                : ",\"reporter-kind\":\"%s\"}",
				         kind);
				if (n < strlen(want) ||
				    strcmp(out + strlen(out) - strlen(want), want) != 0) {
					fail_msg("%s line (format %zu): got [%s], want %s whole",
					         tlsrpt_event_name(rs->v[i].event), f, out, want);
				}
			}
		}
	}
}

/*
 * test_worst_lines - at the default settings, every line of a report whose
 * every string is at its longest and every byte escaped fits in 1,024
 * bytes with a syslog header, and keeps its counts and identity whole
 */
static void test_worst_lines(void **state)
{
	static char v[6 * 300 + 1], json[64 * 1024];
	struct tlsrpt_summary_hdrs h;
	struct tlsrpt_identity id;
	struct tlsrpt_records rs;
	struct tlsrpt_record *rec;
	struct tlsrpt_report *r;
	char dom[TLSRPT_IDENTITY_MAX], raw[301];
	size_t i;

	(void)state;
	hostile(v, 300);
	snprintf(json, sizeof(json),
	         "{\"organization-name\":\"%s\",\"date-range\":{\"start-datetime\":\"%s\","
	         "\"end-datetime\":\"%s\"},\"contact-info\":\"%s\",\"report-id\":\"%s\","
	         "\"policies\":[{\"policy\":{\"policy-type\":\"%s\",\"policy-string\":[\"mode: "
	         "%s\"],\"policy-domain\":\"%s\",\"mx-host\":[\"%s\",\"%s\"]},"
	         "\"summary\":{\"total-successful-session-count\":9007199254740992,"
	         "\"total-failure-session-count\":9007199254740992},\"failure-details\":[{"
	         "\"result-type\":\"%s\",\"sending-mta-ip\":\"%s\",\"receiving-mx-hostname\":"
	         "\"%s\",\"receiving-mx-helo\":\"%s\",\"receiving-ip\":\"%s\","
	         "\"failed-session-count\":9007199254740992,\"additional-information\":\"%s\","
	         "\"failure-error-code\":\"%s\"}]}]}",
	         v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v);
	r = parse(json);
	/* the longest identity: 127 bytes in labels of 63 */
	memset(dom, 'a', TLSRPT_IDENTITY_MAX - 1);
	dom[63] = dom[127 - 63 - 1 + 63] = '.';
	dom[TLSRPT_IDENTITY_MAX - 1] = '\0';
	tlsrpt_identity_decide(&id, 1, dom, NULL, NULL);
	assert_int_equal(id.kind, TLSRPT_IDENTITY_DKIM);
	memset(raw, 1, 300);
	raw[300] = '\0';
	h.report_domain = raw;
	h.report_submitter = raw;
	h.dkim = "pass";
	h.dkim_domain = dom;
	h.reporter = &id;
	/* one failure line at most: the rest in a failure-omitted line */
	summarise_p(r, &h, 0, 1, &rs);
	check_worst(&rs, "dkim");
	tlsrpt_records_free(&rs);
	summarise_p(r, &h, 50, 0, &rs);
	check_worst(&rs, "dkim");
	tlsrpt_records_free(&rs);
	summarise_p(r, &h, 50, 100, &rs);
	assert_int_equal(rs.n, 3);
	check_worst(&rs, "dkim");
	/* the pipeline's other lines, with the same values */
	rec = tlsrpt_records_add(&rs, TLSRPT_EV_IGNORED, TLSRPT_SEV_NOTICE);
	tlsrpt_record_str(rec, "reason", "not DKIM-authenticated");
	tlsrpt_record_str(rec, "report-id", raw);
	tlsrpt_record_str(rec, "policy-domain", raw);
	tlsrpt_record_str(rec, "dkim", "pass");
	tlsrpt_summary_identity(rec, &id);
	tlsrpt_record_str(rec, "submitter", raw);
	tlsrpt_record_str(rec, "organization-name", raw);
	rec = tlsrpt_records_add(&rs, TLSRPT_EV_ERROR, TLSRPT_SEV_ERR);
	tlsrpt_record_num(rec, "part", UINT64_MAX);
	tlsrpt_record_str(rec, "reason", raw);
	check_worst(&rs, "dkim");
	for (i = 0; i < rs.n; i++) {
		if (rs.v[i].event == TLSRPT_EV_REPORT &&
		    strstr(line(&rs, i, NULL), " reporter=") == NULL) {
			fail_msg("report line: got [%s], want the whole reporter",
			         line(&rs, i, NULL));
		}
	}
	tlsrpt_records_free(&rs);
	tlsrpt_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rfc_example),          cmocka_unit_test(test_domains),
	        cmocka_unit_test(test_saturation),           cmocka_unit_test(test_top_failures),
	        cmocka_unit_test(test_top_policies),         cmocka_unit_test(test_sts_mode),
	        cmocka_unit_test(test_failures_per_message), cmocka_unit_test(test_room),
	        cmocka_unit_test(test_worst_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
