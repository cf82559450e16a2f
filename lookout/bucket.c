/*
 * bucket.c - the cells of a chart or sparkline over a period of days
 *
 * Weeks start on Monday (1970-01-01, day 0, was a Thursday); months are
 * calendar months, found with calendar.h's year, month and day of a day
 * number.
 */
#include "config.h"

#include <stdio.h>

#include "bucket.h"
#include "calendar.h"

/* next_month - the first day of the month after day's month */
static long next_month(long day)
{
	long y;
	unsigned m, dd;

	tlsrpt_calendar_ymd(day, &y, &m, &dd);
	/* to the 32nd (always in the next month), then back to that month's first */
	day += 32 - (long)dd;
	tlsrpt_calendar_ymd(day, &y, &m, &dd);
	return day - ((long)dd - 1);
}

/* week_start - the Monday on or before day */
static long week_start(long day)
{
	long wd = ((day + 3) % 7 + 7) % 7; /* Monday 0 */

	return day - wd;
}

/* tlsrpt_bucket_make - the cells for [first, last] */
int tlsrpt_bucket_make(long first, long last, struct tlsrpt_bucket_plan *plan)
{
	long ndays = last - first + 1, at;

	plan->n = 0;
	if (ndays < 1) {
		return -1;
	}
	if (ndays <= TLSRPT_BUCKET_MAX) {
		plan->unit = TLSRPT_BUCKET_DAY;
		for (at = first; at <= last; at++) {
			plan->cell[plan->n].first = plan->cell[plan->n].last = at;
			plan->n++;
		}
		return 0;
	}
	if ((week_start(last) - week_start(first)) / 7 + 1 <= TLSRPT_BUCKET_MAX) {
		plan->unit = TLSRPT_BUCKET_WEEK;
		for (at = first; at <= last; at = week_start(at) + 7) {
			long end = week_start(at) + 6;

			plan->cell[plan->n].first = at;
			plan->cell[plan->n].last = end < last ? end : last;
			plan->n++;
		}
		return 0;
	}
	plan->unit = TLSRPT_BUCKET_MONTH;
	for (at = first; at <= last; at = next_month(at)) {
		long end = next_month(at) - 1;

		if (plan->n >= TLSRPT_BUCKET_MAX) {
			plan->n = 0;
			return -1;
		}
		plan->cell[plan->n].first = at;
		plan->cell[plan->n].last = end < last ? end : last;
		plan->n++;
	}
	return 0;
}

/* tlsrpt_bucket_unit_name - the unit as a word */
const char *tlsrpt_bucket_unit_name(enum tlsrpt_bucket_unit unit)
{
	return unit == TLSRPT_BUCKET_DAY ? "day" : unit == TLSRPT_BUCKET_WEEK ? "week" : "month";
}

/* tlsrpt_bucket_label - a short label for a cell */
void tlsrpt_bucket_label(const struct tlsrpt_bucket_plan *plan, size_t i, char *out, size_t outlen)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	long y;
	unsigned m, dd;

	tlsrpt_calendar_ymd(plan->cell[i].first, &y, &m, &dd);
	if (plan->unit == TLSRPT_BUCKET_MONTH) {
		snprintf(out, outlen, "%s %ld", mon[m - 1], y);
	} else {
		snprintf(out, outlen, "%s %u", mon[m - 1], dd);
	}
}
