/*
 * mime.c - streaming MIME walker
 *
 * The walker turns a raw message, fed in chunks split anywhere, into the
 * callbacks of mime.h.  It never holds more than one line of the message.
 *
 * Layers, bottom up:
 *
 * 1. Size gate (tlsrpt_mime_feed).  Bytes past lim->max_message_size are
 *    never looked at: the first time input goes past it, problem()
 *    "message larger than MaxMessageSize (N bytes)" is called once and the
 *    rest is ignored.  What came before is finished normally by
 *    tlsrpt_mime_finish(), so a part cut short still gets its part_end().
 *
 * 2. Line assembler (mime_bytes).  Bytes collect in m->line until an LF;
 *    a line that lies whole inside one feed is taken from there uncopied.
 *    A complete line is handed on as (content, EOL length): EOL is 2 for
 *    CRLF, 1 for a bare LF, 0 for the unterminated last line at finish.
 *    A line that fills TLSRPT_MAX_LINE_LEN bytes without an LF is handed on
 *    as a "piece" and the next bytes continue the same line (m->midline).
 *    A piece never ends in CR: a CR in the last byte stays in the buffer,
 *    so a CRLF is never split between a piece and the rest of the line.
 *    Because line and piece limits depend only on the bytes, never on the
 *    chunk boundaries, every later decision is the same for any chunking,
 *    and so are the callbacks.
 *
 * 3. Entity state machine (mime_line).  Every entity (the message itself,
 *    then each body part) goes through
 *
 *        HEADER --blank line--> BODY   a leaf part_begin() accepted
 *                          \--> SKIP   a leaf refused, a multipart (its
 *                                      preamble), a multipart nested too
 *                                      deep, or the epilogue
 *
 *    and any complete line that starts at a line start is first tested
 *    against the stack of open boundaries, innermost first (mime_delim):
 *
 *      "--" boundary [space/tab]*          open delimiter: the current part
 *                                          ends, a new entity starts in
 *                                          HEADER at depth k + 1;
 *      "--" boundary "--" [space/tab]*     close delimiter: the current part
 *                                          ends, the multipart is popped,
 *                                          the lines up to the enclosing
 *                                          delimiter (epilogue) are skipped.
 *
 *    A match against an outer boundary also closes the inner multiparts
 *    whose close delimiter never came.  A line that merely starts with a
 *    boundary ("--abcdef" for boundary "abc") is not a delimiter.  A piece
 *    is never a delimiter (a delimiter line is far shorter than a piece).
 *    A delimiter met while still in HEADER ends the header block first, so
 *    a part without a blank line is an empty part, not a lost one.
 *
 *    HEADER: lines are unfolded into m->field (a line starting with space
 *    or tab continues the field; the line end is dropped, its white space
 *    kept; a field is cut at TLSRPT_MAX_HEADER_LEN).  When a field is
 *    complete it goes to header() if the entity is the message itself, and
 *    Content-Type, Content-Disposition and Content-Transfer-Encoding are
 *    parsed into m->ent (the first of each counts).  A line without a
 *    colon, or whose name is not printable ASCII without white space (an
 *    mbox "From " line), is ignored.  The blank line ends the block
 *    (headers_end):
 *      - multipart/<any> with a boundary of 1..70 characters: pushed on the
 *        boundary stack unless that would pass lim->max_mime_depth, in which
 *        case problem() "MIME nesting deeper than N" (once per message) and
 *        its whole content is skipped;
 *      - multipart without a usable boundary: an invalid Content-Type, so
 *        a text/plain leaf (RFC 2045 5.2);
 *      - anything else (including message/rfc822) is a leaf: past
 *        lim->max_parts leaves, problem() "more than N MIME parts" (once)
 *        and everything after is ignored; otherwise part_begin().
 *
 *    BODY: each line goes through the transfer decoder into m->out, which
 *    goes to part_data() when the next line might not fit and before
 *    part_end() or problem() (so part_data() sees up to 16 KB at a time).  The
 *    line end of a line is held back (m->eol) and sent in front of the next
 *    line, so the one before a delimiter can be dropped: it belongs to the
 *    delimiter (RFC 2046 5.1.1).  At the end of input the held line end is
 *    sent, since no delimiter claims it.  The quoted-printable decoder is
 *    flushed before part_end().
 *
 * 4. Header-field values (mimefield.c).  Content-Type, Content-Disposition
 *    and Content-Transfer-Encoding values, with their RFC 2231 parameters,
 *    are read there; Content-Disposition filename wins over Content-Type
 *    name.
 *
 * Bounds: m->line (TLSRPT_MAX_LINE_LEN), m->field (TLSRPT_MAX_HEADER_LEN),
 * the decoded output of one line (m->out), at most lim->max_mime_depth
 * boundaries of TLSRPT_MAX_BOUNDARY characters, TLSRPT_MIME_NAME_MAX bytes
 * of file name.
 *
 * Diagnostics: problem() with the three messages above; feed and finish
 * return -1 only when memory for the boundary stack runs out.  Nothing is
 * printed.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "ascii.h"
#include "b64.h"
#include "mime.h"
#include "mimefield.h"
#include "qp.h"

#define MIME_OUT_MAX (TLSRPT_MAX_LINE_LEN + 16) /* decoded output of one line */
#define MIME_OUT_BUF (2 * MIME_OUT_MAX)         /* decoded output batched for part_data() */

