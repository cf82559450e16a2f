/*
 * test_authres.c - Authentication-Results parsing, domain matching, verdict
 *
 * Table-driven: a field value and what the parser must make of it (the
 * authserv-id, "none", each dkim result with header.d / header.i, or an
 * error); then the signing/submitter domain rule; then the verdict over
 * several fields with trusted and untrusted authserv-ids; then malformed
 * and pathological input (deep comment nesting, over-long values, more
 * dkim results than the struct keeps); then what a sender can write to
 * talk the verdict round (test_attacks).
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

#include "authres.h"

struct dk {
	const char *result, *domain, *identity;
};

struct parse_case {
	const char *in;
	int rc;         /* 0 or -1 */
	const char *id; /* authserv-id when rc == 0 */
	int none;
	size_t ndkim;
	struct dk dkim[3];
};

static const struct parse_case parse_cases[] = {
        /* OpenDKIM's own output */
        {"mx.example.net; dkim=pass (2048-bit key; unprotected) header.d=mail.ru header.i=@mail.ru header.a=rsa-sha256 header.s=mail4 header.b=AbCd1234",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "mail.ru", "@mail.ru"}}},
        /* folded as the MTA hands it over, with a base64 fragment holding '/' and '+' */
        {"mx.example.net;\r\n\tdkim=pass (1024-bit key; secure) header.d=Example.COM\r\n\theader.i=@example.com header.b=\"x/+9ab=\"",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "example.com", "@example.com"}}},
        {"mx.example.net; dkim=pass header.b=ab/+cd==",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "", ""}}},
        /* comments everywhere, nested, holding ';' '=' '(' and quoted pairs */
        {"(lead) mx.example.net (c;1=2) ; (x) dkim (m) = (n) pass (a (nested; d=evil.example) b) header (p) . (q) d (r) = (s) mail.ru (t) ; (u) spf=pass",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "mail.ru", ""}}},
        {"mx.example.net; dkim=pass (escaped \\) paren; header.d=evil.example) header.d=mail.ru",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "mail.ru", ""}}},
        {"mx.example.net(no space);dkim=fail(bad sig)header.d=a.example",
         0,
         "mx.example.net",
         0,
         1,
         {{"fail", "a.example", ""}}},
        /* quoted-string values with escapes */
        {"mx.example.net; dkim=pass header.d=\"corp.mail.ru\"",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "corp.mail.ru", ""}}},
        {"mx.example.net; dkim=pass header.d=\"corp.\\mail.ru\" header.i=\"a\\\"b;c\"@mail.ru",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "corp.mail.ru", "a\"b;c@mail.ru"}}},
        {"\"MX.Example.NET\"; dkim=pass reason=\"sig ok; d=x\" header.d=mail.ru",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "mail.ru", ""}}},
        /* authserv-id with a version, method with a version */
        {"example.net 1; dkim=pass header.d=mail.ru",
         0,
         "example.net",
         0,
         1,
         {{"pass", "mail.ru", ""}}},
        {"example.net 1 (v); dkim/1=pass header.d=mail.ru",
         0,
         "example.net",
         0,
         1,
         {{"pass", "mail.ru", ""}}},
        {"example.net; dkim / 1 = neutral header.d=mail.ru",
         0,
         "example.net",
         0,
         1,
         {{"neutral", "mail.ru", ""}}},
        /* none */
        {"example.net; none", 0, "example.net", 1, 0, {{0}}},
        {"Example.Net 1 ; none (nothing checked)", 0, "example.net", 1, 0, {{0}}},
        {"example.net; none; dkim=pass header.d=mail.ru", -1, NULL, 0, 0, {{0}}},
        {"example.net; dkim=pass header.d=mail.ru; none", -1, NULL, 0, 0, {{0}}},
        /* several results: spf, dmarc, dkim twice, unknown methods skipped */
        {"mx.mail.ru; spf=pass smtp.mailfrom=mail.ru smtp.helo=out.mail.ru; dkim=pass header.d=corp.mail.ru header.i=@corp.mail.ru; dkim=fail (signature verification failed) header.d=evil.example; dmarc=pass header.from=mail.ru; x-custom/2=weird policy.thing=\"a b\"",
         0,
         "mx.mail.ru",
         0,
         2,
         {{"pass", "corp.mail.ru", "@corp.mail.ru"}, {"fail", "evil.example", ""}}},
        /* Microsoft's property without ptype; a trailing ';' */
        {"spf.protection.outlook.com; dmarc=pass action=none header.from=mail.ru; dkim=pass (signature was verified) header.d=mail.ru;",
         0,
         "spf.protection.outlook.com",
         0,
         1,
         {{"pass", "mail.ru", ""}}},
        /* header.i only; header.i as a full address */
        {"mx.example.net; dkim=pass header.i=reports@Mail.RU",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "", "reports@Mail.RU"}}},
        /* RESULT and method case */
        {"mx.example.net; DKIM=PASS Header.D=MAIL.RU",
         0,
         "mx.example.net",
         0,
         1,
         {{"pass", "mail.ru", ""}}},
        /* malformed */
        {"", -1, NULL, 0, 0, {{0}}},
        {"   \t ", -1, NULL, 0, 0, {{0}}},
        {"(only a comment)", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net;", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=pass (unterminated header.d=mail.ru", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=pass (a (b) header.d=mail.ru", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=pass header.d=\"mail.ru", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=pass header.d=\"mail.ru\\", -1, NULL, 0, 0, {{0}}},
        {"\"mx.example.net; dkim=pass", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; =pass", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=pass header.d=", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=pass header.d", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=pass header.=x", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=pass header.d=a b", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net dkim=pass", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim/x=pass", -1, NULL, 0, 0, {{0}}},
        {"mx.example.net; dkim=pass ) header.d=mail.ru", -1, NULL, 0, 0, {{0}}},
        {"; dkim=pass header.d=mail.ru", -1, NULL, 0, 0, {{0}}},
};

/* check_dkim - compare one parsed dkim result with the table */
static void check_dkim(const char *in, size_t i, const struct tlsrpt_authres_dkim *got,
                       const struct dk *want)
{
	if (strcmp(got->result, want->result) != 0 || strcmp(got->domain, want->domain) != 0 ||
	    strcmp(got->identity, want->identity) != 0) {
		fail_msg("parse(\"%s\") dkim[%zu]: got (%s, d=%s, i=%s), want (%s, d=%s, i=%s)", in,
		         i, got->result, got->domain, got->identity, want->result, want->domain,
		         want->identity);
	}
}

/* test_parse - the table */
static void test_parse(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct tlsrpt_authres ar;
		char err[128] = "";
		int rc = tlsrpt_authres_parse(c->in, &ar, err, sizeof(err));

		if (rc != c->rc) {
			fail_msg("parse(\"%s\"): got %d (%s), want %d", c->in, rc, err, c->rc);
		}
		if (rc != 0) {
			if (err[0] == '\0') {
				fail_msg("parse(\"%s\"): error without a message", c->in);
			}
			continue;
		}
		if (strcmp(ar.authserv_id, c->id) != 0 || ar.none != c->none ||
		    ar.ndkim != c->ndkim || ar.n_dropped != 0) {
			fail_msg(
			        "parse(\"%s\"): got id \"%s\" none %d ndkim %zu dropped %zu, want \"%s\" %d %zu 0",
			        c->in, ar.authserv_id, ar.none, ar.ndkim, ar.n_dropped, c->id,
			        c->none, c->ndkim);
		}
		for (j = 0; j < c->ndkim; j++) {
			check_dkim(c->in, j, &ar.dkim[j], &c->dkim[j]);
		}
	}
}

