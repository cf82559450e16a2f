/*
 * divert.h - act on a finished report message at end-of-message
 *
 * The decision (see divert.c) depends on Action, on whether every report
 * in the message was read without error, and on whether the message has
 * recipients other than report addresses.  Exactly one "action" record
 * is logged per message; a modification the MTA refuses (or did not grant
 * at negotiation) gives an "error" record and the message is delivered.
 */
#ifndef TLSRPT_DIVERT_H
#define TLSRPT_DIVERT_H

#include <libmilter/mfapi.h>

#include "app.h"
#include "outcome.h"

struct tlsrpt_divert_in {
	char *const *rcpts; /* report recipients, as the MTA gave them */
	size_t nrcpts;
	size_t nother;                        /* recipients that are not report addresses */
	const struct tlsrpt_outcome *outcome; /* what the pipeline made of the message */
	unsigned long granted;                /* SMFIF_* actions negotiated */
	const char *qid;
};

/* tlsrpt_divert_wanted - the SMFIF_* actions the configuration may need */
unsigned long tlsrpt_divert_wanted(const struct tlsrpt_conf *cfg);

/*
 * tlsrpt_divert_apply - act on the message and log the action line.
 * Returns the reply for xxfi_eom (SMFIS_DISCARD for a discarded message,
 * SMFIS_CONTINUE otherwise); *diverted is 1 when mail was diverted.
 */
sfsistat tlsrpt_divert_apply(SMFICTX *ctx, const struct tlsrpt_app *app,
                             const struct tlsrpt_divert_in *in, int *diverted);

#endif
