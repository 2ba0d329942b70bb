/* SPDX-License-Identifier: MIT */
/*
 * Helper and map benchmarks (interpreter), each a program invoked through
 * bpfhost_hook_invoke, next to a native C baseline timed in the same run:
 *
 *  - one helper call: bpf_ktime_get_ns and bpf_get_smp_processor_id, vs
 *    the helper's C function called directly through a function pointer;
 *  - bpf_map_lookup_elem on an array and on a hash (1024 entries, u32 key,
 *    u64 value), vs the map's lookup op called directly from C, and for
 *    the array also a plain C array index;
 *  - bpf_perf_event_output of a 64-byte sample built on the stack into a
 *    perf event array (BPF_F_CURRENT_CPU) with a consumer draining it every
 *    32 samples, vs building the same sample and copying it into a
 *    single-producer C ring drained as often.
 *
 * "net ns" subtracts the `return 0` invocation measured in the same run.
 */
#include <stdio.h>
#include <string.h>

#include "bench_rt.h"
#include "helpers/helpers.h"
#include "maps/map.h"
#include "runtime/runtime.h"

#define CALLS 1000000
#define PERF_CALLS 200000
#define DRAIN_EVERY 32
#define SAMPLE_SIZE 64
#define MAP_ENTRIES 1024
#define LOOKUP_KEY 777

enum { H_RET0, H_KTIME, H_CPU, H_ARRAY, H_HASH, H_PERF, NR_H };

typedef uint64_t (*helper_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, void *);
static helper_fn volatile ktime_fn = bh_helper_ktime_get_ns;
static helper_fn volatile cpu_fn = bh_helper_get_smp_processor_id;

static double time_native_helper(helper_fn volatile *fn, void *ctx, int calls)
{
	volatile uint64_t sink = 0;
	uint64_t t0 = bench_now_ns();
	int i;

	for (i = 0; i < calls; i++)
		sink += (*fn)(0, 0, 0, 0, 0, ctx);
	(void)sink;
	return (double)(bench_now_ns() - t0) / calls;
}

/* the map's own lookup op, called the way the helper would, minus the interpreter */
static double time_native_lookup(struct bh_map *map, int calls)
{
	void *(*volatile lookup)(struct bh_map *, const void *) = map->ops->lookup;
	volatile uintptr_t sink = 0;
	uint32_t key = LOOKUP_KEY;
	uint64_t t0 = bench_now_ns();
	int i;

	for (i = 0; i < calls; i++)
		sink += (uintptr_t)lookup(map, &key);
	(void)sink;
	return (double)(bench_now_ns() - t0) / calls;
}

static uint64_t c_array[MAP_ENTRIES];
static uint64_t *volatile c_array_ptr = c_array;
static volatile uint32_t c_index = LOOKUP_KEY;

static double time_native_index(int calls)
{
	volatile uint64_t sink = 0;
	uint64_t t0 = bench_now_ns();
	int i;

	for (i = 0; i < calls; i++) {
		uint32_t k = c_index;

		sink += k < MAP_ENTRIES ? c_array_ptr[k] : 0;
	}
	(void)sink;
	return (double)(bench_now_ns() - t0) / calls;
}

/* ---- perf_event_output and its native counterpart ---- */

struct drain {
	uint64_t samples, bytes, lost, sum;
};

static void perf_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	struct drain *d = ctx;
	uint64_t first;

	memcpy(&first, data, sizeof(first));
	d->samples++;
	d->bytes += size;
	d->sum += first;
}

static void perf_lost(void *ctx, int cpu, uint64_t cnt)
{
	((struct drain *)ctx)->lost += cnt;
}

static double time_perf(struct bench_rt *b, struct bpfhost_perf_buffer *pb, int calls)
{
	struct bpfhost_hook *h = b->hooks[H_PERF];
	uint64_t t0, v;
	int i, err;

	t0 = bench_now_ns();
	for (i = 1; i <= calls; i++) {
		err = bpfhost_hook_invoke(h, b->ctx, &v);
		if (err || v)
			bench_rt_die("perf_event_output", err ? err : (int)v);
		if (i % DRAIN_EVERY == 0 && bpfhost_perf_buffer__consume(pb) < 0)
			bench_rt_die("perf consume", -1);
	}
	return (double)(bench_now_ns() - t0) / calls;
}

/* single-producer single-consumer ring of fixed-size records */
#define CRING_SLOTS 1024
struct crec {
	uint32_t size, pad;
	unsigned char data[SAMPLE_SIZE];
};
static struct cring {
	uint64_t head, tail, lost;
	struct crec rec[CRING_SLOTS];
} cring;

