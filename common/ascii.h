/*
 * ascii.h - locale-independent ASCII character helpers
 *
 * Mail syntax is ASCII whatever the process locale (isalnum, tolower and
 * isspace follow it): hex digits of quoted-printable, RFC 2231 and the
 * state file, white space of header fields, case folding of MIME types,
 * Authentication-Results tokens, configured addresses and names, and the
 * characters allowed in a host name.  No other module folds case or
 * classifies characters by hand.  Inline: they sit in
 * per-byte loops.
 */
#ifndef TLSRPT_ASCII_H
#define TLSRPT_ASCII_H

#include <stddef.h>

/* tlsrpt_hexval - the value of hex digit c (either case), -1 if it is not one */
static inline int tlsrpt_hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* tlsrpt_wsp - c is a space or a tab (RFC 5322 WSP) */
static inline int tlsrpt_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* tlsrpt_lower - c in lower case if it is an ASCII upper-case letter */
static inline char tlsrpt_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * tlsrpt_name_is - s equals lower, a lower-case ASCII name, ignoring ASCII
 * case (strcasecmp in the C locale, inline: a header name that differs in
 * its first byte costs one compare)
 */
static inline int tlsrpt_name_is(const char *s, const char *lower)
{
	for (; *lower != '\0'; s++, lower++) {
		if (tlsrpt_lower(*s) != *lower) {
			return 0;
		}
	}
	return *s == '\0';
}

/*
 * tlsrpt_name_n_is - the n bytes at s equal the n bytes of lower (lower-case
 * ASCII without NUL), ignoring ASCII case: strncasecmp(s, lower, n) == 0 in
 * the C locale, inline (libc's strncasecmp goes through the locale's tables)
 */
static inline int tlsrpt_name_n_is(const char *s, const char *lower, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (tlsrpt_lower(s[i]) != lower[i]) {
			return 0;
		}
	}
	return 1;
}

/* tlsrpt_alnum - c is an ASCII letter or digit */
static inline int tlsrpt_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* tlsrpt_lower_str - lower-case the ASCII letters of s in place */
static inline void tlsrpt_lower_str(char *s)
{
	for (; *s != '\0'; s++) {
		*s = tlsrpt_lower(*s);
	}
}

#endif
