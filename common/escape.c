/*
 * escape.c - make untrusted values safe for one-line log output
 *
 * Two escapers share one walk over the value: log format v1 (key=value)
 * and a JSON string.  The walk goes one UTF-8 character at a time; a byte
 * that does not start a valid sequence (overlong forms, surrogates, code
 * points past U+10FFFF, stray continuation bytes, a sequence cut short)
 * is one invalid byte on its own.
 *
 * A log line must read the same to every reader: one that takes only
 * double quotes, one that also takes single quotes (syslog-ng kv-parser)
 * and a naive search for " KEY=".  So no value holds a quote character or
 * an '=' that a reader could take for syntax, nor a character that some
 * reader treats as a line break or that reorders the text on screen.
 *
 * Rules:
 *   - a value longer than TLSRPT_MAX_VALUE_LEN bytes keeps at most
 *     TLSRPT_MAX_VALUE_LEN - 3 bytes, cut before a character that would
 *     not fit whole, and gets "..." (so the cut value is at most
 *     TLSRPT_MAX_VALUE_LEN bytes before escaping);
 *   - log format: bare when non-empty printable ASCII (0x21-0x7e) without
 *     double quote, single quote, backslash or '='; else in double
 *     quotes, where those four characters, control characters, DEL,
 *     invalid bytes and each UTF-8 byte of a hidden character are written
 *     \xHH (lower-case hex): \xHH is the only backslash sequence, and a
 *     quoted value never holds a quote, a backslash or '=' of its own;
 *     the space and other valid UTF-8 are kept as they are;
 *   - hidden characters: the C1 controls U+0080-U+009F (U+0085 is a line
 *     break to Unicode readers), U+2028 and U+2029 (line and paragraph
 *     separators) and the bidi controls U+061C, U+200E, U+200F,
 *     U+202A-U+202E and U+2066-U+2069;
 *   - JSON: the two-character escapes for double quote, backslash, BS,
 *     FF, LF, CR and TAB; other control characters, DEL and the hidden
 *     characters as \uXXXX; invalid bytes as a backslash escaped in JSON
 *     followed by xHH (the text \xHH once decoded); other valid UTF-8
 *     kept: the result is always valid JSON.
 *
 * The _width variants also bound what is written: a value whose escaped
 * form would pass width bytes (quotes and "..." included) is cut at the
 * last character boundary that fits, so that a value every byte of which
 * is escaped (four or six bytes each) cannot take a line's room.
 *
 * Both escapers work like snprintf: the output is NUL-terminated when
 * outlen > 0 and the return value is the length the full result needs.
 * No diagnostics.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "escape.h"
#include "tlsrpt_limits.h"

#define ELLIPSIS "..."
#define ELLIPSIS_LEN 3

/* Bounded writer: counts everything, stores what fits. */
struct wr {
	char *out;
	size_t outlen;
	size_t n;
};

/* wr_putc - append one character */
static void wr_putc(struct wr *w, char c)
{
	if (w->outlen > 0 && w->n < w->outlen - 1) {
		w->out[w->n] = c;
	}
	w->n++;
}

/* wr_mem - append n bytes of s: one memcpy of what fits */
static void wr_mem(struct wr *w, const unsigned char *s, size_t n)
{
	size_t room = 0;

	if (w->outlen > 0 && w->n < w->outlen - 1) {
		room = w->outlen - 1 - w->n;
		memcpy(w->out + w->n, s, n < room ? n : room);
	}
	w->n += n;
}

/* wr_puts - append a NUL-terminated string */
static void wr_puts(struct wr *w, const char *s)
{
	while (*s != '\0') {
		wr_putc(w, *s++);
	}
}

/* wr_hex - append the two lower-case hex digits of byte c */
static void wr_hex(struct wr *w, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	wr_putc(w, hex[c >> 4]);
	wr_putc(w, hex[c & 0x0f]);
}

/* wr_end - NUL-terminate and return the length needed */
static size_t wr_end(struct wr *w)
{
	if (w->outlen > 0) {
		w->out[w->n < w->outlen ? w->n : w->outlen - 1] = '\0';
	}
	return w->n;
}

