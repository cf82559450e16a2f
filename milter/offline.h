/*
 * offline.h - "tlsrpt-milter -t FILE...": the pipeline on saved messages
 */
#ifndef TLSRPT_OFFLINE_H
#define TLSRPT_OFFLINE_H

#include <stdio.h>

#include "limits.h"
#include "pipeline.h"

/*
 * tlsrpt_offline_run - run each file ("-" is standard input) through the
 * pipeline, fed in chunks, and print its records to out, each prefixed
 * with the file name.  Diagnostics about files that cannot be opened go to
 * errout.  Returns 0 when every file held at least one report and no error
 * record, 1 otherwise.  json selects the JSON line format.  trust (may be
 * NULL) is given to every file's pipeline.
 */
int tlsrpt_offline_run(char *const files[], int nfiles, const struct tlsrpt_limits *lim,
                       const struct tlsrpt_trust *trust, int json, FILE *out, FILE *errout);

#endif
