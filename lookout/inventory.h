/*
 * inventory.h - the policies reporters saw, per domain, and what they say
 *
 * Fed with the counted policy lines of a digest (digest.c calls
 * tlsrpt_inventory_add for each policy line of a report it counts, with
 * the report's UTC day and reporter), an inventory keeps per policy
 * domain the distinct policies reporters applied: a policy is its type
 * and what the policy line says of it (log-format.md):
 *   sts   sts-mode, max-age, the mx patterns (sts-mx, else mx-host) and
 *         policy-hash;
 *   tlsa  policy-hash (a short hash of the normalised TLSA set, never the
 *         records);
 *   other types by their type alone.
 * Fields a line does not carry are "" (max-age -1): lines of a milter
 * older than these fields still give the mode and mx-host.  policy-hash
 * closes the line and is exactly 16 hex digits; max-age, sts-mx and the
 * hash are read only when it is whole (a line cut on its way, after the
 * fields the digest counts, gives the mode and mx-host alone).  Each policy
 * has its first and last report day, sessions, failed sessions, reports
 * and reporters.
 *
 * Findings (tlsrpt_inventory_finish), per domain:
 *   changed      a type whose policy changed in the period: a policy
 *                first seen after another of the same type was last seen;
 *   disagree     two policies of the same type seen on the same day: a
 *                reporter applying an older policy (a stale cached one);
 *                the one first seen earlier is named as the stale one;
 *   enforce-failing  an sts policy in enforce mode with failed sessions:
 *                senders that honour it did not deliver to the MX they
 *                could not verify;
 *   ready        the newest sts policy is in testing mode, has been
 *                reported for at least ready_days days (first to last
 *                report day) and no sts policy of the domain had a failed
 *                session in the period: it could move to enforce.
 *
 * Bounds: TLSRPT_INV_MAX_DOMAINS domains, TLSRPT_INV_MAX_POLICIES
 * policies per domain, TLSRPT_INV_MAX_REPORTERS reporter names per
 * policy (further ones counted in rep_more), TLSRPT_INV_MAX_FINDINGS
 * findings per domain; what a bound leaves out is counted in `dropped`
 * (policies) or `limited` (domains).  A domain takes about 15 KB,
 * allocated when its first policy line comes.  No globals, no printing.
 */
#ifndef TLSRPT_INVENTORY_H
#define TLSRPT_INVENTORY_H

#include <stddef.h>

#include "logline.h"

#define TLSRPT_INV_MAX_DOMAINS 256
#define TLSRPT_INV_MAX_POLICIES 8
#define TLSRPT_INV_MAX_REPORTERS 4
#define TLSRPT_INV_MAX_FINDINGS 8
#define TLSRPT_INV_NAME 264 /* a logged value is at most 256 bytes, NUL */

struct tlsrpt_inv_policy {
	char type[32];
	char mode[16];               /* sts-mode; "" when not logged */
	long long max_age;           /* max-age; -1 when not logged */
	char stsmx[TLSRPT_INV_NAME]; /* sts-mx: the policy-string's mx patterns; "" when not logged
	                              */
	char mx[TLSRPT_INV_NAME];    /* shown: sts-mx, else the first mx-host; "" when neither */
	char hash[24];               /* policy-hash; "" when not logged */
	long first_day, last_day;    /* report days it was seen */
	unsigned long long ok, failed, reports;
	char rep[TLSRPT_INV_MAX_REPORTERS][TLSRPT_INV_NAME];
	long rep_first[TLSRPT_INV_MAX_REPORTERS],
	        rep_last[TLSRPT_INV_MAX_REPORTERS]; /* their days */
	size_t nrep;
	unsigned long long rep_more; /* reports by reporters past the list */
};

enum tlsrpt_inv_finding_kind {
	TLSRPT_INV_CHANGED,
	TLSRPT_INV_DISAGREE,
	TLSRPT_INV_ENFORCE_FAILING,
	TLSRPT_INV_READY,
};

struct tlsrpt_inv_finding {
	enum tlsrpt_inv_finding_kind kind;
	size_t a, b; /* policies: changed from a to b; disagree: a stale, b newer; others: a */
	long day;    /* changed: b's first day; disagree: a day both were seen */
};

struct tlsrpt_inv_domain {
	char name[TLSRPT_INV_NAME]; /* lower case */
	struct tlsrpt_inv_policy pol[TLSRPT_INV_MAX_POLICIES];
	size_t npol;
	unsigned long long dropped; /* policy lines of policies past the bound */
	struct tlsrpt_inv_finding find[TLSRPT_INV_MAX_FINDINGS];
	size_t nfind;
};

struct tlsrpt_inventory {
	int ready_days; /* "ready" after this many days in testing without failure */
	struct tlsrpt_inv_domain *dom[TLSRPT_INV_MAX_DOMAINS];
	size_t ndom;
	unsigned long long limited; /* policy lines of domains past the bound */
};

/* tlsrpt_inventory_init - an empty inventory; ready_days as above */
void tlsrpt_inventory_init(struct tlsrpt_inventory *inv, int ready_days);

/* what one policy line says of its policy (NULL or "" when the line has not the field) */
struct tlsrpt_inv_line {
	const char *type;    /* policy-type */
	const char *mode;    /* sts-mode */
	const char *mx_host; /* mx-host */
	const char *sts_mx;  /* sts-mx */
	const char *hash;    /* policy-hash */
	long long max_age;   /* max-age; -1 when absent */
	unsigned long long ok, failed;
};

/* tlsrpt_inventory_line - the fields of a parsed policy line into *l (valid while ll is) */
void tlsrpt_inventory_line(const struct tlsrpt_logline *ll, struct tlsrpt_inv_line *l);

/*
 * tlsrpt_inventory_add - one counted policy line l of domain (lower
 * case), from reporter, in a report of day
 */
void tlsrpt_inventory_add(struct tlsrpt_inventory *inv, const char *domain, const char *reporter,
                          long day, const struct tlsrpt_inv_line *l);

/* tlsrpt_inventory_finish - sort each domain's policies by first day and find the findings */
void tlsrpt_inventory_finish(struct tlsrpt_inventory *inv);

/* tlsrpt_inventory_domain - the entry of a domain (lower case), NULL when it has none */
const struct tlsrpt_inv_domain *tlsrpt_inventory_domain(const struct tlsrpt_inventory *inv,
                                                        const char *name);

/* tlsrpt_inventory_finding_name - "changed", "disagree", "enforce-failing", "ready" */
const char *tlsrpt_inventory_finding_name(enum tlsrpt_inv_finding_kind k);

/* tlsrpt_inventory_free - release the domains (not inv itself); accepts NULL */
void tlsrpt_inventory_free(struct tlsrpt_inventory *inv);

#endif
