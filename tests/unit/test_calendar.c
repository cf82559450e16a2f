/*
 * test_calendar.c - day numbers: RFC 3339 dates and date-times to UTC days
 * (offsets applied, bad shapes refused) and back to YYYY-MM-DD
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"

struct day_case {
	const char *in;
	const char *want; /* NULL: not a date */
};

static const struct day_case day_cases[] = {
        {"2026-11-01T00:00:00Z", "2026-11-01"},
        {"2026-11-01T23:59:59Z", "2026-11-01"},
        {"2026-11-01T00:00:00", "2026-11-01"}, /* no zone: UTC */
        {"2026-11-01T00:30:00+01:00", "2026-10-31"},
        {"2026-11-01T23:30:00-01:00", "2026-11-02"},
        {"2026-11-01T23:30:00.123456-0100", "2026-11-02"},
        {"2026-11-01", "2026-11-01"},
        {"2024-02-29T12:00:00Z", "2024-02-29"},
        {"1970-01-01T00:00:00Z", "1970-01-01"},
        {"2026-13-01T00:00:00Z", NULL},
        /* days that do not exist are not moved into the next month */
        {"2027-02-29", NULL},
        {"2028-02-30", NULL},
        {"2026-04-31T00:00:00Z", NULL},
        {"2100-02-29", NULL},
        {"2000-02-29", "2000-02-29"},
        {"2028-02-29T23:59:59Z", "2028-02-29"},
        /* nor times that do not exist into the next day; a leap second stays in its day */
        {"2026-12-31T24:00:00Z", NULL},
        {"2026-12-31T23:60:00Z", NULL},
        {"2016-12-31T23:59:60Z", "2016-12-31"},
        {"2026-12-31T23:59:61Z", NULL},
        {"2026-12-31T23:30:00+24:00", NULL},
        {"26-11-01", NULL},
        {"yesterday", NULL},
};

static void test_days(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(day_cases) / sizeof(day_cases[0]); i++) {
		long day;
		char out[16];
		int rc = tlsrpt_calendar_day(day_cases[i].in, strlen(day_cases[i].in), &day);

		if (day_cases[i].want == NULL) {
			if (rc == 0) {
				fail_msg("%s: read as a date, want an error", day_cases[i].in);
			}
			continue;
		}
		if (rc != 0) {
			fail_msg("%s: not read", day_cases[i].in);
		}
		tlsrpt_calendar_date(day, out, sizeof(out));
		if (strcmp(out, day_cases[i].want) != 0) {
			fail_msg("%s: got %s, want %s", day_cases[i].in, out, day_cases[i].want);
		}
	}
	assert_int_equal(tlsrpt_calendar_civil(1970, 1, 1), 0);
	assert_int_equal(tlsrpt_calendar_civil(2026, 11, 29), 20786);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
