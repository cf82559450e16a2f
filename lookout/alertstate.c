/*
 * alertstate.c - the alert mode's state file (see alertstate.h)
 *
 * Loading reads the file twice: once to check every line, then to restore
 * them, so a file damaged half-way restores nothing rather than half.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "alertstate.h"
#include "atomicfile.h"
#include "cursor.h"
#include "errbuf.h"

#define STATE_HEADER "tlsrpt-alert-state 2"

/* one entry of the file */
struct entry {
	char kind; /* P, R, D, B or 0 for a cursor entry */
	union {
		struct tlsrpt_alert_problem p;
		struct tlsrpt_alert_baseline b;
		struct tlsrpt_alert_reporter r;
		struct tlsrpt_alert_domain d;
		struct tlsrpt_cursor_entry c;
	} u;
};

/* split - tab-separated fields of line (changed in place); their number */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = line;
		if ((line = strchr(line, '\t')) == NULL) {
			break;
		}
		*line++ = '\0';
	}
	return line == NULL ? n : max + 1;
}

/* num - a decimal field; 0 ok, -1 not one */
static int num(const char *s, long long *v)
{
	char *e;

	errno = 0;
	*v = strtoll(s, &e, 10);
	return errno != 0 || e == s || *e != '\0' ? -1 : 0;
}

