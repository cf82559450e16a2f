/*
 * divert.c - act on a finished report message at end-of-message
 *
 * Rules (tlsrpt-milter.conf(5), Action):
 *   - A message is diverted only when at least one report was parsed and
 *     no error record was made (reports_ok > 0 and errors == 0).  The
 *     issue allows reading "at least one report parsed" as enough; we take
 *     the safe reading: a message with one good and one unreadable report
 *     is delivered untouched, because the unreadable part may be what a
 *     person needs to look at.
 *   - Every recipient a report address: the whole message is discarded
 *     (SMFIS_DISCARD), held (smfi_quarantine) or redirected (smfi_addrcpt
 *     RedirectTo, then smfi_delrcpt of each recipient, in that order so a
 *     failure can never leave the message without a recipient).
 *   - Other recipients too: only the report recipients are removed
 *     (discard, and hold, which cannot apply to single recipients) or
 *     replaced by RedirectTo; the others get the message unchanged.
 *   - AddHeader: a delivered message (every recipient keeps it) with at
 *     least one readable report gets "X-TLSRPT-Milter: reports=N
 *     failures=N errors=N".  A message with no readable report is never
 *     changed.
 *   - Recipients are removed in the form the MTA stored them: the RCPT
 *     argument without its source route ("<@relay:a@b>" is stored as
 *     "a@b" by Postfix, which compares the removal request with what it
 *     stored).  A removal smfi_delrcpt() did not take is never logged as
 *     done: the recipient gets the message and the action line says so.
 * One "action" record per message: action=deliver|discard|hold|redirect|
 * remove-recipient, recipients=... (those removed, for a removal), to= for
 * a redirect, reason= when the outcome differs from Action.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "divert.h"
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

/* add_header - the AddHeader summary field; failures are logged, not fatal */
static void add_header(SMFICTX *ctx, const struct tlsrpt_divert_in *in)
{
	char value[128];

	if (!(in->granted & SMFIF_ADDHDRS)) {
		tlsrpt_log_error(in->qid, "AddHeader: the MTA did not grant adding header fields");
		return;
	}
	snprintf(value, sizeof(value), "reports=%u failures=%llu errors=%u", in->reports_ok,
	         in->failures, in->errors);
	if (smfi_addheader(ctx, TLSRPT_HEADER_NAME, value) != MI_SUCCESS) {
		tlsrpt_log_error(in->qid, "smfi_addheader failed");
	}
}

/* deliver - leave the message alone (plus the summary header) */
static sfsistat deliver(SMFICTX *ctx, const struct tlsrpt_app *app,
                        const struct tlsrpt_divert_in *in, const char *reason)
{
	if (app->cfg->add_header && in->reports_ok > 0) {
		add_header(ctx, in);
	}
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

/* missing - the MTA did not grant what the action needs: log, deliver */
static sfsistat missing(SMFICTX *ctx, const struct tlsrpt_app *app,
                        const struct tlsrpt_divert_in *in, const char *what)
{
	char reason[160];

	snprintf(reason, sizeof(reason), "Action %s: the MTA did not grant %s",
	         tlsrpt_conf_action_name(app->cfg->action), what);
	tlsrpt_log_error(in->qid, reason);
	return deliver(ctx, app, in, "the MTA does not allow the configured action");
}

/* redirect - add RedirectTo, then remove the report recipients */
static sfsistat redirect(SMFICTX *ctx, const struct tlsrpt_app *app,
                         const struct tlsrpt_divert_in *in, int *diverted)
{
	char to[TLSRPT_ADDR_MAX + 2];
	unsigned char removed[TLSRPT_MAX_REPORT_RCPTS];
	size_t n;

	if ((in->granted & (SMFIF_ADDRCPT | SMFIF_DELRCPT)) != (SMFIF_ADDRCPT | SMFIF_DELRCPT)) {
		return missing(ctx, app, in, "adding and removing recipients");
	}
	snprintf(to, sizeof(to), "<%s>", app->cfg->redirect_to);
	if (smfi_addrcpt(ctx, to) != MI_SUCCESS) {
		tlsrpt_log_error(in->qid, "smfi_addrcpt failed");
		return deliver(ctx, app, in, "could not add the RedirectTo recipient");
	}
	n = del_rcpts(ctx, in, removed);
	if (n == 0) {
		log_action(in, "deliver", app->cfg->redirect_to,
		           "the removal of the report recipients could not be sent (smfi_delrcpt "
		           "failed): delivered to them, and a copy to RedirectTo");
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
static sfsistat remove_rcpts(SMFICTX *ctx, const struct tlsrpt_app *app,
                             const struct tlsrpt_divert_in *in, int *diverted)
{
	const char *why = app->cfg->action == TLSRPT_ACTION_HOLD
	                          ? "hold applies to whole messages; the message has other "
	                            "recipients"
	                          : NULL;
	unsigned char removed[TLSRPT_MAX_REPORT_RCPTS];
	char kept[RCPTS_TEXT_MAX], reason[RCPTS_TEXT_MAX + 160];
	size_t n;

	if (!(in->granted & SMFIF_DELRCPT)) {
		return missing(ctx, app, in, "removing recipients");
	}
	n = del_rcpts(ctx, in, removed);
	if (n == 0) {
		return deliver(ctx, app, in,
		               "the removal of the report recipients could not be sent "
		               "(smfi_delrcpt failed)");
	}
	*diverted = 1;
	if (n < in->nrcpts) {
		rcpts_text(in, removed, 0, kept, sizeof(kept));
		snprintf(reason, sizeof(reason), "%s%snot removed, delivered to: %s",
		         why != NULL ? why : "", why != NULL ? "; " : "", kept);
		why = reason;
	}
	log_action_of(in, removed, 1, "remove-recipient", NULL, why);
	return SMFIS_CONTINUE;
}

/* tlsrpt_divert_apply - act on the message and log the action line */
sfsistat tlsrpt_divert_apply(SMFICTX *ctx, const struct tlsrpt_app *app,
                             const struct tlsrpt_divert_in *in, int *diverted)
{
	int action = app->cfg->action;

	*diverted = 0;
	if (action == TLSRPT_ACTION_DELIVER) {
		return deliver(ctx, app, in, NULL);
	}
	if (in->reports_ok == 0 || in->errors > 0 || in->refused > 0) {
		return deliver(ctx, app, in,
		               in->refused > 0 && in->errors == 0
		                       ? "unauthenticated or foreign report: not diverted"
		               : in->reports_ok == 0 ? "no readable report: not diverted"
		                                     : "the message has errors: not diverted");
	}
	if (action == TLSRPT_ACTION_REDIRECT) {
		return redirect(ctx, app, in, diverted);
	}
	if (in->nother > 0) {
		return remove_rcpts(ctx, app, in, diverted);
	}
	if (action == TLSRPT_ACTION_DISCARD) {
		*diverted = 1;
		log_action(in, "discard", NULL, NULL);
		return SMFIS_DISCARD;
	}
	/* hold */
	if (!(in->granted & SMFIF_QUARANTINE)) {
		return missing(ctx, app, in, "quarantine (hold)");
	}
	if (smfi_quarantine(ctx, "TLS report held by tlsrpt-milter") != MI_SUCCESS) {
		tlsrpt_log_error(in->qid, "smfi_quarantine failed");
		return deliver(ctx, app, in, "could not hold the message");
	}
	*diverted = 1;
	log_action(in, "hold", NULL, NULL);
	return SMFIS_CONTINUE;
}
