/*
 * dedup.c - remember which reports were already logged (StateFile)
 *
 * See dedup.h for the contract and the file format.  In memory the live
 * entries are one array sorted by time, oldest first, each with a 64-bit
 * FNV-1a hash of its key (compared before the key) and a copy of the key:
 * expiry and the max_entries bound remove a prefix, a lookup is one scan
 * over at most max_entries hashes (a few microseconds for thousands of
 * keys, and reports arrive a few a day per sender).
 *
 * The file is appended to (one line per new key, fsync'ed) and compacted
 * (rewritten from memory by tlsrpt_atomicfile_write) when it holds more
 * than twice the live entries and at least COMPACT_MIN lines, and also
 * whenever it may be damaged: bad lines at open, a truncated last line, a
 * failed append.  Rewriting from memory is always right, because memory
 * holds every live key.
 *
 * Diagnostics go to the caller's buffer only.  A max_entries of 0 is taken
 * as 1, one above 2^24 as 2^24; a window of 0 or less remembers nothing
 * past the same second.  Running out of memory in tlsrpt_dedup_add()
 * gives -1 with the key not remembered.  The file stores keys as opaque
 * bytes, so a change of key layout needs no new file format: keys of an
 * older layout are loaded, never match, and expire with the window.
 */
#include "config.h" /* _GNU_SOURCE: O_CLOEXEC */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ascii.h"
#include "atomicfile.h"
#include "dedup.h"
#include "errbuf.h"

#define HEADER "tlsrpt-milter-state 1"
#define DEDUP_PATH_MAX TLSRPT_ATOMICFILE_PATH_MAX /* longest path name */
#define MAX_ENTRIES_CAP ((size_t)1 << 24)         /* keeps max * 2 far from overflow */
#define COMPACT_MIN 32 /* never compact a file shorter than this many entries */
/* longest valid line: 20 digits, tab, hex key, newline */
#define LINE_MAX_BYTES (20 + 1 + 2 * TLSRPT_DEDUP_KEY_MAX + 1)

struct entry {
	time_t t;
	uint64_t hash;
	size_t len;
	unsigned char *key;
	uint64_t seq; /* insertion order: breaks ties between equal times */
};

struct tlsrpt_dedup {
	pthread_mutex_t mu;
	char *path;
	long window;
	size_t max;
	struct entry *e; /* sorted by t, oldest first */
	size_t n, cap;
	uint64_t seq;
	size_t file_entries; /* entry lines in the file, good or not */
	int rewrite;         /* the file must be compacted before the next append */
};

