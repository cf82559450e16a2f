/*
 * mime.h - streaming MIME walker
 *
 * The walker is fed a whole message (header block, blank line, body) in
 * chunks of any size, split anywhere, with CRLF or LF line ends.  It never
 * keeps the raw message: it holds one line (TLSRPT_MAX_LINE_LEN) or one
 * unfolded header field (TLSRPT_MAX_HEADER_LEN) at a time, plus a stack
 * of multipart boundaries up to the depth limit.
 *
 * It reports what it finds through callbacks, and the sequence of calls
 * and the bytes passed are the same whatever the chunking:
 *
 *   header()      each top-level header field, unfolded (CR/LF of folding
 *                 removed, the fold's white space kept), name as written;
 *   part_begin()  each leaf part (a non-multipart entity, including a
 *                 single-part message itself); return 1 to receive its
 *                 content, 0 to skip it;
 *   part_data()   the part's content after Content-Transfer-Encoding
 *                 decoding (base64, quoted-printable; 7bit/8bit/binary and
 *                 unknown encodings pass through), in pieces;
 *   part_end()    after the last part_data() of a part that was accepted;
 *   problem()     a structural problem (nesting too deep, too many parts,
 *                 message size limit reached); the walk goes on where it
 *                 can, skipping what is out of bounds.
 *
 * Line ends inside a part's content are passed as they were in the input;
 * the line end before a boundary delimiter belongs to the delimiter and is
 * not passed (RFC 2046 5.1.1).
 */
#ifndef TLSRPT_MIME_H
#define TLSRPT_MIME_H

#include <stddef.h>

#include "tlsrpt_limits.h"
#include "mimefield.h"

struct tlsrpt_mime_part {
	unsigned index;           /* 1-based leaf part number in message order */
	unsigned depth;           /* 0 for the message itself, 1 inside its multipart, ... */
	const char *content_type; /* "type/subtype", lower case; "text/plain" when absent */
	const char *filename;     /* Content-Disposition filename (RFC 2231 decoded) or
	                             Content-Type name, NULL when neither; valid during the call */
	enum tlsrpt_cte cte;
};

struct tlsrpt_mime_ops {
	void (*header)(void *ctx, const char *name, const char *value);
	int (*part_begin)(void *ctx, const struct tlsrpt_mime_part *part);
	void (*part_data)(void *ctx, const unsigned char *data, size_t len);
	void (*part_end)(void *ctx);
	void (*problem)(void *ctx, const char *reason);
};

struct tlsrpt_mime;

/* tlsrpt_mime_new - walker with the given bounds and callbacks; NULL + err on failure */
struct tlsrpt_mime *tlsrpt_mime_new(const struct tlsrpt_limits *lim,
                                    const struct tlsrpt_mime_ops *ops, void *ctx, char *err,
                                    size_t errlen);

/* tlsrpt_mime_feed - walk the next len bytes; 0 ok, -1 out of memory */
int tlsrpt_mime_feed(struct tlsrpt_mime *m, const char *data, size_t len);

/* tlsrpt_mime_finish - end of input: flush the last line and close open parts */
int tlsrpt_mime_finish(struct tlsrpt_mime *m);

/* tlsrpt_mime_free - release the walker; accepts NULL */
void tlsrpt_mime_free(struct tlsrpt_mime *m);

#endif
