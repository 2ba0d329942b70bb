/* SPDX-License-Identifier: MIT */
/* HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH semantics, both views. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#include "maps/map.h"
#include "../lib/harness.h"

static struct bh_map *mk(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags)
{
	struct bh_map_def def = { .type = type,
				  .key_size = ks,
				  .value_size = vs,
				  .max_entries = max,
				  .map_flags = flags };
	struct bh_log log = BH_LOG_INIT;
	struct bh_map *m = NULL;
	int err = bh_map_create(&def, NULL, &m, NULL, &log);

	CHECK_MSG(!err, "create: %d %s", err, bh_log_text(&log));
	bh_log_free(&log);
	return m;
}

static uint64_t f(uint64_t k)
{
	return k * 0x9e3779b97f4a7c15ull + 1;
}

static bool in_region(const struct bh_map *m, const void *p, size_t n)
{
	return (const char *)p >= (const char *)m->region &&
	       (const char *)p + n <= (const char *)m->region + m->region_size;
}

static int count_keys(struct bh_map *m, uint32_t ks)
{
	unsigned char key[64], next[64];
	int n = 0, err;

	err = m->ops->get_next_key(m, NULL, next);
	while (!err && n < 100000) {
		n++;
		memcpy(key, next, ks);
		err = m->ops->get_next_key(m, key, next);
	}
	CHECK_EQ(err, -ENOENT);
	return n;
}

TEST(maps_hash_update_lookup_delete_flags)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_HASH, 4, 8, 16, 0);
	uint32_t k = 42, absent = 43;
	uint64_t v = 1, out = 0, *p;

	if (!m)
		return;
	CHECK(!m->ops->lookup(m, &k));
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_EXIST), -ENOENT);
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_NOEXIST), 0);
	p = m->ops->lookup(m, &k);
	CHECK(p && in_region(m, p, 8) && (uintptr_t)p % 8 == 0);
	CHECK_U64(p ? *p : 0, 1);
	v = 2;
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_EXIST), 0);
	CHECK_U64(*(uint64_t *)m->ops->lookup(m, &k), 2);
	v = 3;
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_ANY), 0);
	CHECK_EQ(m->ops->update(m, &k, &v, 3), -EINVAL);
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_F_LOCK), -EINVAL);
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_F_LOCK | BPFHOST_EXIST), -EINVAL);
	CHECK_EQ(m->ops->update(m, &absent, &v, 8), -EINVAL);
	CHECK_EQ(m->ops->lookup_user(m, &k, &out, 0), 0);
	CHECK_U64(out, 3);
	CHECK_EQ(m->ops->lookup_user(m, &k, &out, BPFHOST_F_LOCK), -EINVAL);
	CHECK_EQ(m->ops->lookup_user(m, &absent, &out, 0), -ENOENT);
	/* a program writing through its pointer is seen by user space */
	p = m->ops->lookup(m, &k);
	*p = 99;
	CHECK_EQ(m->ops->lookup_user(m, &k, &out, 0), 0);
	CHECK_U64(out, 99);

	CHECK_EQ(m->ops->delete (m, &absent), -ENOENT);
	CHECK_EQ(m->ops->delete (m, &k), 0);
	CHECK_EQ(m->ops->delete (m, &k), -ENOENT);
	CHECK(!m->ops->lookup(m, &k));
	CHECK_EQ(m->ops->lookup_user(m, &k, &out, 0), -ENOENT);

	/* lookup_and_delete */
	CHECK_EQ(m->ops->update_user(m, &k, &(uint64_t){ 5 }, BPFHOST_ANY), 0);
	CHECK_EQ(m->ops->update_user(m, &k, &(uint64_t){ 6 }, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(m->ops->update_user(m, &absent, &(uint64_t){ 6 }, BPFHOST_EXIST), -ENOENT);
	CHECK_EQ(m->ops->update_user(m, &k, &(uint64_t){ 6 }, 4), -EINVAL);
	CHECK_EQ(m->ops->lookup_and_delete_user(m, &k, &out), 0);
	CHECK_U64(out, 5);
	CHECK_EQ(m->ops->lookup_and_delete_user(m, &k, &out), -ENOENT);
	CHECK(!m->ops->push && !m->ops->pop && !m->ops->peek);
	bh_map_put(m);
}

TEST(maps_hash_full_map)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_HASH, 8, 16, 4, BPFHOST_F_NO_PREALLOC);
	uint64_t k, v[2];
	int i;

	if (!m)
		return;
	for (k = 0; k < 4; k++) {
		v[0] = f(k);
		v[1] = ~f(k);
		CHECK_EQ(m->ops->update_user(m, &k, v, BPFHOST_NOEXIST), 0);
	}
	k = 4;
	CHECK_EQ(m->ops->update_user(m, &k, v, BPFHOST_ANY), -E2BIG);
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_NOEXIST), -E2BIG);
	/* an existing key can always be replaced, many times over */
	for (i = 0; i < 1000; i++) {
		k = i % 4;
		v[0] = f(k) + i;
		v[1] = ~v[0];
		CHECK_EQ(m->ops->update(m, &k, v, i % 2 ? BPFHOST_ANY : BPFHOST_EXIST), 0);
	}
	for (k = 0; k < 4; k++) {
		uint64_t *p = m->ops->lookup(m, &k);

		CHECK(p && p[1] == ~p[0]);
	}
	CHECK_EQ(count_keys(m, 8), 4);
	k = 2;
	CHECK_EQ(m->ops->delete (m, &k), 0);
	k = 4;
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_ANY), 0);
	k = 5;
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_ANY), -E2BIG);
	CHECK_EQ(count_keys(m, 8), 4);
	bh_map_put(m);
}