/*
 * What each byte is, so that a value is read once, one table look-up a
 * byte, and the runs that need no escaping are copied with one memcpy:
 *   C_BARE   may stand in a bare log value: 0x21-0x7e but " ' \ =
 *   C_KV     written as it is inside a quoted log value: C_BARE and space
 *   C_JSON   written as it is inside a JSON string: 0x20-0x7e but " \
 *   C_HIGH   0x80-0xff: starts a UTF-8 sequence or is an invalid byte
 * A byte with none of these bits (control character, DEL, or a quoting
 * character of its format) is escaped on its own.
 */
#define C_BARE 0x01
#define C_KV 0x02
#define C_JSON 0x04
#define C_HIGH 0x08
#define C_PRINT (C_BARE | C_KV | C_JSON)
#define C_ROW8(c) c, c, c, c, c, c, c, c
#define C_ROW16(c) C_ROW8(c), C_ROW8(c)
static const unsigned char cls[256] = {
        /* 0x00-0x1f: control characters */
        C_ROW16(0), C_ROW16(0),
        /* 0x20-0x2f:  ! " # $ % & ' ( ) * + , - . / */
        C_KV | C_JSON, C_PRINT, 0, C_PRINT, C_PRINT, C_PRINT, C_PRINT, C_JSON, C_PRINT, C_PRINT,
        C_PRINT, C_PRINT, C_PRINT, C_PRINT, C_PRINT, C_PRINT,
        /* 0x30-0x3f: 0-9 : ; < = > ? */
        C_ROW8(C_PRINT), C_PRINT, C_PRINT, C_PRINT, C_PRINT, C_PRINT, C_JSON, C_PRINT, C_PRINT,
        /* 0x40-0x5f: @ A-Z [ \ ] ^ _ */
        C_ROW16(C_PRINT), C_ROW8(C_PRINT), C_PRINT, C_PRINT, C_PRINT, C_PRINT, 0, C_PRINT, C_PRINT,
        C_PRINT,
        /* 0x60-0x7f: ` a-z { | } ~ DEL */
        C_ROW16(C_PRINT), C_ROW8(C_PRINT), C_PRINT, C_PRINT, C_PRINT, C_PRINT, C_PRINT, C_PRINT,
        C_PRINT, 0,
        /* 0x80-0xff */
        C_ROW16(C_HIGH), C_ROW16(C_HIGH), C_ROW16(C_HIGH), C_ROW16(C_HIGH), C_ROW16(C_HIGH),
        C_ROW16(C_HIGH), C_ROW16(C_HIGH), C_ROW16(C_HIGH)};

/* run_len - how many bytes of u[0..len) from i on all have bit in their class */
static size_t run_len(const unsigned char *u, size_t i, size_t len, unsigned char bit)
{
	size_t j = i;

	while (j + 4 <= len &&
	       (cls[u[j]] & cls[u[j + 1]] & cls[u[j + 2]] & cls[u[j + 3]] & bit) != 0) {
		j += 4;
	}
	while (j < len && (cls[u[j]] & bit) != 0) {
		j++;
	}
	return j - i;
}

/* tlsrpt_utf8_seqlen - length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid */
size_t tlsrpt_utf8_seqlen(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (n == 0) {
		return 0;
	}
	if (s[0] < 0x80) {
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0) {
			lo = 0xa0; /* overlong */
		} else if (s[0] == 0xed) {
			hi = 0x9f; /* surrogates */
		}
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0) {
			lo = 0x90; /* overlong */
		} else if (s[0] == 0xf4) {
			hi = 0x8f; /* past U+10FFFF */
		}
	} else {
		return 0; /* continuation byte, C0/C1 overlong, F5-FF */
	}
	if (n < len) {
		return 0;
	}
	if (s[1] < lo || s[1] > hi) {
		return 0;
	}
	for (i = 2; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf) {
			return 0;
		}
	}
	return len;
}

/* cut_len - bytes of (v, len) to keep; *cut set when "..." must follow */
static size_t cut_len(const unsigned char *v, size_t len, int *cut)
{
	size_t keep = 0, step;

	*cut = 0;
	if (len <= TLSRPT_MAX_VALUE_LEN) {
		return len;
	}
	*cut = 1;
	while (keep < len) {
		step = tlsrpt_utf8_seqlen(v + keep, len - keep);
		if (step == 0) {
			step = 1;
		}
		if (keep + step > TLSRPT_MAX_VALUE_LEN - ELLIPSIS_LEN) {
			break;
		}
		keep += step;
	}
	return keep;
}

