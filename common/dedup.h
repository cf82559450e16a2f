/*
 * dedup.h - remember which reports were already logged (StateFile)
 *
 * Senders retry for up to a day, so one report can arrive twice.  A
 * struct tlsrpt_dedup remembers keys (organisation or submitter, a NUL,
 * report-id) for a window of seconds, in memory and in a small file, and
 * answers "seen before?" for a new key, adding it.
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

#define TLSRPT_DEDUP_KEY_MAX 512 /* key bytes kept */

struct tlsrpt_dedup;

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

/*
 * tlsrpt_dedup_seen - has (org, report_id) been added within the window
 * before now?  1 yes (a duplicate; nothing changes); 0 no, and the key is
 * now remembered and written to the file; -1 no, remembered in memory,
 * but the file could not be written (err says why; the caller warns and
 * carries on).  org may be NULL or "".
 */
int tlsrpt_dedup_seen(struct tlsrpt_dedup *d, const char *org, const char *report_id, time_t now,
                      char *err, size_t errlen);

/* tlsrpt_dedup_count - live entries (for tests and statistics) */
size_t tlsrpt_dedup_count(struct tlsrpt_dedup *d);

/* tlsrpt_dedup_close - release d (the file is already up to date); accepts NULL */
void tlsrpt_dedup_close(struct tlsrpt_dedup *d);

#endif
