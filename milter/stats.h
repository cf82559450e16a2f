/*
 * stats.h - process-wide counters and the SIGUSR1 statistics thread
 *
 * Counters are C11 atomics, the only mutable state shared between
 * libmilter's threads.  "tlsrpt-milter[PID]: stats messages=N
 * report-messages=N reports=N failures=N errors=N diverted=N" is logged
 * on SIGUSR1 (by a sigwait thread of our own: libmilter owns HUP, TERM
 * and INT) and once at exit; the same thread takes SIGUSR2 for a reload.
 */
#ifndef TLSRPT_STATS_H
#define TLSRPT_STATS_H

enum tlsrpt_stat {
	TLSRPT_STAT_MESSAGES = 0,    /* messages that reached DATA */
	TLSRPT_STAT_REPORT_MESSAGES, /* of those, with a report recipient */
	TLSRPT_STAT_REPORTS,         /* reports parsed without error */
	TLSRPT_STAT_FAILURES,        /* failed sessions those reports counted */
	TLSRPT_STAT_ERRORS,          /* error lines (unreadable input, internal failures) */
	TLSRPT_STAT_DIVERTED,        /* messages discarded, held or redirected (wholly or partly) */
	TLSRPT_STAT_N,
};

/* tlsrpt_stats_add - add n to a counter */
void tlsrpt_stats_add(enum tlsrpt_stat which, unsigned long long n);

/* tlsrpt_stats_get - a counter's value */
unsigned long long tlsrpt_stats_get(enum tlsrpt_stat which);

/* tlsrpt_stats_log - log the statistics line; why is "signal" or "exit" */
void tlsrpt_stats_log(const char *why);

/* tlsrpt_stats_block - block SIGUSR1 and SIGUSR2 in the calling thread; before any thread starts */
int tlsrpt_stats_block(void);

/* tlsrpt_stats_start - start the signal thread: SIGUSR1 logs the statistics, SIGUSR2 calls reload
 * (may be NULL); 0 ok, else an error number */
int tlsrpt_stats_start(void (*reload)(void));

#endif
