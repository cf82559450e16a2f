/*
 * test_bucket.c - the cells of a chart: days, ISO weeks, calendar months
 *
 * A table of periods with the unit and number of cells they must get, the
 * first and last cell's days and one cell's label; every plan is checked
 * to cover the period exactly, cell after cell, within
 * TLSRPT_BUCKET_MAX.  Also calendar.h's year, month and day of day
 * numbers around leap days.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bucket.h"
#include "calendar.h"

/* day - the day number of YYYY-MM-DD */
static long day(const char *s)
{
	long d = -1;

	assert_int_equal(tlsrpt_calendar_day(s, strlen(s), &d), 0);
	return d;
}

struct plan_case {
	const char *name, *first, *last;
	enum tlsrpt_bucket_unit unit;
	size_t n;
	const char *cell0_last, *celln_first; /* the first cell's last day, the last cell's first */
	size_t label_at;
	const char *label;
};

static const struct plan_case plan_cases[] = {
        {"one day", "2026-11-29", "2026-11-29", TLSRPT_BUCKET_DAY, 1, "2026-11-29", "2026-11-29", 0,
         "Nov 29"},
        {"31 days", "2026-10-30", "2026-11-29", TLSRPT_BUCKET_DAY, 31, "2026-10-30", "2026-11-29",
         2, "Nov 1"},
        /* 2026-10-29 is a Thursday: its week ends on Sunday 2026-11-01 */
        {"32 days: weeks", "2026-10-29", "2026-11-29", TLSRPT_BUCKET_WEEK, 5, "2026-11-01",
         "2026-11-23", 1, "Nov 2"},
        {"120 days", "2026-08-02", "2026-11-29", TLSRPT_BUCKET_WEEK, 18, "2026-08-02", "2026-11-23",
         0, "Aug 2"},
        /* 31 ISO weeks from a Monday: the most weeks there can be */
        {"217 days from a Monday", "2026-01-05", "2026-08-09", TLSRPT_BUCKET_WEEK, 31, "2026-01-11",
         "2026-08-03", 30, "Aug 3"},
        /* one day more spans 32 weeks: months */
        {"218 days from a Monday", "2026-01-05", "2026-08-10", TLSRPT_BUCKET_MONTH, 8, "2026-01-31",
         "2026-08-01", 7, "Aug 2026"},
        {"366 days", "2025-11-29", "2026-11-29", TLSRPT_BUCKET_MONTH, 13, "2025-11-30",
         "2026-11-01", 2, "Jan 2026"},
        {"a leap year", "2024-01-01", "2024-12-31", TLSRPT_BUCKET_MONTH, 12, "2024-01-31",
         "2024-12-01", 1, "Feb 2024"},
};

static void test_plans(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++) {
		const struct plan_case *c = &plan_cases[i];
		struct tlsrpt_bucket_plan p;
		char lab[16];

		print_message("case %s\n", c->name);
		assert_int_equal(tlsrpt_bucket_make(day(c->first), day(c->last), &p), 0);
		assert_int_equal(p.unit, c->unit);
		assert_int_equal(p.n, c->n);
		assert_true(p.n <= TLSRPT_BUCKET_MAX);
		assert_int_equal(p.cell[0].first, day(c->first));
		assert_int_equal(p.cell[0].last, day(c->cell0_last));
		assert_int_equal(p.cell[p.n - 1].first, day(c->celln_first));
		assert_int_equal(p.cell[p.n - 1].last, day(c->last));
		for (j = 1; j < p.n; j++) {
			assert_int_equal(p.cell[j].first, p.cell[j - 1].last + 1);
			assert_true(p.cell[j].last >= p.cell[j].first);
		}
		tlsrpt_bucket_label(&p, c->label_at, lab, sizeof(lab));
		assert_string_equal(lab, c->label);
	}
}

static void test_empty_period(void **state)
{
	struct tlsrpt_bucket_plan p;

	(void)state;
	assert_int_equal(tlsrpt_bucket_make(day("2026-11-29"), day("2026-11-28"), &p), -1);
	assert_int_equal(p.n, 0);
}

static void test_civil(void **state)
{
	static const char *const dates[] = {"1970-01-01", "2000-02-29", "2024-02-29",
	                                    "2024-03-01", "2025-12-31", "2100-03-01"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		char want[16];
		long y;
		unsigned m, dd;

		tlsrpt_calendar_ymd(day(dates[i]), &y, &m, &dd);
		snprintf(want, sizeof(want), "%04ld-%02u-%02u", y, m, dd);
		assert_string_equal(want, dates[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_plans),
	        cmocka_unit_test(test_empty_period),
	        cmocka_unit_test(test_civil),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
