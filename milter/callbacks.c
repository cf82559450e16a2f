/*
 * callbacks.c - the libmilter callbacks: connection and message contexts
 *
 * Protocol (tlsrpt-milter(8), PROTOCOL):
 *   negotiate  ask only for what is needed, masked with what the MTA
 *              offers: no CONNECT, HELO or unknown-command events; no
 *              replies to MAIL, RCPT and header events (SMFIP_NR_*) where
 *              offered; SMFIS_SKIP for the rest of a too-large body where
 *              offered; the actions Action and AddHeader need; macros "i"
 *              (queue ID) at DATA, end-of-header and end-of-message and
 *              "j" (the MTA's host name, the default trusted authserv-id)
 *              at DATA and end-of-header, where the MTA lets us ask
 *              (smfi_setsymlist).
 *   envfrom    end any previous message, start a message context
 *              (none once the daemon is stopping).
 *   envrcpt    note whether the recipient is a report address.
 *   data       no report recipient: SMFIS_ACCEPT, so the MTA sends
 *              neither header nor body and nothing is logged.  Otherwise
 *              start the pipeline, read the queue ID, and
 *              give the pipeline its trust settings (set_trust).
 *   header     "Name: value\r\n" into the pipeline.
 *   eoh        "\r\n" into the pipeline; the queue ID again if unknown.
 *   body       the chunk into the pipeline, up to MaxMessageSize + 1 bytes
 *              (enough for the pipeline to see the limit was passed).  A
 *              body with no end-of-header before it (the MTA skipped the
 *              header events) starts an empty header block first.
 *   eom        queue ID re-read; records logged; then the logged reports
 *              recorded in the StateFile; tlsrpt_divert_apply().
 *
 * Memory: every message's report text and JSON trees are charged to one
 * budget (MemoryBudget, app->budget).  A message the budget cannot hold
 * is "busy": at that body chunk or at eom it gets SMFIS_TEMPFAIL with
 * 451 4.3.2 and an error line, nothing else is logged, and the sender
 * tries again later.
 *   abort, close: clean up.
 *
 * Queue ID: macro "i" is read at DATA, end-of-header and end-of-message
 * only.  libmilter keeps a stage's macros until the MTA sends new ones for
 * that stage, so a value equal to the previous message's queue ID on the
 * same connection is stale (queue IDs are unique) and is not used; a
 * message without a queue ID of its own is logged as NOQUEUE.
 *
 * Reused connections: after SMFIC_QUIT_NC libmilter calls close and then
 * serves a new SMTP session on the same connection without negotiating
 * again.  close frees the connection context (at a real QUIT nothing
 * else would), but first files what was negotiated under the libmilter
 * context (negotiate.h); the next callback on that context takes it
 * back.  A fresh negotiation on a context forgets its entry.  Without an
 * entry a connection is treated as granting no action and taking no
 * protocol option: replies are always sent and a report message is
 * delivered with an error line.
 *
 * Stop: every registered callback runs inside the stop gate (gate.h,
 * gated_*).  Once tlsrpt_gate_stop() has closed it, callbacks touch
 * nothing shared (the settings, the StateFile, the log) and fail open:
 * the MTA gets "accept" (or no reply where none was negotiated).
 *
 * Contexts: struct conn lives from negotiate to close (smfi_setpriv); it
 * owns at most one struct msg, from envfrom to the end of that message.
 * msg_end() is the one cleanup, idempotent, called on every path that
 * ends a message: envfrom (previous message), data (early accept), any
 * fail-open accept, eom, abort, close.
 *
 * Fail open: any internal failure (out of memory, pipeline failure, too
 * many recipients) logs an "error" line and accepts the message unchanged
 * at the earliest reply the protocol allows.  Nothing here writes shared
 * state but the atomic counters in stats.c; libmilter's pointers (argv,
 * header values, body chunks, macro values) are copied or consumed
 * before the callback returns.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <libmilter/mfapi.h>

#include "addr.h"
#include "callbacks.h"
#include "divert.h"
#include "gate.h"
#include "logging.h"
#include "negotiate.h"
#include "pipeline.h"
#include "settings.h"
#include "stats.h"

/* Set once by tlsrpt_callbacks_register() before smfi_main(); read-only after. */
static const struct tlsrpt_app *app;

/* The "MTA does not offer the actions" warning is logged once per process. */
static atomic_flag warned_actions = ATOMIC_FLAG_INIT;

