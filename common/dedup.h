/*
 * dedup.h - remember which reports were already logged (StateFile)
 *
 * Senders retry for up to a day, so one report can arrive twice.  A
 * struct tlsrpt_dedup remembers report keys for a window of seconds, in
 * memory and in a small file.  Looking a key up (tlsrpt_dedup_check) and
 * recording it (tlsrpt_dedup_add) are separate steps, so that the caller
 * records a report only after it has logged it.
 *
 * Key (tlsrpt_dedup_key): who sent the report, the reporter identity of
 * identity.h, and which report it is: "tlsrpt-2", NUL, its kind ("dkim",
 * a domain authenticated by DKIM, or "claimed", the submitter domain the
 * mail names), NUL, that domain (lower case, no trailing dot), NUL,
 * start-datetime, NUL, end-datetime, NUL, report-id.  So a report can only be a duplicate of
 * one from the same authenticated domain; a claimed domain never matches
 * an authenticated one.  Keys written by the first version (organisation,
 * NUL, report-id: one NUL) load and expire like any other but can never
 * equal a new key.
 *
 * File: text, one entry per line, "EPOCH-SECONDS<TAB>HEX-KEY\n" (the key
 * hex-encoded, so any byte is safe), after a first line
 * "tlsrpt-milter-state 1".  New keys are appended and fsync'ed before
 * the answer is returned; when the file holds more than twice the live
 * entries (or expired ones), it is compacted: written to PATH.tmp,
 * fsync'ed, renamed over PATH (atomic), directory fsync'ed.  On open, a
 * missing file is an empty state; a corrupt line, a bad header or a
 * truncated last line is skipped and counted, and the file is rewritten
 * from what was good at the next compaction - never a fatal error.
 *
 * Bounds: at most max_entries live keys (the oldest are forgotten first);
 * a key longer than TLSRPT_DEDUP_KEY_MAX bytes is cut (collisions of
 * such keys are accepted).  Thread-safe: one internal mutex serialises
 * every call on the same struct.  Only one process should use a file.
 * No globals, no printing.
 */
#ifndef TLSRPT_DEDUP_H
#define TLSRPT_DEDUP_H

#include <stddef.h>
#include <time.h>

#include "identity.h"

#define TLSRPT_DEDUP_KEY_MAX 512 /* key bytes kept */

struct tlsrpt_dedup;

/* one report's key, made by tlsrpt_dedup_key() */
struct tlsrpt_dedup_key {
	unsigned char b[TLSRPT_DEDUP_KEY_MAX];
	size_t len;
};

/*
 * tlsrpt_dedup_key - the key of a report from reporter id with this
 * report-id and date range, into *k; any string may be NULL (taken as "").
 * -1 (k empty) when id is of kind none: such a report is never a duplicate.
 */
int tlsrpt_dedup_key(struct tlsrpt_dedup_key *k, const struct tlsrpt_identity *id,
                     const char *report_id, const char *start, const char *end);

/*
 * tlsrpt_dedup_open - load path (it need not exist).  NULL only when
 * memory runs out or path is unusable as a name (err says why).  A file
 * that could not be read or had bad lines still gives a usable object;
 * then *note (may be NULL) is set to 1 and err holds a one-line
 * description for a warning ("state file: 3 bad lines skipped", "state
 * file: Permission denied").
 */
struct tlsrpt_dedup *tlsrpt_dedup_open(const char *path, long window_seconds, size_t max_entries,
                                       time_t now, int *note, char *err, size_t errlen);

/* tlsrpt_dedup_check - 1 when k was added within the window before now, else 0; changes nothing */
int tlsrpt_dedup_check(struct tlsrpt_dedup *d, const struct tlsrpt_dedup_key *k, time_t now);

/*
 * tlsrpt_dedup_add - remember k as of now: 1 it was already there
 * (nothing changes); 0 added and written to the file; -1 added in memory
 * only, the file could not be written (err says why; the caller warns
 * and carries on), or memory ran out (not added).
 */
int tlsrpt_dedup_add(struct tlsrpt_dedup *d, const struct tlsrpt_dedup_key *k, time_t now,
                     char *err, size_t errlen);

/* tlsrpt_dedup_count - live entries (for tests and statistics) */
size_t tlsrpt_dedup_count(struct tlsrpt_dedup *d);

/* tlsrpt_dedup_close - release d (the file is already up to date); accepts NULL */
void tlsrpt_dedup_close(struct tlsrpt_dedup *d);

#endif
