/*
 * test_mime.c - unit tests for the streaming MIME walker
 *
 * Each table case is a message (written with LF line ends), the limits to
 * walk it with, and the expected summary of the callbacks:
 *
 *   H name: value        header()          (only when the case asks)
 *   P i d type file cte  part_begin()      (file "-" when NULL)
 *   D bytes              part_data(), consecutive calls joined, escaped
 *   E                    part_end()
 *   ! reason             problem()
 *
 * The core check is chunking invariance: the message is fed whole, in
 * 1-byte, 7-byte and 4096-byte chunks and in pseudo-random chunks, and the
 * exact transcript (every part_data() call on its own) must be the same
 * each time.  Unless the case says otherwise it is also fed with CRLF line
 * ends: for decoded (base64) data the summary must not change, for text
 * the expected line ends become CRLF.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tlsrpt_limits.h"
#include "mime.h"

/* ---------------------------------------------------------------------- */
/* growable strings and the recorder */

struct str {
	char *s;
	size_t len;
	size_t cap;
};

/* str_addn - append n bytes; aborts the test when memory runs out */
static void str_addn(struct str *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		char *x;

		while (ncap < b->len + n + 1) {
			ncap *= 2;
		}
		x = realloc(b->s, ncap);
		assert_non_null(x);
		b->s = x;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* str_add - append a C string */
static void str_add(struct str *b, const char *p)
{
	str_addn(b, p, strlen(p));
}

/* str_esc - append bytes escaped: \\ \r \n \t \xNN */
static void str_esc(struct str *b, const unsigned char *p, size_t n)
{
	char t[8];
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\\') {
			str_add(b, "\\\\");
		} else if (p[i] == '\r') {
			str_add(b, "\\r");
		} else if (p[i] == '\n') {
			str_add(b, "\\n");
		} else if (p[i] == '\t') {
			str_add(b, "\\t");
		} else if (p[i] < 0x20 || p[i] >= 0x7f) {
			snprintf(t, sizeof(t), "\\x%02x", p[i]);
			str_add(b, t);
		} else {
			str_addn(b, (const char *)&p[i], 1);
		}
	}
}

/* str_free - release */
static void str_free(struct str *b)
{
	free(b->s);
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
}

struct rec {
	struct str raw;  /* every call, data calls apart */
	struct str sum;  /* the summary compared with the case */
	struct str data; /* data not yet written to sum */
	int headers;     /* record header() calls in sum */
	unsigned reject; /* bit i set: refuse part i + 1 */
	int open;        /* a part was accepted and not yet ended */
	int bad;         /* a call out of order */
};

/* rec_flush - write joined data to the summary */
static void rec_flush(struct rec *r)
{
	if (r->data.len > 0) {
		str_add(&r->sum, "D ");
		str_addn(&r->sum, r->data.s, r->data.len);
		str_add(&r->sum, "\n");
		r->data.len = 0;
	}
}

/* on_header - header() */
static void on_header(void *ctx, const char *name, const char *value)
{
	struct rec *r = ctx;
	struct str line = {0};

	str_add(&line, "H ");
	str_esc(&line, (const unsigned char *)name, strlen(name));
	str_add(&line, ": ");
	str_esc(&line, (const unsigned char *)value, strlen(value));
	str_add(&line, "\n");
	str_add(&r->raw, line.s);
	if (r->headers) {
		rec_flush(r);
		str_add(&r->sum, line.s);
	}
	str_free(&line);
}

/* on_part_begin - part_begin(): accept unless the case refuses this index */
static int on_part_begin(void *ctx, const struct tlsrpt_mime_part *part)
{
	static const char *const ctes[] = {"id", "b64", "qp"};
	struct rec *r = ctx;
	struct str line = {0};
	char t[64];
	int accept = part->index > 32 || !(r->reject & (1u << (part->index - 1)));

	if (r->open) {
		r->bad = 1;
	}
	snprintf(t, sizeof(t), "P %u %u ", part->index, part->depth);
	str_add(&line, t);
	str_add(&line, part->content_type);
	str_add(&line, " ");
	if (part->filename != NULL) {
		str_esc(&line, (const unsigned char *)part->filename, strlen(part->filename));
	} else {
		str_add(&line, "-");
	}
	str_add(&line, " ");
	str_add(&line, ctes[part->cte]);
	str_add(&line, "\n");
	str_add(&r->raw, line.s);
	rec_flush(r);
	str_add(&r->sum, line.s);
	str_free(&line);
	r->open = accept;
	return accept;
}

/* on_part_data - part_data() */
static void on_part_data(void *ctx, const unsigned char *data, size_t len)
{
	struct rec *r = ctx;
	char t[32];

	if (!r->open || len == 0) {
		r->bad = 1;
	}
	snprintf(t, sizeof(t), "D %zu ", len);
	str_add(&r->raw, t);
	str_esc(&r->raw, data, len);
	str_add(&r->raw, "\n");
	str_esc(&r->data, data, len);
}

/* on_part_end - part_end() */
static void on_part_end(void *ctx)
{
	struct rec *r = ctx;

	if (!r->open) {
		r->bad = 1;
	}
	r->open = 0;
	str_add(&r->raw, "E\n");
	rec_flush(r);
	str_add(&r->sum, "E\n");
}

/* on_problem - problem() */
static void on_problem(void *ctx, const char *reason)
{
	struct rec *r = ctx;

	str_add(&r->raw, "! ");
	str_add(&r->raw, reason);
	str_add(&r->raw, "\n");
	rec_flush(r);
	str_add(&r->sum, "! ");
	str_add(&r->sum, reason);
	str_add(&r->sum, "\n");
}

