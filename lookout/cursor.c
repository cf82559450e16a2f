/*
 * cursor.c - where the alert mode left each log file (see cursor.h)
 *
 * A handful of fixed arrays searched linearly: a site names a few log
 * files, and only reports read again after a position moved back are
 * marked.  The next run's positions and marks are worked out when they are
 * asked for (tlsrpt_cursor_entry), from this run's ends and the reports
 * left, so the order of the calls during a run does not matter.  A path
 * is kept with control characters, tab and comma as '?', so the state
 * file stays one entry per line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "errbuf.h"

struct filepos {
	int used;
	char path[TLSRPT_CURSOR_PATH];
	unsigned long long ino, off;
};

/* the report line at offset off of the file with inode ino */
struct mark {
	unsigned long long ino, off;
};

struct tlsrpt_cursor {
	struct filepos old[TLSRPT_CURSOR_MAX_FILES], cur[TLSRPT_CURSOR_MAX_FILES];
	/* reports judged (after a position moved back) and left once; the last run's and this
	   run's */
	struct mark judged_old[TLSRPT_CURSOR_MAX_MARKS], judged_new[TLSRPT_CURSOR_MAX_MARKS];
	size_t njudged_old, njudged_new;
	struct mark carried_old[TLSRPT_CURSOR_MAX_CARRIED], carried_new[TLSRPT_CURSOR_MAX_CARRIED];
	size_t ncarried_old, ncarried_new;
};

/* tlsrpt_cursor_new - an empty cursor */
struct tlsrpt_cursor *tlsrpt_cursor_new(char *err, size_t errlen)
{
	struct tlsrpt_cursor *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		tlsrpt_errbuf_set(err, errlen, "out of memory");
	}
	return c;
}

/* tlsrpt_cursor_free - release */
void tlsrpt_cursor_free(struct tlsrpt_cursor *c)
{
	free(c);
}

/* put_path - bounded copy with control characters, tab and comma as '?' */
static void put_path(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < size && src[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = ch < 0x20 || ch == 0x7f || ch == ',' ? '?' : (char)ch;
	}
	dst[i] = '\0';
}

/* set_pos - the position of a file (one entry per inode); dropped when all are taken */
static void set_pos(struct filepos *t, const char *path, unsigned long long ino,
                    unsigned long long off)
{
	size_t i;

	for (i = 0; i < TLSRPT_CURSOR_MAX_FILES; i++) {
		if (!t[i].used || t[i].ino == ino) {
			t[i].used = 1;
			put_path(t[i].path, sizeof(t[i].path), path != NULL ? path : "");
			t[i].ino = ino;
			t[i].off = off;
			return;
		}
	}
}

/* marked - 1 when (ino, off) is among the n marks */
static int marked(const struct mark *m, size_t n, unsigned long long ino, unsigned long long off)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (m[i].ino == ino && m[i].off == off) {
			return 1;
		}
	}
	return 0;
}

/* mark_add - append (ino, off) unless full */
static void mark_add(struct mark *m, size_t *n, size_t max, unsigned long long ino,
                     unsigned long long off)
{
	if (*n < max) {
		m[*n].ino = ino;
		m[*n].off = off;
		(*n)++;
	}
}

/* tlsrpt_cursor_restore - one entry of the last run */
void tlsrpt_cursor_restore(struct tlsrpt_cursor *c, const struct tlsrpt_cursor_entry *e)
{
	switch (e->kind) {
	case TLSRPT_CURSOR_FILE:
		set_pos(c->old, e->path, e->ino, e->off);
		break;
	case TLSRPT_CURSOR_JUDGED:
		mark_add(c->judged_old, &c->njudged_old, TLSRPT_CURSOR_MAX_MARKS, e->ino, e->off);
		break;
	case TLSRPT_CURSOR_CARRIED:
		mark_add(c->carried_old, &c->ncarried_old, TLSRPT_CURSOR_MAX_CARRIED, e->ino,
		         e->off);
		break;
	}
}

/* tlsrpt_cursor_start - where to read the file with this inode from */
unsigned long long tlsrpt_cursor_start(const struct tlsrpt_cursor *c, unsigned long long ino,
                                       unsigned long long size)
{
	size_t i;

	for (i = 0; i < TLSRPT_CURSOR_MAX_FILES; i++) {
		if (c->old[i].used && c->old[i].ino == ino) {
			return c->old[i].off > size ? 0 : c->old[i].off;
		}
	}
	return 0;
}

