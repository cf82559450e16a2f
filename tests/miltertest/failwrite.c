/*
 * failwrite.c - preloaded into the milter by protocol.sh: libmilter's
 * SMFIR_DELRCPT requests for an address containing "+fail@" fail as if
 * the MTA's connection were gone (EPIPE), every other write goes through.
 * libmilter writes a packet as an iovec: 4 length bytes and the command
 * byte first, then the data.
 */
#include "config.h" /* _GNU_SOURCE: memmem, RTLD_NEXT */

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	static ssize_t (*real)(int, const struct iovec *, int);

	if (real == NULL) {
		real = (ssize_t(*)(int, const struct iovec *, int))dlsym(RTLD_NEXT, "writev");
	}
	if (n >= 2 && iov[0].iov_len == 5 && ((const char *)iov[0].iov_base)[4] == '-' &&
	    memmem(iov[1].iov_base, iov[1].iov_len, "+fail@", 6) != NULL) {
		errno = EPIPE;
		return -1;
	}
	return real(fd, iov, n);
}
