/* SPDX-License-Identifier: MIT */
/* ARRAY and PERCPU_ARRAY semantics, both views. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#include "maps/map.h"
#include "../lib/harness.h"

static struct bh_map *mk(uint32_t type, uint32_t vs, uint32_t max)
{
	struct bh_map_def def = {
		.type = type, .key_size = 4, .value_size = vs, .max_entries = max
	};
	struct bh_log log = BH_LOG_INIT;
	struct bh_map *m = NULL;
	int err = bh_map_create(&def, NULL, &m, NULL, &log);

	CHECK_MSG(!err, "create: %d %s", err, bh_log_text(&log));
	bh_log_free(&log);
	return m;
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

TEST(maps_array_program_view)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_ARRAY, 12, 4);
	uint32_t k;
	char v[12] = "hello world";
	char *p;

	if (!m)
		return;
	for (k = 0; k < 4; k++) {
		p = m->ops->lookup(m, &k);
		CHECK(p);
		if (!p)
			continue;
		/* inside the region, stride apart, zero initially */
		CHECK((char *)p >= (char *)m->region &&
		      (char *)p + 12 <= (char *)m->region + m->region_size);
		CHECK_EQ(((uintptr_t)p) % 8, 0);
		CHECK_EQ(p[0] | p[11], 0);
		if (k)
			CHECK_EQ(p - (char *)m->ops->lookup(m, &(uint32_t){ k - 1 }), 16);
	}
	k = 4;
	CHECK(!m->ops->lookup(m, &k));
	k = UINT32_MAX;
	CHECK(!m->ops->lookup(m, &k));

	k = 2;
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_ANY), 0);
	CHECK(!memcmp(m->ops->lookup(m, &k), v, 12));
	CHECK_EQ(m->ops->update(m, &k, "HELLO WORLD", BPFHOST_EXIST), 0);
	CHECK(!memcmp(m->ops->lookup(m, &k), "HELLO WORLD", 12));
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(m->ops->update(m, &k, v, 3), -EINVAL);
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_F_LOCK), -EINVAL);
	CHECK_EQ(m->ops->update(m, &k, v, 1ull << 40), -EINVAL);
	k = 4;
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_ANY), -E2BIG);
	/* flag check first, then the index, then NOEXIST (Linux's order) */
	CHECK_EQ(m->ops->update(m, &k, v, 7), -EINVAL);
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_NOEXIST), -E2BIG);
	CHECK_EQ(m->ops->delete (m, &k), -EINVAL);
	k = 0;
	CHECK_EQ(m->ops->delete (m, &k), -EINVAL);
	CHECK(!m->ops->lookup_and_delete_user);
	CHECK(!m->ops->push && !m->ops->pop && !m->ops->peek);
	bh_map_put(m);
}

TEST(maps_array_user_view)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_ARRAY, 5, 3);
	unsigned char buf[8];
	uint32_t k = 1;

	if (!m)
		return;
	CHECK_EQ(m->ops->update_user(m, &k, "abcde", BPFHOST_ANY), 0);
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 0), 0);
	CHECK(!memcmp(buf, "abcde", 5));
	/* exactly value_size bytes are written */
	CHECK_EQ(buf[5], 0xee);
	CHECK_EQ(buf[7], 0xee);
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, BPFHOST_F_LOCK), -EINVAL);
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 1), -EINVAL);
	CHECK_EQ(m->ops->lookup_user(m, NULL, buf, 0), -EINVAL);
	k = 3;
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 0), -ENOENT);
	CHECK_EQ(m->ops->update_user(m, &k, "abcde", BPFHOST_ANY), -E2BIG);
	k = 0;
	CHECK_EQ(m->ops->update_user(m, &k, "abcde", BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(m->ops->update_user(m, &k, "abcde", 3), -EINVAL);
	CHECK_EQ(m->ops->update_user(m, &k, NULL, 0), -EINVAL);
	/* the program view sees user writes and vice versa */
	CHECK_EQ(m->ops->update_user(m, &k, "vwxyz", BPFHOST_EXIST), 0);
	CHECK(!memcmp(m->ops->lookup(m, &k), "vwxyz", 5));
	memcpy(m->ops->lookup(m, &k), "12345", 5);
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 0), 0);
	CHECK(!memcmp(buf, "12345", 5));
	bh_map_put(m);
}

