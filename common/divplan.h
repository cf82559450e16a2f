/*
 * divplan.h - what to do with a finished report message: the divert plan
 *
 * A pure function of the configuration (Action, AddHeader), the message's
 * outcome as the pipeline finished it (outcome.h) and the modifications the
 * MTA granted.  It decides; the
 * daemon's divert.c acts (libmilter calls), falls back to delivering when
 * a call fails, and logs the one "action" record of what was really done.
 *
 * Rules (tlsrpt-milter.conf(5), Action):
 *   - Action deliver delivers.  Otherwise a message is diverted only when
 *     at least one report was parsed, no error record was made and no
 *     report was refused as unauthenticated or foreign: a message with one
 *     good and one unreadable report is delivered untouched, because the
 *     unreadable part may be what a person needs to look at.
 *   - redirect: RedirectTo is added, then the report recipients removed
 *     (in that order, so a failure never leaves the message without a
 *     recipient); needs adding and removing recipients.
 *   - discard or hold with other recipients besides the report addresses:
 *     only the report recipients are removed (hold applies to whole
 *     messages, and says so in the reason); needs removing recipients.
 *   - discard, every recipient a report address: the message is discarded.
 *   - hold, every recipient a report address: the message is quarantined;
 *     needs quarantine.
 *   - A needed modification the MTA did not grant: deliver, with an error
 *     record naming what is missing.
 *   - AddHeader: a delivered message with at least one readable report
 *     gets the summary header field, when the MTA granted adding one (an
 *     error record otherwise).
 */
#ifndef TLSRPT_DIVPLAN_H
#define TLSRPT_DIVPLAN_H

#include <stddef.h>

#include "outcome.h"

/* modifications the MTA granted at negotiation */
#define TLSRPT_GRANT_ADDHDRS 0x1u
#define TLSRPT_GRANT_ADDRCPT 0x2u
#define TLSRPT_GRANT_DELRCPT 0x4u
#define TLSRPT_GRANT_QUARANTINE 0x8u

enum tlsrpt_divstep {
	TLSRPT_DIV_DELIVER = 0, /* leave the recipients alone */
	TLSRPT_DIV_DISCARD,     /* discard the whole message */
	TLSRPT_DIV_HOLD,        /* quarantine the whole message */
	TLSRPT_DIV_REDIRECT,    /* add RedirectTo, remove the report recipients */
	TLSRPT_DIV_REMOVE,      /* remove the report recipients only */
};

struct tlsrpt_divplan_in {
	int action;      /* enum tlsrpt_action */
	int add_header;  /* AddHeader */
	size_t nother;   /* recipients that are not report addresses */
	unsigned grants; /* TLSRPT_GRANT_* */
};

struct tlsrpt_divplan {
	enum tlsrpt_divstep step;
	const char *action;  /* the action word logged when the step succeeds */
	const char *reason;  /* reason= logged with it, NULL for none */
	const char *missing; /* the modification not granted (error record first), or NULL */
	int header;          /* if the message is delivered (as planned, or because a step failed):
	                        1 add the summary header, -1 wanted but not granted, 0 none */
	int discard;         /* the end-of-message reply is discard, not continue */
};

/* tlsrpt_divplan_make - the plan for a message that came to o (never fails) */
void tlsrpt_divplan_make(const struct tlsrpt_divplan_in *in, const struct tlsrpt_outcome *o,
                         struct tlsrpt_divplan *plan);

#endif
