/*
 * test_dedup.c - the duplicate-report memory (StateFile)
 *
 * Every test works in its own directory made with mkdtemp under /tmp and
 * removed at the end; time is passed explicitly.  Covered: new and repeated
 * keys, the window, persistence across close/open, corrupt files (garbage,
 * binary junk, truncated last line, wrong header), files that cannot be
 * written, compaction, the max_entries bound, and 8 threads racing on
 * overlapping keys (each key must be new exactly once).  Then the report
 * key (test_key), a state file of the first version (test_old_file), and
 * through the real pipeline: a stranger's report cannot suppress the
 * authenticated sender's (test_stranger), and the key is written only by
 * the daemon's record call after logging (test_record_after_log).
 */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
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

#include "dedup.h"
#include "tlsrpt_limits.h"
#include "pipeline.h"
#include "record.h"

#define T0 ((time_t)1700000000)
#define DAY 86400L
#define WEEK (7 * DAY)

static char dir[64];

/* rm_tree - remove the files of the test directory, then the directory */
static void rm_tree(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *de;
	char p[512];

	if (dp == NULL) {
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
			continue;
		}
		snprintf(p, sizeof(p), "%s/%s", d, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			rm_tree(p);
		} else {
			unlink(p);
		}
	}
	closedir(dp);
	rmdir(d);
}

/* setup - a fresh temporary directory */
static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_dedup.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

/* teardown - remove it */
static int teardown(void **state)
{
	(void)state;
	rm_tree(dir);
	return 0;
}

