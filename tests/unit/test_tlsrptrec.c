/*
 * test_tlsrptrec.c - the verdict on a domain's _smtp._tls TXT records
 *
 * Table-driven: the TXT records (joined strings, "|" between records, ""
 * for none), the report address entries, and the verdict and a piece of
 * the detail a person must see.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tlsrptrec.h"

struct judge_case {
	const char *records; /* "|"-separated */
	const char *patterns;
	enum tlsrpt_rec_verdict want;
	const char *detail; /* a substring of the detail */
};

static const struct judge_case judge_cases[] = {
        {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com", "tlsrpt@example.com", TLSRPT_REC_OURS,
         "mailto:tlsrpt@example.com"},
        {"v=TLSRPTv1;rua=mailto:TLSRPT@Example.COM", "tlsrpt@example.com", TLSRPT_REC_OURS, ""},
        {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com;", "tlsrpt@example.com", TLSRPT_REC_OURS, ""},
        {"v=TLSRPTv1 ;  rua=https://r.example/x ,mailto:tlsrpt@example.com", "tlsrpt@",
         TLSRPT_REC_MALFORMED, "senders ignore it"},
        {"v=TLSRPTv1;  rua=https://r.example/x ,mailto:tlsrpt@example.com ; x_1=y", "tlsrpt@",
         TLSRPT_REC_OURS, "https://r.example/x, mailto:tlsrpt@example.com"},
        {"v=TLSRPTv1; rua=mailto:tlsrpt%40example.com", "tlsrpt@example.com", TLSRPT_REC_OURS, ""},
        {"v=TLSRPTv1; rua=mailto:tlsrpt+mx1@example.com", "tlsrpt@example.com", TLSRPT_REC_OURS,
         ""},
        {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com?subject=x", "tlsrpt@example.com",
         TLSRPT_REC_OURS, ""},
        /* elsewhere */
        {"v=TLSRPTv1; rua=mailto:reports@vendor.example", "tlsrpt@example.com",
         TLSRPT_REC_ELSEWHERE, "mailto:reports@vendor.example, none of them"},
        {"v=TLSRPTv1; rua=https://example.com/tlsrpt", "tlsrpt@example.com", TLSRPT_REC_ELSEWHERE,
         ""},
        {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com.evil", "tlsrpt@example.com",
         TLSRPT_REC_ELSEWHERE, ""},
        {"v=TLSRPTv1; rua=mailto:tlsrpt%2Cx@example.com", "tlsrpt@", TLSRPT_REC_ELSEWHERE, ""},
        {"v=TLSRPTv1; rua=mailto:%zz@example.com", "tlsrpt@", TLSRPT_REC_ELSEWHERE, ""},
        /* none */
        {"", "tlsrpt@", TLSRPT_REC_NONE, "no TXT record"},
        {"google-site-verification=x|v=spf1 -all", "tlsrpt@", TLSRPT_REC_NONE, "2 TXT records"},
        {"v=tlsrptv1; rua=mailto:tlsrpt@example.com", "tlsrpt@", TLSRPT_REC_NONE, ""},
        /* other TXT records beside the one are fine */
        {"v=spf1 -all|v=TLSRPTv1; rua=mailto:tlsrpt@example.com", "tlsrpt@", TLSRPT_REC_OURS, ""},
        /* multiple */
        {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com|v=TLSRPTv1; rua=mailto:tlsrpt@example.com",
         "tlsrpt@", TLSRPT_REC_MULTIPLE, "2 records"},
        /* no report address to compare with */
        {"v=TLSRPTv1; rua=mailto:a@example.com", "", TLSRPT_REC_PRESENT, "mailto:a@example.com"},
        {"", "", TLSRPT_REC_NONE, "no TXT record"},
        /* malformed */
        {"v=TLSRPTv1", "tlsrpt@", TLSRPT_REC_MALFORMED, "senders ignore it"},
        {"v=TLSRPTv1;", "tlsrpt@", TLSRPT_REC_MALFORMED, "no rua="},
        {"v=TLSRPTv1; ruaa=mailto:tlsrpt@example.com", "tlsrpt@", TLSRPT_REC_MALFORMED, "no rua="},
        {"v=TLSRPTv1; rua=", "tlsrpt@", TLSRPT_REC_MALFORMED, "empty URI"},
        {"v=TLSRPTv1; rua=mailto:a@example.com,", "tlsrpt@", TLSRPT_REC_MALFORMED, "empty URI"},
        {"v=TLSRPTv1; rua=ftp://example.com/x", "tlsrpt@", TLSRPT_REC_MALFORMED, "neither mailto"},
        {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com; rua=mailto:x@example.com", "tlsrpt@",
         TLSRPT_REC_MALFORMED, "twice"},
        {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com x", "tlsrpt@", TLSRPT_REC_MALFORMED,
         "\";\" expected"},
        {"v=TLSRPTv1; rua mailto:tlsrpt@example.com", "tlsrpt@", TLSRPT_REC_MALFORMED,
         "without \"=\""},
        {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com; _x=1", "tlsrpt@", TLSRPT_REC_MALFORMED,
         "field name"},
        {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com; x=", "tlsrpt@", TLSRPT_REC_MALFORMED,
         "empty or invalid value"},
};

/* split - records of "|"-separated s into txt (pointers into buf) */
static size_t split(const char *s, char *buf, size_t buflen, struct tlsrpt_rec_txt *txt, size_t max)
{
	size_t n = 0;
	char *p, *save = NULL;

	if (*s == '\0') {
		return 0;
	}
	snprintf(buf, buflen, "%s", s);
	for (p = strtok_r(buf, "|", &save); p != NULL && n < max; p = strtok_r(NULL, "|", &save)) {
		txt[n].s = p;
		txt[n].len = strlen(p);
		n++;
	}
	return n;
}

static void test_judge(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(judge_cases) / sizeof(judge_cases[0]); i++) {
		const struct judge_case *c = &judge_cases[i];
		struct tlsrpt_rec_txt txt[4];
		struct tlsrpt_rec_result r;
		char buf[512], pbuf[256], *pats[4], *save = NULL;
		size_t np = 0, n = split(c->records, buf, sizeof(buf), txt, 4);

		snprintf(pbuf, sizeof(pbuf), "%s", c->patterns);
		for (char *p = strtok_r(pbuf, " ", &save); p != NULL && np < 4;
		     p = strtok_r(NULL, " ", &save)) {
			pats[np++] = p;
		}
		tlsrpt_rec_judge(txt, n, pats, np, "+", &r);
		if (r.verdict != c->want || strstr(r.detail, c->detail) == NULL) {
			fail_msg("case %zu (%s): got %s \"%s\", want %s with \"%s\"", i, c->records,
			         tlsrpt_rec_name(r.verdict), r.detail, tlsrpt_rec_name(c->want),
			         c->detail);
		}
	}
}