TEST(maps_hash_key_sizes)
{
	static const uint32_t sizes[] = { 1, 3, 4, 7, 8, 12, 16, 33, 64 };
	size_t s;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t ks = sizes[s], n = ks == 1 ? 256 : 300, i, j;
		struct bh_map *m = mk(BPFHOST_MAP_TYPE_HASH, ks, 4, n, 0);
		unsigned char key[64];

		if (!m)
			continue;
		/* keys that differ in one byte only, at every position */
		for (i = 0; i < n; i++) {
			memset(key, 0x5a, ks);
			key[i % ks] = (unsigned char)(i / ks + i);
			if (ks == 1)
				key[0] = (unsigned char)i;
			m->ops->update(m, key, &i, BPFHOST_ANY);
		}
		for (i = 0; i < n; i++) {
			uint32_t *p;

			memset(key, 0x5a, ks);
			key[i % ks] = (unsigned char)(i / ks + i);
			if (ks == 1)
				key[0] = (unsigned char)i;
			p = m->ops->lookup(m, key);
			CHECK_MSG(p, "key_size %u: key %u missing", ks, i);
			/* duplicates overwrite: the value is the last index with this key */
			for (j = i + 1; p && j < n; j++) {
				unsigned char k2[64];

				memset(k2, 0x5a, ks);
				k2[j % ks] = (unsigned char)(j / ks + j);
				if (ks == 1)
					k2[0] = (unsigned char)j;
				if (!memcmp(k2, key, ks))
					break;
			}
			if (p && j == n)
				CHECK_EQ(*p, i);
		}
		/* a key never inserted (two bytes differ from the pattern) */
		memset(key, 0x33, ks);
		if (ks > 1)
			CHECK(!m->ops->lookup(m, key));
		bh_map_put(m);
	}
}

TEST(maps_hash_get_next_key_visits_all_once)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_HASH, 4, 4, 200, 0);
	unsigned char seen[200] = { 0 };
	uint32_t k, next, n = 0;
	int err;

	if (!m)
		return;
	CHECK_EQ(m->ops->get_next_key(m, NULL, &next), -ENOENT);
	for (k = 0; k < 150; k++)
		CHECK_EQ(m->ops->update(m, &k, &k, BPFHOST_ANY), 0);
	err = m->ops->get_next_key(m, NULL, &next);
	while (!err) {
		CHECK(next < 150);
		if (next < 150)
			CHECK_EQ(seen[next]++, 0);
		n++;
		k = next;
		err = m->ops->get_next_key(m, &k, &next);
	}
	CHECK_EQ(err, -ENOENT);
	CHECK_EQ(n, 150);
	/* a key that is not in the map restarts at the first key */
	k = 1000;
	CHECK_EQ(m->ops->get_next_key(m, &k, &next), 0);
	CHECK_EQ(m->ops->get_next_key(m, NULL, &k), 0);
	CHECK_EQ(next, k);
	/* delete-while-iterating with the usual "get next, then delete" */
	err = m->ops->get_next_key(m, NULL, &next);
	n = 0;
	while (!err) {
		k = next;
		err = m->ops->get_next_key(m, &k, &next);
		CHECK_EQ(m->ops->delete (m, &k), 0);
		n++;
	}
	CHECK_EQ(n, 150);
	CHECK_EQ(m->ops->get_next_key(m, NULL, &next), -ENOENT);
	CHECK_EQ(m->ops->get_next_key(m, NULL, NULL), -EINVAL);
	bh_map_put(m);
}