TEST(maps_array_get_next_key)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_ARRAY, 4, 3);
	uint32_t k, next = 99;

	if (!m)
		return;
	CHECK_EQ(m->ops->get_next_key(m, NULL, &next), 0);
	CHECK_EQ(next, 0);
	k = 0;
	CHECK_EQ(m->ops->get_next_key(m, &k, &next), 0);
	CHECK_EQ(next, 1);
	k = 1;
	CHECK_EQ(m->ops->get_next_key(m, &k, &next), 0);
	CHECK_EQ(next, 2);
	k = 2;
	next = 99;
	CHECK_EQ(m->ops->get_next_key(m, &k, &next), -ENOENT);
	CHECK_EQ(next, 99);
	k = 3;
	CHECK_EQ(m->ops->get_next_key(m, &k, &next), 0);
	CHECK_EQ(next, 0);
	k = UINT32_MAX;
	CHECK_EQ(m->ops->get_next_key(m, &k, &next), 0);
	CHECK_EQ(next, 0);
	bh_map_put(m);
}

struct visit {
	uint32_t keys[16];
	void *values[16];
	int n, stop_at;
};

static long visit_cb(struct bh_map *map, const void *key, void *value, void *ctx)
{
	struct visit *v = ctx;

	if (v->n < 16) {
		memcpy(&v->keys[v->n], key, 4);
		v->values[v->n] = value;
	}
	v->n++;
	return v->n == v->stop_at;
}

TEST(maps_array_for_each)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_ARRAY, 8, 5);
	struct visit v = { .stop_at = -1 };
	uint32_t i;

	if (!m)
		return;
	CHECK_EQ(m->ops->for_each(m, visit_cb, &v), 5);
	CHECK_EQ(v.n, 5);
	for (i = 0; i < 5; i++) {
		CHECK_EQ(v.keys[i], i);
		CHECK(v.values[i] == m->ops->lookup(m, &i));
	}
	memset(&v, 0, sizeof(v));
	v.stop_at = 2;
	CHECK_EQ(m->ops->for_each(m, visit_cb, &v), 2);
	CHECK_EQ(v.n, 2);
	bh_map_put(m);
}

TEST(maps_percpu_array_layouts)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_PERCPU_ARRAY, 4, 2);
	unsigned n = bh_map_ncpus(), cpu, me;
	uint32_t k = 1, v;
	unsigned char *buf;
	cpu_set_t saved;
	int pinned;

	if (!m)
		return;
	CHECK_EQ(m->value_stride, 8);
	buf = calloc(n, 8);
	/* user view: one 8-byte slot per CPU, each CPU its own copy */
	for (cpu = 0; cpu < n; cpu++) {
		v = 1000 + cpu;
		memcpy(buf + cpu * 8, &v, 4);
	}
	CHECK_EQ(m->ops->update_user(m, &k, buf, BPFHOST_ANY), 0);
	memset(buf, 0xee, n * 8);
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 0), 0);
	for (cpu = 0; cpu < n; cpu++) {
		memcpy(&v, buf + cpu * 8, 4);
		CHECK_EQ(v, 1000 + cpu);
		/* the padding of each slot is transferred too (zero) */
		CHECK_EQ(buf[cpu * 8 + 4] | buf[cpu * 8 + 7], 0);
	}
	k = 0;
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 0), 0);
	for (cpu = 0; cpu < n * 8; cpu++)
		CHECK_EQ(buf[cpu], 0);

	/* program view: this CPU's copy only */
	pinned = pin_self(&saved);
	if (pinned < 0) {
		free(buf);
		bh_map_put(m);
		SKIP("cannot pin the thread to a CPU");
	}
	me = bh_map_this_cpu(m);
	CHECK_EQ(me, (unsigned)pinned % n);
	k = 1;
	CHECK_EQ(*(uint32_t *)m->ops->lookup(m, &k), 1000 + me);
	v = 77;
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_EXIST), 0);
	CHECK_EQ(m->ops->update(m, &k, &v, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(m->ops->lookup_user(m, &k, buf, 0), 0);
	for (cpu = 0; cpu < n; cpu++) {
		memcpy(&v, buf + cpu * 8, 4);
		CHECK_EQ(v, cpu == me ? 77 : 1000 + cpu);
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	free(buf);
	bh_map_put(m);
}