/* hash - FNV-1a, 64 bits */
static uint64_t hash(const unsigned char *k, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= k[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* cutoff - entries at or before this time are expired */
static time_t cutoff(const struct tlsrpt_dedup *d, time_t now)
{
	if (d->window <= 0) {
		return now;
	}
	if ((intmax_t)now < INTMAX_MIN + (intmax_t)d->window) {
		return (time_t)INTMAX_MIN;
	}
	return (time_t)((intmax_t)now - (intmax_t)d->window);
}

/* drop_prefix - forget the k oldest entries */
static void drop_prefix(struct tlsrpt_dedup *d, size_t k)
{
	size_t i;

	if (k == 0) {
		return;
	}
	for (i = 0; i < k; i++) {
		free(d->e[i].key);
	}
	memmove(d->e, d->e + k, (d->n - k) * sizeof(d->e[0]));
	d->n -= k;
}

/* expire - forget entries outside the window and beyond max (oldest first) */
static void expire(struct tlsrpt_dedup *d, time_t now)
{
	time_t c = cutoff(d, now);
	size_t k = 0;

	while (k < d->n && d->e[k].t <= c) {
		k++;
	}
	if (d->n - k > d->max) {
		k = d->n - d->max;
	}
	drop_prefix(d, k);
}

/* find - the entry with this key, or NULL */
static struct entry *find(struct tlsrpt_dedup *d, const unsigned char *k, size_t len, uint64_t h)
{
	size_t i;

	for (i = d->n; i-- > 0;) {
		if (d->e[i].hash == h && d->e[i].len == len && memcmp(d->e[i].key, k, len) == 0) {
			return &d->e[i];
		}
	}
	return NULL;
}

/*
 * insert - add a key at its place in time order (at the end when
 * !ordered: the caller sorts); -1 when memory runs out
 */
static int insert(struct tlsrpt_dedup *d, time_t t, const unsigned char *k, size_t len, uint64_t h,
                  int ordered)
{
	size_t pos;
	unsigned char *copy;

	if (d->n == d->cap) {
		size_t ncap = d->cap == 0 ? 64 : d->cap * 2;
		struct entry *ne;

		if (ncap > d->max * 2 + 64) {
			ncap = d->max * 2 + 64;
		}
		if (ncap <= d->n) {
			return -1;
		}
		ne = realloc(d->e, ncap * sizeof(ne[0]));
		if (ne == NULL) {
			return -1;
		}
		d->e = ne;
		d->cap = ncap;
	}
	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL) {
		return -1;
	}
	memcpy(copy, k, len);
	pos = d->n;
	while (ordered && pos > 0 && d->e[pos - 1].t > t) {
		pos--;
	}
	memmove(d->e + pos + 1, d->e + pos, (d->n - pos) * sizeof(d->e[0]));
	d->e[pos].t = t;
	d->e[pos].hash = h;
	d->e[pos].len = len;
	d->e[pos].key = copy;
	d->e[pos].seq = d->seq++;
	d->n++;
	return 0;
}

/* key_put - append str (NULL: "") to k, within the maximum */
static void key_put(struct tlsrpt_dedup_key *k, const char *str)
{
	for (; str != NULL && *str != '\0' && k->len < TLSRPT_DEDUP_KEY_MAX; str++) {
		k->b[k->len++] = (unsigned char)*str;
	}
}

/* tlsrpt_dedup_key - the key of a report, into *k */
int tlsrpt_dedup_key(struct tlsrpt_dedup_key *k, const struct tlsrpt_identity *id,
                     const char *report_id, const char *start, const char *end)
{
	const char *parts[4];
	size_t i;

	k->len = 0;
	if (id->kind == TLSRPT_IDENTITY_NONE) {
		return -1;
	}
	key_put(k, "tlsrpt-2");
	k->b[k->len++] = '\0';
	key_put(k, tlsrpt_identity_kind_name(id->kind));
	k->b[k->len++] = '\0';
	key_put(k, id->domain); /* normalised by identity.c: lower case, no trailing dot */
	parts[0] = start;
	parts[1] = end;
	parts[2] = report_id;
	for (i = 0; i < 3 && k->len < TLSRPT_DEDUP_KEY_MAX; i++) {
		k->b[k->len++] = '\0';
		key_put(k, parts[i]);
	}
	return 0;
}

/* parse_line - "EPOCH<TAB>HEX" (no newline) into t, k, len; -1 when bad */
static int parse_line(const char *line, size_t n, time_t *t, unsigned char *k, size_t *len)
{
	const char *tab = memchr(line, '\t', n);
	intmax_t v = 0;
	size_t i, hn;

	if (tab == NULL || tab == line || tab - line > 19) {
		return -1;
	}
	for (i = 0; line + i < tab; i++) {
		if (line[i] < '0' || line[i] > '9') {
			return -1;
		}
		v = v * 10 + (line[i] - '0');
	}
	if (v > (intmax_t)INT64_MAX / 2) {
		return -1;
	}
	hn = n - (size_t)(tab + 1 - line);
	if (hn % 2 != 0 || hn / 2 > TLSRPT_DEDUP_KEY_MAX) {
		return -1;
	}
	for (i = 0; i < hn / 2; i++) {
		int hi = tlsrpt_hexval((unsigned char)tab[1 + 2 * i]),
		    lo = tlsrpt_hexval((unsigned char)tab[2 + 2 * i]);

		if (hi < 0 || lo < 0) {
			return -1;
		}
		k[i] = (unsigned char)(hi << 4 | lo);
	}
	*t = (time_t)v;
	*len = hn / 2;
	return 0;
}

/* write_entry - one file line for e on fp */
static void write_entry(FILE *fp, const struct entry *e)
{
	size_t i;

	fprintf(fp, "%jd\t", (intmax_t)e->t);
	for (i = 0; i < e->len; i++) {
		fprintf(fp, "%02x", e->key[i]);
	}
	fputc('\n', fp);
}

/* write_all - the header and every live entry: the whole file */
static int write_all(FILE *fp, void *ctx)
{
	const struct tlsrpt_dedup *d = ctx;
	size_t i;

	fprintf(fp, "%s\n", HEADER);
	for (i = 0; i < d->n; i++) {
		write_entry(fp, &d->e[i]);
	}
	return 0;
}

/* compact - rewrite the file from memory, atomically (atomicfile.h); -1 with err */
static int compact(struct tlsrpt_dedup *d, char *err, size_t errlen)
{
	char eb[TLSRPT_ATOMICFILE_PATH_MAX + 160];

	if (tlsrpt_atomicfile_write(d->path, 0600, write_all, d, eb, sizeof(eb)) < 0) {
		tlsrpt_errbuf_set(err, errlen, "state file %s", eb);
		d->rewrite = 1;
		return -1;
	}
	d->file_entries = d->n;
	d->rewrite = 0;
	return 0;
}

/* append - one entry at the end of the file, fsync'ed; -1 with err */
static int append(struct tlsrpt_dedup *d, const struct entry *en, char *err, size_t errlen)
{
	FILE *fp;
	int fd, e;

	fd = open(d->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			return compact(d, err, errlen); /* gone (or never there): a new file */
		}
		e = errno;
		goto fail;
	}
	fp = fdopen(fd, "a");
	if (fp == NULL) {
		e = errno;
		close(fd);
		goto fail;
	}
	write_entry(fp, en);
	if (fflush(fp) != 0 || ferror(fp) || fsync(fd) != 0) {
		e = errno != 0 ? errno : EIO;
		fclose(fp);
		goto fail;
	}
	if (fclose(fp) != 0) {
		e = errno;
		goto fail;
	}
	d->file_entries++;
	return 0;

fail:
	tlsrpt_errbuf_set_errno(err, errlen, e, "state file %s", d->path);
	d->rewrite = 1; /* a partial line may be there now */
	return -1;
}

