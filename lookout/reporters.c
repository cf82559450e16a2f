/*
 * reporters.c - which of our MX's clients are a TLS-RPT reporter's sending hosts
 *
 * Add a row when a reporter's mail comes from hosts outside its own
 * domain; the first column is the reporter id as the digest shows it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "reporters.h"

static const struct {
	const char *reporter;
	const char *domain;
} table[] = {
        {"microsoft.com", "outbound.protection.outlook.com"},
        {"outlook.com", "outbound.protection.outlook.com"},
};

/* under - name is domain or ends in ".domain", case-insensitively */
static int under(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	if (d == 0 || n < d) {
		return 0;
	}
	if (strcasecmp(name + n - d, domain) != 0) {
		return 0;
	}
	return n == d || name[n - d - 1] == '.';
}

/* tlsrpt_reporters_client - the client is one of the reporter's hosts */
int tlsrpt_reporters_client(const char *reporter, const char *client_name)
{
	size_t i;

	if (client_name[0] == '\0' || reporter[0] == '\0') {
		return 0;
	}
	if (under(client_name, reporter)) {
		return 1;
	}
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcasecmp(table[i].reporter, reporter) == 0 &&
		    under(client_name, table[i].domain)) {
			return 1;
		}
	}
	return 0;
}

/* tlsrpt_reporters_domains - the reporter's sending domains as text */
void tlsrpt_reporters_domains(const char *reporter, char *out, size_t outlen)
{
	size_t i, used;

	snprintf(out, outlen, "%s", reporter);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		used = strlen(out);
		if (strcasecmp(table[i].reporter, reporter) == 0 && used < outlen) {
			snprintf(out + used, outlen - used, ", %s", table[i].domain);
		}
	}
}