enum mime_state {
	MIME_HEADER, /* in the header block of the current entity */
	MIME_BODY,   /* in the content of an accepted leaf */
	MIME_SKIP,   /* in content nobody wants (refused leaf, preamble, epilogue) */
};

struct mime_frame {
	char boundary[TLSRPT_MAX_BOUNDARY + 1];
	size_t len;
};

struct mime_entity {
	struct tlsrpt_mime_ctype ct;             /* Content-Type */
	char filename[TLSRPT_MIME_NAME_MAX + 1]; /* Content-Disposition filename */
	int have_type;
	int have_disp;
	int have_cte;
	enum tlsrpt_cte cte;
};

struct tlsrpt_mime {
	const struct tlsrpt_mime_ops *ops;
	void *ctx;
	size_t max_size;
	unsigned max_depth;
	unsigned max_parts;

	size_t seen;      /* bytes examined */
	int cut;          /* size limit reached: further input ignored */
	int stopped;      /* part limit reached or finished: lines ignored */
	int finished;     /* tlsrpt_mime_finish was called */
	int warned_depth; /* "nesting deeper" reported */

	size_t linelen; /* bytes collected in line */
	int midline;    /* the next line data continues a line already passed on */

	enum mime_state state;
	unsigned depth; /* depth of the current entity */
	int top;        /* the current entity is the message itself */
	struct mime_entity ent;
	size_t fieldlen; /* bytes in field */
	int infield;

	unsigned nparts;     /* leaf parts begun */
	enum tlsrpt_cte cte; /* of the accepted leaf */
	struct tlsrpt_b64 b64;
	struct tlsrpt_qp qp;
	char eol[2]; /* held line end of the last body line */
	size_t eollen;
	size_t outlen; /* decoded bytes in out not yet passed to part_data() */

	struct mime_frame *frames; /* open multiparts, outermost first */
	unsigned nframes;
	unsigned capframes;

	/* buffers last: never zeroed (see tlsrpt_mime_new) */
	char line[TLSRPT_MAX_LINE_LEN];        /* the line being collected */
	char field[TLSRPT_MAX_HEADER_LEN + 1]; /* the header field being unfolded */
	unsigned char out[MIME_OUT_BUF];       /* decoded body bytes, batched */
};

/* out_flush - pass the batched decoded bytes to part_data() */
static void out_flush(struct tlsrpt_mime *m)
{
	if (m->outlen > 0 && m->ops->part_data != NULL) {
		m->ops->part_data(m->ctx, m->out, m->outlen);
	}
	m->outlen = 0;
}

/* mime_problem - report a structural problem, after the data decoded before it */
static void mime_problem(struct tlsrpt_mime *m, const char *reason)
{
	out_flush(m);
	if (m->ops->problem != NULL) {
		m->ops->problem(m->ctx, reason);
	}
}

/* field_add - append to the header field being unfolded, cutting at the maximum */
static void field_add(struct tlsrpt_mime *m, const char *s, size_t n)
{
	size_t room = TLSRPT_MAX_HEADER_LEN - m->fieldlen;

	if (n > room) {
		n = room;
	}
	memcpy(m->field + m->fieldlen, s, n);
	m->fieldlen += n;
}

