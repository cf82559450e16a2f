/*
 * logfile.h - read one log file's tlsrpt-milter lines, for both modes of tlsrpt-lookout
 *
 * The one loop that opens an input, scans it (logscan.h), parses each
 * candidate line (logline.h) and hands every tlsrpt-milter line, with the
 * file's inode and the line's offset, to the caller (and, when asked, every
 * line of Postfix's smtpd, parsed by mtalog.h, to a second function).  Two ways to read:
 *
 *   - whole (cursor NULL; the digest): a plain file, a gzip-rotated one
 *     (by its first bytes), or a pipe ("-" is standard input), from the
 *     start to the end, a last line without a newline included;
 *   - following (with a cursor; the alert mode): a plain file only, from
 *     where the cursor left its inode (cursor.h), whole lines only; the
 *     end reached is given back to the cursor.  A file that is not there
 *     is no error (a rotation that has not happened yet).
 *
 * Part of the program (it opens files and says what went wrong on stderr,
 * "tlsrpt-lookout: NAME: reason").
 */
#ifndef TLSRPT_LOGFILE_H
#define TLSRPT_LOGFILE_H

struct tlsrpt_logline;
struct tlsrpt_cursor;
struct tlsrpt_mtalog;

/* what is done with each line: the parsed line, the file's inode, the line's offset */
typedef void (*tlsrpt_logfile_fn)(void *ctx, const struct tlsrpt_logline *ll,
                                  unsigned long long ino, unsigned long long off);

/* what is done with each line of Postfix's smtpd (mtalog.h) */
typedef void (*tlsrpt_logfile_mta_fn)(void *ctx, const struct tlsrpt_mtalog *m);

/* tlsrpt_logfile_scan - every tlsrpt-milter line of name to fn; 0, or -1 (said on stderr) */
int tlsrpt_logfile_scan(const char *name, struct tlsrpt_cursor *cur, tlsrpt_logfile_fn fn,
                        void *ctx);

/*
 * tlsrpt_logfile_scan_mta - read name whole, as tlsrpt_logfile_scan with
 * no cursor, and also hand every smtpd line to mfn (when not NULL), found
 * in the same pass
 */
int tlsrpt_logfile_scan_mta(const char *name, tlsrpt_logfile_fn fn, tlsrpt_logfile_mta_fn mfn,
                            void *ctx);

#endif
