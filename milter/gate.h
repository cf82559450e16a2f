/*
 * gate.h - the stop gate every libmilter callback passes through
 *
 * libmilter may still run callbacks after smfi_main() has returned, on
 * its worker threads, while main() wants to free the settings and close
 * the log.  Each registered callback enters the gate first and leaves it
 * when done; tlsrpt_gate_stop() lets report messages in progress finish
 * for a bounded time, then closes the gate and waits for the callbacks
 * inside.  Once closed, tlsrpt_gate_enter() refuses, and the callback
 * must touch nothing shared and fail open.  State: atomic counters only.
 */
#ifndef TLSRPT_GATE_H
#define TLSRPT_GATE_H

#define TLSRPT_STOP_DRAIN_MS 5000  /* report messages in progress may finish */
#define TLSRPT_STOP_IDLE_MS 500    /* ... unless the MTA's commands stop coming */
#define TLSRPT_STOP_INSIDE_MS 5000 /* callbacks running when the gate closes */

/* tlsrpt_gate_enter - 0: the callback may run (call tlsrpt_gate_leave after); -1: closed */
int tlsrpt_gate_enter(void);

/* tlsrpt_gate_leave - the callback that entered is done */
void tlsrpt_gate_leave(void);

/* tlsrpt_gate_stopping - 1 once tlsrpt_gate_stop has begun: start no new message */
int tlsrpt_gate_stopping(void);

/* tlsrpt_gate_report_begin, _end - a report message opens (first report RCPT) and ends */
void tlsrpt_gate_report_begin(void);
void tlsrpt_gate_report_end(void);

/*
 * tlsrpt_gate_stop - after smfi_main() has returned: no new message is
 * started; report messages in progress get up to drain_ms to end (*left:
 * those that did not), less when no callback begins for
 * TLSRPT_STOP_IDLE_MS; then the gate closes and callbacks running are
 * waited for (at most TLSRPT_STOP_INSIDE_MS).  0: no callback can touch
 * the application any more, the caller may free what it refers to; -1:
 * one is still running, keep it.
 */
int tlsrpt_gate_stop(long drain_ms, int *left);

#endif
