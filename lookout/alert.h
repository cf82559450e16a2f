/*
 * alert.h - stateful alerts from tlsrpt-milter's log lines: problem, recovered, silent
 *
 * An alert machine is fed the milter's parsed log lines (logline.h) that
 * are new since its last run, all taken as seen at the run's time `now`
 * (the caller's clock, so tests can simulate days), and keeps what it must
 * remember between runs in a small state (alertstate.h).  The lines are
 * read into reports by the assembler (assemble.h), the digest's too: the
 * same grouping, reporter, day and duplicate rule.  A report is judged
 * when the assembler hands it over (its message's action line,
 * TLSRPT_ASM_MAX_PENDING newer reports open, or the end of the run); one
 * with a cut line, a malformed one and a duplicate are not judged.  A
 * reporter is its DKIM-authenticated domain, or "claimed:DOMAIN": a
 * claimed identity never joins, recovers or silences an authenticated
 * one.  Events (tlsrpt_alert_finish):
 *
 *   - problem: a (policy domain, policy type, result type, receiving MX,
 *     else receiving IP) failure with at least min_failed failed sessions
 *     and min_rate percent of the domain's sessions in that report, with
 *     no problem for the same key open in the last `window` seconds.  One
 *     per key and run, whatever the number of reporters, reports or lines;
 *   - recovered: a later report (one whose start day is after the last
 *     failing report's) from a reporter that saw an open problem shows the
 *     domain without that failure and without left-out details
 *     (failure-omitted);
 *   - problem by baseline (when baseline_reports > 0): a report whose
 *     failure rate for a domain is well above that reporter's own recent
 *     rate for it raises a problem for each failure kind it lists, even
 *     under min_failed and min_rate.  The baseline of (domain, reporter,
 *     reporter kind) is the failed over the total sessions of its last
 *     baseline_reports reports; it is used once it holds at least half
 *     of them, and the report is a spike when it has at least
 *     baseline_min_failed failed sessions and a rate (percent) above both
 *     baseline_factor times the baseline and the baseline plus
 *     baseline_margin.  The report then joins the baseline.  The reporter
 *     kind (DKIM-authenticated or only claimed) is part of the key, so
 *     reports that merely claim a reporter's name never move the
 *     baseline of the authenticated one; a baseline only ever adds
 *     problems, never holds one back;
 *   - silent: a reporter that reported a domain has sent nothing for it
 *     for `silent_after` seconds; and a domain (reported before, or named
 *     with tlsrpt_alert_expect) with no report at all for that long.  Once
 *     per silence; a report ends it.
 *
 * An open problem with no failure for `window` seconds is forgotten, so a
 * later failure raises a new problem.  A report whose day ended more than
 * `window` seconds before `now` (old logs read on a first run) raises no
 * problem.  The machine also reads its own event lines (problem,
 * recovered, silent with the prefix ALERT): an event found in the log
 * counts as announced, so a state rebuilt by reading the logs from their
 * start announces nothing twice.  Anyone who can log under the tag could
 * write such a line, so the caller passes event lines only when their
 * origin is verified (the journal's _UID and _COMM, or a file that holds
 * only the milter's user's lines) and drops them otherwise.
 *
 * What the machine remembers (its problems, reporters and domains) is
 * handed to the state file (alertstate.h) as records and restored from
 * it; where each log file was left is the cursor's (cursor.h), which the
 * machine is given to mark the reports it judges or leaves for the next
 * run.
 *
 * Two pools, so that names a stranger chooses cannot crowd ours out:
 *
 *   - ours: the domains named with tlsrpt_alert_expect (the milter's
 *     ReportDomains, --domain; kept in the state as expected), their
 *     problems, and the known reporters: those authenticated by DKIM of
 *     our domains, and of any domain once heard from in two runs and
 *     two mails (so no single mail makes a reporter known).
 *     Never forgotten to make room; events one by one;
 *   - others: every other domain, its problems and reporters, and the
 *     claimed (not DKIM-authenticated) reporters of ours.  Separately
 *     bounded; when full, the entry heard of longest ago is forgotten.
 *     Their events are given one by one only while nothing is ours (no
 *     domain expected) and then at most TLSRPT_ALERT_MAX_OTHER_EVENTS per
 *     run; all the others of a run are summed up in one `others` event,
 *     which also says how many entries the full pool forgot.  So one mail
 *     naming a thousand domains gives at most one event per run, and a
 *     known reporter's silence is still announced.
 *
 * Bounds: problems TLSRPT_ALERT_MAX_OUR_PROBLEMS + _OTHER_PROBLEMS,
 * reporters TLSRPT_ALERT_MAX_KNOWN_REPORTERS (past it a known reporter is
 * kept with the others) + _OTHER_REPORTERS, domains TLSRPT_ALERT_MAX_OURS
 * (past it a domain is not expected) + _OTHER_DOMAINS,
 * TLSRPT_ALERT_MAX_EVENTS events per run (further ones wait for the next
 * run; the last place is kept for the `others` event),
 * TLSRPT_ALERT_MAX_BASELINES baselines of at most TLSRPT_ALERT_BASELINE_MAX
 * reports each (about 1 KB each; when full, a new one replaces the oldest
 * of the lowest rank: reporters only claimed below DKIM-authenticated
 * ones, domains not ours below ours; one that would rank below all is not
 * kept, so a flood of strangers' names cannot push out our reporters'
 * baselines).  No globals, no printing; errors go into the
 * caller's buffer.
 */