/* a long rua list keeps the first TLSRPT_REC_MAX_RUA URIs, each cut, and stays bounded */
static void test_bounds(void **state)
{
	char rec[8192];
	size_t o;
	struct tlsrpt_rec_txt txt;
	struct tlsrpt_rec_result r;
	char *pats[] = {"tlsrpt@example.com"};

	(void)state;
	o = (size_t)snprintf(rec, sizeof(rec), "v=TLSRPTv1; rua=");
	for (int i = 0; i < 20; i++) {
		o += (size_t)snprintf(rec + o, sizeof(rec) - o, "%smailto:a%d@", i ? "," : "", i);
		memset(rec + o, 'x', 300);
		o += 300;
		rec[o] = '\0';
	}
	o += (size_t)snprintf(rec + o, sizeof(rec) - o, ",mailto:tlsrpt@example.com");
	txt.s = rec;
	txt.len = o;
	tlsrpt_rec_judge(&txt, 1, pats, 1, "", &r);
	if (r.nrua != TLSRPT_REC_MAX_RUA) {
		fail_msg("got %zu URIs kept, want %d", r.nrua, TLSRPT_REC_MAX_RUA);
	}
	if (strlen(r.detail) >= sizeof(r.detail)) {
		fail_msg("detail not bounded");
	}
	/* the address past the kept URIs still counts */
	if (r.verdict != TLSRPT_REC_OURS) {
		fail_msg("got %s, want ours", tlsrpt_rec_name(r.verdict));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_judge),
	        cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