struct msg {
	struct tlsrpt_settings *set; /* the settings current at envfrom, held to the end */
	char **rcpts;                /* report recipients, copies of argv[0] */
	size_t nrcpts;
	size_t nother; /* other recipients */
	struct tlsrpt_pipeline *pipe;
	size_t fed; /* message bytes given to the pipeline */
	int skip;   /* past MaxMessageSize: ignore the rest of the body */
	int failed; /* internal failure noted where no reply was possible */
	char failure[160];
	char qid[TLSRPT_QID_MAX];
	char authserv[TLSRPT_HOSTNAME_MAX]; /* macro j, or the host name */
	const char *authserv_ids[1];        /* the default TrustedAuthservIDs */
};

struct conn {
	unsigned long granted; /* SMFIF_* actions negotiated */
	unsigned long steps;   /* SMFIP_* protocol options negotiated */
	struct msg *msg;
	char prev_qid[TLSRPT_QID_MAX]; /* the previous message's queue ID */
};

/* msg_end - the one cleanup of a message; idempotent */
static void msg_end(struct conn *c)
{
	struct msg *m;
	size_t i;

	if (c == NULL || c->msg == NULL) {
		return;
	}
	m = c->msg;
	c->msg = NULL;
	if (m->qid[0] != '\0') {
		memcpy(c->prev_qid, m->qid, sizeof(c->prev_qid));
	}
	if (m->nrcpts > 0) {
		tlsrpt_gate_report_end();
	}
	for (i = 0; i < m->nrcpts; i++) {
		free(m->rcpts[i]);
	}
	free(m->rcpts);
	tlsrpt_pipeline_free(m->pipe);
	tlsrpt_settings_put(m->set);
	free(m);
}

/* note_failure - remember an internal failure to answer at the next reply */
static void note_failure(struct msg *m, const char *what, const char *detail)
{
	if (!m->failed) {
		m->failed = 1;
		snprintf(m->failure, sizeof(m->failure), "%.40s%s%.100s", what,
		         detail != NULL && *detail != '\0' ? ": " : "", detail ? detail : "");
	}
}

/* fail_open - log why, end the message and accept it unchanged */
static sfsistat fail_open(struct conn *c, const char *reason)
{
	const char *qid = c->msg != NULL ? c->msg->qid : NULL;
	char r[256];

	snprintf(r, sizeof(r), "internal: %.160s; message accepted unchanged", reason);
	tlsrpt_log_error(qid, r);
	tlsrpt_stats_add(TLSRPT_STAT_ERRORS, 1);
	msg_end(c);
	return SMFIS_ACCEPT;
}

/*
 * read_qid - copy macro "i" into m->qid when the MTA gives a non-empty one
 * that is not the previous message's (a stale macro of an earlier stage)
 */
static void read_qid(SMFICTX *ctx, const struct conn *c, struct msg *m)
{
	const char *v = smfi_getsymval(ctx, "i");
	char qid[TLSRPT_QID_MAX];
	size_t i;

	if (v == NULL || *v == '\0') {
		return;
	}
	for (i = 0; v[i] != '\0' && i < sizeof(qid) - 1; i++) {
		unsigned char ch = (unsigned char)v[i];

		qid[i] = ch > ' ' && ch < 0x7f ? (char)ch : '?';
	}
	qid[i] = '\0';
	if (c->prev_qid[0] != '\0' && strcmp(qid, c->prev_qid) == 0) {
		return;
	}
	memcpy(m->qid, qid, sizeof(m->qid));
}

/* feed - bytes into the pipeline; -1 (noted) on internal failure */
static int feed(struct msg *m, const char *data, size_t len)
{
	char err[256];

	if (tlsrpt_pipeline_feed(m->pipe, data, len, err, sizeof(err)) < 0) {
		note_failure(m, "pipeline", err);
		return -1;
	}
	m->fed += len;
	return 0;
}