/* unum - an unsigned decimal field; 0 ok, -1 not one */
static int unum(const char *s, unsigned long long *v)
{
	char *e;

	errno = 0;
	*v = strtoull(s, &e, 10);
	return errno != 0 || e == s || *e != '\0' || s[0] == '-' ? -1 : 0;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/*
 * parse_baseline - a B line's fields: domain, reporter, kind (1
 * authenticated), last (v[0], v[1] already read), then its reports, the
 * oldest first, as SESSIONS:FAILED separated by commas (none: "-")
 */
static int parse_baseline(char **f, const long long *v, struct tlsrpt_alert_baseline *b)
{
	const char *p = f[5];

	COPY(b->domain, f[1]);
	COPY(b->id, f[2]);
	b->auth = v[0] != 0;
	b->last = v[1];
	if (strcmp(p, "-") == 0) {
		return 0;
	}
	while (*p != '\0') {
		char *e;
		unsigned long long s, fl;

		if (b->n >= TLSRPT_ALERT_BASELINE_MAX || *p < '0' || *p > '9') {
			return -1;
		}
		errno = 0;
		s = strtoull(p, &e, 10);
		if (errno != 0 || *e != ':' || e[1] < '0' || e[1] > '9') {
			return -1;
		}
		fl = strtoull(e + 1, &e, 10);
		if (errno != 0 || (*e != ',' && *e != '\0') || fl > s) {
			return -1;
		}
		b->sessions[b->n] = s;
		b->failed[b->n] = fl;
		b->n++;
		p = *e == ',' ? e + 1 : e;
	}
	return 0;
}

/* parse - one line into *e; 0 or -1 when damaged */
static int parse(char *line, struct entry *e)
{
	char *f[24];
	long long v[12];
	unsigned long long u;
	size_t n = split(line, f, 24), i;

	memset(e, 0, sizeof(*e));
	if (strcmp(f[0], "P") == 0 && (n == 18 || n == 21)) {
		struct tlsrpt_alert_problem *p = &e->u.p;

		for (i = 0; i < 10; i++) {
			if (num(f[6 + i], &v[i]) < 0) {
				return -1;
			}
		}
		e->kind = 'P';
		COPY(p->domain, f[1]);
		COPY(p->ptype, f[2]);
		COPY(p->rtype, f[3]);
		COPY(p->mx, f[4]);
		COPY(p->ip, f[5]);
		p->state = v[0] == TLSRPT_ALERT_STATE_RECOVERED ? TLSRPT_ALERT_STATE_RECOVERED
		                                                : TLSRPT_ALERT_STATE_OPEN;
		p->announced = (int)v[1];
		p->opened = v[2];
		p->last_fail = v[3];
		p->recovered_at = v[4];
		p->first_day = (long)v[5];
		p->last_day = (long)v[6];
		p->recovered_day = (long)v[7];
		p->failed = (unsigned long long)v[8];
		p->sessions = (unsigned long long)v[9];
		COPY(p->reporters, f[16]);
		COPY(p->recovered_by, f[17]);
		if (n == 21) { /* raised by the baseline rule: the baseline's figures */
			for (i = 0; i < 3; i++) {
				if (num(f[18 + i], &v[i]) < 0 || v[i] < 0) {
					return -1;
				}
			}
			p->by_baseline = v[0] != 0;
			p->base_failed = (unsigned long long)v[1];
			p->base_sessions = (unsigned long long)v[2];
		}
		return 0;
	}
	if (strcmp(f[0], "B") == 0 && n == 6 && num(f[3], &v[0]) == 0 && num(f[4], &v[1]) == 0) {
		if (parse_baseline(f, v, &e->u.b) < 0) {
			return -1;
		}
		e->kind = 'B';
		return 0;
	}
	if (strcmp(f[0], "R") == 0 && n == 8 && num(f[3], &v[0]) == 0 && num(f[4], &v[1]) == 0 &&
	    num(f[5], &v[2]) == 0 && num(f[6], &v[3]) == 0 && unum(f[7], &u) == 0) {
		e->kind = 'R';
		COPY(e->u.r.domain, f[1]);
		COPY(e->u.r.id, f[2]);
		e->u.r.last = v[0];
		e->u.r.announced = v[1] != 0;
		e->u.r.auth = v[2] != 0;
		e->u.r.history = v[3] != 0;
		e->u.r.msg = u;
		return 0;
	}
	if (strcmp(f[0], "D") == 0 && n == 6 && num(f[2], &v[0]) == 0 && num(f[3], &v[1]) == 0 &&
	    num(f[4], &v[2]) == 0 && num(f[5], &v[3]) == 0) {
		e->kind = 'D';
		COPY(e->u.d.name, f[1]);
		e->u.d.last = v[0];
		e->u.d.since = v[1];
		e->u.d.expected = v[2] != 0;
		e->u.d.announced = v[3] != 0;
		return 0;
	}
	if ((strcmp(f[0], "J") == 0 || strcmp(f[0], "C") == 0) && n == 3 && num(f[1], &v[0]) == 0 &&
	    num(f[2], &v[1]) == 0) {
		e->u.c.kind = f[0][0] == 'J' ? TLSRPT_CURSOR_JUDGED : TLSRPT_CURSOR_CARRIED;
		e->u.c.ino = (unsigned long long)v[0];
		e->u.c.off = (unsigned long long)v[1];
		return 0;
	}
	if (strcmp(f[0], "F") == 0 && n == 4 && num(f[1], &v[0]) == 0 && num(f[2], &v[1]) == 0 &&
	    v[1] >= 0) {
		e->u.c.kind = TLSRPT_CURSOR_FILE;
		COPY(e->u.c.path, f[3]);
		e->u.c.ino = (unsigned long long)v[0];
		e->u.c.off = (unsigned long long)v[1];
		return 0;
	}
	return -1;
}

/* apply - one checked entry into the machine or the cursor */
static void apply(const struct entry *e, struct tlsrpt_alert *a, struct tlsrpt_cursor *c)
{
	switch (e->kind) {
	case 'P':
		tlsrpt_alert_restore_problem(a, &e->u.p);
		break;
	case 'R':
		tlsrpt_alert_restore_reporter(a, &e->u.r);
		break;
	case 'D':
		tlsrpt_alert_restore_domain(a, &e->u.d);
		break;
	case 'B':
		tlsrpt_alert_restore_baseline(a, &e->u.b);
		break;
	default:
		tlsrpt_cursor_restore(c, &e->u.c);
		break;
	}
}

/*
 * pass - read every line of fp; with a and c, restore them.  0, or -1
 * damaged (err says where)
 */
static int pass(FILE *fp, const char *path, struct tlsrpt_alert *a, struct tlsrpt_cursor *c,
                struct entry *e, char *err, size_t errlen)
{
	char line[2048];
	unsigned long lineno = 0;

	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t len = strlen(line);

		lineno++;
		if (len == 0 || line[len - 1] != '\n') {
			tlsrpt_errbuf_set(err, errlen, "state file %s: line %lu truncated", path,
			                  lineno);
			return -1;
		}
		line[len - 1] = '\0';
		if (lineno == 1 ? strcmp(line, STATE_HEADER) != 0 : parse(line, e) < 0) {
			tlsrpt_errbuf_set(err, errlen, "state file %s: line %lu damaged", path,
			                  lineno);
			return -1;
		}
		if (lineno > 1 && a != NULL) {
			apply(e, a, c);
		}
	}
	if (lineno == 0) {
		tlsrpt_errbuf_set(err, errlen, "state file %s: empty", path);
		return -1;
	}
	return 0;
}

