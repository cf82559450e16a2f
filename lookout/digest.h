/*
 * digest.h - aggregate tlsrpt-milter log lines per policy domain and day
 *
 * Fed with parsed lines (logline.h) in log order, a digest counts, over a
 * period of UTC days [first_day, last_day]:
 *   - per policy domain: sessions and failed sessions, per day;
 *   - per domain and policy type: the figures as reported, and the
 *     MTA-STS mode the policy line carried (sts-mode=);
 *   - per domain and reporter: reports and sessions, and the first and
 *     last day seen in all the input up to last_day (so a reporter that
 *     went quiet shows; later reports are left out as if not yet read);
 *   - per domain and failure (policy type, result type, receiving MX and
 *     IP): failed sessions, reporters, first and last day, a reason code;
 *   - per MX host of ours (tlsrpt_digest_mxhost): the domains whose
 *     reports named it (struct tlsrpt_digest_mxhost);
 *   - per domain, the policies reporters saw and the findings they give
 *     (inventory.h: d->inv, its ready_days 7 unless the caller sets it).
 *
 * Rules: the lines are read into reports by the assembler (assemble.h),
 * which decides grouping, reporter, day and duplicates for the digest and
 * the alert mode alike; then:
 *   - a report counts once, in the period of its day; a duplicate, and a
 *     report with a line cut on its way (stats.cut), do not count;
 *   - a reporter is its identity and whether DKIM authenticated it
 *     (reporter= and reporter-kind=): a claimed google.com is another
 *     reporter than the authenticated one; "unknown" without identity;
 *   - the first TLSRPT_LOOKOUT_MAX_DUPS duplicates in the period are kept
 *     with where they and the counted copy were logged (struct
 *     tlsrpt_digest_dup; the counted copy is known while it is among the
 *     assembler's last TLSRPT_ASM_MAX_PENDING reports);
 *   - per-domain sessions of one report are the maximum over that
 *     report's policies for the domain, not the sum (a reporter that lists
 *     the same sessions under a tlsa and an sts policy counts them once):
 *     sessions = max(successful + failed), failed = max(failed),
 *     successful = sessions - failed; a policy-omitted line is one more
 *     policy in that maximum.  Per-policy figures are summed as reported;
 *   - a report counts for every domain its lines name (the report line's
 *     and its policies');
 *   - the per-message lines without report-id (failure-omitted with
 *     reports=K, report-omitted) count with the newest report of their
 *     message, when it counts; a report-omitted line's reports have no
 *     domain or day of their own: they are counted apart
 *     (stats.omitted_*), and its failed sessions count as failures.
 *
 * Two pools of domains, so that names a stranger chooses cannot crowd
 * ours out:
 *   - ours: the domains named with tlsrpt_digest_expect (the milter's
 *     ReportDomains and --domain), at most TLSRPT_LOOKOUT_MAX_OURS; always
 *     kept, whatever the input holds;
 *   - others: every other policy domain, first come, at most
 *     TLSRPT_LOOKOUT_MAX_OTHERS.  What a full pool turns away is counted in
 *     stats.left_out (names, reports, failed sessions) and said in every
 *     output (tlsrpt_digest_left_out).
 *
 * Limits (what is past them is counted in stats.limited and left out):
 * the two pools above, TLSRPT_ASM_MAX_DOMAINS policy domains per report
 * (the assembler's), TLSRPT_LOOKOUT_MAX_REPORTERS reporters per domain (of them
 * at most TLSRPT_LOOKOUT_MAX_CLAIMED not authenticated by DKIM: claimed
 * names never take an authenticated reporter's place; the reports of a
 * reporter not listed still count for the domain, in reports_unlisted)
 * and TLSRPT_LOOKOUT_MAX_FAILURES failure kinds per domain (the failed
 * sessions of further kinds go to the domain's `dropped`), 366 days.  That
 * is at most about 50 MB, and the assembler's open reports at most 15 MB
 * more; its duplicate set holds 32 to 64 bytes per distinct report read.
 *
 * No globals, no printing; errors go into the caller's buffer.
 */
#ifndef TLSRPT_LOOKOUT_H
#define TLSRPT_LOOKOUT_H

#include <stddef.h>

#include "inventory.h"
#include "logline.h"