/* mlfi_negotiate - choose protocol steps and actions */
static sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                               unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                               unsigned long *pf2, unsigned long *pf3)
{
	struct tlsrpt_settings *set = tlsrpt_settings_get();
	unsigned long wanted_actions = tlsrpt_divert_wanted(set != NULL ? set->cfg : app->cfg);
	struct conn *c = smfi_getpriv(ctx);

	tlsrpt_settings_put(set);

	(void)f2;
	(void)f3;
	tlsrpt_negotiate_forget(ctx);
	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			tlsrpt_log(LOG_ERR, "negotiate: out of memory; connection not filtered");
			return SMFIS_REJECT; /* libmilter: do not filter this connection */
		}
		if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
			free(c);
			tlsrpt_log(LOG_ERR, "negotiate: smfi_setpriv failed");
			return SMFIS_REJECT;
		}
	}
	if ((f0 & wanted_actions) != wanted_actions && !atomic_flag_test_and_set(&warned_actions)) {
		tlsrpt_log(
		        LOG_WARNING,
		        "the MTA offers actions 0x%lx, Action/AddHeader need 0x%lx: report messages it cannot modify will be delivered (logged once)",
		        f0, wanted_actions);
	}
	c->granted = f0 & wanted_actions;
	c->steps = tlsrpt_negotiate_steps(f1);
	*pf0 = c->granted;
	if (f0 & SMFIF_SETSYMLIST) {
		*pf0 |= SMFIF_SETSYMLIST;
		/* no macros where none are read: less for the MTA to send on every session */
		if (tlsrpt_negotiate_macros(ctx) < 0) {
			*pf0 &= ~(unsigned long)SMFIF_SETSYMLIST;
		}
	}
	*pf1 = c->steps;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

/* conn_get - the connection context, made here after QUIT_NC (see the top) */
static struct conn *conn_get(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			return NULL;
		}
		/* a session reused after QUIT_NC: what the connection negotiated */
		if (tlsrpt_negotiate_take(ctx, &c->granted, &c->steps) < 0) {
			c->granted = 0; /* unknown: modify nothing, always reply */
			c->steps = 0;
		}
		if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
			free(c);
			return NULL;
		}
	}
	return c;
}

/* mlfi_envfrom - a new message */
static sfsistat mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_get(ctx);

	(void)argv;
	if (c == NULL) {
		tlsrpt_log_error(NULL, "internal: out of memory; message accepted unchanged");
		return SMFIS_ACCEPT;
	}
	msg_end(c);
	if (tlsrpt_gate_stopping()) {
		/* no new message once the daemon is stopping: DATA accepts it */
		return (c->steps & SMFIP_NR_MAIL) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	}
	c->msg = calloc(1, sizeof(*c->msg));
	if (c->msg == NULL) {
		if (c->steps & SMFIP_NR_MAIL) {
			/* no reply allowed here: without a message context, DATA accepts */
			tlsrpt_log_error(NULL,
			                 "internal: out of memory; message accepted unchanged");
			tlsrpt_stats_add(TLSRPT_STAT_ERRORS, 1);
			return SMFIS_NOREPLY;
		}
		return fail_open(c, "out of memory");
	}
	c->msg->set = tlsrpt_settings_get(); /* this message's settings, whatever a reload does */
	if (c->msg->set == NULL) {
		free(c->msg);
		c->msg = NULL; /* no settings (not started, or stopping): DATA accepts */
	}
	return (c->steps & SMFIP_NR_MAIL) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* rcpt_reply - the reply to a RCPT event */
static sfsistat rcpt_reply(const struct conn *c)
{
	return (c->steps & SMFIP_NR_RCPT) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* mlfi_envrcpt - is this recipient a report address? */
static sfsistat mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg *m;
	char **nv, *copy;

	if (c == NULL || c->msg == NULL) {
		return c != NULL ? rcpt_reply(c) : SMFIS_CONTINUE;
	}
	m = c->msg;
	if (m->failed || argv == NULL || argv[0] == NULL) {
		return rcpt_reply(c);
	}
	if (!tlsrpt_addr_match(argv[0], m->set->cfg->report_address.v,
	                       m->set->cfg->report_address.n, m->set->cfg->recipient_delimiter)) {
		m->nother++;
		return rcpt_reply(c);
	}
	if (m->nrcpts >= TLSRPT_MAX_REPORT_RCPTS) {
		note_failure(m, "too many report recipients", NULL);
		return rcpt_reply(c);
	}
	copy = strdup(argv[0]);
	nv = realloc(m->rcpts, (m->nrcpts + 1) * sizeof(*nv));
	if (copy == NULL || nv == NULL) {
		free(copy);
		if (nv != NULL) {
			m->rcpts = nv;
		}
		note_failure(m, "out of memory", NULL);
		return rcpt_reply(c);
	}
	m->rcpts = nv;
	m->rcpts[m->nrcpts++] = copy;
	if (m->nrcpts == 1) {
		tlsrpt_gate_report_begin();
	}
	return rcpt_reply(c);
}