static const struct tlsrpt_mime_ops ops = {
        on_header, on_part_begin, on_part_data, on_part_end, on_problem,
};

/* ---------------------------------------------------------------------- */
/* feeding */

enum chunking { CH_WHOLE = 0, CH_RANDOM = 1 }; /* other values: fixed chunk size */

struct walk_opts {
	size_t max_size; /* 0: default */
	unsigned max_depth;
	unsigned max_parts;
	int headers;
	unsigned reject;
};

/* walk - feed msg in the given chunking; fill r */
static void walk(const char *msg, size_t len, size_t chunk, const struct walk_opts *o,
                 struct rec *r)
{
	struct tlsrpt_limits lim;
	struct tlsrpt_mime *m;
	char err[128];
	uint32_t x = 88172645u;
	size_t off = 0;
	size_t k;

	memset(r, 0, sizeof(*r));
	r->headers = o->headers;
	r->reject = o->reject;
	str_add(&r->raw, "");
	str_add(&r->sum, "");
	tlsrpt_limits_default(&lim);
	if (o->max_size) {
		lim.max_message_size = o->max_size;
	}
	if (o->max_depth) {
		lim.max_mime_depth = o->max_depth;
	}
	if (o->max_parts) {
		lim.max_parts = o->max_parts;
	}
	m = tlsrpt_mime_new(&lim, &ops, r, err, sizeof(err));
	if (m == NULL) {
		fail_msg("tlsrpt_mime_new: got NULL (%s), want a walker", err);
	}
	while (off < len) {
		if (chunk == CH_WHOLE) {
			k = len;
		} else if (chunk == CH_RANDOM) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			k = 1 + x % 300;
		} else {
			k = chunk;
		}
		if (k > len - off) {
			k = len - off;
		}
		assert_int_equal(tlsrpt_mime_feed(m, msg + off, k), 0);
		off += k;
	}
	assert_int_equal(tlsrpt_mime_finish(m), 0);
	tlsrpt_mime_free(m);
	rec_flush(r);
	str_free(&r->data);
	if (r->open) {
		fail_msg("part left open: got no part_end, want one");
	}
	if (r->bad) {
		fail_msg("callbacks out of order or empty part_data:\n%s", r->raw.s);
	}
}

/* rec_free - release a recording */
static void rec_free(struct rec *r)
{
	str_free(&r->raw);
	str_free(&r->sum);
	str_free(&r->data);
}

/* check_walk - walk every chunking, check invariance and the summary */
static void check_walk(const char *name, const char *msg, size_t len, const struct walk_opts *o,
                       const char *want)
{
	static const size_t chunks[] = {1, 7, 4096, CH_RANDOM, 2, 3, 8191, 8192, 8193};
	struct rec whole;
	struct rec r;
	size_t i;

	walk(msg, len, CH_WHOLE, o, &whole);
	if (strcmp(whole.sum.s, want) != 0) {
		fail_msg("%s: got\n%s\nwant\n%s", name, whole.sum.s, want);
	}
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		walk(msg, len, chunks[i], o, &r);
		if (strcmp(r.raw.s, whole.raw.s) != 0) {
			fail_msg("%s in chunks of %zu: got transcript\n%s\nwant (whole)\n%s", name,
			         chunks[i], r.raw.s, whole.raw.s);
		}
		rec_free(&r);
	}
	rec_free(&whole);
}

/* to_crlf - a copy of s with every LF made CRLF (caller frees) */
static char *to_crlf(const char *s, size_t *len)
{
	struct str b = {0};

	str_add(&b, "");
	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			str_add(&b, "\r\n");
		} else {
			str_addn(&b, s, 1);
		}
	}
	*len = b.len;
	return b.s;
}

/* ---------------------------------------------------------------------- */
/* the table */

enum eol_mode {
	EOL_TEXT = 0, /* also run with CRLF; expected "\n" become "\r\n" */
	EOL_SAME,     /* also run with CRLF; same expected summary */
	EOL_LF,       /* LF only (sizes or exact bytes matter) */
};

struct mime_case {
	const char *name;
	const char *msg;
	enum eol_mode eol;
	struct walk_opts o;
	const char *want;
};

/* gzip of {"organization-name":"x"}, and its bytes as the summary shows them */
#define REPORT_DATA                                                                                \
	"\\x1f\\x8b\\x08\\x00\\x00\\x00\\x00\\x00\\x02\\x03\\xabV\\xca/JO\\xcc\\xcb\\xacJ,"        \
	"\\xc9\\xcc\\xcf\\xd3\\xcdK\\xccMU\\xb2R\\xaaP\\xaa\\x05\\x00P\\xb8\\x934\\x19\\x00\\x00"  \
	"\\x00"
#define REPORT_B64 "H4sIAAAAAAACA6tWyi9KT8zLrEosyczP081LzE1VslKqUKoFAFC4kzQZAAAA\n"

