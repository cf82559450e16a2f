/*
 * bench.c - in-process benchmark: the milter's pipeline against a bare C floor
 *
 * For each input email, two variants, each measured in a fresh child
 * process (fork) so that peak RSS figures do not mix:
 *
 *   pipeline  exactly what the milter does per message: tlsrpt_pipeline_new
 *             in TLSRPT_INPUT_MESSAGE mode; each header field fed as
 *             mlfi_header does (name, ": ", value, CRLF), the blank line as
 *             mlfi_eoh does, the body in 65535-byte chunks like libmilter's
 *             body callbacks; finish; every record formatted with
 *             tlsrpt_record_format into a stack buffer (nothing printed);
 *             free.
 *   floor     the least a C program must do: find the base64 body of the
 *             last part, base64-decode it, inflate it (gzip, new stream
 *             per report, output capped at the default MaxReportSize),
 *             cJSON_ParseWithLength, walk the tree, cJSON_Delete.  The
 *             decode and inflate buffers are allocated once per process.
 *
 * Each variant runs two warm-up iterations, then repeats until the time
 * budget (-t, default 1.5 s) is used, at least 5 times.  Times come from
 * clock_gettime(CLOCK_MONOTONIC) around each iteration, or around a batch
 * of iterations lasting at least 200 us for tiny inputs (the sample is
 * then the batch mean); the median and the 90th percentile of the
 * samples are reported.  MB/s is email bytes (10^6) per
 * second at the median.  Peak RSS is the child's ru_maxrss, which
 * includes the email held in memory and the process baseline.
 *
 * Allocator: by default both variants run with glibc malloc as configured
 * out of the box (the milter's case).  -k keeps the heap between reports
 * (M_TRIM_THRESHOLD 1 GiB, M_MMAP_THRESHOLD 32 MiB, for both variants):
 * without it glibc gives the freed cJSON tree back to the kernel after
 * every report and the next parse page-faults it in again, which slows
 * the floor more than the pipeline.  The floor with -k is the "bare C
 * floor" of issue 6.
 *
 * Usage: bench [-k] [-t SECONDS] FILE.eml...
 * Output: machine and versions, then one table row per input.  Exit 0,
 * or 1 if an input cannot be read or a child fails.
 *
 *        bench -n COUNT -v pipeline|floor FILE.eml
 * Fixed count: one warm-up, then COUNT iterations of one variant in this
 * process, no fork, no timing, for instruction counts under
 * valgrind --tool=callgrind (bench/callgrind.sh); prints the outcome.
 *
 * Outside `make check`: built and run by `make bench` (bench/run-bench.sh).
 */
#include "config.h" /* _GNU_SOURCE for memmem */

#include <cjson/cJSON.h>
#include <zlib.h>

#include <errno.h>
#include <gnu/libc-version.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tlsrpt_limits.h"
#include "pipeline.h"
#include "record.h"

#define CHUNK 65535 /* libmilter's MILTER_CHUNK_SIZE: largest body chunk */
#define MIN_ITERS 5
#define BATCH_S 200e-6 /* shortest timed sample */

enum variant { V_PIPELINE, V_FLOOR };

/* What a child reports back through its pipe. */
struct result {
	int ok;
	double median_s, p90_s, mean_s;
	long iters;
	long maxrss_kib;
	char what[96]; /* outcome, e.g. "1 report, 105 records" or "refused" */
};

struct samples {
	double *v;
	size_t n, cap;
};

static volatile size_t sink; /* keeps the optimiser from dropping work */

/* now - CLOCK_MONOTONIC in seconds */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* read_file - whole file into a malloc'd buffer; NULL on failure */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL) {
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

/* ---------------------------------------------------------------------- */
/* the pipeline, as the milter drives it */

struct pipe_out {
	unsigned reports, errors;
	size_t records;
};

/* feed - one feed call; -1 on internal failure */
static int feed(struct tlsrpt_pipeline *p, const char *d, size_t n)
{
	char err[256];

	return tlsrpt_pipeline_feed(p, d, n, err, sizeof(err));
}

