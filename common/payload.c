/*
 * payload.c - collect one report part's decoded bytes, inflating if gzip
 *
 * The first two bytes of a part decide (they may arrive in separate
 * feeds): 1f 8b (gzip) or a zlib header (CM 8, CINFO <= 7, the 16-bit
 * header a multiple of 31) means inflation with inflateInit2(15 + 32),
 * which detects gzip or zlib itself; anything else is copied as it is.
 *
 * Inflation writes straight into the bounded output buffer (reserve room,
 * inflate into it, commit), so memory stays at the bound plus the zlib
 * state whatever the compression ratio and no byte is copied twice.  Once
 * the output has reached the bound, inflate gets a one-byte scratch
 * buffer: a byte there means the report would pass the bound, and the
 * part fails.  After the end of a gzip stream, another gzip member (1f 8b)
 * is inflated too (concatenated members, RFC 1952 2.2); anything else is
 * ignored.  The z_stream is initialised once per collector and reused
 * through inflateReset().
 *
 * zlib's own allocations (its 7 KB state and 32 KB window) come from a
 * zone inside the collector through zalloc/zfree hooks, so a new
 * collector costs one malloc, not three, and nothing is zeroed: the zone
 * is a bump allocator that falls back to malloc should zlib ever ask for
 * more than it holds.
 *
 * Diagnostics (err, also kept for later feeds and finish): "report exceeds
 * MaxReportSize (N bytes)", "truncated gzip data", "gzip data error:
 * <zlib message>", "empty report part", "out of memory".
 *
 * The only module of common/ that includes zlib.h (tlsrpt-lookout reads
 * rotated logs through lookout/gzlog.c).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "errbuf.h"
#include "payload.h"

#define STEP (4 * 1024)       /* output room reserved before each inflate call */
#define ZONE (40 * 1024)      /* inflate state (about 7 KB) + 32 KB window */
#define ZALIGN 16             /* alignment of zone allocations */
#define MAX_AVAIL 0x40000000u /* avail_in/avail_out are uInt: at most 1 GiB per call */

enum state {
	ST_SNIFF,   /* waiting for the first two bytes */
	ST_PLAIN,   /* copying */
	ST_INFLATE, /* inside a zlib/gzip stream */
	ST_MEMBER,  /* after a gzip stream: waiting for the next member's magic */
	ST_TRAILER, /* after the stream: ignoring the rest */
	ST_FAILED,  /* reason in p->reason; ignoring the rest */
};

struct tlsrpt_payload {
	enum tlsrpt_payload_kind kind;
	enum state state;
	struct tlsrpt_buf out;
	unsigned char sniff[2]; /* first bytes held until the kind is known */
	size_t nsniff;
	int nonblank; /* plain: a byte other than white space was seen */
	int zinit;    /* zs initialised */
	z_stream zs;
	char reason[128];                /* why the part failed, as text */
	enum tlsrpt_payload_fault fault; /* why the part failed, for the caller to decide on */
	struct tlsrpt_budget *budget;
	size_t charged; /* bytes of out charged to budget */
	size_t zused;   /* bytes of zone handed to zlib */
	unsigned char zone[ZONE] __attribute__((aligned(ZALIGN)));
};

/* tlsrpt_payload_new - collector bounded to max bytes of output; NULL when out of memory */
struct tlsrpt_payload *tlsrpt_payload_new(size_t max)
{
	/* not calloc: the zone need not be zeroed */
	struct tlsrpt_payload *p = malloc(sizeof(*p));

	if (p == NULL) {
		return NULL;
	}
	memset(p, 0, offsetof(struct tlsrpt_payload, zone));
	tlsrpt_buf_init(&p->out, max);
	tlsrpt_payload_reset(p);
	return p;
}

/* tlsrpt_payload_reset - start a new part, keeping allocations (and the zlib stream) */
void tlsrpt_payload_reset(struct tlsrpt_payload *p)
{
	p->kind = TLSRPT_PAYLOAD_UNKNOWN;
	p->state = ST_SNIFF;
	p->nsniff = 0;
	p->nonblank = 0;
	p->reason[0] = '\0';
	p->fault = TLSRPT_PAYLOAD_FINE;
	tlsrpt_buf_reset(&p->out);
}

