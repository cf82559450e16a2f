/*
 * mtalog.c - recognise and parse one line of Postfix's smtpd
 *
 * Positional like logline.c: the time stamp and host are read from the
 * start of the line, the tag must begin where they end, and the message
 * must begin with one of the fixed phrases.  The client is the last
 * "NAME[IP]" token of the phrase (Postfix writes it once per line).
 */
#include "config.h"

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

/* month_of - 1 to 12 for "Jan" to "Dec", 0 when not a month */
static int month_of(const char *s)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	if (s[0] < 'A' || s[0] > 'S') {
		return 0;
	}
	for (i = 0; i < 12; i++) {
		if (s[0] == names[3 * i] && memcmp(s, names + 3 * i, 3) == 0) {
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

/* stamp - read the time stamp and host; offset of the tag, or -1 */
static long stamp(struct tlsrpt_mtalog *m, const char *s, size_t len)
{
	size_t i, h;

	if (len >= 16 && (m->mon = month_of(s)) > 0 && s[3] == ' ' &&
	    (s[4] == ' ' || is_digit(s[4])) && is_digit(s[5]) && s[6] == ' ' && s[9] == ':' &&
	    s[12] == ':' && s[15] == ' ') {
		m->mday = s[4] == ' ' ? s[5] - '0' : two(s + 4);
		m->hh = two(s + 7);
		m->mi = two(s + 10);
		m->ss = two(s + 13);
		if (m->mday < 1 || m->mday > 31 || m->hh < 0 || m->mi < 0 || m->ss < 0) {
			return -1;
		}
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
	h = i;
	while (i < len && s[i] != ' ') {
		i++;
	}
	if (i == h || i >= len) {
		return -1;
	}
	copy_n(m->host, sizeof(m->host), s + h, i - h, 0);
	return (long)i + 1;
}

/* tag - offset of the message after "PROG/smtpd[PID]: " at off, or -1; pid set */
static long tag(const char *s, size_t len, size_t off, unsigned long *pid)
{
	static const char want[] = TLSRPT_MTALOG_NEEDLE;
	size_t i = off, b;

	while (i < len && s[i] != '[' && s[i] != ' ' && s[i] != ':') {
		i++;
	}
	if (i >= len || s[i] != '[' || i - off < sizeof(want) - 1 ||
	    memcmp(s + i - (sizeof(want) - 2), want, sizeof(want) - 1) != 0) {
		return -1;
	}
	b = ++i;
	*pid = 0;
	while (i < len && is_digit(s[i]) && i - b < 10) {
		*pid = *pid * 10 + (unsigned long)(s[i] - '0');
		i++;
	}
	if (i == b || i + 2 >= len || s[i] != ']' || s[i + 1] != ':' || s[i + 2] != ' ') {
		return -1;
	}
	return (long)i + 3;
}

/* tlsrpt_mtalog_tagged - the line's tag is smtpd's */
int tlsrpt_mtalog_tagged(const char *line, size_t len)
{
	struct tlsrpt_mtalog m;
	long t = stamp(&m, line, len);

	return t >= 0 && tag(line, len, (size_t)t, &m.pid) >= 0;
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
	size_t i, k;

	for (i = 0; i < n && s[i] != ' ' && s[i] != '['; i++) {
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
	} else {
		copy_n(m->name, sizeof(m->name), s, i, 1);
		for (k = 0; m->name[k] != '\0'; k++) {
			m->name[k] = tlsrpt_lower(m->name[k]);
		}
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

/* counter - "KEY=N" or "KEY=N/M" among the disconnect line's words: ok and tried, -1 absent */
static void counter(const char *s, size_t n, const char *key, int *ok, int *tried)
{
	size_t kl = strlen(key), i = 0;

	*ok = *tried = -1;
	while (i < n) {
		size_t w = i;

		while (i < n && s[i] != ' ') {
			i++;
		}
		if (i - w > kl + 1 && memcmp(s + w, key, kl) == 0 && s[w + kl] == '=') {
			size_t j = w + kl + 1;
			long a = 0, b = -1;

			while (j < i && is_digit(s[j]) && a < 1000000) {
				a = a * 10 + (s[j++] - '0');
			}
			if (j < i && s[j] == '/') {
				b = 0;
				j++;
				while (j < i && is_digit(s[j]) && b < 1000000) {
					b = b * 10 + (s[j++] - '0');
				}
			}
			*ok = (int)a;
			*tried = b >= 0 ? (int)b : (int)a;
			return;
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

/* tlsrpt_mtalog_parse - recognise and parse one line */
int tlsrpt_mtalog_parse(struct tlsrpt_mtalog *m, const char *line, size_t len)
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
	m->name[0] = m->ip[0] = m->text[0] = m->host[0] = '\0';
	m->tls_tried = m->tls_ok = m->mail = -1;
	if (len > TLSRPT_LOGLINE_MAX || (t = stamp(m, line, len)) < 0 ||
	    (t = tag(line, len, (size_t)t, &m->pid)) < 0) {
		return 0;
	}
	s = line + t;
	n = len - (size_t)t;
	if ((k = starts(s, n, "connect from ")) != 0) {
		m->kind = TLSRPT_MTA_CONNECT;
		return client(m, s + k, n - k) != 0;
	}
	if ((k = starts(s, n, "disconnect from ")) != 0) {
		if ((c = client(m, s + k, n - k)) == 0) {
			return 0;
		}
		m->kind = TLSRPT_MTA_DISCONNECT;
		counter(s + k + c, n - k - c, "starttls", &m->tls_ok, &m->tls_tried);
		{
			int tried;

			counter(s + k + c, n - k - c, "mail", &m->mail, &tried);
		}
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
	{
		/* "Anonymous TLS connection established from NAME[IP]: TLSv1.3 with cipher ..." */
		const char *p = memchr(s, ' ', n > 16 ? 16 : n);

		if (p != NULL && (k = starts(p + 1, n - (size_t)(p + 1 - s),
		                             "TLS connection established from ")) != 0) {
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
