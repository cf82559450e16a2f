/*
 * journal.c - tlsrpt-milter's lines from journalctl -o json, by verified origin (see journal.h)
 *
 * Each line of the stream is one flat JSON object; a small bounded reader
 * of its own decodes the five fields it needs (MESSAGE, SYSLOG_IDENTIFIER,
 * _UID, _COMM, _SYSTEMD_UNIT) and skips the others, as logline.c does for
 * @cee: lines.  A value that is not what journalctl writes for that field
 * (a number, null, an array of strings, one too long) leaves the entry
 * foreign or malformed: only a clean reading can vouch for a writer.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "errbuf.h"
#include "journal.h"
#include "logline.h"

#define SMALL 256 /* identifier, user, command and unit values */

struct tlsrpt_journal {
	tlsrpt_logscan_read_fn fn;
	void *ctx;
	long uid;
	char unit[SMALL];
	struct tlsrpt_journal_stats st;
	char *buf; /* TLSRPT_JOURNAL_LINE_MAX + 1 bytes of stream */
	size_t start, end;
	int eof, skipping;
	char *msg; /* the decoded MESSAGE, TLSRPT_JOURNAL_LINE_MAX bytes */
};

/* one entry's fields of interest */
struct entry {
	char ident[SMALL], uid[SMALL], comm[SMALL], unit[SMALL];
	int has_ident, has_uid, has_comm, has_unit, has_msg;
	int bad; /* a field of interest in a shape journalctl does not write for it */
	size_t msglen;
};

/* tlsrpt_journal_new - a reader */
struct tlsrpt_journal *tlsrpt_journal_new(tlsrpt_logscan_read_fn fn, void *ctx,
                                          const struct tlsrpt_journal_trust *trust)
{
	struct tlsrpt_journal *j = calloc(1, sizeof(*j));

	if (j == NULL) {
		return NULL;
	}
	j->buf = malloc(TLSRPT_JOURNAL_LINE_MAX + 1);
	j->msg = malloc(TLSRPT_JOURNAL_LINE_MAX);
	if (j->buf == NULL || j->msg == NULL) {
		tlsrpt_journal_free(j);
		return NULL;
	}
	j->fn = fn;
	j->ctx = ctx;
	j->uid = trust->uid;
	snprintf(j->unit, sizeof(j->unit), "%s", trust->unit != NULL ? trust->unit : "");
	return j;
}

/* tlsrpt_journal_free - release */
void tlsrpt_journal_free(struct tlsrpt_journal *j)
{
	if (j == NULL) {
		return;
	}
	free(j->buf);
	free(j->msg);
	free(j);
}

/* tlsrpt_journal_stats - the counters */
const struct tlsrpt_journal_stats *tlsrpt_journal_stats(const struct tlsrpt_journal *j)
{
	return &j->st;
}

/* ws - past JSON white space */
static const char *ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
	}
	return p;
}

/* hex4 - four hex digits; -1 when not */
static long hex4(const char *p, const char *e)
{
	long v = 0;
	int i;

	if (e - p < 4) {
		return -1;
	}
	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9') {
			v |= c - '0';
		} else if (c >= 'a' && c <= 'f') {
			v |= c - 'a' + 10;
		} else if (c >= 'A' && c <= 'F') {
			v |= c - 'A' + 10;
		} else {
			return -1;
		}
	}
	return v;
}

/* put - one byte into out; 0, or -1 when out is full (the value is then too long) */
static int put(char *out, size_t cap, size_t *n, unsigned char c)
{
	if (out == NULL) {
		return 0;
	}
	if (*n >= cap) {
		return -1;
	}
	out[(*n)++] = (char)c;
	return 0;
}

/* put_utf8 - a code point as UTF-8 */
static int put_utf8(char *out, size_t cap, size_t *n, unsigned long cp)
{
	if (cp < 0x80) {
		return put(out, cap, n, (unsigned char)cp);
	}
	if (cp < 0x800) {
		return put(out, cap, n, (unsigned char)(0xc0 | (cp >> 6))) |
		       put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
	}
	if (cp < 0x10000) {
		return put(out, cap, n, (unsigned char)(0xe0 | (cp >> 12))) |
		       put(out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) |
		       put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
	}
	return put(out, cap, n, (unsigned char)(0xf0 | (cp >> 18))) |
	       put(out, cap, n, (unsigned char)(0x80 | ((cp >> 12) & 0x3f))) |
	       put(out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) |
	       put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
}