/*
 * set_trust - TrustedAuthservIDs (default: macro j, else the host name),
 * RequireDKIM, ReportDomains and StateFile for this message's pipeline
 */
static void set_trust(SMFICTX *ctx, struct msg *m)
{
	const char *j = smfi_getsymval(ctx, "j");
	struct tlsrpt_trust t;

	snprintf(m->authserv, sizeof(m->authserv), "%s",
	         j != NULL && *j != '\0' ? j : app->hostname);
	m->authserv_ids[0] = m->authserv;
	tlsrpt_conf_trust(m->set->cfg, m->authserv_ids, &t);
	t.dedup = app->dedup;
	t.now = time(NULL);
	tlsrpt_pipeline_set_trust(m->pipe, &t);
}

/* start - a report message: the pipeline and the queue ID; -1 (noted) on failure */
static int start(SMFICTX *ctx, struct msg *m)
{
	char err[256];

	if (m->pipe != NULL) {
		return 0;
	}
	m->pipe = tlsrpt_pipeline_new(&m->set->lim, TLSRPT_INPUT_MESSAGE, err, sizeof(err));
	if (m->pipe == NULL) {
		note_failure(m, "pipeline", err);
		return -1;
	}
	set_trust(ctx, m);
	tlsrpt_pipeline_set_budget(m->pipe, app->budget);
	return 0;
}

/* busy - the memory budget cannot hold this message now: a temporary failure, nothing logged but
 * why */
static sfsistat busy(SMFICTX *ctx, struct conn *c)
{
	char r[200];

	snprintf(
	        r, sizeof(r),
	        "memory budget exhausted (MemoryBudget %zu bytes); message deferred with a temporary failure",
	        app->budget->max);
	tlsrpt_log_error(c->msg->qid, r);
	(void)smfi_setreply(ctx, "451", "4.3.2", "tlsrpt-milter busy, try again later");
	msg_end(c);
	return SMFIS_TEMPFAIL;
}

/* mlfi_data - every recipient is known: accept ordinary mail here */
static sfsistat mlfi_data(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg *m;

	if (c == NULL || c->msg == NULL) {
		return SMFIS_ACCEPT;
	}
	m = c->msg;
	tlsrpt_stats_add(TLSRPT_STAT_MESSAGES, 1);
	if (m->nrcpts == 0 && !m->failed) {
		msg_end(c);
		return SMFIS_ACCEPT;
	}
	tlsrpt_stats_add(TLSRPT_STAT_REPORT_MESSAGES, 1);
	read_qid(ctx, c, m);
	if (m->failed || start(ctx, m) < 0) {
		return fail_open(c, m->failure);
	}
	return SMFIS_CONTINUE;
}

/* header_reply - the reply to a header event */
static sfsistat header_reply(const struct conn *c)
{
	return (c->steps & SMFIP_NR_HDR) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* mlfi_header - one header field, rebuilt as "Name: value\r\n" */
static sfsistat mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg *m;

	if (c == NULL || c->msg == NULL) {
		return c != NULL ? header_reply(c) : SMFIS_CONTINUE;
	}
	m = c->msg;
	/* Without a DATA event (an old MTA) ordinary mail is accepted at end-of-header. */
	if (m->failed || m->nrcpts == 0 || start(ctx, m) < 0) {
		return header_reply(c);
	}
	if (feed(m, name, strlen(name)) == 0 && feed(m, ": ", 2) == 0 &&
	    feed(m, value, strlen(value)) == 0) {
		(void)feed(m, "\r\n", 2);
	}
	if (m->failed && !(c->steps & SMFIP_NR_HDR)) {
		return fail_open(c, m->failure);
	}
	return header_reply(c);
}

/* mlfi_eoh - end of the header block */
static sfsistat mlfi_eoh(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg *m;

	if (c == NULL || c->msg == NULL) {
		return SMFIS_ACCEPT;
	}
	m = c->msg;
	if (m->nrcpts == 0 && !m->failed) {
		msg_end(c);
		return SMFIS_ACCEPT;
	}
	if (m->failed || start(ctx, m) < 0) {
		return fail_open(c, m->failure);
	}
	if (m->qid[0] == '\0') {
		read_qid(ctx, c, m);
	}
	if (feed(m, "\r\n", 2) < 0) {
		return fail_open(c, m->failure);
	}
	return SMFIS_CONTINUE;
}

