/*
 * mtalog.c - recognise and parse one line of Postfix's smtpd
 *
 * Positional like logline.c: the time stamp and host are read from the
 * start of the line, the tag must begin where they end, and the message
 * must begin with one of the fixed phrases.  The client is the last
 * "NAME[IP]" token of the phrase (Postfix writes it once per line).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ascii.h"
#include "calendar.h"
#include "logline.h" /* TLSRPT_LOGLINE_MAX */
#include "mtalog.h"

/* is_digit - ASCII decimal digit */
static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* month_of - 1 to 12 for "Jan" to "Dec", 0 when not a month; last: the month read before */
static int month_of(const char *s, int last)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	if (last >= 1 && last <= 12 && s[0] == names[3 * last - 3] && s[1] == names[3 * last - 2] &&
	    s[2] == names[3 * last - 1]) {
		return last; /* a log's lines are mostly of one month */
	}
	if (s[0] < 'A' || s[0] > 'S') {
		return 0;
	}
	for (i = 0; i < 12; i++) {
		if (s[0] == names[3 * i] && s[1] == names[3 * i + 1] && s[2] == names[3 * i + 2]) {
			return i + 1;
		}
	}
	return 0;
}

/* two - two digits at s, -1 when not */
static int two(const char *s)
{
	return is_digit(s[0]) && is_digit(s[1]) ? (s[0] - '0') * 10 + (s[1] - '0') : -1;
}

/*
 * same - n bytes at a and b equal; eight at a time and inline: the calls
 * to memcmp for the cached stamp and header cost more than the compare
 */
static int same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y) {
			return 0;
		}
	}
	for (; n > 0; n--) {
		if (*a++ != *b++) {
			return 0;
		}
	}
	return 1;
}

