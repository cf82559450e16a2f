/*
 * render.h - write a finished digest as text, HTML, JSON or Prometheus text
 *
 * Each renderer writes to a stream the caller opened (a file, stdout, or
 * open_memstream for a mail) and returns 0, or -1 when a write failed
 * (errno from stdio).  Every value that came from a report is treated as
 * hostile:
 *   - text: control characters, C1, line and paragraph separators, bidi
 *     controls and bytes that are not valid UTF-8 are written as \xHH;
 *   - HTML: the same, then & < > " ' as character references; the page has
 *     no script, no external resource and a Content-Security-Policy of
 *     default-src 'none' that allows only its own style sheet (by its
 *     SHA-256); charts are inline SVG;
 *   - JSON: a valid JSON string for any bytes (invalid UTF-8 as the text \xHH);
 *   - Prometheus: label values with \" and what is unsafe as the text \xHH
 *     (written \\xHH), so no raw newline or control character; a report's
 *     own backslash is doubled in the value read (written \\\\), so two
 *     different values never give one series (node_exporter would drop
 *     one at every scrape).
 * Text and HTML open with each domain's verdict (health.h), most urgent
 * first, and explain each kept duplicate; JSON carries the verdict as
 * "status" and the duplicates as "duplicates".
 * No globals, no printing of its own.
 */
#ifndef TLSRPT_RENDER_H
#define TLSRPT_RENDER_H

#include <stdio.h>

#include "digest.h"

/* What DNS says of a domain's _smtp._tls record (tlsrpt-lookout --dns). */
struct tlsrpt_render_dns {
	const char *domain;
	const char *verdict; /* tlsrptrec.h's name: ours, elsewhere, none, ... */
	const char *detail;  /* for a person; from DNS, so escaped on output */
};

struct tlsrpt_render_opts {
	long today;      /* the day the digest is made for (silence is measured to it) */
	int silent_days; /* a reporter or domain with no report for this many days is silent */
	int meanings;    /* text: print the meaning and fix of each failing result type */
	/* shown next to a domain with no report in the period; may be NULL */
	const struct tlsrpt_render_dns *dns;
	size_t ndns;
};

/* tlsrpt_render_failed - failed sessions in the period over all domains */
unsigned long long tlsrpt_render_failed(const struct tlsrpt_digest *d);

/* tlsrpt_render_silent - 1 when a reporter last seen on last_day is silent */
int tlsrpt_render_silent(const struct tlsrpt_render_opts *o, long last_day);

int tlsrpt_render_text(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o);
int tlsrpt_render_html(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o);
int tlsrpt_render_json(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o);
int tlsrpt_render_prom(FILE *fp, const struct tlsrpt_digest *d, const struct tlsrpt_render_opts *o);

#endif
