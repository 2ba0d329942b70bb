/* SPDX-License-Identifier: MIT */
/*
 * Verifier benchmarks: verification time (median of BENCH_RUNS runs) and
 * peak state memory per program, for generated straight-line and branching
 * programs of 1k, 10k and 100k instructions (tests/lib/vgen.c, under the
 * "ctx" and "xdp" context descriptors of tests/unit/test_verifier_util.c) and for the
 * example objects (the .bpf.o files in $BUILD/examples, loaded through the object API;
 * the time and memory are the ones the runtime records at load).
 * Target (issue #5): <= 10 ms per 1,000 instructions on straight-line and
 * typical branching code, memory linear in program size (bytes per
 * instruction about constant across sizes).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpfhost/bpfhost.h>
#include <bpfhost/extension.h>
#include "runtime/runtime.h"
#include "verifier/verifier.h"
#include "../tests/lib/vgen.h"
#include "../tests/unit/test_verifier_util.h"
#include "bench.h"

#define TARGET_MS_PER_1K 10.0

/* The net extension (type "xdp" of the examples), linked in when built. */
const struct bpfhost_extension_desc *bpfhost_net_extension(void) __attribute__((weak));

static const struct bpfhost_helper_proto *no_helper(void *cookie, uint32_t id)
{
	return NULL;
}

static bool no_map(void *cookie, size_t insn_idx, struct bh_verifier_map *out)
{
	return false;
}

static void row(const char *name, size_t cnt, double ns, size_t peak_bytes, uint64_t processed)
{
	double ms_1k = ns / 1e6 * 1000.0 / (double)cnt;

	printf("  %-28s %7zu insns %9.3f ms %7.3f ms/1k (%s 10) %9zu KiB %7.1f B/insn %9llu "
	       "processed\n",
	       name, cnt, ns / 1e6, ms_1k, ms_1k <= TARGET_MS_PER_1K ? "<=" : "> ",
	       peak_bytes / 1024, (double)peak_bytes / (double)cnt, (unsigned long long)processed);
}

static void bench_generated(const char *name, size_t (*gen)(struct bpfhost_insn *, size_t),
			    size_t n, const struct bpfhost_ctx_desc *ctx, int64_t ret_min,
			    int64_t ret_max)
{
	struct bpfhost_insn *p = calloc(n + 8, sizeof(*p));
	struct bh_verifier_result res;
	struct bh_verifier_input in;
	double ns[BENCH_RUNS];
	char label[64];
	size_t cnt;
	int i, err = 0;

	if (!p) {
		printf("  %s %zu: out of memory\n", name, n);
		return;
	}
	cnt = gen(p, n);
	memset(&in, 0, sizeof(in));
	in.insns = p;
	in.insn_cnt = cnt;
	in.ctx = ctx;
	in.ret_min = ret_min;
	in.ret_max = ret_max;
	in.find_helper = no_helper;
	in.map_def = no_map;
	for (i = 0; i < BENCH_RUNS && !err; i++) {
		uint64_t t0 = bench_now_ns();

		memset(&res, 0, sizeof(res));
		err = bh_verify(&in, &res, NULL);
		ns[i] = (double)(bench_now_ns() - t0);
		free(res.insns);
	}
	snprintf(label, sizeof(label), "%s %zuk", name, n / 1000);
	if (err)
		printf("  %-28s refused (%d): %s\n", label, err, res.summary);
	else
		row(label, cnt, bench_median(ns, BENCH_RUNS), res.peak_bytes, res.insns_processed);
	free(p);
}

/* Load one example object BENCH_RUNS times; a row per program. */
static void bench_object(const char *path, const char *base)
{
	enum { MAXP = 16 };
	double ns[MAXP][BENCH_RUNS];
	size_t bytes[MAXP] = { 0 }, cnt[MAXP] = { 0 };
	uint64_t processed[MAXP] = { 0 };
	char names[MAXP][160];
	int np = 0, run, k;

	for (run = 0; run < BENCH_RUNS; run++) {
		char log[4096] = "";
		BPFHOST_OPTS_INIT(bpfhost_object_open_opts, oo, .log_buf = log,
				  .log_size = sizeof(log));
		struct bpfhost *rt = bpfhost__new(NULL);
		struct bpfhost_object *obj = NULL;
		struct bpfhost_program *prog;
		int err;

		if (rt && bpfhost_net_extension)
			bpfhost_extension__register(rt, bpfhost_net_extension());
		obj = rt ? bpfhost_object__open_file(rt, path, &oo) : NULL;
		err = obj ? bpfhost_object__load(obj) : -1;

		if (err) {
			printf("  %-28s not loaded: %s\n", base, log[0] ? log : "cannot open");
			if (obj)
				bpfhost_object__close(obj);
			bpfhost__free(rt);
			return;
		}
		k = 0;
		bpfhost_object__for_each_program(prog, obj)
		{
			int e, fd = bpfhost_program__fd(prog);
			struct bh_prog *bp = fd >= 0 ? bh_fd_prog(fd, &e) : NULL;

			if (!bp || k >= MAXP) {
				if (bp)
					bh_prog_put(bp);
				continue;
			}
			snprintf(names[k], sizeof(names[k]), "%.60s:%.60s", base,
				 bpfhost_program__name(prog));
			ns[k][run] = (double)bp->vstats.ns;
			bytes[k] = bp->vstats.peak_bytes;
			processed[k] = bp->vstats.insns_processed;
			cnt[k] = bpfhost_program__insn_cnt(prog);
			if (!bp->vstats.verified)
				cnt[k] = 0; /* loaded without verification: no figures */
			bh_prog_put(bp);
			k++;
		}
		np = k;
		bpfhost_object__close(obj);
		bpfhost__free(rt);
	}
	for (k = 0; k < np; k++) {
		if (cnt[k])
			row(names[k], cnt[k], bench_median(ns[k], BENCH_RUNS), bytes[k],
			    processed[k]);
		else
			printf("  %-28s not verified at load\n", names[k]);
	}
}

static void bench_examples(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct dirent **ents;
	char *slash;
	int i, ne;

	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/'); /* $BUILD/bench/bench -> $BUILD/examples */
	if (slash)
		*slash = '\0';
	snprintf(dir, sizeof(dir), "%s/../examples", exe);
	ne = scandir(dir, &ents, NULL, alphasort);
	if (ne < 0) {
		printf("  examples: %s missing (make examples)\n", dir);
		return;
	}
	for (i = 0; i < ne; i++) {
		const char *nm = ents[i]->d_name;
		size_t len = strlen(nm);
		char path[PATH_MAX + 300], base[64];

		if (len > 6 && !strcmp(nm + len - 6, ".bpf.o")) {
			snprintf(path, sizeof(path), "%s/%s", dir, nm);
			snprintf(base, sizeof(base), "%.*s", (int)(len - 6), nm);
			bench_object(path, base);
		}
		free(ents[i]);
	}
	free(ents);
}

BENCH_GROUP(verifier)
{
	static const size_t sizes[] = { 1000, 10000, 100000 };
	size_t i;

	printf("  verification time (median) and peak state memory; target <= %.0f ms per "
	       "1,000 insns, memory linear in size\n",
	       TARGET_MS_PER_1K);
	for (i = 0; i < 3; i++)
		bench_generated("straight", vgen_straight, sizes[i], vt_ctx_desc("ctx"), 1, 0);
	for (i = 0; i < 3; i++)
		bench_generated("branchy", vgen_branchy, sizes[i], vt_ctx_desc("xdp"), 0, 4);
	bench_examples();
}
