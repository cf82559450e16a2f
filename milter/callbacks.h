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

#endif
