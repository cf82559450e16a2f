/*
 * summary.h - turn the parsed reports of one message into log records
 *
 * For one report: a "report" line, then per policy a "policy" line
 * followed by its "failure" lines, and a "policy-omitted" line at the end
 * when it holds more policies than lim->max_policy_lines (the ones logged
 * are those with the highest total-failure-session-count).  Failure lines
 * are bounded per message: all the message's reports together log at
 * most lim->max_failure_lines of them (each report the details with the
 * highest failed-session-count, while the message has some left), and
 * tlsrpt_summary_finish adds one "failure-omitted" line for the rest.
 * The records of one message stay below TLSRPT_SUMMARY_RECORDS_MAX: a
 * report that would not fit logs fewer policies, and one that does not
 * fit at all is counted in one "report-omitted" line, also added by
 * tlsrpt_summary_finish.  Reports already logged are never dropped.
 * Field sets, their order and severities are log format v2
 * (doc/log-format.md): on every line the fields a reader counts or
 * identifies by come first and reporter-kind closes them; text a stranger
 * chose (organization-name, contact-info, submitter, receiving-mx-helo,
 * additional-information, ...) comes after it.
 */
#ifndef TLSRPT_SUMMARY_H
#define TLSRPT_SUMMARY_H

#include <stdint.h>

#include "identity.h"
#include "tlsrpt_limits.h"
#include "record.h"
#include "report.h"

/* What the report lines say of the message that carried them; any may be NULL. */
struct tlsrpt_summary_hdrs {
	const char *report_domain;    /* TLS-Report-Domain */
	const char *report_submitter; /* TLS-Report-Submitter */
	const char *dkim;             /* "pass", "fail", "none"; NULL: not evaluated */
	const char *dkim_domain;      /* the signing domain behind dkim; NULL or "" unknown */
	const struct tlsrpt_identity *reporter; /* identity.h; NULL: kind none */
};

/*
 * Records the reports of one message may use; the rest of the list
 * (TLSRPT_RECORDS_MAX) is left for its error, ignored and action lines.
 */
#define TLSRPT_SUMMARY_RECORDS_MAX (TLSRPT_RECORDS_MAX - 1024)

/* What one message's reports have logged and left out so far (zero it per message). */
struct tlsrpt_summary_msg {
	uint64_t failure_lines;                      /* failure lines logged */
	uint64_t fo_details;                         /* failure details left out, */
	uint64_t fo_sessions;                        /* their summed failed-session-count, */
	uint64_t fo_reports;                         /* the reports they belong to */
	char fo_report_id[TLSRPT_MAX_VALUE_LEN + 2]; /* that report's, when only one */
	char fo_domain[TLSRPT_MAX_VALUE_LEN + 2];
	int fo_has_id, fo_has_domain;
	uint64_t ro_reports;  /* reports left out for room, */
	uint64_t ro_policies; /* their policies and summed counts */
	uint64_t ro_ok;
	uint64_t ro_failed;
	enum tlsrpt_identity_kind kind; /* the message's reporter-kind, for the lines above */
};

/*
 * tlsrpt_summary_records - append the records of report r, one of the
 * message's reports (state in m), to rs.  0 ok; -1 (reason in err) only
 * when memory ran out.
 */
int tlsrpt_summary_records(const struct tlsrpt_report *r, const struct tlsrpt_summary_hdrs *h,
                           const struct tlsrpt_limits *lim, struct tlsrpt_summary_msg *m,
                           struct tlsrpt_records *rs, char *err, size_t errlen);

/*
 * tlsrpt_summary_finish - after the message's last report: the
 * failure-omitted and report-omitted lines m calls for.  0 ok; -1 (err)
 * when memory ran out.
 */
int tlsrpt_summary_finish(const struct tlsrpt_summary_msg *m, struct tlsrpt_records *rs, char *err,
                          size_t errlen);

/*
 * tlsrpt_summary_identity - add reporter= (unless kind none) and
 * reporter-kind= for id (NULL: kind none) to rec; 0 ok, -1 no room/memory
 */
int tlsrpt_summary_identity(struct tlsrpt_record *rec, const struct tlsrpt_identity *id);

#endif
