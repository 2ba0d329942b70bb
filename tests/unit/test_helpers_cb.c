/* SPDX-License-Identifier: MIT */
/*
 * Map helpers' dispatch and the callback helpers (bpf_loop,
 * bpf_for_each_map_elem) against a small hand-made map type and a stand-in
 * for the engine's bh_call_bpf_func.
 *
 * The stand-in is a weak definition: until the runtime provides the real
 * bh_call_bpf_func it is the one linked, and it treats `fn` as a C function
 * pointer. When the real one is linked instead, the callback tests skip
 * (the runtime's tests run real BPF callbacks).
 */
#include <errno.h>
#include <stdlib.h>

#include "helpers/helpers.h"
#include "maps/map.h"
#include "../lib/harness.h"

#define U(p) ((uint64_t)(uintptr_t)(p))

typedef uint64_t (*fake_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static int fake_calls;

/*
 * The stand-in only serves hand-made contexts whose header slot 0 is empty.
 * Should it ever be linked while real programs run (slot 0 set), it refuses
 * instead of treating a BPF function value as a C pointer.
 */
__attribute__((weak)) int bh_call_bpf_func(void *ctx, uint64_t fn, uint64_t a1, uint64_t a2,
					   uint64_t a3, uint64_t a4, uint64_t a5, uint64_t *ret)
{
	fake_calls++;
	if (!ctx || bpfhost_ctx_header(ctx)->slot[BPFHOST_CTX_SLOT_STATE])
		return -ENOSYS;
	if (!fn)
		return -EINVAL;
	*ret = ((fake_fn)(uintptr_t)fn)(a1, a2, a3, a4, a5);
	return 0;
}

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

/* ---- callbacks ---- */

struct loop_rec {
	uint32_t idx[16];
	int n;
	uint32_t stop_at; /* return 1 at this index */
};

static uint64_t loop_cb(uint64_t index, uint64_t ctx, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct loop_rec *r = (struct loop_rec *)(uintptr_t)ctx;

	if (r->n < 16)
		r->idx[r->n] = (uint32_t)index;
	r->n++;
	return index == r->stop_at;
}

/* Is the stand-in linked? Called with a context whose header is all zero. */
#define NEED_FAKE()                                                                             \
	do {                                                                                    \
		uint64_t mem_[9] = { 0 }, r_;                                                   \
		int before_ = fake_calls;                                                       \
		bh_call_bpf_func(&mem_[8], 0, 0, 0, 0, 0, 0, &r_);                              \
		if (fake_calls == before_)                                                      \
			SKIP("the runtime's bh_call_bpf_func is linked; its tests cover this"); \
	} while (0)

TEST(helpers_loop)
{
	uint64_t ctx_mem[9] = { 0 };
	void *ctx = &ctx_mem[8];
	struct loop_rec r = { .stop_at = 100 };

	NEED_FAKE();
	CHECK_EQ((int64_t)bh_helper_loop(5, U(loop_cb), U(&r), 0, 0, ctx), 5);
	CHECK_EQ(r.n, 5);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(r.idx[i], i);

	/* stop: the iteration that returned 1 is counted */
	memset(&r, 0, sizeof(r));
	r.stop_at = 2;
	CHECK_EQ((int64_t)bh_helper_loop(10, U(loop_cb), U(&r), 0, 0, ctx), 3);
	CHECK_EQ(r.n, 3);

	/* zero loops, flags, limit, u32 count */
	memset(&r, 0, sizeof(r));
	r.stop_at = 100;
	CHECK_EQ((int64_t)bh_helper_loop(0, U(loop_cb), U(&r), 0, 0, ctx), 0);
	CHECK_EQ(r.n, 0);
	CHECK_EQ((int64_t)bh_helper_loop(5, U(loop_cb), U(&r), 1, 0, ctx), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_loop(BH_BPF_MAX_LOOPS + 1, U(loop_cb), U(&r), 0, 0, ctx),
		 -E2BIG);
	CHECK_EQ(r.n, 0);
	CHECK_EQ((int64_t)bh_helper_loop((1ull << 32) | 3, U(loop_cb), U(&r), 0, 0, ctx), 3);

	/* the engine's error stops the loop and is returned */
	CHECK_EQ((int64_t)bh_helper_loop(5, 0, U(&r), 0, 0, ctx), -EINVAL);
}

struct each_rec {
	struct bh_map *map;
	uint32_t keys[TINY_N];
	int n;
	uint32_t stop_key;
	bool bad_map;
};

static uint64_t each_cb(uint64_t map, uint64_t key, uint64_t value, uint64_t ctx, uint64_t a5)
{
	struct each_rec *r = (struct each_rec *)(uintptr_t)ctx;
	uint32_t k = *(const uint32_t *)(uintptr_t)key;

	if (map != U(r->map))
		r->bad_map = true;
	r->keys[r->n++] = k;
	*(uint64_t *)(uintptr_t)value += 100; /* values are writable */
	return k == r->stop_key;
}

TEST(helpers_for_each_map_elem)
{
	uint64_t ctx_mem[9] = { 0 };
	void *ctx = &ctx_mem[8];
	struct each_rec r = { .stop_key = 99 };
	struct bh_map m;
	struct tiny t;

	NEED_FAKE();
	tiny_init(&m, &t, &tiny_ops);
	r.map = &m;
	CHECK_EQ((int64_t)bh_helper_for_each_map_elem(U(&m), U(each_cb), U(&r), 0, 0, ctx), 4);
	CHECK_EQ(r.n, 4);
	CHECK(!r.bad_map);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(r.keys[i], i);
		CHECK_U64(t.val[i], 100);
	}
	/* stop after key 1: two elements visited */
	memset(&r, 0, sizeof(r));
	r.map = &m;
	r.stop_key = 1;
	CHECK_EQ((int64_t)bh_helper_for_each_map_elem(U(&m), U(each_cb), U(&r), 0, 0, ctx), 2);
	CHECK_EQ(r.n, 2);
	/* flags must be 0 */
	CHECK_EQ((int64_t)bh_helper_for_each_map_elem(U(&m), U(each_cb), U(&r), 1, 0, ctx),
		 -EINVAL);
	/* the engine's error ends the walk and is returned */
	CHECK_EQ((int64_t)bh_helper_for_each_map_elem(U(&m), 0, U(&r), 0, 0, ctx), -EINVAL);
}