static const struct mime_case cases[] = {
        {"single part with headers, mbox From_ line ignored",
         "From reporter@example.net Mon Jan  1 00:00:00 2024\n"
         "From: reporter@example.net\n"
         "Subject: hi\n"
         "\n"
         "hello\n"
         "world\n",
         EOL_TEXT,
         {.headers = 1},
         "H From: reporter@example.net\n"
         "H Subject: hi\n"
         "P 1 0 text/plain - id\n"
         "D hello\\nworld\\n\n"
         "E\n"},

        {"folded headers, unfolded with their white space",
         "Subject: a\n"
         "  folded\n"
         "\tsubject\n"
         "Content-Type: multipart/mixed;\n"
         " boundary=\"b1\"\n"
         "X-Empty-First:\n"
         "  x\n"
         "X-Spaced-Name  : y\n"
         "no colon here\n"
         "\n"
         "--b1\n"
         "Content-Type: text/plain\n"
         "Subject: part headers are not reported\n"
         "\n"
         "body\n"
         "--b1--\n",
         EOL_TEXT,
         {.headers = 1},
         "H Subject: a  folded\\tsubject\n"
         "H Content-Type: multipart/mixed; boundary=\"b1\"\n"
         "H X-Empty-First: x\n"
         "H X-Spaced-Name: y\n"
         "P 1 1 text/plain - id\n"
         "D body\n"
         "E\n"},

        {"header names case-insensitive, unquoted params, comments",
         "content-TYPE: Multipart/Mixed (a comment; boundary=wrong) ;\n"
         "  BOUNDARY=simple (another comment)\n"
         "\n"
         "preamble\n"
         "--simple\n"
         "CONTENT-type: Application/TLSRPT+GZIP; name=report.json.gz\n"
         "content-transfer-encoding: BASE64 (really)\n"
         "\n" REPORT_B64 "--simple--\n"
         "epilogue\n",
         EOL_SAME,
         {0},
         "P 1 1 application/tlsrpt+gzip report.json.gz b64\n"
         "D " REPORT_DATA "\n"
         "E\n"},

        {"quoted params with escapes and semicolons",
         "Content-Type: multipart/report; report-type=\"tlsrpt\";\n"
         "\tboundary=\"=_a;b \\\"c\\\"\"\n"
         "\n"
         "--=_a;b \"c\"\n"
         "Content-Type: text/plain; name=\"a \\\"q\\\" name; x.txt\"\n"
         "\n"
         "text\n"
         "--=_a;b \"c\"--\n",
         EOL_TEXT,
         {0},
         "P 1 1 text/plain a \"q\" name; x.txt id\n"
         "D text\n"
         "E\n"},

        {"RFC 2231 filename, percent-encoded, wins over name",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "Content-Type: application/gzip; name=\"wrong.gz\"\n"
         "Content-Disposition: attachment;\n"
         " filename*=utf-8''r%C3%A9port%20x.json.gz; filename=\"plain.gz\"\n"
         "\n"
         "x\n"
         "--b--\n",
         EOL_TEXT,
         {0},
         "P 1 1 application/gzip r\\xc3\\xa9port x.json.gz id\n"
         "D x\n"
         "E\n"},

        {"RFC 2231 continuations, out of order, mixed encoded",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "Content-Type: application/tlsrpt+gzip\n"
         "Content-Disposition: attachment;\n"
         "\tfilename*1*=%31%32.json;\n"
         "\tfilename*0*=us-ascii'en'google.com!example.org!;\n"
         "\tfilename*2=\".gz\"\n"
         "\n"
         "x\n"
         "--b--\n",
         EOL_TEXT,
         {0},
         "P 1 1 application/tlsrpt+gzip google.com!example.org!12.json.gz id\n"
         "D x\n"
         "E\n"},

        {"RFC 2231 continuation, plain quoted pieces",
         "Content-Type: application/json\n"
         "Content-Disposition: attachment; filename*0=\"a b\"; filename*1=\"c.json\"\n"
         "\n"
         "{}\n",
         EOL_TEXT,
         {0},
         "P 1 0 application/json a bc.json id\n"
         "D {}\\n\n"
         "E\n"},

        {"Content-Type name when there is no disposition filename",
         "Content-Type: application/json; name=r.json\n"
         "Content-Disposition: attachment\n"
         "\n"
         "{}",
         EOL_TEXT,
         {0},
         "P 1 0 application/json r.json id\n"
         "D {}\n"
         "E\n"},

        {"preamble and epilogue ignored, delimiter look-alikes in them",
         "Content-Type: multipart/mixed; boundary=\"xyz\"\n"
         "\n"
         "This is a multi-part message in MIME format.\n"
         "--xy\n"
         "--xyzz\n"
         "\n"
         "--xyz\n"
         "\n"
         "first\n"
         "--xyz\n"
         "Content-Type: text/csv\n"
         "\n"
         "a,b\n"
         "\n"
         "--xyz--\n"
         "epilogue line\n"
         "--xyz\n"
         "not a part\n",
         EOL_TEXT,
         {0},
         "P 1 1 text/plain - id\n"
         "D first\n"
         "E\n"
         "P 2 1 text/csv - id\n"
         "D a,b\\n\n"
         "E\n"},

        {"nested multipart three deep",
         "Content-Type: multipart/mixed; boundary=L0\n"
         "\n"
         "--L0\n"
         "Content-Type: multipart/alternative; boundary=L1\n"
         "\n"
         "--L1\n"
         "Content-Type: multipart/related; boundary=L2\n"
         "\n"
         "--L2\n"
         "Content-Type: text/plain\n"
         "\n"
         "deep\n"
         "--L2\n"
         "Content-Type: application/json\n"
         "\n"
         "{}\n"
         "--L2--\n"
         "--L1\n"
         "Content-Type: text/html\n"
         "\n"
         "<p>\n"
         "--L1--\n"
         "--L0\n"
         "Content-Type: text/plain\n"
         "\n"
         "last\n"
         "--L0--\n",
         EOL_TEXT,
         {.max_depth = 3},
         "P 1 3 text/plain - id\n"
         "D deep\n"
         "E\n"
         "P 2 3 application/json - id\n"
         "D {}\n"
         "E\n"
         "P 3 2 text/html - id\n"
         "D <p>\n"
         "E\n"
         "P 4 1 text/plain - id\n"
         "D last\n"
         "E\n"},

        {"nesting deeper than the limit is skipped, reported once",
         "Content-Type: multipart/mixed; boundary=L0\n"
         "\n"
         "--L0\n"
         "Content-Type: multipart/alternative; boundary=L1\n"
         "\n"
         "--L1\n"
         "Content-Type: multipart/related; boundary=L2\n"
         "\n"
         "--L2\n"
         "Content-Type: text/plain\n"
         "\n"
         "deep\n"
         "--L2--\n"
         "--L1\n"
         "Content-Type: multipart/related; boundary=L3\n"
         "\n"
         "--L3\n"
         "\n"
         "also deep\n"
         "--L3--\n"
         "--L1\n"
         "Content-Type: text/html\n"
         "\n"
         "<p>\n"
         "--L1--\n"
         "--L0\n"
         "\n"
         "last\n"
         "--L0--\n",
         EOL_TEXT,
         {.max_depth = 2},
         "! MIME nesting deeper than 2\n"
         "P 1 2 text/html - id\n"
         "D <p>\n"
         "E\n"
         "P 2 1 text/plain - id\n"
         "D last\n"
         "E\n"},

        {"depth limit 1: a multipart message is skipped",
         "Content-Type: multipart/mixed; boundary=L0\n"
         "\n"
         "--L0\n"
         "Content-Type: multipart/alternative; boundary=L1\n"
         "\n"
         "--L1\n"
         "\n"
         "x\n"
         "--L1--\n"
         "--L0\n"
         "\n"
         "y\n"
         "--L0--\n",
         EOL_TEXT,
         {.max_depth = 1},
         "! MIME nesting deeper than 1\n"
         "P 1 1 text/plain - id\n"
         "D y\n"
         "E\n"},

        {"more parts than the limit",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "\n"
         "one\n"
         "--b\n"
         "\n"
         "two\n"
         "--b\n"
         "\n"
         "three\n"
         "--b\n"
         "\n"
         "four\n"
         "--b--\n",
         EOL_TEXT,
         {.max_parts = 2},
         "P 1 1 text/plain - id\n"
         "D one\n"
         "E\n"
         "P 2 1 text/plain - id\n"
         "D two\n"
         "E\n"
         "! more than 2 MIME parts\n"},

        {"size limit cuts the body, the part is still ended",
         "Subject: x\n"
         "\n"
         "0123456789\n"
         "abcdefghij\n",
         EOL_LF,
         {.max_size = 20, .headers = 1},
         "H Subject: x\n"
         "P 1 0 text/plain - id\n"
         "! message larger than MaxMessageSize (20 bytes)\n"
         "D 01234567\n"
         "E\n"},

        {"size limit inside a base64 part of a multipart",
         "Content-Type: multipart/mixed; boundary=b\n" /* 43 */
         "\n"                                          /* 44 */
         "--b\n"                                       /* 48 */
         "Content-Transfer-Encoding: base64\n"         /* 82 */
         "\n"                                          /* 83 */
         "aGVsbG8g\n"                                  /* 92 */
         "d29ybGQ=\n"
         "--b--\n",
         EOL_LF,
         {.max_size = 96},
         "P 1 1 text/plain - b64\n"
         "D hello \n"
         "! message larger than MaxMessageSize (96 bytes)\n"
         "D wor\n"
         "E\n"},

        {"message exactly at the size limit",
         "\n"
         "abc",
         EOL_LF,
         {.max_size = 4},
         "P 1 0 text/plain - id\n"
         "D abc\n"
         "E\n"},

        {"base64 with white space, odd lines, no padding",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "Content-Type: application/octet-stream\n"
         "Content-Transfer-Encoding: base64\n"
         "\n"
         "aGVs\n"
         " bG8g\td29y  \n"
         "bGQ\n"
         "--b\n"
         "Content-Transfer-Encoding: base64\n"
         "\n"
         "SGVsb\n"
         "G8sIHdvc\n"
         "mxkIQ==\n"
         "\n"
         "--b--\n",
         EOL_SAME,
         {0},
         "P 1 1 application/octet-stream - b64\n"
         "D hello world\n"
         "E\n"
         "P 2 1 text/plain - b64\n"
         "D Hello, world!\n"
         "E\n"},

        {"quoted-printable soft breaks, hex, trailing space, final soft break",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "Content-Type: text/plain; charset=utf-8\n"
         "Content-Transfer-Encoding: Quoted-Printable\n"
         "\n"
         "caf=C3=A9 soft=\n"
         "break =3d ok  \n"
         "line=\n"
         "--b--\n",
         EOL_TEXT,
         {0},
         "P 1 1 text/plain - qp\n"
         "D caf\\xc3\\xa9 softbreak = ok\\nline\n"
         "E\n"},

        {"boundary as a prefix of longer lines is not a delimiter",
         "Content-Type: multipart/mixed; boundary=abc\n"
         "\n"
         "--abc\n"
         "\n"
         "--abcdef\n"
         "--abc--x\n"
         "--abc x\n"
         "-abc\n"
         "--ab\n"
         "--abc--\n",
         EOL_TEXT,
         {0},
         "P 1 1 text/plain - id\n"
         "D --abcdef\\n--abc--x\\n--abc x\\n-abc\\n--ab\n"
         "E\n"},

        {"missing close delimiter: the part ends at end of input",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "\n"
         "text\n"
         "more\n",
         EOL_TEXT,
         {0},
         "P 1 1 text/plain - id\n"
         "D text\\nmore\\n\n"
         "E\n"},

        {"missing inner close delimiter: the outer one closes it",
         "Content-Type: multipart/mixed; boundary=outer\n"
         "\n"
         "--outer\n"
         "Content-Type: multipart/alternative; boundary=inner\n"
         "\n"
         "--inner\n"
         "\n"
         "a\n"
         "--outer\n"
         "\n"
         "b\n"
         "--outer--\n",
         EOL_TEXT,
         {0},
         "P 1 2 text/plain - id\n"
         "D a\n"
         "E\n"
         "P 2 1 text/plain - id\n"
         "D b\n"
         "E\n"},

        {"transport padding after delimiters",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b \t \n"
         "\n"
         "one\n"
         "--b\t\n"
         "\n"
         "two\n"
         "--b--   \n"
         "\n"
         "epilogue\n",
         EOL_TEXT,
         {0},
         "P 1 1 text/plain - id\n"
         "D one\n"
         "E\n"
         "P 2 1 text/plain - id\n"
         "D two\n"
         "E\n"},

        {"close delimiter at end of input without line end",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "\n"
         "one\n"
         "--b--",
         EOL_TEXT,
         {0},
         "P 1 1 text/plain - id\n"
         "D one\n"
         "E\n"},

        {"empty parts and a part whose headers run into the delimiter",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "\n"
         "--b\n"
         "Content-Type: application/json\n"
         "--b\n"
         "\n"
         "\n"
         "--b\n"
         "\n"
         "\n"
         "\n"
         "--b--\n",
         EOL_TEXT,
         {0},
         "P 1 1 text/plain - id\n"
         "E\n"
         "P 2 1 application/json - id\n"
         "E\n"
         "P 3 1 text/plain - id\n"
         "E\n"
         "P 4 1 text/plain - id\n"
         "D \\n\n"
         "E\n"},

        {"refused parts get no data and no end",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "\n"
         "one\n"
         "--b\n"
         "\n"
         "two\n"
         "--b--\n",
         EOL_TEXT,
         {.reject = 1},
         "P 1 1 text/plain - id\n"
         "P 2 1 text/plain - id\n"
         "D two\n"
         "E\n"},

        {"multipart without boundary is a text leaf",
         "Content-Type: multipart/mixed\n"
         "\n"
         "--x\n"
         "body\n",
         EOL_TEXT,
         {0},
         "P 1 0 text/plain - id\n"
         "D --x\\nbody\\n\n"
         "E\n"},

        {"boundary longer than 70 characters is no boundary",
         "Content-Type: multipart/mixed; boundary=12345678901234567890123456789012345678901234567890123456789012345678901\n"
         "\n"
         "x\n",
         EOL_TEXT,
         {0},
         "P 1 0 text/plain - id\n"
         "D x\\n\n"
         "E\n"},

        {"message/rfc822 is a leaf",
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n"
         "Content-Type: message/rfc822\n"
         "\n"
         "Content-Type: multipart/mixed; boundary=c\n"
         "\n"
         "--c\n"
         "--b--\n",
         EOL_TEXT,
         {0},
         "P 1 1 message/rfc822 - id\n"
         "D Content-Type: multipart/mixed; boundary=c\\n\\n--c\n"
         "E\n"},

        {"invalid Content-Type is text/plain, unknown encoding is identity",
         "Content-Type: garbage\n"
         "Content-Transfer-Encoding: x-uuencode\n"
         "\n"
         "x\n",
         EOL_TEXT,
         {0},
         "P 1 0 text/plain - id\n"
         "D x\\n\n"
         "E\n"},

        {"first Content-Type wins",
         "Content-Type: application/json\n"
         "Content-Type: multipart/mixed; boundary=b\n"
         "\n"
         "--b\n",
         EOL_TEXT,
         {0},
         "P 1 0 application/json - id\n"
         "D --b\\n\n"
         "E\n"},

        {"headers only, no body",
         "Subject: only\n",
         EOL_TEXT,
         {.headers = 1},
         "H Subject: only\n"
         "P 1 0 text/plain - id\n"
         "E\n"},

        {"empty input",
         "",
         EOL_LF,
         {0},
         "P 1 0 text/plain - id\n"
         "E\n"},

        {"same boundary nested: innermost first, then the outer again",
         "Content-Type: multipart/mixed; boundary=s\n"
         "\n"
         "--s\n"
         "Content-Type: multipart/mixed; boundary=s\n"
         "\n"
         "--s\n"
         "\n"
         "in\n"
         "--s--\n"
         "--s\n"
         "\n"
         "out?\n"
         "--s--\n",
         EOL_TEXT,
         {0},
         "P 1 2 text/plain - id\n"
         "D in\n"
         "E\n"
         "P 2 1 text/plain - id\n"
         "D out?\n"
         "E\n"},

        {"a TLS-RPT style report",
         "Return-Path: <noreply-smtp-tls-reporting@example.com>\n"
         "Date: Wed, 04 Sep 2024 03:53:20 -0700\n"
         "TLS-Report-Domain: example.org\n"
         "TLS-Report-Submitter: example.com\n"
         "Subject: Report Domain: example.org Submitter: example.com\n"
         " Report-ID: <2024.09.03T00.00.00Z+example.org@example.com>\n"
         "MIME-Version: 1.0\n"
         "Content-Type: multipart/report; boundary=\"000000000000a5ef7b0621476a25\";\n"
         " report-type=\"tlsrpt\"\n"
         "\n"
         "--000000000000a5ef7b0621476a25\n"
         "Content-Type: text/plain; charset=\"UTF-8\"\n"
         "Content-Transfer-Encoding: quoted-printable\n"
         "\n"
         "This is an aggregate TLS report from example.com=20\n"
         "--000000000000a5ef7b0621476a25\n"
         "Content-Type: application/tlsrpt+gzip; \n"
         "\tname=\"example.com!example.org!1725321600!1725407999!001.json.gz\"\n"
         "Content-Disposition: attachment; \n"
         "\tfilename=\"example.com!example.org!1725321600!1725407999!001.json.gz\"\n"
         "Content-Transfer-Encoding: base64\n"
         "\n" REPORT_B64 "--000000000000a5ef7b0621476a25--\n",
         EOL_SAME,
         {.headers = 1},
         "H Return-Path: <noreply-smtp-tls-reporting@example.com>\n"
         "H Date: Wed, 04 Sep 2024 03:53:20 -0700\n"
         "H TLS-Report-Domain: example.org\n"
         "H TLS-Report-Submitter: example.com\n"
         "H Subject: Report Domain: example.org Submitter: example.com Report-ID: <2024.09.03T00.00.00Z+example.org@example.com>\n"
         "H MIME-Version: 1.0\n"
         "H Content-Type: multipart/report; boundary=\"000000000000a5ef7b0621476a25\"; report-type=\"tlsrpt\"\n"
         "P 1 1 text/plain - qp\n"
         "D This is an aggregate TLS report from example.com \n"
         "E\n"
         "P 2 1 application/tlsrpt+gzip example.com!example.org!1725321600!1725407999!001.json.gz b64\n"
         "D " REPORT_DATA "\n"
         "E\n"},
};