/* mlfi_body - a body chunk, up to the message size limit */
static sfsistat mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg *m;
	size_t room;

	if (c == NULL || c->msg == NULL) {
		return SMFIS_ACCEPT;
	}
	m = c->msg;
	if (m->nrcpts == 0 && !m->failed) {
		msg_end(c); /* ordinary mail, the MTA skipped DATA and end-of-header */
		return SMFIS_ACCEPT;
	}
	if (m->pipe == NULL && !m->failed && start(ctx, m) == 0) {
		/* no end-of-header event before the body: an empty header block */
		read_qid(ctx, c, m);
		(void)feed(m, "\r\n", 2);
	}
	if (m->failed) {
		return fail_open(c, m->failure);
	}
	if (m->skip) {
		return (c->steps & SMFIP_SKIP) ? SMFIS_SKIP : SMFIS_CONTINUE;
	}
	/* One byte past the limit lets the pipeline see that the limit was passed. */
	room = m->set->lim.max_message_size + 1 > m->fed ? m->set->lim.max_message_size + 1 - m->fed
	                                                 : 0;
	if (len >= room) {
		len = room;
		m->skip = 1;
	}
	if (len > 0 && feed(m, (const char *)chunk, len) < 0) {
		return fail_open(c, m->failure);
	}
	if (tlsrpt_pipeline_busy(m->pipe)) {
		return busy(ctx, c);
	}
	if (m->skip && (c->steps & SMFIP_SKIP)) {
		return SMFIS_SKIP;
	}
	return SMFIS_CONTINUE;
}

/* mlfi_eom - log the records, then act on the message */
static sfsistat mlfi_eom(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	const struct tlsrpt_outcome *out;
	struct tlsrpt_divert_in in;
	struct tlsrpt_app mapp;
	struct msg *m;
	char err[256];
	sfsistat reply;
	int diverted = 0;

	if (c == NULL || c->msg == NULL) {
		return SMFIS_ACCEPT;
	}
	m = c->msg;
	mapp = *app; /* the divert acts on this message's settings */
	mapp.cfg = m->set->cfg;
	mapp.lim = m->set->lim;
	read_qid(ctx, c, m);
	if (m->nrcpts == 0 && !m->failed) {
		msg_end(c);
		return SMFIS_ACCEPT;
	}
	if (m->failed || start(ctx, m) < 0) {
		return fail_open(c, m->failure);
	}
	if ((out = tlsrpt_pipeline_finish(m->pipe, err, sizeof(err))) == NULL) {
		tlsrpt_log_records(tlsrpt_pipeline_records(m->pipe), m->qid);
		return fail_open(c, err);
	}
	if (out->busy) {
		return busy(ctx, c);
	}
	tlsrpt_log_records(tlsrpt_pipeline_records(m->pipe), m->qid);
	/* only now that the lines are out: a crash before this logs them again */
	if (tlsrpt_pipeline_remember(m->pipe, err, sizeof(err)) < 0) {
		tlsrpt_log_error(m->qid, err);
	}

	memset(&in, 0, sizeof(in));
	in.rcpts = m->rcpts;
	in.nrcpts = m->nrcpts;
	in.nother = m->nother;
	in.outcome = out;
	in.granted = c->granted;
	in.qid = m->qid;
	tlsrpt_stats_add(TLSRPT_STAT_REPORTS, out->reports_ok);
	tlsrpt_stats_add(TLSRPT_STAT_FAILURES, out->failures);
	tlsrpt_stats_add(TLSRPT_STAT_ERRORS, out->errors);

	reply = tlsrpt_divert_apply(ctx, &mapp, &in, &diverted);
	if (diverted) {
		tlsrpt_stats_add(TLSRPT_STAT_DIVERTED, 1);
	}
	msg_end(c);
	return reply;
}

/* mlfi_abort - the MTA dropped the message */
static sfsistat mlfi_abort(SMFICTX *ctx)
{
	msg_end(smfi_getpriv(ctx));
	return SMFIS_CONTINUE;
}

