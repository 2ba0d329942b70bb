/* SPDX-License-Identifier: MIT */
/* Benchmark driver: runs every registered group (or those named in argv). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static struct bench_group *groups, **tail = &groups;

void bench_register(struct bench_group *g)
{
	*tail = g;
	tail = &g->next;
}

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_row(const char *name, double ns, double baseline_ns, const char *target)
{
	if (baseline_ns > 0)
		printf("  %-44s %10.2f ns   %7.2fx native   %s\n", name, ns, ns / baseline_ns,
		       target ? target : "");
	else
		printf("  %-44s %10.2f ns   %16s%s\n", name, ns, "", target ? target : "");
}

int main(int argc, char **argv)
{
	struct bench_group *g;

	printf("bpfhost benchmarks (median of %d runs; ratios against native C measured in the "
	       "same run)\n",
	       BENCH_RUNS);
	for (g = groups; g; g = g->next) {
		int i, want = argc < 2;

		for (i = 1; i < argc; i++)
			want |= !strcmp(argv[i], g->name);
		if (!want)
			continue;
		printf("[%s]\n", g->name);
		g->run();
	}
	return 0;
}
