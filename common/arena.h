/*
 * arena.h - per-report bump allocator
 *
 * Memory is handed out from a chain of blocks that only grows and is
 * released all at once: no header per allocation, no free lists, no
 * fragmentation, and one free() per block instead of one per object.  The
 * JSON parser (report.c) builds the cJSON tree and the report model of one
 * report in an arena and drops both with tlsrpt_arena_free.
 *
 * Bounded twice: by its own maximum (bytes of blocks, fixed at creation;
 * the JSON tree of one report may not grow past a small multiple of
 * MaxReportSize) and, optionally, by a budget shared by all the arenas and
 * report buffers of the process (struct tlsrpt_budget, an atomic counter
 * the daemon owns).  An allocation that would pass either returns NULL,
 * and tlsrpt_arena_refusal() says which bound it was.  The first block
 * (FIRST_BLOCK bytes, 16 KiB) is not charged to the budget.
 */
#ifndef TLSRPT_ARENA_H
#define TLSRPT_ARENA_H

#include <stdatomic.h>
#include <stddef.h>

struct tlsrpt_arena;

/*
 * A memory budget.  The shared one (TLSRPT_BUDGET_INIT(max)) is an atomic
 * counter of bytes charged now with a ceiling (0: none), safe across
 * threads.  A message budget (tlsrpt_budget_child) belongs to one message
 * and draws from a shared parent: up to `small` bytes it takes from the
 * parent exactly what is charged, beyond that it takes `whole` at once,
 * the most the message can ever use, and keeps what it took until
 * tlsrpt_budget_release.  So a small report costs the parent what it
 * uses, and a large one is either refused before most of its work or sure
 * to finish: messages that each hold part of what they need cannot starve
 * one another (with exact charging alone, 50 such mails retried for ten
 * minutes and two got through).
 */
struct tlsrpt_budget {
	atomic_size_t used;
	size_t max;
	struct tlsrpt_budget *parent; /* a message budget's shared budget; NULL: shared */
	size_t held;                  /* taken from parent */
	size_t small, whole;
};

#define TLSRPT_BUDGET_INIT(m)                                                                      \
	{                                                                                          \
		0, (m), NULL, 0, 0, 0                                                              \
	}

/* tlsrpt_budget_child - a message budget drawing on parent, as above */
void tlsrpt_budget_child(struct tlsrpt_budget *b, struct tlsrpt_budget *parent, size_t small,
                         size_t whole);

/* tlsrpt_budget_take - charge n bytes; 0 ok, -1 the budget would be passed (nothing charged) */
int tlsrpt_budget_take(struct tlsrpt_budget *b, size_t n);

/* tlsrpt_budget_give - return n bytes charged earlier; accepts NULL */
void tlsrpt_budget_give(struct tlsrpt_budget *b, size_t n);

/* tlsrpt_budget_release - a message budget gives back to its parent all it took; accepts NULL */
void tlsrpt_budget_release(struct tlsrpt_budget *b);

/* tlsrpt_budget_used - bytes charged now */
size_t tlsrpt_budget_used(struct tlsrpt_budget *b);

/* Why an allocation returned NULL. */
enum tlsrpt_arena_refusal {
	TLSRPT_ARENA_OK = 0,
	TLSRPT_ARENA_OVER_MAX,    /* the arena's own maximum */
	TLSRPT_ARENA_OVER_BUDGET, /* the shared budget */
	TLSRPT_ARENA_NO_MEMORY,   /* malloc failed or a size overflowed */
};

/*
 * tlsrpt_arena_new - empty arena holding at most max bytes of blocks (0: no
 * maximum), its blocks after the first charged to budget (NULL: none); NULL
 * when out of memory
 */
struct tlsrpt_arena *tlsrpt_arena_new(size_t max, struct tlsrpt_budget *budget);

/* tlsrpt_arena_alloc - n bytes aligned for any scalar (not zeroed); NULL when out of memory */
void *tlsrpt_arena_alloc(struct tlsrpt_arena *a, size_t n);

/* tlsrpt_arena_calloc - n objects of size bytes, zeroed; NULL when out of memory or overflow */
void *tlsrpt_arena_calloc(struct tlsrpt_arena *a, size_t n, size_t size);

/* tlsrpt_arena_refusal - why the last allocation that failed failed (TLSRPT_ARENA_OK: none did) */
enum tlsrpt_arena_refusal tlsrpt_arena_refusal(const struct tlsrpt_arena *a);

/* tlsrpt_arena_size - bytes of blocks held: what a report's tree cost, for the message's total */
size_t tlsrpt_arena_size(const struct tlsrpt_arena *a);

/* tlsrpt_arena_free - release every block and return its charge to the budget; accepts NULL */
void tlsrpt_arena_free(struct tlsrpt_arena *a);

#endif
