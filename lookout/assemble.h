/*
 * assemble.h - read tlsrpt-milter's log lines back into reports
 *
 * The one place where the lines of a report are put together, for the
 * digest (digest.c) and the alert mode (alert.c), so that both read the
 * same reports, with the same reporter, day and duplicates:
 *
 *   - grouping: a report line opens a report; its policy, policy-omitted,
 *     failure and failure-omitted lines are those with the same syslog
 *     host, prefix (queue ID) and report-id.  failure-omitted with
 *     reports=K and report-omitted (no report-id) belong to the message
 *     (host and prefix): they mark every open report of it as having
 *     details left out, and their counts go to its newest report.  A
 *     report is complete at its message's action line, when a report line
 *     with the same key comes, when TLSRPT_ASM_MAX_PENDING newer reports
 *     are open (the oldest), or at tlsrpt_asm_flush;
 *   - trust: only the fields a line vouches for are read (logline.h: the
 *     fields before a whole reporter-kind).  A report whose report line
 *     has none, or one of whose lines came cut, is marked cut: its
 *     figures are incomplete and its reporter unknown, and a consumer
 *     counts it nowhere but as cut.  So is a report with fewer policy
 *     lines (and policies in policy-omitted) than its report line's
 *     policies= (a line lost whole, or cut before its report-id); one with
 *     fewer failure lines than its policies' failure-details= has
 *     details_omitted set (the milter's MaxFailureLines, or a line lost):
 *     no recovery may be read from it.  Nothing on a line after reporter-kind
 *     (organization-name and the other text a stranger chose) is ever an
 *     identity or a figure;
 *   - reporter: reporter= with reporter-kind= as the milter decided them
 *     (identity.h): a DKIM-authenticated domain, a claimed one, or none;
 *     organization-name is display text only;
 *   - day: the UTC day of start-datetime (no zone: UTC); a report without
 *     a readable one is malformed;
 *   - duplicate: a report with the same reporter, of the same kind, the
 *     same report-id, start-datetime and end-datetime, and the same
 *     figures (policies, successful and failed sessions) as one read
 *     whole before is a duplicate (a second MX's copy, a retry): so a
 *     claimed google.com is never a duplicate of the DKIM-authenticated
 *     one, nor the reverse; a report without a reporter is never one; and
 *     a copy with other figures (a local user's forged "all well" logged
 *     first) never hides the real one.
 *
 * Bounds: TLSRPT_ASM_MAX_PENDING open reports (each about 5 KB, and 300 or
 * 700 bytes per policy or failure kind); TLSRPT_ASM_MAX_DOMAINS domains, TLSRPT_ASM_MAX_POLICIES
 * policy lines and TLSRPT_ASM_MAX_FAILURES failure kinds per report (the
 * lines past them are counted in the report's `limited` and left out); the
 * duplicate set holds 16 bytes per distinct report, in a table kept at
 * most half full.  No globals, no printing.
 */
#ifndef TLSRPT_ASSEMBLE_H
#define TLSRPT_ASSEMBLE_H

#include <stddef.h>

#include "identity.h"
#include "logline.h"

#define TLSRPT_ASM_POLICY_TEXT 100 /* mx-host, sts-mx: at most 96 bytes as written, NUL */
#define TLSRPT_ASM_NAME 264        /* a logged value is at most 256 bytes, NUL */
#define TLSRPT_ASM_MAX_PENDING 256
#define TLSRPT_ASM_MAX_DOMAINS                                                                     \
	4 /* the report line's included: a flood of names makes few entries */
#define TLSRPT_ASM_MAX_POLICIES 128
#define TLSRPT_ASM_MAX_FAILURES 64
#define TLSRPT_ASM_MAX_DETAILS 256 /* failure lines kept one by one per report */
#define TLSRPT_ASM_WHERE 64 /* a host or queue ID as remembered for a duplicate's first copy */

/* one domain of a report: its sessions are the maximum over its policies, not the sum */
struct tlsrpt_asm_domain {
	char name[TLSRPT_ASM_NAME];       /* lower case */
	unsigned long long total, failed; /* max(successful + failed), max(failed) */
	int omitted;                      /* a policy-omitted line, or details left out */
};

struct tlsrpt_asm_policy {
	size_t dom; /* index in the report's domains */
	char type[32];
	char sts_mode[16]; /* "" when the line has none */
	/* display text after reporter-kind (log-format.md), "" (max_age -1) when absent */
	char mx_host[TLSRPT_ASM_POLICY_TEXT], sts_mx[TLSRPT_ASM_POLICY_TEXT];
	char hash[24]; /* policy-hash */
	long long max_age;
	unsigned long long ok, failed;
	int omitted; /* a policy-omitted line (type "omitted") */
};

