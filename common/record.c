/*
 * record.c - log records: one event with ordered key=value fields
 *
 * A list of records grows by doubling up to TLSRPT_RECORDS_MAX; a record
 * holds at most TLSRPT_RECORD_MAX_FIELDS fields, each a static key and a
 * copy of the value (or a number).  The copies are packed one after the
 * other in blocks of VALBLOCK_SIZE bytes that the list holds (a value
 * longer than a quarter of that gets a block of its own) and frees with
 * it: a value costs no malloc and no free of its own.
 *
 * The formatter writes a record as one line of at most TLSRPT_MAX_LOG_LINE
 * bytes (or outlen - 1 when that is smaller), in the format asked for; each
 * format is one row of the formats table (its head, its field renderer,
 * how a line closes or is cut, and its syslog cookie):
 *
 *   PREFIX: EVENT key=value ...                          (log format v1)
 *   {"event":"EVENT","queue-id":"PREFIX","key":value}    (JSON)
 *
 * Values are escaped by escape.c; on the lines of reports (report to
 * report-omitted, ignored) each is at most TLSRPT_LOG_VALUE_WIDTH bytes as
 * written, so that the fields a reader relies on, which come first, always
 * fit (doc/log-format.md); on error and action lines at most
 * TLSRPT_LOG_TEXT_WIDTH.  The prefix is escaped the same way
 * but not cut, unless it would leave no room for the event, in which case it is cut like a value.
 * When the fields do not all fit, the last ones are dropped (from the first that does not fit on)
 * and the line ends in " ..." (JSON: ,"truncated":true}).  No diagnostics.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "tlsrpt_limits.h"
#include "record.h"

#define KV_TRAILER " ..."
#define JSON_TRAILER ",\"truncated\":true}"
#define FIELD_MAX (TLSRPT_MAX_LOG_LINE + 1) /* one rendered field, NUL included */
#define VALBLOCK_SIZE 4096                  /* bytes of values in one shared block */

/* A block of value copies; blocks are chained newest first, never moved. */
struct tlsrpt_valblock {
	struct tlsrpt_valblock *next;
	size_t size; /* bytes of text */
	size_t used;
	char text[];
};

static const char *const event_names[] = {
        [TLSRPT_EV_REPORT] = "report",
        [TLSRPT_EV_POLICY] = "policy",
        [TLSRPT_EV_FAILURE] = "failure",
        [TLSRPT_EV_FAILURE_OMITTED] = "failure-omitted",
        [TLSRPT_EV_ERROR] = "error",
        [TLSRPT_EV_IGNORED] = "ignored",
        [TLSRPT_EV_ACTION] = "action",
        [TLSRPT_EV_POLICY_OMITTED] = "policy-omitted",
        [TLSRPT_EV_REPORT_OMITTED] = "report-omitted",
        [TLSRPT_EV_STATS] = "stats",
        [TLSRPT_EV_NAMED] = "named",
};

/* tlsrpt_event_name - "report", "policy", "failure", ... */
const char *tlsrpt_event_name(enum tlsrpt_event ev)
{
	if ((unsigned)ev >= sizeof(event_names) / sizeof(event_names[0])) {
		return "unknown";
	}
	return event_names[ev];
}

/* tlsrpt_records_init - empty list */
void tlsrpt_records_init(struct tlsrpt_records *rs)
{
	rs->v = NULL;
	rs->n = 0;
	rs->cap = 0;
	rs->vals = NULL;
}

/* tlsrpt_records_add - append a record with no fields; NULL when full or out of memory */
struct tlsrpt_record *tlsrpt_records_add(struct tlsrpt_records *rs, enum tlsrpt_event ev,
                                         enum tlsrpt_severity sev)
{
	struct tlsrpt_record *r;

	if (rs->n >= TLSRPT_RECORDS_MAX) {
		return NULL;
	}
	if (rs->n == rs->cap) {
		size_t ncap = rs->cap ? rs->cap * 2 : 16;

		if (ncap > TLSRPT_RECORDS_MAX) {
			ncap = TLSRPT_RECORDS_MAX;
		}
		r = realloc(rs->v, ncap * sizeof(*r));
		if (r == NULL) {
			return NULL;
		}
		rs->v = r;
		rs->cap = ncap;
	}
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->event = ev;
	r->word = tlsrpt_event_name(ev);
	r->severity = sev;
	r->list = rs;
	return r;
}

