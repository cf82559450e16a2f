/*
 * accept.h - which parsed reports are logged in full: the acceptance rules
 *
 * Each report a message yields is judged by these rules, in this order;
 * the first that refuses it decides:
 *   1. RequireDKIM (trust.require_dkim): refused as "not
 *      DKIM-authenticated" unless the message's DKIM verdict is pass.
 *   2. ReportDomains (trust.report_domains): refused as "foreign
 *      policy-domain" unless one of its policy domains (TLS-Report-Domain
 *      for a policy that names none) is one of ours or below one, or is
 *      exactly one of our MX host names (trust.mx_hosts, MXHosts: a DANE
 *      report about the MX host itself; sub-domains of an MX host are not
 *      ours).  MXHosts alone, without ReportDomains, refuses nothing.
 *   3. StateFile (trust.dedup): a "duplicate" when its key was remembered
 *      before or came earlier in this message.  A duplicate was read
 *      (it counts as a report read), a refused report was not.
 * An accepted report's key is kept for tlsrpt_accept_remember().
 *
 * The DKIM verdict is computed once per message: the
 * Authentication-Results fields from a trusted authserv-id decide "dkim"
 * (pass, fail, none) and "dkim-domain" for the TLS-Report-Submitter
 * domain (or the From domain when that header is missing and From has
 * exactly one address), by the rule of tlsrpt_authres_verdict(): the
 * topmost trusted field that speaks of DKIM or cannot be read is the
 * verifier's, and fields below it were written by the sender
 * (doc/dkim.md).
 *
 * The reporter identity (identity.h) is decided with the verdict: the
 * DKIM-authenticated domain, else the claimed submitter domain, else none.
 *
 * Duplicate key (tlsrpt_accept_key, the one place it is made): that
 * identity and its kind (a claimed domain never matches an authenticated
 * one), with report-id and date range (dedup.h).  A report without a
 * report-id or an identity has no key and is never a duplicate.
 *
 * No globals, no printing; the only allocation is the list of kept keys.
 */
#ifndef TLSRPT_ACCEPT_H
#define TLSRPT_ACCEPT_H

#include <stddef.h>
#include <time.h>

#include "authres.h"
#include "dedup.h"
#include "identity.h"
#include "report.h"

/* What the pipeline believes and accepts; the pointers must outlive its users. */
struct tlsrpt_trust {
	const char *const *authserv_ids; /* trusted authserv-ids (none: nothing is) */
	size_t nauthserv_ids;
	int require_dkim;                  /* refuse reports without dkim=pass */
	const char *const *report_domains; /* our policy domains (none: all) */
	size_t nreport_domains;
	const char *const *mx_hosts; /* our MX host names, matched exactly */
	size_t nmx_hosts;
	struct tlsrpt_dedup *dedup; /* NULL: no duplicate detection */
	time_t now;                 /* for dedup */
};

/* the top-level header fields of a message that the rules read; any may be NULL */
struct tlsrpt_msghdrs {
	char *report_domain;    /* TLS-Report-Domain */
	char *report_submitter; /* TLS-Report-Submitter */
	char *from;
	char **auth_results; /* every Authentication-Results kept, in header order */
	size_t nauth_results;
};

/* why a report is not logged in full */
enum tlsrpt_refusal {
	TLSRPT_REFUSAL_NONE = 0,        /* accepted */
	TLSRPT_REFUSAL_UNAUTHENTICATED, /* "not DKIM-authenticated" */
	TLSRPT_REFUSAL_FOREIGN,         /* "foreign policy-domain" */
	TLSRPT_REFUSAL_DUPLICATE,       /* "duplicate" */
};

/* one message's judge: tlsrpt_accept_init, then set_trust, then one call per report */
struct tlsrpt_accept {
	struct tlsrpt_trust trust;
	const struct tlsrpt_msghdrs *hdrs;
	int dkim_done; /* dkim and dkim_domain are computed */
	enum tlsrpt_dkim_verdict dkim;
	char dkim_domain[TLSRPT_AUTHRES_VALUE_MAX]; /* "" when unknown */
	struct tlsrpt_identity ident;               /* the reporter, with the verdict */
	struct tlsrpt_dedup_key *keys;              /* accepted reports, to remember once logged */
	size_t nkeys, capkeys;
};

/* tlsrpt_accept_init - a judge for the message whose header fields are h (h must outlive it) */
void tlsrpt_accept_init(struct tlsrpt_accept *a, const struct tlsrpt_msghdrs *h);

/* tlsrpt_accept_set_trust - judge by t (without it: dkim=none, nothing refused) */
void tlsrpt_accept_set_trust(struct tlsrpt_accept *a, const struct tlsrpt_trust *t);

/*
 * tlsrpt_accept_dkim - the message's DKIM verdict, computed at the first
 * call (call it once the header block is complete); a->dkim_domain then
 * holds the signing domain behind it
 */
enum tlsrpt_dkim_verdict tlsrpt_accept_dkim(struct tlsrpt_accept *a);

/* tlsrpt_accept_reporter - the message's reporter identity (computes the verdict when needed) */
const struct tlsrpt_identity *tlsrpt_accept_reporter(struct tlsrpt_accept *a);

/* tlsrpt_accept_report - judge report r by the rules above; its key is kept when accepted */
enum tlsrpt_refusal tlsrpt_accept_report(struct tlsrpt_accept *a, const struct tlsrpt_report *r);

/* tlsrpt_accept_key - the duplicate key of r into *k; 0, or -1 when r has none */
int tlsrpt_accept_key(struct tlsrpt_accept *a, const struct tlsrpt_report *r,
                      struct tlsrpt_dedup_key *k);

/*
 * tlsrpt_accept_remember - add the kept keys to the StateFile and forget
 * them (so each is added once).  0 ok (also without a StateFile); -1 when
 * the file could not be written (err says why; the keys are in memory).
 */
int tlsrpt_accept_remember(struct tlsrpt_accept *a, char *err, size_t errlen);

/* tlsrpt_refusal_reason - the reason= word of an "ignored" record ("" for none) */
const char *tlsrpt_refusal_reason(enum tlsrpt_refusal why);

/* tlsrpt_accept_free - release the kept keys; accepts NULL */
void tlsrpt_accept_free(struct tlsrpt_accept *a);

#endif
