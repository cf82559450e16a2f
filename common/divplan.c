/*
 * divplan.c - the divert plan (rules in divplan.h)
 *
 * Only decides: no libmilter, no logging.  Each outcome is one branch of
 * tlsrpt_divplan_make(), in the order the rules are checked; the reason
 * texts are the ones the "action" record carries.
 */
#include "config.h"

#include <string.h>

#include "conf.h"
#include "divplan.h"

/* deliver - a delivering plan with reason (NULL: none) */
static void deliver(struct tlsrpt_divplan *plan, const char *reason)
{
	plan->step = TLSRPT_DIV_DELIVER;
	plan->action = "deliver";
	plan->reason = reason;
}

/* missing - the MTA did not grant what the action needs: deliver, saying so */
static void missing(struct tlsrpt_divplan *plan, const char *what)
{
	plan->missing = what;
	deliver(plan, "the MTA does not allow the configured action");
}

/* tlsrpt_divplan_make - the plan for a message */
void tlsrpt_divplan_make(const struct tlsrpt_divplan_in *in, const struct tlsrpt_outcome *o,
                         struct tlsrpt_divplan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (in->add_header && o->reports_ok > 0) {
		plan->header = in->grants & TLSRPT_GRANT_ADDHDRS ? 1 : -1;
	}
	if (in->action == TLSRPT_ACTION_DELIVER) {
		deliver(plan, NULL);
	} else if (o->refused > 0 && o->errors == 0) {
		deliver(plan, "unauthenticated or foreign report: not diverted");
	} else if (o->reports_ok == 0) {
		deliver(plan, "no readable report: not diverted");
	} else if (o->errors > 0 || o->refused > 0) {
		deliver(plan, "the message has errors: not diverted");
	} else if (in->action == TLSRPT_ACTION_REDIRECT) {
		if ((in->grants & (TLSRPT_GRANT_ADDRCPT | TLSRPT_GRANT_DELRCPT)) !=
		    (TLSRPT_GRANT_ADDRCPT | TLSRPT_GRANT_DELRCPT)) {
			missing(plan, "adding and removing recipients");
			return;
		}
		plan->step = TLSRPT_DIV_REDIRECT;
		plan->action = "redirect";
	} else if (in->nother > 0) {
		if (!(in->grants & TLSRPT_GRANT_DELRCPT)) {
			missing(plan, "removing recipients");
			return;
		}
		plan->step = TLSRPT_DIV_REMOVE;
		plan->action = "remove-recipient";
		if (in->action == TLSRPT_ACTION_HOLD) {
			plan->reason =
			        "hold applies to whole messages; the message has other recipients";
		}
	} else if (in->action == TLSRPT_ACTION_DISCARD) {
		plan->step = TLSRPT_DIV_DISCARD;
		plan->action = "discard";
		plan->discard = 1;
	} else if (!(in->grants & TLSRPT_GRANT_QUARANTINE)) {
		missing(plan, "quarantine (hold)");
	} else {
		plan->step = TLSRPT_DIV_HOLD;
		plan->action = "hold";
	}
}
