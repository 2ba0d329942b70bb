/* SPDX-License-Identifier: MIT */
/* LPM_TRIE: longest-prefix matches (IPv4, IPv6, random against a model). */
#include <errno.h>
#include <stdlib.h>

#include "maps/map.h"
#include "../lib/harness.h"

static struct bh_map *mk(uint32_t data_size, uint32_t vs, uint32_t max)
{
	struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_LPM_TRIE,
				  .key_size = 4 + data_size,
				  .value_size = vs,
				  .max_entries = max,
				  .map_flags = BPFHOST_F_NO_PREALLOC };
	struct bh_log log = BH_LOG_INIT;
	struct bh_map *m = NULL;
	int err = bh_map_create(&def, NULL, &m, NULL, &log);

	CHECK_MSG(!err, "create: %d %s", err, bh_log_text(&log));
	bh_log_free(&log);
	return m;
}

struct v4 {
	uint32_t plen;
	uint8_t a[4];
};

static struct v4 k4(uint32_t plen, int a, int b, int c, int d)
{
	struct v4 k = { plen, { (uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d } };

	return k;
}

static int get4(struct bh_map *m, struct v4 k)
{
	uint32_t *p = m->ops->lookup(m, &k), v = 0;
	int err = m->ops->lookup_user(m, &k, &v, 0);

	/* both views agree */
	CHECK_EQ(!p, err == -ENOENT);
	if (p)
		CHECK_EQ(*p, v);
	return p ? (int)*p : -1;
}

static int put4(struct bh_map *m, struct v4 k, uint32_t v, uint64_t flags)
{
	return m->ops->update_user(m, &k, &v, flags);
}

TEST(maps_lpm_ipv4_longest_match)
{
	struct bh_map *m = mk(4, 4, 16);

	if (!m)
		return;
	CHECK_EQ(get4(m, k4(32, 10, 1, 1, 5)), -1);
	CHECK_EQ(put4(m, k4(8, 10, 0, 0, 0), 1, BPFHOST_ANY), 0);
	CHECK_EQ(put4(m, k4(16, 10, 1, 0, 0), 2, BPFHOST_ANY), 0);
	CHECK_EQ(put4(m, k4(24, 10, 1, 1, 0), 3, BPFHOST_ANY), 0);
	CHECK_EQ(put4(m, k4(0, 0, 0, 0, 0), 4, BPFHOST_ANY), 0);
	CHECK_EQ(put4(m, k4(16, 192, 168, 0, 0), 5, BPFHOST_ANY), 0);
	CHECK_EQ(put4(m, k4(32, 10, 1, 1, 1), 6, BPFHOST_ANY), 0);
	CHECK_EQ(put4(m, k4(31, 192, 168, 7, 6), 7, BPFHOST_ANY), 0);

	CHECK_EQ(get4(m, k4(32, 10, 1, 1, 5)), 3);
	CHECK_EQ(get4(m, k4(32, 10, 1, 1, 1)), 6);
	CHECK_EQ(get4(m, k4(32, 10, 1, 2, 5)), 2);
	CHECK_EQ(get4(m, k4(32, 10, 2, 0, 0)), 1);
	CHECK_EQ(get4(m, k4(32, 11, 0, 0, 1)), 4);
	CHECK_EQ(get4(m, k4(32, 192, 168, 1, 1)), 5);
	CHECK_EQ(get4(m, k4(32, 192, 168, 7, 7)), 7);
	CHECK_EQ(get4(m, k4(32, 192, 168, 7, 5)), 5);
	/* the key's own prefixlen bounds the match */
	CHECK_EQ(get4(m, k4(16, 10, 1, 1, 5)), 2);
	CHECK_EQ(get4(m, k4(20, 10, 1, 1, 5)), 2);
	CHECK_EQ(get4(m, k4(24, 10, 1, 1, 5)), 3);
	CHECK_EQ(get4(m, k4(0, 10, 1, 1, 5)), 4);

	/* deletes are exact */
	CHECK_EQ(m->ops->delete (m, &(struct v4){ 9, { 10, 0, 0, 0 } }), -ENOENT);
	CHECK_EQ(m->ops->delete (m, &(struct v4){ 0, { 0, 0, 0, 0 } }), 0);
	CHECK_EQ(m->ops->delete (m, &(struct v4){ 0, { 0, 0, 0, 0 } }), -ENOENT);
	CHECK_EQ(get4(m, k4(32, 11, 0, 0, 1)), -1);
	CHECK_EQ(m->ops->delete (m, &(struct v4){ 16, { 10, 1, 0, 0 } }), 0);
	CHECK_EQ(get4(m, k4(32, 10, 1, 2, 5)), 1);
	CHECK_EQ(get4(m, k4(32, 10, 1, 1, 5)), 3);
	CHECK_EQ(get4(m, k4(32, 10, 1, 1, 1)), 6);
	CHECK_EQ(m->ops->delete (m, &(struct v4){ 24, { 10, 1, 1, 0 } }), 0);
	CHECK_EQ(get4(m, k4(32, 10, 1, 1, 5)), 1);
	CHECK_EQ(get4(m, k4(32, 10, 1, 1, 1)), 6);
	CHECK_EQ(m->ops->delete (m, &(struct v4){ 33, { 10, 1, 1, 1 } }), -EINVAL);
	bh_map_put(m);
}

TEST(maps_lpm_update_flags_and_full)
{
	struct bh_map *m = mk(4, 4, 3);
	uint32_t v = 0;

	if (!m)
		return;
	CHECK_EQ(put4(m, k4(8, 10, 0, 0, 0), 1, BPFHOST_EXIST), -ENOENT);
	CHECK_EQ(put4(m, k4(8, 10, 0, 0, 0), 1, BPFHOST_NOEXIST), 0);
	CHECK_EQ(put4(m, k4(8, 10, 0, 0, 0), 2, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(put4(m, k4(8, 10, 0, 0, 0), 2, BPFHOST_EXIST), 0);
	CHECK_EQ(get4(m, k4(32, 10, 9, 9, 9)), 2);
	/* bits past the prefix do not make another entry */
	CHECK_EQ(put4(m, k4(8, 10, 1, 2, 3), 3, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(put4(m, k4(8, 10, 0, 0, 0), 2, 3), -EINVAL);
	CHECK_EQ(put4(m, k4(8, 10, 0, 0, 0), 2, BPFHOST_F_LOCK), -EINVAL);
	CHECK_EQ(put4(m, k4(33, 10, 0, 0, 0), 2, BPFHOST_ANY), -EINVAL);
	CHECK_EQ(put4(m, k4(32, 10, 0, 0, 1), 4, BPFHOST_ANY), 0);
	CHECK_EQ(put4(m, k4(32, 10, 0, 0, 2), 5, BPFHOST_ANY), 0);
	/* full: Linux answers -ENOSPC for tries */
	CHECK_EQ(put4(m, k4(32, 10, 0, 0, 3), 6, BPFHOST_ANY), -ENOSPC);
	CHECK_EQ(put4(m, k4(32, 10, 0, 0, 2), 7, BPFHOST_ANY), 0);
	CHECK_EQ(get4(m, k4(32, 10, 0, 0, 2)), 7);
	CHECK_EQ(m->ops->lookup_user(m, &(struct v4){ 32, { 10, 0, 0, 2 } }, &v, 1), -EINVAL);
	CHECK(!m->ops->lookup_and_delete_user);
	CHECK(!m->ops->for_each);
	CHECK(!m->ops->push);
	bh_map_put(m);
}

TEST(maps_lpm_ipv6)
{
	struct v6 {
		uint32_t plen;
		uint8_t a[16];
	} k;
	static const struct {
		uint32_t plen;
		uint8_t a[16];
		uint64_t v;
	} ent[] = {
		{ 32, { 0x20, 0x01, 0x0d, 0xb8 }, 1 },
		{ 48, { 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 2 },
		{ 64, { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2 }, 3 },
		{ 0, { 0 }, 4 },
		{ 128, { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1 }, 5 },
		{ 127, { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2 }, 6 },
		{ 10, { 0xfe, 0x80 }, 7 },
	};
	static const struct {
		uint8_t a[16];
		int v;
	} q[] = {
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 9 }, 1 },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0xff }, 2 },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0xaa }, 3 },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1 }, 5 },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3 }, 6 },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4 }, 3 },
		{ { 0xfe, 0xbf, 1 }, 7 },
		{ { 0xfe, 0xc0 }, 4 },
		{ { 0x20, 0x02 }, 4 },
	};
	struct bh_map *m = mk(16, 8, 32);
	size_t i;

	if (!m)
		return;
	for (i = 0; i < sizeof(ent) / sizeof(ent[0]); i++) {
		k.plen = ent[i].plen;
		memcpy(k.a, ent[i].a, 16);
		CHECK_EQ(m->ops->update(m, &k, &ent[i].v, BPFHOST_NOEXIST), 0);
	}
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint64_t *p;

		k.plen = 128;
		memcpy(k.a, q[i].a, 16);
		p = m->ops->lookup(m, &k);
		CHECK_MSG(p && *p == (uint64_t)q[i].v, "query %zu: got %lld, want %d", i,
			  p ? (long long)*p : -1ll, q[i].v);
	}
	bh_map_put(m);
}

