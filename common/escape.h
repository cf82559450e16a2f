/*
 * escape.h - make untrusted values safe for one-line log output
 *
 * Log format v1 (doc/log-format.md): a value is written bare when it is
 * non-empty printable ASCII without space, '"', '\' or '='; otherwise in
 * double quotes with \" and \\.  Control characters, DEL and bytes that
 * are not part of valid UTF-8 become \xHH (inside the quotes).  A value
 * longer than TLSRPT_MAX_VALUE_LEN bytes is cut at a character boundary
 * and ends in "...".  The JSON variant writes a JSON string with the same
 * cut, \uXXXX for control characters and \u00XX-style escapes replaced by
 * "\\xHH" text for invalid UTF-8 so the output is always valid JSON.
 */
#ifndef TLSRPT_ESCAPE_H
#define TLSRPT_ESCAPE_H

#include <stddef.h>

/*
 * tlsrpt_escape_kv - write the escaped value of (v, len) into out (outlen
 * bytes, always NUL-terminated).  Returns the length written, or the length
 * needed if out was too small (like snprintf).
 */
size_t tlsrpt_escape_kv(const char *v, size_t len, char *out, size_t outlen);

/* tlsrpt_escape_json - same contract, writing a quoted JSON string */
size_t tlsrpt_escape_json(const char *v, size_t len, char *out, size_t outlen);

/* tlsrpt_escape_kv_nocut, tlsrpt_escape_json_nocut - the same without the cut (line prefixes) */
size_t tlsrpt_escape_kv_nocut(const char *v, size_t len, char *out, size_t outlen);
size_t tlsrpt_escape_json_nocut(const char *v, size_t len, char *out, size_t outlen);

/* tlsrpt_utf8_seqlen - length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid */
size_t tlsrpt_utf8_seqlen(const unsigned char *s, size_t n);

#endif
