/*
 * buf.c - bounded, growable byte buffer
 *
 * Growth doubles the capacity (starting at 256 bytes) but never allocates
 * past the maximum, so a buffer costs at most max + 1 bytes.  Besides
 * append, a producer may write in place: reserve room, write, commit
 * (payload.c inflates straight into its output buffer this way).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* tlsrpt_buf_init - empty buffer that may hold at most max bytes */
void tlsrpt_buf_init(struct tlsrpt_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

/* tlsrpt_buf_cap_for - the capacity after growing to hold need bytes (need <= max) */
size_t tlsrpt_buf_cap_for(const struct tlsrpt_buf *b, size_t need)
{
	size_t ncap = b->cap ? b->cap : 256;

	if (need <= b->cap && b->data != NULL) {
		return b->cap;
	}
	while (ncap < need) {
		ncap = ncap > b->max / 2 ? b->max : ncap * 2;
	}
	return ncap > b->max ? b->max : ncap;
}

/* grow - capacity for need bytes (need <= max); 0 ok, -2 out of memory */
static int grow(struct tlsrpt_buf *b, size_t need)
{
	size_t ncap;
	char *n;

	if (need <= b->cap && b->data != NULL) {
		return 0;
	}
	ncap = tlsrpt_buf_cap_for(b, need);
	n = realloc(b->data, ncap + 1);
	if (n == NULL) {
		return -2;
	}
	b->data = n;
	b->cap = ncap;
	return 0;
}

/* tlsrpt_buf_append - append; 0 ok, -1 over the maximum, -2 out of memory */
int tlsrpt_buf_append(struct tlsrpt_buf *b, const void *data, size_t len)
{
	if (len > b->max - b->len) {
		return -1;
	}
	if (grow(b, b->len + len) < 0) {
		return -2;
	}
	if (len > 0) {
		memcpy(b->data + b->len, data, len);
	}
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

/* tlsrpt_buf_reserve - room for want more bytes, or up to the maximum; 0 ok, -2 out of memory */
int tlsrpt_buf_reserve(struct tlsrpt_buf *b, size_t want)
{
	if (want > b->max - b->len) {
		want = b->max - b->len;
	}
	if (grow(b, b->len + want) < 0) {
		return -2;
	}
	b->data[b->len] = '\0';
	return 0;
}

/* tlsrpt_buf_commit - count n bytes written into the room and NUL-terminate */
void tlsrpt_buf_commit(struct tlsrpt_buf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}

/* tlsrpt_buf_reset - forget the contents, keep the allocation */
void tlsrpt_buf_reset(struct tlsrpt_buf *b)
{
	b->len = 0;
	if (b->data != NULL) {
		b->data[0] = '\0';
	}
}

/* tlsrpt_buf_free - release the allocation; the buffer may be reused after init */
void tlsrpt_buf_free(struct tlsrpt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