/*
 * str - a JSON string at p (its opening quote) decoded into out (NULL:
 * skipped); the position after its closing quote, or NULL when malformed.
 * *over is set when it did not fit in cap bytes.
 */
static const char *str(const char *p, const char *e, char *out, size_t cap, size_t *n, int *over)
{
	*n = 0;
	if (p >= e || *p != '"') {
		return NULL;
	}
	for (p++; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		long cp, lo;

		if (c == '"') {
			return p + 1;
		}
		if (c < 0x20) {
			return NULL;
		}
		if (c != '\\') {
			*over |= put(out, cap, n, c) < 0;
			continue;
		}
		if (++p >= e) {
			return NULL;
		}
		switch (*p) {
		case '"':
		case '\\':
		case '/':
			*over |= put(out, cap, n, (unsigned char)*p) < 0;
			break;
		case 'b':
			*over |= put(out, cap, n, '\b') < 0;
			break;
		case 'f':
			*over |= put(out, cap, n, '\f') < 0;
			break;
		case 'n':
			*over |= put(out, cap, n, '\n') < 0;
			break;
		case 'r':
			*over |= put(out, cap, n, '\r') < 0;
			break;
		case 't':
			*over |= put(out, cap, n, '\t') < 0;
			break;
		case 'u':
			if ((cp = hex4(p + 1, e)) < 0) {
				return NULL;
			}
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && e - p >= 7 && p[1] == '\\' &&
			    p[2] == 'u' && (lo = hex4(p + 3, e)) >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			*over |= put_utf8(out, cap, n, (unsigned long)cp) < 0;
			break;
		default:
			return NULL;
		}
	}
	return NULL;
}

/* scalar - past a number, true, false or null */
static const char *scalar(const char *p, const char *e)
{
	const char *s = p;

	while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' &&
	       *p != '\r' && *p != '\n') {
		p++;
	}
	return p > s ? p : NULL;
}

/*
 * bytes - an array of byte values (journalctl's MESSAGE that is not UTF-8)
 * into out; strings in it (a repeated field) set *bad.  Past the array, or NULL.
 */
static const char *bytes(const char *p, const char *e, char *out, size_t cap, size_t *n, int *bad)
{
	size_t dummy;
	int over = 0;

	*n = 0;
	p = ws(p + 1, e);
	if (p < e && *p == ']') {
		return p + 1;
	}
	while (p < e) {
		if (*p == '"') {
			*bad = 1;
			if ((p = str(p, e, NULL, 0, &dummy, &over)) == NULL) {
				return NULL;
			}
		} else {
			char *end;
			long v;

			errno = 0;
			v = strtol(p, &end, 10);
			if (end == p || end > e || errno != 0 || v < 0 || v > 255) {
				return NULL;
			}
			if (out != NULL && put(out, cap, n, (unsigned char)v) < 0) {
				*bad = 1;
			}
			p = end;
		}
		p = ws(p, e);
		if (p < e && *p == ']') {
			return p + 1;
		}
		if (p >= e || *p != ',') {
			return NULL;
		}
		p = ws(p + 1, e);
	}
	return NULL;
}

/* small - a string value of a field of interest into one of the entry's small buffers */
static const char *small(const char *p, const char *e, char *out, int *has, int *bad)
{
	size_t n;
	int over = 0;

	if ((p = str(p, e, out, SMALL - 1, &n, &over)) == NULL) {
		return NULL;
	}
	out[n] = '\0';
	if (over || memchr(out, '\0', n) != NULL || *has) {
		*bad = 1;
	}
	*has = 1;
	return p;
}

