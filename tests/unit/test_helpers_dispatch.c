/* SPDX-License-Identifier: MIT */
/*
 * Map helpers' dispatch against a small hand-made map type. The callback
 * helpers (bpf_loop, bpf_for_each_map_elem) run real BPF callbacks in
 * tests/unit/test_runtime_callback.c and test_helpers_maps.c.
 */
#include <errno.h>
#include <stdlib.h>

#include "helpers/helpers.h"
#include "maps/map.h"
#include "../lib/harness.h"

#define U(p) ((uint64_t)(uintptr_t)(p))

/* ---- a tiny map type: 4 u32 keys 0..3, u64 values; a LIFO for push/pop ---- */

#define TINY_N 4
struct tiny {
	uint64_t val[TINY_N];
	uint64_t stack[TINY_N];
	uint32_t depth;
	uint64_t last_flags;
};

static struct tiny *tiny_of(struct bh_map *m)
{
	return m->region;
}

static void *tiny_lookup(struct bh_map *m, const void *key)
{
	uint32_t k = *(const uint32_t *)key;

	return k < TINY_N ? &tiny_of(m)->val[k] : NULL;
}

static int tiny_update(struct bh_map *m, const void *key, const void *value, uint64_t flags)
{
	uint32_t k = *(const uint32_t *)key;

	tiny_of(m)->last_flags = flags;
	if (flags > BPFHOST_EXIST)
		return -EINVAL;
	if (k >= TINY_N)
		return -E2BIG;
	if (flags == BPFHOST_NOEXIST)
		return -EEXIST;
	memcpy(&tiny_of(m)->val[k], value, 8);
	return 0;
}

static int tiny_delete(struct bh_map *m, const void *key)
{
	return *(const uint32_t *)key < TINY_N ? -EINVAL : -ENOENT;
}

static int tiny_push(struct bh_map *m, const void *value, uint64_t flags)
{
	struct tiny *t = tiny_of(m);

	if (t->depth == TINY_N)
		return -E2BIG;
	memcpy(&t->stack[t->depth++], value, 8);
	return 0;
}

static int tiny_pop(struct bh_map *m, void *value)
{
	struct tiny *t = tiny_of(m);

	if (!t->depth)
		return -ENOENT;
	memcpy(value, &t->stack[--t->depth], 8);
	return 0;
}

static int tiny_peek(struct bh_map *m, void *value)
{
	struct tiny *t = tiny_of(m);

	if (!t->depth)
		return -ENOENT;
	memcpy(value, &t->stack[t->depth - 1], 8);
	return 0;
}

static long tiny_for_each(struct bh_map *m,
			  long (*cb)(struct bh_map *map, const void *key, void *value, void *ctx),
			  void *ctx)
{
	long n = 0;

	for (uint32_t k = 0; k < TINY_N; k++) {
		n++;
		if (cb(m, &k, &tiny_of(m)->val[k], ctx))
			break;
	}
	return n;
}

static const struct bh_map_ops tiny_ops = {
	.lookup = tiny_lookup,
	.update = tiny_update,
	.delete = tiny_delete,
	.push = tiny_push,
	.pop = tiny_pop,
	.peek = tiny_peek,
	.for_each = tiny_for_each,
};
static const struct bh_map_ops empty_ops;

static void tiny_init(struct bh_map *m, struct tiny *t, const struct bh_map_ops *ops)
{
	memset(m, 0, sizeof(*m));
	memset(t, 0, sizeof(*t));
	m->ops = ops;
	m->def.type = BPFHOST_MAP_TYPE_ARRAY;
	m->def.key_size = 4;
	m->def.value_size = 8;
	m->def.max_entries = TINY_N;
	m->region = t;
}

