/*
 * payload.h - collect one report part's decoded bytes, inflating if gzip
 *
 * The decoded content of a report candidate is fed here in pieces.  The
 * first bytes decide, whatever the MIME label said: the gzip magic
 * (1f 8b) or a zlib header means zlib inflation (inflateInit2 with
 * automatic gzip/zlib detection); anything else is kept as it is.  Output
 * goes into a buffer bounded by max_report_size; the moment it would pass
 * that bound the payload fails and ignores further input, so a
 * decompression bomb costs at most the bound in memory and the time to
 * produce the bound in output.
 *
 * The only module of common/ that includes zlib.h (tlsrpt-lookout reads
 * rotated logs through lookout/gzlog.c).
 */
#ifndef TLSRPT_PAYLOAD_H
#define TLSRPT_PAYLOAD_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"

enum tlsrpt_payload_kind {
	TLSRPT_PAYLOAD_UNKNOWN = 0, /* nothing seen yet */
	TLSRPT_PAYLOAD_PLAIN,       /* kept as is */
	TLSRPT_PAYLOAD_GZIP,        /* inflated */
};

/* why a part failed: the pipeline decides on this, the reason text is for people */
enum tlsrpt_payload_fault {
	TLSRPT_PAYLOAD_FINE = 0,  /* it has not failed */
	TLSRPT_PAYLOAD_TOO_LARGE, /* "report exceeds MaxReportSize (N bytes)" */
	TLSRPT_PAYLOAD_BAD_DATA,  /* "truncated gzip data", "gzip data error: ..." */
	TLSRPT_PAYLOAD_EMPTY,     /* "empty report part" */
	TLSRPT_PAYLOAD_BUSY,      /* "memory budget exhausted": the budget, not the content */
	TLSRPT_PAYLOAD_NOMEM,     /* "out of memory" */
};

struct tlsrpt_payload;

/* tlsrpt_payload_new - collector bounded to max bytes of output; NULL when out of memory */
struct tlsrpt_payload *tlsrpt_payload_new(size_t max);

/*
 * tlsrpt_payload_set_budget - charge the output buffer to budget from now
 * on (before it grows; returned by tlsrpt_payload_free).  A growth the
 * budget refuses fails the part with TLSRPT_PAYLOAD_BUSY.
 */
void tlsrpt_payload_set_budget(struct tlsrpt_payload *p, struct tlsrpt_budget *budget);

/* tlsrpt_payload_set_max - hold this part's output to max bytes (call after reset) */
void tlsrpt_payload_set_max(struct tlsrpt_payload *p, size_t max);

/* tlsrpt_payload_size - output bytes of this part so far */
size_t tlsrpt_payload_size(const struct tlsrpt_payload *p);

/* tlsrpt_payload_fault - why the part failed (TLSRPT_PAYLOAD_FINE while it has not) */
enum tlsrpt_payload_fault tlsrpt_payload_fault(const struct tlsrpt_payload *p);

/* tlsrpt_payload_reset - start a new part, keeping allocations (and the zlib stream) */
void tlsrpt_payload_reset(struct tlsrpt_payload *p);

/* tlsrpt_payload_feed - add input; 0 ok, -1 failed (reason in err; later feeds are ignored) */
int tlsrpt_payload_feed(struct tlsrpt_payload *p, const unsigned char *data, size_t len, char *err,
                        size_t errlen);

/*
 * tlsrpt_payload_finish - end of the part.  0 and the output (NUL-terminated,
 * valid until the next reset or free) or -1 with the reason in err, e.g.
 * "truncated gzip data", "gzip data error: <zlib msg>", "report exceeds
 * MaxReportSize (N bytes)", "empty report part".
 */
int tlsrpt_payload_finish(struct tlsrpt_payload *p, const char **out, size_t *outlen, char *err,
                          size_t errlen);

/* tlsrpt_payload_kind - what the first bytes said */
enum tlsrpt_payload_kind tlsrpt_payload_kind(const struct tlsrpt_payload *p);

/* tlsrpt_payload_free - release everything; accepts NULL */
void tlsrpt_payload_free(struct tlsrpt_payload *p);

#endif
