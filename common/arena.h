/*
 * arena.h - per-report bump allocator
 *
 * Memory is handed out from a chain of blocks that only grows and is
 * released all at once: no header per allocation, no free lists, no
 * fragmentation, and one free() per block instead of one per object.  The
 * JSON parser (report.c) builds the cJSON tree and the report model of one
 * report in an arena and drops both with tlsrpt_arena_free.
 *
 * Bounded by the caller: an arena grows as long as it is asked to (the
 * report text it models is already bounded by MaxReportSize).
 */
#ifndef TLSRPT_ARENA_H
#define TLSRPT_ARENA_H

#include <stddef.h>

struct tlsrpt_arena;

/* tlsrpt_arena_new - empty arena; NULL when out of memory */
struct tlsrpt_arena *tlsrpt_arena_new(void);

/* tlsrpt_arena_alloc - n bytes aligned for any scalar (not zeroed); NULL when out of memory */
void *tlsrpt_arena_alloc(struct tlsrpt_arena *a, size_t n);

/* tlsrpt_arena_calloc - n objects of size bytes, zeroed; NULL when out of memory or overflow */
void *tlsrpt_arena_calloc(struct tlsrpt_arena *a, size_t n, size_t size);

/* tlsrpt_arena_owns - whether p points into one of the arena's blocks */
int tlsrpt_arena_owns(const struct tlsrpt_arena *a, const void *p);

/* tlsrpt_arena_size - bytes of blocks held (for tests and benchmarks) */
size_t tlsrpt_arena_size(const struct tlsrpt_arena *a);

/* tlsrpt_arena_free - release every block; accepts NULL */
void tlsrpt_arena_free(struct tlsrpt_arena *a);

#endif
