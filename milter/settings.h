/*
 * settings.h - the running configuration as reference-counted snapshots
 *
 * A reload (SIGUSR2, "systemctl reload") makes a new snapshot current;
 * each message takes a reference to the snapshot current when it starts
 * (envfrom) and gives it back when it ends, so a message keeps the
 * settings it started with and a reload never leaves a gap: the socket
 * stays open, and a report arriving meanwhile is read under the old or the
 * new settings.  A snapshot is freed when its last reference goes.
 */
#ifndef TLSRPT_SETTINGS_H
#define TLSRPT_SETTINGS_H

#include <stdatomic.h>

#include "conf.h"
#include "tlsrpt_limits.h"

struct tlsrpt_settings {
	atomic_int refs;
	struct tlsrpt_conf *cfg; /* owned */
	struct tlsrpt_limits lim;
	unsigned long generation; /* 1 at start, +1 per reload */
};

/* tlsrpt_settings_init - the first snapshot (owns cfg); a reference for the caller; NULL: no memory
 */
struct tlsrpt_settings *tlsrpt_settings_init(struct tlsrpt_conf *cfg);

/* tlsrpt_settings_get - a reference to the current snapshot */
struct tlsrpt_settings *tlsrpt_settings_get(void);

/* tlsrpt_settings_put - give a reference back (NULL is fine); the last one frees */
void tlsrpt_settings_put(struct tlsrpt_settings *s);

/* tlsrpt_settings_swap - cfg (owned from now) becomes current; its generation; 0: no memory (cfg
 * freed) */
unsigned long tlsrpt_settings_swap(struct tlsrpt_conf *cfg);

/* tlsrpt_settings_end - give back the current snapshot's own reference (at exit) */
void tlsrpt_settings_end(void);

#endif
