/*
 * mtacheck.h - the MTA's side of the set-up, checked from the milter's host
 *
 *   tlsrpt_mtacheck_root_socket()  root, a Unix socket, no UserID: can
 *                                  Postfix's user connect? (start-up, -n)
 *   tlsrpt_mtacheck_run()          -n: syslog's socket; Postfix's
 *                                  smtpd_milters, chroot and access
 *
 * Each problem is one line that says what is wrong and how to fix it.
 * Nothing here changes the configuration or the system; a check that
 * cannot be made (no Postfix, not root, the milter not running) is left
 * out or said once.
 */
#ifndef TLSRPT_MTACHECK_H
#define TLSRPT_MTACHECK_H

#include <stddef.h>
#include <stdio.h>

#include "conf.h"

/* tlsrpt_mtacheck_root_socket - 1 and a warning in msg when Postfix's user
 * could not use the socket a root process without UserID makes; 0 if not */
int tlsrpt_mtacheck_root_socket(const struct tlsrpt_conf *cfg, char *msg, size_t msglen);

/* tlsrpt_mtacheck_run - write one "tlsrpt-milter: warning: ..." line per
 * problem to out; the number of problems */
int tlsrpt_mtacheck_run(const struct tlsrpt_conf *cfg, FILE *out);

#endif
