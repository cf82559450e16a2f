/*
 * mxseen.h - did a reported failure reach our MX?  Postfix's smtpd lines joined to the reports
 *
 * Fed, in any order, with smtpd lines (mtalog.h, each with the UTC day
 * the caller worked out from its time stamp) and with the failure details
 * the digest counted (domain, UTC day of the report, reporter,
 * sending-mta-ip, result type, receiving MX and IP), it says per failure
 * what our MX logged of that reporter that day:
 *   - the reporter's clients: those whose address is the failure's
 *     sending-mta-ip when the report gives one, else those whose verified
 *     reverse name is under one of the reporter's domains (reporters.h);
 *   - their sessions (disconnect lines), STARTTLS commands and successes,
 *     sessions whose STARTTLS failed, that completed TLS and then sent no
 *     mail (a sender that checks the certificate after the handshake, as
 *     Postfix does, quits there), that never gave STARTTLS, and that
 *     delivered over TLS; handshake errors (SSL_accept error, lost
 *     connection after STARTTLS) with their reasons (the "TLS library
 *     problem" line that follows in the same smtpd process);
 *   - a verdict: SEEN when some session of theirs that day did not
 *     deliver over TLS; NOT_SEEN when none did (no session at all, or all
 *     delivered over TLS): the failure happened before the sender reached
 *     us (DNS, MTA-STS policy fetch) or at a path or address not ours;
 *     NO_LOG when the input holds no smtpd line of that day (nothing can
 *     be said).
 * Lines outside [first_day, last_day] are not kept.
 *
 * Limits, each counted in the stats and said where the digest is read:
 * TLSRPT_MXSEEN_MAX_CLIENTS (client, day) pairs in all (further clients
 * of a day are counted in that day's `dropped`, and a NOT_SEEN on such a
 * day says the table was full); TLSRPT_MXSEEN_MAX_ITEMS failures
 * (further ones in `items_dropped`); two reasons per client and day; the
 * smtpd processes followed for their reason lines, TLSRPT_MXSEEN_PIDS.
 * About 400 bytes per client and day: 8 MB at the limit, and an index
 * of 4 bytes a slot, at most half full: 4 KB at first, 256 KB at the
 * limit.
 *
 * What it reads is forgeable by any local user (logger -t postfix/smtpd),
 * and client names come from the DNS of whoever owns the address: all of
 * it is shown escaped, as evidence, never acted on.
 * No globals, no printing; errors go into the caller's buffer.
 */
#ifndef TLSRPT_MXSEEN_H
#define TLSRPT_MXSEEN_H

#include <stddef.h>

#include "mtalog.h"

#define TLSRPT_MXSEEN_MAX_CLIENTS 20000
#define TLSRPT_MXSEEN_MAX_ITEMS 512
#define TLSRPT_MXSEEN_REASONS 2
#define TLSRPT_MXSEEN_PIDS 256
#define TLSRPT_MXSEEN_NAME 264

enum tlsrpt_mxseen_verdict {
	TLSRPT_MX_NO_LOG = 0, /* no smtpd line of that day in the input */
	TLSRPT_MX_NOT_SEEN,
	TLSRPT_MX_SEEN,
};

struct tlsrpt_mxseen_reason {
	char text[TLSRPT_MTALOG_TEXT];
	unsigned long n;
};

struct tlsrpt_mxseen_evidence {
	unsigned long clients; /* matching (client, day) pairs */
	unsigned long sessions, tls_tried, tls_ok, tls_established;
	unsigned long tls_failed;  /* sessions whose STARTTLS did not succeed */
	unsigned long tls_no_mail; /* sessions that completed TLS, then no MAIL */
	unsigned long no_tls;      /* sessions without a STARTTLS command */
	unsigned long delivered;   /* sessions with TLS and a MAIL command */
	unsigned long handshake_errors, lost_after_starttls;
	struct tlsrpt_mxseen_reason reason[TLSRPT_MXSEEN_REASONS];
	size_t nreason;
	char proto[32];                /* a TLS protocol logged (smtpd_tls_loglevel >= 1) */
	char ip[64];                   /* the first matching client: address, */
	char name[TLSRPT_MTALOG_NAME]; /* verified name ("" unknown), */
	char host[64];                 /* syslog host that logged it */
};

struct tlsrpt_mxseen_item {
	char domain[TLSRPT_MXSEEN_NAME];
	long day;
	char reporter[TLSRPT_MXSEEN_NAME];
	char sending_ip[64];
	char result_type[64];
	char policy_type[32];
	char mx[TLSRPT_MXSEEN_NAME];
	char ip[64];
	char reason[TLSRPT_MXSEEN_NAME];
	unsigned long long failed;
	enum tlsrpt_mxseen_verdict verdict;
	int by_ip;             /* matched by sending-mta-ip (else by client name) */
	unsigned long dropped; /* that day's clients past the table's limit */
	struct tlsrpt_mxseen_evidence ev;
};

struct tlsrpt_mxseen_stats {
	unsigned long long lines;         /* smtpd lines given */
	unsigned long long outside;       /* of days outside the period */
	unsigned long long clients;       /* (client, day) pairs kept */
	unsigned long long dropped;       /* lines of clients past the limit */
	unsigned long long items_dropped; /* failures past TLSRPT_MXSEEN_MAX_ITEMS */
	size_t days_logged;               /* days of the period with smtpd lines */
};

struct tlsrpt_mxseen_priv;

struct tlsrpt_mxseen {
	long first_day, last_day;
	struct tlsrpt_mxseen_item *item; /* [nitem], sorted by finish */
	size_t nitem;
	struct tlsrpt_mxseen_stats st;
	struct tlsrpt_mxseen_priv *priv;
};

/* the failure detail the digest hands over */
struct tlsrpt_mxseen_failure {
	const char *domain, *reporter, *sending_ip, *result_type, *policy_type, *mx, *ip, *reason;
	long day;
	unsigned long long failed;
};

/* tlsrpt_mxseen_new - an empty join over [first_day, last_day]; NULL with err */
struct tlsrpt_mxseen *tlsrpt_mxseen_new(long first_day, long last_day, char *err, size_t errlen);

/* tlsrpt_mxseen_line - count one smtpd line of UTC day `day` */
void tlsrpt_mxseen_line(struct tlsrpt_mxseen *x, const struct tlsrpt_mtalog *m, long day);

/* tlsrpt_mxseen_failure - note one failure detail (same keys add up) */
void tlsrpt_mxseen_failure(struct tlsrpt_mxseen *x, const struct tlsrpt_mxseen_failure *f);

/* tlsrpt_mxseen_finish - judge every failure and sort by domain, day, reporter; call once */
void tlsrpt_mxseen_finish(struct tlsrpt_mxseen *x);

/* tlsrpt_mxseen_verdict_name - "seen at our MX", "not seen at our MX", "no MX log for the day" */
const char *tlsrpt_mxseen_verdict_name(enum tlsrpt_mxseen_verdict v);

/* tlsrpt_mxseen_means - one paragraph: what the verdict and evidence mean for the fix */
const char *tlsrpt_mxseen_means(const struct tlsrpt_mxseen_item *it);

/* tlsrpt_mxseen_free - release; accepts NULL */
void tlsrpt_mxseen_free(struct tlsrpt_mxseen *x);

#endif