__attribute__((noinline)) static void cring_put(const void *data, uint32_t size)
{
	uint64_t head = cring.head;
	struct crec *r;

	if (head - __atomic_load_n(&cring.tail, __ATOMIC_ACQUIRE) == CRING_SLOTS) {
		cring.lost++;
		return;
	}
	r = &cring.rec[head % CRING_SLOTS];
	r->size = size;
	memcpy(r->data, data, size);
	__atomic_store_n(&cring.head, head + 1, __ATOMIC_RELEASE);
}

__attribute__((noinline)) static void cring_drain(struct drain *d)
{
	uint64_t tail = cring.tail, head = __atomic_load_n(&cring.head, __ATOMIC_ACQUIRE);

	for (; tail != head; tail++) {
		const struct crec *r = &cring.rec[tail % CRING_SLOTS];

		perf_sample(d, 0, (void *)r->data, r->size);
	}
	__atomic_store_n(&cring.tail, tail, __ATOMIC_RELEASE);
}

static double time_native_perf(struct drain *d, int calls)
{
	uint64_t t0 = bench_now_ns();
	int i, k;

	for (i = 1; i <= calls; i++) {
		uint64_t sample[SAMPLE_SIZE / 8];

		for (k = 0; k < SAMPLE_SIZE / 8; k++)
			sample[k] = (uint64_t)k + 1;
		__asm__ volatile("" ::"r"(sample) : "memory");
		cring_put(sample, sizeof(sample));
		if (i % DRAIN_EVERY == 0)
			cring_drain(d);
	}
	return (double)(bench_now_ns() - t0) / calls;
}

/* ---- programs ---- */

static int load_lookup(struct bench_rt *b, int map)
{
	/* *(u32 *)(r10 - 4) = KEY; r0 = bpf_map_lookup_elem(map, r10 - 4) */
	struct bpfhost_insn p[] = {
		BI(0x62, 10, 0, -4, LOOKUP_KEY), BI_LD_MAP(1, map),    BI(0xbf, 2, 10, 0, 0),
		BI(0x07, 2, 0, 0, -4),		 BI(0x85, 0, 0, 0, 1), BI(0x95, 0, 0, 0, 0),
	};

	return bench_rt_load(b, p, sizeof(p) / sizeof(p[0]));
}

static int load_perf(struct bench_rt *b, int map)
{
	/* 64 bytes 1..8 as u64 at r10-64; r0 = perf_event_output(ctx, map, CURRENT_CPU, r10-64, 64) */
	struct bpfhost_insn p[] = {
		BI(0x7a, 10, 0, -64, 1), BI(0x7a, 10, 0, -56, 2), BI(0x7a, 10, 0, -48, 3),
		BI(0x7a, 10, 0, -40, 4), BI(0x7a, 10, 0, -32, 5), BI(0x7a, 10, 0, -24, 6),
		BI(0x7a, 10, 0, -16, 7), BI(0x7a, 10, 0, -8, 8),  BI_LD_MAP(2, map),
		BI(0xb4, 3, 0, 0, -1), /* w3 = 0xffffffff: BPF_F_CURRENT_CPU */
		BI(0xbf, 4, 10, 0, 0),	 BI(0x07, 4, 0, 0, -64),  BI(0xb7, 5, 0, 0, SAMPLE_SIZE),
		BI(0x85, 0, 0, 0, 25),	 BI(0x95, 0, 0, 0, 0),
	};

	return bench_rt_load(b, p, sizeof(p) / sizeof(p[0]));
}

static struct bh_map *fill_map(struct bench_rt *b, enum bpfhost_map_type type, int *fd)
{
	struct bh_map *m;
	uint32_t k;
	int err;

	*fd = bpfhost_map_create(b->rt, type, "m", 4, 8, MAP_ENTRIES, NULL);
	if (*fd < 0)
		bench_rt_die("map_create", *fd);
	for (k = 0; k < MAP_ENTRIES; k++) {
		uint64_t v = k * 3ull;

		err = bpfhost_map_update_elem(*fd, &k, &v, BPFHOST_ANY);
		if (err)
			bench_rt_die("map_update", err);
	}
	m = bh_fd_map(*fd, &err);
	if (!m)
		bench_rt_die("map of fd", err);
	return m;
}

