/*
 * negotiate.c - the protocol steps and macros tlsrpt-milter asks the MTA for
 *
 * Every event the MTA need not send, and every reply it need not wait for,
 * is a round trip less per SMTP session: ordinary mail, nearly all of what
 * passes, must cost the MTA next to nothing.  What is asked for is said
 * once, in negotiate.h.
 *
 * The table of negotiations kept across QUIT_NC is hashed by the context's
 * address, one entry a slot, under one mutex (held for a few stores).
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>

#include "negotiate.h"

/* What was negotiated on a libmilter context whose close has run */
struct nego {
	const void *ctx; /* NULL: free slot */
	unsigned long granted;
	unsigned long steps;
};

static struct nego nego_table[TLSRPT_NEGOTIATE_SLOTS];
static pthread_mutex_t nego_lock = PTHREAD_MUTEX_INITIALIZER;

/* tlsrpt_negotiate_steps - the protocol steps taken, of those offered */
unsigned long tlsrpt_negotiate_steps(unsigned long offered)
{
	const unsigned long skip_steps = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN;
	const unsigned long noreply = SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR;

	return offered & (skip_steps | noreply | SMFIP_SKIP);
}

/* tlsrpt_negotiate_macros - the macros asked for at each step */
int tlsrpt_negotiate_macros(SMFICTX *ctx)
{
	if (smfi_setsymlist(ctx, SMFIM_CONNECT, "") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_HELO, "") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_ENVFROM, "") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_ENVRCPT, "") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_DATA, "i j") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_EOH, "i j") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_EOM, "i") != MI_SUCCESS) {
		return -1;
	}
	return 0;
}

/* nego_slot - the table slot of a libmilter context */
static size_t nego_slot(const void *ctx)
{
	uint64_t h = (uint64_t)(uintptr_t)ctx;

	h ^= h >> 29;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) % TLSRPT_NEGOTIATE_SLOTS;
}

/* tlsrpt_negotiate_keep - file a connection's negotiation under its context (at close) */
void tlsrpt_negotiate_keep(const void *ctx, unsigned long granted, unsigned long steps)
{
	struct nego *n = &nego_table[nego_slot(ctx)];

	pthread_mutex_lock(&nego_lock);
	n->ctx = ctx;
	n->granted = granted;
	n->steps = steps;
	pthread_mutex_unlock(&nego_lock);
}

/* tlsrpt_negotiate_take - take back what was negotiated on ctx; 0 found, -1 not */
int tlsrpt_negotiate_take(const void *ctx, unsigned long *granted, unsigned long *steps)
{
	struct nego *n = &nego_table[nego_slot(ctx)];
	int rc = -1;

	pthread_mutex_lock(&nego_lock);
	if (n->ctx == ctx) {
		*granted = n->granted;
		*steps = n->steps;
		n->ctx = NULL;
		rc = 0;
	}
	pthread_mutex_unlock(&nego_lock);
	return rc;
}

/* tlsrpt_negotiate_forget - a context negotiates afresh: drop what was filed under it */
void tlsrpt_negotiate_forget(const void *ctx)
{
	struct nego *n = &nego_table[nego_slot(ctx)];

	pthread_mutex_lock(&nego_lock);
	if (n->ctx == ctx) {
		n->ctx = NULL;
	}
	pthread_mutex_unlock(&nego_lock);
}
