/*
 * qp.h - streaming quoted-printable decoder (RFC 2045 6.7)
 *
 * "=XX" becomes the byte, "=" at the end of a line is a soft break,
 * a malformed "=" sequence passes through literally, white space at the
 * end of a line is dropped (up to three characters of it, see qp.c).
 * State survives between calls so input may be split anywhere, including
 * inside "=XX".
 */
#ifndef TLSRPT_QP_H
#define TLSRPT_QP_H

#include <stddef.h>

struct tlsrpt_qp {
	char pend[3];   /* held bytes: an unfinished "=" sequence, or trailing white space */
	unsigned npend; /* number of held bytes */
	int eq;         /* pend holds an "=" sequence (else white space) */
	int skip_lf;    /* a soft break ended in CR: drop an LF that follows */
};

/* tlsrpt_qp_init - reset the decoder */
void tlsrpt_qp_init(struct tlsrpt_qp *d);

/* tlsrpt_qp_decode - decode len bytes into out (room for len+3); returns bytes written */
size_t tlsrpt_qp_decode(struct tlsrpt_qp *d, const char *in, size_t len, unsigned char *out);

/* tlsrpt_qp_flush - end of input: write out any unfinished sequence (room for 3) */
size_t tlsrpt_qp_flush(struct tlsrpt_qp *d, unsigned char *out);

#endif