#define TLSRPT_LOOKOUT_MAX_OURS 512   /* ReportDomains (256) and --domain (256) */
#define TLSRPT_LOOKOUT_MAX_OTHERS 256 /* names we do not know */
#define TLSRPT_LOOKOUT_MAX_DOMAINS (TLSRPT_LOOKOUT_MAX_OURS + TLSRPT_LOOKOUT_MAX_OTHERS)
#define TLSRPT_LOOKOUT_LEFT_OUT_NAMES 4096 /* distinct names left out that are counted */
#define TLSRPT_LOOKOUT_MAX_REPORTERS 32
#define TLSRPT_LOOKOUT_MAX_CLAIMED 16 /* of them, not authenticated by DKIM */
#define TLSRPT_LOOKOUT_MAX_FAILURES 64
#define TLSRPT_LOOKOUT_MAX_POLICIES 8
#define TLSRPT_LOOKOUT_MAX_DAYS 366
#define TLSRPT_LOOKOUT_NAME 264 /* a logged value is at most 256 bytes, NUL */
#define TLSRPT_LOOKOUT_MAX_DUPS 16
#define TLSRPT_LOOKOUT_WHERE 64       /* a syslog host or a queue ID as kept for a duplicate */
#define TLSRPT_LOOKOUT_MAX_MXHOSTS 32 /* our MX host names (MXHosts) */
#define TLSRPT_LOOKOUT_MAX_MENTIONS 8 /* domains listed as mentioning one MX host */

struct tlsrpt_digest_counts {
	unsigned long long ok, failed;
};

struct tlsrpt_digest_reporter {
	char id[TLSRPT_LOOKOUT_NAME];  /* the reporter identity (identity.h), "unknown" without */
	char org[TLSRPT_LOOKOUT_NAME]; /* organization-name, as last seen */
	int dkim;                      /* id is DKIM-authenticated (reporter-kind=dkim) */
	unsigned long long reports;    /* in the period */
	struct tlsrpt_digest_counts c;
	long first_day, last_day; /* over all input */
};

struct tlsrpt_digest_failure {
	char policy_type[32];
	char result_type[64];
	char mx[TLSRPT_LOOKOUT_NAME]; /* receiving-mx-hostname, "" when absent */
	char ip[64];                  /* receiving-ip */
	char reason[TLSRPT_LOOKOUT_NAME];
	unsigned long long failed;
	unsigned long long reporters; /* bit i: reporter i of the domain */
	long first_day, last_day;
};

struct tlsrpt_digest_policy {
	char type[32];
	struct tlsrpt_digest_counts c;
	char sts_mode[16]; /* enforce, testing, none; "" when never logged */
	long sts_day;      /* day of the report that gave sts_mode */
};

struct tlsrpt_digest_domain {
	char name[TLSRPT_LOOKOUT_NAME];
	int expected; /* named by the caller: one of ours */
	int mxhost;   /* one of our MX host names (tlsrpt_digest_mxhost): not a policy domain */
	unsigned long long reports;
	struct tlsrpt_digest_counts c;
	struct tlsrpt_digest_counts *days; /* [last_day - first_day + 1] */
	struct tlsrpt_digest_reporter rep[TLSRPT_LOOKOUT_MAX_REPORTERS];
	size_t nrep;
	struct tlsrpt_digest_failure fail[TLSRPT_LOOKOUT_MAX_FAILURES];
	size_t nfail;
	struct tlsrpt_digest_policy pol[TLSRPT_LOOKOUT_MAX_POLICIES];
	size_t npol;
	unsigned long long omitted_failed;   /* failed sessions in details not logged */
	unsigned long long dropped;          /* failed sessions of kinds past the limit */
	unsigned long long reports_unlisted; /* reports of reporters past the limits, not listed */
	long first_day, last_day;            /* reports seen over all input; -1 none */
};

/*
 * A report line not counted because its key was counted before: what
 * report it is, where this copy was logged and, while the counted copy is
 * still among the TLSRPT_ASM_MAX_PENDING newest reports, where that one
 * was (first_known).  The first TLSRPT_LOOKOUT_MAX_DUPS are kept; the rest
 * are only counted (stats.duplicates).
 */
struct tlsrpt_digest_dup {
	char reporter[TLSRPT_LOOKOUT_NAME];  /* the key's reporter (see Rules) */
	char report_id[TLSRPT_LOOKOUT_NAME]; /* as logged */
	char domain[TLSRPT_LOOKOUT_NAME];    /* policy-domain of the report line, lower case */
	long day;                            /* the report's day */
	char host[TLSRPT_LOOKOUT_WHERE], qid[TLSRPT_LOOKOUT_WHERE]; /* this copy */
	int first_known;
	char first_host[TLSRPT_LOOKOUT_WHERE],
	        first_qid[TLSRPT_LOOKOUT_WHERE]; /* the counted one */
	unsigned long long lines; /* its policy and failure lines, not added either */
};

