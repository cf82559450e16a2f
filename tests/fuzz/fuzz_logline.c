/*
 * fuzz_logline.c - libFuzzer harness over tlsrpt-lookout's reader and its outputs
 *
 * The input is a log: its lines go through the scanner (logscan, from a
 * memory stream read in small pieces), the line parser (logline, as
 * syslog lines and, for a second digest, as bare journal lines) and the
 * aggregation (digest); a third pass also takes smtpd's lines (mtalog)
 * into the MX join (mxseen), as tlsrpt-lookout does.  Then every renderer
 * writes the result.  Aborts (after a line on stderr saying what broke)
 * when:
 *
 *   - tlsrpt_mtalog_parse_next (which reuses the previous line's time
 *     stamp) says other than tlsrpt_mtalog_parse on the same line, or a
 *     line whose tag it found to be smtpd's parses as ours (logfile.c
 *     skips those);
 *   - the JSON output is not valid JSON (cJSON_ParseWithLength);
 *   - the HTML output holds "<script", an " on..." attribute inside a tag
 *     or a raw control character: every value must be escaped;
 *   - a Prometheus line is not a comment and holds a raw control character;
 *   - the text output holds a raw control character other than newline.
 *
 * The sanitizers check the rest (bounds of the 8 KiB line buffer, the
 * pending ring, the tables at their limits).
 */
#include "config.h" /* _GNU_SOURCE: open_memstream, memmem */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "calendar.h"
#include "digest.h"
#include "logline.h"
#include "logscan.h"
#include "mtalog.h"
#include "mxseen.h"
#include "render.h"

struct mem {
	const uint8_t *p;
	size_t len, at;
};

static ssize_t mem_read(void *ctx, void *buf, size_t len)
{
	struct mem *m = ctx;
	size_t n = m->len - m->at;

	if (n > len) {
		n = len;
	}
	if (n > 977) {
		n = 977; /* small pieces: lines cross refills */
	}
	memcpy(buf, m->p + m->at, n);
	m->at += n;
	return (ssize_t)n;
}

/* die - say what broke and abort */
static void die(const char *what, const char *out, size_t n)
{
	fprintf(stderr, "fuzz_logline: %s\n%.*s\n", what, (int)(n > 2000 ? 2000 : n), out);
	abort();
}

/* has_ctl - a raw control character (other than newline) in s */
static int has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f) {
			return 1;
		}
	}
	return 0;
}

/* tag_handler - an " on...=" attribute inside some tag of the page */
static int tag_handler(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i), *gt;

		if (lt == NULL) {
			return 0;
		}
		gt = memchr(lt, '>', n - (size_t)(lt - s));
		if (gt == NULL) {
			return 1;
		}
		for (const char *p = lt; p + 3 < gt; p++) {
			if (p[0] == ' ' && p[1] == 'o' && p[2] == 'n' && p[3] >= 'a' &&
			    p[3] <= 'z') {
				return 1;
			}
		}
		i = (size_t)(gt - s) + 1;
	}
	return 0;
}

/* render - one renderer into memory */
static char *render(int (*fn)(FILE *, const struct tlsrpt_digest *,
                              const struct tlsrpt_render_opts *),
                    const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o, size_t *n)
{
	char *s = NULL;
	FILE *fp = open_memstream(&s, n);

	if (fp == NULL) {
		abort();
	}
	fn(fp, d, o);
	fclose(fp);
	return s;
}