/* field_end - a header field is complete: report it and note what it says */
static void field_end(struct tlsrpt_mime *m)
{
	char *f = m->field;
	char *colon;
	char *ne;
	char *v;
	char *ve;

	if (!m->infield) {
		return;
	}
	m->infield = 0;
	f[m->fieldlen] = '\0';
	colon = memchr(f, ':', m->fieldlen);
	if (colon == NULL) {
		return;
	}
	for (ne = colon; ne > f && tlsrpt_wsp(ne[-1]); ne--) {
	}
	for (v = f; v < ne; v++) {
		if (*v < 33 || *v > 126) {
			return; /* not a field name: an mbox "From " line, garbage */
		}
	}
	if (ne == f) {
		return;
	}
	for (v = colon + 1; tlsrpt_wsp(*v); v++) {
	}
	for (ve = f + m->fieldlen; ve > v && (tlsrpt_wsp(ve[-1]) || ve[-1] == '\r'); ve--) {
	}
	*ve = '\0';
	*ne = '\0';
	if (m->top && m->ops->header != NULL) {
		m->ops->header(m->ctx, f, v);
	}
	if (tlsrpt_name_is(f, "content-type") && !m->ent.have_type) {
		m->ent.have_type = 1;
		tlsrpt_mimefield_type(v, &m->ent.ct);
	} else if (tlsrpt_name_is(f, "content-disposition") && !m->ent.have_disp) {
		m->ent.have_disp = 1;
		tlsrpt_mimefield_filename(v, m->ent.filename, sizeof(m->ent.filename));
	} else if (tlsrpt_name_is(f, "content-transfer-encoding") && !m->ent.have_cte) {
		m->ent.have_cte = 1;
		m->ent.cte = tlsrpt_mimefield_cte(v);
	}
}

/* entity_start - a new entity begins with its header block */
static void entity_start(struct tlsrpt_mime *m, unsigned depth, int top)
{
	memset(&m->ent, 0, sizeof(m->ent));
	m->depth = depth;
	m->top = top;
	m->state = MIME_HEADER;
	m->infield = 0;
	m->fieldlen = 0;
}

/* mime_decode - transfer-decode n bytes into out; returns bytes written */
static size_t mime_decode(struct tlsrpt_mime *m, const char *s, size_t n, unsigned char *out)
{
	switch (m->cte) {
	case TLSRPT_CTE_BASE64:
		return tlsrpt_b64_decode(&m->b64, s, n, out);
	case TLSRPT_CTE_QP:
		return tlsrpt_qp_decode(&m->qp, s, n, out);
	default:
		memcpy(out, s, n);
		return n;
	}
}

/*
 * mime_deliver - the held line end, then n bytes of content, decoded into
 * the batch; the batch goes to part_data() when the next line might not
 * fit, and at the end of the part
 */
static void mime_deliver(struct tlsrpt_mime *m, const char *s, size_t n)
{
	if (m->eollen + n + 8 > sizeof(m->out) - m->outlen) {
		out_flush(m);
	}
	m->outlen += mime_decode(m, m->eol, m->eollen, m->out + m->outlen);
	m->eollen = 0;
	m->outlen += mime_decode(m, s, n, m->out + m->outlen);
}

/* part_close - end the accepted leaf, sending the held line end only if asked */
static void part_close(struct tlsrpt_mime *m, int keep_eol)
{
	size_t len;

	if (m->state != MIME_BODY) {
		return;
	}
	if (keep_eol && m->eollen > 0) {
		mime_deliver(m, "", 0);
	}
	m->eollen = 0;
	out_flush(m);
	if (m->cte == TLSRPT_CTE_QP) {
		len = tlsrpt_qp_flush(&m->qp, m->out);
		if (len > 0 && m->ops->part_data != NULL) {
			m->ops->part_data(m->ctx, m->out, len);
		}
	}
	if (m->ops->part_end != NULL) {
		m->ops->part_end(m->ctx);
	}
	m->state = MIME_SKIP;
}

/* frame_push - open a multipart; 0 ok, -1 out of memory */
static int frame_push(struct tlsrpt_mime *m, const char *boundary)
{
	struct mime_frame *f;
	unsigned ncap;

	if (m->nframes == m->capframes) {
		ncap = m->capframes ? m->capframes * 2 : 4;
		if (ncap > m->max_depth) {
			ncap = m->max_depth;
		}
		f = realloc(m->frames, ncap * sizeof(*f));
		if (f == NULL) {
			return -1;
		}
		m->frames = f;
		m->capframes = ncap;
	}
	f = &m->frames[m->nframes++];
	f->len = strlen(boundary);
	memcpy(f->boundary, boundary, f->len + 1);
	return 0;
}

