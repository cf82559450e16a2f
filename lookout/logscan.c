/*
 * logscan.c - find tlsrpt-milter lines in a large log stream, fast
 *
 * The buffer always starts at a line start (or in the middle of a line
 * being skipped).  In tag mode the whole unread part of the buffer is
 * searched with one memmem call, so lines without the tag cost no work of
 * their own: this is what keeps the scanner near grep's speed.
 */
#include "config.h" /* _GNU_SOURCE: memmem, memrchr */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "logline.h"
#include "logscan.h"
#include "mtalog.h" /* TLSRPT_MTALOG_NEEDLE */

enum { HIT_UNKNOWN = 0, HIT_AT, HIT_NONE }; /* a needle's next hit in the buffer */

struct tlsrpt_logscan {
	tlsrpt_logscan_read_fn fn;
	void *ctx;
	char *buf;
	size_t cap, len, pos;
	unsigned long long base; /* stream offset of buf[0] */
	int eof, decided, bare, skipping, whole, mta, mtaline;
	char *hit[2]; /* next hit of our tag and of smtpd's (when mta) */
	int hitstate[2];
};

/* tlsrpt_logscan_new - a scanner */
struct tlsrpt_logscan *tlsrpt_logscan_new(tlsrpt_logscan_read_fn fn, void *ctx,
                                          unsigned long long offset)
{
	struct tlsrpt_logscan *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		return NULL;
	}
	s->cap = TLSRPT_LOGSCAN_BLOCK + TLSRPT_LOGLINE_MAX + 1;
	if ((s->buf = malloc(s->cap)) == NULL) {
		free(s);
		return NULL;
	}
	s->fn = fn;
	s->ctx = ctx;
	s->base = offset;
	return s;
}

/* refill - keep buf[pos..len), read more; 0 ok (maybe eof), -1 read error */
static int refill(struct tlsrpt_logscan *s, char *err, size_t errlen)
{
	ssize_t n;

	s->hitstate[0] = s->hitstate[1] = HIT_UNKNOWN;
	if (s->pos > 0) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->base += s->pos;
		s->len -= s->pos;
		s->pos = 0;
	}
	if (s->len > TLSRPT_LOGLINE_MAX) {
		/* a line too long to be ours: drop what we have of it */
		s->base += s->len;
		s->len = 0;
		s->skipping = 1;
	}
	do {
		n = s->fn(s->ctx, s->buf + s->len, s->cap - s->len - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "read");
		return -1;
	}
	if (n == 0) {
		s->eof = 1;
		return 0;
	}
	if (s->skipping) {
		char *nl = memchr(s->buf + s->len, '\n', (size_t)n);

		if (nl == NULL) {
			s->base += (size_t)n;
			return 0;
		}
		s->skipping = 0;
		s->pos = (size_t)(nl + 1 - s->buf);
	}
	s->len += (size_t)n;
	return 0;
}

/* decide - read until the first line is whole, then choose the mode */
static int decide(struct tlsrpt_logscan *s, char *err, size_t errlen)
{
	const char *l, *nl;
	size_t n;

	while (!s->eof && memchr(s->buf + s->pos, '\n', s->len - s->pos) == NULL &&
	       s->len - s->pos <= TLSRPT_LOGLINE_MAX) {
		if (refill(s, err, errlen) < 0) {
			return -1;
		}
	}
	l = s->buf + s->pos;
	nl = memchr(l, '\n', s->len - s->pos);
	n = nl != NULL ? (size_t)(nl - l) : s->len - s->pos;
	/* a syslog line: "Dec  5 ", "2026-12-05T", "mail.info " */
	s->bare = 1;
	if (n >= 16 && l[0] >= 'A' && l[0] <= 'Z' && l[3] == ' ' && l[6] == ' ' && l[9] == ':') {
		s->bare = 0;
	} else if (n >= 11 && l[4] == '-' && l[7] == '-' && (l[10] == 'T' || l[10] == 't')) {
		s->bare = 0;
	} else {
		const char *sp = memchr(l, ' ', n), *dot = memchr(l, '.', n);

		if (sp != NULL && dot != NULL && dot < sp &&
		    memmem(l, n, TLSRPT_LOGLINE_TAG, sizeof(TLSRPT_LOGLINE_TAG) - 1) == sp + 1) {
			s->bare = 0;
		}
	}
	s->decided = 1;
	return 0;
}

/*
 * find_smtpd - memmem for smtpd's needle, which ends in '[' ("/smtpd["),
 * found from each '[' (a few per line, skipped over by memchr) looking
 * back: faster than memmem where the needle is on nearly every other
 * line.  The needle is a constant so that the compare is inline (through
 * a pointer, it was a call to memcmp at every '[' of the log).
 */
static char *find_smtpd(char *b, size_t left)
{
	static const char needle[] = TLSRPT_MTALOG_NEEDLE;
	enum { n = sizeof(needle) - 2 }; /* without the '[' and the NUL */
	char *p = b, *e = b + left;

	while ((p = memchr(p, '[', (size_t)(e - p))) != NULL) {
		if ((size_t)(p - b) >= n && memcmp(p - n, needle, n) == 0) {
			return p - n;
		}
		p++;
	}
	return NULL;
}

