/*
 * mimefield.h - MIME header-field values: Content-Type, Content-Disposition,
 * Content-Transfer-Encoding
 *
 * Each function reads one unfolded field value (what follows the colon) and
 * fills a bounded result; nothing is allocated and nothing fails: a value
 * that cannot be read gives the RFC 2045 default (text/plain, identity
 * encoding, no file name).
 *
 * Parameters are read with comments in parentheses skipped, quoted strings
 * unquoted (backslash escapes), unquoted values ending at ";", "(" or
 * trailing white space, at most TLSRPT_MIME_MAX_PARAMS per field.  Names
 * follow RFC 2231: name*=charset'lang'%XX-encoded, and name*0=, name*1*=,
 * ... continuations put together in number order; the charset is not
 * converted.
 */
#ifndef TLSRPT_MIMEFIELD_H
#define TLSRPT_MIMEFIELD_H

#include <stddef.h>

#include "tlsrpt_limits.h"

#define TLSRPT_MIME_TYPE_MAX 127  /* "type/subtype" kept; longer is invalid */
#define TLSRPT_MIME_NAME_MAX 511  /* file name bytes kept; longer is cut */
#define TLSRPT_MIME_MAX_PARAMS 64 /* parameters read per header field */

enum tlsrpt_cte {
	TLSRPT_CTE_IDENTITY = 0, /* 7bit, 8bit, binary, absent, or unknown */
	TLSRPT_CTE_BASE64,
	TLSRPT_CTE_QP,
};

/* what a Content-Type field says */
struct tlsrpt_mime_ctype {
	char type[TLSRPT_MIME_TYPE_MAX + 1];    /* lower case; "" when invalid (text/plain) */
	char boundary[TLSRPT_MAX_BOUNDARY + 1]; /* when multipart */
	char name[TLSRPT_MIME_NAME_MAX + 1];    /* the name parameter, "" when absent */
	int multipart;                          /* multipart with a usable boundary (1..70) */
};

/* tlsrpt_mimefield_type - parse a Content-Type value into *ct (a multipart
 * without a usable boundary is invalid: type "") */
void tlsrpt_mimefield_type(const char *v, struct tlsrpt_mime_ctype *ct);

/* tlsrpt_mimefield_filename - the filename parameter of a Content-Disposition
 * value into out (NUL-terminated, cut to fit); 1 found, 0 not (out is "") */
int tlsrpt_mimefield_filename(const char *v, char *out, size_t outsize);

/* tlsrpt_mimefield_cte - the encoding a Content-Transfer-Encoding value names */
enum tlsrpt_cte tlsrpt_mimefield_cte(const char *v);

#endif
