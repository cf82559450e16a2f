/*
 * strcopy.h - the bounded string copy
 *
 * Copy a string into a fixed array, cut to fit and always NUL-terminated,
 * optionally folding ASCII case or masking the bytes that would break a
 * one-line, comma-separated field.  The one such copy of the tree: a
 * module keeping names in fixed arrays (the digest, the alert machine)
 * copies through it instead of a loop of its own.  No allocation.
 */
#ifndef TLSRPT_STRCOPY_H
#define TLSRPT_STRCOPY_H

#include <stddef.h>

#define TLSRPT_COPY_LOWER 0x1u /* ASCII upper-case letters in lower case */
#define TLSRPT_COPY_FIELD 0x2u /* control characters, DEL and ',' as '?' */

/*
 * tlsrpt_strcopy - src (NULL: "") into dst of size bytes (size > 0), cut
 * at size - 1 bytes (a cut may fall inside a UTF-8 sequence), with the
 * TLSRPT_COPY_* flags; the bytes copied
 */
size_t tlsrpt_strcopy(char *dst, size_t size, const char *src, unsigned flags);

/* TLSRPT_STRCOPY - into an array, sized by the compiler */
#define TLSRPT_STRCOPY(dst, src, flags) tlsrpt_strcopy((dst), sizeof(dst), (src), (flags))

#endif