/* test_errors - the reason is the one the header promises */
static void test_errors(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	        {"mx.example.net; dkim=pass (x", "unterminated comment"},
	        {"mx.example.net; dkim=pass header.d=\"x", "unterminated quoted-string"},
	        {"", "empty field"},
	        {"; dkim=pass", "no authserv-id"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tlsrpt_authres ar;
		char err[128] = "";

		if (tlsrpt_authres_parse(cases[i].in, &ar, err, sizeof(err)) != -1 ||
		    strstr(err, cases[i].want) == NULL) {
			fail_msg("parse(\"%s\"): got error \"%s\", want \"%s\"", cases[i].in, err,
			         cases[i].want);
		}
	}
}

/* test_deep_nesting - 10 KB of '(' is refused without deep recursion; closed, it parses */
static void test_deep_nesting(void **state)
{
	static const char head[] = "mx.example.net; dkim=pass ";
	static const char tail[] = " header.d=mail.ru";
	size_t depth = 10240, hl = sizeof(head) - 1, tl = sizeof(tail) - 1;
	char *s = malloc(hl + 2 * depth + tl + 1);
	struct tlsrpt_authres ar;
	char err[128] = "";
	int rc;

	(void)state;
	assert_non_null(s);
	memcpy(s, head, hl);
	memset(s + hl, '(', depth);
	s[hl + depth] = '\0';
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != -1 || strstr(err, "unterminated comment") == NULL) {
		fail_msg("10 KB of '(': got %d (%s), want -1 (unterminated comment)", rc, err);
	}
	memset(s + hl + depth, ')', depth);
	memcpy(s + hl + 2 * depth, tail, tl + 1);
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != 0 || ar.ndkim != 1 || strcmp(ar.dkim[0].domain, "mail.ru") != 0) {
		fail_msg("10 KB of balanced nesting: got %d (%s), want a pass for mail.ru", rc,
		         err);
	}
	/* only '(' and nothing else */
	memset(s, '(', 10240);
	s[10240] = '\0';
	if (tlsrpt_authres_parse(s, &ar, err, sizeof(err)) != -1) {
		fail_msg("10 KB of '(' alone: got 0, want -1");
	}
	free(s);
}