#ifndef TLSRPT_ALERT_H
#define TLSRPT_ALERT_H

#include <stddef.h>
#include <time.h>

#define TLSRPT_ALERT_MAX_OUR_PROBLEMS 1024
#define TLSRPT_ALERT_MAX_OTHER_PROBLEMS 256
#define TLSRPT_ALERT_MAX_PROBLEMS (TLSRPT_ALERT_MAX_OUR_PROBLEMS + TLSRPT_ALERT_MAX_OTHER_PROBLEMS)
#define TLSRPT_ALERT_MAX_KNOWN_REPORTERS 1024
#define TLSRPT_ALERT_MAX_OTHER_REPORTERS 1024
#define TLSRPT_ALERT_MAX_REPORTERS                                                                 \
	(TLSRPT_ALERT_MAX_KNOWN_REPORTERS + TLSRPT_ALERT_MAX_OTHER_REPORTERS)
#define TLSRPT_ALERT_MAX_OURS 512 /* ReportDomains (256) and --domain (256) */
#define TLSRPT_ALERT_MAX_OTHER_DOMAINS 256
#define TLSRPT_ALERT_MAX_DOMAINS (TLSRPT_ALERT_MAX_OURS + TLSRPT_ALERT_MAX_OTHER_DOMAINS)
#define TLSRPT_ALERT_MAX_OTHER_EVENTS 8 /* per run, one by one, while nothing is ours */
#define TLSRPT_ALERT_EXAMPLES 3         /* names an `others` event shows */
#define TLSRPT_ALERT_MAX_EVENTS 256
#define TLSRPT_ALERT_MAX_PENDING 64 /* TLSRPT_CURSOR_MAX_CARRIED */
#define TLSRPT_ALERT_NAME 264       /* a logged value is at most 256 bytes, NUL */
#define TLSRPT_ALERT_LIST 520       /* reporters joined with "," */
#define TLSRPT_ALERT_MAX_BASELINES 256
#define TLSRPT_ALERT_BASELINE_MAX 30 /* reports a baseline can hold */

struct tlsrpt_logline;
struct tlsrpt_cursor;

struct tlsrpt_alert_conf {
	long window;                   /* AlertWindow, seconds (default 7 days) */
	long silent_after;             /* SilentAfter, seconds (default 7 days) */
	unsigned long long min_failed; /* AlertMinFailedSessions (default 1) */
	double min_rate;               /* AlertMinFailureRate, percent (default 0) */
	/* the baseline rule; baseline_reports 0 turns it off */
	unsigned baseline_reports;              /* reports in a baseline (default 14) */
	double baseline_factor;                 /* k (default 3) */
	double baseline_margin;                 /* d, percentage points (default 2) */
	unsigned long long baseline_min_failed; /* (default 10) */
};