/* run_pipeline - one message through the pipeline; -1 on internal failure */
static int run_pipeline(const struct tlsrpt_limits *lim, const char *msg, size_t len,
                        struct pipe_out *out)
{
	char err[256], line[TLSRPT_MAX_LOG_LINE + 1];
	struct tlsrpt_pipeline *p;
	const struct tlsrpt_outcome *o;
	const struct tlsrpt_records *rs;
	const char *s = msg, *end = msg + len, *body;
	size_t i, total = 0;
	int rc = 0;

	p = tlsrpt_pipeline_new(lim, TLSRPT_INPUT_MESSAGE, err, sizeof(err));
	if (p == NULL) {
		return -1;
	}
	/* header fields one by one, as mlfi_header: name, ": ", value, CRLF */
	while (s < end && *s != '\r' && *s != '\n') {
		const char *f = s, *colon, *v, *ve;

		do { /* the field runs to a line not starting with SP/HT */
			s = memchr(s, '\n', (size_t)(end - s));
			s = s != NULL ? s + 1 : end;
		} while (s < end && (*s == ' ' || *s == '\t'));
		colon = memchr(f, ':', (size_t)(s - f));
		if (colon == NULL) {
			continue;
		}
		for (v = colon + 1; v < s && (*v == ' ' || *v == '\t'); v++) {
		}
		for (ve = s; ve > v && (ve[-1] == '\n' || ve[-1] == '\r'); ve--) {
		}
		if (feed(p, f, (size_t)(colon - f)) < 0 || feed(p, ": ", 2) < 0 ||
		    feed(p, v, (size_t)(ve - v)) < 0 || feed(p, "\r\n", 2) < 0) {
			rc = -1;
		}
	}
	/* end of headers, as mlfi_eoh; then the body in libmilter-sized chunks */
	if (feed(p, "\r\n", 2) < 0) {
		rc = -1;
	}
	body = s < end && *s == '\r' ? s + 2 : s < end ? s + 1 : end;
	if (body > end) {
		body = end;
	}
	for (s = body; s < end && rc == 0; s += CHUNK) {
		size_t n = (size_t)(end - s) < CHUNK ? (size_t)(end - s) : CHUNK;

		rc = feed(p, s, n);
	}
	if ((o = tlsrpt_pipeline_finish(p, err, sizeof(err))) == NULL) {
		rc = -1;
	}
	rs = tlsrpt_pipeline_records(p);
	for (i = 0; i < rs->n; i++) {
		total += tlsrpt_record_format(&rs->v[i], TLSRPT_FORMAT_KV, "4XbT2d1Kj9zN", line,
		                              sizeof(line));
	}
	sink += total;
	out->reports = o != NULL ? o->reports_ok : 0;
	out->errors = o != NULL ? o->errors : 0;
	out->records = rs->n;
	tlsrpt_pipeline_free(p);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* the floor: base64 + inflate + cJSON parse + walk */

struct floor_ctx {
	unsigned char *dec; /* base64-decoded payload */
	size_t deccap;
	unsigned char *inf; /* inflated report, at most cap bytes */
	size_t cap;
	signed char b64[256];
};

struct floor_out {
	int refused;
	size_t nodes;
};

/* floor_init - buffers sized for this email; -1 on no memory */
static int floor_init(struct floor_ctx *fc, size_t emaillen, size_t cap)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int i;

	memset(fc->b64, -1, sizeof(fc->b64));
	for (i = 0; i < 64; i++) {
		fc->b64[(unsigned char)a[i]] = (signed char)i;
	}
	fc->deccap = emaillen / 4 * 3 + 3;
	fc->cap = cap;
	fc->dec = malloc(fc->deccap);
	fc->inf = malloc(cap + 1);
	return fc->dec != NULL && fc->inf != NULL ? 0 : -1;
}

/* walk - visit every node, touching keys and values */
static size_t walk(const cJSON *n)
{
	size_t c = 0;

	for (; n != NULL; n = n->next) {
		c++;
		if (n->string != NULL) {
			sink += (unsigned char)n->string[0];
		}
		if (cJSON_IsString(n)) {
			sink += strlen(n->valuestring);
		} else if (cJSON_IsNumber(n)) {
			sink += (size_t)n->valueint;
		}
		if (n->child != NULL) {
			c += walk(n->child);
		}
	}
	return c;
}

