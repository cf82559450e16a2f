/*
 * journalfile.c - read a journalctl -o json stream's tlsrpt-milter entries (see journalfile.h)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gzlog.h"
#include "journal.h"
#include "journalfile.h"
#include "logline.h"

/* plain_read, gz_read - read functions for the reader */
static ssize_t plain_read(void *ctx, void *buf, size_t len)
{
	return read(*(int *)ctx, buf, len);
}

static ssize_t gz_read(void *ctx, void *buf, size_t len)
{
	return tlsrpt_gzlog_read(ctx, buf, len);
}

/* note - what an input left out, on stderr */
static void note(const char *name, const struct tlsrpt_journal *j,
                 const struct tlsrpt_journal_trust *t)
{
	const struct tlsrpt_journal_stats *st = tlsrpt_journal_stats(j);
	int unit = t->unit != NULL && t->unit[0] != '\0';

	if (st->foreign > 0) {
		fprintf(stderr,
		        "tlsrpt-lookout: %s: %llu entries tagged tlsrpt-milter left out: not written by the milter or the alert mode (uid %ld%s%s)\n",
		        name, st->foreign, t->uid, unit ? ", milter unit " : "",
		        unit ? t->unit : "");
	}
	if (st->malformed > 0 || st->too_long > 0) {
		fprintf(stderr,
		        "tlsrpt-lookout: %s: %llu lines that are not journalctl -o json and %llu over %d bytes left out\n",
		        name, st->malformed, st->too_long, TLSRPT_JOURNAL_LINE_MAX);
	}
}

/* tlsrpt_journalfile_scan - open, read, parse, hand out */
int tlsrpt_journalfile_scan(const char *name, const struct tlsrpt_journal_trust *trust,
                            tlsrpt_journalfile_fn fn, void *ctx)
{
	struct tlsrpt_logline *ll = malloc(sizeof(*ll));
	struct tlsrpt_journal *j = NULL;
	struct tlsrpt_gzlog *gz = NULL;
	enum tlsrpt_journal_origin org;
	unsigned char magic[2];
	const char *msg;
	char err[256];
	size_t len;
	struct stat st;
	int fd, r;

	fd = strcmp(name, "-") == 0 ? dup(0) : open(name, O_RDONLY | O_CLOEXEC);
	if (ll == NULL || fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", name,
		        ll == NULL ? "out of memory" : strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		free(ll);
		return -1;
	}
	/* gzip when the first bytes say so; a pipe always goes through zlib's transparent mode */
	if (!S_ISREG(st.st_mode) ||
	    (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)) {
		if ((gz = tlsrpt_gzlog_open(fd)) == NULL) {
			close(fd);
		} else {
			j = tlsrpt_journal_new(gz_read, gz, trust);
		}
		fd = -1; /* closed, or the gzip reader's now */
	} else {
		j = tlsrpt_journal_new(plain_read, &fd, trust);
	}
	if (j == NULL) {
		fprintf(stderr, "tlsrpt-lookout: %s: cannot open\n", name);
		r = -1;
		goto out;
	}
	while ((r = tlsrpt_journal_next(j, &msg, &len, &org, err, sizeof(err))) > 0) {
		if (tlsrpt_logline_parse(ll, msg, len, TLSRPT_LOGLINE_BARE)) {
			fn(ctx, ll, org);
		}
	}
	if (r < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", name, err);
	}
	note(name, j, trust);
out:
	tlsrpt_journal_free(j);
	if (gz != NULL) {
		tlsrpt_gzlog_close(gz);
	} else if (fd >= 0) {
		close(fd);
	}
	free(ll);
	return r < 0 ? -1 : 0;
}
