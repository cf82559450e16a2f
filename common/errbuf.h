/*
 * errbuf.h - diagnostics into a caller's buffer
 *
 * The library reports errors by writing one line into a buffer the caller
 * gives (never by printing); tlsrpt_errbuf_set and its errno variant are
 * the only writers of such a buffer, in the library and the daemon alike.  Both accept a NULL or
 * empty buffer and always NUL-terminate.
 */
#ifndef TLSRPT_ERRBUF_H
#define TLSRPT_ERRBUF_H

#include <stddef.h>

/* tlsrpt_errbuf_set - printf into err (cut at errlen - 1 bytes) */
void tlsrpt_errbuf_set(char *err, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* tlsrpt_errbuf_set_errno - printf into err, then ": " and the text of errno value e */
void tlsrpt_errbuf_set_errno(char *err, size_t errlen, int e, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* tlsrpt_errbuf_errno - the text of errno value e, whichever strerror_r libc has */
void tlsrpt_errbuf_errno(int e, char *buf, size_t len);

#endif
