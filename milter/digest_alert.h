/*
 * digest_alert.h - the --alert mode of tlsrpt-digest (stateful alerts)
 */
#ifndef TLSRPT_DIGEST_ALERT_H
#define TLSRPT_DIGEST_ALERT_H

/* tlsrpt_digest_alert_main - run the alert mode; argv[0] is "--alert"; the exit status */
int tlsrpt_digest_alert_main(int argc, char **argv);

#endif
