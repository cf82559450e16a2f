/*
 * siteconf.c - the milter's configuration for tlsrpt-lookout (see siteconf.h)
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "siteconf.h"

/* tlsrpt_siteconf_load - the named file, else the default one when it is there */
int tlsrpt_siteconf_load(const char *path, int none, struct tlsrpt_conf **cfg, const char **used)
{
	char err[512];
	struct stat st;

	*cfg = NULL;
	*used = NULL;
	if (none) {
		return 0;
	}
	if (path == NULL) {
		path = TLSRPT_SITECONF_DEFAULT;
		if (stat(path, &st) < 0 && errno == ENOENT) {
			return 0; /* no milter configuration on this host: nothing is known */
		}
	}
	if ((*cfg = tlsrpt_conf_new(err, sizeof(err))) == NULL ||
	    tlsrpt_conf_load(*cfg, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s\n", err);
		tlsrpt_conf_free(*cfg);
		*cfg = NULL;
		return -1;
	}
	*used = path;
	return 0;
}