/* tlsrpt_records_add_named - append a record named by its own event word */
struct tlsrpt_record *tlsrpt_records_add_named(struct tlsrpt_records *rs, const char *word,
                                               enum tlsrpt_severity sev)
{
	struct tlsrpt_record *r = tlsrpt_records_add(rs, TLSRPT_EV_NAMED, sev);

	if (r != NULL) {
		r->word = word;
	}
	return r;
}

/* tlsrpt_records_free - release all records and their values; accepts an empty list */
void tlsrpt_records_free(struct tlsrpt_records *rs)
{
	struct tlsrpt_valblock *b, *next;

	if (rs == NULL) {
		return;
	}
	for (b = rs->vals; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(rs->v);
	tlsrpt_records_init(rs);
}

/*
 * val_copy - a copy of the n bytes of s and a NUL in the value blocks of
 * rs: in the newest block when it has room, else in a new block (its own
 * when n is over a quarter of a block, so the newest keeps its room); NULL
 * when out of memory
 */
static char *val_copy(struct tlsrpt_records *rs, const char *s, size_t n)
{
	struct tlsrpt_valblock *b = rs->vals;
	size_t size;
	char *copy;

	if (b == NULL || b->size - b->used <= n) {
		size = n >= VALBLOCK_SIZE / 4 ? n + 1 : VALBLOCK_SIZE;
		b = malloc(sizeof(*b) + size);
		if (b == NULL) {
			return NULL;
		}
		b->size = size;
		b->used = 0;
		if (size == VALBLOCK_SIZE || rs->vals == NULL) {
			b->next = rs->vals;
			rs->vals = b;
		} else {
			b->next = rs->vals->next;
			rs->vals->next = b;
		}
	}
	copy = b->text + b->used;
	memcpy(copy, s, n);
	copy[n] = '\0';
	b->used += n + 1;
	return copy;
}

/* tlsrpt_record_str - add key=string (NULL value: nothing added); 0 ok, -1 no room/memory */
int tlsrpt_record_str(struct tlsrpt_record *r, const char *key, const char *val)
{
	char *copy;

	if (val == NULL) {
		return 0;
	}
	if (r->nfields >= TLSRPT_RECORD_MAX_FIELDS) {
		return -1;
	}
	copy = val_copy(r->list, val, strlen(val));
	if (copy == NULL) {
		return -1;
	}
	r->fields[r->nfields].key = key;
	r->fields[r->nfields].str = copy;
	r->fields[r->nfields].num = 0;
	r->nfields++;
	return 0;
}

/* tlsrpt_record_num - add key=number; 0 ok, -1 no room */
int tlsrpt_record_num(struct tlsrpt_record *r, const char *key, uint64_t num)
{
	if (r->nfields >= TLSRPT_RECORD_MAX_FIELDS) {
		return -1;
	}
	r->fields[r->nfields].key = key;
	r->fields[r->nfields].str = NULL;
	r->fields[r->nfields].num = num;
	r->nfields++;
	return 0;
}

/* tlsrpt_record_get - the field named key, or NULL */
const struct tlsrpt_field *tlsrpt_record_get(const struct tlsrpt_record *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		if (strcmp(r->fields[i].key, key) == 0) {
			return &r->fields[i];
		}
	}
	return NULL;
}

/* put - append n bytes at *pos if they fit under limit; 0 ok, -1 no room */
static int put(char *out, size_t limit, size_t *pos, const char *s, size_t n)
{
	if (n > limit - *pos) {
		return -1;
	}
	memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
	return 0;
}

/* line_limit - bytes a line may use in out[outlen] */
static size_t line_limit(size_t outlen)
{
	return outlen - 1 < TLSRPT_MAX_LOG_LINE ? outlen - 1 : TLSRPT_MAX_LOG_LINE;
}