/* tlsrpt_payload_set_budget - charge the output buffer to budget from now on */
void tlsrpt_payload_set_budget(struct tlsrpt_payload *p, struct tlsrpt_budget *budget)
{
	tlsrpt_budget_give(p->budget, p->charged);
	p->charged = 0;
	p->budget = budget;
}

/* tlsrpt_payload_set_max - hold this part's output to max bytes */
void tlsrpt_payload_set_max(struct tlsrpt_payload *p, size_t max)
{
	p->out.max = max;
}

/* tlsrpt_payload_size - output bytes of this part so far */
size_t tlsrpt_payload_size(const struct tlsrpt_payload *p)
{
	return p->out.len;
}

/* tlsrpt_payload_fault - why the part failed */
enum tlsrpt_payload_fault tlsrpt_payload_fault(const struct tlsrpt_payload *p)
{
	return p->fault;
}

/* fail - record the fault and its reason, copy the reason to err, return -1 */
static int fail(struct tlsrpt_payload *p, enum tlsrpt_payload_fault fault, const char *reason,
                char *err, size_t errlen)
{
	if (reason != p->reason) {
		snprintf(p->reason, sizeof(p->reason), "%s", reason);
	}
	p->fault = fault;
	p->state = ST_FAILED;
	if (err != NULL && errlen > 0) {
		tlsrpt_errbuf_set(err, errlen, "%s", p->reason);
	}
	return -1;
}

/* zone_alloc - zlib's zalloc: from the zone while it lasts, then malloc */
static voidpf zone_alloc(voidpf opaque, uInt items, uInt size)
{
	struct tlsrpt_payload *p = opaque;
	size_t n = (size_t)items * size;
	void *r;

	if (items != 0 && n / items != size) {
		return Z_NULL;
	}
	n = (n + ZALIGN - 1) & ~(size_t)(ZALIGN - 1);
	if (n <= ZONE - p->zused) {
		r = p->zone + p->zused;
		p->zused += n;
		return r;
	}
	return malloc(n);
}

/* zone_free - zlib's zfree: zone memory goes with the collector, the rest to free() */
static void zone_free(voidpf opaque, voidpf addr)
{
	struct tlsrpt_payload *p = opaque;
	const unsigned char *a = addr;

	if (a < p->zone || a >= p->zone + ZONE) {
		free(addr);
	}
}

/* charge - account for the output buffer holding need bytes before it grows; 0 ok, -1 failed */
static int charge(struct tlsrpt_payload *p, size_t need, char *err, size_t errlen)
{
	size_t cap;

	if (p->budget == NULL || need > p->out.max) {
		return 0;
	}
	cap = tlsrpt_buf_cap_for(&p->out, need);
	if (cap <= p->charged) {
		return 0;
	}
	if (tlsrpt_budget_take(p->budget, cap - p->charged) < 0) {
		return fail(p, TLSRPT_PAYLOAD_BUSY, "memory budget exhausted", err, errlen);
	}
	p->charged = cap;
	return 0;
}

/* append - add output bytes; 0 ok, -1 failed (err) */
static int append(struct tlsrpt_payload *p, const void *data, size_t len, char *err, size_t errlen)
{
	char msg[sizeof(p->reason)];

	if (len <= p->out.max - p->out.len && charge(p, p->out.len + len, err, errlen) < 0) {
		return -1;
	}
	switch (tlsrpt_buf_append(&p->out, data, len)) {
	case 0:
		return 0;
	case -1:
		snprintf(msg, sizeof(msg), "report exceeds MaxReportSize (%zu bytes)", p->out.max);
		return fail(p, TLSRPT_PAYLOAD_TOO_LARGE, msg, err, errlen);
	default:
		return fail(p, TLSRPT_PAYLOAD_NOMEM, "out of memory", err, errlen);
	}
}