/*
 * next_hit - the first hit at or after b of our tag or (mta) smtpd's, NULL
 * when none in the buffer.  Each needle's hit is remembered until the scan
 * passes it, so a rare needle is not searched for again over the same
 * bytes at every line of the frequent one.
 */
static char *next_hit(struct tlsrpt_logscan *s, char *b, size_t left)
{
	char *best = NULL;
	int k;

	for (k = 0; k < 1 + s->mta; k++) {
		if (s->hitstate[k] == HIT_UNKNOWN || (s->hitstate[k] == HIT_AT && s->hit[k] < b)) {
			s->hit[k] = k == 0 ? memmem(b, left, TLSRPT_LOGLINE_TAG,
			                            sizeof(TLSRPT_LOGLINE_TAG) - 1)
			                   : find_smtpd(b, left);
			s->hitstate[k] = s->hit[k] != NULL ? HIT_AT : HIT_NONE;
		}
		if (s->hitstate[k] == HIT_AT && (best == NULL || s->hit[k] < best)) {
			best = s->hit[k];
		}
	}
	return best;
}

/* tlsrpt_logscan_next - the next candidate line */
int tlsrpt_logscan_next(struct tlsrpt_logscan *s, const char **line, size_t *len,
                        unsigned long long *offset, char *err, size_t errlen)
{
	if (!s->decided && decide(s, err, errlen) < 0) {
		return -1;
	}
	for (;;) {
		char *b = s->buf + s->pos, *hit, *ls, *le;
		size_t left = s->len - s->pos;

		if (s->bare) {
			le = memchr(b, '\n', left);
			if (le == NULL && !s->eof) {
				if (refill(s, err, errlen) < 0) {
					return -1;
				}
				continue;
			}
			if (le == NULL) {
				if (left == 0 || s->whole) {
					return 0;
				}
				le = b + left;
			}
			s->pos = (size_t)(le - s->buf) + (le < s->buf + s->len);
			if ((size_t)(le - b) <= TLSRPT_LOGLINE_MAX) {
				*line = b;
				*len = (size_t)(le - b);
				*offset = s->base + (size_t)(b - s->buf);
				return 1;
			}
			continue;
		}
		hit = next_hit(s, b, left);
		if (hit == NULL) {
			char *nl;

			nl = memrchr(b, '\n', left);
			if (s->eof) {
				s->pos = !s->whole    ? s->len
				         : nl != NULL ? (size_t)(nl + 1 - s->buf)
				                      : s->pos;
				return 0;
			}
			if (nl != NULL) {
				s->pos = (size_t)(nl + 1 - s->buf);
			}
			if (refill(s, err, errlen) < 0) {
				return -1;
			}
			continue;
		}
		ls = memrchr(b, '\n', (size_t)(hit - b));
		ls = ls != NULL ? ls + 1 : b;
		le = memchr(hit, '\n', (size_t)(s->buf + s->len - hit));
		if (le == NULL && !s->eof) {
			s->pos = (size_t)(ls - s->buf);
			if (refill(s, err, errlen) < 0) {
				return -1;
			}
			continue;
		}
		if (le == NULL) {
			if (s->whole) {
				s->pos = (size_t)(ls - s->buf);
				return 0;
			}
			le = s->buf + s->len;
		}
		s->pos = (size_t)(le - s->buf) + (le < s->buf + s->len);
		if ((size_t)(le - ls) > TLSRPT_LOGLINE_MAX) {
			continue;
		}
		/*
		 * a line found by smtpd's needle goes out unchecked: the caller
		 * parses it with tlsrpt_mtalog_parse, which checks the tag anyway
		 * (checking it twice cost a tenth of the run over a busy log)
		 */
		s->mtaline = s->mta && s->hitstate[1] == HIT_AT && s->hit[1] == hit;
		if (s->mtaline || tlsrpt_logline_tagged(ls, (size_t)(le - ls))) {
			*line = ls;
			*len = (size_t)(le - ls);
			*offset = s->base + (size_t)(ls - s->buf);
			return 1;
		}
	}
}

/* tlsrpt_logscan_whole_lines - leave a last line without newline */
void tlsrpt_logscan_whole_lines(struct tlsrpt_logscan *s)
{
	s->whole = 1;
}

/* tlsrpt_logscan_mta - also hand out smtpd's lines */
void tlsrpt_logscan_mta(struct tlsrpt_logscan *s)
{
	s->mta = 1;
}

/* tlsrpt_logscan_mtaline - the line handed out last is smtpd's */
int tlsrpt_logscan_mtaline(const struct tlsrpt_logscan *s)
{
	return s->mtaline;
}

/* tlsrpt_logscan_bare - the mode chosen */
int tlsrpt_logscan_bare(const struct tlsrpt_logscan *s)
{
	return s->bare;
}

/* tlsrpt_logscan_end - offset past what was consumed */
unsigned long long tlsrpt_logscan_end(const struct tlsrpt_logscan *s)
{
	return s->base + s->pos;
}

/* tlsrpt_logscan_free - release */
void tlsrpt_logscan_free(struct tlsrpt_logscan *s)
{
	if (s != NULL) {
		free(s->buf);
		free(s);
	}
}
