/*
 * alert_log.c - the alert mode's events as log lines (record.h formatter)
 *
 * The lines go through the same formatter as the milter's own (common/
 * record.h), so escaping, the 256-byte value cut and the 912-byte line
 * bound are the same (doc/log-format.md); the prefix is "ALERT".  The
 * event words ("problem", "recovered", "silent") are the alert machine's
 * own (tlsrpt_alert_name): the records are added by name, so the milter's
 * event list does not carry them.  Dates are written by calendar.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "alert.h"
#include "alert_log.h"
#include "calendar.h"
#include "tlsrpt_limits.h"
#include "meaning.h"
#include "record.h"

/* build - the record of one event; 0 or -1 without memory */
static int build(struct tlsrpt_records *rs, const struct tlsrpt_alert_event *ev, long silent_days)
{
	struct tlsrpt_record *r = tlsrpt_records_add_named(
	        rs, tlsrpt_alert_name(ev->kind),
	        ev->kind == TLSRPT_ALERT_RECOVERED ? TLSRPT_SEV_NOTICE : TLSRPT_SEV_WARNING);
	const struct tlsrpt_meaning *m;
	char first[16], last[16];
	int rc = 0;

	if (r == NULL) {
		return -1;
	}
	if (ev->kind == TLSRPT_ALERT_OTHERS) {
		rc |= tlsrpt_record_num(r, "problems", ev->problems);
		rc |= tlsrpt_record_num(r, "recovered", ev->recovered);
		rc |= tlsrpt_record_num(r, "silent", ev->silent);
		rc |= tlsrpt_record_num(r, "forgotten", ev->forgotten);
		if (ev->reporters[0] != '\0') {
			rc |= tlsrpt_record_str(r, "examples", ev->reporters);
		}
		rc |= tlsrpt_record_str(
		        r, "note",
		        "events about policy domains that are not ours (not in ReportDomains or --domain) and silences of reporters of ours that DKIM did not authenticate, summed up in one line per run; forgotten: entries of such names dropped for room");
		return rc;
	}
	rc |= tlsrpt_record_str(r, "policy-domain", ev->domain);
	if (ev->kind == TLSRPT_ALERT_SILENT) {
		if (ev->reporters[0] != '\0') {
			rc |= tlsrpt_record_str(r, "reporter", ev->reporters);
		}
		if (ev->last > 0) {
			tlsrpt_calendar_date(ev->last / 86400, last, sizeof(last));
			rc |= tlsrpt_record_str(r, "last-seen", last);
		} else {
			rc |= tlsrpt_record_str(r, "last-seen", "none");
		}
		rc |= tlsrpt_record_num(r, "silent-days", (uint64_t)silent_days);
		return rc;
	}
	rc |= tlsrpt_record_str(r, "policy-type", ev->policy_type);
	rc |= tlsrpt_record_str(r, "result-type", ev->result_type);
	if (ev->mx[0] != '\0') {
		rc |= tlsrpt_record_str(r, "receiving-mx-hostname", ev->mx);
	}
	if (ev->ip[0] != '\0') {
		rc |= tlsrpt_record_str(r, "receiving-ip", ev->ip);
	}
	rc |= tlsrpt_record_str(r, ev->kind == TLSRPT_ALERT_PROBLEM ? "reporters" : "reporter",
	                        ev->reporters);
	rc |= tlsrpt_record_num(r, "failed-session-count", ev->failed);
	rc |= tlsrpt_record_num(r, "total-session-count", ev->sessions);
	tlsrpt_calendar_date(ev->first, first, sizeof(first));
	tlsrpt_calendar_date(ev->last, last, sizeof(last));
	rc |= tlsrpt_record_str(r, "first-day", first);
	rc |= tlsrpt_record_str(r, "last-day", last);
	if (ev->kind == TLSRPT_ALERT_PROBLEM &&
	    (m = tlsrpt_meaning_result(ev->result_type)) != NULL) {
		rc |= tlsrpt_record_str(r, "title", m->title);
		rc |= tlsrpt_record_str(r, "meaning", m->meaning);
	}
	if (ev->kind == TLSRPT_ALERT_PROBLEM && ev->by_baseline) {
		/* under the thresholds, raised because it is well above the reporter's baseline */
		rc |= tlsrpt_record_num(r, "baseline-failed-session-count", ev->base_failed);
		rc |= tlsrpt_record_num(r, "baseline-total-session-count", ev->base_sessions);
	}
	return rc;
}

/* priority - syslog priority of a record severity */
static int priority(enum tlsrpt_severity s)
{
	return s == TLSRPT_SEV_NOTICE ? LOG_NOTICE : LOG_WARNING;
}

/* tlsrpt_alert_log - format and write the events */
int tlsrpt_alert_log(const struct tlsrpt_alert_event *ev, size_t n, enum tlsrpt_format fmt,
                     long silent_days, FILE *out)
{
	char line[TLSRPT_MAX_LOG_LINE + 1];
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct tlsrpt_records rs;

		tlsrpt_records_init(&rs);
		if (build(&rs, &ev[i], silent_days) < 0 || rs.n != 1) {
			rc = -1;
		}
		if (rs.n == 1) {
			tlsrpt_record_format(&rs.v[0], fmt, "ALERT", line, sizeof(line));
			if (out != NULL) {
				fprintf(out, "%s%s\n", tlsrpt_format_cookie(fmt), line);
			} else {
				syslog(priority(rs.v[0].severity), "%s%s",
				       tlsrpt_format_cookie(fmt), line);
			}
		}
		tlsrpt_records_free(&rs);
	}
	return rc;
}

/* tlsrpt_alert_log_error - one error line */
void tlsrpt_alert_log_error(const char *reason, enum tlsrpt_format fmt, FILE *out)
{
	char line[TLSRPT_MAX_LOG_LINE + 1];
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;

	tlsrpt_records_init(&rs);
	if ((r = tlsrpt_records_add(&rs, TLSRPT_EV_ERROR, TLSRPT_SEV_ERR)) != NULL &&
	    tlsrpt_record_str(r, "reason", reason) == 0) {
		tlsrpt_record_format(r, fmt, "ALERT", line, sizeof(line));
		if (out != NULL) {
			fprintf(out, "%s%s\n", tlsrpt_format_cookie(fmt), line);
		} else {
			syslog(LOG_ERR, "%s%s", tlsrpt_format_cookie(fmt), line);
		}
	}
	tlsrpt_records_free(&rs);
}