/* run_floor - one email the bare way; -1 if the payload is not found or bad */
static int run_floor(struct floor_ctx *fc, const char *msg, size_t len, struct floor_out *out)
{
	static const char cte[] = "Content-Transfer-Encoding: base64";
	const char *s, *p = NULL, *end = msg + len;
	unsigned char *d = fc->dec;
	uint32_t acc = 0;
	int bits = 0, zrc;
	z_stream z;
	cJSON *root;

	/* the last base64 part: its body starts after the blank line */
	for (s = msg; (s = memmem(s, (size_t)(end - s), cte, sizeof(cte) - 1)) != NULL; s++) {
		p = s;
	}
	if (p == NULL || (p = memmem(p, (size_t)(end - p), "\r\n\r\n", 4)) == NULL) {
		return -1;
	}
	for (p += 4; p < end && *p != '-'; p++) {
		int v = fc->b64[(unsigned char)*p];

		if (v >= 0) {
			acc = acc << 6 | (uint32_t)v;
			if ((bits += 6) >= 8) {
				bits -= 8;
				*d++ = (unsigned char)(acc >> bits);
			}
		}
	}
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 32) != Z_OK) {
		return -1;
	}
	z.next_in = fc->dec;
	z.avail_in = (uInt)(d - fc->dec);
	z.next_out = fc->inf;
	z.avail_out = (uInt)(fc->cap + 1);
	zrc = inflate(&z, Z_FINISH);
	out->refused = z.total_out > fc->cap;
	inflateEnd(&z);
	out->nodes = 0;
	if (out->refused) {
		return 0;
	}
	if (zrc != Z_STREAM_END) {
		return -1;
	}
	root = cJSON_ParseWithLength((const char *)fc->inf, z.total_out);
	if (root == NULL) {
		return -1;
	}
	out->nodes = walk(root);
	cJSON_Delete(root);
	return 0;
}

/* ---------------------------------------------------------------------- */

/* cmp_double - qsort order */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* push - append a sample; -1 on no memory */
static int push(struct samples *sm, double v)
{
	if (sm->n == sm->cap) {
		size_t nc = sm->cap ? sm->cap * 2 : 1024;
		double *nv = realloc(sm->v, nc * sizeof(*nv));

		if (nv == NULL) {
			return -1;
		}
		sm->v = nv;
		sm->cap = nc;
	}
	sm->v[sm->n++] = v;
	return 0;
}

