/*
 * alert_log.h - write the alert mode's events as log lines
 */
#ifndef TLSRPT_ALERT_LOG_H
#define TLSRPT_ALERT_LOG_H

#include <stddef.h>
#include <stdio.h>

#include "alert.h"
#include "record.h"

/*
 * tlsrpt_alert_log - the events as "ALERT: EVENT key=value ..." in format fmt
 * (behind its syslog cookie), to syslog (openlog done by the caller) or, when out is
 * not NULL, one per line to out.  0, or -1 when one could not be built.
 */
int tlsrpt_alert_log(const struct tlsrpt_alert_event *ev, size_t n, enum tlsrpt_format fmt,
                     long silent_days, FILE *out);

/* tlsrpt_alert_log_error - one error line reason="..." (prefix ALERT), syslog or out */
void tlsrpt_alert_log_error(const char *reason, enum tlsrpt_format fmt, FILE *out);

#endif