BENCH_GROUP(helpers)
{
	const struct bpfhost_insn ret0[] = { BI(0xb7, 0, 0, 0, 0), BI(0x95, 0, 0, 0, 0) };
	const struct bpfhost_insn ktime[] = { BI(0x85, 0, 0, 0, 5), BI(0x95, 0, 0, 0, 0) };
	const struct bpfhost_insn cpu[] = { BI(0x85, 0, 0, 0, 8), BI(0x95, 0, 0, 0, 0) };
	double t[NR_H][BENCH_RUNS], n[NR_H][BENCH_RUNS], nidx[BENCH_RUNS];
	struct drain pd = { 0 }, cd = { 0 };
	struct bpfhost_perf_buffer *pb;
	struct bh_map *array, *hash;
	int afd, hfd, pfd, r, i;
	struct bench_rt b;
	double m[NR_H], nm[NR_H];

	bench_rt_init(&b, NR_H);
	array = fill_map(&b, BPFHOST_MAP_TYPE_ARRAY, &afd);
	hash = fill_map(&b, BPFHOST_MAP_TYPE_HASH, &hfd);
	for (i = 0; i < MAP_ENTRIES; i++)
		c_array[i] = (uint64_t)i * 3;
	pfd = bpfhost_map_create(b.rt, BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY, "events", 4, 4,
				 bh_map_ncpus(), NULL);
	if (pfd < 0)
		bench_rt_die("perf event array", pfd);
	pb = bpfhost_perf_buffer__new(pfd, 16, perf_sample, perf_lost, &pd, NULL);
	if (!pb)
		bench_rt_die("perf_buffer__new", -1);

	bench_rt_attach(&b, H_RET0, bench_rt_load(&b, ret0, 2));
	bench_rt_attach(&b, H_KTIME, bench_rt_load(&b, ktime, 2));
	bench_rt_attach(&b, H_CPU, bench_rt_load(&b, cpu, 2));
	bench_rt_attach(&b, H_ARRAY, load_lookup(&b, afd));
	bench_rt_attach(&b, H_HASH, load_lookup(&b, hfd));
	bench_rt_attach(&b, H_PERF, load_perf(&b, pfd));

	for (r = 0; r < BENCH_RUNS; r++) {
		t[H_RET0][r] = bench_rt_time_invoke(&b, H_RET0, CALLS);
		n[H_RET0][r] = 0;
		t[H_KTIME][r] = bench_rt_time_invoke(&b, H_KTIME, CALLS);
		n[H_KTIME][r] = time_native_helper(&ktime_fn, b.ctx, CALLS);
		t[H_CPU][r] = bench_rt_time_invoke(&b, H_CPU, CALLS);
		n[H_CPU][r] = time_native_helper(&cpu_fn, b.ctx, CALLS);
		t[H_ARRAY][r] = bench_rt_time_invoke(&b, H_ARRAY, CALLS);
		n[H_ARRAY][r] = time_native_lookup(array, CALLS);
		nidx[r] = time_native_index(CALLS);
		t[H_HASH][r] = bench_rt_time_invoke(&b, H_HASH, CALLS);
		n[H_HASH][r] = time_native_lookup(hash, CALLS);
		t[H_PERF][r] = time_perf(&b, pb, PERF_CALLS);
		n[H_PERF][r] = time_native_perf(&cd, PERF_CALLS);
	}
	bpfhost_perf_buffer__consume(pb);
	for (i = 0; i < NR_H; i++) {
		m[i] = bench_median(t[i], BENCH_RUNS);
		nm[i] = bench_median(n[i], BENCH_RUNS);
	}
	bench_rt_header();
	bench_rt_row("hook_invoke, `return 0` (reference for net)", m[H_RET0], 0, -1, NULL);
	bench_rt_row("one helper call: bpf_ktime_get_ns", m[H_KTIME], nm[H_KTIME],
		     bench_rt_net(m[H_KTIME], m[H_RET0]),
		     "the helper's C function, called directly");
	bench_rt_row("one helper call: bpf_get_smp_processor_id", m[H_CPU], nm[H_CPU],
		     bench_rt_net(m[H_CPU], m[H_RET0]), "the helper's C function, called directly");
	bench_rt_row("array lookup (bpf_map_lookup_elem)", m[H_ARRAY], nm[H_ARRAY],
		     bench_rt_net(m[H_ARRAY], m[H_RET0]), "the array's lookup op, called directly");
	bench_rt_row("  same, against a plain C array index", m[H_ARRAY],
		     bench_median(nidx, BENCH_RUNS), bench_rt_net(m[H_ARRAY], m[H_RET0]),
		     "c_array[key] (bounds-checked)");
	bench_rt_row("hash lookup (bpf_map_lookup_elem)", m[H_HASH], nm[H_HASH],
		     bench_rt_net(m[H_HASH], m[H_RET0]), "the hash's lookup op, called directly");
	bench_rt_row("perf_event_output, 64 bytes, drained", m[H_PERF], nm[H_PERF],
		     bench_rt_net(m[H_PERF], m[H_RET0]), "64-byte memcpy into a C ring, drained");
	if (pd.lost || cd.lost || pd.samples != cd.samples || pd.sum != cd.sum)
		printf("  note: perf samples %llu (lost %llu), C ring %llu (lost %llu)\n",
		       (unsigned long long)pd.samples, (unsigned long long)pd.lost,
		       (unsigned long long)cd.samples, (unsigned long long)cd.lost);
	bpfhost_perf_buffer__free(pb);
	bh_map_put(array);
	bh_map_put(hash);
	bench_rt_fini(&b);
}
