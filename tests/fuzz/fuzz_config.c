/*
 * fuzz_config.c - libFuzzer harness over the configuration loader
 *
 * The input is a configuration file.  It is read by tlsrpt_conf_load_fp()
 * from an fmemopen() stream, like tlsrpt-milter -c FILE would read it, and
 * aborts (after a line on stderr saying what broke) when:
 *
 *   - a failed load leaves no message, or one that does not start with
 *     the file name ("fuzz.conf:"), or one not NUL-terminated in the
 *     caller's buffer;
 *   - after a good load, the limits handed to the pipeline differ from the
 *     configured values (a value truncated on the way);
 *   - the effective configuration (tlsrpt_conf_write, what -n prints) does
 *     not load again, or loads into a configuration that is written
 *     differently (the -n output is a faithful, reloadable file).
 *
 * tlsrpt_conf_check() runs on every good load, for the sanitizers.  Once
 * per process the sample configuration (tlsrpt_conf_write_sample, shipped
 * as etc/tlsrpt-milter.conf) must load without error.
 */
#include "config.h" /* _GNU_SOURCE: fmemopen, open_memstream */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "tlsrpt_limits.h"

#define NAME "fuzz.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* violation - report a broken invariant and abort */
static void violation(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_config: invariant broken: %s\n", what);
	if (detail != NULL) {
		fprintf(stderr, "fuzz_config: %s\n", detail);
	}
	abort();
}

/* load - a new configuration from (text, len); NULL and err when it does not load */
static struct tlsrpt_conf *load(const char *text, size_t len, char *err, size_t errlen)
{
	struct tlsrpt_conf *cfg;
	FILE *fp;
	int rc;

	cfg = tlsrpt_conf_new(err, errlen);
	if (cfg == NULL) {
		violation("tlsrpt_conf_new failed", err);
	}
	/* fmemopen refuses a zero size: an empty file reads from /dev/null */
	fp = len > 0 ? fmemopen((void *)text, len, "r") : fopen("/dev/null", "r");
	if (fp == NULL) {
		violation("cannot open the input stream", NULL);
	}
	memset(err, 'X', errlen);
	rc = tlsrpt_conf_load_fp(cfg, fp, NAME, err, errlen);
	fclose(fp);
	if (rc == 0) {
		return cfg;
	}
	if (memchr(err, '\0', errlen) == NULL) {
		violation("error message not NUL-terminated", NULL);
	}
	if (strncmp(err, NAME ":", strlen(NAME ":")) != 0) {
		violation("error message does not start with the file name", err);
	}
	tlsrpt_conf_free(cfg);
	return NULL;
}

/* write - the effective configuration as text (malloc'ed) */
static char *write_conf(const struct tlsrpt_conf *cfg, size_t *len)
{
	char *text = NULL;
	FILE *fp = open_memstream(&text, len);

	if (fp == NULL) {
		violation("open_memstream failed", NULL);
	}
	if (tlsrpt_conf_write(cfg, fp) < 0) {
		violation("tlsrpt_conf_write failed", NULL);
	}
	fclose(fp);
	return text;
}

/* sample_loads - the sample configuration loads (once per process) */
static void sample_loads(void)
{
	static int done;
	char err[1024], *text = NULL;
	size_t len = 0;
	struct tlsrpt_conf *cfg;
	FILE *fp;

	if (done) {
		return;
	}
	done = 1;
	fp = open_memstream(&text, &len);
	if (fp == NULL || tlsrpt_conf_write_sample(fp) < 0) {
		violation("tlsrpt_conf_write_sample failed", NULL);
	}
	fclose(fp);
	cfg = load(text, len, err, sizeof(err));
	if (cfg == NULL) {
		violation("the sample configuration does not load", err);
	}
	tlsrpt_conf_free(cfg);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];
	struct tlsrpt_conf *cfg, *again;
	struct tlsrpt_limits lim;
	char *text, *text2;
	size_t len, len2;

	sample_loads();
	cfg = load((const char *)data, size, err, sizeof(err));
	if (cfg == NULL) {
		return 0;
	}
	(void)tlsrpt_conf_check(cfg, 0, err, sizeof(err));
	(void)tlsrpt_conf_check(cfg, 1, err, sizeof(err));

	tlsrpt_conf_limits(cfg, &lim);
	if (lim.max_message_size != cfg->max_message_size ||
	    lim.max_report_size != cfg->max_report_size ||
	    lim.max_failure_lines != cfg->max_failure_lines ||
	    lim.max_policy_lines != cfg->max_policy_lines ||
	    lim.max_mime_depth != cfg->max_mime_depth || lim.max_parts != cfg->max_parts) {
		violation("tlsrpt_conf_limits truncates a configured limit", NULL);
	}

	text = write_conf(cfg, &len);
	again = load(text, len, err, sizeof(err));
	if (again == NULL) {
		fprintf(stderr, "fuzz_config: written:\n%s", text);
		violation("the effective configuration does not load again", err);
	}
	text2 = write_conf(again, &len2);
	if (len != len2 || memcmp(text, text2, len) != 0) {
		fprintf(stderr, "fuzz_config: first:\n%s\nfuzz_config: second:\n%s", text, text2);
		violation("the effective configuration changes when loaded again", NULL);
	}
	free(text);
	free(text2);
	tlsrpt_conf_free(again);
	tlsrpt_conf_free(cfg);
	return 0;
}
