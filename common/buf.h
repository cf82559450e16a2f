/*
 * buf.h - bounded, growable byte buffer
 *
 * A buffer grows on demand up to a hard maximum fixed at creation; an
 * append that would pass the maximum fails and leaves the buffer as it was.
 * The contents are always NUL-terminated (the NUL is not counted in len).
 */
#ifndef TLSRPT_BUF_H
#define TLSRPT_BUF_H

#include <stddef.h>

struct tlsrpt_buf {
	char *data; /* NULL until the first append */
	size_t len; /* bytes in use */
	size_t cap; /* bytes allocated, excluding the NUL */
	size_t max; /* hard maximum for len */
};

/* tlsrpt_buf_init - empty buffer that may hold at most max bytes */
void tlsrpt_buf_init(struct tlsrpt_buf *b, size_t max);

/* tlsrpt_buf_append - append; 0 ok, -1 over the maximum, -2 out of memory */
int tlsrpt_buf_append(struct tlsrpt_buf *b, const void *data, size_t len);

/*
 * tlsrpt_buf_reserve - make room for want more bytes after len, or for as
 * many as the maximum leaves; 0 ok, -2 out of memory.  The room is
 * cap - len bytes at data + len; fill it, then tlsrpt_buf_commit.
 */
int tlsrpt_buf_reserve(struct tlsrpt_buf *b, size_t want);

/* tlsrpt_buf_commit - count n bytes written into the room (n <= cap - len) and NUL-terminate */
void tlsrpt_buf_commit(struct tlsrpt_buf *b, size_t n);

/*
 * tlsrpt_buf_cap_for - the capacity the buffer will have once it holds need
 * bytes (need <= max): its capacity now, or what growth will allocate, so a
 * caller can account for memory before the buffer takes it
 */
size_t tlsrpt_buf_cap_for(const struct tlsrpt_buf *b, size_t need);

/* tlsrpt_buf_reset - forget the contents, keep the allocation */
void tlsrpt_buf_reset(struct tlsrpt_buf *b);

/* tlsrpt_buf_free - release the allocation; the buffer may be reused after init */
void tlsrpt_buf_free(struct tlsrpt_buf *b);

#endif
