/*
 * negotiate.h - the protocol steps and macros tlsrpt-milter asks the MTA
 * for, and what was negotiated, kept across SMFIC_QUIT_NC
 *
 * One place for what callbacks.c's negotiate asks for, shared with the
 * benchmark's reference filter (bench/ref-milter.c, mode lean) so that the
 * two cannot drift apart.
 *
 * Reused connections: after SMFIC_QUIT_NC libmilter calls close and then
 * serves a new SMTP session on the same connection without negotiating
 * again.  close files what was negotiated under the libmilter context
 * (tlsrpt_negotiate_keep) in a table of TLSRPT_NEGOTIATE_SLOTS slots; the
 * next callback on that context takes it back.  A fresh negotiation on a
 * context forgets its entry (a new connection whose context reuses a
 * freed address always negotiates first).  A slot holds one context: an
 * entry pushed out by another is lost, and its connection is then
 * treated as granting nothing (the caller's choice).
 */
#ifndef TLSRPT_NEGOTIATE_H
#define TLSRPT_NEGOTIATE_H

#include <libmilter/mfapi.h>

/*
 * tlsrpt_negotiate_steps - of the steps the MTA offers (f1), those we take:
 * no CONNECT, HELO or unknown-command events; no replies to MAIL, RCPT and
 * header events; SMFIS_SKIP for the rest of a body
 */
unsigned long tlsrpt_negotiate_steps(unsigned long offered);

/*
 * tlsrpt_negotiate_macros - ask for no macros at CONNECT, HELO, MAIL and
 * RCPT, "i j" at DATA and end-of-header, "i" at end-of-message.  Call
 * from xxfi_negotiate when the MTA offers SMFIF_SETSYMLIST; 0 on success,
 * -1 when a request failed (then do not claim SMFIF_SETSYMLIST).
 */
int tlsrpt_negotiate_macros(SMFICTX *ctx);

#define TLSRPT_NEGOTIATE_SLOTS 1024 /* connections whose negotiation is kept across QUIT_NC */

/* tlsrpt_negotiate_keep - file what ctx negotiated (SMFIF_* granted, SMFIP_* steps), at close */
void tlsrpt_negotiate_keep(const void *ctx, unsigned long granted, unsigned long steps);

/* tlsrpt_negotiate_take - take back what was filed under ctx; 0 found, -1 not (nothing set) */
int tlsrpt_negotiate_take(const void *ctx, unsigned long *granted, unsigned long *steps);

/* tlsrpt_negotiate_forget - ctx negotiates afresh: drop what was filed under it */
void tlsrpt_negotiate_forget(const void *ctx);

#endif