struct tlsrpt_asm_failure {
	size_t dom;
	char ptype[32], rtype[64];
	char mx[TLSRPT_ASM_NAME]; /* receiving-mx-hostname, lower case, "" when absent */
	char ip[64];              /* receiving-ip */
	char reason[TLSRPT_ASM_NAME];
	unsigned long long failed; /* summed over the lines of the same kind */
};

/* one failure line: its kind and what only the line says */
struct tlsrpt_asm_detail {
	size_t fail;               /* index in the report's failure kinds */
	char sending_ip[64];       /* sending-mta-ip, "" when absent */
	unsigned long long failed; /* the line's failed-session-count */
};

struct tlsrpt_asm_report {
	char host[TLSRPT_ASM_NAME], prefix[TLSRPT_ASM_NAME], report_id[TLSRPT_ASM_NAME];
	enum tlsrpt_identity_kind kind;
	char reporter[TLSRPT_IDENTITY_MAX]; /* "" for kind none */
	char org[TLSRPT_ASM_NAME];          /* organization-name: display text only */
	long day;
	int malformed;             /* no report-id or no readable start-datetime */
	int cut;                   /* a line of it came cut: not to be counted */
	int duplicate;             /* read before (see above) */
	int ended;                 /* its message's action line was read */
	unsigned long long nlines; /* its lines, the report line included */
	/* a duplicate: where the copy read first was logged, when still remembered */
	int first_known;
	char first_host[TLSRPT_ASM_WHERE], first_prefix[TLSRPT_ASM_WHERE];
	/* the report line's domain is domains[0]; policies and failures add theirs */
	struct tlsrpt_asm_domain dom[TLSRPT_ASM_MAX_DOMAINS];
	size_t ndom;
	struct tlsrpt_asm_policy *pol; /* npol of them, grown as lines come */
	size_t npol, cappol;
	struct tlsrpt_asm_failure *fail; /* nfail of them */
	size_t nfail, capfail;
	struct tlsrpt_asm_detail *det; /* its failure lines, ndet of them */
	size_t ndet, capdet;
	unsigned long long limited;        /* lines past the bounds above */
	int details_omitted;               /* a failure-omitted line covers it */
	unsigned long long omitted_failed; /* its failure-omitted line's failed sessions */
	size_t omitted_dom;                /* and that line's domain */
	/* the message's report-omitted line, given to its newest report */
	int has_ro;
	unsigned long long ro_reports, ro_ok, ro_failed;
	/* completeness: what its lines announce and what came */
	long long want_pol;         /* the report line's policies; -1 not said */
	unsigned long long got_pol; /* policy lines, and the policies of policy-omitted */
	unsigned long long want_details, got_details; /* policies' failure-details, lines */
	int details_unsaid; /* a policy line without failure-details: want_details unknown */
	/* where its report line was read (tlsrpt_asm_add_at) */
	int has_pos;
	unsigned long long ino, off;
};

struct tlsrpt_asm_stats {
	unsigned long long orphans; /* report lines' followers without their report */
	unsigned long long
	        malformed; /* lines without the keys they need (a report's own: its flag) */
	unsigned long long cut_lines; /* lines that vouch for nothing */
};

/* called with each complete report (valid during the call only) */
typedef void (*tlsrpt_asm_emit_fn)(void *ctx, const struct tlsrpt_asm_report *r);

struct tlsrpt_asm;

/* tlsrpt_asm_new - an assembler that hands reports to emit(ctx, ...); NULL with err */
struct tlsrpt_asm *tlsrpt_asm_new(tlsrpt_asm_emit_fn emit, void *ctx, char *err, size_t errlen);

/* tlsrpt_asm_add - one parsed line */
void tlsrpt_asm_add(struct tlsrpt_asm *a, const struct tlsrpt_logline *ll);

/* tlsrpt_asm_add_at - the same for a line read at offset off of the file with inode ino */
void tlsrpt_asm_add_at(struct tlsrpt_asm *a, const struct tlsrpt_logline *ll,
                       unsigned long long ino, unsigned long long off);

/* tlsrpt_asm_flush - hand out every open report (ended 0 unless its action line came) */
void tlsrpt_asm_flush(struct tlsrpt_asm *a);

/* tlsrpt_asm_stats - what the lines read so far held that is no report */
const struct tlsrpt_asm_stats *tlsrpt_asm_stats(const struct tlsrpt_asm *a);

/* tlsrpt_asm_free - release (open reports are dropped; flush first); accepts NULL */
void tlsrpt_asm_free(struct tlsrpt_asm *a);

#endif
