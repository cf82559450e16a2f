/*
 * divert.c - act on a finished report message at end-of-message
 *
 * The plan (common/divplan.c) decides from the configuration, the counts
 * and the modifications granted; this file carries it out:
 *   - redirect: smfi_addrcpt RedirectTo, then smfi_delrcpt of each report
 *     recipient; hold: smfi_quarantine; discard: SMFIS_DISCARD; AddHeader:
 *     smfi_addheader "X-TLSRPT-Milter: reports=N failures=N errors=N".
 *   - Recipients are removed in the form the MTA stored them: the RCPT
 *     argument without its source route ("<@relay:a@b>" is stored as
 *     "a@b" by Postfix, which compares the removal request with what it
 *     stored).  A removal smfi_delrcpt() did not take is never logged as
 *     done: the recipient gets the message and the action line says so.
 *   - A call that fails gives an error record and the message is
 *     delivered, with the reason.
 * One "action" record per message, of what was really done:
 * action=deliver|discard|hold|redirect|remove-recipient, recipients=...
 * (those removed, for a removal), to= for a redirect, reason= when the
 * outcome differs from Action.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "divert.h"
#include "divplan.h"
#include "logging.h"
#include "record.h"

#define RCPTS_TEXT_MAX 1024 /* recipients= before the value cut */

/* tlsrpt_divert_wanted - the SMFIF_* actions the configuration may need */
unsigned long tlsrpt_divert_wanted(const struct tlsrpt_conf *cfg)
{
	unsigned long f = 0;

	if (cfg->add_header) {
		f |= SMFIF_ADDHDRS;
	}
	switch (cfg->action) {
	case TLSRPT_ACTION_DISCARD:
		f |= SMFIF_DELRCPT;
		break;
	case TLSRPT_ACTION_HOLD:
		f |= SMFIF_DELRCPT | SMFIF_QUARANTINE;
		break;
	case TLSRPT_ACTION_REDIRECT:
		f |= SMFIF_DELRCPT | SMFIF_ADDRCPT;
		break;
	default:
		break;
	}
	return f;
}

/*
 * rcpts_text - the report recipients, bare and comma-joined: all of them
 * (mask NULL) or those whose mask byte equals want
 */
static void rcpts_text(const struct tlsrpt_divert_in *in, const unsigned char *mask,
                       unsigned char want, char *buf, size_t len)
{
	char bare[TLSRPT_ADDR_MAX];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < in->nrcpts && n + 1 < len; i++) {
		const char *a = tlsrpt_addr_bare(in->rcpts[i], bare, sizeof(bare)) == 0
		                        ? bare
		                        : in->rcpts[i];
		int w;

		if (mask != NULL && mask[i] != want) {
			continue;
		}
		w = snprintf(buf + n, len - n, "%s%s", n == 0 ? "" : ",", a);
		if (w < 0) {
			break;
		}
		n += (size_t)w;
	}
}

/* log_action_of - the one "action" record, recipients= from rcpts_text(mask, want) */
static void log_action_of(const struct tlsrpt_divert_in *in, const unsigned char *mask,
                          unsigned char want, const char *action, const char *to,
                          const char *reason)
{
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;
	char rcpts[RCPTS_TEXT_MAX];

	rcpts_text(in, mask, want, rcpts, sizeof(rcpts));
	tlsrpt_records_init(&rs);
	r = tlsrpt_records_add(&rs, TLSRPT_EV_ACTION, TLSRPT_SEV_INFO);
	if (r == NULL || tlsrpt_record_str(r, "action", action) < 0 ||
	    tlsrpt_record_str(r, "recipients", rcpts) < 0 ||
	    (to != NULL && tlsrpt_record_str(r, "to", to) < 0) ||
	    (reason != NULL && tlsrpt_record_str(r, "reason", reason) < 0)) {
		tlsrpt_log_error(in->qid, "out of memory logging the action");
	} else {
		tlsrpt_log_record(r, in->qid);
	}
	tlsrpt_records_free(&rs);
}

