/*
 * logging.h - the daemon's output: syslog, optionally mirrored to stderr
 *
 * Records (report, policy, failure, ..., action) are written one per
 * syslog line at the priority their severity maps to (INFO, NOTICE,
 * WARNING, ERR), formatted by record.c in the LogFormat given at start-up
 * (log format v1, or one JSON object behind the "@cee:" cookie), and so
 * are the statistics.  Daemon messages (start, stop, system errors) are
 * plain text lines.
 *
 * tlsrpt_log_open() is called once, before any thread starts; the state
 * it sets is read-only afterwards, so every function here may be called
 * from any libmilter thread.  With mirroring on (-f -d), each line is
 * also written to standard error as "tlsrpt-milter[PID]: LEVEL: line".
 */
#ifndef TLSRPT_LOGGING_H
#define TLSRPT_LOGGING_H

#include "record.h"

/* tlsrpt_log_open - openlog(ident, LOG_PID|LOG_NDELAY, facility); once, before threads */
void tlsrpt_log_open(int facility, enum tlsrpt_format format, int mirror);

/* tlsrpt_log_close - closelog */
void tlsrpt_log_close(void);

/* tlsrpt_log - a daemon message at priority prio (LOG_*) */
void tlsrpt_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tlsrpt_log_errno - the same, followed by ": " and the text of error number err */
void tlsrpt_log_errno(int prio, int err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* tlsrpt_log_record - one record, prefixed by the queue ID (NULL: "NOQUEUE") */
void tlsrpt_log_record(const struct tlsrpt_record *r, const char *qid);

/* tlsrpt_log_event - a record about the whole process (statistics), without a queue ID */
void tlsrpt_log_event(const struct tlsrpt_record *r);

/* tlsrpt_log_records - every record of a list */
void tlsrpt_log_records(const struct tlsrpt_records *rs, const char *qid);

/* tlsrpt_log_error - an "error" record with reason (fail-open and internal failures) */
void tlsrpt_log_error(const char *qid, const char *reason);

#endif
