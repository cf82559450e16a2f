/*
 * journalfile.h - read a journalctl -o json stream's tlsrpt-milter entries, for both modes
 *
 * Opens a file, or standard input for "-" (gzip when its first bytes say
 * so, as logfile.h does), reads it whole with journal.h, parses each
 * tagged entry's MESSAGE as a bare tlsrpt-milter message (logline.h) and
 * hands it with its verified origin to the caller, which decides what each
 * origin may do.  What was left out (entries of another writer, lines
 * that are not journalctl -o json) is said on stderr once per input.
 *
 * Part of the program (it opens files and says what went wrong on stderr,
 * "tlsrpt-lookout: NAME: reason").
 */
#ifndef TLSRPT_JOURNALFILE_H
#define TLSRPT_JOURNALFILE_H

#include "journal.h"

struct tlsrpt_logline;

/* what is done with each entry's parsed message, and who the journal says wrote it */
typedef void (*tlsrpt_journalfile_fn)(void *ctx, const struct tlsrpt_logline *ll,
                                      enum tlsrpt_journal_origin origin);

/* tlsrpt_journalfile_scan - every tagged entry of name to fn; 0, or -1 (said on stderr) */
int tlsrpt_journalfile_scan(const char *name, const struct tlsrpt_journal_trust *trust,
                            tlsrpt_journalfile_fn fn, void *ctx);

#endif