TEST(helpers_map_dispatch)
{
	struct bh_map m;
	struct tiny t;
	uint32_t k = 2, bad = 9;
	uint64_t v = 77, out = 0;

	tiny_init(&m, &t, &tiny_ops);
	CHECK_U64(bh_helper_map_lookup_elem(U(&m), U(&k), 0, 0, 0, NULL), U(&t.val[2]));
	CHECK_U64(bh_helper_map_lookup_elem(U(&m), U(&bad), 0, 0, 0, NULL), 0);
	CHECK_EQ((int64_t)bh_helper_map_update_elem(U(&m), U(&k), U(&v), BPFHOST_ANY, 0, NULL), 0);
	CHECK_U64(t.val[2], 77);
	/* flags reach the map unchanged; its errnos come back sign-extended */
	CHECK_EQ((int64_t)bh_helper_map_update_elem(U(&m), U(&k), U(&v), BPFHOST_NOEXIST, 0, NULL),
		 -EEXIST);
	CHECK_EQ((int64_t)bh_helper_map_update_elem(U(&m), U(&k), U(&v), 7, 0, NULL), -EINVAL);
	CHECK_U64(t.last_flags, 7);
	CHECK_EQ((int64_t)bh_helper_map_update_elem(U(&m), U(&bad), U(&v), 0, 0, NULL), -E2BIG);
	CHECK_EQ((int64_t)bh_helper_map_delete_elem(U(&m), U(&bad), 0, 0, 0, NULL), -ENOENT);

	CHECK_EQ((int64_t)bh_helper_map_peek_elem(U(&m), U(&out), 0, 0, 0, NULL), -ENOENT);
	CHECK_EQ((int64_t)bh_helper_map_push_elem(U(&m), U(&v), 0, 0, 0, NULL), 0);
	v = 78;
	CHECK_EQ((int64_t)bh_helper_map_push_elem(U(&m), U(&v), 0, 0, 0, NULL), 0);
	CHECK_EQ((int64_t)bh_helper_map_peek_elem(U(&m), U(&out), 0, 0, 0, NULL), 0);
	CHECK_U64(out, 78);
	CHECK_EQ((int64_t)bh_helper_map_pop_elem(U(&m), U(&out), 0, 0, 0, NULL), 0);
	CHECK_U64(out, 78);
	CHECK_EQ((int64_t)bh_helper_map_pop_elem(U(&m), U(&out), 0, 0, 0, NULL), 0);
	CHECK_U64(out, 77);
	CHECK_EQ((int64_t)bh_helper_map_pop_elem(U(&m), U(&out), 0, 0, 0, NULL), -ENOENT);
}

TEST(helpers_map_missing_ops_and_null_map)
{
	struct bh_map m;
	struct tiny t;
	uint32_t k = 0;
	uint64_t v = 0;

	tiny_init(&m, &t, &empty_ops);
	CHECK_U64(bh_helper_map_lookup_elem(U(&m), U(&k), 0, 0, 0, NULL), 0);
	CHECK_EQ((int64_t)bh_helper_map_update_elem(U(&m), U(&k), U(&v), 0, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ((int64_t)bh_helper_map_delete_elem(U(&m), U(&k), 0, 0, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ((int64_t)bh_helper_map_push_elem(U(&m), U(&v), 0, 0, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ((int64_t)bh_helper_map_pop_elem(U(&m), U(&v), 0, 0, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ((int64_t)bh_helper_map_peek_elem(U(&m), U(&v), 0, 0, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ((int64_t)bh_helper_for_each_map_elem(U(&m), 1, 0, 0, 0, &k), -EOPNOTSUPP);

	CHECK_U64(bh_helper_map_lookup_elem(0, U(&k), 0, 0, 0, NULL), 0);
	CHECK_EQ((int64_t)bh_helper_map_update_elem(0, U(&k), U(&v), 0, 0, NULL), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_map_delete_elem(0, U(&k), 0, 0, 0, NULL), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_map_push_elem(0, U(&v), 0, 0, 0, NULL), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_map_pop_elem(0, U(&v), 0, 0, 0, NULL), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_map_peek_elem(0, U(&v), 0, 0, 0, NULL), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_for_each_map_elem(0, 1, 0, 0, 0, &k), -EINVAL);
}