struct tlsrpt_digest_stats {
	unsigned long long lines;      /* lines given */
	unsigned long long reports;    /* distinct reports in the period */
	unsigned long long duplicates; /* report lines counted before */
	unsigned long long outside;    /* reports outside the period */
	unsigned long long orphans;    /* policy/failure lines without their report line */
	unsigned long long malformed;  /* lines without the keys they need */
	unsigned long long errors;     /* error events */
	unsigned long long ignored;    /* ignored events */
	unsigned long long limited;    /* left out by a limit */
	unsigned long long cut;        /* reports with a line cut on its way: not counted */
	/* turned away by the full pool of other domains (TLSRPT_LOOKOUT_MAX_OTHERS) */
	struct {
		unsigned long long names;   /* distinct (at least, past ..._LEFT_OUT_NAMES) */
		unsigned long long reports; /* report lines in the period */
		unsigned long long failed;  /* failed sessions of their policy lines */
	} left_out;
	/* report-omitted lines: reports the milter counted without logging them */
	unsigned long long omitted_reports, omitted_ok, omitted_failed;
};

/* a policy domain whose counted reports named one of our MX hosts */
struct tlsrpt_digest_mention {
	char domain[TLSRPT_LOOKOUT_NAME]; /* lower case */
	unsigned long long reports;       /* its reports with a policy about the host */
	unsigned long long failed;        /* tlsa failed sessions at the host in its details */
	int in_mx;                        /* a policy's mx-host (or pattern) names the host */
};

/*
 * One of our MX hosts (MXHosts): the reports about it are those of the
 * domain entry of the same name (mxhost set); mentions are the other
 * domains whose reports named it: a policy about it inside a report for
 * that domain, a policy's mx-host (exact, or an MTA-STS "*." pattern one
 * label above), a failure's receiving-mx-hostname.  The first
 * TLSRPT_LOOKOUT_MAX_MENTIONS domains are kept; more are counted.
 */
struct tlsrpt_digest_mxhost {
	char name[TLSRPT_LOOKOUT_NAME]; /* lower case */
	struct tlsrpt_digest_mention by[TLSRPT_LOOKOUT_MAX_MENTIONS];
	size_t nby;
	unsigned long long by_more; /* mentions by further domains, not listed */
};

struct tlsrpt_digest_priv;
struct tlsrpt_mxseen;

struct tlsrpt_digest {
	long first_day, last_day; /* the period, inclusive */
	size_t ndays;
	struct tlsrpt_digest_domain *dom[TLSRPT_LOOKOUT_MAX_DOMAINS];
	size_t ndom;
	size_t nours, nothers; /* of ndom: expected, others */
	struct tlsrpt_digest_stats st;
	struct tlsrpt_digest_dup dup[TLSRPT_LOOKOUT_MAX_DUPS]; /* the first duplicates */
	size_t ndup;
	struct tlsrpt_digest_mxhost ourmx[TLSRPT_LOOKOUT_MAX_MXHOSTS]; /* in the order named */
	size_t nourmx;
	struct tlsrpt_inventory inv; /* the policies reporters saw */
	struct tlsrpt_digest_priv *priv;
	struct tlsrpt_mxseen *mx; /* the caller's, or NULL: failure details are noted there too */
};

/* tlsrpt_digest_new - an empty digest over [first_day, last_day]; NULL with err */
struct tlsrpt_digest *tlsrpt_digest_new(long first_day, long last_day, char *err, size_t errlen);

/*
 * tlsrpt_digest_expect - name one of our domains (it should have reports,
 * and is never left out); 0, or -1 past TLSRPT_LOOKOUT_MAX_OURS
 */
int tlsrpt_digest_expect(struct tlsrpt_digest *d, const char *domain);

/*
 * tlsrpt_digest_mxhost - name one of our MX hosts (before the first line):
 * reports about it are shown apart from the policy domains (render.h);
 * 0, or -1 past TLSRPT_LOOKOUT_MAX_MXHOSTS or the domain limit
 */
int tlsrpt_digest_mxhost(struct tlsrpt_digest *d, const char *host);

/* tlsrpt_digest_mxhost_domain - the domain entry of MX host m, NULL when no report named it */
const struct tlsrpt_digest_domain *
tlsrpt_digest_mxhost_domain(const struct tlsrpt_digest *d, const struct tlsrpt_digest_mxhost *m);

/* tlsrpt_digest_add - count one parsed line */
void tlsrpt_digest_add(struct tlsrpt_digest *d, const struct tlsrpt_logline *ll);

/*
 * tlsrpt_digest_finish - sort for output: domains by name, reporters by
 * reports, failures by failed sessions (both descending).  Call once, after
 * the last line.
 */
void tlsrpt_digest_finish(struct tlsrpt_digest *d);

/*
 * tlsrpt_digest_left_out - when the pool of other domains turned names
 * away, one sentence for a person saying so into buf (always
 * NUL-terminated) and 1; else "" and 0
 */
int tlsrpt_digest_left_out(const struct tlsrpt_digest *d, char *buf, size_t len);

/* tlsrpt_digest_rate - failed / (ok + failed) in percent, 0 when no sessions */
double tlsrpt_digest_rate(const struct tlsrpt_digest_counts *c);

/* tlsrpt_digest_free - release; accepts NULL */
void tlsrpt_digest_free(struct tlsrpt_digest *d);

#endif