struct fe {
	struct bh_map *m;
	int n, stop_at;
	bool delete;
	unsigned char seen[64];
};

static long fe_cb(struct bh_map *map, const void *key, void *value, void *ctx)
{
	struct fe *c = ctx;
	uint32_t k;

	memcpy(&k, key, 4);
	CHECK(k < 64);
	if (k < 64)
		c->seen[k]++;
	CHECK_EQ(*(uint32_t *)value, k * 3);
	CHECK(value == c->m->ops->lookup(c->m, &k));
	if (c->delete)
		CHECK_EQ(c->m->ops->delete (c->m, &k), 0);
	return ++c->n == c->stop_at;
}

TEST(maps_hash_for_each)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_HASH, 4, 4, 64, 0);
	struct fe c = { 0 };
	uint32_t k, v;

	if (!m)
		return;
	c.m = m;
	CHECK_EQ(m->ops->for_each(m, fe_cb, &c), 0);
	for (k = 0; k < 40; k++) {
		v = k * 3;
		CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_ANY), 0);
	}
	c.stop_at = -1;
	CHECK_EQ(m->ops->for_each(m, fe_cb, &c), 40);
	for (k = 0; k < 64; k++)
		CHECK_EQ(c.seen[k], k < 40);
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.stop_at = 7;
	CHECK_EQ(m->ops->for_each(m, fe_cb, &c), 7);
	/* the callback deletes each element it is given: all are still visited */
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.stop_at = -1;
	c.delete = true;
	CHECK_EQ(m->ops->for_each(m, fe_cb, &c), 40);
	for (k = 0; k < 64; k++)
		CHECK_EQ(c.seen[k], k < 40);
	CHECK_EQ(count_keys(m, 4), 0);
	bh_map_put(m);
}

/* Pin the calling thread to one CPU it may run on; returns it or -1. */
static int pin_self(cpu_set_t *saved)
{
	cpu_set_t one;
	int cpu;

	if (sched_getaffinity(0, sizeof(*saved), saved))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, saved))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (!sched_setaffinity(0, sizeof(one), &one) && sched_getcpu() == cpu)
			return cpu;
	}
	return -1;
}

static void percpu_case(uint32_t type)
{
	struct bh_map *m = mk(type, 4, 12, 8, 0);
	unsigned n = bh_map_ncpus(), cpu, me;
	uint32_t k = 7, v[3], *p;
	unsigned char *buf = calloc(n, 16);
	cpu_set_t saved;

	if (!m || !buf)
		goto out;
	CHECK_EQ(m->value_stride, 16);
	/* user view: 16-byte slot per CPU */
	for (cpu = 0; cpu < n; cpu++) {
		v[0] = cpu;
		v[1] = 100 + cpu;
		v[2] = 200 + cpu;
		memcpy(buf + cpu * 16, v, 12);
	}
	CHECK_EQ(m->ops->update_user(m, &k, buf, BPFHOST_NOEXIST), 0);
	memset(buf, 0xee, n * 16);
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 0), 0);
	for (cpu = 0; cpu < n; cpu++) {
		memcpy(v, buf + cpu * 16, 12);
		CHECK(v[0] == cpu && v[1] == 100 + cpu && v[2] == 200 + cpu);
		CHECK_EQ(buf[cpu * 16 + 12] | buf[cpu * 16 + 15], 0);
	}
	if (pin_self(&saved) < 0) {
		SKIP("cannot pin the thread to a CPU");
		goto out;
	}
	me = bh_map_this_cpu(m);
	p = m->ops->lookup(m, &k);
	CHECK(p && p[0] == me && p[1] == 100 + me);
	/* a program update of an existing key changes this CPU's copy only */
	v[0] = v[1] = v[2] = 5;
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_EXIST), 0);
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 0), 0);
	for (cpu = 0; cpu < n; cpu++) {
		memcpy(v, buf + cpu * 16, 12);
		CHECK_EQ(v[1], cpu == me ? 5 : 100 + cpu);
	}
	/* a program insert sets this CPU's copy and zeroes the others */
	k = 8;
	v[0] = v[1] = v[2] = 9;
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_ANY), 0);
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 0), 0);
	for (cpu = 0; cpu < n; cpu++) {
		memcpy(v, buf + cpu * 16, 12);
		CHECK_EQ(v[2], cpu == me ? 9 : 0);
	}
	/* lookup_and_delete transfers all CPUs */
	k = 7;
	CHECK_EQ(m->ops->lookup_and_delete_user(m, &k, buf), 0);
	memcpy(v, buf + (n - 1) * 16, 12);
	CHECK_EQ(v[2], n - 1 == me ? 5 : 200 + n - 1);
	CHECK(!m->ops->lookup(m, &k));
	sched_setaffinity(0, sizeof(saved), &saved);