/* check - all four outputs of a finished digest */
static void check(const struct tlsrpt_digest *d)
{
	struct tlsrpt_render_opts o = {
	        .today = tlsrpt_calendar_civil(2026, 11, 29), .silent_days = 7, .meanings = 1};
	size_t n, i;
	char *s;
	cJSON *j;

	s = render(tlsrpt_render_json, d, &o, &n);
	if ((j = cJSON_ParseWithLength(s, n)) == NULL) {
		die("JSON output does not parse", s, n);
	}
	cJSON_Delete(j);
	free(s);

	s = render(tlsrpt_render_html, d, &o, &n);
	if (memmem(s, n, "<script", 7) != NULL || has_ctl(s, n) || tag_handler(s, n)) {
		die("HTML output holds active or raw content", s, n);
	}
	free(s);

	s = render(tlsrpt_render_prom, d, &o, &n);
	if (has_ctl(s, n)) {
		die("Prometheus output holds a control character", s, n);
	}
	for (i = 0; i < n; i++) {
		/* every line: a comment, or a metric name at its start */
		if ((i == 0 || s[i - 1] == '\n') && s[i] != '#' && (s[i] < 'a' || s[i] > 'z')) {
			die("Prometheus line does not start with a name", s + i, n - i);
		}
	}
	free(s);

	s = render(tlsrpt_render_text, d, &o, &n);
	if (has_ctl(s, n)) {
		die("text output holds a control character", s, n);
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tlsrpt_logline ll;
	long today = tlsrpt_calendar_civil(2026, 11, 29);
	int pass;

	static struct tlsrpt_mtalog next, once;

	for (pass = 0; pass < 3; pass++) {
		struct mem m = {data, size, 0};
		struct tlsrpt_logscan *sc = tlsrpt_logscan_new(mem_read, &m, 0);
		struct tlsrpt_digest *d = tlsrpt_digest_new(today - 6, today, NULL, 0);
		const char *line;
		size_t len;
		unsigned long long off, prev = 0;
		char err[64];

		if (sc == NULL || d == NULL) {
			abort();
		}
		if (pass == 2) {
			/* smtpd's lines too; a traditional stamp counts as today */
			if ((d->mx = tlsrpt_mxseen_new(today - 6, today, NULL, 0)) == NULL) {
				abort();
			}
			tlsrpt_logscan_mta(sc);
			tlsrpt_mtalog_init(&next);
		}
		tlsrpt_digest_expect(d, "example.com");
		while (tlsrpt_logscan_next(sc, &line, &len, &off, err, sizeof(err)) > 0) {
			if (off < prev || off + len > size || memcmp(data + off, line, len) != 0) {
				die("scanner offset does not match the line", line, len);
			}
			prev = off;
			if (pass == 2 && tlsrpt_logscan_mtaline(sc)) {
				int r = tlsrpt_mtalog_parse_next(&next, line, len);

				/* (mon..ss are a traditional stamp's, day a zoned one's) */
				if (r != tlsrpt_mtalog_parse(&once, line, len) ||
				    next.smtpd != once.smtpd ||
				    (r && (next.kind != once.kind || next.zoned != once.zoned ||
				           next.day != once.day || next.pid != once.pid ||
				           next.tls_tried != once.tls_tried ||
				           next.tls_ok != once.tls_ok || next.mail != once.mail ||
				           strcmp(next.host, once.host) != 0 ||
				           strcmp(next.name, once.name) != 0 ||
				           strcmp(next.ip, once.ip) != 0 ||
				           strcmp(next.text, once.text) != 0)) ||
				    (r && !next.zoned &&
				     (next.mon != once.mon || next.mday != once.mday ||
				      next.hh != once.hh || next.mi != once.mi ||
				      next.ss != once.ss))) {
					die("mtalog_parse_next differs from mtalog_parse", line,
					    len);
				}
				if (r) {
					tlsrpt_mxseen_line(d->mx, &next,
					                   next.zoned ? next.day : today);
					continue;
				}
				if (next.smtpd) {
					if (tlsrpt_logline_parse(&ll, line, len, 0)) {
						die("a line with smtpd's tag parses as ours", line,
						    len);
					}
					continue;
				}
			}
			if (tlsrpt_logline_parse(&ll, line, len,
			                         pass == 1 ? TLSRPT_LOGLINE_BARE : 0)) {
				tlsrpt_digest_add(d, &ll);
			}
		}
		tlsrpt_digest_finish(d);
		if (d->mx != NULL) {
			tlsrpt_mxseen_finish(d->mx);
		}
		check(d);
		tlsrpt_mxseen_free(d->mx);
		d->mx = NULL;
		tlsrpt_digest_free(d);
		tlsrpt_logscan_free(sc);
	}
	return 0;
}
