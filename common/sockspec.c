/*
 * sockspec.c - read a libmilter socket specification (forms in sockspec.h)
 *
 * One table of prefixes, checked in order; "inet6:" cannot be taken for
 * "inet:" since the latter needs its colon right after "inet".
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "sockspec.h"

static const struct {
	const char *prefix;
	enum tlsrpt_sock_kind kind;
} prefixes[] = {
        {"unix:", TLSRPT_SOCK_UNIX},
        {"local:", TLSRPT_SOCK_UNIX},
        {"inet:", TLSRPT_SOCK_INET},
        {"inet6:", TLSRPT_SOCK_INET6},
};

/* tlsrpt_sockspec_split - the kind of spec and what follows its prefix */
int tlsrpt_sockspec_split(const char *spec, enum tlsrpt_sock_kind *kind, const char **rest)
{
	size_t i, n;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		n = strlen(prefixes[i].prefix);
		if (strncasecmp(spec, prefixes[i].prefix, n) == 0) {
			*kind = prefixes[i].kind;
			*rest = spec + n;
			return 0;
		}
	}
	if (spec[0] == '/') {
		*kind = TLSRPT_SOCK_UNIX;
		*rest = spec;
		return 0;
	}
	return -1;
}

/* tlsrpt_sockspec_prefix - the prefix of a kind: its first in the table */
const char *tlsrpt_sockspec_prefix(enum tlsrpt_sock_kind kind)
{
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (prefixes[i].kind == kind) {
			return prefixes[i].prefix;
		}
	}
	return "";
}

/* tlsrpt_sockspec_path - the file of a Unix-domain socket spec, or NULL */
const char *tlsrpt_sockspec_path(const char *spec)
{
	enum tlsrpt_sock_kind kind;
	const char *rest;

	if (tlsrpt_sockspec_split(spec, &kind, &rest) < 0 || kind != TLSRPT_SOCK_UNIX) {
		return NULL;
	}
	return rest;
}