/* expect_crlf - the expected summary with escaped LF made CRLF */
static char *expect_crlf(const char *want)
{
	struct str b = {0};
	const char *p;

	str_add(&b, "");
	for (p = want; *p != '\0'; p++) {
		if (p[0] == '\\' && p[1] == '\\') {
			str_addn(&b, p, 2);
			p++;
		} else if (p[0] == '\\' && p[1] == 'n') {
			str_add(&b, "\\r\\n");
			p++;
		} else {
			str_addn(&b, p, 1);
		}
	}
	return b.s;
}

/* run_case - one table case, LF and (unless told) CRLF, every chunking */
static void run_case(void **state)
{
	const struct mime_case *c = *state;
	char name[160];
	char *crlf;
	char *want;
	size_t len;

	check_walk(c->name, c->msg, strlen(c->msg), &c->o, c->want);
	if (c->eol == EOL_LF) {
		return;
	}
	crlf = to_crlf(c->msg, &len);
	want = c->eol == EOL_TEXT ? expect_crlf(c->want) : strdup(c->want);
	assert_non_null(want);
	snprintf(name, sizeof(name), "%s (CRLF)", c->name);
	check_walk(name, crlf, len, &c->o, want);
	free(crlf);
	free(want);
}

/* ---------------------------------------------------------------------- */
/* generated messages */