/* path_of - dir/name into a static buffer (the next call overwrites it) */
static const char *path_of(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

/* write_file - create path with the given bytes */
static void write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* count_lines - lines in a file (-1 when it cannot be read) */
static long count_lines(const char *path)
{
	FILE *fp = fopen(path, "rb");
	long n = 0;
	int c;

	if (fp == NULL) {
		return -1;
	}
	while ((c = getc(fp)) != EOF) {
		n += c == '\n';
	}
	fclose(fp);
	return n;
}

/* open_ok - open with a check that it worked; note into *note */
static struct tlsrpt_dedup *open_ok(const char *path, long window, size_t max, time_t now,
                                    int *note, char *err, size_t errlen)
{
	struct tlsrpt_dedup *d;

	err[0] = '\0';
	d = tlsrpt_dedup_open(path, window, max, now, note, err, errlen);
	if (d == NULL) {
		fail_msg("open(%s): got NULL (%s), want an object", path, err);
	}
	return d;
}

/*
 * raw_key - the opaque key org NUL id (NULL taken as ""), cut at the
 * maximum: the store does not care what a key means, and this is also
 * the layout the first version wrote, so the files below are real ones
 */
static void raw_key(struct tlsrpt_dedup_key *k, const char *org, const char *id)
{
	k->len = 0;
	for (; org != NULL && *org != '\0' && k->len < TLSRPT_DEDUP_KEY_MAX; org++) {
		k->b[k->len++] = (unsigned char)*org;
	}
	if (k->len < TLSRPT_DEDUP_KEY_MAX) {
		k->b[k->len++] = '\0';
	}
	for (; id != NULL && *id != '\0' && k->len < TLSRPT_DEDUP_KEY_MAX; id++) {
		k->b[k->len++] = (unsigned char)*id;
	}
}

/* seen - add (org, id): 1 already there, 0 added, -1 not written */
static int seen(struct tlsrpt_dedup *d, const char *org, const char *id, time_t now, char *err,
                size_t errlen)
{
	struct tlsrpt_dedup_key k;

	raw_key(&k, org, id);
	return tlsrpt_dedup_add(d, &k, now, err, errlen);
}

/* expect_seen - seen() must give want */
static void expect_seen(struct tlsrpt_dedup *d, const char *org, const char *id, time_t now,
                        int want, const char *what)
{
	char err[256] = "";
	int got = seen(d, org, id, now, err, sizeof(err));

	if (got != want) {
		fail_msg("%s: seen(%s, %s, +%jd): got %d (%s), want %d", what, org ? org : "(null)",
		         id, (intmax_t)(now - T0), got, err, want);
	}
}

/* test_basic - new, repeated, other org, NULL org */
static void test_basic(void **state)
{
	char err[256];
	int note = -1;
	struct tlsrpt_dedup *d;

	(void)state;
	d = open_ok(path_of("state"), WEEK, 1000, T0, &note, err, sizeof(err));
	if (note != 0) {
		fail_msg("open of a missing file: got note %d (%s), want 0", note, err);
	}
	expect_seen(d, "Google Inc.", "2024-01-01T00:00:00Z_example.com", T0, 0, "new key");
	expect_seen(d, "Google Inc.", "2024-01-01T00:00:00Z_example.com", T0 + 60, 1, "same key");
	expect_seen(d, "Microsoft", "2024-01-01T00:00:00Z_example.com", T0 + 60, 0,
	            "other org, same id");
	expect_seen(d, "Google Inc.", "other-id", T0 + 60, 0, "same org, other id");
	/* the NUL separator: ("ab", "c") is not ("a", "bc") */
	expect_seen(d, "ab", "c", T0, 0, "ab|c");
	expect_seen(d, "a", "bc", T0, 0, "a|bc");
	expect_seen(d, NULL, "x", T0, 0, "NULL org");
	expect_seen(d, "", "x", T0, 1, "\"\" org is NULL org");
	assert_int_equal(tlsrpt_dedup_count(d), 6);
	tlsrpt_dedup_close(d);
	tlsrpt_dedup_close(NULL);
}

/* test_window - a key is forgotten once the window has passed */
static void test_window(void **state)
{
	char err[256];
	struct tlsrpt_dedup *d;

	(void)state;
	d = open_ok(path_of("state"), DAY, 1000, T0, NULL, err, sizeof(err));
	expect_seen(d, "org", "r1", T0, 0, "first");
	expect_seen(d, "org", "r1", T0 + DAY - 1, 1, "just inside the window");
	expect_seen(d, "org", "r1", T0 + DAY, 0, "window passed");
	expect_seen(d, "org", "r1", T0 + DAY + 5, 1, "added again");
	tlsrpt_dedup_close(d);
}

/* test_persist - a second open sees the keys, and the window holds across it */
static void test_persist(void **state)
{
	char err[256];
	int note = -1;
	struct tlsrpt_dedup *d;
	const char *p = path_of("state");

	(void)state;
	d = open_ok(p, WEEK, 1000, T0, NULL, err, sizeof(err));
	expect_seen(d, "Google Inc.", "id-1", T0, 0, "first run");
	expect_seen(d, "Mail.Ru", "id\t2\nwith odd bytes \xff", T0 + 10, 0, "odd bytes");
	expect_seen(d, "old", "id-3", T0 - WEEK + 100, 0, "nearly expired");
	tlsrpt_dedup_close(d);

	d = open_ok(p, WEEK, 1000, T0 + 200, &note, err, sizeof(err));
	if (note != 0 || tlsrpt_dedup_count(d) != 2) {
		fail_msg("reopen: got note %d (%s), %zu entries, want 0 and 2", note, err,
		         tlsrpt_dedup_count(d));
	}
	expect_seen(d, "Google Inc.", "id-1", T0 + 200, 1, "after reopen");
	expect_seen(d, "Mail.Ru", "id\t2\nwith odd bytes \xff", T0 + 200, 1, "odd bytes reopen");
	expect_seen(d, "old", "id-3", T0 + 200, 0, "expired across the reopen");
	tlsrpt_dedup_close(d);

	/* the file is the documented format */
	{
		FILE *fp = fopen(p, "r");
		char line[256];

		assert_non_null(fp);
		assert_non_null(fgets(line, sizeof(line), fp));
		assert_string_equal(line, "tlsrpt-milter-state 1\n");
		assert_non_null(fgets(line, sizeof(line), fp));
		/* "Google Inc." NUL "id-1" */
		assert_string_equal(line, "1700000000\t476f6f676c6520496e632e0069642d31\n");
		fclose(fp);
	}
}

/* test_corrupt - every kind of damage leaves a usable object with the good lines */
static void test_corrupt(void **state)
{
	static const char good[] = "tlsrpt-milter-state 1\n"
	                           "1700000000\t6f726700723031\n"; /* org|r01 */
	static const struct {
		const char *name;
		const char *data;
		size_t len;
		size_t want; /* entries kept */
	} cases[] = {
	        {"garbage lines",
	         "tlsrpt-milter-state 1\nhello world\n1700000000\t6f726700723031\n"
	         "12x\t00\n1700000000\tzz\n1700000000\t6f7\n\t00\n1700000000\n"
	         "1700000000\t6f726700723032\n99999999999999999999999\t00\n",
	         0, 2},
	        {"binary junk",
	         "tlsrpt-milter-state 1\n\x00\x01\x02\xff\xfe\n1700000000\t6f726700723031\n"
	         "\x7f\x80\x00\n",
	         58, 1},
	        {"truncated last line",
	         "tlsrpt-milter-state 1\n1700000000\t6f726700723031\n1700000000\t6f7267007230", 0,
	         1},
	        {"wrong header", "not-our-state 7\n1700000000\t6f726700723031\n", 0, 1},
	        {"no header", "1700000000\t6f726700723031\n", 0, 1},
	        {"huge line", NULL, 0, 1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *p = path_of("state");
		char err[256], buf[8192];
		size_t len;
		int note = -1;
		struct tlsrpt_dedup *d;

		if (cases[i].data != NULL) {
			/* binary junk holds NULs: its length is given */
			len = cases[i].len != 0 ? cases[i].len : strlen(cases[i].data);
			write_file(p, cases[i].data, len);
		} else {
			len = strlen(good);
			memcpy(buf, good, len);
			memset(buf + len, '7', 5000);
			buf[len + 5000] = '\n';
			write_file(p, buf, len + 5001);
		}
		d = open_ok(p, WEEK, 1000, T0 + 10, &note, err, sizeof(err));
		if (note != 1 || err[0] == '\0' || tlsrpt_dedup_count(d) != cases[i].want) {
			fail_msg("%s: got note %d (%s), %zu entries, want note 1, %zu entries",
			         cases[i].name, note, err, tlsrpt_dedup_count(d), cases[i].want);
		}
		expect_seen(d, "org", "r01", T0 + 20, 1, cases[i].name);
		expect_seen(d, "org", "new", T0 + 20, 0, cases[i].name);
		tlsrpt_dedup_close(d);

		/* the next write rewrote the file: it now opens clean */
		d = open_ok(p, WEEK, 1000, T0 + 30, &note, err, sizeof(err));
		if (note != 0 || tlsrpt_dedup_count(d) != cases[i].want + 1) {
			fail_msg("%s, reopened: got note %d (%s), %zu entries, want 0, %zu",
			         cases[i].name, note, err, tlsrpt_dedup_count(d),
			         cases[i].want + 1);
		}
		expect_seen(d, "org", "new", T0 + 40, 1, cases[i].name);
		tlsrpt_dedup_close(d);
		unlink(p);
	}
	(void)good;
}

/* test_empty_file - an empty file gets its header on the first write */
static void test_empty_file(void **state)
{
	char err[256], line[64];
	const char *p = path_of("state");
	struct tlsrpt_dedup *d;
	int note = -1;
	FILE *fp;

	(void)state;
	write_file(p, "", 0);
	d = open_ok(p, WEEK, 10, T0, &note, err, sizeof(err));
	assert_int_equal(note, 0);
	expect_seen(d, "org", "a", T0, 0, "empty file");
	tlsrpt_dedup_close(d);
	fp = fopen(p, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	assert_string_equal(line, "tlsrpt-milter-state 1\n");
}

/* test_unwritable - no directory, or a directory in the way: -1, still right in memory */
static void test_unwritable(void **state)
{
	static const char *const names[] = {"missing-dir/state", "isdir", "file/state"};
	size_t i;

	(void)state;
	assert_int_equal(mkdir(path_of("isdir"), 0700), 0);
	write_file(path_of("file"), "x", 1);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char p[256], err[256];
		int note = -1;
		struct tlsrpt_dedup *d;

		snprintf(p, sizeof(p), "%s", path_of(names[i]));
		d = open_ok(p, WEEK, 100, T0, &note, err, sizeof(err));
		if (note != 1 || err[0] == '\0') {
			fail_msg("open(%s): got note %d (%s), want 1 with a message", names[i],
			         note, err);
		}
		err[0] = '\0';
		if (seen(d, "org", "r1", T0, err, sizeof(err)) != -1 ||
		    strstr(err, names[i]) == NULL) {
			fail_msg("seen(%s): got err \"%s\", want -1 naming the file", names[i],
			         err);
		}
		expect_seen(d, "org", "r1", T0 + 1, 1, names[i]);
		expect_seen(d, "org", "r2", T0 + 1, -1, names[i]);
		expect_seen(d, "org", "r2", T0 + 2, 1, names[i]);
		assert_int_equal(tlsrpt_dedup_count(d), 2);
		tlsrpt_dedup_close(d);
	}
	/* unusable names */
	{
		char err[256] = "";
		char longp[8192];

		if (tlsrpt_dedup_open("", WEEK, 10, T0, NULL, err, sizeof(err)) != NULL ||
		    err[0] == '\0') {
			fail_msg("open(\"\"): got an object, want NULL with a message");
		}
		memset(longp, 'a', sizeof(longp) - 1);
		longp[sizeof(longp) - 1] = '\0';
		if (tlsrpt_dedup_open(longp, WEEK, 10, T0, NULL, err, sizeof(err)) != NULL) {
			fail_msg("open(8 KB name): got an object, want NULL");
		}
	}
}

/* test_compaction - after many expired entries the file shrinks */
static void test_compaction(void **state)
{
	char err[256], id[32], p[256];
	struct tlsrpt_dedup *d;
	long lines;
	int i;

	(void)state;
	snprintf(p, sizeof(p), "%s", path_of("state"));
	d = open_ok(p, DAY, 10000, T0, NULL, err, sizeof(err));
	for (i = 0; i < 500; i++) {
		snprintf(id, sizeof(id), "old-%d", i);
		expect_seen(d, "org", id, T0 + i, 0, "filling");
	}
	lines = count_lines(p);
	if (lines != 501) {
		fail_msg("after 500 new keys: got %ld lines, want 501", lines);
	}
	/* a day later every old key has expired: the next write compacts */
	expect_seen(d, "org", "fresh", T0 + DAY + 1000, 0, "after expiry");
	lines = count_lines(p);
	if (lines != 2 || tlsrpt_dedup_count(d) != 1) {
		fail_msg("after compaction: got %ld lines, %zu entries, want 2 and 1", lines,
		         tlsrpt_dedup_count(d));
	}
	/* a few more appends do not compact again */
	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "new-%d", i);
		expect_seen(d, "org", id, T0 + DAY + 1001, 0, "after compaction");
	}
	assert_int_equal(count_lines(p), 12);
	tlsrpt_dedup_close(d);
	if (access(path_of("state.tmp"), F_OK) == 0) {
		fail_msg("state.tmp left behind");
	}

	/* reopened, expired lines are not loaded; the file stays within twice the live keys */
	d = open_ok(p, DAY, 10000, T0 + 3 * DAY, NULL, err, sizeof(err));
	assert_int_equal(tlsrpt_dedup_count(d), 0);
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "later-%d", i);
		expect_seen(d, "org", id, T0 + 3 * DAY, 0, "later");
	}
	lines = count_lines(p);
	if (lines != 1 + 11 + 40) {
		fail_msg("after reopen and 40 keys: got %ld lines, want 52", lines);
	}
	expect_seen(d, "org", "later-0", T0 + 3 * DAY + 10, 1, "later-0 still there");
	expect_seen(d, "org", "last", T0 + 5 * DAY, 0, "two days on");
	lines = count_lines(p);
	if (lines != 2) {
		fail_msg("after the 40 expired: got %ld lines, want 2", lines);
	}
	tlsrpt_dedup_close(d);
}

