/* SPDX-License-Identifier: MIT */
/*
 * Map helpers on real maps (bh_map_create): Linux's return values and
 * errnos as a program sees them through the helper ABI (u64 r0, negative
 * errnos sign-extended), and per-CPU values agreeing with
 * bpf_get_smp_processor_id.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#include "helpers/helpers.h"
#include "maps/map.h"
#include "../lib/harness.h"

#define U(p) ((uint64_t)(uintptr_t)(p))
#define R(x) ((int64_t)(x))

static struct bh_map *mk(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max)
{
	struct bh_map_def def = {
		.type = type, .key_size = ks, .value_size = vs, .max_entries = max
	};
	struct bh_log log = BH_LOG_INIT;
	struct bh_map *m = NULL;
	int err = bh_map_create(&def, NULL, &m, NULL, &log);

	CHECK_MSG(!err, "create type %u: %d %s", type, err, bh_log_text(&log));
	bh_log_free(&log);
	return m;
}

#define LOOKUP(m, k) bh_helper_map_lookup_elem(U(m), U(k), 0, 0, 0, NULL)
#define UPDATE(m, k, v, f) R(bh_helper_map_update_elem(U(m), U(k), U(v), (f), 0, NULL))
#define DELETE(m, k) R(bh_helper_map_delete_elem(U(m), U(k), 0, 0, 0, NULL))
#define PUSH(m, v, f) R(bh_helper_map_push_elem(U(m), U(v), (f), 0, 0, NULL))
#define POP(m, v) R(bh_helper_map_pop_elem(U(m), U(v), 0, 0, 0, NULL))
#define PEEK(m, v) R(bh_helper_map_peek_elem(U(m), U(v), 0, 0, 0, NULL))

TEST(helpers_array_map)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_ARRAY, 4, 8, 4);
	uint32_t k = 3, out_of_range = 4;
	uint64_t v = 0x1122334455667788ull, *p;

	if (!m)
		return;
	p = (uint64_t *)(uintptr_t)LOOKUP(m, &k);
	CHECK(p);
	if (p)
		CHECK_U64(*p, 0);
	CHECK_U64(LOOKUP(m, &out_of_range), 0);
	CHECK_EQ(UPDATE(m, &k, &v, BPFHOST_ANY), 0);
	if (p)
		CHECK_U64(*p, v); /* the lookup pointer sees the update */
	CHECK_EQ(UPDATE(m, &k, &v, BPFHOST_EXIST), 0);
	CHECK_EQ(UPDATE(m, &k, &v, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(UPDATE(m, &out_of_range, &v, BPFHOST_ANY), -E2BIG);
	CHECK_EQ(UPDATE(m, &k, &v, 8), -EINVAL);
	CHECK_EQ(DELETE(m, &k), -EINVAL); /* array elements cannot be deleted */
	/* queue operations do not apply */
	CHECK_EQ(PUSH(m, &v, 0), -EOPNOTSUPP);
	CHECK_EQ(POP(m, &v), -EOPNOTSUPP);
	bh_map_put(m);
}

TEST(helpers_hash_map)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_HASH, 8, 4, 2);
	uint64_t k1 = 1, k2 = 2, k3 = 3;
	uint32_t v = 10, *p;

	if (!m)
		return;
	CHECK_U64(LOOKUP(m, &k1), 0);
	CHECK_EQ(UPDATE(m, &k1, &v, BPFHOST_EXIST), -ENOENT);
	CHECK_EQ(UPDATE(m, &k1, &v, BPFHOST_NOEXIST), 0);
	CHECK_EQ(UPDATE(m, &k1, &v, BPFHOST_NOEXIST), -EEXIST);
	v = 11;
	CHECK_EQ(UPDATE(m, &k1, &v, BPFHOST_EXIST), 0);
	p = (uint32_t *)(uintptr_t)LOOKUP(m, &k1);
	CHECK(p);
	if (p)
		CHECK_EQ(*p, 11);
	CHECK_EQ(UPDATE(m, &k2, &v, BPFHOST_ANY), 0);
	CHECK_EQ(UPDATE(m, &k3, &v, BPFHOST_ANY), -E2BIG); /* full */
	CHECK_EQ(DELETE(m, &k1), 0);
	CHECK_EQ(DELETE(m, &k1), -ENOENT);
	CHECK_U64(LOOKUP(m, &k1), 0);
	CHECK_EQ(UPDATE(m, &k3, &v, BPFHOST_ANY), 0);
	bh_map_put(m);
}

