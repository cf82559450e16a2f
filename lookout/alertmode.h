/*
 * alertmode.h - the --alert mode of tlsrpt-lookout (stateful alerts)
 */
#ifndef TLSRPT_LOOKOUT_ALERT_H
#define TLSRPT_LOOKOUT_ALERT_H

/* tlsrpt_digest_alert_main - run the alert mode; argv[0] is "--alert"; the exit status */
int tlsrpt_digest_alert_main(int argc, char **argv);

#endif