/* test_max_entries - the oldest are forgotten first; the file stays bounded */
static void test_max_entries(void **state)
{
	char err[256], id[32];
	const char *p = path_of("state");
	struct tlsrpt_dedup *d;
	long lines;
	int i;

	(void)state;
	d = open_ok(p, WEEK, 5, T0, NULL, err, sizeof(err));
	for (i = 0; i < 8; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		expect_seen(d, "org", id, T0 + i, 0, "filling");
	}
	assert_int_equal(tlsrpt_dedup_count(d), 5);
	expect_seen(d, "org", "r7", T0 + 10, 1, "newest kept");
	expect_seen(d, "org", "r3", T0 + 10, 1, "fifth newest kept");
	expect_seen(d, "org", "r0", T0 + 10, 0, "oldest forgotten");
	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "many-%d", i);
		expect_seen(d, "org", id, T0 + 20, 0, "many");
	}
	lines = count_lines(p);
	if (lines > 1 + 32 + 1) {
		fail_msg("max 5 entries, 300 keys: got %ld lines, want at most 34", lines);
	}
	tlsrpt_dedup_close(d);

	/* a file with more entries than the bound keeps the newest */
	d = open_ok(p, WEEK, 3, T0 + 30, NULL, err, sizeof(err));
	assert_int_equal(tlsrpt_dedup_count(d), 3);
	expect_seen(d, "org", "many-299", T0 + 30, 1, "newest after reopen");
	tlsrpt_dedup_close(d);
}

