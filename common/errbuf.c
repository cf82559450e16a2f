/*
 * errbuf.c - diagnostics into a caller's buffer (see errbuf.h)
 */
#include "config.h" /* _GNU_SOURCE: the GNU strerror_r on glibc */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"

/* tlsrpt_errbuf_set - printf into err (cut at errlen - 1 bytes) */
void tlsrpt_errbuf_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* tlsrpt_errbuf_set_errno - printf into err, then ": " and the text of errno value e */
void tlsrpt_errbuf_set_errno(char *err, size_t errlen, int e, const char *fmt, ...)
{
	char es[128];
	size_t n;
	va_list ap;

	if (err == NULL || errlen == 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	tlsrpt_errbuf_errno(e, es, sizeof(es));
	n = strlen(err);
	snprintf(err + n, errlen - n, ": %s", es);
}

/* tlsrpt_errbuf_errno - the text of errno value e, whichever strerror_r libc has */
void tlsrpt_errbuf_errno(int e, char *buf, size_t len)
{
	if (buf == NULL || len == 0) {
		return;
	}
#if defined(__GLIBC__)
	{
		const char *s = strerror_r(e, buf, len);

		if (s != buf) {
			snprintf(buf, len, "%s", s);
		}
	}
#else
	if (strerror_r(e, buf, len) != 0) {
		snprintf(buf, len, "error %d", e);
	}
#endif
}
