/*
 * pipeline.h - message bytes in, log records out
 *
 * The one entry point the daemon and the offline mode share: feed the raw
 * message (header block, blank line, body) in chunks of any size, then
 * finish, then read the records.  Inside: MIME walker -> transfer decoding
 * -> payload (gzip inflation) -> bounded report buffer -> JSON parser ->
 * summary records.  Only the decoded bytes of the report part being read
 * are kept; every stage is bounded by struct tlsrpt_limits.
 *
 * In TLSRPT_INPUT_AUTO mode the first non-blank byte decides: '{' or the
 * gzip magic means a bare report file (.json, .json.gz), anything else a
 * message.  The daemon uses TLSRPT_INPUT_MESSAGE.
 *
 * Outcome of a finished message:
 *   reports_ok  reports parsed without error (each gave a "report" record)
 *   errors      "error" records (unreadable part, limit exceeded, ...)
 *   refused     reports ignored as not DKIM-authenticated (require_dkim)
 *               or about foreign policy domains (report_domains): one
 *               "ignored" record each, no policy or failure records
 *   duplicates  reports already logged (dedup): one "ignored" record each;
 *               they also count in reports_ok, since they were read
 *
 * Duplicates (struct tlsrpt_trust.dedup): a report is a duplicate of one
 * from the same sender only: the key is the DKIM-authenticated domain when
 * the message has dkim=pass, else the claimed submitter domain (the two
 * kinds never match each other), with report-id and date range.  The
 * pipeline only looks keys up; tlsrpt_pipeline_remember() records them.
 * A message with none of these gets one "ignored" record.
 *
 * Trust (struct tlsrpt_trust, optional): the message's
 * Authentication-Results fields from a trusted authserv-id decide the
 * "dkim" (pass, fail, none) and "dkim-domain" of each report line, for
 * the TLS-Report-Submitter domain (or the From domain when that header
 * is missing and From has exactly one address), by the rule of
 * tlsrpt_authres_verdict(): the topmost trusted field that speaks of DKIM
 * or cannot be read is the verifier's, and fields below it were written
 * by the sender (doc/dkim.md).
 */
#ifndef TLSRPT_PIPELINE_H
#define TLSRPT_PIPELINE_H

#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "dedup.h"
#include "tlsrpt_limits.h"
#include "record.h"
#include "summary.h"

enum tlsrpt_input {
	TLSRPT_INPUT_MESSAGE = 0,
	TLSRPT_INPUT_AUTO,
};

struct tlsrpt_pipeline;

/* What the pipeline believes and accepts; the pointers must outlive the pipeline. */
struct tlsrpt_trust {
	const char *const *authserv_ids; /* trusted authserv-ids (none: nothing is) */
	size_t nauthserv_ids;
	int require_dkim;                  /* refuse reports without dkim=pass */
	const char *const *report_domains; /* our policy domains (none: all) */
	size_t nreport_domains;
	struct tlsrpt_dedup *dedup; /* NULL: no duplicate detection */
	time_t now;                 /* for dedup */
};

/* tlsrpt_pipeline_new - a pipeline for one message; NULL and err on failure */
struct tlsrpt_pipeline *tlsrpt_pipeline_new(const struct tlsrpt_limits *lim, enum tlsrpt_input mode,
                                            char *err, size_t errlen);

/*
 * tlsrpt_pipeline_set_trust - apply t to the reports of this message (call
 * before the first feed; without it, dkim=none and nothing is refused)
 */
void tlsrpt_pipeline_set_trust(struct tlsrpt_pipeline *p, const struct tlsrpt_trust *t);

/*
 * tlsrpt_pipeline_set_budget - charge this message's report buffer and
 * JSON trees to b, a budget shared by all messages (call before the first
 * feed; b must outlive the pipeline; without it only lim bounds them):
 * up to 1 MiB exactly, past that MaxReportSize plus the JSON tree bound
 * at once, held until tlsrpt_pipeline_free
 */
void tlsrpt_pipeline_set_budget(struct tlsrpt_pipeline *p, struct tlsrpt_budget *b);

/*
 * tlsrpt_pipeline_busy - the budget refused memory for a report of this
 * message: its records are incomplete and must not be logged or acted on;
 * the message should be tried again later (the daemon: a temporary failure)
 */
int tlsrpt_pipeline_busy(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_feed - next chunk of the message; 0 ok, -1 internal failure (err) */
int tlsrpt_pipeline_feed(struct tlsrpt_pipeline *p, const char *data, size_t len, char *err,
                         size_t errlen);

/* tlsrpt_pipeline_finish - end of message: parse what was collected and make the records */
int tlsrpt_pipeline_finish(struct tlsrpt_pipeline *p, char *err, size_t errlen);

/* tlsrpt_pipeline_records - the records, valid until free */
const struct tlsrpt_records *tlsrpt_pipeline_records(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_reports_ok - reports parsed without error */
unsigned tlsrpt_pipeline_reports_ok(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_errors - error records */
unsigned tlsrpt_pipeline_errors(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_refused - reports ignored as unauthenticated or foreign */
unsigned tlsrpt_pipeline_refused(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_duplicates - reports ignored as already logged */
unsigned tlsrpt_pipeline_duplicates(const struct tlsrpt_pipeline *p);

/*
 * tlsrpt_pipeline_remember - after finish, record in the StateFile the
 * duplicate keys of the reports this message logged in full (none when
 * there is no StateFile, or after an internal failure).  The daemon calls
 * it only once the records are logged, so a crash in between logs a
 * report twice, never zero times; until then nothing is written.  0 ok;
 * -1 when the state file could not be written (err says why; the keys are
 * kept in memory and the caller warns).  Each key is recorded once.
 */
int tlsrpt_pipeline_remember(struct tlsrpt_pipeline *p, char *err, size_t errlen);

/* tlsrpt_pipeline_failures - failed sessions reported, summed over reports */
unsigned long long tlsrpt_pipeline_failures(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_free - release everything; accepts NULL */
void tlsrpt_pipeline_free(struct tlsrpt_pipeline *p);

#endif
