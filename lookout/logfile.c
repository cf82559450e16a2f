/*
 * logfile.c - read one log file's tlsrpt-milter lines (see logfile.h)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cursor.h"
#include "logfile.h"
#include "logline.h"
#include "logscan.h"
#include "gzlog.h"
#include "mtalog.h"

/* plain_read, gz_read - read functions for the scanner */
static ssize_t plain_read(void *ctx, void *buf, size_t len)
{
	return read(*(int *)ctx, buf, len);
}

static ssize_t gz_read(void *ctx, void *buf, size_t len)
{
	return tlsrpt_gzlog_read(ctx, buf, len);
}

/* is_gzip - 1 when a regular file starts with the gzip magic */
static int is_gzip(int fd)
{
	unsigned char magic[2];

	return pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

/* scan - open, scan, parse, hand out (smtpd's lines to mfn when not NULL) */
static int scan(const char *name, struct tlsrpt_cursor *cur, tlsrpt_logfile_fn fn,
                tlsrpt_logfile_mta_fn mfn, void *ctx)
{
	struct tlsrpt_mtalog mta;
	struct tlsrpt_logline *ll = malloc(sizeof(*ll));
	struct tlsrpt_gzlog *gz = NULL;
	struct tlsrpt_logscan *sc = NULL;
	unsigned long long off = 0;
	const char *line;
	char err[256];
	size_t len;
	struct stat st;
	int fd, r, rc = 0;

	if (ll == NULL) {
		fprintf(stderr, "tlsrpt-lookout: out of memory\n");
		return -1;
	}
	fd = cur == NULL && strcmp(name, "-") == 0 ? dup(0) : open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (cur != NULL && errno == ENOENT) { /* not there (yet): a rotation to come */
			free(ll);
			return 0;
		}
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", name, strerror(errno));
		goto fail;
	}
	if (cur != NULL) {
		if (!S_ISREG(st.st_mode) || is_gzip(fd)) {
			fprintf(stderr, "tlsrpt-lookout: %s: --alert reads plain files only\n",
			        name);
			goto fail;
		}
		off = tlsrpt_cursor_start(cur, (unsigned long long)st.st_ino,
		                          (unsigned long long)st.st_size);
		if (lseek(fd, (off_t)off, SEEK_SET) < 0 ||
		    (sc = tlsrpt_logscan_new(plain_read, &fd, off)) == NULL) {
			fprintf(stderr, "tlsrpt-lookout: %s: cannot read\n", name);
			goto fail;
		}
		tlsrpt_logscan_whole_lines(sc);
	} else if (!S_ISREG(st.st_mode) || is_gzip(fd)) {
		/* gzip when the first bytes say so; a pipe always goes through zlib's transparent
		   mode */
		if ((gz = tlsrpt_gzlog_open(fd)) == NULL) {
			fprintf(stderr, "tlsrpt-lookout: %s: cannot open\n", name);
			goto fail;
		}
		if ((sc = tlsrpt_logscan_new(gz_read, gz, 0)) == NULL) {
			fprintf(stderr, "tlsrpt-lookout: out of memory\n");
			rc = -1;
			goto out;
		}
	} else {
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		if ((sc = tlsrpt_logscan_new(plain_read, &fd, 0)) == NULL) {
			fprintf(stderr, "tlsrpt-lookout: out of memory\n");
			rc = -1;
			goto out;
		}
	}
	if (mfn != NULL) {
		tlsrpt_logscan_mta(sc);
	}
	tlsrpt_mtalog_init(&mta);
	while ((r = tlsrpt_logscan_next(sc, &line, &len, &off, err, sizeof(err))) > 0) {
		if (tlsrpt_logscan_mtaline(sc) && tlsrpt_mtalog_parse_next(&mta, line, len)) {
			mfn(ctx, &mta);
		} else if (tlsrpt_logscan_mtaline(sc) && mta.smtpd) {
			/* the parser read smtpd's tag where ours would have to be: the line
			   cannot be ours (Postfix's other smtpd lines, client= and more) */
			continue;
		} else if (tlsrpt_logline_parse(ll, line, len,
		                                tlsrpt_logscan_bare(sc) ? TLSRPT_LOGLINE_BARE
		                                                        : 0)) {
			fn(ctx, ll, (unsigned long long)st.st_ino, off);
		}
	}
	if (r < 0) {
		fprintf(stderr, "tlsrpt-lookout: %s: %s\n", name, err);
		rc = -1;
	}
	if (cur != NULL) {
		tlsrpt_cursor_done(cur, name, (unsigned long long)st.st_ino,
		                   tlsrpt_logscan_end(sc));
	}
out:
	tlsrpt_logscan_free(sc);
	if (gz != NULL) {
		tlsrpt_gzlog_close(gz);
	} else {
		close(fd);
	}
	free(ll);
	return rc;
fail:
	if (fd >= 0) {
		close(fd);
	}
	free(ll);
	return -1;
}

/* tlsrpt_logfile_scan - every tlsrpt-milter line */
int tlsrpt_logfile_scan(const char *name, struct tlsrpt_cursor *cur, tlsrpt_logfile_fn fn,
                        void *ctx)
{
	return scan(name, cur, fn, NULL, ctx);
}

/* tlsrpt_logfile_scan_mta - every tlsrpt-milter line, and smtpd's */
int tlsrpt_logfile_scan_mta(const char *name, tlsrpt_logfile_fn fn, tlsrpt_logfile_mta_fn mfn,
                            void *ctx)
{
	return scan(name, NULL, fn, mfn, ctx);
}
