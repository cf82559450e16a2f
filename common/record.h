/*
 * record.h - log records: one event with ordered key=value fields
 *
 * The pipeline turns each report into records; the daemon and the offline
 * mode format them.  A list of records holds copies of their values.  Formatting obeys
 * log format v1 (see escape.h and doc/log-format.md):
 *
 *   PREFIX: EVENT key=value key=value ...
 *
 * and never produces more than TLSRPT_MAX_LOG_LINE bytes: fields that do
 * not fit are dropped and the line ends in " ...".  The JSON format is one
 * object {"event":..., "queue-id": PREFIX, key: value, ...} with numbers as
 * JSON numbers, under the same bound.
 */
#ifndef TLSRPT_RECORD_H
#define TLSRPT_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum tlsrpt_event {
	TLSRPT_EV_REPORT = 0,
	TLSRPT_EV_POLICY,
	TLSRPT_EV_FAILURE,
	TLSRPT_EV_FAILURE_OMITTED,
	TLSRPT_EV_ERROR,
	TLSRPT_EV_IGNORED,
	TLSRPT_EV_ACTION,
	TLSRPT_EV_POLICY_OMITTED,
	TLSRPT_EV_REPORT_OMITTED,
	TLSRPT_EV_STATS, /* the daemon's counters; logged without a queue ID */
	TLSRPT_EV_NAMED, /* another program's event, named by the record's word */
};

/* Output formats (LogFormat, in the order of its word list) */
enum tlsrpt_format {
	TLSRPT_FORMAT_KV = 0, /* log format v1: EVENT key=value ... */
	TLSRPT_FORMAT_JSON,   /* one JSON object */
	TLSRPT_FORMAT_N
};

/* Severity, mapped to syslog priorities by the daemon. */
enum tlsrpt_severity {
	TLSRPT_SEV_INFO = 0,
	TLSRPT_SEV_NOTICE,
	TLSRPT_SEV_WARNING,
	TLSRPT_SEV_ERR,
};

#define TLSRPT_RECORD_MAX_FIELDS 16
#define TLSRPT_RECORDS_MAX 8192 /* records per message */

struct tlsrpt_field {
	const char *key; /* static string */
	char *str;       /* a copy held by the list; NULL for a number */
	uint64_t num;
};

struct tlsrpt_records;
struct tlsrpt_valblock; /* a block of value copies (record.c) */

struct tlsrpt_record {
	enum tlsrpt_event event;
	const char *word; /* the event word written: tlsrpt_event_name(event), or a static string */
	enum tlsrpt_severity severity;
	size_t nfields;
	struct tlsrpt_field fields[TLSRPT_RECORD_MAX_FIELDS];
	struct tlsrpt_records *list; /* the list that holds the record and its values */
};

struct tlsrpt_records {
	struct tlsrpt_record *v;
	size_t n;
	size_t cap;
	struct tlsrpt_valblock *vals; /* the values of all records, freed with the list */
};

/* tlsrpt_event_name - "report", "policy", "failure", ... */
const char *tlsrpt_event_name(enum tlsrpt_event ev);

/* tlsrpt_records_init - empty list */
void tlsrpt_records_init(struct tlsrpt_records *rs);

/* tlsrpt_records_add - append a record with no fields; NULL when full or out of memory */
struct tlsrpt_record *tlsrpt_records_add(struct tlsrpt_records *rs, enum tlsrpt_event ev,
                                         enum tlsrpt_severity sev);

/*
 * tlsrpt_records_add_named - append a record of event TLSRPT_EV_NAMED whose
 * event word is word (a static string: another program's events, such as
 * tlsrpt-lookout's alerts, keep their names to themselves); NULL as above
 */
struct tlsrpt_record *tlsrpt_records_add_named(struct tlsrpt_records *rs, const char *word,
                                               enum tlsrpt_severity sev);

/* tlsrpt_records_free - release all records and their values; accepts an empty list */
void tlsrpt_records_free(struct tlsrpt_records *rs);

/* tlsrpt_record_str - add key=string (NULL value: nothing added); 0 ok, -1 no room/memory */
int tlsrpt_record_str(struct tlsrpt_record *r, const char *key, const char *val);

/* tlsrpt_record_num - add key=number; 0 ok, -1 no room */
int tlsrpt_record_num(struct tlsrpt_record *r, const char *key, uint64_t num);

/* tlsrpt_record_get - the field named key, or NULL */
const struct tlsrpt_field *tlsrpt_record_get(const struct tlsrpt_record *r, const char *key);

/*
 * tlsrpt_record_format - r as one line of format fmt into out (NUL-terminated,
 * at most TLSRPT_MAX_LOG_LINE bytes plus the NUL are used; outlen should be
 * at least TLSRPT_MAX_LOG_LINE + 1).  kv: "PREFIX: EVENT k=v ..."; json:
 * {"event":..,"queue-id":PREFIX,...}.  prefix is escaped like a value but
 * never quoted-cut; a NULL prefix leaves it out.  Returns the length written.
 */
size_t tlsrpt_record_format(const struct tlsrpt_record *r, enum tlsrpt_format fmt,
                            const char *prefix, char *out, size_t outlen);

/* tlsrpt_format_cookie - what goes in front of a line of format fmt in syslog ("@cee:" for
 * JSON, "" for kv) */
const char *tlsrpt_format_cookie(enum tlsrpt_format fmt);

#endif