/* parse - one entry line; 0 read, -1 malformed */
static int parse(struct tlsrpt_journal *j, const char *p, size_t len, struct entry *en)
{
	const char *e = p + len;

	memset(en, 0, sizeof(*en));
	p = ws(p, e);
	if (p >= e || *p != '{') {
		return -1;
	}
	p = ws(p + 1, e);
	if (p < e && *p == '}') {
		return 0;
	}
	while (p < e) {
		char key[32];
		size_t n;
		int over = 0;

		if ((p = str(p, e, key, sizeof(key) - 1, &n, &over)) == NULL) {
			return -1;
		}
		key[over ? 0 : n] = '\0';
		p = ws(p, e);
		if (p >= e || *p != ':') {
			return -1;
		}
		p = ws(p + 1, e);
		if (p >= e) {
			return -1;
		}
		if (strcmp(key, "MESSAGE") == 0) {
			if (en->has_msg) {
				en->bad = 1;
			}
			en->has_msg = 1;
			if (*p == '"') {
				p = str(p, e, j->msg, TLSRPT_JOURNAL_LINE_MAX, &en->msglen, &over);
				en->bad |= over;
			} else if (*p == '[') {
				p = bytes(p, e, j->msg, TLSRPT_JOURNAL_LINE_MAX, &en->msglen,
				          &en->bad);
			} else {
				en->bad = 1; /* null: a value journalctl left out */
				p = scalar(p, e);
			}
		} else if (*p == '"' && strcmp(key, "SYSLOG_IDENTIFIER") == 0) {
			p = small(p, e, en->ident, &en->has_ident, &en->bad);
		} else if (*p == '"' && strcmp(key, "_UID") == 0) {
			p = small(p, e, en->uid, &en->has_uid, &en->bad);
		} else if (*p == '"' && strcmp(key, "_COMM") == 0) {
			p = small(p, e, en->comm, &en->has_comm, &en->bad);
		} else if (*p == '"' && strcmp(key, "_SYSTEMD_UNIT") == 0) {
			p = small(p, e, en->unit, &en->has_unit, &en->bad);
		} else {
			if (strcmp(key, "SYSLOG_IDENTIFIER") == 0 || strcmp(key, "_UID") == 0 ||
			    strcmp(key, "_COMM") == 0 || strcmp(key, "_SYSTEMD_UNIT") == 0) {
				en->bad = 1;
			}
			if (*p == '"') {
				p = str(p, e, NULL, 0, &n, &over);
			} else if (*p == '[') {
				p = bytes(p, e, NULL, 0, &n, &over);
			} else {
				p = scalar(p, e);
			}
		}
		if (p == NULL) {
			return -1;
		}
		p = ws(p, e);
		if (p < e && *p == '}') {
			return ws(p + 1, e) == e ? 0 : -1;
		}
		if (p >= e || *p != ',') {
			return -1;
		}
		p = ws(p + 1, e);
	}
	return -1;
}

/* origin - what the journal's own fields say of the writer */
static enum tlsrpt_journal_origin origin(const struct tlsrpt_journal *j, const struct entry *en)
{
	char uid[32];

	if (en->bad || !en->has_uid || !en->has_comm) {
		return TLSRPT_JOURNAL_FOREIGN;
	}
	snprintf(uid, sizeof(uid), "%ld", j->uid);
	if (strcmp(en->uid, uid) != 0) {
		return TLSRPT_JOURNAL_FOREIGN;
	}
	if (strcmp(en->comm, "tlsrpt-milter") == 0 &&
	    (j->unit[0] == '\0' || (en->has_unit && strcmp(en->unit, j->unit) == 0))) {
		return TLSRPT_JOURNAL_MILTER;
	}
	if (strcmp(en->comm, "tlsrpt-lookout") == 0) {
		return TLSRPT_JOURNAL_LOOKOUT;
	}
	return TLSRPT_JOURNAL_FOREIGN;
}

