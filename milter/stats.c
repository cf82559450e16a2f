/*
 * stats.c - process-wide counters and the signal thread (SIGUSR1, SIGUSR2)
 *
 * SIGUSR1 and SIGUSR2 are blocked in the main thread before libmilter or
 * we start any thread, so every thread inherits the mask and only our
 * sigwait() thread ever takes them: no async-signal-safety concerns, no
 * handler.  SIGUSR1 logs the statistics; SIGUSR2 calls the reload
 * function given to tlsrpt_stats_start() (the configuration is re-read on
 * this thread while libmilter's go on serving mail).  Our thread blocks
 * every other signal, which stay libmilter's (HUP, TERM and INT stop it).
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <syslog.h>

#include "logging.h"
#include "record.h"
#include "stats.h"

static atomic_ullong counters[TLSRPT_STAT_N];

static const char *const names[TLSRPT_STAT_N] = {
        "messages", "report-messages", "reports", "failures", "errors", "diverted",
};

/* tlsrpt_stats_add - add n to a counter */
void tlsrpt_stats_add(enum tlsrpt_stat which, unsigned long long n)
{
	atomic_fetch_add_explicit(&counters[which], n, memory_order_relaxed);
}

/* tlsrpt_stats_get - a counter's value */
unsigned long long tlsrpt_stats_get(enum tlsrpt_stat which)
{
	return atomic_load_explicit(&counters[which], memory_order_relaxed);
}

/* tlsrpt_stats_log - log the counters as a "stats" record */
void tlsrpt_stats_log(const char *why)
{
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	int i, ok;

	tlsrpt_records_init(&rs);
	r = tlsrpt_records_add(&rs, TLSRPT_EV_STATS, TLSRPT_SEV_INFO);
	ok = r != NULL && tlsrpt_record_str(r, "when", why) == 0;
	for (i = 0; ok && i < TLSRPT_STAT_N; i++) {
		ok = tlsrpt_record_num(r, names[i], tlsrpt_stats_get((enum tlsrpt_stat)i)) == 0;
	}
	if (ok) {
		tlsrpt_log_event(r);
	} else {
		tlsrpt_log(LOG_ERR, "stats: out of memory");
	}
	tlsrpt_records_free(&rs);
}

static void (*reload_fn)(void); /* set before the thread starts */

/* tlsrpt_stats_block - block SIGUSR1 and SIGUSR2 in the calling thread */
int tlsrpt_stats_block(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

/* stats_thread - wait for SIGUSR1 (log) or SIGUSR2 (reload), repeat */
static void *stats_thread(void *arg)
{
	sigset_t set;
	int sig;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	for (;;) {
		if (sigwait(&set, &sig) != 0) {
			continue;
		}
		if (sig == SIGUSR1) {
			tlsrpt_stats_log("signal");
		} else if (sig == SIGUSR2 && reload_fn != NULL) {
			reload_fn();
		}
	}
	return NULL;
}

/*
 * tlsrpt_stats_start - start the signal thread.  It is created with
 * every signal blocked (and only sigwait()s for SIGUSR1 and SIGUSR2), so that SIGTERM
 * and friends still reach libmilter's own signal thread rather than
 * killing the process through ours.
 */
int tlsrpt_stats_start(void (*reload)(void))
{
	sigset_t all, old;
	pthread_t tid;
	int rc;

	reload_fn = reload;
	sigfillset(&all);
	rc = pthread_sigmask(SIG_SETMASK, &all, &old);
	if (rc != 0) {
		return rc;
	}
	rc = pthread_create(&tid, NULL, stats_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		return rc;
	}
	pthread_detach(tid);
	return 0;
}
