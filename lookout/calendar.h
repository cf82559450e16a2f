/*
 * calendar.h - day numbers: read an RFC 3339 date, write YYYY-MM-DD
 *
 * A day is counted from 1970-01-01 (day 0) in UTC on the proleptic
 * Gregorian calendar, so days compare and subtract as numbers.  The
 * digest, the alert machine and the command line all turn dates into
 * days here, and every date a person reads is written by
 * tlsrpt_calendar_date.  No globals, no printing, no time zone database.
 */
#ifndef TLSRPT_CALENDAR_H
#define TLSRPT_CALENDAR_H

#include <stddef.h>

/*
 * tlsrpt_calendar_day - days since 1970-01-01 (UTC) of an RFC 3339 date or
 * date-time; one without a zone is UTC, an offset is applied.  0 and *day
 * set, or -1 when it cannot be read.
 */
int tlsrpt_calendar_day(const char *s, size_t len, long *day);

/* tlsrpt_calendar_civil - the day number of a calendar date (proleptic Gregorian) */
long tlsrpt_calendar_civil(long y, unsigned m, unsigned d);

/* tlsrpt_calendar_ymd - year, month (1-12) and day (1-31) of a day number */
void tlsrpt_calendar_ymd(long day, long *y, unsigned *m, unsigned *d);

/* tlsrpt_calendar_date - write day as YYYY-MM-DD into out (at least 11 bytes) */
void tlsrpt_calendar_date(long day, char *out, size_t outlen);

#endif
