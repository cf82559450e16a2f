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
 * A message with neither gets one "ignored" record.
 */
#ifndef TLSRPT_PIPELINE_H
#define TLSRPT_PIPELINE_H

#include <stddef.h>

#include "limits.h"
#include "record.h"
#include "summary.h"

enum tlsrpt_input {
	TLSRPT_INPUT_MESSAGE = 0,
	TLSRPT_INPUT_AUTO,
};

struct tlsrpt_pipeline;

/* tlsrpt_pipeline_new - a pipeline for one message; NULL and err on failure */
struct tlsrpt_pipeline *tlsrpt_pipeline_new(const struct tlsrpt_limits *lim,
					    enum tlsrpt_input mode, char *err, size_t errlen);

/* tlsrpt_pipeline_feed - next chunk of the message; 0 ok, -1 internal failure (err) */
int tlsrpt_pipeline_feed(struct tlsrpt_pipeline *p, const char *data, size_t len, char *err,
			 size_t errlen);

/* tlsrpt_pipeline_finish - end of message: parse what was collected and make the records */
int tlsrpt_pipeline_finish(struct tlsrpt_pipeline *p, char *err, size_t errlen);

/* tlsrpt_pipeline_records - the records, valid until free */
const struct tlsrpt_records *tlsrpt_pipeline_records(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_headers - the message headers kept for the records */
const struct tlsrpt_msghdrs *tlsrpt_pipeline_headers(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_reports_ok - reports parsed without error */
unsigned tlsrpt_pipeline_reports_ok(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_errors - error records */
unsigned tlsrpt_pipeline_errors(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_failures - failed sessions reported, summed over reports */
unsigned long long tlsrpt_pipeline_failures(const struct tlsrpt_pipeline *p);

/* tlsrpt_pipeline_free - release everything; accepts NULL */
void tlsrpt_pipeline_free(struct tlsrpt_pipeline *p);

#endif
