/*
 * arena.c - per-report bump allocator
 *
 * Blocks are malloc'd, never zeroed: the first of FIRST_BLOCK bytes
 * holds the arena itself, later ones double in size up to MAX_BLOCK, and
 * a request larger than half a block gets a block of its own (so a big
 * string does not waste the rest of the current block).  Allocations are
 * aligned to ALIGN bytes, enough for pointers, size_t and double.
 * Every block after the first is checked against the arena's maximum and
 * charged to the shared budget before it is malloc'd, so neither bound is
 * ever passed, not even by one block.
 *
 * Diagnostics: NULL when a bound would be passed, malloc fails or a size
 * overflows; tlsrpt_arena_refusal says which.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ALIGN 8
#define FIRST_BLOCK (16 * 1024)
#define MAX_BLOCK (4 * 1024 * 1024)

struct block {
	struct block *next; /* older blocks */
	size_t size;        /* usable bytes after the header */
	size_t used;
};

/* the header is a multiple of ALIGN, so data right after it is aligned */
#define HDR ((sizeof(struct block) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

struct tlsrpt_arena {
	struct block *cur; /* where allocations come from; its next are the older ones */
	size_t next_size;  /* size of the next regular block */
	size_t total;      /* bytes of all blocks */
	size_t max;        /* ceiling for total; 0: none */
	struct tlsrpt_budget *budget;
	size_t charged; /* bytes charged to budget */
	enum tlsrpt_arena_refusal refusal;
};

/* tlsrpt_budget_child - a message budget drawing on parent */
void tlsrpt_budget_child(struct tlsrpt_budget *b, struct tlsrpt_budget *parent, size_t small,
                         size_t whole)
{
	atomic_init(&b->used, 0);
	b->max = 0;
	b->parent = parent;
	b->held = 0;
	b->small = small;
	b->whole = whole;
}

/* take_shared - charge n bytes to a shared budget; 0 ok, -1 over its ceiling */
static int take_shared(struct tlsrpt_budget *b, size_t n)
{
	size_t cur = atomic_load_explicit(&b->used, memory_order_relaxed);

	do {
		if (b->max != 0 && (n > b->max || cur > b->max - n)) {
			return -1;
		}
	} while (!atomic_compare_exchange_weak_explicit(
	        &b->used, &cur, cur + n, memory_order_relaxed, memory_order_relaxed));
	return 0;
}

/* tlsrpt_budget_take - charge n bytes; 0 ok, -1 the budget would be passed (nothing charged) */
int tlsrpt_budget_take(struct tlsrpt_budget *b, size_t n)
{
	size_t used, need, want;

	if (b->parent == NULL) {
		return take_shared(b, n);
	}
	used = atomic_load_explicit(&b->used, memory_order_relaxed);
	if (n > SIZE_MAX - used) {
		return -1;
	}
	need = used + n;
	if (need > b->held) {
		/* small: exactly what is missing; past small: the whole at once (or more) */
		want = need <= b->small ? need - b->held
		                        : (b->whole > need ? b->whole : need) - b->held;
		if (take_shared(b->parent, want) < 0) {
			return -1;
		}
		b->held += want;
	}
	atomic_store_explicit(&b->used, need, memory_order_relaxed);
	return 0;
}

/* tlsrpt_budget_give - return n bytes charged earlier; accepts NULL */
void tlsrpt_budget_give(struct tlsrpt_budget *b, size_t n)
{
	if (b != NULL && n > 0) {
		atomic_fetch_sub_explicit(&b->used, n, memory_order_relaxed);
	}
}

/* tlsrpt_budget_release - a message budget gives back to its parent all it took */
void tlsrpt_budget_release(struct tlsrpt_budget *b)
{
	if (b != NULL && b->parent != NULL) {
		tlsrpt_budget_give(b->parent, b->held);
		b->held = 0;
	}
}

/* tlsrpt_budget_used - bytes charged now */
size_t tlsrpt_budget_used(struct tlsrpt_budget *b)
{
	return atomic_load_explicit(&b->used, memory_order_relaxed);
}