#define NTHREADS 8
#define NKEYS 200

struct racer {
	struct tlsrpt_dedup *d;
	int idx;
	int news[NKEYS];
	int errors;
};

/* race - every thread adds every key, in its own order */
static void *race(void *arg)
{
	struct racer *r = arg;
	char id[32], err[256];
	int i;

	for (i = 0; i < NKEYS; i++) {
		int k = (i * 7 + r->idx * 31) % NKEYS; /* 7 is prime to NKEYS */
		int rc;

		snprintf(id, sizeof(id), "key-%d", k);
		rc = seen(r->d, "org", id, T0, err, sizeof(err));
		if (rc == 0) {
			r->news[k]++;
		} else if (rc != 1) {
			r->errors++;
		}
	}
	return NULL;
}

/* test_threads - 8 threads, overlapping keys: each key new exactly once */
static void test_threads(void **state)
{
	static struct racer r[NTHREADS];
	pthread_t th[NTHREADS];
	char err[256];
	struct tlsrpt_dedup *d;
	int i, k;

	(void)state;
	d = open_ok(path_of("state"), WEEK, 100000, T0, NULL, err, sizeof(err));
	for (i = 0; i < NTHREADS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].d = d;
		r[i].idx = i;
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
	}
	for (k = 0; k < NKEYS; k++) {
		int n = 0;

		for (i = 0; i < NTHREADS; i++) {
			n += r[i].news[k];
		}
		if (n != 1) {
			fail_msg("key-%d: got new %d times, want exactly once", k, n);
		}
	}
	for (i = 0; i < NTHREADS; i++) {
		if (r[i].errors != 0) {
			fail_msg("thread %d: got %d errors, want 0", i, r[i].errors);
		}
	}
	assert_int_equal(tlsrpt_dedup_count(d), NKEYS);
	tlsrpt_dedup_close(d);
	assert_int_equal(count_lines(path_of("state")), 1 + NKEYS);
}

