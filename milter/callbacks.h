/*
 * callbacks.h - the libmilter callbacks and their registration
 */
#ifndef TLSRPT_CALLBACKS_H
#define TLSRPT_CALLBACKS_H

#include "app.h"

/*
 * tlsrpt_callbacks_register - remember app (read-only from now on) and
 * smfi_register the filter.  0 ok, -1 when libmilter refused.
 */
int tlsrpt_callbacks_register(const struct tlsrpt_app *app);

#define TLSRPT_STOP_DRAIN_MS 5000  /* report messages in progress may finish */
#define TLSRPT_STOP_IDLE_MS 500    /* ... unless the MTA's commands stop coming */
#define TLSRPT_STOP_INSIDE_MS 5000 /* callbacks running when the gate closes */

/*
 * tlsrpt_callbacks_stop - after smfi_main() has returned (libmilter may
 * still run callbacks): no new message is started; report messages in
 * progress get up to drain_ms to end (*left: those that did not), less
 * when no callback begins for TLSRPT_STOP_IDLE_MS; then
 * the gate closes and callbacks running are waited for (at most
 * TLSRPT_STOP_INSIDE_MS).  0: no callback can touch app any more, the
 * caller may free what it refers to; -1: one is still running, keep it.
 */
int tlsrpt_callbacks_stop(long drain_ms, int *left);

#endif