enum tlsrpt_alert_kind {
	TLSRPT_ALERT_PROBLEM = 0,
	TLSRPT_ALERT_RECOVERED,
	TLSRPT_ALERT_SILENT,
	TLSRPT_ALERT_OTHERS, /* the run's events about others, summed up */
};

struct tlsrpt_alert_event {
	enum tlsrpt_alert_kind kind;
	char domain[TLSRPT_ALERT_NAME];
	char policy_type[32], result_type[64]; /* problem, recovered */
	char mx[TLSRPT_ALERT_NAME], ip[64];    /* problem, recovered; "" when absent */
	char reporters[TLSRPT_ALERT_LIST]; /* problem: all; recovered, silent: the one ("" domain)
	                                    */
	unsigned long long failed,
	        sessions; /* failed sessions while open / sessions of those reports */
	long first, last; /* problem: first and last failing report day;
	                     silent: last report seen (epoch seconds) */
	/* others: events summed up, per kind, and the entries the full pool forgot; the
	   first few domains in reporters */
	unsigned long long problems, recovered, silent, forgotten;
	/* problem raised by the baseline rule alone: the baseline it was above */
	int by_baseline;
	unsigned long long base_failed, base_sessions;
};

/* what the machine remembers between runs, as the state file keeps it */
#define TLSRPT_ALERT_STATE_OPEN 0      /* a problem's state */
#define TLSRPT_ALERT_STATE_RECOVERED 1 /* a problem's state */
#define TLSRPT_ALERT_ANN_PROBLEM 1     /* a problem's announced bits */
#define TLSRPT_ALERT_ANN_RECOVERED 2

struct tlsrpt_alert_problem {
	int used; /* the machine's: a slot in use */
	char domain[TLSRPT_ALERT_NAME], ptype[32], rtype[64], mx[TLSRPT_ALERT_NAME], ip[64];
	char reporters[TLSRPT_ALERT_LIST], recovered_by[TLSRPT_ALERT_NAME];
	int state, announced;
	long long opened, last_fail, recovered_at;
	long first_day, last_day, recovered_day;
	unsigned long long failed, sessions;
	int ours;        /* the machine's: of one of our domains */
	int by_baseline; /* raised by the baseline rule alone */
	unsigned long long base_failed, base_sessions;
};

/* the recent reports of (domain, reporter, kind): the baseline rule's memory */
struct tlsrpt_alert_baseline {
	int used, auth; /* auth: the reporter is DKIM-authenticated */
	char domain[TLSRPT_ALERT_NAME], id[TLSRPT_ALERT_NAME];
	long long last; /* when its last report was judged */
	unsigned n;     /* reports held, the oldest first */
	unsigned long long sessions[TLSRPT_ALERT_BASELINE_MAX], failed[TLSRPT_ALERT_BASELINE_MAX];
};

struct tlsrpt_alert_reporter { /* a reporter of a domain */
	int used, announced;
	char domain[TLSRPT_ALERT_NAME], id[TLSRPT_ALERT_NAME];
	long long last;
	int auth; /* id authenticated by DKIM (else claimed): another reporter than a claimed one */
	int history;            /* heard from in two runs or more, in two mails or more */
	unsigned long long msg; /* the message it was last heard from in (a hash) */
	int ours;               /* the machine's: of one of our domains */
	int known; /* the machine's: in the pool of ours (auth, and ours or with a history) */
};

struct tlsrpt_alert_domain {
	int used, announced;
	int expected; /* one of ours */
	char name[TLSRPT_ALERT_NAME];
	long long last, since; /* last report (0 none), first known */
};

struct tlsrpt_alert;

/* what the machine's reports were, since it was made (for tests and comparison with the digest) */
struct tlsrpt_alert_counts {
	unsigned long long reports;    /* judged */
	unsigned long long duplicates; /* read before: not judged */
	unsigned long long cut;        /* a line cut on its way: not judged */
};