/* render_kv - " key=value" for field f into buf[FIELD_MAX]; its length (0: does not fit) */
static size_t render_kv(const struct tlsrpt_field *f, size_t width, char *buf)
{
	size_t n, v;

	char digits[24];
	size_t kl = strlen(f->key), d = sizeof(digits);
	uint64_t x = f->num;

	if (kl + 3 > FIELD_MAX) {
		return 0;
	}
	buf[0] = ' ';
	memcpy(buf + 1, f->key, kl);
	buf[kl + 1] = '=';
	n = kl + 2;
	if (f->str == NULL) {
		do {
			digits[--d] = (char)('0' + x % 10);
			x /= 10;
		} while (x != 0);
		v = sizeof(digits) - d;
		if (v < FIELD_MAX - n) {
			memcpy(buf + n, digits + d, v);
			buf[n + v] = '\0';
		}
	} else {
		v = tlsrpt_escape_kv_width(f->str, strlen(f->str), width, buf + n, FIELD_MAX - n);
	}
	return v >= FIELD_MAX - n ? 0 : n + v;
}

/* render_json - ,"key":value for field f into buf[FIELD_MAX]; its length (0: does not fit) */
static size_t render_json(const struct tlsrpt_field *f, size_t width, char *buf)
{
	size_t n, v;

	buf[0] = ',';
	n = 1 + tlsrpt_escape_json_nocut(f->key, strlen(f->key), buf + 1, FIELD_MAX - 2);
	if (n >= FIELD_MAX - 1) {
		return 0;
	}
	buf[n++] = ':';
	if (f->str == NULL) {
		v = (size_t)snprintf(buf + n, FIELD_MAX - n, "%" PRIu64, f->num);
	} else {
		v = tlsrpt_escape_json_width(f->str, strlen(f->str), width, buf + n, FIELD_MAX - n);
	}
	return v >= FIELD_MAX - n ? 0 : n + v;
}

/*
 * value_width - the most bytes one value may take as written on a line of
 * event ev: TLSRPT_LOG_VALUE_WIDTH on a report's lines, so that the fields
 * before reporter-kind always fit; TLSRPT_LOG_TEXT_WIDTH on error and
 * action lines (one long reason); 0 (only the 256-byte cut) otherwise
 */
static size_t value_width(enum tlsrpt_event ev)
{
	switch (ev) {
	case TLSRPT_EV_ERROR:
	case TLSRPT_EV_ACTION:
		return TLSRPT_LOG_TEXT_WIDTH;
	case TLSRPT_EV_REPORT:
	case TLSRPT_EV_POLICY:
	case TLSRPT_EV_FAILURE:
	case TLSRPT_EV_FAILURE_OMITTED:
	case TLSRPT_EV_IGNORED:
	case TLSRPT_EV_POLICY_OMITTED:
	case TLSRPT_EV_REPORT_OMITTED:
		return TLSRPT_LOG_VALUE_WIDTH;
	default:
		return 0;
	}
}

/*
 * field_width - the width of one field of a line whose values may take
 * width bytes: an IP address field (receiving-ip, sending-mta-ip) at most
 * TLSRPT_LOG_ADDR_WIDTH, so that the failure line's fields before
 * reporter-kind fit with them
 */
static size_t field_width(size_t width, const char *key)
{
	/* the first byte first: this runs for every field of every line */
	if (width > TLSRPT_LOG_ADDR_WIDTH && (key[0] == 'r' || key[0] == 's') &&
	    (strcmp(key, "receiving-ip") == 0 || strcmp(key, "sending-mta-ip") == 0)) {
		return TLSRPT_LOG_ADDR_WIDTH;
	}
	return width;
}

/*
 * put_fields - append the rendered fields of r up to the first one that does
 * not fit; closing (may be empty) ends the line, and trailer replaces it
 * when fields were dropped.  Each field is rendered once: the fields are
 * appended while they fit, and cutpos remembers where the line stops if it
 * must end in trailer (before the first field that would leave no room for
 * it); the line goes back there when not all fields and closing fit.
 */
static void put_fields(const struct tlsrpt_record *r,
                       size_t (*render)(const struct tlsrpt_field *, size_t, char *),
                       const char *closing, const char *trailer, char *out, size_t limit,
                       size_t *pos)
{
	char buf[FIELD_MAX];
	size_t i, n, cutpos = *pos, reserve = strlen(trailer);
	size_t width = value_width(r->event);
	int whole = 1, room = 1; /* all fields fit so far; cutpos still moves */

	for (i = 0; i < r->nfields; i++) {
		n = render(&r->fields[i], field_width(width, r->fields[i].key), buf);
		if (n == 0 || put(out, limit, pos, buf, n) < 0) {
			whole = 0;
			break;
		}
		if (room && *pos + reserve <= limit) {
			cutpos = *pos;
		} else {
			room = 0;
		}
	}
	if (whole && put(out, limit, pos, closing, strlen(closing)) == 0) {
		return;
	}
	*pos = cutpos;
	out[cutpos] = '\0';
	(void)put(out, limit, pos, trailer, reserve);
}