/* log_action - the one "action" record of a message, every report recipient */
static void log_action(const struct tlsrpt_divert_in *in, const char *action, const char *to,
                       const char *reason)
{
	log_action_of(in, NULL, 0, action, to, reason);
}

/* add_header - the AddHeader summary field as planned; failures are logged, not fatal */
static void add_header(SMFICTX *ctx, const struct tlsrpt_divert_in *in, int header)
{
	char value[128];

	if (header < 0) {
		tlsrpt_log_error(in->qid, "AddHeader: the MTA did not grant adding header fields");
		return;
	}
	if (header == 0) {
		return;
	}
	snprintf(value, sizeof(value), "reports=%u failures=%llu errors=%u",
	         in->outcome->reports_ok, in->outcome->failures, in->outcome->errors);
	if (smfi_addheader(ctx, TLSRPT_HEADER_NAME, value) != MI_SUCCESS) {
		tlsrpt_log_error(in->qid, "smfi_addheader failed");
	}
}

/* deliver - leave the recipients alone (plus the summary header when planned) */
static sfsistat deliver(SMFICTX *ctx, const struct tlsrpt_divert_in *in, int header,
                        const char *reason)
{
	add_header(ctx, in, header);
	log_action(in, "deliver", NULL, reason);
	return SMFIS_CONTINUE;
}

/*
 * del_rcpts - remove every report recipient, as "<" address ">" without
 * source route (the form the MTA stored); removed[i] is 1 when the removal
 * of rcpts[i] was taken, failures are logged.  The number removed.
 */
static size_t del_rcpts(SMFICTX *ctx, const struct tlsrpt_divert_in *in, unsigned char *removed)
{
	char bare[TLSRPT_ADDR_MAX], arg[TLSRPT_ADDR_MAX + 2];
	size_t i, n = 0;

	for (i = 0; i < in->nrcpts; i++) {
		removed[i] = 0;
		if (tlsrpt_addr_bare(in->rcpts[i], bare, sizeof(bare)) == 0) {
			snprintf(arg, sizeof(arg), "<%s>", bare);
		} else {
			snprintf(arg, sizeof(arg), "%s", in->rcpts[i]);
		}
		if (smfi_delrcpt(ctx, arg) != MI_SUCCESS) {
			char reason[TLSRPT_ADDR_MAX + 64];

			snprintf(reason, sizeof(reason), "smfi_delrcpt failed for %s", arg);
			tlsrpt_log_error(in->qid, reason);
			continue;
		}
		removed[i] = 1;
		n++;
	}
	return n;
}

/* redirect - add RedirectTo, then remove the report recipients */
static sfsistat redirect(SMFICTX *ctx, const struct tlsrpt_app *app,
                         const struct tlsrpt_divert_in *in, const struct tlsrpt_divplan *plan,
                         int *diverted)
{
	char to[TLSRPT_ADDR_MAX + 2];
	unsigned char removed[TLSRPT_MAX_REPORT_RCPTS];
	size_t n;

	snprintf(to, sizeof(to), "<%s>", app->cfg->redirect_to);
	if (smfi_addrcpt(ctx, to) != MI_SUCCESS) {
		tlsrpt_log_error(in->qid, "smfi_addrcpt failed");
		return deliver(ctx, in, plan->header, "could not add the RedirectTo recipient");
	}
	n = del_rcpts(ctx, in, removed);
	if (n == 0) {
		log_action(
		        in, "deliver", app->cfg->redirect_to,
		        "the removal of the report recipients could not be sent (smfi_delrcpt failed): delivered to them, and a copy to RedirectTo");
		return SMFIS_CONTINUE;
	}
	*diverted = 1;
	if (n < in->nrcpts) {
		char kept[RCPTS_TEXT_MAX], reason[RCPTS_TEXT_MAX + 80];

		rcpts_text(in, removed, 0, kept, sizeof(kept));
		snprintf(reason, sizeof(reason), "not removed, delivered to: %s", kept);
		log_action_of(in, removed, 1, "redirect", app->cfg->redirect_to, reason);
		return SMFIS_CONTINUE;
	}
	log_action(in, "redirect", app->cfg->redirect_to, NULL);
	return SMFIS_CONTINUE;
}

