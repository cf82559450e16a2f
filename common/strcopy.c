/*
 * strcopy.c - the bounded string copy (strcopy.h)
 *
 * Without flags a length and one memcpy (the digest copies names for
 * every log line it reads); with flags one pass byte by byte.
 */
#include "config.h"

#include <string.h>

#include "ascii.h"
#include "strcopy.h"

/* tlsrpt_strcopy - bounded copy, cut to fit, NUL-terminated */
size_t tlsrpt_strcopy(char *dst, size_t size, const char *src, unsigned flags)
{
	size_t i, n;

	if (src == NULL) {
		src = "";
	}
	if (flags == 0) {
		n = strnlen(src, size - 1);
		memcpy(dst, src, n);
		dst[n] = '\0';
		return n;
	}
	for (i = 0; i + 1 < size && src[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)src[i];

		if ((flags & TLSRPT_COPY_FIELD) && (ch < 0x20 || ch == 0x7f || ch == ',')) {
			dst[i] = '?';
		} else {
			dst[i] = flags & TLSRPT_COPY_LOWER ? tlsrpt_lower((char)ch) : (char)ch;
		}
	}
	dst[i] = '\0';
	return i;
}