/* ident - an identity of kind k for domain (identity.h's rule) */
static const struct tlsrpt_identity *ident(enum tlsrpt_identity_kind k, const char *domain)
{
	static struct tlsrpt_identity id;

	tlsrpt_identity_decide(&id, k == TLSRPT_IDENTITY_DKIM, domain,
	                       k == TLSRPT_IDENTITY_CLAIMED ? domain : NULL, NULL);
	return &id;
}

/* test_key - the key's layout: reporter kind, domain, date range, report-id */
static void test_key(void **state)
{
	struct tlsrpt_dedup_key a, b;
	static const unsigned char want[] = "tlsrpt-2\0dkim\0google.com\0S\0E\0id";

	(void)state;
	assert_int_equal(
	        tlsrpt_dedup_key(&a, ident(TLSRPT_IDENTITY_DKIM, "Google.COM."), "id", "S", "E"),
	        0);
	if (a.len != sizeof(want) - 1 || memcmp(a.b, want, a.len) != 0) {
		fail_msg("key of (dkim, Google.COM., id, S, E): got %zu bytes, want %zu", a.len,
		         sizeof(want) - 1);
	}
	tlsrpt_dedup_key(&b, ident(TLSRPT_IDENTITY_CLAIMED, "google.com"), "id", "S", "E");
	if (a.len == b.len && memcmp(a.b, b.b, a.len) == 0) {
		fail_msg("an authenticated and a claimed domain give the same key");
	}
	tlsrpt_dedup_key(&b, ident(TLSRPT_IDENTITY_DKIM, "google.com"), "id", "S", "E2");
	if (a.len == b.len && memcmp(a.b, b.b, a.len) == 0) {
		fail_msg("another end-datetime gives the same key");
	}
	tlsrpt_dedup_key(&b, ident(TLSRPT_IDENTITY_DKIM, "google.com"), "id", "S2", "E");
	if (a.len == b.len && memcmp(a.b, b.b, a.len) == 0) {
		fail_msg("another start-datetime gives the same key");
	}
	/* no identity: no key (never a duplicate); NULL strings are "" */
	if (tlsrpt_dedup_key(&b, ident(TLSRPT_IDENTITY_CLAIMED, NULL), "id", "S", "E") != -1) {
		fail_msg("kind none: got a key, want -1");
	}
	if (tlsrpt_dedup_key(&b, ident(TLSRPT_IDENTITY_CLAIMED, "Google Inc."), "id", "S", "E") !=
	    -1) {
		fail_msg("organization-name text as identity: got a key, want -1");
	}
	tlsrpt_dedup_key(&b, ident(TLSRPT_IDENTITY_CLAIMED, "x.org"), NULL, NULL, NULL);
	if (b.len != sizeof("tlsrpt-2\0claimed\0x.org\0\0\0") - 1) {
		fail_msg("NULL strings: got %zu bytes", b.len);
	}
	{
		char big[3 * TLSRPT_DEDUP_KEY_MAX];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		tlsrpt_dedup_key(&b, ident(TLSRPT_IDENTITY_DKIM, "google.com"), big, big, big);
		assert_int_equal(b.len, TLSRPT_DEDUP_KEY_MAX);
	}
}

