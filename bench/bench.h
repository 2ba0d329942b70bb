/* SPDX-License-Identifier: MIT */
/*
 * Benchmark helpers: monotonic clock, medians of repeated runs, and a table
 * printer. Every figure is the median of BENCH_RUNS runs; a native C baseline
 * is measured in the same process so ratios survive noisy machines.
 */
#ifndef BH_BENCH_H
#define BH_BENCH_H

#include <stdint.h>

#define BENCH_RUNS 9

uint64_t bench_now_ns(void);
/* Median of n doubles (sorts the array). */
double bench_median(double *v, int n);
void bench_row(const char *name, double ns, double baseline_ns, const char *target);

/* Each bench file registers a group run by main(). */
struct bench_group {
	const char *name;
	void (*run)(void);
	struct bench_group *next;
};
void bench_register(struct bench_group *g);
#define BENCH_GROUP(NAME)                                                        \
	static void bench_##NAME(void);                                          \
	static struct bench_group bench_rec_##NAME = { #NAME, bench_##NAME, 0 }; \
	__attribute__((constructor)) static void bench_reg_##NAME(void)          \
	{                                                                        \
		bench_register(&bench_rec_##NAME);                               \
	}                                                                        \
	static void bench_##NAME(void)

#endif /* BH_BENCH_H */