/* tlsrpt_utf8_code_point - the code point of the valid step-byte UTF-8 sequence at s */
unsigned long tlsrpt_utf8_code_point(const unsigned char *s, size_t step)
{
	unsigned long cp;
	size_t k;

	if (step == 1) {
		return s[0];
	}
	cp = s[0] & (0x7f >> step);
	for (k = 1; k < step; k++) {
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	return cp;
}

/* tlsrpt_escape_hidden - a C1 control, a Unicode line/paragraph separator or a bidi control? */
int tlsrpt_escape_hidden(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* wr_kv_hex - append the bytes u[0..n) as \xHH each */
static void wr_kv_hex(struct wr *w, const unsigned char *u, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		wr_putc(w, '\\');
		wr_putc(w, 'x');
		wr_hex(w, u[k]);
	}
}

/*
 * kv_keep - the log format escaper over the first keep bytes of u, "..."
 * after them when cut.  One pass: the bare prefix is measured first (the
 * whole value, for most), then quoted runs are copied whole and the bytes
 * between them escaped one character at a time.
 */
static size_t kv_keep(const unsigned char *u, size_t keep, int cut, char *out, size_t outlen)
{
	struct wr w = {out, outlen, 0};
	size_t i, step;

	i = run_len(u, 0, keep, C_BARE);
	if (keep > 0 && i == keep) {
		wr_mem(&w, u, keep);
		if (cut) {
			wr_mem(&w, (const unsigned char *)ELLIPSIS, ELLIPSIS_LEN);
		}
		return wr_end(&w);
	}
	wr_putc(&w, '"');
	wr_mem(&w, u, i); /* a bare byte is also written as it is in quotes */
	while (i < keep) {
		step = run_len(u, i, keep, C_KV);
		wr_mem(&w, u + i, step);
		i += step;
		if (i == keep) {
			break;
		}
		step = 1;
		if ((cls[u[i]] & C_HIGH) != 0) {
			step = tlsrpt_utf8_seqlen(u + i, keep - i);
			if (step > 1 &&
			    !tlsrpt_escape_hidden(tlsrpt_utf8_code_point(u + i, step))) {
				wr_mem(&w, u + i, step);
				i += step;
				continue;
			}
			if (step == 0) {
				step = 1; /* an invalid byte on its own */
			}
		}
		/* control, DEL, " ' \ =, an invalid byte or a hidden character */
		wr_kv_hex(&w, u + i, step);
		i += step;
	}
	if (cut) {
		wr_mem(&w, (const unsigned char *)ELLIPSIS, ELLIPSIS_LEN);
	}
	wr_putc(&w, '"');
	return wr_end(&w);
}

/* escape_kv - the log format escaper; docut 0 never cuts (used for prefixes) */
static size_t escape_kv(const char *v, size_t len, int docut, char *out, size_t outlen)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t keep;
	int cut = 0;

	keep = docut ? cut_len(u, len, &cut) : len;
	return kv_keep(u, keep, cut, out, outlen);
}

/*
 * json_keep - the JSON string escaper over the first keep bytes of u,
 * "..." after them when cut; runs that need no escape are copied whole
 */