TEST(maps_lpm_get_next_key_post_order)
{
	struct bh_map *m = mk(4, 4, 16);
	struct v4 k, next, order[16];
	int n = 0, i, j, err;

	if (!m)
		return;
	CHECK_EQ(m->ops->get_next_key(m, NULL, &next), -ENOENT);
	put4(m, k4(8, 10, 0, 0, 0), 1, 0);
	put4(m, k4(16, 10, 1, 0, 0), 2, 0);
	put4(m, k4(24, 10, 1, 1, 0), 3, 0);
	put4(m, k4(24, 10, 1, 2, 0), 4, 0);
	put4(m, k4(0, 0, 0, 0, 0), 5, 0);
	put4(m, k4(16, 192, 168, 0, 0), 6, 0);
	/* host bits are kept as given */
	put4(m, k4(12, 172, 16, 9, 9), 7, 0);
	err = m->ops->get_next_key(m, NULL, &next);
	while (!err && n < 16) {
		order[n++] = next;
		k = next;
		err = m->ops->get_next_key(m, &k, &next);
	}
	CHECK_EQ(err, -ENOENT);
	CHECK_EQ(n, 7);
	/* every entry once; a prefix comes after the longer prefixes inside it */
	for (i = 0; i < n; i++) {
		CHECK_MSG(get4(m, order[i]) >= 1, "entry %d not found", i);
		for (j = i + 1; j < n; j++) {
			uint32_t pl = order[j].plen, a, b;

			CHECK(memcmp(&order[i], &order[j], sizeof(k)));
			memcpy(&a, order[i].a, 4);
			memcpy(&b, order[j].a, 4);
			a = __builtin_bswap32(a);
			b = __builtin_bswap32(b);
			/* order[j] must not lie strictly inside order[i] */
			if (order[i].plen < pl &&
			    (!order[i].plen || (a ^ b) >> (32 - order[i].plen) == 0))
				CHECK_MSG(0, "%d (/%u) listed before %d (/%u) inside it", i,
					  order[i].plen, j, pl);
		}
	}
	for (i = 0; i < n; i++)
		if (order[i].plen == 12)
			CHECK(!memcmp(order[i].a, (uint8_t[]){ 172, 16, 9, 9 }, 4));
	CHECK_EQ(order[n - 1].plen, 0);
	/* unknown or invalid keys restart at the first */
	k = k4(9, 10, 0, 0, 0);
	CHECK_EQ(m->ops->get_next_key(m, &k, &next), 0);
	CHECK(!memcmp(&next, &order[0], sizeof(next)));
	k = k4(40, 10, 0, 0, 0);
	CHECK_EQ(m->ops->get_next_key(m, &k, &next), 0);
	CHECK(!memcmp(&next, &order[0], sizeof(next)));
	bh_map_put(m);
}

