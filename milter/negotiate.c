/*
 * negotiate.c - the protocol steps and macros tlsrpt-milter asks the MTA for
 *
 * Every event the MTA need not send, and every reply it need not wait for,
 * is a round trip less per SMTP session: ordinary mail, nearly all of what
 * passes, must cost the MTA next to nothing.  What is asked for is said
 * once, in negotiate.h.
 */
#include "config.h"

#include "negotiate.h"

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
