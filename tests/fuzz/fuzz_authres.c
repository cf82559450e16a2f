/*
 * fuzz_authres.c - libFuzzer harness over the Authentication-Results parser
 *
 * The input is one or more Authentication-Results field values.  The whole
 * input (a NUL-terminated copy) goes to tlsrpt_authres_parse(); split at
 * newlines, the pieces are the fields of one message for
 * tlsrpt_authres_verdict() with a fixed trusted list and submitter.  Aborts
 * (after a line on stderr) when:
 *
 *   - a failed parse leaves no message, or a message or any parsed string
 *     (authserv-id, result, header.d, header.i) not NUL-terminated inside
 *     its buffer;
 *   - a good parse has ndkim above TLSRPT_AUTHRES_MAX_DKIM, an empty
 *     authserv-id or dkim result, upper case in the lower-cased values,
 *     "none" together with dkim results, or n_dropped without a full array;
 *   - the verdict is PASS with an empty domain, or a domain that does not
 *     match the submitter under tlsrpt_authres_domain_match(); or is NONE
 *     with a domain; or differs from what the deciding field (the first
 *     whose authserv-id cannot be read, or that is trusted and has a DKIM
 *     statement or does not parse) gives on its own; or is PASS from an
 *     unreadable field, from fields no trusted id can name, or for an
 *     unknown submitter; or a field below the first one with a verdict of
 *     its own changes it.  tlsrpt_authres_verdict() is the function the
 *     pipeline uses, so this is production's rule.
 *
 * tlsrpt_authres_domain_match() is also checked for symmetry on the first
 * two fields.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"

#define MAX_FIELDS 16
#define SUBMITTER "mail.ru"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const trusted[] = {"mx.example.net", "Backup.Example.NET"};

/* violation - report a broken invariant and abort */
static void violation(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_authres: invariant broken: %s\n", what);
	if (detail != NULL) {
		fprintf(stderr, "fuzz_authres: %.300s\n", detail);
	}
	abort();
}

/* terminated - is there a NUL within buf[0..len-1]? */
static int terminated(const char *buf, size_t len)
{
	return memchr(buf, '\0', len) != NULL;
}

/* has_upper - any ASCII upper-case letter in s */
static int has_upper(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z') {
			return 1;
		}
	}
	return 0;
}

/* check_parse - parse s and check the struct's invariants */
static void check_parse(const char *s)
{
	struct tlsrpt_authres ar;
	char err[128];
	size_t i;
	int rc;

	memset(err, 'E', sizeof(err));
	rc = tlsrpt_authres_parse(s, &ar, err, sizeof(err));
	if (rc != 0 && rc != -1) {
		violation("parse returned neither 0 nor -1", s);
	}
	if (!terminated(ar.authserv_id, sizeof(ar.authserv_id)) ||
	    ar.ndkim > TLSRPT_AUTHRES_MAX_DKIM) {
		violation("authserv-id not terminated or ndkim out of range", s);
	}
	for (i = 0; i < ar.ndkim; i++) {
		const struct tlsrpt_authres_dkim *dk = &ar.dkim[i];

		if (!terminated(dk->result, sizeof(dk->result)) ||
		    !terminated(dk->domain, sizeof(dk->domain)) ||
		    !terminated(dk->identity, sizeof(dk->identity))) {
			violation("dkim string not terminated", s);
		}
	}
	if (rc != 0) {
		if (!terminated(err, sizeof(err)) || err[0] == '\0') {
			violation("failed parse without a terminated message", s);
		}
		return;
	}
	if (ar.authserv_id[0] == '\0' || has_upper(ar.authserv_id)) {
		violation("good parse with an empty or upper-case authserv-id", s);
	}
	if (ar.none && (ar.ndkim > 0 || ar.n_dropped > 0)) {
		violation("\"none\" together with dkim results", s);
	}
	if (ar.n_dropped > 0 && ar.ndkim != TLSRPT_AUTHRES_MAX_DKIM) {
		violation("results dropped before the array was full", s);
	}
	for (i = 0; i < ar.ndkim; i++) {
		const struct tlsrpt_authres_dkim *dk = &ar.dkim[i];

		if (dk->result[0] == '\0' || has_upper(dk->result) || has_upper(dk->domain)) {
			violation("empty or upper-case dkim result, or upper-case header.d", s);
		}
	}
}

