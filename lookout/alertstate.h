/*
 * alertstate.h - the alert mode's state file: the machine's memory and the cursor
 *
 * Text, first line "tlsrpt-alert-state 2", then one entry per line,
 * tab-separated, control characters never written: D (domain: ours when
 * expected), P (problem), R (reporter of a domain: last heard, announced,
 * 1 when DKIM authenticated it, 1 when heard from in two runs and mails, the hash of its last
 * mail), B (baseline: domain, reporter, 1 when DKIM-authenticated, when last fed, then its last
 * reports, the oldest first, as SESSIONS:FAILED separated by commas, at most 30, so the line stays
 * within the reader's 2,048 bytes) from the machine (alert.h); F (file position: inode, offset,
 * path), J and C (inode, offset of a report line judged, or left unfinished, after a position moved
 * back) from the cursor (cursor.h). Written whole or not at all (atomicfile.h).  A damaged file
 * (bad header, an older version's, bad line, truncated, empty) restores nothing, with a note: the
 * caller rereads its logs from their start to rebuild the state. No globals, no printing; errors go
 * into the caller's buffer.
 */
#ifndef TLSRPT_ALERTSTATE_H
#define TLSRPT_ALERTSTATE_H

#include <stddef.h>

struct tlsrpt_alert;
struct tlsrpt_cursor;

/*
 * tlsrpt_alertstate_load - restore a (new) machine and cursor from the
 * file at path (it need not exist).  0 restored or absent; 1 damaged:
 * nothing restored and err says why; -1 unreadable (err says why).
 */
int tlsrpt_alertstate_load(const char *path, struct tlsrpt_alert *a, struct tlsrpt_cursor *c,
                           char *err, size_t errlen);

/* tlsrpt_alertstate_save - write what the machine and the cursor keep for the next run; 0 or -1
 * with err */
int tlsrpt_alertstate_save(const char *path, const struct tlsrpt_alert *a,
                           const struct tlsrpt_cursor *c, char *err, size_t errlen);

#endif