TEST(helpers_queue_and_stack_maps)
{
	struct bh_map *q = mk(BPFHOST_MAP_TYPE_QUEUE, 0, 4, 2);
	struct bh_map *s = mk(BPFHOST_MAP_TYPE_STACK, 0, 4, 2);
	uint32_t v, out = 0;

	if (!q || !s)
		goto out;
	CHECK_EQ(PEEK(q, &out), -ENOENT);
	CHECK_EQ(POP(q, &out), -ENOENT);
	for (v = 1; v <= 2; v++) {
		CHECK_EQ(PUSH(q, &v, BPFHOST_ANY), 0);
		CHECK_EQ(PUSH(s, &v, BPFHOST_ANY), 0);
	}
	CHECK_EQ(PUSH(q, &v, BPFHOST_ANY), -E2BIG);
	CHECK_EQ(PUSH(q, &v, BPFHOST_NOEXIST), -EINVAL);
	/* BPF_EXIST: full, the oldest makes room */
	CHECK_EQ(PUSH(q, &v, BPFHOST_EXIST), 0);
	CHECK_EQ(PEEK(q, &out), 0);
	CHECK_EQ(out, 2);
	CHECK_EQ(POP(q, &out), 0);
	CHECK_EQ(out, 2);
	CHECK_EQ(POP(q, &out), 0);
	CHECK_EQ(out, 3);
	/* stack: last in, first out */
	CHECK_EQ(PEEK(s, &out), 0);
	CHECK_EQ(out, 2);
	CHECK_EQ(POP(s, &out), 0);
	CHECK_EQ(out, 2);
	CHECK_EQ(POP(s, &out), 0);
	CHECK_EQ(out, 1);
	CHECK_EQ(POP(s, &out), -ENOENT);
	/* no keys here */
	CHECK_U64(LOOKUP(q, &v), 0);
	CHECK_EQ(UPDATE(q, NULL, &v, 0), -EINVAL);
out:
	if (q)
		bh_map_put(q);
	if (s)
		bh_map_put(s);
}

TEST(helpers_percpu_value_is_this_cpus)
{
	unsigned ncpus = bh_map_ncpus();
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1);
	uint64_t *all = calloc(ncpus, 8), *p;
	cpu_set_t saved, one;
	uint32_t k = 0;
	int cpu = -1;

	if (!m || !all)
		goto out;
	if (sched_getaffinity(0, sizeof(saved), &saved))
		goto out;
	for (int c = 0; c < CPU_SETSIZE && cpu < 0; c++) {
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (CPU_ISSET(c, &saved) && !sched_setaffinity(0, sizeof(one), &one))
			cpu = c;
	}
	if (cpu < 0)
		goto out;
	CHECK_EQ(bh_helper_get_smp_processor_id(0, 0, 0, 0, 0, NULL), cpu);
	p = (uint64_t *)(uintptr_t)LOOKUP(m, &k);
	CHECK(p);
	if (p)
		*p = 4242;
	CHECK_EQ(m->ops->lookup_user(m, &k, all, 0), 0);
	if ((unsigned)cpu < ncpus)
		CHECK_U64(all[cpu], 4242);
	sched_setaffinity(0, sizeof(saved), &saved);
out:
	free(all);
	if (m)
		bh_map_put(m);
}
