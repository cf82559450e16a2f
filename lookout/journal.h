/*
 * journal.h - tlsrpt-milter's lines from the systemd journal, by verified origin
 *
 * Reads the output of `journalctl -o json` (one JSON object per line) and
 * hands out the MESSAGE of each entry whose SYSLOG_IDENTIFIER is
 * tlsrpt-milter, with its origin as the journal recorded it.  The fields
 * whose names start with "_" are written by journald from the sending
 * process's kernel credentials, never by the sender, so a local user
 * running `logger -t tlsrpt-milter` gets its own _UID and _COMM:
 *
 *   - TLSRPT_JOURNAL_MILTER: _UID is the milter's user, _COMM
 *     "tlsrpt-milter" and, when a unit is named, _SYSTEMD_UNIT that unit;
 *   - TLSRPT_JOURNAL_LOOKOUT: _UID is the milter's user and _COMM
 *     "tlsrpt-lookout" (the alert mode's own event lines);
 *   - TLSRPT_JOURNAL_FOREIGN: anything else with our tag (counted, never used).
 *
 * MESSAGE may be a JSON string or, for bytes that are not UTF-8, an array
 * of byte values (journalctl's form); a field given twice (an array of
 * strings) or null (journalctl leaves out values over 4 KiB) makes the
 * entry foreign.  Limits: an entry line longer than TLSRPT_JOURNAL_LINE_MAX
 * bytes is skipped whole and counted as too long.  No globals, no printing.
 */
#ifndef TLSRPT_JOURNAL_H
#define TLSRPT_JOURNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "logscan.h"

struct tlsrpt_conf;

#define TLSRPT_JOURNAL_LINE_MAX (64 * 1024)

enum tlsrpt_journal_origin {
	TLSRPT_JOURNAL_FOREIGN = 0,
	TLSRPT_JOURNAL_MILTER,
	TLSRPT_JOURNAL_LOOKOUT,
};

/* who may write our lines: the milter's numeric user, and its unit ("" or NULL: any unit) */
struct tlsrpt_journal_trust {
	long uid;
	const char *unit;
};

struct tlsrpt_journal_stats {
	unsigned long long entries, tagged, foreign, too_long, malformed;
};

struct tlsrpt_journal;

/* tlsrpt_journal_new - a reader over a stream (read function as logscan's); NULL without memory */
struct tlsrpt_journal *tlsrpt_journal_new(tlsrpt_logscan_read_fn fn, void *ctx,
                                          const struct tlsrpt_journal_trust *trust);

/*
 * tlsrpt_journal_next - the next entry tagged tlsrpt-milter: its message
 * (not NUL-terminated, valid until the next call), length and origin.
 * 1 an entry, 0 end of stream, -1 read error (err says why).
 */
int tlsrpt_journal_next(struct tlsrpt_journal *j, const char **msg, size_t *len,
                        enum tlsrpt_journal_origin *origin, char *err, size_t errlen);

/* tlsrpt_journal_stats - what was read and left out so far */
const struct tlsrpt_journal_stats *tlsrpt_journal_stats(const struct tlsrpt_journal *j);

/*
 * tlsrpt_journal_uid - the numeric user of "NAME", "NAME:GROUP" (UserID's
 * form) or a number; 0, or -1 with err
 */
int tlsrpt_journal_uid(const char *user, long *uid, char *err, size_t errlen);

/*
 * tlsrpt_journal_trust_init - the trust of a run: the user given (NULL:
 * the UserID of the milter's configuration cfg when it sets one, else the
 * user tlsrpt-milter, which the package's unit runs as) and the unit (NULL
 * or "": any); 0, or -1 with err
 */
int tlsrpt_journal_trust_init(struct tlsrpt_journal_trust *t, const char *user,
                              const struct tlsrpt_conf *cfg, const char *unit, char *err,
                              size_t errlen);

/* tlsrpt_journal_free - release; accepts NULL */
void tlsrpt_journal_free(struct tlsrpt_journal *j);

#endif