/* test_overlong - kept values are cut and marked cut, never a reason to refuse the field */
static void test_overlong(void **state)
{
	char big[TLSRPT_AUTHRES_VALUE_MAX + 64], s[2 * sizeof(big) + 128];
	struct tlsrpt_authres ar;
	char err[128] = "";
	size_t max = TLSRPT_AUTHRES_VALUE_MAX - 1;
	int rc;

	(void)state;
	/* a header.d of exactly the maximum fits */
	memset(big, 'a', max);
	big[max] = '\0';
	snprintf(s, sizeof(s), "mx.example.net; dkim=pass header.d=%s", big);
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != 0 || strlen(ar.dkim[0].domain) != max || ar.dkim[0].domain_cut) {
		fail_msg("header.d of %zu bytes: got %d (%s), want 0 with the value", max, rc, err);
	}
	/* one more is cut, marked, and the rest of the field still read */
	memset(big, 'a', max + 1);
	big[max + 1] = '\0';
	snprintf(s, sizeof(s), "mx.example.net; dkim=pass header.d=%s header.i=@x.ru; dkim=fail",
	         big);
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != 0 || ar.ndkim != 2 || !ar.dkim[0].domain_cut ||
	    strlen(ar.dkim[0].domain) != max || strcmp(ar.dkim[0].identity, "@x.ru") != 0) {
		fail_msg(
		        "header.d of %zu bytes: got %d (%s) ndkim %zu cut %d, want 0, 2 results, cut",
		        max + 1, rc, err, ar.ndkim, ar.dkim[0].domain_cut);
	}
	snprintf(s, sizeof(s), "mx.example.net; dkim=pass header.i=\"%s\"@x header.d=x.ru", big);
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != 0 || !ar.dkim[0].identity_cut || strcmp(ar.dkim[0].domain, "x.ru") != 0) {
		fail_msg("quoted header.i of %zu bytes: got %d (%s), want 0, cut", max + 3, rc,
		         err);
	}
	snprintf(s, sizeof(s), "%s; dkim=pass", big);
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != 0 || !ar.id_cut) {
		fail_msg("authserv-id of %zu bytes: got %d (%s) cut %d, want 0, cut", max + 1, rc,
		         err, ar.id_cut);
	}
	snprintf(s, sizeof(s), "mx.example.net; dkim=pass%.40s", big);
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != 0 || ar.ndkim != 1 || strcmp(ar.dkim[0].result, "pass") == 0) {
		fail_msg("dkim result of 44 bytes: got %d (%s) result %s, want 0 and not pass", rc,
		         err, ar.dkim[0].result);
	}
	snprintf(s, sizeof(s), "mx.example.net; dkim%.80s=pass header.d=x.ru", big);
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != 0 || ar.ndkim != 0) {
		fail_msg("method of 84 bytes: got %d (%s) ndkim %zu, want 0 and no dkim result", rc,
		         err, ar.ndkim);
	}
	/* a long header.b or reason is not kept, so it does not matter */
	snprintf(s, sizeof(s), "mx.example.net; dkim=pass reason=\"%s\" header.b=%s header.d=x.ru",
	         big, big);
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != 0 || strcmp(ar.dkim[0].domain, "x.ru") != 0) {
		fail_msg("long header.b and reason: got %d (%s), want 0", rc, err);
	}
}

