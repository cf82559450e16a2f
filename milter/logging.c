/*
 * logging.c - the daemon's output: syslog, optionally mirrored to stderr
 *
 * The only module that calls syslog().  Lines are bounded: a record is
 * formatted into TLSRPT_MAX_LOG_LINE bytes, its syslog cookie included, by record.c, a daemon
 * message into a fixed buffer (longer ones are cut).  syslog(3) and stdio are thread-safe; the
 * mirror line is one fprintf, so lines never interleave.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "errbuf.h"
#include "logging.h"

#define IDENT "tlsrpt-milter"
#define MSG_MAX 1024

/* Set once by tlsrpt_log_open() before any thread starts; read-only after. */
static struct {
	enum tlsrpt_format format;
	int mirror;
} log_state;

/* tlsrpt_log_open - openlog; once, before threads */
void tlsrpt_log_open(int facility, enum tlsrpt_format format, int mirror)
{
	log_state.format = format;
	log_state.mirror = mirror;
	openlog(IDENT, LOG_PID | LOG_NDELAY, facility);
}

/* tlsrpt_log_close - closelog */
void tlsrpt_log_close(void)
{
	closelog();
}

/* level_name - the word the stderr mirror shows for a priority */
static const char *level_name(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "err";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

/* emit - one finished line to syslog and the mirror */
static void emit(int prio, const char *line)
{
	syslog(prio, "%s", line);
	if (log_state.mirror) {
		fprintf(stderr, "%s[%ld]: %s: %s\n", IDENT, (long)getpid(), level_name(prio), line);
	}
}

/* tlsrpt_log - a daemon message */
void tlsrpt_log(int prio, const char *fmt, ...)
{
	char buf[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emit(prio, buf);
}

/* tlsrpt_log_errno - a daemon message with the text of err */
void tlsrpt_log_errno(int prio, int err, const char *fmt, ...)
{
	char buf[MSG_MAX], es[128];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tlsrpt_errbuf_errno(err, es, sizeof(es));
	n = strlen(buf);
	snprintf(buf + n, sizeof(buf) - n, ": %s", es);
	emit(prio, buf);
}

/* priority - syslog priority of a record severity */
static int priority(enum tlsrpt_severity sev)
{
	switch (sev) {
	case TLSRPT_SEV_INFO:
		return LOG_INFO;
	case TLSRPT_SEV_NOTICE:
		return LOG_NOTICE;
	case TLSRPT_SEV_WARNING:
		return LOG_WARNING;
	case TLSRPT_SEV_ERR:
		return LOG_ERR;
	}
	return LOG_ERR;
}

/* log_line - r in the configured format behind its syslog cookie, prefixed by qid if any */
static void log_line(const struct tlsrpt_record *r, const char *qid)
{
	char line[TLSRPT_MAX_LOG_LINE + 1]; /* the cookie counts in the bound */
	const char *cookie = tlsrpt_format_cookie(log_state.format);
	size_t n = strlen(cookie);

	if (n >= 64) {
		n = 0;
	}
	memcpy(line, cookie, n);
	tlsrpt_record_format(r, log_state.format, qid, line + n, sizeof(line) - n);
	emit(priority(r->severity), line);
}

/* tlsrpt_log_record - one record, prefixed by the queue ID */
void tlsrpt_log_record(const struct tlsrpt_record *r, const char *qid)
{
	log_line(r, qid == NULL || *qid == '\0' ? "NOQUEUE" : qid);
}

/* tlsrpt_log_event - a record about the whole process, without a queue ID */
void tlsrpt_log_event(const struct tlsrpt_record *r)
{
	log_line(r, NULL);
}

/* tlsrpt_log_records - every record of a list */
void tlsrpt_log_records(const struct tlsrpt_records *rs, const char *qid)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		tlsrpt_log_record(&rs->v[i], qid);
	}
}

/* tlsrpt_log_error - an "error" record with reason */
void tlsrpt_log_error(const char *qid, const char *reason)
{
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;

	tlsrpt_records_init(&rs);
	r = tlsrpt_records_add(&rs, TLSRPT_EV_ERROR, TLSRPT_SEV_ERR);
	if (r != NULL && tlsrpt_record_str(r, "reason", reason) == 0) {
		tlsrpt_log_record(r, qid);
	} else {
		tlsrpt_log(LOG_ERR, "%s: error reason=\"out of memory\"",
		           qid != NULL && *qid != '\0' ? qid : "NOQUEUE");
	}
	tlsrpt_records_free(&rs);
}
