/*
 * outcome.h - what a finished report message came to
 *
 * The pipeline fills one per message and hands it out when the message is
 * finished (tlsrpt_pipeline_finish); the divert plan (divplan.h), the
 * summary header field, the statistics and the offline mode's exit status
 * all read that one struct, so the counts cannot drift on the way.
 */
#ifndef TLSRPT_OUTCOME_H
#define TLSRPT_OUTCOME_H

struct tlsrpt_outcome {
	unsigned reports_ok;         /* reports read without error: each gave a "report" record,
	                                or an "ignored" one as a duplicate */
	unsigned errors;             /* "error" records (unreadable part, limit exceeded, ...) */
	unsigned refused;            /* reports ignored as not DKIM-authenticated or foreign:
	                                one "ignored" record each, no policy or failure records */
	unsigned duplicates;         /* reports ignored as logged before (also in reports_ok) */
	unsigned long long failures; /* failed sessions of the reports logged in full, summed */
	int busy; /* the memory budget refused a report: the records are incomplete
	             and must not be logged or acted on; try the message again later */
};

#endif