/* cmp_time - qsort: by time, then insertion order */
static int cmp_time(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->t != y->t) {
		return x->t < y->t ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * load - read the file into memory (unsorted: the caller sorts); bad lines
 * counted into *bad; 0, or an errno value on a read error or ENOMEM
 */
static int load(struct tlsrpt_dedup *d, FILE *fp, time_t now, size_t *bad)
{
	static const size_t linemax = LINE_MAX_BYTES + 1;
	char *line = malloc(linemax);
	unsigned char *k = malloc(TLSRPT_DEDUP_KEY_MAX);
	time_t c = cutoff(d, now);
	size_t lineno = 0;
	int rc = 0;

	if (line == NULL || k == NULL) {
		free(line);
		free(k);
		return ENOMEM;
	}
	for (;;) {
		size_t n = 0, len;
		int ch, over = 0, nl = 0;
		time_t t;

		while ((ch = getc(fp)) != EOF) {
			if (ch == '\n') {
				nl = 1;
				break;
			}
			if (n < LINE_MAX_BYTES) {
				line[n++] = (char)ch;
			} else {
				over = 1;
			}
		}
		if (ch == EOF && ferror(fp)) {
			rc = errno != 0 ? errno : EIO;
			break;
		}
		if (n == 0 && !nl && !over) {
			break; /* end of file */
		}
		line[n] = '\0';
		lineno++;
		if (lineno == 1 && nl && !over && strcmp(line, HEADER) == 0) {
			continue;
		}
		if (lineno == 1) {
			/* no header: counted once, the line may still be an entry */
			(*bad)++;
			d->rewrite = 1;
			if (!nl || over || parse_line(line, n, &t, k, &len) != 0) {
				continue;
			}
		} else if (!nl || over || parse_line(line, n, &t, k, &len) != 0) {
			d->file_entries++;
			(*bad)++;
			d->rewrite = 1;
			continue;
		}
		d->file_entries++;
		if (t <= c) {
			continue;
		}
		if (d->n > 1 && d->n == d->cap) {
			/* keep memory bounded: drop the oldest beyond max */
			qsort(d->e, d->n, sizeof(d->e[0]), cmp_time);
			expire(d, now);
		}
		if (insert(d, t, k, len, hash(k, len), 0) != 0) {
			rc = ENOMEM;
			break;
		}
	}
	if (lineno == 0) {
		d->rewrite = 1; /* an empty file: the header must be written first */
	}
	free(line);
	free(k);
	return rc;
}

/* cmp_key - qsort: by hash, key, then newest first */
static int cmp_key(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c;

	if (x->hash != y->hash) {
		return x->hash < y->hash ? -1 : 1;
	}
	if (x->len != y->len) {
		return x->len < y->len ? -1 : 1;
	}
	c = memcmp(x->key, y->key, x->len);
	if (c != 0) {
		return c;
	}
	if (x->t != y->t) {
		return x->t > y->t ? -1 : 1;
	}
	return x->seq > y->seq ? -1 : x->seq < y->seq;
}

/* unique - keep one (the newest) entry per key, then sort back by time */
static void unique(struct tlsrpt_dedup *d)
{
	size_t i, w = 0;

	if (d->n < 2) {
		return;
	}
	qsort(d->e, d->n, sizeof(d->e[0]), cmp_key);
	for (i = 0; i < d->n; i++) {
		if (w > 0 && d->e[w - 1].hash == d->e[i].hash && d->e[w - 1].len == d->e[i].len &&
		    memcmp(d->e[w - 1].key, d->e[i].key, d->e[i].len) == 0) {
			free(d->e[i].key);
			continue;
		}
		d->e[w++] = d->e[i];
	}
	d->n = w;
	qsort(d->e, d->n, sizeof(d->e[0]), cmp_time);
}

/* tlsrpt_dedup_open - load path (it need not exist) */
struct tlsrpt_dedup *tlsrpt_dedup_open(const char *path, long window_seconds, size_t max_entries,
                                       time_t now, int *note, char *err, size_t errlen)
{
	struct tlsrpt_dedup *d;
	size_t plen, bad = 0;
	FILE *fp;
	int rc = 0;

	if (note != NULL) {
		*note = 0;
	}
	if (path == NULL || path[0] == '\0' || (plen = strlen(path)) + 5 > DEDUP_PATH_MAX) {
		tlsrpt_errbuf_set(err, errlen, "state file: no usable path name");
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		tlsrpt_errbuf_set(err, errlen, "state file: out of memory");
		return NULL;
	}
	d->path = malloc(plen + 1);
	if (d->path == NULL || pthread_mutex_init(&d->mu, NULL) != 0) {
		free(d->path);
		free(d);
		tlsrpt_errbuf_set(err, errlen, "state file: out of memory");
		return NULL;
	}
	memcpy(d->path, path, plen + 1);
	d->window = window_seconds;
	d->max = max_entries > 0 ? max_entries : 1;
	if (d->max > MAX_ENTRIES_CAP) {
		d->max = MAX_ENTRIES_CAP;
	}

	fp = fopen(path, "re");
	if (fp == NULL) {
		rc = errno;
		if (rc == ENOENT) {
			struct stat st;
			char dir[DEDUP_PATH_MAX];
			const char *slash = strrchr(path, '/');

			rc = 0;
			if (slash != NULL && slash != path) {
				snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
				if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
					tlsrpt_errbuf_set(err, errlen,
					                  "state file %s: directory %s missing",
					                  path, dir);
					if (note != NULL) {
						*note = 1;
					}
				}
			}
		}
	} else {
		rc = load(d, fp, now, &bad);
		fclose(fp);
		unique(d); /* also sorts by time */
		expire(d, now);
	}
	if (rc == ENOMEM) {
		tlsrpt_dedup_close(d);
		tlsrpt_errbuf_set(err, errlen, "state file: out of memory");
		return NULL;
	}
	if (rc != 0) {
		tlsrpt_errbuf_set_errno(err, errlen, rc, "state file %s", path);
		d->rewrite = 1;
		if (note != NULL) {
			*note = 1;
		}
	} else if (bad > 0) {
		tlsrpt_errbuf_set(err, errlen, "state file %s: %zu bad line%s skipped", path, bad,
		                  bad == 1 ? "" : "s");
		if (note != NULL) {
			*note = 1;
		}
	}
	return d;
}