/* remove - take the report recipients off a message others still get */
static sfsistat remove_rcpts(SMFICTX *ctx, const struct tlsrpt_divert_in *in,
                             const struct tlsrpt_divplan *plan, int *diverted)
{
	const char *why = plan->reason;
	unsigned char removed[TLSRPT_MAX_REPORT_RCPTS];
	char kept[RCPTS_TEXT_MAX], reason[RCPTS_TEXT_MAX + 160];
	size_t n;

	n = del_rcpts(ctx, in, removed);
	if (n == 0) {
		return deliver(
		        ctx, in, plan->header,
		        "the removal of the report recipients could not be sent (smfi_delrcpt failed)");
	}
	*diverted = 1;
	if (n < in->nrcpts) {
		rcpts_text(in, removed, 0, kept, sizeof(kept));
		snprintf(reason, sizeof(reason), "%s%snot removed, delivered to: %s",
		         why != NULL ? why : "", why != NULL ? "; " : "", kept);
		why = reason;
	}
	log_action_of(in, removed, 1, plan->action, NULL, why);
	return SMFIS_CONTINUE;
}

/* grants - the TLSRPT_GRANT_* bits of the SMFIF_* actions negotiated */
static unsigned grants(unsigned long granted)
{
	return (granted & SMFIF_ADDHDRS ? TLSRPT_GRANT_ADDHDRS : 0) |
	       (granted & SMFIF_ADDRCPT ? TLSRPT_GRANT_ADDRCPT : 0) |
	       (granted & SMFIF_DELRCPT ? TLSRPT_GRANT_DELRCPT : 0) |
	       (granted & SMFIF_QUARANTINE ? TLSRPT_GRANT_QUARANTINE : 0);
}

/* tlsrpt_divert_apply - plan, act on the message and log the action line */
sfsistat tlsrpt_divert_apply(SMFICTX *ctx, const struct tlsrpt_app *app,
                             const struct tlsrpt_divert_in *in, int *diverted)
{
	struct tlsrpt_divplan_in pin;
	struct tlsrpt_divplan plan;
	char reason[160];

	*diverted = 0;
	memset(&pin, 0, sizeof(pin));
	pin.action = app->cfg->action;
	pin.add_header = app->cfg->add_header;
	pin.nother = in->nother;
	pin.grants = grants(in->granted);
	tlsrpt_divplan_make(&pin, in->outcome, &plan);
	if (plan.missing != NULL) {
		snprintf(reason, sizeof(reason), "Action %s: the MTA did not grant %s",
		         tlsrpt_conf_action_name(app->cfg->action), plan.missing);
		tlsrpt_log_error(in->qid, reason);
	}
	switch (plan.step) {
	case TLSRPT_DIV_DELIVER:
		return deliver(ctx, in, plan.header, plan.reason);
	case TLSRPT_DIV_REDIRECT:
		return redirect(ctx, app, in, &plan, diverted);
	case TLSRPT_DIV_REMOVE:
		return remove_rcpts(ctx, in, &plan, diverted);
	case TLSRPT_DIV_DISCARD:
		*diverted = 1;
		log_action(in, plan.action, NULL, plan.reason);
		return SMFIS_DISCARD;
	case TLSRPT_DIV_HOLD:
		if (smfi_quarantine(ctx, "TLS report held by tlsrpt-milter") != MI_SUCCESS) {
			tlsrpt_log_error(in->qid, "smfi_quarantine failed");
			return deliver(ctx, in, plan.header, "could not hold the message");
		}
		*diverted = 1;
		log_action(in, plan.action, NULL, plan.reason);
		return SMFIS_CONTINUE;
	}
	return deliver(ctx, in, plan.header, plan.reason);
}