/* tlsrpt_cursor_done - where a file of this run ends */
void tlsrpt_cursor_done(struct tlsrpt_cursor *c, const char *path, unsigned long long ino,
                        unsigned long long end)
{
	set_pos(c->cur, path, ino, end);
}

/* tlsrpt_cursor_seen - judged by the last run: stays judged */
int tlsrpt_cursor_seen(struct tlsrpt_cursor *c, unsigned long long ino, unsigned long long off)
{
	if (!marked(c->judged_old, c->njudged_old, ino, off)) {
		return 0;
	}
	mark_add(c->judged_new, &c->njudged_new, TLSRPT_CURSOR_MAX_MARKS, ino, off);
	return 1;
}

/* tlsrpt_cursor_judged - judged in this run */
void tlsrpt_cursor_judged(struct tlsrpt_cursor *c, unsigned long long ino, unsigned long long off)
{
	mark_add(c->judged_new, &c->njudged_new, TLSRPT_CURSOR_MAX_MARKS, ino, off);
}

/* tlsrpt_cursor_carried_before - left by the last run */
int tlsrpt_cursor_carried_before(const struct tlsrpt_cursor *c, unsigned long long ino,
                                 unsigned long long off)
{
	return marked(c->carried_old, c->ncarried_old, ino, off);
}

/* tlsrpt_cursor_carry - left for the next run */
void tlsrpt_cursor_carry(struct tlsrpt_cursor *c, unsigned long long ino, unsigned long long off)
{
	mark_add(c->carried_new, &c->ncarried_new, TLSRPT_CURSOR_MAX_CARRIED, ino, off);
}

/* next_off - the next run's position in file f: its end, or the earliest report left in it */
static unsigned long long next_off(const struct tlsrpt_cursor *c, const struct filepos *f)
{
	unsigned long long off = f->off;
	size_t j;

	for (j = 0; j < c->ncarried_new; j++) {
		if (c->carried_new[j].ino == f->ino && c->carried_new[j].off < off) {
			off = c->carried_new[j].off;
		}
	}
	return off;
}

/* reread - 1 when the next run reads the judged report m again: past a position moved back */
static int reread(const struct tlsrpt_cursor *c, const struct mark *m)
{
	size_t j;

	for (j = 0; j < TLSRPT_CURSOR_MAX_FILES; j++) {
		const struct filepos *f = &c->cur[j];

		if (f->used && f->ino == m->ino) {
			unsigned long long off = next_off(c, f);

			if (m->off >= off && marked(c->carried_new, c->ncarried_new, f->ino, off)) {
				return 1;
			}
		}
	}
	return 0;
}

/* tlsrpt_cursor_entry - the next run's entries, one at a time */
int tlsrpt_cursor_entry(const struct tlsrpt_cursor *c, size_t *i, struct tlsrpt_cursor_entry *e)
{
	size_t k;

	memset(e, 0, sizeof(*e));
	for (; *i < TLSRPT_CURSOR_MAX_FILES; (*i)++) {
		const struct filepos *f = &c->cur[*i];

		if (f->used) {
			e->kind = TLSRPT_CURSOR_FILE;
			memcpy(e->path, f->path, sizeof(e->path));
			e->ino = f->ino;
			e->off = next_off(c, f);
			(*i)++;
			return 1;
		}
	}
	for (; (k = *i - TLSRPT_CURSOR_MAX_FILES) < c->njudged_new; (*i)++) {
		if (reread(c, &c->judged_new[k])) {
			e->kind = TLSRPT_CURSOR_JUDGED;
			e->ino = c->judged_new[k].ino;
			e->off = c->judged_new[k].off;
			(*i)++;
			return 1;
		}
	}
	k = *i - TLSRPT_CURSOR_MAX_FILES - c->njudged_new;
	if (k < c->ncarried_new) {
		e->kind = TLSRPT_CURSOR_CARRIED;
		e->ino = c->carried_new[k].ino;
		e->off = c->carried_new[k].off;
		(*i)++;
		return 1;
	}
	return 0;
}