/*
 * test_attacks - what a sender can write: OpenDKIM's field on top with a
 * header.i cut from the signer's 300-byte i= tag, a forged "dkim/1" field
 * of our own authserv-id below it; a top field that does not parse; a
 * cut header.d whose first bytes name the submitter
 */
static void test_attacks(void **state)
{
	const char *trusted[] = {"mx.example.com"};
	char top[1024], cutd[1024], longi[301], pad[300], domain[TLSRPT_AUTHRES_VALUE_MAX];
	const char *forged = "mx.example.com; dkim/1=pass header.d=google.com";
	const char *fields[3];
	enum tlsrpt_dkim_verdict v;
	size_t i;

	(void)state;
	memset(longi, 'i', sizeof(longi) - 1);
	longi[sizeof(longi) - 1] = '\0';
	/* OpenDKIM 2.11 writes header.i cut to 256 bytes, without the domain */
	snprintf(
	        top, sizeof(top),
	        "mx.example.com; dkim=pass (2048-bit key; unprotected) header.d=attacker.example header.i=%.256s header.a=rsa-sha256 header.s=sel header.b=AbCdEfGh",
	        longi);
	fields[0] = top;
	fields[1] = forged;
	v = tlsrpt_authres_verdict(fields, 2, trusted, 1, "google.com", domain, sizeof(domain));
	if (v != TLSRPT_DKIM_FAIL || strcmp(domain, "attacker.example") != 0) {
		fail_msg("long header.i + dkim/1 below: got %s (%s), want fail (attacker.example)",
		         tlsrpt_dkim_verdict_name(v), domain);
	}
	/* the forged field alone would pass: the test above is not vacuous */
	v = tlsrpt_authres_verdict(&fields[1], 1, trusted, 1, "google.com", NULL, 0);
	if (v != TLSRPT_DKIM_PASS) {
		fail_msg("forged field alone: got %s, want pass", tlsrpt_dkim_verdict_name(v));
	}
	/* unparseable top fields of ours: nothing below counts */
	{
		static const char *const bad[] = {
		        "mx.example.com; spf=pass (mailfrom \"x(y) smtp.mailfrom=a.example; dkim=none",
		        "mx.example.com; dkim=pass header.d=\"attacker.example",
		        "mx.example.com; dkim=pass header.d=attacker.example (unterminated",
		        "mx.example.com; dkim=pass header.d=attacker.example header.i=a(b@x",
		        "mx.example.com; dkim=pass ; ; header.d=x",
		        "\"mx.example.com; dkim=pass",
		        "(mx.example.com; dkim=pass header.d=google.com",
		};
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			fields[0] = bad[i];
			fields[1] = forged;
			v = tlsrpt_authres_verdict(fields, 2, trusted, 1, "google.com", domain,
			                           sizeof(domain));
			if (v == TLSRPT_DKIM_PASS) {
				fail_msg("unreadable top field [%s]: got pass (%s)", bad[i],
				         domain);
			}
		}
	}
	/* quoted strings inside comments and comments inside quoted strings are read right */
	{
		static const char *const good[] = {
		        "mx.example.com; spf=pass (mailfrom \"x(y\") smtp.mailfrom=a.example; dkim=pass header.d=google.com",
		        "mx.example.com; spf=pass (\"a)b\" (nested \\) \"c(\")) smtp.mailfrom=a; dkim=pass header.d=google.com",
		        "mx.example.com; dkim=pass reason=\"x (y\" header.d=google.com",
		        "mx.example.com; dkim=pass reason=\"x) y\" header.d=google.com",
		};
		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			fields[0] = good[i];
			v = tlsrpt_authres_verdict(fields, 1, trusted, 1, "google.com", NULL, 0);
			if (v != TLSRPT_DKIM_PASS) {
				fail_msg("[%s]: got %s, want pass", good[i],
				         tlsrpt_dkim_verdict_name(v));
			}
		}
	}
	/* a cut header.d whose first 255 bytes end in ".google.com" never matches */
	memset(pad, 'a', 244);
	pad[244] = '\0';
	snprintf(cutd, sizeof(cutd), "mx.example.com; dkim=pass header.d=%s.google.comxxxxxxxx",
	         pad);
	fields[0] = cutd;
	v = tlsrpt_authres_verdict(fields, 1, trusted, 1, "google.com", domain, sizeof(domain));
	if (v == TLSRPT_DKIM_PASS) {
		fail_msg("cut header.d: got pass (%s)", domain);
	}
}

