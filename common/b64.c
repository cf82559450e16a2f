/*
 * b64.c - streaming base64 decoder
 *
 * Each alphabet character adds six bits to an accumulator; a byte is
 * written as soon as eight bits are pending, so nothing is held back
 * between calls except up to six bits and there is nothing to flush at the
 * end of input.  Bits left over at the end (a last group without padding,
 * or a lone sextet) are dropped, as every tolerant decoder does.
 *
 * Rules:
 *   - space, tab, CR and LF are skipped anywhere;
 *   - any other character outside the alphabet is skipped and counted in
 *     d->invalid, so a caller can tell a damaged part from a clean one;
 *   - "=" inside a group ends the data: everything after it is ignored,
 *     uncounted;
 *   - "=" where a group would start is not padding but a stray character:
 *     it is skipped and counted.
 *
 * Bound: a call writes at most (6 + 6 * len) / 8 <= len * 3 / 4 + 1 bytes.
 *
 * Diagnostics: none; the only report is the d->invalid counter.
 */
#include "b64.h"

/* b64_value - the six-bit value of c, -1 for white space, -2 for other non-alphabet */
static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
		return -1;
	}
	return -2;
}

/* tlsrpt_b64_init - reset the decoder */
void tlsrpt_b64_init(struct tlsrpt_b64 *d)
{
	d->acc = 0;
	d->nbits = 0;
	d->done = 0;
	d->invalid = 0;
}

/* tlsrpt_b64_decode - decode len bytes into out (room for len*3/4+3); returns bytes written */
size_t tlsrpt_b64_decode(struct tlsrpt_b64 *d, const char *in, size_t len, unsigned char *out)
{
	size_t i;
	size_t n = 0;
	int v;

	for (i = 0; i < len && !d->done; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '=') {
			if (d->nbits == 0) {
				d->invalid++;
			} else {
				d->done = 1;
			}
			continue;
		}
		v = b64_value(c);
		if (v == -1) {
			continue;
		}
		if (v == -2) {
			d->invalid++;
			continue;
		}
		d->acc = ((d->acc << 6) | (unsigned long)v) & 0xffffffUL;
		d->nbits += 6;
		if (d->nbits >= 8) {
			d->nbits -= 8;
			out[n++] = (unsigned char)((d->acc >> d->nbits) & 0xff);
		}
	}
	return n;
}