static size_t json_keep(const unsigned char *u, size_t keep, int cut, char *out, size_t outlen)
{
	struct wr w = {out, outlen, 0};
	size_t i = 0, step;
	unsigned long cp;

	wr_putc(&w, '"');
	while (i < keep) {
		step = run_len(u, i, keep, C_JSON);
		wr_mem(&w, u + i, step);
		i += step;
		if (i == keep) {
			break;
		}
		if ((cls[u[i]] & C_HIGH) != 0) {
			step = tlsrpt_utf8_seqlen(u + i, keep - i);
			if (step == 0) {
				wr_puts(&w, "\\\\x");
				wr_hex(&w, u[i]);
				i++;
				continue;
			}
			cp = tlsrpt_utf8_code_point(u + i, step);
			if (tlsrpt_escape_hidden(cp)) {
				wr_puts(&w, "\\u");
				wr_hex(&w, (unsigned char)(cp >> 8));
				wr_hex(&w, (unsigned char)(cp & 0xff));
			} else {
				wr_mem(&w, u + i, step);
			}
			i += step;
			continue;
		}
		switch (u[i]) {
		case '"':
			wr_puts(&w, "\\\"");
			break;
		case '\\':
			wr_puts(&w, "\\\\");
			break;
		case '\b':
			wr_puts(&w, "\\b");
			break;
		case '\f':
			wr_puts(&w, "\\f");
			break;
		case '\n':
			wr_puts(&w, "\\n");
			break;
		case '\r':
			wr_puts(&w, "\\r");
			break;
		case '\t':
			wr_puts(&w, "\\t");
			break;
		default: /* the other control characters and DEL */
			wr_puts(&w, "\\u00");
			wr_hex(&w, u[i]);
			break;
		}
		i++;
	}
	if (cut) {
		wr_mem(&w, (const unsigned char *)ELLIPSIS, ELLIPSIS_LEN);
	}
	wr_putc(&w, '"');
	return wr_end(&w);
}

/* escape_json - the JSON string escaper; docut 0 never cuts */
static size_t escape_json(const char *v, size_t len, int docut, char *out, size_t outlen)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t keep;
	int cut = 0;

	keep = docut ? cut_len(u, len, &cut) : len;
	return json_keep(u, keep, cut, out, outlen);
}

typedef size_t (*keep_fn)(const unsigned char *u, size_t keep, int cut, char *out, size_t outlen);

/* prev_boundary - the character boundary of u before keep (0 when none) */
static size_t prev_boundary(const unsigned char *u, size_t keep)
{
	size_t at = 0, prev = 0, step;

	while (at < keep) {
		prev = at;
		step = tlsrpt_utf8_seqlen(u + at, keep - at);
		at += step == 0 ? 1 : step;
	}
	return prev;
}

/*
 * fit_width - (v, len) through fn, cut at TLSRPT_MAX_VALUE_LEN bytes, and
 * then, when the result is longer than width bytes, cut at the last
 * character boundary whose result (with "...") fits
 */
static size_t fit_width(keep_fn fn, const char *v, size_t len, size_t width, char *out,
                        size_t outlen)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t keep, n;
	int cut = 0;

	keep = cut_len(u, len, &cut);
	n = fn(u, keep, cut, out, outlen);
	while (width > 0 && n > width && keep > 0) {
		keep = prev_boundary(u, keep);
		cut = 1;
		n = fn(u, keep, cut, out, outlen);
	}
	return n;
}

/* tlsrpt_escape_kv_width - log format value, at most width bytes as written */
size_t tlsrpt_escape_kv_width(const char *v, size_t len, size_t width, char *out, size_t outlen)
{
	return fit_width(kv_keep, v, len, width, out, outlen);
}

/* tlsrpt_escape_json_width - JSON string, at most width bytes as written */
size_t tlsrpt_escape_json_width(const char *v, size_t len, size_t width, char *out, size_t outlen)
{
	return fit_width(json_keep, v, len, width, out, outlen);
}

/* tlsrpt_escape_kv - log format v1 value, cut at TLSRPT_MAX_VALUE_LEN */
size_t tlsrpt_escape_kv(const char *v, size_t len, char *out, size_t outlen)
{
	return escape_kv(v, len, 1, out, outlen);
}

/* tlsrpt_escape_json - JSON string, cut at TLSRPT_MAX_VALUE_LEN */
size_t tlsrpt_escape_json(const char *v, size_t len, char *out, size_t outlen)
{
	return escape_json(v, len, 1, out, outlen);
}

/* tlsrpt_escape_kv_nocut - log format v1 value, never cut (for line prefixes) */
size_t tlsrpt_escape_kv_nocut(const char *v, size_t len, char *out, size_t outlen)
{
	return escape_kv(v, len, 0, out, outlen);
}

/* tlsrpt_escape_json_nocut - JSON string, never cut (for the queue-id) */
size_t tlsrpt_escape_json_nocut(const char *v, size_t len, char *out, size_t outlen)
{
	return escape_json(v, len, 0, out, outlen);
}
