/*
 * negotiate.h - the protocol steps and macros tlsrpt-milter asks the MTA for
 *
 * One place for what callbacks.c's negotiate asks for, shared with the
 * benchmark's reference filter (bench/ref-milter.c, mode lean) so that the
 * two cannot drift apart.
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

#endif
