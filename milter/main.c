/*
 * main.c - tlsrpt-milter: command line and start-up
 *
 * (Interim: only the offline mode; the daemon lands with the milter issue.)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "limits.h"
#include "offline.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: tlsrpt-milter -t FILE...\n");
}

int main(int argc, char **argv)
{
	struct tlsrpt_limits lim;
	int ch, test = 0;

	while ((ch = getopt(argc, argv, "thV")) != -1) {
		switch (ch) {
		case 't':
			test = 1;
			break;
		case 'V':
			printf("tlsrpt-milter %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!test || optind >= argc) {
		usage(stderr);
		return 2;
	}
	tlsrpt_limits_default(&lim);
	return tlsrpt_offline_run(argv + optind, argc - optind, &lim, 0, stdout, stderr);
}
