/*
 * offline.c - "tlsrpt-milter -t FILE...": the pipeline on saved messages
 *
 * Each file (or standard input for "-") is read in chunks of the size
 * libmilter uses for body data and fed through exactly the pipeline the
 * daemon uses; the records are printed one per line, prefixed with the file
 * name where the daemon writes the queue ID.  A file may be a whole message
 * (as saved in a Maildir or mbox-less file) or a bare report (.json or
 * .json.gz).
 *
 * A file that cannot be read gives an "error" record too, so that a
 * backfill over a mailbox shows every file it could not use.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "offline.h"
#include "pipeline.h"
#include "record.h"

#define CHUNK 65535 /* MILTER_CHUNK_SIZE: the largest body chunk libmilter passes */

/* print_records - format and print every record with the given prefix */
static void print_records(const struct tlsrpt_records *rs, const char *prefix,
                          enum tlsrpt_format fmt, FILE *out)
{
	char line[TLSRPT_MAX_LOG_LINE + 1];
	size_t i;

	for (i = 0; i < rs->n; i++) {
		tlsrpt_record_format(&rs->v[i], fmt, prefix, line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
}

/* print_error - one "error" record for a file that could not be processed */
static void print_error(const char *prefix, const char *reason, enum tlsrpt_format fmt, FILE *out)
{
	struct tlsrpt_records rs;
	struct tlsrpt_record *r;

	tlsrpt_records_init(&rs);
	r = tlsrpt_records_add(&rs, TLSRPT_EV_ERROR, TLSRPT_SEV_ERR);
	if (r != NULL && tlsrpt_record_str(r, "reason", reason) == 0) {
		print_records(&rs, prefix, fmt, out);
	} else {
		fprintf(out, "%s: error reason=\"out of memory\"\n", prefix);
	}
	tlsrpt_records_free(&rs);
}

/* run_one - one file through the pipeline; 1 when it held a report and no error */
static int run_one(const char *name, const struct tlsrpt_limits *lim,
                   const struct tlsrpt_trust *trust, enum tlsrpt_format fmt, char *chunk, FILE *out)
{
	const struct tlsrpt_outcome *o;
	struct tlsrpt_pipeline *p;
	char err[256], reason[512];
	FILE *fp;
	size_t n;
	int ok = 0, rerr = 0;

	if (strcmp(name, "-") == 0) {
		fp = stdin;
	} else if ((fp = fopen(name, "rb")) == NULL) {
		tlsrpt_errbuf_set_errno(reason, sizeof(reason), errno, "cannot open");
		print_error(name, reason, fmt, out);
		return 0;
	}
	p = tlsrpt_pipeline_new(lim, TLSRPT_INPUT_AUTO, err, sizeof(err));
	if (p == NULL) {
		snprintf(reason, sizeof(reason), "internal: %s", err);
		print_error(name, reason, fmt, out);
		goto done;
	}
	if (trust != NULL) {
		tlsrpt_pipeline_set_trust(p, trust);
	}
	while ((n = fread(chunk, 1, CHUNK, fp)) > 0) {
		if (tlsrpt_pipeline_feed(p, chunk, n, err, sizeof(err)) < 0) {
			snprintf(reason, sizeof(reason), "internal: %s", err);
			print_error(name, reason, fmt, out);
			goto done;
		}
	}
	if (ferror(fp)) {
		tlsrpt_errbuf_set_errno(reason, sizeof(reason), errno, "read error");
		rerr = 1;
	}
	if ((o = tlsrpt_pipeline_finish(p, err, sizeof(err))) == NULL) {
		snprintf(reason, sizeof(reason), "internal: %s", err);
		print_error(name, reason, fmt, out);
		goto done;
	}
	print_records(tlsrpt_pipeline_records(p), name, fmt, out);
	if (rerr) {
		print_error(name, reason, fmt, out);
	}
	ok = !rerr && o->reports_ok > 0 && o->errors == 0;
done:
	tlsrpt_pipeline_free(p);
	if (fp != stdin) {
		fclose(fp);
	}
	return ok;
}

/* tlsrpt_offline_run - run each file through the pipeline and print its records */
int tlsrpt_offline_run(char *const files[], int nfiles, const struct tlsrpt_limits *lim,
                       const struct tlsrpt_trust *trust, enum tlsrpt_format fmt, FILE *out,
                       FILE *errout)
{
	char *chunk;
	int i, all_ok = 1;

	chunk = malloc(CHUNK);
	if (chunk == NULL) {
		fprintf(errout, "tlsrpt-milter: out of memory\n");
		return 1;
	}
	for (i = 0; i < nfiles; i++) {
		if (!run_one(files[i], lim, trust, fmt, chunk, out)) {
			all_ok = 0;
		}
		fflush(out);
	}
	free(chunk);
	return all_ok ? 0 : 1;
}
