/*
 * escape.h - make untrusted values safe for one-line log output
 *
 * Log format v1 (doc/log-format.md): a value is written bare when it is
 * non-empty printable ASCII without space, double or single quote,
 * backslash or '='; otherwise in double quotes, where those four
 * characters, control characters, DEL, bytes that are not part of valid
 * UTF-8 and each UTF-8 byte of a hidden character (C1 controls, U+2028,
 * U+2029, bidi controls) become \xHH: \xHH is the only backslash sequence,
 * so the line reads the same to double-quote readers, to readers that
 * also take single quotes and to a plain search for " KEY=".  A value
 * longer than TLSRPT_MAX_VALUE_LEN bytes is cut at a character boundary
 * and ends in "...".  The JSON variant writes a JSON string with the same
 * cut, \uXXXX for control and hidden characters and the text "\xHH" for
 * invalid UTF-8 so the output is always valid JSON.
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

/*
 * tlsrpt_escape_kv_width, tlsrpt_escape_json_width - the same, and a value
 * whose escaped form (quotes and "..." included) would pass width bytes is
 * cut at a character boundary so that it does not
 */
size_t tlsrpt_escape_kv_width(const char *v, size_t len, size_t width, char *out, size_t outlen);
size_t tlsrpt_escape_json_width(const char *v, size_t len, size_t width, char *out, size_t outlen);

/* tlsrpt_escape_kv_nocut, tlsrpt_escape_json_nocut - the same without the cut (line prefixes) */
size_t tlsrpt_escape_kv_nocut(const char *v, size_t len, char *out, size_t outlen);
size_t tlsrpt_escape_json_nocut(const char *v, size_t len, char *out, size_t outlen);

/* tlsrpt_utf8_seqlen - length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid */
size_t tlsrpt_utf8_seqlen(const unsigned char *s, size_t n);

/*
 * tlsrpt_utf8_code_point - the code point of the step-byte sequence at s,
 * which tlsrpt_utf8_seqlen found valid (step 1: the byte itself)
 */
unsigned long tlsrpt_utf8_code_point(const unsigned char *s, size_t step);

/*
 * tlsrpt_escape_hidden - is code point cp one the escapers never write raw
 * (U+0080-U+009F, U+061C, U+200E, U+200F, U+2028-U+202E, U+2066-U+2069)?
 */
int tlsrpt_escape_hidden(unsigned long cp);

#endif
