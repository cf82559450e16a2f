/*
 * app.h - what the daemon's modules share: the start-up settings
 *
 * main() fills one struct tlsrpt_app before smfi_main() starts any
 * thread and never changes it afterwards; the callbacks only read it.
 * cfg is the configuration the daemon started with (socket, user, pid
 * file, StateFile, MemoryBudget: what a reload cannot change); each
 * message reads its own snapshot (settings.h), which a reload replaces
 * for the messages that start after it.
 * Only milter/ sources include libmilter (after config.h, which sets
 * SM_CONF_STDBOOL_H).
 */
#ifndef TLSRPT_APP_H
#define TLSRPT_APP_H

#include "arena.h"
#include "conf.h"
#include "dedup.h"
#include "tlsrpt_limits.h"

#define TLSRPT_HEADER_NAME "X-TLSRPT-Milter" /* the AddHeader summary field */
#define TLSRPT_QID_MAX 64                    /* queue ID bytes kept */
#define TLSRPT_MAX_REPORT_RCPTS 1024         /* report recipients per message */

#define TLSRPT_HOSTNAME_MAX 256 /* host name bytes kept, with NUL */

struct tlsrpt_app {
	const struct tlsrpt_conf *cfg;
	struct tlsrpt_limits lim;
	struct tlsrpt_dedup *dedup;         /* StateFile; NULL when not set */
	struct tlsrpt_budget *budget;       /* MemoryBudget, shared by the messages (atomic) */
	char hostname[TLSRPT_HOSTNAME_MAX]; /* the authserv-id trusted without macro j */
};

#endif