/* measure - child body: time one variant on one file; fills res */
static void measure(const char *path, enum variant var, double budget, struct result *res)
{
	struct tlsrpt_limits lim;
	struct floor_ctx fc;
	struct pipe_out po;
	struct floor_out fo;
	struct samples sm = {0};
	struct rusage ru;
	size_t len;
	char *msg = read_file(path, &len);
	double t0, t, start;
	long batch;
	size_t k;
	int rc;

	memset(res, 0, sizeof(*res));
	if (msg == NULL) {
		snprintf(res->what, sizeof(res->what), "cannot read: %s", strerror(errno));
		return;
	}
	tlsrpt_limits_default(&lim);
	if (var == V_FLOOR && floor_init(&fc, len, lim.max_report_size) < 0) {
		snprintf(res->what, sizeof(res->what), "out of memory");
		return;
	}
	/* one warm-up, which also gives the outcome */
	rc = var == V_PIPELINE ? run_pipeline(&lim, msg, len, &po) : run_floor(&fc, msg, len, &fo);
	if (rc < 0) {
		snprintf(res->what, sizeof(res->what), "internal failure");
		return;
	}
	/* tiny cases are timed in batches of >= BATCH_S, so samples stay few */
	t0 = now();
	rc = var == V_PIPELINE ? run_pipeline(&lim, msg, len, &po) : run_floor(&fc, msg, len, &fo);
	t = now() - t0;
	batch = t > 0 && t < BATCH_S ? (long)(BATCH_S / t) + 1 : 1;
	start = now();
	do {
		long b;

		t0 = now();
		for (b = 0; b < batch; b++) {
			if (var == V_PIPELINE) {
				(void)run_pipeline(&lim, msg, len, &po);
			} else {
				(void)run_floor(&fc, msg, len, &fo);
			}
		}
		t = now();
		if (push(&sm, (t - t0) / (double)batch) < 0) {
			snprintf(res->what, sizeof(res->what), "out of memory");
			return;
		}
	} while (t - start < budget || sm.n < MIN_ITERS);
	qsort(sm.v, sm.n, sizeof(double), cmp_double);
	res->median_s = sm.n % 2 ? sm.v[sm.n / 2] : (sm.v[sm.n / 2 - 1] + sm.v[sm.n / 2]) / 2;
	res->p90_s = sm.v[(sm.n * 9) / 10 < sm.n ? (sm.n * 9) / 10 : sm.n - 1];
	res->iters = (long)sm.n * batch;
	for (k = 0; k < sm.n; k++) {
		res->mean_s += sm.v[k] / (double)sm.n;
	}
	if (var == V_PIPELINE) {
		if (po.reports > 0 && po.errors == 0) {
			snprintf(res->what, sizeof(res->what), "%u report, %zu records", po.reports,
			         po.records);
		} else {
			snprintf(res->what, sizeof(res->what), "refused (%u error)", po.errors);
		}
	} else {
		if (fo.refused) {
			snprintf(res->what, sizeof(res->what), "refused (cap)");
		} else {
			snprintf(res->what, sizeof(res->what), "%zu JSON nodes", fo.nodes);
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	res->maxrss_kib = ru.ru_maxrss;
	res->ok = 1;
}

/* run_child - fork, measure in the child, read its result; -1 on failure */
static int run_child(const char *path, enum variant var, double budget, struct result *res)
{
	int fds[2], st;
	pid_t pid;
	ssize_t n;

	if (pipe(fds) < 0) {
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		struct result r;

		close(fds[0]);
		measure(path, var, budget, &r);
		n = write(fds[1], &r, sizeof(r));
		_exit(n == (ssize_t)sizeof(r) ? 0 : 1);
	}
	close(fds[1]);
	n = read(fds[0], res, sizeof(*res));
	close(fds[0]);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    n != (ssize_t)sizeof(*res)) {
		return -1;
	}
	return res->ok ? 0 : -1;
}

/* fmt_time - "7.6 µs", "0.87 ms", "106 ms" */
static const char *fmt_time(double s, char *buf, size_t len)
{
	if (s < 1e-3) {
		snprintf(buf, len, "%.3g us", s * 1e6);
	} else if (s < 1.0) {
		snprintf(buf, len, "%.3g ms", s * 1e3);
	} else {
		snprintf(buf, len, "%.3g s", s);
	}
	return buf;
}

/* print_machine - CPU, compiler and library versions */
static void print_machine(void)
{
	char line[512], model[256] = "unknown";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			char *c = strchr(line, ':');

			if (strncmp(line, "model name", 10) == 0 && c != NULL) {
				snprintf(model, sizeof(model), "%s", c + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	if (uname(&u) < 0) {
		snprintf(u.sysname, sizeof(u.sysname), "?");
		u.release[0] = u.machine[0] = '\0';
	}
	printf("machine: %ld CPUs online, %s; %s %s %s\n", sysconf(_SC_NPROCESSORS_ONLN), model,
	       u.sysname, u.release, u.machine);
	printf("compiler: %s; glibc %s; zlib %s; cJSON %s\n",
#if defined(__clang__)
	       "clang " __clang_version__,
#elif defined(__GNUC__)
	       "gcc " __VERSION__,
#else
	       "unknown",
#endif
	       gnu_get_libc_version(), zlibVersion(), cJSON_Version());
}

/* run_count - fixed number of iterations of one variant, in this process; exit status */
static int run_count(const char *path, enum variant var, long count)
{
	struct tlsrpt_limits lim;
	struct floor_ctx fc;
	struct pipe_out po = {0};
	struct floor_out fo = {0};
	size_t len;
	char *msg = read_file(path, &len);
	long k;
	int rc = 0;

	if (msg == NULL) {
		fprintf(stderr, "bench: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	tlsrpt_limits_default(&lim);
	if (var == V_FLOOR && floor_init(&fc, len, lim.max_report_size) < 0) {
		fprintf(stderr, "bench: out of memory\n");
		return 1;
	}
	for (k = 0; k <= count && rc == 0; k++) { /* iteration 0 is the warm-up */
		rc = var == V_PIPELINE ? run_pipeline(&lim, msg, len, &po)
		                       : run_floor(&fc, msg, len, &fo);
	}
	if (var == V_PIPELINE) {
		printf("%s pipeline x%ld: %u reports, %u errors, %zu records\n", path, count,
		       po.reports, po.errors, po.records);
	} else {
		printf("%s floor x%ld: %s, %zu JSON nodes\n", path, count,
		       fo.refused ? "refused" : "parsed", fo.nodes);
	}
	if (var == V_FLOOR) {
		free(fc.dec);
		free(fc.inf);
	}
	free(msg);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	double budget = 1.5;
	int i, c, status = 0, keep = 0, var = -1;
	long count = 0;

	while ((c = getopt(argc, argv, "kt:n:v:")) != -1) {
		if (c == 't') {
			budget = strtod(optarg, NULL);
		} else if (c == 'k') {
			keep = 1;
		} else if (c == 'n') {
			count = strtol(optarg, NULL, 10);
		} else if (c == 'v' && strcmp(optarg, "pipeline") == 0) {
			var = V_PIPELINE;
		} else if (c == 'v' && strcmp(optarg, "floor") == 0) {
			var = V_FLOOR;
		} else {
			fprintf(stderr, "usage: bench [-k] [-t SECONDS] FILE.eml...\n");
			return 2;
		}
	}
	if (optind >= argc || !(budget > 0)) {
		fprintf(stderr, "usage: bench [-k] [-t SECONDS] FILE.eml...\n");
		return 2;
	}
	if (count > 0 || var >= 0) {
		if (count <= 0 || var < 0 || optind != argc - 1) {
			fprintf(stderr, "usage: bench -n COUNT -v pipeline|floor FILE.eml\n");
			return 2;
		}
		return run_count(argv[optind], (enum variant)var, count);
	}
	if (keep) { /* inherited by every child */
		mallopt(M_TRIM_THRESHOLD, 1 << 30);
		mallopt(M_MMAP_THRESHOLD, 32 << 20);
	}
	print_machine();
	printf("budget %.2g s per variant; body chunks %d bytes; malloc: %s; medians (p90)\n\n",
	       budget, CHUNK, keep ? "heap kept (-k)" : "glibc defaults");
	printf("%-8s %10s  %-22s %-22s %6s  %9s %9s  %9s %9s  %s / %s\n", "input", "email B",
	       "pipeline median (p90)", "floor median (p90)", "ratio", "pipe MB/s", "floor MB/s",
	       "pipe RSS", "floor RSS", "pipeline", "floor");
	for (i = optind; i < argc; i++) {
		struct result rp, rf;
		char name[64], a[32], b[32], pm[48], fm[48];
		const char *base = strrchr(argv[i], '/');
		FILE *f = fopen(argv[i], "rb");
		long len = -1;

		if (f != NULL) {
			if (fseek(f, 0, SEEK_END) == 0) {
				len = ftell(f);
			}
			fclose(f);
		}
		snprintf(name, sizeof(name), "%s", base ? base + 1 : argv[i]);
		name[strcspn(name, ".")] = '\0';
		if (len <= 0 || run_child(argv[i], V_PIPELINE, budget, &rp) < 0 ||
		    run_child(argv[i], V_FLOOR, budget, &rf) < 0) {
			printf("%-8s failed (%s)\n", name, argv[i]);
			status = 1;
			continue;
		}
		snprintf(pm, sizeof(pm), "%s (%s)", fmt_time(rp.median_s, a, sizeof(a)),
		         fmt_time(rp.p90_s, b, sizeof(b)));
		snprintf(fm, sizeof(fm), "%s (%s)", fmt_time(rf.median_s, a, sizeof(a)),
		         fmt_time(rf.p90_s, b, sizeof(b)));
		printf("%-8s %10ld  %-22s %-22s %6.2f  %9.1f %9.1f  %6.1f MiB %6.1f MiB  %s / %s\n",
		       name, len, pm, fm, rp.median_s / rf.median_s,
		       (double)len / 1e6 / rp.median_s, (double)len / 1e6 / rf.median_s,
		       rp.maxrss_kib / 1024.0, rf.maxrss_kib / 1024.0, rp.what, rf.what);
		printf("%-8s %10s  mean %s / %s; iterations %ld / %ld\n", "", "",
		       fmt_time(rp.mean_s, a, sizeof(a)), fmt_time(rf.mean_s, b, sizeof(b)),
		       rp.iters, rf.iters);
	}
	return status;
}