/* test_dropped - results beyond TLSRPT_AUTHRES_MAX_DKIM are dropped and counted */
static void test_dropped(void **state)
{
	char s[8192];
	size_t i, len, extra = 5;
	struct tlsrpt_authres ar;
	char err[128] = "";

	(void)state;
	len = (size_t)snprintf(s, sizeof(s), "mx.example.net");
	for (i = 0; i < TLSRPT_AUTHRES_MAX_DKIM + extra; i++) {
		len += (size_t)snprintf(s + len, sizeof(s) - len,
		                        "; dkim=fail header.d=d%zu.example", i);
	}
	if (tlsrpt_authres_parse(s, &ar, err, sizeof(err)) != 0) {
		fail_msg("%d dkim results: got error %s, want 0", TLSRPT_AUTHRES_MAX_DKIM + 5, err);
	}
	if (ar.ndkim != TLSRPT_AUTHRES_MAX_DKIM || ar.n_dropped != extra) {
		fail_msg("ndkim/n_dropped: got %zu/%zu, want %d/%zu", ar.ndkim, ar.n_dropped,
		         TLSRPT_AUTHRES_MAX_DKIM, extra);
	}
	if (strcmp(ar.dkim[TLSRPT_AUTHRES_MAX_DKIM - 1].domain, "d15.example") != 0) {
		fail_msg("last kept: got %s, want d15.example",
		         ar.dkim[TLSRPT_AUTHRES_MAX_DKIM - 1].domain);
	}
	/* a dropped result that is malformed still fails the field */
	len += (size_t)snprintf(s + len, sizeof(s) - len, "; dkim=pass header.d=\"x");
	if (tlsrpt_authres_parse(s, &ar, err, sizeof(err)) != -1) {
		fail_msg("malformed dropped result: got 0, want -1");
	}
}

struct match_case {
	const char *d, *s;
	int want;
};

static const struct match_case match_cases[] = {
        {"mail.ru", "mail.ru", 1},
        {"corp.mail.ru", "mail.ru", 1},
        {"a.b.corp.mail.ru", "mail.ru", 1},
        {"mail.ru", "tlsrpt.mail.ru", 1},
        {"MAIL.RU", "Corp.Mail.Ru", 1},
        {"mail.ru.", "mail.ru", 1},
        {"mail.ru", "corp.mail.ru.", 1},
        {"com", "example.com", 0},
        {"example.com", "com", 0},
        {"com", "com", 1},
        {"evilmail.ru", "mail.ru", 0},
        {"mail.ru", "evilmail.ru", 0},
        {"mail.ru.evil.example", "mail.ru", 0},
        {"mail.ru", "mail.rux", 0},
        {"example.org", "example.com", 0},
        {"", "mail.ru", 0},
        {"mail.ru", "", 0},
        {".", "mail.ru", 0},
        {".mail.ru", "mail.ru", 0},
        {"x..mail.ru", "mail.ru", 0},
        {"mail.ru..", "mail.ru", 0},
        {"a b.mail.ru", "mail.ru", 0},
        {"x@mail.ru", "mail.ru", 0},
};