/* is_zlib_header - a plausible zlib stream header (RFC 1950 2.2) */
static int is_zlib_header(unsigned char b0, unsigned char b1)
{
	return (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((unsigned)b0 << 8 | b1) % 31 == 0;
}

/* start_inflate - (re)start a zlib stream; 0 ok, -1 failed (err) */
static int start_inflate(struct tlsrpt_payload *p, char *err, size_t errlen)
{
	if (!p->zinit) {
		memset(&p->zs, 0, sizeof(p->zs));
		p->zs.zalloc = zone_alloc;
		p->zs.zfree = zone_free;
		p->zs.opaque = p;
		p->zused = 0;
		if (inflateInit2(&p->zs, 15 + 32) != Z_OK) {
			return fail(p, TLSRPT_PAYLOAD_NOMEM, "out of memory", err, errlen);
		}
		p->zinit = 1;
	} else if (inflateReset(&p->zs) != Z_OK) {
		return fail(p, TLSRPT_PAYLOAD_BAD_DATA, "gzip data error: inflateReset failed", err,
		            errlen);
	}
	p->state = ST_INFLATE;
	return 0;
}

/* over_max - the output is at the bound: -1 (failed, err) if zlib has a byte more, else 0 */
static int over_max(struct tlsrpt_payload *p, int *ret, char *err, size_t errlen)
{
	char msg[sizeof(p->reason)];
	unsigned char scratch;

	p->zs.next_out = &scratch;
	p->zs.avail_out = 1;
	*ret = inflate(&p->zs, Z_NO_FLUSH);
	if (p->zs.avail_out == 0) {
		snprintf(msg, sizeof(msg), "report exceeds MaxReportSize (%zu bytes)", p->out.max);
		return fail(p, TLSRPT_PAYLOAD_TOO_LARGE, msg, err, errlen);
	}
	return 0;
}

/* inflate_some - inflate len bytes; the bytes after a stream end are left in *rest */
static int inflate_some(struct tlsrpt_payload *p, const unsigned char *data, size_t len,
                        size_t *rest, char *err, size_t errlen)
{
	char msg[sizeof(p->reason)];
	size_t room;
	int ret;

	*rest = 0;
	p->zs.next_in = (unsigned char *)(uintptr_t)data;
	p->zs.avail_in = 0;
	for (;;) {
		/* avail_in is a uInt: feed very large inputs in slices. */
		if (p->zs.avail_in == 0 && len > 0) {
			uInt slice = len > MAX_AVAIL ? MAX_AVAIL : (uInt)len;

			p->zs.avail_in = slice;
			len -= slice;
		}
		if (p->out.len == p->out.max) {
			if (over_max(p, &ret, err, errlen) < 0) {
				return -1;
			}
		} else {
			room = p->out.max - p->out.len < STEP ? p->out.max - p->out.len : STEP;
			if (charge(p, p->out.len + room, err, errlen) < 0) {
				return -1;
			}
			if (tlsrpt_buf_reserve(&p->out, STEP) < 0) {
				return fail(p, TLSRPT_PAYLOAD_NOMEM, "out of memory", err, errlen);
			}
			/* the capacity may pass the bound: set_max lowers it for a later part */
			room = (p->out.cap < p->out.max ? p->out.cap : p->out.max) - p->out.len;
			p->zs.next_out = (unsigned char *)p->out.data + p->out.len;
			p->zs.avail_out = room > MAX_AVAIL ? MAX_AVAIL : (uInt)room;
			room = p->zs.avail_out;
			ret = inflate(&p->zs, Z_NO_FLUSH);
			tlsrpt_buf_commit(&p->out, room - p->zs.avail_out);
		}
		switch (ret) {
		case Z_OK:
		case Z_BUF_ERROR: /* no progress possible: needs more input */
			break;
		case Z_STREAM_END:
			*rest = p->zs.avail_in + len;
			p->zs.avail_in = 0;
			p->state = ST_MEMBER;
			return 0;
		case Z_NEED_DICT:
			return fail(p, TLSRPT_PAYLOAD_BAD_DATA,
			            "gzip data error: preset dictionary required", err, errlen);
		case Z_MEM_ERROR:
			return fail(p, TLSRPT_PAYLOAD_NOMEM, "out of memory", err, errlen);
		default:
			snprintf(msg, sizeof(msg), "gzip data error: %s",
			         p->zs.msg != NULL ? p->zs.msg : "unknown");
			return fail(p, TLSRPT_PAYLOAD_BAD_DATA, msg, err, errlen);
		}
		/* Done when all input is in and zlib has no more output pending. */
		if (p->zs.avail_in == 0 && len == 0 && p->zs.avail_out != 0) {
			return 0;
		}
	}
}

/* feed_plain - copy bytes, noting whether any is not white space */
static int feed_plain(struct tlsrpt_payload *p, const unsigned char *data, size_t len, char *err,
                      size_t errlen)
{
	size_t i;

	for (i = 0; i < len && !p->nonblank; i++) {
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' && data[i] != '\n') {
			p->nonblank = 1;
		}
	}
	return append(p, data, len, err, errlen);
}