/* Random prefixes of 16-bit addresses against a brute-force model. */
struct ent {
	bool used;
	uint32_t plen;
	uint16_t addr;
	uint32_t v;
};

static bool in_prefix(const struct ent *e, uint16_t addr)
{
	return !e->plen || ((e->addr ^ addr) >> (16 - e->plen)) == 0;
}

static uint16_t canon(uint16_t a, uint32_t plen)
{
	return plen ? (uint16_t)(a & (0xffffu << (16 - plen))) : 0;
}

TEST(maps_lpm_random_against_model)
{
	enum { MAX = 48, ROUNDS = 3000 };
	struct ent model[MAX] = { 0 };
	struct bh_map *m = mk(2, 4, MAX);
	struct {
		uint32_t plen;
		uint8_t a[2];
	} k;
	unsigned seed = 12345;
	int r, i, n = 0, deleted = 0, full = 0;

	if (!m)
		return;
	for (r = 0; r < ROUNDS; r++) {
		uint32_t plen = (uint32_t)(rand_r(&seed) % 17);
		uint16_t addr = canon((uint16_t)rand_r(&seed), plen), noisy;
		int found = -1, free_slot = -1, err, pick = rand_r(&seed) % (2 * MAX);
		uint32_t v = (uint32_t)r;

		/* half of the operations name an existing entry */
		if (pick < MAX && model[pick].used) {
			plen = model[pick].plen;
			addr = model[pick].addr;
		}
		/* host bits in the key do not matter */
		noisy = addr | (uint16_t)(plen < 16 ? rand_r(&seed) & (0xffff >> plen) : 0);

		k.plen = plen;
		k.a[0] = (uint8_t)(noisy >> 8);
		k.a[1] = (uint8_t)noisy;
		for (i = 0; i < MAX; i++) {
			if (model[i].used && model[i].plen == plen && model[i].addr == addr)
				found = i;
			if (!model[i].used && free_slot < 0)
				free_slot = i;
		}
		if (rand_r(&seed) % 3 == 0) {
			err = m->ops->delete (m, &k);
			CHECK_EQ(err, found >= 0 ? 0 : -ENOENT);
			deleted += !err;
			if (found >= 0) {
				model[found].used = false;
				n--;
			}
		} else {
			err = m->ops->update(m, &k, &v, BPFHOST_ANY);
			if (found >= 0) {
				CHECK_EQ(err, 0);
				model[found].v = v;
			} else if (n == MAX) {
				CHECK_EQ(err, -ENOSPC);
				full++;
			} else {
				CHECK_EQ(err, 0);
				model[free_slot] = (struct ent){ true, plen, addr, v };
				n++;
			}
		}
		/* a few random lookups */
		for (i = 0; i < 4; i++) {
			uint16_t q = (uint16_t)rand_r(&seed);
			int best = -1, j;
			uint32_t *p;

			for (j = 0; j < MAX; j++)
				if (model[j].used && in_prefix(&model[j], q) &&
				    (best < 0 || model[j].plen > model[best].plen))
					best = j;
			k.plen = 16;
			k.a[0] = (uint8_t)(q >> 8);
			k.a[1] = (uint8_t)q;
			p = m->ops->lookup(m, &k);
			CHECK_MSG(!p == (best < 0), "round %d: lookup %04x: %s", r, q,
				  p ? "found, model has none" : "missing");
			if (p && best >= 0)
				CHECK_EQ(*p, model[best].v);
		}
	}
	/* both paths were exercised */
	CHECK_MSG(deleted > 100 && full > 100, "deleted %d, full %d", deleted, full);
	/* iteration returns every model entry once */
	{
		int seen = 0, err;

		err = m->ops->get_next_key(m, NULL, &k);
		while (!err && seen <= MAX) {
			uint16_t a = (uint16_t)(k.a[0] << 8 | k.a[1]);

			for (i = 0; i < MAX; i++)
				if (model[i].used && model[i].plen == k.plen &&
				    model[i].addr == canon(a, k.plen))
					break;
			CHECK_MSG(i < MAX, "iteration returned /%u not in the model", k.plen);
			seen++;
			err = m->ops->get_next_key(m, &k, &k);
		}
		CHECK_EQ(seen, n);
	}
	bh_map_put(m);
}