/* test_domain_match - the signing domain rule */
static void test_domain_match(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		const struct match_case *c = &match_cases[i];
		int got = tlsrpt_authres_domain_match(c->d, c->s);

		if (got != c->want) {
			fail_msg("domain_match(\"%s\", \"%s\"): got %d, want %d", c->d, c->s, got,
			         c->want);
		}
	}
	if (tlsrpt_authres_domain_match(NULL, "mail.ru") != 0 ||
	    tlsrpt_authres_domain_match("mail.ru", NULL) != 0) {
		fail_msg("domain_match with NULL: got a match, want none");
	}
}

struct verdict_case {
	const char *name;
	const char *fields[4]; /* NULL-terminated */
	const char *submitter;
	enum tlsrpt_dkim_verdict want;
	const char *domain;
};

#define TRUSTED "mx.example.net", "Backup.Example.NET"

static const struct verdict_case verdict_cases[] = {
        {"opendkim pass",
         {"mx.example.net; dkim=pass (2048-bit key; unprotected) header.d=mail.ru header.i=@mail.ru header.a=rsa-sha256 header.s=mail4 header.b=AbCd1234"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
        {"child signs for parent",
         {"mx.example.net; dkim=pass header.d=corp.mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "corp.mail.ru"},
        {"parent signs for child",
         {"mx.example.net; dkim=pass header.d=mail.ru"},
         "tlsrpt.mail.ru",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
        {"quoted header.d",
         {"mx.example.net; dkim=pass header.d=\"corp.mail.ru\""},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "corp.mail.ru"},
        {"case-insensitive id",
         {"MX.EXAMPLE.NET; dkim=pass header.d=mail.ru"},
         "Mail.Ru.",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
        {"second trusted id",
         {"backup.example.net 1; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
        {"untrusted pass ignored",
         {"evil.example; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_NONE,
         ""},
        {"untrusted pass, trusted fail",
         {"mx.example.net.evil; dkim=pass header.d=mail.ru",
          "mx.example.net; dkim=fail header.d=mail.ru", "evil.example; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         "mail.ru"},
        {"trusted pass after untrusted",
         {"evil.example; dkim=fail header.d=x.example",
          "mx.example.net; spf=pass smtp.mailfrom=mail.ru; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
        {"one pass one fail",
         {"mx.example.net; spf=pass smtp.mailfrom=mail.ru; dkim=fail header.d=other.example; dkim=pass header.d=mail.ru; dmarc=pass header.from=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
        {"pass for another domain",
         {"mx.example.net; dkim=pass header.d=other.example; dkim=fail header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         "other.example"},
        {"evil look-alike",
         {"mx.example.net; dkim=pass header.d=evilmail.ru"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         "evilmail.ru"},
        {"tld only", {"mx.example.net; dkim=pass header.d=ru"}, "mail.ru", TLSRPT_DKIM_FAIL, "ru"},
        {"header.i only",
         {"mx.example.net; dkim=pass header.i=@Corp.Mail.Ru"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "corp.mail.ru"},
        {"header.i address",
         {"mx.example.net; dkim=pass header.i=reports@mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
        {"header.d wins over header.i",
         {"mx.example.net; dkim=pass header.i=@mail.ru header.d=evil.example"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         "evil.example"},
        {"header.d wins, i first",
         {"mx.example.net; dkim=pass header.d=mail.ru header.i=@evil.example"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
        {"no domain at all",
         {"mx.example.net; dkim=pass header.s=sel"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         ""},
        {"none", {"mx.example.net; none"}, "mail.ru", TLSRPT_DKIM_NONE, ""},
        {"dkim=none",
         {"mx.example.net; dkim=none (no signature)"},
         "mail.ru",
         TLSRPT_DKIM_NONE,
         ""},
        {"spf only",
         {"mx.example.net; spf=pass smtp.mailfrom=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_NONE,
         ""},
        {"temperror",
         {"mx.example.net; dkim=temperror header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         "mail.ru"},
        {"no fields", {NULL}, "mail.ru", TLSRPT_DKIM_NONE, ""},
        {"unknown submitter",
         {"mx.example.net; dkim=pass header.d=mail.ru"},
         "",
         TLSRPT_DKIM_FAIL,
         "mail.ru"},
        {"NULL submitter",
         {"mx.example.net; dkim=pass header.d=mail.ru"},
         NULL,
         TLSRPT_DKIM_FAIL,
         "mail.ru"},
        {"malformed trusted field: not pass",
         {"mx.example.net; dkim=pass header.d=mail.ru (unterminated"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         ""},
        {"malformed trusted field hides the ones below",
         {"mx.example.net; dkim=pass header.d=\"mail.ru",
          "mx.example.net; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         ""},
        {"only the topmost dkim field counts",
         {"mx.example.net; dkim=fail header.d=x.ru", "mx.example.net; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         "x.ru"},
        {"none on top hides a pass below",
         {"mx.example.net; none", "mx.example.net; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_NONE,
         ""},
        {"dmarc and spf fields of ours passed over",
         {"mx.example.net; dmarc=pass header.from=mail.ru", "mx.example.net; spf=pass",
          "mx.example.net; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
        {"unreadable authserv-id may be ours",
         {"(mx.example.net; dkim=pass", "mx.example.net; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_FAIL,
         ""},
        {"untrusted unparseable field passed over",
         {"evil.example; dkim=pass (x", "mx.example.net; dkim=pass header.d=mail.ru"},
         "mail.ru",
         TLSRPT_DKIM_PASS,
         "mail.ru"},
};

/* test_verdict - the table, with trusted ids "mx.example.net", "Backup.Example.NET" */
static void test_verdict(void **state)
{
	static const char *const trusted[] = {TRUSTED};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(verdict_cases) / sizeof(verdict_cases[0]); i++) {
		const struct verdict_case *c = &verdict_cases[i];
		char domain[TLSRPT_AUTHRES_VALUE_MAX];
		size_t n = 0;
		enum tlsrpt_dkim_verdict got;

		while (n < 4 && c->fields[n] != NULL) {
			n++;
		}
		memset(domain, 'X', sizeof(domain));
		got = tlsrpt_authres_verdict(c->fields, n, trusted, 2, c->submitter, domain,
		                             sizeof(domain));
		if (got != c->want || strcmp(domain, c->domain) != 0) {
			fail_msg("%s: got %s domain \"%s\", want %s domain \"%s\"", c->name,
			         tlsrpt_dkim_verdict_name(got), domain,
			         tlsrpt_dkim_verdict_name(c->want), c->domain);
		}
		/* NULL domain is allowed */
		if (tlsrpt_authres_verdict(c->fields, n, trusted, 2, c->submitter, NULL, 0) !=
		    got) {
			fail_msg("%s: verdict differs with a NULL domain", c->name);
		}
	}
}

/* test_verdict_untrusted_only - no trusted ids at all: nothing counts */
static void test_verdict_untrusted_only(void **state)
{
	const char *fields[] = {"mx.example.net; dkim=pass header.d=mail.ru"};
	char domain[TLSRPT_AUTHRES_VALUE_MAX];
	enum tlsrpt_dkim_verdict got;

	(void)state;
	got = tlsrpt_authres_verdict(fields, 1, NULL, 0, "mail.ru", domain, sizeof(domain));
	if (got != TLSRPT_DKIM_NONE || domain[0] != '\0') {
		fail_msg("no trusted ids: got %s \"%s\", want none \"\"",
		         tlsrpt_dkim_verdict_name(got), domain);
	}
}

/* test_names - the verdict names used in log lines */
static void test_names(void **state)
{
	(void)state;
	assert_string_equal(tlsrpt_dkim_verdict_name(TLSRPT_DKIM_NONE), "none");
	assert_string_equal(tlsrpt_dkim_verdict_name(TLSRPT_DKIM_FAIL), "fail");
	assert_string_equal(tlsrpt_dkim_verdict_name(TLSRPT_DKIM_PASS), "pass");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse),        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_deep_nesting), cmocka_unit_test(test_overlong),
	        cmocka_unit_test(test_dropped),      cmocka_unit_test(test_domain_match),
	        cmocka_unit_test(test_verdict),      cmocka_unit_test(test_verdict_untrusted_only),
	        cmocka_unit_test(test_attacks),      cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