/* mlfi_close - the connection ends */
static sfsistat mlfi_close(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL) {
		msg_end(c);
		tlsrpt_negotiate_keep(ctx, c->granted, c->steps);
		free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

/* closed_reply - the reply once closed: none where negotiated so, else fail open */
static sfsistat closed_reply(SMFICTX *ctx, unsigned long noreply_step, sfsistat reply)
{
	const struct conn *c = smfi_getpriv(ctx);

	return c != NULL && (c->steps & noreply_step) != 0 ? SMFIS_NOREPLY : reply;
}

/*
 * gated_* - the registered callbacks: mlfi_* inside the stop gate.  abort
 * and close are not gated: they free only the connection's own memory.
 */
static sfsistat gated_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                                unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                                unsigned long *pf2, unsigned long *pf3)
{
	sfsistat r;

	if (tlsrpt_gate_enter() < 0) {
		return SMFIS_REJECT; /* libmilter: do not filter this connection */
	}
	r = mlfi_negotiate(ctx, f0, f1, f2, f3, pf0, pf1, pf2, pf3);
	tlsrpt_gate_leave();
	return r;
}

static sfsistat gated_envfrom(SMFICTX *ctx, char **argv)
{
	sfsistat r;

	if (tlsrpt_gate_enter() < 0) {
		return closed_reply(ctx, SMFIP_NR_MAIL, SMFIS_ACCEPT);
	}
	r = mlfi_envfrom(ctx, argv);
	tlsrpt_gate_leave();
	return r;
}

static sfsistat gated_envrcpt(SMFICTX *ctx, char **argv)
{
	sfsistat r;

	if (tlsrpt_gate_enter() < 0) {
		return closed_reply(ctx, SMFIP_NR_RCPT, SMFIS_CONTINUE);
	}
	r = mlfi_envrcpt(ctx, argv);
	tlsrpt_gate_leave();
	return r;
}

static sfsistat gated_data(SMFICTX *ctx)
{
	sfsistat r;

	if (tlsrpt_gate_enter() < 0) {
		return SMFIS_ACCEPT;
	}
	r = mlfi_data(ctx);
	tlsrpt_gate_leave();
	return r;
}

static sfsistat gated_header(SMFICTX *ctx, char *name, char *value)
{
	sfsistat r;

	if (tlsrpt_gate_enter() < 0) {
		return closed_reply(ctx, SMFIP_NR_HDR, SMFIS_ACCEPT);
	}
	r = mlfi_header(ctx, name, value);
	tlsrpt_gate_leave();
	return r;
}

static sfsistat gated_eoh(SMFICTX *ctx)
{
	sfsistat r;

	if (tlsrpt_gate_enter() < 0) {
		return SMFIS_ACCEPT;
	}
	r = mlfi_eoh(ctx);
	tlsrpt_gate_leave();
	return r;
}

static sfsistat gated_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	sfsistat r;

	if (tlsrpt_gate_enter() < 0) {
		return SMFIS_ACCEPT;
	}
	r = mlfi_body(ctx, chunk, len);
	tlsrpt_gate_leave();
	return r;
}

static sfsistat gated_eom(SMFICTX *ctx)
{
	sfsistat r;

	if (tlsrpt_gate_enter() < 0) {
		return SMFIS_ACCEPT;
	}
	r = mlfi_eom(ctx);
	tlsrpt_gate_leave();
	return r;
}

/* tlsrpt_callbacks_register - remember app and smfi_register the filter */
int tlsrpt_callbacks_register(const struct tlsrpt_app *a)
{
	struct smfiDesc desc = {
	        "tlsrpt-milter", /* name */
	        SMFI_VERSION,    /* version */
	        0,               /* flags: set below */
	        NULL,            /* connect */
	        NULL,            /* helo */
	        gated_envfrom,   /* envfrom */
	        gated_envrcpt,   /* envrcpt */
	        gated_header,    /* header */
	        gated_eoh,       /* eoh */
	        gated_body,      /* body */
	        gated_eom,       /* eom */
	        mlfi_abort,      /* abort */
	        mlfi_close,      /* close */
	        NULL,            /* unknown */
	        gated_data,      /* data */
	        gated_negotiate, /* negotiate */
	};

	app = a;
	desc.xxfi_flags = tlsrpt_divert_wanted(a->cfg) | SMFIF_SETSYMLIST;
	return smfi_register(desc) == MI_SUCCESS ? 0 : -1;
}