/* head_kv - "PREFIX: EVENT"; -1 when even that does not fit */
static int head_kv(const char *ev, const char *prefix, char *out, size_t limit, size_t *pos)
{
	char buf[FIELD_MAX];
	size_t n, room;

	if (prefix != NULL) {
		room = strlen(ev) + 2 + strlen(KV_TRAILER);
		n = tlsrpt_escape_kv_nocut(prefix, strlen(prefix), buf, sizeof(buf));
		if (n >= sizeof(buf) || n + room > limit) {
			n = tlsrpt_escape_kv(prefix, strlen(prefix), buf, sizeof(buf));
		}
		if (put(out, limit, pos, buf, n) < 0 || put(out, limit, pos, ": ", 2) < 0) {
			return -1;
		}
	}
	return put(out, limit, pos, ev, strlen(ev));
}

/* head_json - {"event":"EVENT","queue-id":"PREFIX"; -1 when even that does not fit */
static int head_json(const char *ev, const char *prefix, char *out, size_t limit, size_t *pos)
{
	char buf[FIELD_MAX];
	size_t n, room;

	if (put(out, limit, pos, "{\"event\":\"", 10) < 0 ||
	    put(out, limit, pos, ev, strlen(ev)) < 0 || put(out, limit, pos, "\"", 1) < 0) {
		return -1;
	}
	if (prefix != NULL) {
		room = strlen(",\"queue-id\":") + strlen(JSON_TRAILER);
		n = tlsrpt_escape_json_nocut(prefix, strlen(prefix), buf, sizeof(buf));
		if (n >= sizeof(buf) || *pos + n + room > limit) {
			n = tlsrpt_escape_json(prefix, strlen(prefix), buf, sizeof(buf));
		}
		if (put(out, limit, pos, ",\"queue-id\":", 12) < 0 ||
		    put(out, limit, pos, buf, n) < 0) {
			return -1;
		}
	}
	return 0;
}

/* One row per enum tlsrpt_format: a new format is a row and its two functions. */
static const struct {
	int (*head)(const char *ev, const char *prefix, char *out, size_t limit, size_t *pos);
	size_t (*render)(const struct tlsrpt_field *f, size_t width, char *buf);
	const char *closing; /* ends a line that holds every field */
	const char *trailer; /* ends a line whose last fields were dropped */
	const char *cookie;  /* in front of the line in syslog */
} formats[TLSRPT_FORMAT_N] = {
        [TLSRPT_FORMAT_KV] = {head_kv, render_kv, "", KV_TRAILER, ""},
        [TLSRPT_FORMAT_JSON] = {head_json, render_json, "}", JSON_TRAILER, "@cee:"},
};

/* tlsrpt_record_format - r as one line of format fmt, at most TLSRPT_MAX_LOG_LINE bytes */
size_t tlsrpt_record_format(const struct tlsrpt_record *r, enum tlsrpt_format fmt,
                            const char *prefix, char *out, size_t outlen)
{
	size_t limit, pos = 0;

	if (outlen == 0) {
		return 0;
	}
	out[0] = '\0';
	if ((unsigned)fmt >= TLSRPT_FORMAT_N) {
		fmt = TLSRPT_FORMAT_KV;
	}
	limit = line_limit(outlen);
	if (formats[fmt].head(r->word, prefix, out, limit, &pos) < 0) {
		return pos;
	}
	put_fields(r, formats[fmt].render, formats[fmt].closing, formats[fmt].trailer, out, limit,
	           &pos);
	return pos;
}

/* tlsrpt_format_cookie - what goes in front of a line of format fmt in syslog */
const char *tlsrpt_format_cookie(enum tlsrpt_format fmt)
{
	return (unsigned)fmt < TLSRPT_FORMAT_N ? formats[fmt].cookie : "";
}
