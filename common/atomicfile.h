/*
 * atomicfile.h - replace a file whole or not at all
 *
 * tlsrpt_atomicfile_write writes a file's new contents to PATH.tmp through
 * the caller's writer, flushes and fsyncs it, renames it over PATH and
 * fsyncs the directory, so that after a crash PATH holds either the old or
 * the new contents, and after a return of 0 the new contents survive a
 * power loss.  On any failure PATH.tmp is removed and PATH is untouched.
 * Used by the milter's StateFile (dedup.c) and the lookout's alert state.
 * No globals, no printing; errors go into the caller's buffer.
 */
#ifndef TLSRPT_ATOMICFILE_H
#define TLSRPT_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define TLSRPT_ATOMICFILE_PATH_MAX 4096 /* longest path name, ".tmp" included (Linux PATH_MAX) */

/* a writer of the new contents: 0, or -1 (errno set when the stream failed) */
typedef int (*tlsrpt_atomicfile_fn)(FILE *fp, void *ctx);

/*
 * tlsrpt_atomicfile_write - PATH.tmp (created with mode) filled by fn,
 * fsync'ed, renamed over path, the directory fsync'ed.  0, or -1 with err
 * ("PATH.tmp: reason" when writing failed, "PATH: reason" when the rename
 * did).
 */
int tlsrpt_atomicfile_write(const char *path, mode_t mode, tlsrpt_atomicfile_fn fn, void *ctx,
                            char *err, size_t errlen);

#endif