/* round_up - n rounded up to ALIGN; 0 on overflow */
static size_t round_up(size_t n)
{
	return n > SIZE_MAX - ALIGN ? 0 : (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* block_new - a block with size usable bytes; NULL when out of memory */
static struct block *block_new(size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - HDR) {
		return NULL;
	}
	b = malloc(HDR + size);
	if (b == NULL) {
		return NULL;
	}
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

/* tlsrpt_arena_new - empty arena living in its own first block; NULL when out of memory */
struct tlsrpt_arena *tlsrpt_arena_new(size_t max, struct tlsrpt_budget *budget)
{
	struct block *b = block_new(FIRST_BLOCK);
	struct tlsrpt_arena *a;

	if (b == NULL) {
		return NULL;
	}
	a = (struct tlsrpt_arena *)(void *)((char *)b + HDR);
	b->used = round_up(sizeof(*a));
	a->cur = b;
	a->next_size = 2 * FIRST_BLOCK;
	a->total = HDR + FIRST_BLOCK;
	a->max = max;
	a->budget = budget;
	a->charged = 0;
	a->refusal = TLSRPT_ARENA_OK;
	return a;
}

/* block_for - a block of size usable bytes within both bounds, charged; NULL and refusal set */
static struct block *block_for(struct tlsrpt_arena *a, size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - HDR) {
		a->refusal = TLSRPT_ARENA_NO_MEMORY;
		return NULL;
	}
	if (a->max != 0 && (HDR + size > a->max || a->total > a->max - HDR - size)) {
		a->refusal = TLSRPT_ARENA_OVER_MAX;
		return NULL;
	}
	if (a->budget != NULL && tlsrpt_budget_take(a->budget, HDR + size) < 0) {
		a->refusal = TLSRPT_ARENA_OVER_BUDGET;
		return NULL;
	}
	b = block_new(size);
	if (b == NULL) {
		if (a->budget != NULL) {
			tlsrpt_budget_give(a->budget, HDR + size);
		}
		a->refusal = TLSRPT_ARENA_NO_MEMORY;
		return NULL;
	}
	if (a->budget != NULL) {
		a->charged += HDR + size;
	}
	a->total += HDR + size;
	return b;
}

/* tlsrpt_arena_alloc - n bytes aligned to ALIGN, not zeroed; NULL when out of memory */
void *tlsrpt_arena_alloc(struct tlsrpt_arena *a, size_t n)
{
	struct block *b = a->cur, *nb;
	void *p;

	n = round_up(n == 0 ? 1 : n);
	if (n == 0) {
		a->refusal = TLSRPT_ARENA_NO_MEMORY;
		return NULL;
	}
	if (n <= b->size - b->used) {
		p = (char *)b + HDR + b->used;
		b->used += n;
		return p;
	}
	if (n > a->next_size / 2) {
		/* its own block, kept behind the current one so the current goes on serving */
		nb = block_for(a, n);
		if (nb == NULL) {
			return NULL;
		}
		nb->used = n;
		nb->next = b->next;
		b->next = nb;
		return (char *)nb + HDR;
	}
	nb = block_for(a, a->next_size);
	if (nb == NULL) {
		return NULL;
	}
	if (a->next_size < MAX_BLOCK) {
		a->next_size *= 2;
	}
	nb->next = b;
	a->cur = nb;
	nb->used = n;
	return (char *)nb + HDR;
}

/* tlsrpt_arena_calloc - n objects of size bytes, zeroed; NULL when out of memory or overflow */
void *tlsrpt_arena_calloc(struct tlsrpt_arena *a, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		a->refusal = TLSRPT_ARENA_NO_MEMORY;
		return NULL;
	}
	p = tlsrpt_arena_alloc(a, n * size);
	if (p != NULL) {
		memset(p, 0, n * size);
	}
	return p;
}

/* tlsrpt_arena_refusal - why the last failed allocation failed */
enum tlsrpt_arena_refusal tlsrpt_arena_refusal(const struct tlsrpt_arena *a)
{
	return a->refusal;
}

/* tlsrpt_arena_size - bytes of blocks held */
size_t tlsrpt_arena_size(const struct tlsrpt_arena *a)
{
	return a->total;
}

/* tlsrpt_arena_free - release every block (the arena lives in the oldest); accepts NULL */
void tlsrpt_arena_free(struct tlsrpt_arena *a)
{
	struct block *b, *next;

	if (a == NULL) {
		return;
	}
	tlsrpt_budget_give(a->budget, a->charged);
	for (b = a->cur; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
}
