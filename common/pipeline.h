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
 * A finished message gives one outcome (outcome.h): the counts of reports
 * read, error records, refused reports and duplicates, the failed
 * sessions, and whether the memory budget refused it.
 *
 * Which reports are logged in full is decided by the acceptance rules
 * (accept.h: the DKIM verdict from trusted Authentication-Results,
 * ReportDomains, duplicates); a refused report gives one "ignored" record.
 * The pipeline only looks duplicate keys up; tlsrpt_pipeline_remember()
 * records them.  A message with no report, no error and no refusal gets
 * one "ignored" record.
 */
#ifndef TLSRPT_PIPELINE_H
#define TLSRPT_PIPELINE_H

#include <stddef.h>

#include "accept.h"
#include "arena.h"
#include "outcome.h"
#include "record.h"
#include "summary.h"
#include "tlsrpt_limits.h"

enum tlsrpt_input {
	TLSRPT_INPUT_MESSAGE = 0,
	TLSRPT_INPUT_AUTO,
};

struct tlsrpt_pipeline;

/* tlsrpt_pipeline_new - a pipeline for one message; NULL and err on failure */
struct tlsrpt_pipeline *tlsrpt_pipeline_new(const struct tlsrpt_limits *lim, enum tlsrpt_input mode,
                                            char *err, size_t errlen);

/*
 * tlsrpt_pipeline_set_trust - judge the reports of this message by t
 * (accept.h; t's pointers must outlive the pipeline; call before the first
 * feed; without it, dkim=none and nothing is refused)
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

/*
 * tlsrpt_pipeline_finish - end of message: parse what was collected and
 * make the records.  The message's outcome (valid until free; the same on
 * a second call), or NULL on an internal failure (err; the records made
 * so far may still be logged).
 */
const struct tlsrpt_outcome *tlsrpt_pipeline_finish(struct tlsrpt_pipeline *p, char *err,
                                                    size_t errlen);

/* tlsrpt_pipeline_records - the records, valid until free */
const struct tlsrpt_records *tlsrpt_pipeline_records(const struct tlsrpt_pipeline *p);

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

/* tlsrpt_pipeline_free - release everything; accepts NULL */
void tlsrpt_pipeline_free(struct tlsrpt_pipeline *p);

#endif