/* test_long_line - a 20 KB line in a text part and in a base64 part */
static void test_long_line(void **state)
{
	static const char b64[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct walk_opts o = {0};
	struct str msg = {0};
	struct str want = {0};
	struct str line = {0};
	unsigned char bin[15000];
	char q[5];
	size_t i;
	unsigned long v;

	(void)state;
	for (i = 0; i < 20000; i++) {
		str_addn(&line, &"0123456789abcdefghijklmnopqrstuvwxyz"[i % 36], 1);
	}
	for (i = 0; i < sizeof(bin); i++) {
		bin[i] = (unsigned char)(i * 7 + i / 251);
	}
	str_add(&msg, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n");
	str_add(&msg, line.s);
	str_add(&msg, "\r\n--b\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	for (i = 0; i < sizeof(bin); i += 3) {
		v = (unsigned long)bin[i] << 16 | (unsigned long)bin[i + 1] << 8 | bin[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = b64[v >> 6 & 63];
		q[3] = b64[v & 63];
		q[4] = '\0';
		str_add(&msg, q);
	}
	str_add(&msg, "\r\n--b--\r\n");
	str_add(&want, "P 1 1 text/plain - id\nD ");
	str_add(&want, line.s);
	str_add(&want, "\nE\nP 2 1 text/plain - b64\nD ");
	str_esc(&want, bin, sizeof(bin));
	str_add(&want, "\nE\n");
	check_walk("20 KB lines", msg.s, msg.len, &o, want.s);
	str_free(&msg);
	str_free(&want);
	str_free(&line);
}

/* test_cr_at_piece_end - a line whose CR falls on the line-buffer boundary */
static void test_cr_at_piece_end(void **state)
{
	struct walk_opts o = {0};
	struct str msg = {0};
	struct str want = {0};
	struct str line = {0};
	size_t lens[] = {TLSRPT_MAX_LINE_LEN - 1, TLSRPT_MAX_LINE_LEN, TLSRPT_MAX_LINE_LEN - 2,
	                 2 * TLSRPT_MAX_LINE_LEN - 1};
	size_t k;
	size_t i;
	const char *hdr = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n";

	(void)state;
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		line.len = 0;
		for (i = 0; i < lens[k]; i++) {
			str_addn(&line, "x", 1);
		}
		/* the first line fills the buffer so the next line starts at its start */
		msg.len = 0;
		str_add(&msg, hdr);
		str_add(&msg, line.s);
		str_add(&msg, "\r\n--b\r\n\r\n");
		str_add(&msg, line.s);
		str_add(&msg, "\r\n");
		str_add(&msg, line.s);
		str_add(&msg, "\r\n--b--\r\n");
		want.len = 0;
		str_add(&want, "P 1 1 text/plain - id\nD ");
		str_add(&want, line.s);
		str_add(&want, "\nE\nP 2 1 text/plain - id\nD ");
		str_add(&want, line.s);
		str_add(&want, "\\r\\n");
		str_add(&want, line.s);
		str_add(&want, "\nE\n");
		check_walk("CR at the end of a piece", msg.s, msg.len, &o, want.s);
	}
	str_free(&msg);
	str_free(&want);
	str_free(&line);
}

/* test_long_header - a header longer than TLSRPT_MAX_HEADER_LEN is cut, still parsed */
static void test_long_header(void **state)
{
	struct walk_opts o = {.headers = 1};
	struct str msg = {0};
	struct str want = {0};
	struct str pad = {0};
	size_t i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		str_add(&pad, "0123456789");
	}
	str_add(&msg, "X-Long: ");
	str_add(&msg, pad.s);
	str_add(&msg, "\n\tmore\n");
	str_add(&msg, "Content-Type: multipart/mixed; boundary=b;\n\tx-pad=\"");
	str_add(&msg, pad.s);
	str_add(&msg, "\"\n\n--b\n\nin\n--b--\n");
	str_add(&want, "H X-Long: ");
	str_addn(&want, pad.s, TLSRPT_MAX_HEADER_LEN - strlen("X-Long: "));
	str_add(&want, "\nH Content-Type: multipart/mixed; boundary=b;\\tx-pad=\"");
	str_addn(&want, pad.s,
	         TLSRPT_MAX_HEADER_LEN -
	                 strlen("Content-Type: multipart/mixed; boundary=b;\tx-pad=\""));
	str_add(&want, "\nP 1 1 text/plain - id\nD in\nE\n");
	check_walk("long header", msg.s, msg.len, &o, want.s);
	str_free(&msg);
	str_free(&want);
	str_free(&pad);
}

/* test_many_parts - the default part limit, with depth at its default too */
static void test_many_parts(void **state)
{
	struct walk_opts o = {0};
	struct str msg = {0};
	struct str want = {0};
	char t[64];
	unsigned i;

	(void)state;
	str_add(&msg, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (i = 1; i <= TLSRPT_DEF_MAX_PARTS + 5; i++) {
		snprintf(t, sizeof(t), "--b\n\n%u\n", i);
		str_add(&msg, t);
		if (i <= TLSRPT_DEF_MAX_PARTS) {
			snprintf(t, sizeof(t), "P %u 1 text/plain - id\nD %u\nE\n", i, i);
			str_add(&want, t);
		}
	}
	str_add(&msg, "--b--\n");
	snprintf(t, sizeof(t), "! more than %u MIME parts\n", TLSRPT_DEF_MAX_PARTS);
	str_add(&want, t);
	check_walk("many parts", msg.s, msg.len, &o, want.s);
	str_free(&msg);
	str_free(&want);
}

/* test_deep_default - nesting to the default depth works, one more is skipped */
static void test_deep_default(void **state)
{
	struct walk_opts o = {0};
	struct str msg = {0};
	struct str want = {0};
	char t[96];
	unsigned i;

	(void)state;
	for (i = 0; i <= TLSRPT_DEF_MAX_MIME_DEPTH; i++) {
		snprintf(t, sizeof(t), "Content-Type: multipart/mixed; boundary=d%u\n\n--d%u\n", i,
		         i);
		str_add(&msg, t);
	}
	str_add(&msg, "\nleaf\n");
	for (i = TLSRPT_DEF_MAX_MIME_DEPTH; i-- > 0;) {
		snprintf(t, sizeof(t), "--d%u\n\nat %u\n", i, i + 1);
		str_add(&msg, t);
	}
	snprintf(t, sizeof(t), "! MIME nesting deeper than %u\n", TLSRPT_DEF_MAX_MIME_DEPTH);
	str_add(&want, t);
	for (i = TLSRPT_DEF_MAX_MIME_DEPTH; i-- > 0;) {
		snprintf(t, sizeof(t), "P %u %u text/plain - id\nD at %u%s\nE\n",
		         TLSRPT_DEF_MAX_MIME_DEPTH - i, i + 1, i + 1, i == 0 ? "\\n" : "");
		str_add(&want, t);
	}
	check_walk("default depth", msg.s, msg.len, &o, want.s);
	str_free(&msg);
	str_free(&want);
}

/* rnd - xorshift32 */
static uint32_t rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* mutate - damage a copy of msg a few times, in ways that stress the walker */
static void mutate(struct str *out, const char *msg, size_t len, uint32_t *x)
{
	static const char bytes[] = "-\n\r= \t:;\"\\()*'%bA";
	static const char *const inserts[] = {
	        "\n--b\n", "--b--", "\r\n--L1\r\n", "\n\n",
	        "=\r\n",   "=4",    " boundary=b;", "Content-Type: multipart/mixed; boundary=b\n"};
	unsigned n = 1 + rnd(x) % 4;
	size_t pos;
	size_t k;
	struct str t = {0};

	out->len = 0;
	str_addn(out, msg, len);
	while (n-- > 0) {
		pos = out->len ? rnd(x) % out->len : 0;
		t.len = 0;
		str_add(&t, "");
		switch (rnd(x) % 5) {
		case 0:
			if (out->len > 0) {
				out->s[pos] = bytes[rnd(x) % (sizeof(bytes) - 1)];
			}
			break;
		case 1:
			str_addn(&t, out->s, pos);
			str_add(&t, inserts[rnd(x) % (sizeof(inserts) / sizeof(inserts[0]))]);
			str_addn(&t, out->s + pos, out->len - pos);
			out->len = 0;
			str_addn(out, t.s, t.len);
			break;
		case 2:
			k = rnd(x) % 40;
			k = k > out->len - pos ? out->len - pos : k;
			memmove(out->s + pos, out->s + pos + k, out->len - pos - k);
			out->len -= k;
			break;
		case 3:
			k = rnd(x) % 200;
			k = k > out->len - pos ? out->len - pos : k;
			str_addn(&t, out->s, pos + k);
			str_addn(&t, out->s + pos, out->len - pos);
			out->len = 0;
			str_addn(out, t.s, t.len);
			break;
		default:
			if (out->len > 0) {
				out->s[pos] = (char)(rnd(x) & 0xff);
			}
			break;
		}
	}
	str_free(&t);
}

/* test_mutants - damaged versions of every case give the same calls in any chunking */
static void test_mutants(void **state)
{
	static const size_t chunks[] = {1, 7, CH_RANDOM};
	struct str msg = {0};
	struct walk_opts o;
	struct rec whole;
	struct rec r;
	uint32_t x = 123456789u;
	size_t i;
	size_t j;
	unsigned seed;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (seed = 0; seed < 60; seed++) {
			mutate(&msg, cases[i].msg, strlen(cases[i].msg), &x);
			memset(&o, 0, sizeof(o));
			o.headers = 1;
			o.reject = rnd(&x) % 4;
			if (seed % 3 == 1) {
				o.max_depth = 1 + rnd(&x) % 3;
				o.max_parts = 1 + rnd(&x) % 3;
			}
			if (seed % 5 == 2 && msg.len > 1) {
				o.max_size = 1 + rnd(&x) % msg.len;
			}
			walk(msg.s, msg.len, CH_WHOLE, &o, &whole);
			for (j = 0; j < sizeof(chunks) / sizeof(chunks[0]); j++) {
				walk(msg.s, msg.len, chunks[j], &o, &r);
				if (strcmp(r.raw.s, whole.raw.s) != 0) {
					fail_msg(
					        "mutant %u of \"%s\" in chunks of %zu: got\n%s\nwant (whole)\n%s",
					        seed, cases[i].name, chunks[j], r.raw.s,
					        whole.raw.s);
				}
				rec_free(&r);
			}
			rec_free(&whole);
		}
	}
	str_free(&msg);
}

/* test_api - NULL handling and optional callbacks */
static void test_api(void **state)
{
	static const struct tlsrpt_mime_ops none = {0};
	struct tlsrpt_mime_ops only_begin = {0};
	struct tlsrpt_limits lim;
	struct tlsrpt_mime *m;
	struct rec r;
	char err[128] = "";
	const char *msg = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n";

	(void)state;
	tlsrpt_limits_default(&lim);
	tlsrpt_mime_free(NULL);
	m = tlsrpt_mime_new(&lim, &none, NULL, err, sizeof(err));
	if (m != NULL || err[0] == '\0') {
		fail_msg("new without part_begin: got %p \"%s\", want NULL and a message",
		         (void *)m, err);
	}
	memset(&r, 0, sizeof(r));
	only_begin.part_begin = on_part_begin;
	m = tlsrpt_mime_new(&lim, &only_begin, &r, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(tlsrpt_mime_feed(m, msg, strlen(msg)), 0);
	assert_int_equal(tlsrpt_mime_finish(m), 0);
	assert_int_equal(tlsrpt_mime_finish(m), 0);
	assert_int_equal(tlsrpt_mime_feed(m, "x", 1), 0);
	tlsrpt_mime_free(m);
	if (strcmp(r.raw.s, "P 1 1 text/plain - id\n") != 0) {
		fail_msg("got \"%s\", want one part_begin", r.raw.s);
	}
	rec_free(&r);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	        cmocka_unit_test(test_long_line),    cmocka_unit_test(test_cr_at_piece_end),
	        cmocka_unit_test(test_long_header),  cmocka_unit_test(test_many_parts),
	        cmocka_unit_test(test_deep_default), cmocka_unit_test(test_api),
	        cmocka_unit_test(test_mutants),
	};
	struct CMUnitTest
	        tests[sizeof(cases) / sizeof(cases[0]) + sizeof(fixed) / sizeof(fixed[0])];
	size_t i;
	size_t n = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tests[n].name = cases[i].name;
		tests[n].test_func = run_case;
		tests[n].setup_func = NULL;
		tests[n].teardown_func = NULL;
		tests[n].initial_state = (void *)&cases[i];
		n++;
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		tests[n++] = fixed[i];
	}
	return cmocka_run_group_tests_name("mime", tests, NULL, NULL);
}
