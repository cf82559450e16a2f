/*
 * gzlog.c - read a rotated log file through zlib
 *
 * gzdopen's reader: it inflates gzip members one after another and passes
 * bytes without a gzip header through unchanged, so one reader serves a
 * compressed rotation, a plain file and a pipe.  gzread counts in int: a
 * read asks for at most 1 GiB.  A zlib error that is not a system call's
 * becomes EIO.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>

#include <zlib.h>

#include "gzlog.h"

#define GZLOG_BUFFER (256 * 1024) /* zlib's input and output buffers */
#define GZLOG_MAX_READ (1U << 30) /* gzread counts in int */

/* tlsrpt_gzlog_open - a zlib-read log file (gzopen's transparent mode for plain bytes) */
struct tlsrpt_gzlog *tlsrpt_gzlog_open(int fd)
{
	gzFile g = gzdopen(fd, "rb");

	if (g != NULL) {
		gzbuffer(g, GZLOG_BUFFER);
	}
	return (struct tlsrpt_gzlog *)g;
}

/* tlsrpt_gzlog_read - inflated bytes */
long tlsrpt_gzlog_read(struct tlsrpt_gzlog *g, void *buf, size_t len)
{
	int n, zerr;

	if (len > GZLOG_MAX_READ) {
		len = GZLOG_MAX_READ;
	}
	n = gzread((gzFile)g, buf, (unsigned)len);
	if (n < 0) {
		(void)gzerror((gzFile)g, &zerr);
		if (zerr != Z_ERRNO) {
			errno = EIO;
		}
		return -1;
	}
	return n;
}

/* tlsrpt_gzlog_close - close */
void tlsrpt_gzlog_close(struct tlsrpt_gzlog *g)
{
	if (g != NULL) {
		gzclose_r((gzFile)g);
	}
}