/* next_line - the next whole line of the stream, or the last one without a newline: 1, 0, -1 */
static int next_line(struct tlsrpt_journal *j, const char **line, size_t *len, char *err,
                     size_t errlen)
{
	for (;;) {
		char *nl = memchr(j->buf + j->start, '\n', j->end - j->start);
		ssize_t r;

		if (nl != NULL) {
			*line = j->buf + j->start;
			*len = (size_t)(nl - *line);
			j->start += *len + 1;
			if (j->skipping) {
				j->skipping = 0;
				continue;
			}
			return 1;
		}
		if (j->eof) {
			if (j->end > j->start && !j->skipping) {
				*line = j->buf + j->start;
				*len = j->end - j->start;
				j->start = j->end;
				return 1;
			}
			return 0;
		}
		if (j->start > 0) {
			memmove(j->buf, j->buf + j->start, j->end - j->start);
			j->end -= j->start;
			j->start = 0;
		}
		if (j->end == TLSRPT_JOURNAL_LINE_MAX) {
			if (!j->skipping) {
				j->st.too_long++;
			}
			j->skipping = 1; /* the rest of this line goes too */
			j->end = 0;
		}
		r = j->fn(j->ctx, j->buf + j->end, TLSRPT_JOURNAL_LINE_MAX - j->end);
		if (r < 0) {
			tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", "read");
			return -1;
		}
		if (r == 0) {
			j->eof = 1;
		}
		j->end += (size_t)r;
	}
}

/* tlsrpt_journal_next - the next entry with our identifier */
int tlsrpt_journal_next(struct tlsrpt_journal *j, const char **msg, size_t *len,
                        enum tlsrpt_journal_origin *org, char *err, size_t errlen)
{
	const char *line;
	size_t n;
	struct entry en;
	int r;

	while ((r = next_line(j, &line, &n, err, errlen)) > 0) {
		if (n == 0 || (n == 1 && line[0] == '\r')) {
			continue;
		}
		j->st.entries++;
		if (parse(j, line, n, &en) < 0) {
			j->st.malformed++;
			continue;
		}
		if (!en.has_ident || strcmp(en.ident, TLSRPT_LOGLINE_TAG) != 0 || !en.has_msg) {
			continue;
		}
		j->st.tagged++;
		*org = origin(j, &en);
		if (*org == TLSRPT_JOURNAL_FOREIGN) {
			j->st.foreign++;
		}
		*msg = j->msg;
		*len = en.msglen;
		return 1;
	}
	return r;
}

/* tlsrpt_journal_uid - the numeric user of "NAME", "NAME:GROUP" or a number; 0 or -1 (err) */
int tlsrpt_journal_uid(const char *user, long *uid, char *err, size_t errlen)
{
	char name[256], buf[4096];
	struct passwd pw, *res = NULL;
	const char *colon = strchr(user, ':');
	size_t n = colon != NULL ? (size_t)(colon - user) : strlen(user);
	char *end;
	int rc;

	if (n == 0 || n >= sizeof(name)) {
		tlsrpt_errbuf_set(err, errlen, "not a user name: \"%s\"", user);
		return -1;
	}
	memcpy(name, user, n);
	name[n] = '\0';
	errno = 0;
	*uid = strtol(name, &end, 10);
	if (*end == '\0' && errno == 0 && *uid >= 0) {
		return 0;
	}
	rc = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	if (rc != 0) {
		tlsrpt_errbuf_set_errno(err, errlen, rc, "user %s", name);
		return -1;
	}
	if (res == NULL) {
		tlsrpt_errbuf_set(err, errlen,
		                  "no user %s: name the milter's user with --journal-user", name);
		return -1;
	}
	*uid = (long)pw.pw_uid;
	return 0;
}

/* tlsrpt_journal_trust_init - who may write our lines: user, else cfg's UserID, else tlsrpt-milter
 */
int tlsrpt_journal_trust_init(struct tlsrpt_journal_trust *t, const char *user,
                              const struct tlsrpt_conf *cfg, const char *unit, char *err,
                              size_t errlen)
{
	t->unit = unit;
	if (user == NULL && cfg != NULL && cfg->user_id != NULL && cfg->user_id[0] != '\0') {
		user = cfg->user_id;
	}
	return tlsrpt_journal_uid(user != NULL ? user : TLSRPT_LOGLINE_TAG, &t->uid, err, errlen);
}
