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
 * One lookup in a 256-entry table classifies each byte; the accumulator
 * lives in locals during a call.  At a group boundary, four alphabet
 * characters in a row are decoded as one group of three bytes (the shape
 * of nearly every line of a base64 body); anything else goes one
 * character at a time.
 *
 * Diagnostics: none; the only report is the d->invalid counter.
 */
#include "config.h"

#include "b64.h"

#define B64_WSP -1   /* space, tab, CR, LF: skipped */
#define B64_OTHER -2 /* outside the alphabet: skipped and counted */
#define B64_PAD -3   /* '=' */

/* the six-bit value of each byte, or one of the negative classes above */
static const signed char b64_table[256] = {
        -2, -2, -2, -2, -2, -2, -2, -2, -2, -1, -1, -2, -2, -1, -2, -2, -2, -2, -2, -2, -2, -2,
        -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -1, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, 62,
        -2, -2, -2, 63, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -2, -2, -2, -3, -2, -2, -2, 0,
        1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
        23, 24, 25, -2, -2, -2, -2, -2, -2, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38,
        39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -2, -2, -2, -2, -2, -2, -2, -2, -2,
        -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2,
        -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2,
        -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2,
        -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2,
        -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2,
        -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2,
};

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
	const unsigned char *u = (const unsigned char *)in;
	unsigned long acc = d->acc;
	unsigned nbits = d->nbits;
	int done = d->done;
	size_t i = 0;
	size_t n = 0;
	int v, v1, v2, v3;

	while (i < len && !done) {
		/*
		 * At a group boundary, four alphabet characters in a row are
		 * three bytes: what the loop below would write for them, with
		 * acc left holding those 24 bits and no bit pending.
		 */
		while (nbits == 0 && len - i >= 4) {
			v = b64_table[u[i]];
			v1 = b64_table[u[i + 1]];
			v2 = b64_table[u[i + 2]];
			v3 = b64_table[u[i + 3]];
			if ((v | v1 | v2 | v3) < 0) {
				break;
			}
			acc = (unsigned long)v << 18 | (unsigned long)v1 << 12 |
			      (unsigned long)v2 << 6 | (unsigned long)v3;
			out[n] = (unsigned char)(acc >> 16);
			out[n + 1] = (unsigned char)(acc >> 8);
			out[n + 2] = (unsigned char)acc;
			n += 3;
			i += 4;
		}
		if (i == len) {
			break;
		}
		v = b64_table[u[i++]];
		if (v >= 0) {
			acc = (acc << 6 | (unsigned long)v) & 0xffffffUL;
			nbits += 6;
			if (nbits >= 8) {
				nbits -= 8;
				out[n++] = (unsigned char)(acc >> nbits);
			}
		} else if (v == B64_PAD) {
			if (nbits == 0) {
				d->invalid++;
			} else {
				done = 1;
			}
		} else if (v == B64_OTHER) {
			d->invalid++;
		}
	}
	d->acc = acc;
	d->nbits = nbits;
	d->done = done;
	return n;
}