/* headers_end - the header block is over: open a multipart or begin a leaf */
static int headers_end(struct tlsrpt_mime *m)
{
	struct tlsrpt_mime_part part;
	char reason[96];

	field_end(m);
	m->state = MIME_SKIP;
	if (m->ent.ct.multipart) {
		if (m->depth >= m->max_depth) {
			if (!m->warned_depth) {
				m->warned_depth = 1;
				snprintf(reason, sizeof(reason), "MIME nesting deeper than %u",
				         m->max_depth);
				mime_problem(m, reason);
			}
			return 0;
		}
		return frame_push(m, m->ent.ct.boundary);
	}
	if (m->nparts >= m->max_parts) {
		snprintf(reason, sizeof(reason), "more than %u MIME parts", m->max_parts);
		mime_problem(m, reason);
		m->stopped = 1;
		return 0;
	}
	m->nparts++;
	part.index = m->nparts;
	part.depth = m->depth;
	part.content_type = m->ent.ct.type[0] != '\0' ? m->ent.ct.type : "text/plain";
	part.filename = m->ent.filename[0] != '\0'  ? m->ent.filename
	                : m->ent.ct.name[0] != '\0' ? m->ent.ct.name
	                                            : NULL;
	part.cte = m->ent.cte;
	if (m->ops->part_begin(m->ctx, &part)) {
		m->state = MIME_BODY;
		m->cte = m->ent.cte;
		m->eollen = 0;
		m->outlen = 0;
		tlsrpt_b64_init(&m->b64);
		tlsrpt_qp_init(&m->qp);
	}
	return 0;
}

/* match_delim - index of the open boundary line s delimits (innermost first), or -1 */
static int match_delim(const struct tlsrpt_mime *m, const char *s, size_t n, int *close)
{
	const struct mime_frame *f;
	const char *r;
	size_t rl;
	size_t j;
	unsigned i;

	if (n < 3 || s[0] != '-' || s[1] != '-') {
		return -1;
	}
	for (i = m->nframes; i-- > 0;) {
		f = &m->frames[i];
		if (n - 2 < f->len || memcmp(s + 2, f->boundary, f->len) != 0) {
			continue;
		}
		r = s + 2 + f->len;
		rl = n - 2 - f->len;
		*close = rl >= 2 && r[0] == '-' && r[1] == '-';
		j = *close ? 2 : 0;
		while (j < rl && (tlsrpt_wsp(r[j]) || r[j] == '\r')) {
			j++;
		}
		if (j == rl) {
			return (int)i;
		}
	}
	return -1;
}

/* mime_delim - a delimiter of open multipart k: end the part, start the next or close */
static int mime_delim(struct tlsrpt_mime *m, unsigned k, int close)
{
	if (m->state == MIME_HEADER) {
		if (headers_end(m) < 0) {
			return -1;
		}
		if (m->stopped) {
			return 0;
		}
	}
	part_close(m, 0);
	m->nframes = k + 1;
	if (close) {
		m->nframes = k;
		m->state = MIME_SKIP;
		return 0;
	}
	entity_start(m, k + 1, 0);
	return 0;
}

/* mime_line - one line (or piece of a long line) of n content bytes and eol line end bytes */
static int mime_line(struct tlsrpt_mime *m, const char *s, size_t n, size_t eol, int piece)
{
	int first = !m->midline;
	int close;
	int k;

	m->midline = piece;
	if (m->stopped) {
		return 0;
	}
	if (first && !piece && m->nframes > 0) {
		k = match_delim(m, s, n, &close);
		if (k >= 0) {
			return mime_delim(m, (unsigned)k, close);
		}
	}
	switch (m->state) {
	case MIME_HEADER:
		if (first && n == 0 && !piece) {
			return headers_end(m);
		}
		if (first && !(n > 0 && tlsrpt_wsp(s[0]) && m->infield)) {
			field_end(m);
			m->infield = 1;
			m->fieldlen = 0;
		}
		if (m->infield) {
			field_add(m, s, n);
		}
		break;
	case MIME_BODY:
		if (n > 0 || m->eollen > 0) {
			mime_deliver(m, s, n);
		}
		if (!piece) {
			memcpy(m->eol, s + n, eol);
			m->eollen = eol;
		}
		break;
	case MIME_SKIP:
		break;
	}
	return 0;
}

/* line_complete - the collected line ends in LF */
static int line_complete(struct tlsrpt_mime *m)
{
	size_t n = m->linelen - 1;
	size_t eol = 1;

	if (n > 0 && m->line[n - 1] == '\r') {
		n--;
		eol = 2;
	}
	m->linelen = 0;
	return mime_line(m, m->line, n, eol, 0);
}

