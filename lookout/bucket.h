/*
 * bucket.h - the cells of a chart or sparkline over a period of days
 *
 * A period of up to TLSRPT_BUCKET_MAX days gets one cell per day; a
 * longer one one per ISO week (Monday to Sunday) when that gives at most
 * TLSRPT_BUCKET_MAX cells, else one per calendar month (366 days: 13 at
 * most).  The first and last cells are clipped to the period, so they may
 * hold fewer days than the others; each cell says which days it holds.
 * No globals, no printing.
 */
#ifndef TLSRPT_BUCKET_H
#define TLSRPT_BUCKET_H

#include <stddef.h>

#define TLSRPT_BUCKET_MAX 31

enum tlsrpt_bucket_unit { TLSRPT_BUCKET_DAY, TLSRPT_BUCKET_WEEK, TLSRPT_BUCKET_MONTH };

struct tlsrpt_bucket {
	long first, last; /* days since 1970-01-01, inclusive, inside the period */
};

struct tlsrpt_bucket_plan {
	enum tlsrpt_bucket_unit unit;
	struct tlsrpt_bucket cell[TLSRPT_BUCKET_MAX];
	size_t n;
};

/* tlsrpt_bucket_make - the cells for [first, last]; 0, or -1 when the period needs more than the
 * maximum */
int tlsrpt_bucket_make(long first, long last, struct tlsrpt_bucket_plan *plan);

/* tlsrpt_bucket_unit_name - "day", "week" or "month" */
const char *tlsrpt_bucket_unit_name(enum tlsrpt_bucket_unit unit);

/*
 * tlsrpt_bucket_label - a short label for a cell's first day: "Nov 23"
 * (day, week), "Nov 2026" (month); out holds at least 16 bytes
 */
void tlsrpt_bucket_label(const struct tlsrpt_bucket_plan *plan, size_t i, char *out, size_t outlen);

#endif