/* tlsrpt_dedup_check - was k added within the window before now? */
int tlsrpt_dedup_check(struct tlsrpt_dedup *d, const struct tlsrpt_dedup_key *k, time_t now)
{
	int found;

	pthread_mutex_lock(&d->mu);
	expire(d, now);
	found = find(d, k->b, k->len, hash(k->b, k->len)) != NULL;
	pthread_mutex_unlock(&d->mu);
	return found;
}

/* tlsrpt_dedup_add - remember k as of now, in memory and in the file */
int tlsrpt_dedup_add(struct tlsrpt_dedup *d, const struct tlsrpt_dedup_key *k, time_t now,
                     char *err, size_t errlen)
{
	uint64_t h = hash(k->b, k->len);
	struct entry *e;
	int rc;

	pthread_mutex_lock(&d->mu);
	expire(d, now);
	if (find(d, k->b, k->len, h) != NULL) {
		pthread_mutex_unlock(&d->mu);
		return 1;
	}
	if (d->n == d->max) {
		drop_prefix(d, 1); /* the oldest is forgotten first */
	}
	if (insert(d, now, k->b, k->len, h, 1) != 0) {
		pthread_mutex_unlock(&d->mu);
		tlsrpt_errbuf_set(err, errlen, "state file %s: out of memory", d->path);
		return -1;
	}
	e = find(d, k->b, k->len, h);
	if (d->rewrite || (d->file_entries + 1 > 2 * d->n && d->file_entries + 1 > COMPACT_MIN)) {
		rc = compact(d, err, errlen);
	} else {
		rc = append(d, e, err, errlen);
	}
	pthread_mutex_unlock(&d->mu);
	return rc == 0 ? 0 : -1;
}

/* tlsrpt_dedup_count - live entries */
size_t tlsrpt_dedup_count(struct tlsrpt_dedup *d)
{
	size_t n;

	pthread_mutex_lock(&d->mu);
	n = d->n;
	pthread_mutex_unlock(&d->mu);
	return n;
}

/* tlsrpt_dedup_close - release d; accepts NULL */
void tlsrpt_dedup_close(struct tlsrpt_dedup *d)
{
	size_t i;

	if (d == NULL) {
		return;
	}
	for (i = 0; i < d->n; i++) {
		free(d->e[i].key);
	}
	free(d->e);
	free(d->path);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