/* copy_n - bounded copy of n bytes; a longer value keeps its last bytes when tail */
static void copy_n(char *dst, size_t size, const char *src, size_t n, int tail)
{
	if (n >= size) {
		if (tail) {
			src += n - (size - 1);
		}
		n = size - 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * stamp - read the time stamp; offset of the host, or -1.  A
 * traditional stamp whose 16 bytes are those of the last one read into m
 * (a busy log has many lines per second) is not read again: its fields
 * are still in m.
 */
static long stamp(struct tlsrpt_mtalog *m, const char *s, size_t len)
{
	size_t i;
	int mon;

	if (len >= 16 && m->stamp_ok && same(s, m->stamp, sizeof(m->stamp))) {
		m->zoned = 0;
		i = 16;
	} else if (len >= 16 && (mon = month_of(s, m->mon)) > 0) {
		/* (a line starting with a month is not an RFC 3339 one either) */
		m->stamp_ok = 0;
		m->mon = mon;
		if (s[3] != ' ' || (s[4] != ' ' && !is_digit(s[4])) || !is_digit(s[5]) ||
		    s[6] != ' ' || s[9] != ':' || s[12] != ':' || s[15] != ' ') {
			return -1;
		}
		m->mday = s[4] == ' ' ? s[5] - '0' : two(s + 4);
		m->hh = two(s + 7);
		m->mi = two(s + 10);
		m->ss = two(s + 13);
		if (m->mday < 1 || m->mday > 31 || m->hh < 0 || m->mi < 0 || m->ss < 0) {
			return -1;
		}
		memcpy(m->stamp, s, sizeof(m->stamp));
		m->stamp_ok = 1;
		m->zoned = 0;
		i = 16;
	} else if (len >= 20 && is_digit(s[0]) && s[4] == '-' && s[7] == '-' &&
	           (s[10] == 'T' || s[10] == 't')) {
		const char *sp = memchr(s, ' ', len);

		if (sp == NULL || tlsrpt_calendar_day(s, (size_t)(sp - s), &m->day) < 0) {
			return -1;
		}
		m->zoned = 1;
		i = (size_t)(sp - s) + 1;
	} else {
		return -1;
	}
	return (long)i;
}

/*
 * host_tag - read the host at h and the tag "PROG/smtpd[PID]: " after
 * it: offset of the message, or -1; host and pid set.  The bytes from the
 * host to the tag's '[' ("mx1 postfix/smtpd[") are those of nearly every
 * line: when they are the last ones read into m, the host in m is theirs
 * and only the PID is read.
 */
static long host_tag(struct tlsrpt_mtalog *m, const char *s, size_t len, size_t h)
{
	static const char want[] = TLSRPT_MTALOG_NEEDLE;
	size_t i, t, b;
	unsigned long pid;

	if (m->hdrlen > 0 && len - h > m->hdrlen && same(s + h, m->hdr, m->hdrlen)) {
		i = h + m->hdrlen;
	} else {
		m->hdrlen = 0;
		i = h;
		while (i < len && s[i] != ' ') {
			i++;
		}
		if (i == h || i >= len) {
			return -1;
		}
		copy_n(m->host, sizeof(m->host), s + h, i - h, 0);
		t = ++i;
		while (i < len && s[i] != '[' && s[i] != ' ' && s[i] != ':') {
			i++;
		}
		if (i >= len || s[i] != '[' || i - t < sizeof(want) - 1 ||
		    memcmp(s + i - (sizeof(want) - 2), want, sizeof(want) - 1) != 0) {
			return -1;
		}
		i++;
		if (i - h <= sizeof(m->hdr)) {
			memcpy(m->hdr, s + h, i - h);
			m->hdrlen = i - h;
		}
	}
	b = i;
	pid = 0; /* (in a local: stored through m at each digit, it cost half the function) */
	while (i < len && is_digit(s[i]) && i - b < 10) {
		pid = pid * 10 + (unsigned long)(s[i] - '0');
		i++;
	}
	m->pid = pid;
	if (i == b || i + 2 >= len || s[i] != ']' || s[i + 1] != ':' || s[i + 2] != ' ') {
		return -1;
	}
	return (long)i + 3;
}

/* tlsrpt_mtalog_tagged - the line's tag is smtpd's */
int tlsrpt_mtalog_tagged(const char *line, size_t len)
{
	struct tlsrpt_mtalog m;
	long h;

	m.stamp_ok = 0;
	m.mon = 0;
	m.hdrlen = 0;
	h = stamp(&m, line, len);

	return h >= 0 && host_tag(&m, line, len, (size_t)h) >= 0;
}

/* starts - s (n bytes) starts with the literal p; its length when it does, else 0 */
static size_t starts(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0 ? k : 0;
}

/* client - read "NAME[IP]" (and an optional ":PORT") at s; bytes used, 0 when not one */
static size_t client(struct tlsrpt_mtalog *m, const char *s, size_t n)
{
	const char *lb = NULL, *rb;
	size_t i, k, cap = sizeof(m->name) - 1;

	/* the name, copied in lower case while it is looked for (one pass) */
	for (i = 0; i < n && s[i] != ' ' && s[i] != '['; i++) {
		if (i < cap) {
			m->name[i] = tlsrpt_lower(s[i]);
		}
	}
	if (i == 0 || i >= n || s[i] != '[') {
		return 0;
	}
	lb = s + i;
	rb = memchr(lb, ']', n - i);
	if (rb == NULL || rb == lb + 1 || (size_t)(rb - lb) > sizeof(m->ip)) {
		return 0;
	}
	copy_n(m->ip, sizeof(m->ip), lb + 1, (size_t)(rb - lb - 1), 0);
	if (i == 7 && memcmp(s, "unknown", 7) == 0) {
		m->name[0] = '\0';
	} else if (i <= cap) {
		m->name[i] = '\0';
	} else {
		/* a longer name keeps its last bytes */
		for (k = 0; k < cap; k++) {
			m->name[k] = tlsrpt_lower(s[i - cap + k]);
		}
		m->name[cap] = '\0';
	}
	k = (size_t)(rb - s) + 1;
	if (k + 1 < n && s[k] == ':' && is_digit(s[k + 1])) {
		k++;
		while (k < n && is_digit(s[k])) {
			k++;
		}
	}
	return k;
}

/* counter - "KEY=N" or "KEY=N/M" in one word: ok and tried; 0 when the word is not KEY's */
static int counter(const char *w, size_t n, const char *key, size_t kl, int *ok, int *tried)
{
	size_t j = kl + 1;
	long a = 0, b = -1;

	if (n <= kl + 1 || w[0] != key[0] || w[kl] != '=' || memcmp(w, key, kl) != 0) {
		return 0;
	}
	while (j < n && is_digit(w[j]) && a < 1000000) {
		a = a * 10 + (w[j++] - '0');
	}
	if (j < n && w[j] == '/') {
		b = 0;
		j++;
		while (j < n && is_digit(w[j]) && b < 1000000) {
			b = b * 10 + (w[j++] - '0');
		}
	}
	*ok = (int)a;
	*tried = b >= 0 ? (int)b : (int)a;
	return 1;
}

/*
 * counters - the disconnect line's "starttls=" and "mail=" words (the
 * first of each), in one pass over its words; -1 for one absent
 */
static void counters(struct tlsrpt_mtalog *m, const char *s, size_t n)
{
	int tls = 0, mail = 0, tried;
	size_t i = 0;

	while (i < n && !(tls && mail)) {
		size_t w = i;

		while (i < n && s[i] != ' ') {
			i++;
		}
		if (!tls) {
			tls = counter(s + w, i - w, "starttls", 8, &m->tls_ok, &m->tls_tried);
		}
		if (!mail) {
			mail = counter(s + w, i - w, "mail", 4, &m->mail, &tried);
		}
		while (i < n && s[i] == ' ') {
			i++;
		}
	}
}

/* ssl_reason - the REASON field of "error:HEX:LIB:FUNC:REASON:FILE:..." (else the text) */
static void ssl_reason(struct tlsrpt_mtalog *m, const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	int field = 0;

	if (starts(s, n, "error:") != 0) {
		while (p < e && field < 4) {
			const char *c = memchr(p, ':', (size_t)(e - p));

			if (c == NULL) {
				break;
			}
			p = c + 1;
			field++;
		}
		if (field == 4) {
			const char *c = memchr(p, ':', (size_t)(e - p));

			n = c != NULL ? (size_t)(c - p) : (size_t)(e - p);
			s = p;
		}
	}
	copy_n(m->text, sizeof(m->text), s, n, 0);
}

/* tlsrpt_mtalog_init - a struct for tlsrpt_mtalog_parse_next */
void tlsrpt_mtalog_init(struct tlsrpt_mtalog *m)
{
	memset(m, 0, sizeof(*m));
}

/* tlsrpt_mtalog_parse - recognise and parse one line */
int tlsrpt_mtalog_parse(struct tlsrpt_mtalog *m, const char *line, size_t len)
{
	m->stamp_ok = 0;
	m->mon = 0;
	m->hdrlen = 0;
	return tlsrpt_mtalog_parse_next(m, line, len);
}

/* tlsrpt_mtalog_parse_next - the same, reusing the previous line's time stamp */
int tlsrpt_mtalog_parse_next(struct tlsrpt_mtalog *m, const char *line, size_t len)
{
	const char *s;
	size_t n, k, c;
	long t;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
		len--;
	}
	/* only what every path reads is reset: the struct is 400 bytes, the line often not ours */
	m->kind = 0;
	m->day = 0;
	m->pid = 0;
	m->name[0] = m->ip[0] = m->text[0] = '\0'; /* (host: read or kept by host_tag) */
	m->tls_tried = m->tls_ok = m->mail = -1;
	m->smtpd = 0;
	if (len > TLSRPT_LOGLINE_MAX || (t = stamp(m, line, len)) < 0 ||
	    (t = host_tag(m, line, len, (size_t)t)) < 0) {
		return 0;
	}
	m->smtpd = 1;
	s = line + t;
	n = len - (size_t)t;
	/* each phrase but the last has a first byte of its own: one test rejects the others */
	if (n == 0 || (s[0] != 'c' && s[0] != 'd' && s[0] != 'l' && s[0] != 'S' && s[0] != 'w')) {
		goto established;
	}
	if ((k = starts(s, n, "connect from ")) != 0) {
		m->kind = TLSRPT_MTA_CONNECT;
		return client(m, s + k, n - k) != 0;
	}
	if ((k = starts(s, n, "disconnect from ")) != 0) {
		if ((c = client(m, s + k, n - k)) == 0) {
			return 0;
		}
		m->kind = TLSRPT_MTA_DISCONNECT;
		counters(m, s + k + c, n - k - c);
		return 1;
	}
	if ((k = starts(s, n, "lost connection after STARTTLS from ")) != 0) {
		m->kind = TLSRPT_MTA_LOST_STARTTLS;
		return client(m, s + k, n - k) != 0;
	}
	if ((k = starts(s, n, "SSL_accept error from ")) != 0) {
		if ((c = client(m, s + k, n - k)) == 0) {
			return 0;
		}
		m->kind = TLSRPT_MTA_SSL_ERROR;
		k += c;
		if (starts(s + k, n - k, ": ") != 0) {
			k += 2;
		}
		copy_n(m->text, sizeof(m->text), s + k, n - k, 0);
		return 1;
	}
	if ((k = starts(s, n, "warning: TLS library problem: ")) != 0) {
		m->kind = TLSRPT_MTA_TLS_PROBLEM;
		ssl_reason(m, s + k, n - k);
		return 1;
	}
established : {
	/* "Anonymous TLS connection established from NAME[IP]: TLSv1.3 with cipher ..." */
	const char *p = memchr(s, ' ', n > 16 ? 16 : n);

	if (p != NULL &&
	    (k = starts(p + 1, n - (size_t)(p + 1 - s), "TLS connection established from ")) != 0) {
		k += (size_t)(p + 1 - s);
		if ((c = client(m, s + k, n - k)) == 0) {
			return 0;
		}
		m->kind = TLSRPT_MTA_TLS_OK;
		k += c;
		if (starts(s + k, n - k, ": ") != 0) {
			const char *sp;

			k += 2;
			sp = memchr(s + k, ' ', n - k);
			copy_n(m->text, sizeof(m->text), s + k,
			       sp != NULL ? (size_t)(sp - (s + k)) : n - k, 0);
		}
		return 1;
	}
}
	return 0;
}
