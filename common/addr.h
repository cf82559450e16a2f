/*
 * addr.h - envelope recipient matching against ReportAddress entries
 *
 * An entry (a "pattern") is either a full address, "tlsrpt@example.com",
 * or a local part followed by "@", "tlsrpt@", which matches that local
 * part at any domain.  Matching is case-insensitive.  The recipient is
 * taken as the MTA passes it (RCPT TO argument): surrounding blanks and
 * one pair of angle brackets are removed, as is an RFC 5321 source route
 * ("@a,@b:").  What is compared is what the MTA delivers to: a local
 * part given as an RFC 5321 quoted-string is unquoted ("\"tlsrpt\"@x" is
 * tlsrpt@x, backslash escapes resolved) and one trailing dot of the domain
 * is ignored ("tlsrpt@example.com." is tlsrpt@example.com).  Nothing else
 * is rewritten: "tlsrpt%example.com@relay" and "\"tlsrpt@example.com\"@evil"
 * are not tlsrpt@example.com.  An address extension is ignored: each character of the
 * delimiter string is a delimiter (like Postfix recipient_delimiter), and
 * the local part matches when it is the entry's local part followed by a
 * delimiter and anything, so "tlsrpt+google@example.com" matches
 * "tlsrpt@example.com".  Unlike Postfix, which cuts at the first
 * delimiter only, every delimiter position is tried, so that with "+-" the
 * entry "tls-reports@" still matches "tls-reports+x@example.com".
 *
 * Addresses longer than TLSRPT_ADDR_MAX bytes never match.  No
 * allocation, no globals, no diagnostics beyond the caller's buffer.
 */
#ifndef TLSRPT_ADDR_H
#define TLSRPT_ADDR_H

#include <stddef.h>

#define TLSRPT_ADDR_MAX 512 /* longest address considered, bytes */

/*
 * tlsrpt_addr_bare - the address of an envelope argument without blanks,
 * angle brackets or source route, case kept, into out.  0 ok; -1 when it
 * is empty or does not fit.
 */
int tlsrpt_addr_bare(const char *arg, char *out, size_t outlen);

/*
 * tlsrpt_addr_check - is s a valid entry?  any_domain allows the "local@"
 * form.  0 ok; -1 with the reason in err.
 */
int tlsrpt_addr_check(const char *s, int any_domain, char *err, size_t errlen);

/*
 * tlsrpt_addr_match - 1 when the envelope argument rcpt matches one of the
 * n patterns (checked with tlsrpt_addr_check), 0 otherwise.  delims is the
 * set of extension delimiter characters ("" or NULL: none).
 */
int tlsrpt_addr_match(const char *rcpt, char *const *patterns, size_t n, const char *delims);

#endif
