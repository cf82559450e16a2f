/*
 * qp.c - streaming quoted-printable decoder (RFC 2045 6.7)
 *
 * The decoder is a small state machine over single characters.  At most
 * three input characters are ever held between calls (d->pend), which is
 * what keeps a call's output within len + 3 bytes: every output byte comes
 * from an input character of this call or from one held at its start.
 *
 * What pend holds:
 *   nothing            plain text;
 *   white space        spaces and tabs that may turn out to be trailing
 *                      (d->eq == 0);
 *   "=", "=X", "=W",   the start of an escape, X a hex digit, W a space or
 *   "=WW"              tab (d->eq == 1).
 *
 * Rules:
 *   - "=XX" with hex digits in either case becomes the byte;
 *   - "=" followed by CRLF, LF or a lone CR, with at most two spaces or
 *     tabs in between (transport padding), is a soft line break: nothing
 *     is written; the LF of a CRLF split across calls is still eaten
 *     (d->skip_lf);
 *   - "=" at the very end of the input (flush), optionally followed by
 *     white space, is a soft break too: the line end that followed it
 *     belonged to a MIME boundary delimiter;
 *   - any other "=" sequence is malformed and passes through literally:
 *     the "=" is written and the characters after it are decoded again as
 *     ordinary text;
 *   - spaces and tabs right before a line end (or the end of input) are
 *     dropped: RFC 2045 says they were added in transport.  Only the last
 *     three of a run can be held back, so a longer run keeps all but its
 *     last three characters; the result does not depend on how the input
 *     was split.
 *   - line ends (CRLF or LF) are passed as they are.
 *
 * Diagnostics: none; malformed input is never an error.
 */
#include "config.h"

#include "qp.h"

#include "ascii.h"

/* qp_reset - forget the held characters */
static void qp_reset(struct tlsrpt_qp *d)
{
	d->npend = 0;
	d->eq = 0;
}

/* qp_emit_pend - write the held characters literally and forget them */
static size_t qp_emit_pend(struct tlsrpt_qp *d, unsigned char *out)
{
	unsigned i;

	for (i = 0; i < d->npend; i++) {
		out[i] = (unsigned char)d->pend[i];
	}
	i = d->npend;
	qp_reset(d);
	return i;
}

/* qp_text - one character outside an "=" sequence; returns bytes written */
static size_t qp_text(struct tlsrpt_qp *d, unsigned char c, unsigned char *out)
{
	size_t n = 0;

	if (c == ' ' || c == '\t') {
		if (d->npend == sizeof(d->pend)) {
			out[n++] = (unsigned char)d->pend[0];
			d->pend[0] = d->pend[1];
			d->pend[1] = d->pend[2];
			d->npend--;
		}
		d->pend[d->npend++] = (char)c;
		return n;
	}
	if (c == '\r' || c == '\n') {
		qp_reset(d);
		out[n++] = c;
		return n;
	}
	n = qp_emit_pend(d, out);
	if (c == '=') {
		d->pend[0] = '=';
		d->npend = 1;
		d->eq = 1;
		return n;
	}
	out[n++] = c;
	return n;
}

/* qp_malformed - write the "=" of a broken sequence, decode the rest again */
static size_t qp_malformed(struct tlsrpt_qp *d, unsigned char c, unsigned char *out)
{
	char rest[2];
	unsigned nrest = d->npend - 1;
	unsigned i;
	size_t n = 0;

	for (i = 0; i < nrest; i++) {
		rest[i] = d->pend[i + 1];
	}
	qp_reset(d);
	out[n++] = '=';
	for (i = 0; i < nrest; i++) {
		n += qp_text(d, (unsigned char)rest[i], out + n);
	}
	n += qp_text(d, c, out + n);
	return n;
}

/* qp_escape - one character inside an "=" sequence; returns bytes written */
static size_t qp_escape(struct tlsrpt_qp *d, unsigned char c, unsigned char *out)
{
	int hi;
	int lo;

	if (c == '\r' || c == '\n') {
		if (d->npend == 1 || d->pend[1] == ' ' || d->pend[1] == '\t') {
			qp_reset(d);
			d->skip_lf = c == '\r';
			return 0;
		}
		return qp_malformed(d, c, out);
	}
	if (d->npend == 1) {
		if (tlsrpt_hexval(c) >= 0 || c == ' ' || c == '\t') {
			d->pend[d->npend++] = (char)c;
			return 0;
		}
		return qp_malformed(d, c, out);
	}
	if (d->pend[1] == ' ' || d->pend[1] == '\t') {
		if ((c == ' ' || c == '\t') && d->npend < sizeof(d->pend)) {
			d->pend[d->npend++] = (char)c;
			return 0;
		}
		return qp_malformed(d, c, out);
	}
	hi = tlsrpt_hexval((unsigned char)d->pend[1]);
	lo = tlsrpt_hexval(c);
	if (lo < 0) {
		return qp_malformed(d, c, out);
	}
	qp_reset(d);
	out[0] = (unsigned char)(hi << 4 | lo);
	return 1;
}

/* tlsrpt_qp_init - reset the decoder */
void tlsrpt_qp_init(struct tlsrpt_qp *d)
{
	qp_reset(d);
	d->skip_lf = 0;
}

/* tlsrpt_qp_decode - decode len bytes into out (room for len+3); returns bytes written */
size_t tlsrpt_qp_decode(struct tlsrpt_qp *d, const char *in, size_t len, unsigned char *out)
{
	size_t i;
	size_t n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (d->skip_lf) {
			d->skip_lf = 0;
			if (c == '\n') {
				continue;
			}
		}
		if (d->eq) {
			n += qp_escape(d, c, out + n);
		} else {
			n += qp_text(d, c, out + n);
		}
	}
	return n;
}

/* tlsrpt_qp_flush - end of input: write out any unfinished sequence (room for 3) */
size_t tlsrpt_qp_flush(struct tlsrpt_qp *d, unsigned char *out)
{
	size_t n = 0;

	if (d->eq && d->npend == 2 && tlsrpt_hexval((unsigned char)d->pend[1]) >= 0) {
		n = qp_emit_pend(d, out);
	}
	tlsrpt_qp_init(d);
	return n;
}