/* is_trusted_id - one of trusted[]? */
static int is_trusted_id(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(trusted) / sizeof(trusted[0]); i++) {
		if (strcasecmp(id, trusted[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

/*
 * check_verdict - the verdict over fields[0..n-1]: production's one
 * function, checked against the rule read independently: the deciding
 * field is the first whose authserv-id cannot be read, or is trusted
 * and speaks of DKIM or does not parse
 */
static void check_verdict(const char *const *fields, size_t n)
{
	static const char *const nobody[] = {"\x01never-an-id"};
	char domain[TLSRPT_AUTHRES_VALUE_MAX], err[64];
	enum tlsrpt_dkim_verdict v, one;
	struct tlsrpt_authres ar;
	size_t i;

	memset(domain, 'D', sizeof(domain));
	v = tlsrpt_authres_verdict(fields, n, trusted, 2, SUBMITTER, domain, sizeof(domain));
	if (!terminated(domain, sizeof(domain))) {
		violation("verdict domain not terminated", fields[0]);
	}
	if (v == TLSRPT_DKIM_PASS &&
	    (domain[0] == '\0' || !tlsrpt_authres_domain_match(domain, SUBMITTER))) {
		violation("PASS with a domain that does not match the submitter", domain);
	}
	if (v == TLSRPT_DKIM_NONE && domain[0] != '\0') {
		violation("NONE with a domain", domain);
	}
	for (i = 0; i < n; i++) {
		int rc = tlsrpt_authres_parse(fields[i], &ar, err, sizeof(err));

		if (ar.authserv_id[0] == '\0' || (!ar.id_cut && is_trusted_id(ar.authserv_id) &&
		                                  (rc != 0 || ar.ndkim > 0 || ar.none))) {
			one = tlsrpt_authres_verdict(&fields[i], 1, trusted, 2, SUBMITTER, NULL, 0);
			if (v != one) {
				violation("the deciding field alone gives another verdict",
				          fields[i]);
			}
			if (rc != 0 && v == TLSRPT_DKIM_PASS) {
				violation("PASS from an unreadable field", fields[i]);
			}
			break;
		}
	}
	if (i == n && v != TLSRPT_DKIM_NONE) {
		violation("a verdict without a deciding field", fields[0]);
	}
	/* fields below the first one that gives a verdict on its own never count */
	for (i = 0; i < n; i++) {
		one = tlsrpt_authres_verdict(&fields[i], 1, trusted, 2, SUBMITTER, NULL, 0);
		if (one != TLSRPT_DKIM_NONE) {
			if (v != TLSRPT_DKIM_NONE && v != one) {
				violation("a field below the verifier's counted", fields[i]);
			}
			break;
		}
	}
	if (tlsrpt_authres_verdict(fields, n, nobody, 1, SUBMITTER, NULL, 0) == TLSRPT_DKIM_PASS) {
		violation("PASS from untrusted fields", fields[0]);
	}
	if (tlsrpt_authres_verdict(fields, n, trusted, 2, "", NULL, 0) == TLSRPT_DKIM_PASS) {
		violation("PASS for an unknown submitter", fields[0]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *fields[MAX_FIELDS];
	char *copy, *p;
	size_t n = 0;

	copy = malloc(size + 1);
	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	copy[size] = '\0';
	check_parse(copy);

	/* the fields of one message, one per line (NULs end a field early) */
	p = copy;
	while (n < MAX_FIELDS) {
		char *nl = strchr(p, '\n');

		fields[n++] = p;
		if (nl == NULL) {
			break;
		}
		*nl = '\0';
		p = nl + 1;
	}
	for (size_t i = 0; i < n; i++) {
		check_parse(fields[i]);
	}
	check_verdict(fields, n);
	if (n >= 2 && tlsrpt_authres_domain_match(fields[0], fields[1]) !=
	                      tlsrpt_authres_domain_match(fields[1], fields[0])) {
		violation("domain_match is not symmetric", fields[0]);
	}
	free(copy);
	return 0;
}