/* test_old_file - a state file of the first version loads; its keys never match new ones */
static void test_old_file(void **state)
{
	/* org "Google Inc." NUL report-id "r1", as the first version wrote it */
	static const char old[] = "tlsrpt-milter-state 1\n"
	                          "1700000000\t476f6f676c6520496e632e007231\n";
	struct tlsrpt_dedup_key k;
	struct tlsrpt_dedup *d;
	char err[256] = "";
	int note = -1;
	FILE *fp = fopen(path_of("state"), "w");

	(void)state;
	assert_non_null(fp);
	fputs(old, fp);
	fclose(fp);
	d = open_ok(path_of("state"), WEEK, 100, T0 + 10, &note, err, sizeof(err));
	if (note != 0 || tlsrpt_dedup_count(d) != 1) {
		fail_msg("old file: got note %d (%s), %zu entries; want 0 and 1", note, err,
		         tlsrpt_dedup_count(d));
	}
	raw_key(&k, "Google Inc.", "r1");
	assert_int_equal(tlsrpt_dedup_check(d, &k, T0 + 10), 1);
	tlsrpt_dedup_key(&k, ident(TLSRPT_IDENTITY_DKIM, "google.com"), "r1", NULL, NULL);
	assert_int_equal(tlsrpt_dedup_check(d, &k, T0 + 10), 0);
	tlsrpt_dedup_key(&k, ident(TLSRPT_IDENTITY_CLAIMED, "google.com"), "r1", NULL, NULL);
	assert_int_equal(tlsrpt_dedup_check(d, &k, T0 + 10), 0);
	tlsrpt_dedup_close(d);
}

/* a report from SUBMITTER, DKIM-signed per AR (NULL: no field), report-id Google's */
#define REPORT_JSON                                                                                \
	"{\"organization-name\":\"Google Inc.\",\"date-range\":{\"start-datetime\":"               \
	"\"2026-11-01T00:00:00Z\",\"end-datetime\":\"2026-11-01T23:59:59Z\"},"                     \
	"\"contact-info\":\"smtp-tls-reporting@google.com\",\"report-id\":"                        \
	"\"2026-11-01T00:00:00Z_example.com\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\"," \
	"\"policy-domain\":\"example.com\"},\"summary\":{\"total-successful-session-count\":9,"    \
	"\"total-failure-session-count\":1},\"failure-details\":[{\"result-type\":"                \
	"\"certificate-expired\",\"sending-mta-ip\":\"192.0.2.7\",\"failed-session-count\":1}]}]}"

/*
 * run_msg - one message through the pipeline with the state d, as the
 * daemon runs it; remember (0/1) says whether the daemon's record call is
 * made.  Returns the pipeline (finished) for the caller to look at and free;
 * *out gets the records, one formatted line each.
 */
static struct tlsrpt_pipeline *run_msg(struct tlsrpt_dedup *d, const char *ar,
                                       const char *submitter, int remember, char *out,
                                       size_t outlen)
{
	static const char *const ids[] = {"mx.example.com"};
	struct tlsrpt_limits lim;
	struct tlsrpt_trust t;
	struct tlsrpt_pipeline *p;
	const struct tlsrpt_records *rs;
	char msg[4096], err[256], line[TLSRPT_MAX_LOG_LINE + 1];
	size_t i, n = 0;

	tlsrpt_limits_default(&lim);
	memset(&t, 0, sizeof(t));
	t.authserv_ids = ids;
	t.nauthserv_ids = 1;
	t.dedup = d;
	t.now = T0;
	snprintf(msg, sizeof(msg),
	         "%s%s%sFrom: <noreply@%s>\r\nTLS-Report-Submitter: %s\r\n"
	         "Content-Type: application/tlsrpt+json\r\n\r\n" REPORT_JSON "\r\n",
	         ar != NULL ? "Authentication-Results: " : "", ar != NULL ? ar : "",
	         ar != NULL ? "\r\n" : "", submitter, submitter);
	p = tlsrpt_pipeline_new(&lim, TLSRPT_INPUT_MESSAGE, err, sizeof(err));
	assert_non_null(p);
	tlsrpt_pipeline_set_trust(p, &t);
	if (tlsrpt_pipeline_feed(p, msg, strlen(msg), err, sizeof(err)) != 0 ||
	    tlsrpt_pipeline_finish(p, err, sizeof(err)) == NULL) {
		fail_msg("pipeline: %s", err);
	}
	rs = tlsrpt_pipeline_records(p);
	out[0] = '\0';
	for (i = 0; i < rs->n; i++) {
		tlsrpt_record_format(&rs->v[i], TLSRPT_FORMAT_KV, NULL, line, sizeof(line));
		n += (size_t)snprintf(out + n, n < outlen ? outlen - n : 0, "%s\n", line);
	}
	if (remember && tlsrpt_pipeline_remember(p, err, sizeof(err)) != 0) {
		fail_msg("remember: %s", err);
	}
	return p;
}

