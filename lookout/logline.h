/*
 * logline.h - recognise and parse one tlsrpt-milter log line
 *
 * Accepted shapes (doc/log-format.md for the message itself):
 *   - a syslog file line: a header, then the tag "tlsrpt-milter[PID]: " or
 *     "tlsrpt-milter: ", then the message.  The header is a traditional
 *     time stamp and host ("Dec  5 16:27:52 host "), an RFC 3339 one
 *     ("2026-12-05T16:27:52.123+00:00 host ", also journalctl -o
 *     short-iso), or a "facility.severity " priority (the test suite's
 *     capture).  The tag must sit exactly where the header ends, so text
 *     that another program logs (a sender address in a Postfix line)
 *     cannot pass for one of our lines.
 *   - a bare message (journalctl -o cat), only when the caller allows it.
 * The message is "PREFIX: EVENT key=value ..." (LogFormat kv) or
 * "@cee:{...}" (LogFormat json, a flat object with "event" and
 * "queue-id").  kv values are bare or double-quoted; inside the quotes
 * \xHH, \" and \\ are decoded (older logs wrote the last two).  JSON
 * strings are decoded with their escapes (\uXXXX to UTF-8); numbers and
 * true/false are kept as their text.  The JSON reader is a small bounded
 * one of its own for this flat shape: nested values make the line
 * malformed.  It is used instead of cJSON because one line is parsed for
 * every event in a large file and needs no tree, and because only one
 * module of the library includes cJSON.
 *
 * Cut lines (a relay that cuts at 1,024 bytes, doc/log-format.md): on the
 * lines of a report, reporter-kind closes the fields a reader may rely on.
 * When the first reporter-kind is there, bare, and exactly "dkim",
 * "claimed" or "none", the fields before it are whole: kind and nvouched
 * say so, and tlsrpt_logline_vget/_vcount read only those.  Otherwise
 * kind is -1 and no field is vouched for.  A kv value whose closing quote
 * is missing, and (JSON) a value not followed by ',' or '}', is left out
 * and the line marked cut.
 *
 * Limits: a line longer than TLSRPT_LOGLINE_MAX bytes is not ours (the
 * milter writes at most 912 bytes plus the syslog header); at most
 * TLSRPT_LOGLINE_MAX_FIELDS fields are kept, the rest are ignored.
 * Decoded values point into the struct, valid until its next parse.
 * No globals, no printing.
 */
#ifndef TLSRPT_LOGLINE_H
#define TLSRPT_LOGLINE_H

#include <stddef.h>

#define TLSRPT_LOGLINE_MAX 4096
#define TLSRPT_LOGLINE_MAX_FIELDS 32
#define TLSRPT_LOGLINE_TAG "tlsrpt-milter"

enum tlsrpt_logline_event {
	TLSRPT_LL_OTHER = 0, /* one of ours with another event word (stats, starting, ...) */
	TLSRPT_LL_REPORT,
	TLSRPT_LL_POLICY,
	TLSRPT_LL_FAILURE,
	TLSRPT_LL_FAILURE_OMITTED,
	TLSRPT_LL_POLICY_OMITTED,
	TLSRPT_LL_REPORT_OMITTED, /* per message: reports counted but not logged line by line */
	TLSRPT_LL_ERROR,
	TLSRPT_LL_IGNORED,
	TLSRPT_LL_ACTION,
};

struct tlsrpt_logline_field {
	const char *key;
	const char *val;
	size_t vallen;
	int bare;  /* not a kv quoted value */
	int whole; /* followed by more of the line (a bare value at its end may be cut short) */
};

struct tlsrpt_logline {
	enum tlsrpt_logline_event event;
	int json;           /* 1 for an @cee: line */
	const char *host;   /* syslog host ("" when none), NUL-terminated copy */
	const char *prefix; /* queue ID, file name or NOQUEUE */
	const char *word;   /* the event word as written */
	int cut;            /* the line ends inside a value or (JSON) before its closing brace */
	int kind;           /* reporter-kind, whole and exact (identity.h); -1 none */
	size_t nvouched;    /* the fields before it: whole (0 when kind is -1) */
	size_t nfields;
	struct tlsrpt_logline_field f[TLSRPT_LOGLINE_MAX_FIELDS];
	size_t used;
	char buf[TLSRPT_LOGLINE_MAX * 2];
};

/* parse flags */
#define TLSRPT_LOGLINE_BARE 1 /* also accept a message without syslog header */

/*
 * tlsrpt_logline_parse - parse line (len bytes, no newline needed).
 * 1: one of our event lines, ll filled; 0: not ours (or malformed).
 */
int tlsrpt_logline_parse(struct tlsrpt_logline *ll, const char *line, size_t len, int flags);

/* tlsrpt_logline_get - value of key, NULL when absent; *len gets its length when len != NULL */
const char *tlsrpt_logline_get(const struct tlsrpt_logline *ll, const char *key, size_t *len);

/*
 * tlsrpt_logline_vget, tlsrpt_logline_vcount - the same as _get and _count
 * over the vouched fields only (before a whole reporter-kind)
 */
const char *tlsrpt_logline_vget(const struct tlsrpt_logline *ll, const char *key, size_t *len);
long long tlsrpt_logline_vcount(const struct tlsrpt_logline *ll, const char *key);

/* tlsrpt_logline_count - key as a non-negative decimal count; -1 when absent or not a count */
long long tlsrpt_logline_count(const struct tlsrpt_logline *ll, const char *key);

/*
 * tlsrpt_logline_tagged - 1 when the line's syslog tag (right after its
 * time stamp and host) is ours: the check a scanner makes on a line where
 * memmem found TLSRPT_LOGLINE_TAG somewhere, before parsing it.
 */
int tlsrpt_logline_tagged(const char *line, size_t len);

#endif