/* tlsrpt_alertstate_load - check the file, then restore it */
int tlsrpt_alertstate_load(const char *path, struct tlsrpt_alert *a, struct tlsrpt_cursor *c,
                           char *err, size_t errlen)
{
	FILE *fp = fopen(path, "re");
	struct entry *e;
	int rc = 0;

	if (fp == NULL) {
		if (errno == ENOENT) {
			return 0;
		}
		tlsrpt_errbuf_set_errno(err, errlen, errno, "state file %s", path);
		return -1;
	}
	if ((e = malloc(sizeof(*e))) == NULL) {
		tlsrpt_errbuf_set(err, errlen, "state file %s: out of memory", path);
		fclose(fp);
		return -1;
	}
	if (pass(fp, path, NULL, NULL, e, err, errlen) < 0) {
		rc = 1;
	} else {
		rewind(fp);
		(void)pass(fp, path, a, c, e, err, errlen);
	}
	free(e);
	fclose(fp);
	return rc;
}

struct save_ctx {
	const struct tlsrpt_alert *a;
	const struct tlsrpt_cursor *c;
};

/* write_state - every entry, in the order D, P, R, B, F, J, C (domains first: whether a problem or
   a reporter is in the pool of ours depends on its domain) */
static int write_state(FILE *fp, void *ctx)
{
	const struct save_ctx *s = ctx;
	const struct tlsrpt_alert_problem *p;
	const struct tlsrpt_alert_reporter *r;
	const struct tlsrpt_alert_domain *d;
	struct tlsrpt_cursor_entry *ce = malloc(sizeof(*ce));
	size_t i;

	if (ce == NULL) {
		errno = ENOMEM;
		return -1;
	}
	fprintf(fp, "%s\n", STATE_HEADER);
	for (i = 0; i < TLSRPT_ALERT_MAX_DOMAINS; i++) {
		if ((d = tlsrpt_alert_domain_at(s->a, i)) != NULL) {
			fprintf(fp, "D\t%s\t%lld\t%lld\t%d\t%d\n", d->name, d->last, d->since,
			        d->expected, d->announced);
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_PROBLEMS; i++) {
		if ((p = tlsrpt_alert_problem_at(s->a, i)) != NULL) {
			fprintf(fp,
			        "P\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%lld\t%lld\t%lld\t%ld\t%ld\t%ld\t%llu\t%llu\t%s\t%s\t%d\t%llu\t%llu\n",
			        p->domain, p->ptype, p->rtype, p->mx, p->ip, p->state, p->announced,
			        p->opened, p->last_fail, p->recovered_at, p->first_day, p->last_day,
			        p->recovered_day, p->failed, p->sessions, p->reporters,
			        p->recovered_by, p->by_baseline, p->base_failed, p->base_sessions);
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_REPORTERS; i++) {
		if ((r = tlsrpt_alert_reporter_at(s->a, i)) != NULL) {
			fprintf(fp, "R\t%s\t%s\t%lld\t%d\t%d\t%d\t%llu\n", r->domain, r->id,
			        r->last, r->announced, r->auth, r->history, r->msg);
		}
	}
	for (i = 0; i < TLSRPT_ALERT_MAX_BASELINES; i++) {
		const struct tlsrpt_alert_baseline *b = tlsrpt_alert_baseline_at(s->a, i);
		unsigned j;

		if (b == NULL) {
			continue;
		}
		fprintf(fp, "B\t%s\t%s\t%d\t%lld\t", b->domain, b->id, b->auth, b->last);
		for (j = 0; j < b->n; j++) {
			fprintf(fp, "%s%llu:%llu", j ? "," : "", b->sessions[j], b->failed[j]);
		}
		fputs(b->n == 0 ? "-\n" : "\n", fp);
	}
	i = 0;
	while (s->c != NULL && tlsrpt_cursor_entry(s->c, &i, ce)) {
		switch (ce->kind) {
		case TLSRPT_CURSOR_FILE:
			fprintf(fp, "F\t%llu\t%llu\t%s\n", ce->ino, ce->off, ce->path);
			break;
		case TLSRPT_CURSOR_JUDGED:
			fprintf(fp, "J\t%llu\t%llu\n", ce->ino, ce->off);
			break;
		case TLSRPT_CURSOR_CARRIED:
			fprintf(fp, "C\t%llu\t%llu\n", ce->ino, ce->off);
			break;
		}
	}
	free(ce);
	return 0;
}

/* tlsrpt_alertstate_save - the whole file, atomically */
int tlsrpt_alertstate_save(const char *path, const struct tlsrpt_alert *a,
                           const struct tlsrpt_cursor *c, char *err, size_t errlen)
{
	struct save_ctx s = {a, c};
	char eb[TLSRPT_ATOMICFILE_PATH_MAX + 160];

	if (tlsrpt_atomicfile_write(path, 0640, write_state, &s, eb, sizeof(eb)) < 0) {
		tlsrpt_errbuf_set(err, errlen, "state file %s", eb);
		return -1;
	}
	return 0;
}
