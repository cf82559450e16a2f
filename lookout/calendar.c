/*
 * calendar.c - day numbers: read an RFC 3339 date, write YYYY-MM-DD
 *
 * Howard Hinnant's days_from_civil and civil_from_days: integer arithmetic
 * over 400-year eras, exact for any year a long holds, no tables, no
 * gmtime (whose struct tm would bound the year and need a time_t).  The
 * reader takes "YYYY-MM-DD" and optionally "THH:MM[:SS][.frac][Z|+hh:mm]";
 * a date's day is its UTC day, so an offset may move it by one.
 */
#include "config.h"

#include <stdio.h>

#include "calendar.h"

/* is_digit - ASCII decimal digit */
static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* tlsrpt_calendar_civil - days since the epoch of y-m-d (Howard Hinnant's algorithm) */
long tlsrpt_calendar_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

/* num - n digits at s as a number; -1 when not digits */
static long num(const char *s, size_t len, size_t at, size_t n)
{
	long v = 0;
	size_t i;

	if (at + n > len) {
		return -1;
	}
	for (i = at; i < at + n; i++) {
		if (!is_digit(s[i])) {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* month_days - the days of month m (1-12) of year y */
static long month_days(long y, long m)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : days[m - 1];
}

/*
 * tlsrpt_calendar_day - UTC day of an RFC 3339 date-time.  A day or time
 * that does not exist (February 30, 24:00) is refused, not moved into the
 * next month or day; a leap second (23:59:60) stays in its day.
 */
int tlsrpt_calendar_day(const char *s, size_t len, long *day)
{
	long y = num(s, len, 0, 4), mo = num(s, len, 5, 2), d = num(s, len, 8, 2);
	long secs = 0, off = 0, dn;
	size_t i = 10;

	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || s[4] != '-' ||
	    s[7] != '-') {
		return -1;
	}
	if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		long hh = num(s, len, i + 1, 2), mm = num(s, len, i + 4, 2), ss = 0;

		if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || s[i + 3] != ':') {
			return -1;
		}
		i += 6;
		if (i < len && s[i] == ':') {
			ss = num(s, len, i + 1, 2);
			if (ss < 0 || ss > 60) {
				return -1;
			}
			if (ss == 60) {
				ss = 59; /* a leap second: the last of its day */
			}
			i += 3;
		}
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			i++;
			while (i < len && is_digit(s[i])) {
				i++;
			}
		}
		secs = hh * 3600 + mm * 60 + ss;
		if (i < len && (s[i] == '+' || s[i] == '-')) {
			long oh = num(s, len, i + 1, 2), om;

			om = i + 3 < len && s[i + 3] == ':' ? num(s, len, i + 4, 2)
			                                    : num(s, len, i + 3, 2);
			if (oh < 0 || oh > 23) {
				return -1;
			}
			if (om < 0) {
				om = 0;
			} else if (om > 59) {
				return -1;
			}
			off = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
		}
	}
	dn = tlsrpt_calendar_civil(y, (unsigned)mo, (unsigned)d);
	secs = dn * 86400 + secs - off;
	*day = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	return 0;
}

/* tlsrpt_calendar_ymd - year, month (1-12) and day (1-31) of a day number */
void tlsrpt_calendar_ymd(long day, long *y, unsigned *m, unsigned *d)
{
	long z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097), yoe, doy, mp;

	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

/* tlsrpt_calendar_date - YYYY-MM-DD of a day number */
void tlsrpt_calendar_date(long day, char *out, size_t outlen)
{
	long y;
	unsigned m, d;

	tlsrpt_calendar_ymd(day, &y, &m, &d);
	snprintf(out, outlen, "%04ld-%02u-%02u", y, m, d);
}
