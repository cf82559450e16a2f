/*
 * offline.h - "tlsrpt-milter -t FILE...": the pipeline on saved messages
 */
#ifndef TLSRPT_OFFLINE_H
#define TLSRPT_OFFLINE_H

#include <stdio.h>

#include "tlsrpt_limits.h"
#include "pipeline.h"
#include "record.h"

/*
 * tlsrpt_offline_run - run each file ("-" is standard input) through the
 * pipeline, fed in chunks, and print its records to out in format fmt,
 * each prefixed with the file name.  A file that cannot be opened or read
 * gives an "error" record on out like any other; errout receives only the
 * message that the run could not start (out of memory).  Returns 0 when
 * every file held at least one report and no error record, 1 otherwise.
 * trust (may be NULL) is given to every file's pipeline.
 */
int tlsrpt_offline_run(char *const files[], int nfiles, const struct tlsrpt_limits *lim,
                       const struct tlsrpt_trust *trust, enum tlsrpt_format fmt, FILE *out,
                       FILE *errout);

#endif
