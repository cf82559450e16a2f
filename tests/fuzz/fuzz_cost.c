/*
 * fuzz_cost.c - libFuzzer harness: one report's cost at the daemon's limits
 *
 * The input is a bare report file, JSON or gzip-compressed JSON
 * (TLSRPT_INPUT_AUTO), read once at the default limits: MaxReportSize
 * 20 MiB and a JSON tree of at most 4 times that, with a shared memory
 * budget at MemoryBudget's default as the daemon has.  fuzz_pipeline
 * runs at a 256 KiB MaxReportSize to stay fast, so it cannot see what
 * costs time or memory per decompressed byte; this harness can, because
 * run-fuzz.sh gives every harness -timeout=10 and -rss_limit_mb=512 and
 * 64 KB of gzip inflate to the full 20 MiB.  Its seeds (run-fuzz.sh
 * seed_cost) are the worst shapes of bench/gen-report.py at 20 MiB:
 * before the tree was bounded they took 13 s of CPU or 1.5 GB of RSS
 * each, so the first run reported them as a timeout or an RSS overflow.
 *
 * Invariants, abort() on a break: finish succeeds (bad input is an error
 * record, never an internal failure), the message is not busy (one report
 * fits the budget), and after the pipeline is freed the budget is back to
 * zero (every byte charged was returned).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "tlsrpt_limits.h"
#include "pipeline.h"

#define BUDGET (512u * 1024 * 1024) /* MemoryBudget's default */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* violation - report a broken invariant and abort */
static void violation(const char *what)
{
	fprintf(stderr, "fuzz_cost: invariant broken: %s\n", what);
	abort();
}

/* LLVMFuzzerTestOneInput - one bare report through the pipeline at the default limits */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsrpt_budget budget = TLSRPT_BUDGET_INIT(BUDGET);
	struct tlsrpt_limits lim;
	struct tlsrpt_pipeline *p;
	char err[256];

	tlsrpt_limits_default(&lim);
	p = tlsrpt_pipeline_new(&lim, TLSRPT_INPUT_AUTO, err, sizeof(err));
	if (p == NULL) {
		return 0; /* out of memory */
	}
	tlsrpt_pipeline_set_budget(p, &budget);
	if (tlsrpt_pipeline_feed(p, (const char *)data, size, err, sizeof(err)) < 0 ||
	    tlsrpt_pipeline_finish(p, err, sizeof(err)) == NULL) {
		fprintf(stderr, "fuzz_cost: %s\n", err);
		violation("internal failure on input");
	}
	if (tlsrpt_pipeline_busy(p)) {
		violation("one report does not fit the default budget");
	}
	tlsrpt_pipeline_free(p);
	if (tlsrpt_budget_used(&budget) != 0) {
		violation("bytes still charged to the budget after free");
	}
	return 0;
}
