/*
 * mtalog.h - recognise and parse one line of Postfix's smtpd (what our MX saw of a client)
 *
 * Accepted: a syslog file line whose header (a traditional "Dec  7
 * 07:21:36 host " or "Dec 07 ...", or an RFC 3339 "2026-12-07T07:21:36.5+00:00
 * host ") is followed, exactly where it ends, by a tag whose last
 * component is "smtpd" ("postfix/smtpd[PID]: ", "postfix-out/smtpd[PID]: ",
 * "postfix/submission/smtpd[PID]: "), then one of the messages Postfix 3.x
 * writes per client (doc/mx-evidence.md has them as measured):
 *   connect from NAME[IP]
 *   disconnect from NAME[IP] ehlo=1 starttls=0/1 ... commands=1/2
 *   lost connection after STARTTLS from NAME[IP]
 *   SSL_accept error from NAME[IP]: REASON
 *   warning: TLS library problem: error:HEX:LIB:FUNC:REASON:FILE:LINE:...
 *   KIND TLS connection established from NAME[IP]: PROTOCOL with cipher ...
 * NAME is "unknown" when Postfix could not verify the client's reverse
 * name (it is then left empty here); "[IP]" may be followed by ":PORT".
 * Anything else, a line without a time stamp (a capture with only a
 * priority) included, is not recognised.
 *
 * The line is text any local user can write with logger(1): what it says
 * is evidence to show, never something to act on.  Values are copied
 * bounded (a longer name keeps its last bytes, so that a suffix still
 * matches) and never interpreted beyond the fields above.
 * No globals, no printing, no allocation.
 */
#ifndef TLSRPT_MTALOG_H
#define TLSRPT_MTALOG_H

#include <stddef.h>

#define TLSRPT_MTALOG_NAME 128 /* a client name's last bytes kept, NUL included */
#define TLSRPT_MTALOG_TEXT 96  /* a reason or protocol, NUL included */
#define TLSRPT_MTALOG_NEEDLE "/smtpd["

enum tlsrpt_mtalog_kind {
	TLSRPT_MTA_CONNECT = 1,
	TLSRPT_MTA_DISCONNECT,
	TLSRPT_MTA_LOST_STARTTLS, /* lost connection after STARTTLS */
	TLSRPT_MTA_SSL_ERROR,     /* SSL_accept error; text: what follows the colon */
	TLSRPT_MTA_TLS_PROBLEM,   /* warning: TLS library problem (no client); text: the reason */
	TLSRPT_MTA_TLS_OK,        /* TLS connection established; text: the protocol */
};

struct tlsrpt_mtalog {
	enum tlsrpt_mtalog_kind kind;
	int zoned;                     /* 1: an RFC 3339 stamp, day is the UTC day */
	long day;                      /* zoned only */
	int mon, mday;                 /* traditional stamp: local month (1-12) and day, no year */
	int hh, mi, ss;                /* traditional stamp: local time */
	char host[64];                 /* syslog host ("" when none) */
	unsigned long pid;             /* smtpd's process ID */
	char name[TLSRPT_MTALOG_NAME]; /* verified client name, lower case; "" for unknown */
	char ip[64];                   /* client address as logged */
	int tls_tried, tls_ok;         /* disconnect: STARTTLS commands and successes; -1 absent */
	int mail;                      /* disconnect: successful MAIL commands; -1 absent */
	char text[TLSRPT_MTALOG_TEXT];
	int smtpd; /* the time stamp and tag were read (the tag is smtpd's), recognised or not */
	char stamp[16]; /* the last traditional stamp read (parse_next's cache) */
	int stamp_ok;   /* stamp and mon..ss are its fields */
	char hdr[96];   /* the bytes from the last host read to its tag's '[' */
	size_t hdrlen;  /* 0: none; host is the host in hdr */
};

/*
 * tlsrpt_mtalog_parse - parse line (len bytes, no newline needed).
 * 1: one of the smtpd lines above, m filled; 0: not one.
 */
int tlsrpt_mtalog_parse(struct tlsrpt_mtalog *m, const char *line, size_t len);

/* tlsrpt_mtalog_init - clear m for tlsrpt_mtalog_parse_next */
void tlsrpt_mtalog_init(struct tlsrpt_mtalog *m);

/*
 * tlsrpt_mtalog_parse_next - tlsrpt_mtalog_parse for the lines of one
 * stream, into the same m (tlsrpt_mtalog_init'ed once): a traditional time
 * stamp whose 16 bytes are the previous one's is not read again (a busy
 * log has many lines per second), nor are a host and tag ("mx1
 * postfix/smtpd[") whose bytes are the previous ones.  The result is the
 * same.
 */
int tlsrpt_mtalog_parse_next(struct tlsrpt_mtalog *m, const char *line, size_t len);

/*
 * tlsrpt_mtalog_tagged - 1 when the line's syslog tag (right after its time
 * stamp and host) ends in "/smtpd[PID]: ": the check a scanner makes on a
 * line where memmem found TLSRPT_MTALOG_NEEDLE.
 */
int tlsrpt_mtalog_tagged(const char *line, size_t len);

#endif