/* outcome - the outcome of a finished pipeline (finishing again gives the same one) */
static const struct tlsrpt_outcome *outcome(struct tlsrpt_pipeline *p)
{
	const struct tlsrpt_outcome *o;
	char err[256];

	o = tlsrpt_pipeline_finish(p, err, sizeof(err));
	if (o == NULL) {
		fail_msg("pipeline: %s", err);
	}
	return o;
}

/* file_entries - entry lines in the state file (0 when it is missing) */
static size_t file_entries(const char *path)
{
	char line[2048];
	size_t n = 0;
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		return 0;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		n += strncmp(line, "tlsrpt-milter-state ", 20) != 0;
	}
	fclose(fp);
	return n;
}

/*
 * test_stranger - a mail authenticated for attacker.example that claims
 * "Google Inc." and Google's report-id does not make Google's real,
 * authenticated report a duplicate; neither does one that only claims
 * google.com as its submitter.  Google's report sent again is one.
 */
static void test_stranger(void **state)
{
	char out[16384], err[256];
	struct tlsrpt_dedup *d;
	struct tlsrpt_pipeline *p;

	(void)state;
	d = open_ok(path_of("state"), WEEK, 100, T0, NULL, err, sizeof(err));
	p = run_msg(d, "mx.example.com; dkim=pass header.d=attacker.example", "attacker.example", 1,
	            out, sizeof(out));
	if (strncmp(out, "report ", 7) != 0) {
		fail_msg("the stranger's report: got [%s], want it logged", out);
	}
	tlsrpt_pipeline_free(p);
	p = run_msg(d, NULL, "google.com", 1, out, sizeof(out));
	if (strncmp(out, "report ", 7) != 0) {
		fail_msg("an unsigned report claiming google.com: got [%s], want it logged", out);
	}
	tlsrpt_pipeline_free(p);
	p = run_msg(d, "mx.example.com; dkim=pass header.d=google.com", "google.com", 1, out,
	            sizeof(out));
	if (strncmp(out, "report ", 7) != 0 || strstr(out, "\nfailure ") == NULL ||
	    outcome(p)->duplicates != 0) {
		fail_msg("Google's authenticated report: got [%s], want it logged in full", out);
	}
	tlsrpt_pipeline_free(p);
	p = run_msg(d, "mx.example.com; dkim=pass header.d=google.com", "google.com", 1, out,
	            sizeof(out));
	if (strncmp(out, "ignored reason=duplicate ", 25) != 0 || outcome(p)->duplicates != 1) {
		fail_msg("Google's report again: got [%s], want ignored reason=duplicate", out);
	}
	tlsrpt_pipeline_free(p);
	assert_int_equal(tlsrpt_dedup_count(d), 3);
	tlsrpt_dedup_close(d);
}

/*
 * test_record_after_log - finish only decides: the key reaches the state
 * file (and memory) at tlsrpt_pipeline_remember(), the daemon's call after
 * logging; a daemon that dies before it logs the report again
 */
