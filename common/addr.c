/*
 * addr.c - envelope recipient matching against ReportAddress entries
 *
 * See addr.h for the rules.  Everything works on bounded stack copies; a
 * recipient that does not fit is simply not a report address.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errbuf.h"
#include "addr.h"

/* is_blank - space or tab */
static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* tlsrpt_addr_bare - envelope argument without blanks, brackets or source route */
int tlsrpt_addr_bare(const char *arg, char *out, size_t outlen)
{
	const char *s = arg, *e;
	size_t len;

	while (is_blank(*s)) {
		s++;
	}
	e = s + strlen(s);
	while (e > s && is_blank(e[-1])) {
		e--;
	}
	if (e - s >= 2 && *s == '<' && e[-1] == '>') {
		s++;
		e--;
	}
	if (s < e && *s == '@') { /* source route: @a,@b:user@domain */
		const char *colon = memchr(s, ':', (size_t)(e - s));

		if (colon != NULL) {
			s = colon + 1;
		}
	}
	len = (size_t)(e - s);
	if (len == 0 || len >= outlen) {
		return -1;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* tlsrpt_addr_check - is s a valid entry (local@domain, or local@ when any_domain) */
int tlsrpt_addr_check(const char *s, int any_domain, char *err, size_t errlen)
{
	const char *at = strrchr(s, '@');
	const char *p;

	if (*s == '\0') {
		tlsrpt_errbuf_set(err, errlen, "\"%.200s\" is empty", s);
		return -1;
	}
	if (strlen(s) >= TLSRPT_ADDR_MAX) {
		tlsrpt_errbuf_set(err, errlen, "\"%.200s\" is too long", s);
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',') {
			tlsrpt_errbuf_set(
			        err, errlen,
			        "\"%.200s\" holds a blank, control character, comma or angle bracket",
			        s);
			return -1;
		}
	}
	if (at == NULL || at == s) {
		tlsrpt_errbuf_set(
		        err, errlen, "\"%.200s\" %s", s,
		        any_domain ? "is not an address (local@domain, or local@ for any domain)"
		                   : "is not an address (local@domain)");
		return -1;
	}
	if (at[1] == '\0' && !any_domain) {
		tlsrpt_errbuf_set(err, errlen, "\"%.200s\" has no domain (local@domain)", s);
		return -1;
	}
	return 0;
}

/* match_one - compare local part (len llen) and domain with one pattern */
static int match_one(const char *local, size_t llen, const char *domain, const char *pat)
{
	const char *pat_at = strrchr(pat, '@');
	size_t plen;

	if (pat_at == NULL) {
		return 0;
	}
	plen = (size_t)(pat_at - pat);
	if (plen != llen || strncasecmp(local, pat, llen) != 0) {
		return 0;
	}
	if (pat_at[1] == '\0') {
		return 1; /* local@: any domain */
	}
	return domain != NULL && strcasecmp(domain, pat_at + 1) == 0;
}

/*
 * split_addr - bare address into the local part the MTA delivers to (an
 * RFC 5321 quoted-string unquoted) and the domain (one trailing dot
 * dropped; NULL when there is none).  The local part is written into
 * local (at least strlen(bare) + 1 bytes); bare is changed.  0 ok; -1 when
 * the quoted-string is malformed.
 */
static int split_addr(char *bare, char *local, const char **domain)
{
	char *at, *p, *q = local;
	size_t dlen;

	*domain = NULL;
	if (bare[0] == '"') {
		for (p = bare + 1; *p != '"'; p++) {
			if (*p == '\0') {
				return -1;
			}
			if (*p == '\\' && p[1] != '\0') {
				p++;
			}
			*q++ = *p;
		}
		*q = '\0';
		at = p + 1;
		if (*at == '\0') {
			return 0;
		}
		if (*at != '@') {
			return -1;
		}
	} else {
		at = strrchr(bare, '@');
		if (at == NULL) {
			strcpy(local, bare);
			return 0;
		}
		memcpy(local, bare, (size_t)(at - bare));
		local[at - bare] = '\0';
	}
	*domain = at + 1;
	dlen = strlen(at + 1);
	if (dlen > 1 && at[dlen] == '.') {
		at[dlen] = '\0'; /* "example.com." is example.com */
	}
	return 0;
}

/* tlsrpt_addr_match - 1 when rcpt matches one of the patterns */
int tlsrpt_addr_match(const char *rcpt, char *const *patterns, size_t n, const char *delims)
{
	char bare[TLSRPT_ADDR_MAX], local[TLSRPT_ADDR_MAX];
	const char *domain;
	size_t llen, cut, i;
	int has_delims = delims != NULL && *delims != '\0';

	if (tlsrpt_addr_bare(rcpt, bare, sizeof(bare)) < 0 ||
	    split_addr(bare, local, &domain) < 0) {
		return 0;
	}
	llen = strlen(local);
	if (llen == 0) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (match_one(local, llen, domain, patterns[i])) {
			return 1;
		}
		for (cut = 1; has_delims && cut < llen; cut++) {
			if (strchr(delims, local[cut]) != NULL &&
			    match_one(local, cut, domain, patterns[i])) {
				return 1;
			}
		}
	}
	return 0;
}
