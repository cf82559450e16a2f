/*
 * cursor.h - where the alert mode left each log file, by inode
 *
 * A cursor holds what the last run left (loaded from the state file with
 * tlsrpt_cursor_restore) and what this run leaves (tlsrpt_cursor_entry
 * gives it to the state file), never mixing the two, so no call has to
 * come before another.  A file is known by its inode: after a rotation the
 * renamed file is finished from its old offset and the new one, an inode
 * never seen, is read from 0; a file shorter than its offset was truncated
 * in place (copytruncate) and is read again from 0.
 *
 * A report whose message was still being logged when a run ended is left
 * for the next run (tlsrpt_cursor_carry): the file's position for the next
 * run moves back to its report line, and the reports judged after that
 * line are remembered (tlsrpt_cursor_judged), so the next run, reading
 * them again, skips them (tlsrpt_cursor_seen).  A report is left at most
 * once (tlsrpt_cursor_carried_before).
 *
 * Bounds: TLSRPT_CURSOR_MAX_FILES files per run (a further file is read
 * from its start at every run), TLSRPT_CURSOR_MAX_MARKS judged reports,
 * TLSRPT_CURSOR_MAX_CARRIED left ones (further ones are forgotten, and
 * such a report is judged again or as it is).  No globals, no printing.
 */
#ifndef TLSRPT_CURSOR_H
#define TLSRPT_CURSOR_H

#include <stddef.h>

#define TLSRPT_CURSOR_MAX_FILES 16
#define TLSRPT_CURSOR_MAX_MARKS 4096
#define TLSRPT_CURSOR_MAX_CARRIED 64
#define TLSRPT_CURSOR_PATH 1024 /* a path kept with its position, NUL included */

struct tlsrpt_cursor;

/* the kinds of entry a cursor keeps between runs */
enum tlsrpt_cursor_kind {
	TLSRPT_CURSOR_FILE = 0, /* a file's position: path, ino, off */
	TLSRPT_CURSOR_JUDGED,   /* a report line judged past a position moved back: ino, off */
	TLSRPT_CURSOR_CARRIED,  /* a report line left for the next run: ino, off */
};

struct tlsrpt_cursor_entry {
	enum tlsrpt_cursor_kind kind;
	char path[TLSRPT_CURSOR_PATH]; /* TLSRPT_CURSOR_FILE only, else "" */
	unsigned long long ino, off;
};

/* tlsrpt_cursor_new - an empty cursor (every file read from its start); NULL with err */
struct tlsrpt_cursor *tlsrpt_cursor_new(char *err, size_t errlen);

/* tlsrpt_cursor_restore - one entry the last run left (read from the state file) */
void tlsrpt_cursor_restore(struct tlsrpt_cursor *c, const struct tlsrpt_cursor_entry *e);

/*
 * tlsrpt_cursor_start - the offset to read the file with inode ino and
 * size bytes from: where the last run left it; 0 when it is new or was
 * truncated below that offset
 */
unsigned long long tlsrpt_cursor_start(const struct tlsrpt_cursor *c, unsigned long long ino,
                                       unsigned long long size);

/* tlsrpt_cursor_done - this run read the file (path, inode ino) up to offset end */
void tlsrpt_cursor_done(struct tlsrpt_cursor *c, const char *path, unsigned long long ino,
                        unsigned long long end);

/*
 * tlsrpt_cursor_seen - 1 when the report line at (ino, off) was judged by
 * the last run (it is read again after its file's position moved back):
 * skip it; it stays remembered.  0 otherwise.
 */
int tlsrpt_cursor_seen(struct tlsrpt_cursor *c, unsigned long long ino, unsigned long long off);

/* tlsrpt_cursor_judged - the report line at (ino, off) was judged in this run */
void tlsrpt_cursor_judged(struct tlsrpt_cursor *c, unsigned long long ino, unsigned long long off);

/* tlsrpt_cursor_carried_before - 1 when the last run left the report line at (ino, off) */
int tlsrpt_cursor_carried_before(const struct tlsrpt_cursor *c, unsigned long long ino,
                                 unsigned long long off);

/* tlsrpt_cursor_carry - leave the report line at (ino, off) for the next run */
void tlsrpt_cursor_carry(struct tlsrpt_cursor *c, unsigned long long ino, unsigned long long off);

/*
 * tlsrpt_cursor_entry - what this run leaves for the next, one entry at a
 * time: *i starts at 0 and is advanced; 1 with *e filled, 0 after the
 * last.  Files first (each position moved back to the earliest report
 * left in it), then the judged reports the next run reads again, then the
 * reports left.
 */
int tlsrpt_cursor_entry(const struct tlsrpt_cursor *c, size_t *i, struct tlsrpt_cursor_entry *e);

/* tlsrpt_cursor_free - release; accepts NULL */
void tlsrpt_cursor_free(struct tlsrpt_cursor *c);

#endif
