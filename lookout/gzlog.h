/*
 * gzlog.h - read a rotated log file through zlib
 *
 * A log file as logrotate leaves it: gzip members one after another, or
 * plain bytes as they are (zlib's transparent mode), streamed through a
 * fixed 256 KiB buffer.  The scanner (logscan.h) reads it like a file.
 *
 * The only module of tlsrpt-lookout that includes zlib.h (common/payload.c
 * is the pipeline's).  No globals, no printing.
 */
#ifndef TLSRPT_GZLOG_H
#define TLSRPT_GZLOG_H

#include <stddef.h>

struct tlsrpt_gzlog;

/* tlsrpt_gzlog_open - read fd (owned from now on) inflating; NULL without memory */
struct tlsrpt_gzlog *tlsrpt_gzlog_open(int fd);

/* tlsrpt_gzlog_read - up to len bytes; bytes read, 0 at the end, -1 on error (EIO, errno) */
long tlsrpt_gzlog_read(struct tlsrpt_gzlog *g, void *buf, size_t len);

/* tlsrpt_gzlog_close - close the file; accepts NULL */
void tlsrpt_gzlog_close(struct tlsrpt_gzlog *g);

#endif
