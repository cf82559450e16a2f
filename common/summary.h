/*
 * summary.h - turn one parsed report into log records
 *
 * For one report: a "report" line, then per policy a "policy" line followed
 * by its "failure" lines, a "failure-omitted" line when the report holds
 * more failure details than lim->max_failure_lines (the ones logged are
 * those with the highest failed-session-count, in report order; ties keep
 * report order), and a "policy-omitted" line at the end when it holds more
 * policies than lim->max_policy_lines (likewise by failure count).  Field
 * sets and severities are log format v1 (doc/log-format.md).
 */
#ifndef TLSRPT_SUMMARY_H
#define TLSRPT_SUMMARY_H

#include "limits.h"
#include "record.h"
#include "report.h"

/* Message header values that reports are read with; any may be NULL. */
struct tlsrpt_msghdrs {
	char *report_domain;    /* TLS-Report-Domain */
	char *report_submitter; /* TLS-Report-Submitter */
	char *subject;
	char *from;
	char *message_id;
	char **auth_results; /* every Authentication-Results, in order */
	size_t nauth_results;
	const char *dkim;        /* "pass", "fail", "none"; NULL: not evaluated */
	const char *dkim_domain; /* the signing domain behind dkim; NULL or "" unknown */
};

/*
 * tlsrpt_summary_records - append the records of report r to rs.
 * 0 ok; -1 (reason in err) when the list is full or memory ran out.
 */
int tlsrpt_summary_records(const struct tlsrpt_report *r, const struct tlsrpt_msghdrs *h,
                           const struct tlsrpt_limits *lim, struct tlsrpt_records *rs, char *err,
                           size_t errlen);

#endif