/*
 * sniffed - the held first bytes of a part (member 0) or of what follows a
 * gzip stream (member 1) are known: choose what to do and consume them
 */
static int sniffed(struct tlsrpt_payload *p, int member, char *err, size_t errlen)
{
	size_t n = p->nsniff, rest;
	int gz = n == 2 && p->sniff[0] == 0x1f && p->sniff[1] == 0x8b;

	p->nsniff = 0;
	if (member) {
		if (!gz) {
			p->state = ST_TRAILER;
			return 0;
		}
	} else if (gz || (n == 2 && is_zlib_header(p->sniff[0], p->sniff[1]))) {
		p->kind = TLSRPT_PAYLOAD_GZIP;
	} else {
		p->kind = TLSRPT_PAYLOAD_PLAIN;
		p->state = ST_PLAIN;
		return feed_plain(p, p->sniff, n, err, errlen);
	}
	if (start_inflate(p, err, errlen) < 0) {
		return -1;
	}
	return inflate_some(p, p->sniff, n, &rest, err, errlen);
}

/* tlsrpt_payload_feed - add input; 0 ok, -1 failed (reason in err; later feeds are ignored) */
int tlsrpt_payload_feed(struct tlsrpt_payload *p, const unsigned char *data, size_t len, char *err,
                        size_t errlen)
{
	size_t rest;

	while (len > 0) {
		switch (p->state) {
		case ST_FAILED:
			return fail(p, p->fault, p->reason, err, errlen);
		case ST_TRAILER:
			return 0;
		case ST_PLAIN:
			return feed_plain(p, data, len, err, errlen);
		case ST_SNIFF:
		case ST_MEMBER:
			p->sniff[p->nsniff++] = *data++;
			len--;
			if (p->nsniff == 2 && sniffed(p, p->state == ST_MEMBER, err, errlen) < 0) {
				return -1;
			}
			break;
		case ST_INFLATE:
			if (inflate_some(p, data, len, &rest, err, errlen) < 0) {
				return -1;
			}
			data += len - rest;
			len = rest;
			break;
		}
	}
	return p->state == ST_FAILED ? fail(p, p->fault, p->reason, err, errlen) : 0;
}

/* tlsrpt_payload_finish - end of the part: the output, or -1 with the reason in err */
int tlsrpt_payload_finish(struct tlsrpt_payload *p, const char **out, size_t *outlen, char *err,
                          size_t errlen)
{
	*out = NULL;
	*outlen = 0;
	if (p->state == ST_SNIFF && p->nsniff > 0 && sniffed(p, 0, err, errlen) < 0) {
		return -1;
	}
	switch (p->state) {
	case ST_FAILED:
		return fail(p, p->fault, p->reason, err, errlen);
	case ST_INFLATE:
		return fail(p, TLSRPT_PAYLOAD_BAD_DATA, "truncated gzip data", err, errlen);
	case ST_MEMBER:
		p->nsniff = 0; /* a lone byte after the stream: ignored */
		p->state = ST_TRAILER;
		break;
	default:
		break;
	}
	if (p->out.len == 0 || (p->kind == TLSRPT_PAYLOAD_PLAIN && !p->nonblank)) {
		return fail(p, TLSRPT_PAYLOAD_EMPTY, "empty report part", err, errlen);
	}
	*out = p->out.data;
	*outlen = p->out.len;
	return 0;
}

/* tlsrpt_payload_kind - what the first bytes said */
enum tlsrpt_payload_kind tlsrpt_payload_kind(const struct tlsrpt_payload *p)
{
	return p->kind;
}

/* tlsrpt_payload_free - release everything; accepts NULL */
void tlsrpt_payload_free(struct tlsrpt_payload *p)
{
	if (p == NULL) {
		return;
	}
	if (p->zinit) {
		inflateEnd(&p->zs);
	}
	tlsrpt_budget_give(p->budget, p->charged);
	tlsrpt_buf_free(&p->out);
	free(p);
}
