/*
 * confdoc.c - write the files generated from the option table
 *
 *   confdoc sample FILE   FILE becomes the sample configuration (what
 *                         "tlsrpt-milter -C" prints)
 *   confdoc man FILE      the part of FILE between the ".\" BEGIN OPTIONS"
 *                         and ".\" END OPTIONS" lines becomes the option list
 *   confdoc readme FILE   the part of FILE between the "<!-- BEGIN OPTIONS"
 *                         and "<!-- END OPTIONS" lines becomes the option table
 *
 * Used by "make regen"; the unit and cli tests fail while a shipped copy
 * differs from what the table gives.  A file is replaced by rename, and left
 * as it was on any error (exit 1 with a message on stderr).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define MAX_FILE (1024 * 1024)

/* slurp - the whole of path, NUL-terminated; NULL on error */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	if (fp == NULL) {
		return NULL;
	}
	buf = malloc(MAX_FILE + 1);
	if (buf == NULL) {
		fclose(fp);
		return NULL;
	}
	n = fread(buf, 1, MAX_FILE, fp);
	if (ferror(fp) || !feof(fp)) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

/* regenerate - rewrite path: its text up to and including the begin line,
 * what gen writes, then the rest from the end line on (whole file when
 * begin is NULL) */
static int regenerate(const char *path, const char *begin, const char *end, int (*gen)(FILE *))
{
	char tmp[4096];
	char *old = NULL;
	const char *b = NULL;
	const char *e = NULL;
	FILE *fp;
	int rc;

	if (begin != NULL) {
		old = slurp(path);
		if (old == NULL) {
			fprintf(stderr, "confdoc: cannot read %s\n", path);
			return -1;
		}
		b = strstr(old, begin);
		b = b != NULL ? strchr(b, '\n') : NULL;
		e = b != NULL ? strstr(b, end) : NULL;
		if (e == NULL) {
			fprintf(stderr, "confdoc: %s: no \"%s\" ... \"%s\" lines\n", path, begin,
			        end);
			free(old);
			return -1;
		}
		b++;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fp = fopen(tmp, "w");
	if (fp == NULL) {
		fprintf(stderr, "confdoc: cannot write %s\n", tmp);
		free(old);
		return -1;
	}
	if (old != NULL) {
		fwrite(old, 1, (size_t)(b - old), fp);
	}
	rc = gen(fp);
	if (old != NULL) {
		fputs(e, fp);
	}
	free(old);
	if (rc != 0 || fclose(fp) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "confdoc: cannot write %s\n", path);
		remove(tmp);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc != 3) {
		fputs("usage: confdoc sample|man|readme FILE\n", stderr);
		return 2;
	}
	if (strcmp(argv[1], "sample") == 0) {
		rc = regenerate(argv[2], NULL, NULL, tlsrpt_conf_write_sample);
	} else if (strcmp(argv[1], "man") == 0) {
		rc = regenerate(argv[2], ".\\\" BEGIN OPTIONS", ".\\\" END OPTIONS",
		                tlsrpt_conf_write_man);
	} else if (strcmp(argv[1], "readme") == 0) {
		rc = regenerate(argv[2], "<!-- BEGIN OPTIONS", "<!-- END OPTIONS",
		                tlsrpt_conf_write_markdown);
	} else {
		fputs("usage: confdoc sample|man|readme FILE\n", stderr);
		return 2;
	}
	return rc == 0 ? 0 : 1;
}