/* tlsrpt_alert_defaults - the documented defaults into *c */
void tlsrpt_alert_defaults(struct tlsrpt_alert_conf *c);

/*
 * tlsrpt_alert_new - an empty machine; NULL with err.  cur (may be NULL)
 * is where it marks the reports read from files (tlsrpt_alert_add_at):
 * the caller keeps it, and frees it after the machine.
 */
struct tlsrpt_alert *tlsrpt_alert_new(const struct tlsrpt_alert_conf *c, struct tlsrpt_cursor *cur,
                                      char *err, size_t errlen);

/*
 * tlsrpt_alert_problem_at, _reporter_at, _domain_at, _baseline_at - the i-th slot of
 * each table (i below its TLSRPT_ALERT_MAX_*), NULL when it is not in use
 */
const struct tlsrpt_alert_problem *tlsrpt_alert_problem_at(const struct tlsrpt_alert *a, size_t i);
const struct tlsrpt_alert_reporter *tlsrpt_alert_reporter_at(const struct tlsrpt_alert *a,
                                                             size_t i);
const struct tlsrpt_alert_domain *tlsrpt_alert_domain_at(const struct tlsrpt_alert *a, size_t i);
const struct tlsrpt_alert_baseline *tlsrpt_alert_baseline_at(const struct tlsrpt_alert *a,
                                                             size_t i);

/*
 * tlsrpt_alert_restore_problem, _reporter, _domain, _baseline - one record read back
 * from the state file (names cleaned as the machine keeps them; a record
 * for an entry already there updates it; the oldest is reused when full)
 */
void tlsrpt_alert_restore_problem(struct tlsrpt_alert *a, const struct tlsrpt_alert_problem *p);
void tlsrpt_alert_restore_reporter(struct tlsrpt_alert *a, const struct tlsrpt_alert_reporter *r);
void tlsrpt_alert_restore_domain(struct tlsrpt_alert *a, const struct tlsrpt_alert_domain *d);
void tlsrpt_alert_restore_baseline(struct tlsrpt_alert *a, const struct tlsrpt_alert_baseline *b);

/*
 * tlsrpt_alert_expect - one of our domains: it should have reports (silent
 * when none come), and it, its problems and its known reporters are in
 * the pool of ours.  0, or -1 past TLSRPT_ALERT_MAX_OURS.
 */
int tlsrpt_alert_expect(struct tlsrpt_alert *a, const char *domain, time_t now);

/* tlsrpt_alert_add - one parsed line, read at now */
void tlsrpt_alert_add(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, time_t now);

/*
 * tlsrpt_alert_add_at - the same for a line read from a file (inode ino)
 * at offset off.  A report from a file whose message has no action line
 * yet at the end of the run is left for the next run: tlsrpt_alert_finish
 * tells the cursor, which moves that file's position back to its report
 * line (the run may have cut the message), and the next run skips the
 * reports judged after it.  Left a second time, it is judged as it is.
 * Without a cursor, the same as tlsrpt_alert_add.
 */
void tlsrpt_alert_add_at(struct tlsrpt_alert *a, const struct tlsrpt_logline *ll, time_t now,
                         unsigned long long ino, unsigned long long off);

/*
 * tlsrpt_alert_finish - judge the reports still open, look for silence and
 * expired problems, and return the run's events (valid until the next
 * call or free); *n gets their number.  Each is marked announced.
 */
const struct tlsrpt_alert_event *tlsrpt_alert_finish(struct tlsrpt_alert *a, time_t now, size_t *n);

/* tlsrpt_alert_counts - the counts above */
const struct tlsrpt_alert_counts *tlsrpt_alert_counts(const struct tlsrpt_alert *a);

/* tlsrpt_alert_name - "problem", "recovered", "silent", "others" */
const char *tlsrpt_alert_name(enum tlsrpt_alert_kind k);

/* tlsrpt_alert_free - release; accepts NULL */
void tlsrpt_alert_free(struct tlsrpt_alert *a);

#endif