out:
	free(buf);
	bh_map_put(m);
}

TEST(maps_percpu_hash_layouts)
{
	percpu_case(BPFHOST_MAP_TYPE_PERCPU_HASH);
}

TEST(maps_lru_percpu_hash_layouts)
{
	percpu_case(BPFHOST_MAP_TYPE_LRU_PERCPU_HASH);
}

TEST(maps_percpu_hash_full)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_PERCPU_HASH, 4, 4, 2, 0);
	uint32_t k, v = 1;

	if (!m)
		return;
	for (k = 0; k < 2; k++)
		CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_ANY), 0);
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_ANY), -E2BIG);
	k = 1;
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_ANY), 0);
	bh_map_put(m);
}

TEST(maps_lru_evicts_least_recently_used)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_LRU_HASH, 4, 8, 8, BPFHOST_F_NO_COMMON_LRU);
	uint32_t k;
	uint64_t v;

	if (!m)
		return;
	for (k = 0; k < 8; k++) {
		v = f(k);
		CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_NOEXIST), 0);
	}
	/* use every key but 5 */
	for (k = 0; k < 8; k++)
		if (k != 5)
			CHECK(m->ops->lookup(m, &k));
	k = 100;
	v = f(k);
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_NOEXIST), 0);
	for (k = 0; k < 8; k++)
		CHECK_MSG(!m->ops->lookup(m, &k) == (k == 5), "key %u", k);
	k = 100;
	CHECK(m->ops->lookup(m, &k));
	CHECK_EQ(count_keys(m, 4), 8);
	bh_map_put(m);
}

TEST(maps_lru_user_lookups_do_not_count_as_use)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_LRU_HASH, 4, 8, 4, 0);
	uint32_t k, present = 0;
	uint64_t v = 0;

	if (!m)
		return;
	for (k = 0; k < 4; k++)
		CHECK_EQ(m->ops->update_user(m, &k, &v, BPFHOST_ANY), 0);
	/* user lookups of 1..3, program lookup of 0 */
	for (k = 1; k < 4; k++)
		CHECK_EQ(m->ops->lookup_user(m, &k, &v, 0), 0);
	k = 0;
	CHECK(m->ops->lookup(m, &k));
	k = 10;
	CHECK_EQ(m->ops->update_user(m, &k, &v, BPFHOST_ANY), 0);
	k = 0;
	CHECK(m->ops->lookup(m, &k));
	for (k = 1; k < 4; k++)
		present += !m->ops->lookup_user(m, &k, &v, 0);
	CHECK_EQ(present, 2);
	bh_map_put(m);
}

TEST(maps_lru_hot_keys_survive_churn)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_LRU_HASH, 4, 8, 64, 0);
	uint32_t k, hot;
	uint64_t v, out;

	if (!m)
		return;
	for (k = 0; k < 5000; k++) {
		v = f(k);
		CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_ANY), 0);
		/* keys 0..7 are used all the time */
		for (hot = 0; hot < 8 && hot <= k; hot++)
			CHECK_MSG(m->ops->lookup(m, &hot), "hot key %u evicted at %u", hot, k);
	}
	CHECK_EQ(count_keys(m, 4), 64);
	for (k = 0; k < 5000; k++)
		if (!m->ops->lookup_user(m, &k, &out, 0))
			CHECK_U64(out, f(k));
	/* the most recent insert is there */
	k = 4999;
	CHECK_EQ(m->ops->lookup_user(m, &k, &out, 0), 0);
	bh_map_put(m);
}

TEST(maps_lru_flags_and_delete)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_LRU_HASH, 4, 8, 2, 0);
	uint32_t k = 1;
	uint64_t v = 3, out;

	if (!m)
		return;
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_EXIST), -ENOENT);
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_NOEXIST), 0);
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_NOEXIST), -EEXIST);
	v = 4;
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_EXIST), 0);
	CHECK_EQ(m->ops->update(m, &k, &v, 3), -EINVAL);
	CHECK_EQ(m->ops->lookup_user(m, &k, &out, 0), 0);
	CHECK_U64(out, 4);
	CHECK_EQ(m->ops->lookup_and_delete_user(m, &k, &out), 0);
	CHECK_EQ(m->ops->delete (m, &k), -ENOENT);
	CHECK_EQ(count_keys(m, 4), 0);
	/* a full LRU map never says -E2BIG */
	for (k = 0; k < 100; k++)
		CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_NOEXIST), 0);
	CHECK_EQ(count_keys(m, 4), 2);
	bh_map_put(m);
}
