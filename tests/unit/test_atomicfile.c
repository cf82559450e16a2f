/*
 * test_atomicfile.c - a file replaced whole or not at all
 *
 * In a directory of its own under /tmp: new contents replace old ones and
 * no PATH.tmp is left; a writer that fails leaves the old contents and no
 * PATH.tmp, and says which file; a directory that cannot be written is an
 * error naming PATH.tmp; the mode asked for is the new file's.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "atomicfile.h"

static int write_text(FILE *fp, void *ctx)
{
	return fputs(ctx, fp) < 0 ? -1 : 0;
}

static int write_then_fail(FILE *fp, void *ctx)
{
	(void)ctx;
	fputs("half", fp);
	errno = ENOSPC;
	return -1;
}

/* slurp - the file's contents (static buffer); "" when missing */
static const char *slurp(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

static void test_replace(void **state)
{
	char dir[] = "/tmp/test_atomicfile_XXXXXX", path[128], tmp[160], err[256];
	struct stat st;

	(void)state;
	umask(022);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(tlsrpt_atomicfile_write(path, 0640, write_text, "one\n", err, sizeof(err)),
	                 0);
	assert_string_equal(slurp(path), "one\n");
	assert_int_equal(stat(path, &st), 0);
	if ((st.st_mode & 0777) != 0640) {
		fail_msg("got mode %o, want 640", (unsigned)(st.st_mode & 0777));
	}
	assert_int_equal(tlsrpt_atomicfile_write(path, 0640, write_text, "two\n", err, sizeof(err)),
	                 0);
	assert_string_equal(slurp(path), "two\n");
	assert_int_equal(access(tmp, F_OK), -1);
	/* a writer that fails: the old contents stay, no temporary file, the reason said */
	assert_int_equal(
	        tlsrpt_atomicfile_write(path, 0640, write_then_fail, NULL, err, sizeof(err)), -1);
	assert_string_equal(slurp(path), "two\n");
	assert_int_equal(access(tmp, F_OK), -1);
	if (strstr(err, "state.tmp: ") == NULL || strstr(err, strerror(ENOSPC)) == NULL) {
		fail_msg("got error '%s', want the temporary file and ENOSPC", err);
	}
	unlink(path);
	rmdir(dir);
}

static void test_unwritable(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(tlsrpt_atomicfile_write("/nonexistent-dir/state", 0600, write_text, "x",
	                                         err, sizeof(err)),
	                 -1);
	if (strstr(err, "/nonexistent-dir/state.tmp: ") == NULL) {
		fail_msg("got error '%s', want it to name the temporary file", err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_replace),
	        cmocka_unit_test(test_unwritable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
