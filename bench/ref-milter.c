/*
 * ref-milter.c - reference milters for the MTA benchmark (bench/mta-bench.sh)
 *
 * What does any libmilter filter cost Postfix on this machine, before it
 * does any work of its own?  Three filters that do nothing, to run beside
 * tlsrpt-milter in the same benchmark:
 *
 *   connect  accepts every connection at CONNECT (the least a milter that
 *            is attached can cost: a connection, a thread, option
 *            negotiation);
 *   data     replies CONTINUE to CONNECT, HELO, MAIL and RCPT and accepts
 *            at DATA, with the MTA's default macros (a plain filter that
 *            waits for the recipients, as the reference did);
 *   lean     tlsrpt-milter's negotiation exactly (no CONNECT/HELO/unknown
 *            events, no replies to MAIL, RCPT and headers, empty macro
 *            lists but for DATA, EOH and EOM) and accepts at DATA: the
 *            floor of any filter that must see the recipients.
 *
 * Usage: ref-milter connect|data|lean SOCKET   (libmilter socket spec)
 * Runs in the foreground until SIGTERM/SIGINT.  Not installed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "negotiate.h"

enum mode { MODE_CONNECT, MODE_DATA, MODE_LEAN };

static enum mode mode; /* set once in main before smfi_main */

/* ref_negotiate - lean mode: the same steps and macro lists as tlsrpt-milter */
static sfsistat ref_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                              unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                              unsigned long *pf2, unsigned long *pf3)
{
	(void)f2;
	(void)f3;
	if (mode != MODE_LEAN) {
		return SMFIS_ALL_OPTS;
	}
	*pf0 = (f0 & SMFIF_SETSYMLIST) && tlsrpt_negotiate_macros(ctx) == 0 ? SMFIF_SETSYMLIST : 0;
	*pf1 = tlsrpt_negotiate_steps(f1);
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

/* ref_connect - connect mode accepts here; data mode goes on */
static sfsistat ref_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	(void)ctx;
	(void)host;
	(void)addr;
	return mode == MODE_CONNECT ? SMFIS_ACCEPT : SMFIS_CONTINUE;
}

/* ref_helo - data mode: go on */
static sfsistat ref_helo(SMFICTX *ctx, char *helo)
{
	(void)ctx;
	(void)helo;
	return SMFIS_CONTINUE;
}

/* ref_envfrom - go on (no reply in lean mode) */
static sfsistat ref_envfrom(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return mode == MODE_LEAN ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* ref_envrcpt - go on (no reply in lean mode) */
static sfsistat ref_envrcpt(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return mode == MODE_LEAN ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* ref_data - every recipient is known: accept */
static sfsistat ref_data(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

int main(int argc, char **argv)
{
	struct smfiDesc desc;

	if (argc != 3 || (strcmp(argv[1], "connect") != 0 && strcmp(argv[1], "data") != 0 &&
	                  strcmp(argv[1], "lean") != 0)) {
		fprintf(stderr, "usage: ref-milter connect|data|lean SOCKET\n");
		return 2;
	}
	mode = strcmp(argv[1], "connect") == 0 ? MODE_CONNECT
	       : strcmp(argv[1], "data") == 0  ? MODE_DATA
	                                       : MODE_LEAN;
	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = "ref-milter";
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = 0;
	desc.xxfi_connect = ref_connect;
	desc.xxfi_helo = ref_helo;
	desc.xxfi_envfrom = ref_envfrom;
	desc.xxfi_envrcpt = ref_envrcpt;
	desc.xxfi_data = ref_data;
	desc.xxfi_negotiate = ref_negotiate;
	if (smfi_setconn(argv[2]) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS) {
		fprintf(stderr, "ref-milter: cannot set up %s\n", argv[2]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