static uint64_t sum_cb(uint64_t map, uint64_t key, uint64_t value, uint64_t ctx, uint64_t a5)
{
	uint64_t *acc = (uint64_t *)(uintptr_t)ctx;

	acc[0] += *(const uint32_t *)(uintptr_t)value;
	acc[1]++;
	return acc[1] == acc[2]; /* stop after acc[2] elements */
}

TEST(helpers_for_each_real_maps)
{
	struct bh_map_def adef = {
		.type = BPFHOST_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 5
	};
	struct bh_map_def hdef = {
		.type = BPFHOST_MAP_TYPE_HASH, .key_size = 4, .value_size = 4, .max_entries = 8
	};
	uint64_t ctx_mem[9] = { 0 };
	void *ctx = &ctx_mem[8];
	struct bh_map *a = NULL, *h = NULL;
	uint64_t acc[3];
	uint32_t k, v;

	NEED_FAKE();
	CHECK_EQ(bh_map_create(&adef, NULL, &a, NULL, NULL), 0);
	CHECK_EQ(bh_map_create(&hdef, NULL, &h, NULL, NULL), 0);
	if (!a || !h)
		goto out;
	for (k = 0; k < 3; k++) {
		v = 10 * (k + 1);
		CHECK_EQ(a->ops->update(a, &k, &v, BPFHOST_ANY), 0);
		CHECK_EQ(h->ops->update(h, &k, &v, BPFHOST_ANY), 0);
	}
	/* arrays visit every slot, hashes every element */
	memset(acc, 0, sizeof(acc));
	CHECK_EQ((int64_t)bh_helper_for_each_map_elem(U(a), U(sum_cb), U(acc), 0, 0, ctx), 5);
	CHECK_U64(acc[0], 60);
	memset(acc, 0, sizeof(acc));
	CHECK_EQ((int64_t)bh_helper_for_each_map_elem(U(h), U(sum_cb), U(acc), 0, 0, ctx), 3);
	CHECK_U64(acc[0], 60);
	/* stopping early counts the element that stopped */
	memset(acc, 0, sizeof(acc));
	acc[2] = 2;
	CHECK_EQ((int64_t)bh_helper_for_each_map_elem(U(h), U(sum_cb), U(acc), 0, 0, ctx), 2);
	CHECK_U64(acc[1], 2);
out:
	if (a)
		bh_map_put(a);
	if (h)
		bh_map_put(h);
}