/* line_piece - the line buffer is full: pass it on, keeping a final CR */
static int line_piece(struct tlsrpt_mime *m)
{
	size_t n = m->linelen;
	int keep_cr = m->line[n - 1] == '\r';
	int r;

	if (keep_cr) {
		n--;
	}
	r = mime_line(m, m->line, n, 0, 1);
	m->linelen = 0;
	if (keep_cr) {
		m->line[0] = '\r';
		m->linelen = 1;
	}
	return r;
}

/* mime_bytes - split bytes into lines */
static int mime_bytes(struct tlsrpt_mime *m, const char *data, size_t len)
{
	size_t room;
	size_t take;
	const char *nl;
	int r;

	while (len > 0 && !m->stopped) {
		room = sizeof(m->line) - m->linelen;
		take = len < room ? len : room;
		nl = memchr(data, '\n', take);
		if (nl != NULL && m->linelen == 0) {
			/* a whole line in the input: straight from there, no copy */
			const char *s = data;
			size_t n = (size_t)(nl - data), eol = 1;

			if (n > 0 && s[n - 1] == '\r') {
				n--;
				eol = 2;
			}
			len -= (size_t)(nl + 1 - data);
			data = nl + 1;
			if (mime_line(m, s, n, eol, 0) < 0) {
				return -1;
			}
			continue;
		}
		if (nl != NULL) {
			take = (size_t)(nl - data) + 1;
		}
		memcpy(m->line + m->linelen, data, take);
		m->linelen += take;
		data += take;
		len -= take;
		r = 0;
		if (nl != NULL) {
			r = line_complete(m);
		} else if (m->linelen == sizeof(m->line)) {
			r = line_piece(m);
		}
		if (r < 0) {
			return -1;
		}
	}
	return 0;
}

/* tlsrpt_mime_new - walker with the given bounds and callbacks; NULL + err on failure */
struct tlsrpt_mime *tlsrpt_mime_new(const struct tlsrpt_limits *lim,
                                    const struct tlsrpt_mime_ops *ops, void *ctx, char *err,
                                    size_t errlen)
{
	struct tlsrpt_mime *m;

	if (lim == NULL || ops == NULL || ops->part_begin == NULL) {
		tlsrpt_errbuf_set(err, errlen,
		                  "MIME walker: limits and a part_begin callback are required");
		return NULL;
	}
	/* not calloc: the line, field and output buffers need no zeroing */
	m = malloc(sizeof(*m));
	if (m == NULL) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	memset(m, 0, offsetof(struct tlsrpt_mime, line));
	m->ops = ops;
	m->ctx = ctx;
	m->max_size = lim->max_message_size;
	m->max_depth = lim->max_mime_depth;
	m->max_parts = lim->max_parts;
	entity_start(m, 0, 1);
	return m;
}

/* tlsrpt_mime_feed - walk the next len bytes; 0 ok, -1 out of memory */
int tlsrpt_mime_feed(struct tlsrpt_mime *m, const char *data, size_t len)
{
	char reason[96];
	size_t take = len;

	if (m->finished || m->cut) {
		return 0;
	}
	if (take > m->max_size - m->seen) {
		take = m->max_size - m->seen;
	}
	m->seen += take;
	if (mime_bytes(m, data, take) < 0) {
		return -1;
	}
	if (take < len) {
		m->cut = 1;
		snprintf(reason, sizeof(reason), "message larger than MaxMessageSize (%zu bytes)",
		         m->max_size);
		mime_problem(m, reason);
	}
	return 0;
}

/* tlsrpt_mime_finish - end of input: flush the last line and close open parts */
int tlsrpt_mime_finish(struct tlsrpt_mime *m)
{
	int r = 0;

	if (m->finished) {
		return 0;
	}
	m->finished = 1;
	if (m->linelen > 0) {
		r = mime_line(m, m->line, m->linelen, 0, 0);
		m->linelen = 0;
	}
	if (r == 0 && !m->stopped && m->state == MIME_HEADER) {
		r = headers_end(m);
	}
	if (!m->stopped) {
		part_close(m, 1);
	}
	m->stopped = 1;
	m->nframes = 0;
	return r;
}

/* tlsrpt_mime_free - release the walker; accepts NULL */
void tlsrpt_mime_free(struct tlsrpt_mime *m)
{
	if (m == NULL) {
		return;
	}
	free(m->frames);
	free(m);
}
