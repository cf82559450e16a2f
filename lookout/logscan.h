/*
 * logscan.h - find tlsrpt-milter lines in a large log stream, fast
 *
 * A scanner reads a stream through the caller's read function in blocks
 * of TLSRPT_LOGSCAN_BLOCK bytes and hands out candidate lines with their
 * byte offset in the stream (so a caller can remember where it stopped
 * and start there next time).  The mode is chosen from the stream's first
 * line: when it starts like a syslog file line (a time stamp or a
 * priority), the scanner looks for the tag "tlsrpt-milter" with memmem
 * over the whole block and only the lines holding it become candidates,
 * each checked with tlsrpt_logline_tagged (and, when asked, Postfix's smtpd
 * lines too, see tlsrpt_logscan_mta); otherwise (journalctl -o cat)
 * every line is a candidate and the parser decides.
 *
 * Limits: a line longer than TLSRPT_LOGLINE_MAX bytes is skipped whole;
 * memory is one block plus one line, whatever the stream's size.  A last
 * line without a newline is handed out at the end (unless whole lines are
 * asked for).  No globals, no printing.
 */
#ifndef TLSRPT_LOGSCAN_H
#define TLSRPT_LOGSCAN_H

#include <stddef.h>
#include <sys/types.h>

#define TLSRPT_LOGSCAN_BLOCK (1024 * 1024)

/* read function: up to len bytes into buf; bytes read, 0 at the end, -1 on error (errno set) */
typedef ssize_t (*tlsrpt_logscan_read_fn)(void *ctx, void *buf, size_t len);

struct tlsrpt_logscan;

/* tlsrpt_logscan_new - scanner over a stream whose next byte is at offset; NULL without memory */
struct tlsrpt_logscan *tlsrpt_logscan_new(tlsrpt_logscan_read_fn fn, void *ctx,
                                          unsigned long long offset);

/*
 * tlsrpt_logscan_next - the next candidate line (without its newline,
 * valid until the next call) and its offset.  1 a line, 0 end of stream,
 * -1 read error (err says why).
 */
int tlsrpt_logscan_next(struct tlsrpt_logscan *s, const char **line, size_t *len,
                        unsigned long long *offset, char *err, size_t errlen);

/*
 * tlsrpt_logscan_whole_lines - hand out only lines ended by a newline: a
 * last line without one (a file still being written) is left for the next
 * run, and tlsrpt_logscan_end stays before it.  Call before the first next.
 */
void tlsrpt_logscan_whole_lines(struct tlsrpt_logscan *s);

/*
 * tlsrpt_logscan_mta - also hand out the lines holding Postfix smtpd's
 * needle ("/smtpd["), searched for in the same pass.  They are not checked
 * here: tlsrpt_logscan_mtaline says the line is one of them, and the
 * caller must parse it with tlsrpt_mtalog_parse (and, when that fails, may
 * still try tlsrpt_logline_parse: the line can hold both needles).  Call
 * before the first next.
 */
void tlsrpt_logscan_mta(struct tlsrpt_logscan *s);

/* tlsrpt_logscan_mtaline - 1 when the line handed out last was found by smtpd's needle */
int tlsrpt_logscan_mtaline(const struct tlsrpt_logscan *s);

/* tlsrpt_logscan_bare - 1 when the stream was taken as bare messages (every line a candidate) */
int tlsrpt_logscan_bare(const struct tlsrpt_logscan *s);

/* tlsrpt_logscan_end - offset just past the last complete line handed out or skipped */
unsigned long long tlsrpt_logscan_end(const struct tlsrpt_logscan *s);

/* tlsrpt_logscan_free - release; accepts NULL */
void tlsrpt_logscan_free(struct tlsrpt_logscan *s);

#endif
