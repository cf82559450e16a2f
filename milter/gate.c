/*
 * gate.c - the stop gate every libmilter callback passes through
 *
 * Four atomic counters and two flags, no lock: a callback counts itself
 * in (inside, entries) before it looks at closed, so once closed is set
 * and inside has come down to zero no callback is past the check.  The
 * drain ends early when no callback has begun for TLSRPT_STOP_IDLE_MS: a
 * libmilter with a worker pool dispatches no command after smfi_main()
 * has returned, so messages in progress cannot move on.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "gate.h"

static atomic_int inside;       /* callbacks running now */
static atomic_uint entries;     /* callbacks begun so far */
static atomic_int reports_open; /* report messages between their first report RCPT and end */
static atomic_bool stopping;    /* no new message contexts */
static atomic_bool closed;      /* callbacks must not touch shared state */

/* tlsrpt_gate_enter - 0: the callback may run; -1: the gate is closed */
int tlsrpt_gate_enter(void)
{
	atomic_fetch_add(&inside, 1);
	atomic_fetch_add(&entries, 1);
	if (atomic_load(&closed)) {
		atomic_fetch_sub(&inside, 1);
		return -1;
	}
	return 0;
}

/* tlsrpt_gate_leave - the callback is done */
void tlsrpt_gate_leave(void)
{
	atomic_fetch_sub(&inside, 1);
}

/* tlsrpt_gate_stopping - whether the stop has begun */
int tlsrpt_gate_stopping(void)
{
	return atomic_load(&stopping);
}

/* tlsrpt_gate_report_begin - a report message is in progress */
void tlsrpt_gate_report_begin(void)
{
	atomic_fetch_add(&reports_open, 1);
}

/* tlsrpt_gate_report_end - a report message has ended */
void tlsrpt_gate_report_end(void)
{
	atomic_fetch_sub(&reports_open, 1);
}

/* sleep_ms - a short pause */
static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* tlsrpt_gate_stop - drain report messages (bounded), then close the gate */
int tlsrpt_gate_stop(long drain_ms, int *left)
{
	unsigned seen = atomic_load(&entries);
	long waited, idle = 0;

	atomic_store(&stopping, true);
	for (waited = 0;
	     atomic_load(&reports_open) > 0 && waited < drain_ms && idle < TLSRPT_STOP_IDLE_MS;
	     waited += 10) {
		unsigned now;

		sleep_ms(10);
		now = atomic_load(&entries);
		idle = now == seen && atomic_load(&inside) == 0 ? idle + 10 : 0;
		seen = now;
	}
	*left = atomic_load(&reports_open);
	atomic_store(&closed, true);
	for (waited = 0; atomic_load(&inside) > 0 && waited < TLSRPT_STOP_INSIDE_MS; waited++) {
		sleep_ms(1);
	}
	return atomic_load(&inside) == 0 ? 0 : -1;
}
