/*
 * b64.h - streaming base64 decoder
 *
 * Tolerant as mail needs: white space and line breaks anywhere, any line
 * length, characters outside the alphabet skipped (and counted), padding
 * optional.  Decoding state survives between calls so input may be split
 * anywhere.
 */
#ifndef TLSRPT_B64_H
#define TLSRPT_B64_H

#include <stddef.h>

struct tlsrpt_b64 {
	unsigned long acc; /* pending bits */
	unsigned nbits;    /* number of pending bits */
	int done;          /* '=' padding seen: ignore the rest */
	size_t invalid;    /* characters outside the alphabet that were skipped */
};

/* tlsrpt_b64_init - reset the decoder */
void tlsrpt_b64_init(struct tlsrpt_b64 *d);

/* tlsrpt_b64_decode - decode len bytes into out (room for len*3/4+3); returns bytes written */
size_t tlsrpt_b64_decode(struct tlsrpt_b64 *d, const char *in, size_t len, unsigned char *out);

#endif
