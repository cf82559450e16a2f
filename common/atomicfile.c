/*
 * atomicfile.c - replace a file whole or not at all (see atomicfile.h)
 *
 * The directory fsync makes the rename itself durable (ext4 and xfs may
 * otherwise lose it on a power cut); it is best effort, as a directory
 * that cannot be opened for reading changes nothing about the file.
 */
#include "config.h" /* _GNU_SOURCE: O_CLOEXEC, O_DIRECTORY */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "errbuf.h"

/* dir_fsync - fsync the directory holding path (best effort) */
static void dir_fsync(const char *path)
{
	char dir[TLSRPT_ATOMICFILE_PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
	} else if (slash == path) {
		snprintf(dir, sizeof(dir), "/");
	} else {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* tlsrpt_atomicfile_write - PATH.tmp, fsync, rename, directory fsync */
int tlsrpt_atomicfile_write(const char *path, mode_t mode, tlsrpt_atomicfile_fn fn, void *ctx,
                            char *err, size_t errlen)
{
	char tmp[TLSRPT_ATOMICFILE_PATH_MAX];
	FILE *fp;
	int fd, e;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		tlsrpt_errbuf_set(err, errlen, "%s: file name too long", path);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) < 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", tmp);
		return -1;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		goto fail;
	}
	errno = 0;
	if (fn(fp, ctx) < 0 || fflush(fp) != 0 || ferror(fp) || fsync(fd) != 0) {
		e = errno != 0 ? errno : EIO;
		fclose(fp);
		goto fail;
	}
	if (fclose(fp) != 0) {
		e = errno;
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		tlsrpt_errbuf_set_errno(err, errlen, errno, "%s", path);
		(void)unlink(tmp);
		return -1;
	}
	dir_fsync(path);
	return 0;
fail:
	tlsrpt_errbuf_set_errno(err, errlen, e, "%s", tmp);
	(void)unlink(tmp);
	return -1;
}