static void test_record_after_log(void **state)
{
	const char *ar = "mx.example.com; dkim=pass header.d=google.com";
	char out[16384], err[256];
	struct tlsrpt_dedup *d;
	struct tlsrpt_pipeline *p;
	const char *path = path_of("state");

	(void)state;
	d = open_ok(path, WEEK, 100, T0, NULL, err, sizeof(err));
	p = run_msg(d, ar, "google.com", 0, out, sizeof(out));
	if (strncmp(out, "report ", 7) != 0) {
		fail_msg("first copy: got [%s], want the report", out);
	}
	if (file_entries(path) != 0 || tlsrpt_dedup_count(d) != 0) {
		fail_msg(
		        "after finish: %zu entries in the file, %zu in memory; want none before the daemon's record call",
		        file_entries(path), tlsrpt_dedup_count(d));
	}
	/* the daemon "crashed" here: a restart reads the file and logs the report again */
	tlsrpt_pipeline_free(p);
	tlsrpt_dedup_close(d);
	d = open_ok(path, WEEK, 100, T0, NULL, err, sizeof(err));
	p = run_msg(d, ar, "google.com", 0, out, sizeof(out));
	if (strncmp(out, "report ", 7) != 0) {
		fail_msg("after a crash before recording: got [%s], want the report again", out);
	}
	if (tlsrpt_pipeline_remember(p, err, sizeof(err)) != 0 || file_entries(path) != 1 ||
	    tlsrpt_dedup_count(d) != 1) {
		fail_msg("after remember: %zu entries in the file (%s), want 1", file_entries(path),
		         err);
	}
	/* once only */
	if (tlsrpt_pipeline_remember(p, err, sizeof(err)) != 0 || file_entries(path) != 1) {
		fail_msg("a second remember wrote again: %zu entries", file_entries(path));
	}
	tlsrpt_pipeline_free(p);
	p = run_msg(d, ar, "google.com", 1, out, sizeof(out));
	if (strncmp(out, "ignored reason=duplicate ", 25) != 0 || file_entries(path) != 1) {
		fail_msg("third copy: got [%s] with %zu entries, want a duplicate and 1", out,
		         file_entries(path));
	}
	tlsrpt_pipeline_free(p);
	tlsrpt_dedup_close(d);
}

/*
 * test_twice_in_one_message - the same report twice in one mail: the second
 * is a duplicate of the first, and one key is recorded
 */
static void test_twice_in_one_message(void **state)
{
	static const char *const ids[] = {"mx.example.com"};
	static const char msg[] =
	        "Authentication-Results: mx.example.com; dkim=pass header.d=google.com\r\n"
	        "TLS-Report-Submitter: google.com\r\n"
	        "Content-Type: multipart/report; report-type=tlsrpt; boundary=b\r\n\r\n"
	        "--b\r\nContent-Type: application/tlsrpt+json\r\n\r\n" REPORT_JSON "\r\n"
	        "--b\r\nContent-Type: application/tlsrpt+json\r\n\r\n" REPORT_JSON "\r\n"
	        "--b--\r\n";
	struct tlsrpt_limits lim;
	struct tlsrpt_trust t;
	const struct tlsrpt_outcome *o;
	struct tlsrpt_pipeline *p;
	struct tlsrpt_dedup *d;
	char err[256];

	(void)state;
	d = open_ok(path_of("state"), WEEK, 100, T0, NULL, err, sizeof(err));
	tlsrpt_limits_default(&lim);
	memset(&t, 0, sizeof(t));
	t.authserv_ids = ids;
	t.nauthserv_ids = 1;
	t.dedup = d;
	t.now = T0;
	p = tlsrpt_pipeline_new(&lim, TLSRPT_INPUT_MESSAGE, err, sizeof(err));
	assert_non_null(p);
	tlsrpt_pipeline_set_trust(p, &t);
	if (tlsrpt_pipeline_feed(p, msg, sizeof(msg) - 1, err, sizeof(err)) != 0 ||
	    (o = tlsrpt_pipeline_finish(p, err, sizeof(err))) == NULL) {
		fail_msg("pipeline: %s", err);
	}
	if (o->reports_ok != 2 || o->duplicates != 1) {
		fail_msg("two copies in one mail: got %u read, %u duplicates; want 2 and 1",
		         o->reports_ok, o->duplicates);
	}
	if (tlsrpt_pipeline_remember(p, err, sizeof(err)) != 0 || tlsrpt_dedup_count(d) != 1 ||
	    file_entries(path_of("state")) != 1) {
		fail_msg("after remember: %zu keys, %zu in the file; want 1", tlsrpt_dedup_count(d),
		         file_entries(path_of("state")));
	}
	tlsrpt_pipeline_free(p);
	tlsrpt_dedup_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_window, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_persist, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_max_entries, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	        cmocka_unit_test(test_key),
	        cmocka_unit_test_setup_teardown(test_old_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_stranger, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_record_after_log, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_twice_in_one_message, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
