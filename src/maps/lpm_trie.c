/* SPDX-License-Identifier: MIT */
/*
 * LPM_TRIE: longest-prefix-match lookups over keys
 * { u32 prefixlen; u8 data[key_size - 4] }, data in network bit order
 * (bit 0 is the most significant bit of data[0]).
 *
 * The trie is the one Linux uses: a binary tree in which every node holds a
 * prefix and children have strictly longer prefixes; a node's child[b]
 * continues with bit b after its prefix. Nodes that only join two subtrees
 * are "intermediate" and hold no value. Each update adds at most one entry
 * and one intermediate node, and deletes keep every intermediate node with
 * two children, so 2 * max_entries preallocated nodes always suffice.
 * Links are node indices + 1 (0 = none), bounds-checked on every read, and
 * every walk is bounded by the key length in bits.
 *
 * Writers serialise on a spinlock and bump a sequence count (odd while they
 * change the tree). Lookups run without the lock, waiting while the count
 * is odd and retrying when it moved; only after many tries (or a writer
 * that stays active, e.g. preempted) do they take the lock. So concurrent
 * lookups never write a shared cache line, and they do not crowd writers
 * out of the lock. Node fields are relaxed atomics: a lookup that
 * races with a writer may read a half-changed node, but it then fails the
 * sequence check and its result is discarded.
 *
 * get_next_key walks the trie in post-order (longer prefixes before their
 * ancestors), like Linux.
 */
#include <endian.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map.h"

#define NONE UINT32_MAX
#define LPM_DATA_MAX 256u
#define LPM_MAX_ENTRIES (1u << 30)
#define LPM_READ_TRIES 16
#define NODE_IM 1u /* intermediate: joins two subtrees, holds no value */

struct lpm_hdr {
	uint32_t lock;
	uint32_t seq;
	uint32_t root; /* node index + 1, 0 = empty */
	uint32_t n_entries;
	uint32_t free_head; /* node index + 1 */
	uint32_t bump;	    /* nodes [0, bump) have been handed out */
};

struct lpm_node {
	uint32_t child[2]; /* node index + 1; child[0] links the free list */
	uint32_t prefixlen;
	uint32_t flags;
	/* data, padded to 8 bytes; value */
};

#define LPM_NODES_OFF (BH_MAP_HDR_SIZE + 64)

struct lpm {
	struct lpm_hdr *hdr;
	char *nodes;
	uint32_t node_size;
	uint32_t data_size;
	uint32_t value_off;
	uint32_t value_size;
	uint32_t max_prefixlen;
	uint32_t nnodes;
	uint32_t max_entries;
};

static void geometry(const struct bh_map_def *def, struct lpm *t)
{
	uint32_t data_room = (def->key_size - 4 + 7) & ~7u;

	memset(t, 0, sizeof(*t));
	t->data_size = def->key_size - 4;
	t->value_size = def->value_size;
	t->value_off = sizeof(struct lpm_node) + data_room;
	t->node_size = t->value_off + ((def->value_size + 7) & ~7u);
	t->max_prefixlen = t->data_size * 8;
	t->nnodes = 2 * def->max_entries;
	t->max_entries = def->max_entries;
}

static int lpm_check_def(const struct bh_map_def *def, struct bh_log *log)
{
	if (def->key_size < 5 || def->key_size > 4 + LPM_DATA_MAX) {
		bh_map_log(log, def,
			   "key_size %u: LPM keys are a 4-byte prefixlen and 1..%u data bytes "
			   "(key_size 5..%u)",
			   def->key_size, LPM_DATA_MAX, 4 + LPM_DATA_MAX);
		return -EINVAL;
	}
	if (!def->value_size || def->value_size > BH_MAP_MAX_VALUE_SIZE) {
		bh_map_log(log, def, "value_size %u: must be 1..%u", def->value_size,
			   BH_MAP_MAX_VALUE_SIZE);
		return -EINVAL;
	}
	if (!def->max_entries) {
		bh_map_log(log, def, "max_entries 0: must be at least 1");
		return -EINVAL;
	}
	if (def->max_entries > LPM_MAX_ENTRIES) {
		bh_map_log(log, def, "max_entries %u: larger than the limit of %u",
			   def->max_entries, LPM_MAX_ENTRIES);
		return -E2BIG;
	}
	if (!(def->map_flags & BPFHOST_F_NO_PREALLOC)) {
		bh_map_log(log, def, "map_flags: LPM tries require F_NO_PREALLOC (as in Linux)");
		return -EINVAL;
	}
	if (def->map_flags & BPFHOST_F_NO_COMMON_LRU) {
		bh_map_log(log, def, "map_flags: F_NO_COMMON_LRU is only valid for LRU hashes");
		return -EINVAL;
	}
	return 0;
}

static size_t lpm_region_size(const struct bh_map_def *def, unsigned ncpus)
{
	struct lpm t;

	geometry(def, &t);
	return LPM_NODES_OFF + (uint64_t)t.nnodes * t.node_size;
}

static int lpm_open(struct bh_map *map)
{
	struct lpm *t = malloc(sizeof(*t));

	if (!t)
		return -ENOMEM;
	geometry(&map->def, t);
	t->hdr = bh_map_ptr(map, BH_MAP_HDR_SIZE);
	t->nodes = bh_map_ptr(map, LPM_NODES_OFF);
	map->priv = t;
	return 0;
}

/* ---- node access ---- */

/*
 * Sequence-count ordering without fences (which thread sanitizers do not
 * model): readers load every node word with acquire, so their final load of
 * the count cannot move before any of them; writers store with release, so
 * none of their stores becomes visible before the odd count. Both are
 * plain moves on x86.
 */
static inline uint32_t ld(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void st(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline uint64_t ld64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* bh_map_copy_in/out with the orderings above. */
static void copy_in(void *dst, const void *src, size_t len)
{
	const unsigned char *s = src;
	uint64_t *d = dst, w;

	for (; len >= 8; len -= 8, s += 8, d++) {
		memcpy(&w, s, 8);
		__atomic_store_n(d, w, __ATOMIC_RELEASE);
	}
	if (len)
		__atomic_store_n(d, bh_map_load_tail(s, len), __ATOMIC_RELEASE);
}

static void copy_out(void *dst, const void *src, size_t len)
{
	const uint64_t *s = src;
	unsigned char *d = dst;
	uint64_t w;

	for (; len >= 8; len -= 8, d += 8, s++) {
		w = ld64(s);
		memcpy(d, &w, 8);
	}
	if (len) {
		w = ld64(s);
		memcpy(d, &w, len);
	}
}

/* Node of a link (index + 1), or NULL for 0 or an out-of-range link. */
static inline struct lpm_node *node_of(const struct lpm *t, uint32_t link)
{
	if (!link || link > t->nnodes)
		return NULL;
	return (struct lpm_node *)(t->nodes + (uint64_t)(link - 1) * t->node_size);
}

static inline uint64_t *node_data(struct lpm_node *n)
{
	return (uint64_t *)(n + 1);
}

static inline void *node_value(const struct lpm *t, struct lpm_node *n)
{
	return (char *)n + t->value_off;
}

static inline uint32_t key_prefixlen(const void *key)
{
	uint32_t p;

	memcpy(&p, key, sizeof(p));
	return p;
}

static inline const unsigned char *key_data(const void *key)
{
	return (const unsigned char *)key + 4;
}

static inline unsigned key_bit(const unsigned char *data, uint32_t i)
{
	return (data[i / 8] >> (7 - i % 8)) & 1;
}

static unsigned node_bit(struct lpm_node *n, uint32_t i)
{
	uint64_t w = ld64(&node_data(n)[i / 64]);
	unsigned char b[8];

	memcpy(b, &w, 8);
	return (b[(i % 64) / 8] >> (7 - i % 8)) & 1;
}

/* Leading bits node n (prefix plen) and the key data have in common. */
static uint32_t match(const struct lpm *t, struct lpm_node *n, uint32_t plen,
		      const unsigned char *data, uint32_t key_plen)
{
	uint32_t limit = plen < key_plen ? plen : key_plen, bits = 0, w;

	for (w = 0; bits < limit; w++) {
		uint32_t left = t->data_size - w * 8;
		uint64_t kw, x;

		if (left >= 8)
			memcpy(&kw, data + w * 8, 8);
		else
			kw = bh_map_load_tail(data + w * 8, left);
		x = be64toh(ld64(&node_data(n)[w]) ^ kw);
		if (x) {
			bits += (uint32_t)__builtin_clzll(x);
			break;
		}
		bits += 64;
	}
	return bits < limit ? bits : limit;
}

/* ---- sequence count ---- */

/*
 * Wait until no writer is active and return the (even) count; an odd count
 * means a writer stayed active too long (maybe preempted): take the lock.
 */
static uint32_t read_begin(const struct lpm *t)
{
	uint32_t s = 0;
	unsigned spins;

	for (spins = 0; spins < 256; spins++) {
		s = __atomic_load_n(&t->hdr->seq, __ATOMIC_ACQUIRE);
		if (!(s & 1))
			break;
		if (spins < 64)
			bh_cpu_relax();
		else
			sched_yield();
	}
	return s;
}

static inline bool read_retry(const struct lpm *t, uint32_t s)
{
	return (s & 1) || __atomic_load_n(&t->hdr->seq, __ATOMIC_ACQUIRE) != s;
}

static inline void write_begin(struct lpm *t)
{
	__atomic_store_n(&t->hdr->seq, ld(&t->hdr->seq) + 1, __ATOMIC_RELAXED);
}

static inline void write_end(struct lpm *t)
{
	__atomic_store_n(&t->hdr->seq, ld(&t->hdr->seq) + 1, __ATOMIC_RELEASE);
}

/* ---- lookups ---- */

/* Longest-prefix match; may see a changing trie (caller validates). */
static struct lpm_node *find_lpm(const struct lpm *t, const void *key)
{
	const unsigned char *data = key_data(key);
	uint32_t key_plen = key_prefixlen(key), link = ld(&t->hdr->root), steps = 0;
	struct lpm_node *n, *found = NULL;

	while ((n = node_of(t, link)) && steps++ <= t->max_prefixlen) {
		uint32_t plen = ld(&n->prefixlen), m;

		if (plen > t->max_prefixlen)
			break; /* torn or corrupted */
		m = match(t, n, plen, data, key_plen);
		if (m == t->max_prefixlen) {
			if (!(ld(&n->flags) & NODE_IM))
				found = n;
			break;
		}
		if (m < plen)
			break;
		if (!(ld(&n->flags) & NODE_IM))
			found = n;
		link = ld(&n->child[key_bit(data, plen)]);
	}
	return found;
}

static void *lpm_lookup(struct bh_map *map, const void *key)
{
	struct lpm *t = map->priv;
	struct lpm_node *n;
	int tries;

	for (tries = 0; tries < LPM_READ_TRIES; tries++) {
		uint32_t s = read_begin(t);

		if (s & 1)
			break;
		n = find_lpm(t, key);
		if (!read_retry(t, s))
			return n ? node_value(t, n) : NULL;
	}
	bh_spin_lock(&t->hdr->lock);
	n = find_lpm(t, key);
	bh_spin_unlock(&t->hdr->lock);
	return n ? node_value(t, n) : NULL;
}

static int lpm_lookup_user(struct bh_map *map, const void *key, void *value, uint64_t flags)
{
	struct lpm *t = map->priv;
	struct lpm_node *n;
	int tries;

	if (!key || !value || flags)
		return -EINVAL;
	for (tries = 0; tries < LPM_READ_TRIES; tries++) {
		uint32_t s = read_begin(t);

		if (s & 1)
			break;
		n = find_lpm(t, key);
		if (n)
			copy_out(value, node_value(t, n), t->value_size);
		if (!read_retry(t, s))
			return n ? 0 : -ENOENT;
	}
	bh_spin_lock(&t->hdr->lock);
	n = find_lpm(t, key);
	if (n)
		copy_out(value, node_value(t, n), t->value_size);
	bh_spin_unlock(&t->hdr->lock);
	return n ? 0 : -ENOENT;
}

/* ---- writers (lock held) ---- */

static uint32_t alloc_node(struct lpm *t)
{
	uint32_t link = ld(&t->hdr->free_head), b;
	struct lpm_node *n = node_of(t, link);

	if (n) {
		st(&t->hdr->free_head, ld(&n->child[0]));
		return link;
	}
	b = ld(&t->hdr->bump);
	if (b < t->nnodes) {
		st(&t->hdr->bump, b + 1);
		return b + 1;
	}
	return 0;
}

static void free_node(struct lpm *t, uint32_t link)
{
	struct lpm_node *n = node_of(t, link);

	st(&n->child[0], ld(&t->hdr->free_head));
	st(&n->child[1], 0);
	st(&t->hdr->free_head, link);
}

static void set_node(struct lpm *t, struct lpm_node *n, uint32_t plen, uint32_t flags,
		     const unsigned char *data, const void *value)
{
	st(&n->prefixlen, plen);
	st(&n->flags, flags);
	copy_in(node_data(n), data, t->data_size);
	if (value)
		copy_in(node_value(t, n), value, t->value_size);
}

static int lpm_update(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	struct lpm *t = map->priv;
	const unsigned char *data = key_data(key);
	uint32_t plen = key_prefixlen(key), *slot, link, m = 0, steps = 0, nlink, imlink;
	struct lpm_node *n = NULL, *nn, *im;
	int err = 0;

	if (!bh_map_update_flags_ok(flags) || plen > t->max_prefixlen)
		return -EINVAL;
	bh_spin_lock(&t->hdr->lock);
	slot = &t->hdr->root;
	while ((link = ld(slot))) {
		uint32_t np;

		n = node_of(t, link);
		if (!n || steps++ > t->max_prefixlen) {
			err = -EUCLEAN;
			goto out;
		}
		np = ld(&n->prefixlen);
		m = match(t, n, np, data, plen);
		if (np != m || np == plen || np == t->max_prefixlen)
			break;
		slot = &n->child[key_bit(data, np)];
	}
	if (link && ld(&n->prefixlen) == m && m == plen && !(ld(&n->flags) & NODE_IM)) {
		/* the entry exists: replace its value (and data bits past the prefix) */
		if (flags == BPFHOST_NOEXIST) {
			err = -EEXIST;
			goto out;
		}
		write_begin(t);
		set_node(t, n, plen, 0, data, value);
		write_end(t);
		goto out;
	}
	/* a new entry */
	if (flags == BPFHOST_EXIST) {
		err = -ENOENT;
		goto out;
	}
	if (ld(&t->hdr->n_entries) >= t->max_entries) {
		err = -ENOSPC;
		goto out;
	}
	if (link && ld(&n->prefixlen) == m && m == plen) {
		/* an intermediate node with exactly this prefix becomes an entry */
		write_begin(t);
		set_node(t, n, plen, 0, data, value);
		st(&t->hdr->n_entries, ld(&t->hdr->n_entries) + 1);
		write_end(t);
		goto out;
	}
	nlink = alloc_node(t);
	nn = node_of(t, nlink);
	if (!nn) {
		err = -EUCLEAN; /* cannot happen with a sound region: see top */
		goto out;
	}
	set_node(t, nn, plen, 0, data, value);
	st(&nn->child[0], 0);
	st(&nn->child[1], 0);
	if (!link) {
		write_begin(t);
		__atomic_store_n(slot, nlink, __ATOMIC_RELEASE);
	} else if (m == plen) {
		/* the new prefix contains the node's: it becomes the parent */
		st(&nn->child[node_bit(n, m)], link);
		write_begin(t);
		__atomic_store_n(slot, nlink, __ATOMIC_RELEASE);
	} else {
		/* the prefixes diverge at bit m: join them under an intermediate node */
		imlink = alloc_node(t);
		im = node_of(t, imlink);
		if (!im) {
			free_node(t, nlink);
			err = -EUCLEAN;
			goto out;
		}
		st(&im->prefixlen, m);
		st(&im->flags, NODE_IM);
		copy_in(node_data(im), node_data(n), t->data_size);
		st(&im->child[key_bit(data, m)], nlink);
		st(&im->child[!key_bit(data, m)], link);
		write_begin(t);
		__atomic_store_n(slot, imlink, __ATOMIC_RELEASE);
	}
	st(&t->hdr->n_entries, ld(&t->hdr->n_entries) + 1);
	write_end(t);
out:
	bh_spin_unlock(&t->hdr->lock);
	return err;
}

static int lpm_update_user(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	if (!key || !value)
		return -EINVAL;
	return lpm_update(map, key, value, flags);
}

static int lpm_delete(struct bh_map *map, const void *key)
{
	struct lpm *t = map->priv;
	uint32_t plen, *trim, *trim2, link, plink = 0, m = 0, steps = 0;
	struct lpm_node *n = NULL, *parent = NULL;
	const unsigned char *data;
	int err = 0;

	if (!key)
		return -EINVAL;
	plen = key_prefixlen(key);
	data = key_data(key);
	if (plen > t->max_prefixlen)
		return -EINVAL;
	bh_spin_lock(&t->hdr->lock);
	trim = trim2 = &t->hdr->root;
	while ((link = ld(trim))) {
		uint32_t np;

		n = node_of(t, link);
		if (!n || steps++ > t->max_prefixlen) {
			err = -EUCLEAN;
			goto out;
		}
		np = ld(&n->prefixlen);
		m = match(t, n, np, data, plen);
		if (np != m || np == plen)
			break;
		parent = n;
		plink = link;
		trim2 = trim;
		trim = &n->child[key_bit(data, np)];
	}
	if (!link || ld(&n->prefixlen) != plen || m != plen || (ld(&n->flags) & NODE_IM)) {
		err = -ENOENT;
		goto out;
	}
	write_begin(t);
	st(&t->hdr->n_entries, ld(&t->hdr->n_entries) - 1);
	if (ld(&n->child[0]) && ld(&n->child[1])) {
		/* still joins two subtrees: keep it as an intermediate node */
		st(&n->flags, NODE_IM);
	} else if (parent && (ld(&parent->flags) & NODE_IM) && !ld(&n->child[0]) &&
		   !ld(&n->child[1])) {
		/* the intermediate parent would be left with one child: drop it too */
		uint32_t sibling = ld(&parent->child[ld(&parent->child[0]) == link ? 1 : 0]);

		__atomic_store_n(trim2, sibling, __ATOMIC_RELEASE);
		free_node(t, plink);
		free_node(t, link);
	} else {
		uint32_t c = ld(&n->child[0]) ? ld(&n->child[0]) : ld(&n->child[1]);

		__atomic_store_n(trim, c, __ATOMIC_RELEASE);
		free_node(t, link);
	}
	write_end(t);
out:
	bh_spin_unlock(&t->hdr->lock);
	return err;
}

/* ---- iteration ---- */

/* First node of the subtree at link in post-order: its leftmost leaf. */
static uint32_t postorder_first(const struct lpm *t, uint32_t link)
{
	struct lpm_node *n;
	uint32_t steps = 0;

	while ((n = node_of(t, link)) && steps++ <= t->max_prefixlen) {
		uint32_t c = ld(&n->child[0]) ? ld(&n->child[0]) : ld(&n->child[1]);

		if (!c)
			return link;
		link = c;
	}
	return 0;
}

static int lpm_get_next_key(struct bh_map *map, const void *key, void *next_key)
{
	struct lpm *t = map->priv;
	uint32_t path[8 * LPM_DATA_MAX + 2], depth = 0, link, next = 0;
	struct lpm_node *n;
	int i;

	if (!next_key)
		return -EINVAL;
	bh_spin_lock(&t->hdr->lock);
	link = ld(&t->hdr->root);
	if (key && key_prefixlen(key) <= t->max_prefixlen) {
		const unsigned char *data = key_data(key);
		uint32_t plen = key_prefixlen(key);
		bool found = false;

		/* path from the root to the entry named by key */
		while ((n = node_of(t, link)) && depth <= t->max_prefixlen) {
			uint32_t np = ld(&n->prefixlen);

			path[depth++] = link;
			if (match(t, n, np, data, plen) != np || np > plen)
				break;
			if (np == plen) {
				found = !(ld(&n->flags) & NODE_IM);
				break;
			}
			link = ld(&n->child[key_bit(data, np)]);
		}
		if (found) {
			/* post-order successor: right sibling subtree, else the parent */
			for (i = (int)depth - 1; i > 0 && !next; i--) {
				struct lpm_node *p = node_of(t, path[i - 1]);
				uint32_t right = ld(&p->child[1]);

				if (ld(&p->child[0]) == path[i] && right)
					next = postorder_first(t, right);
				else if (!(ld(&p->flags) & NODE_IM))
					next = path[i - 1];
			}
			goto copy;
		}
		link = ld(&t->hdr->root);
	}
	next = postorder_first(t, link);
copy:
	n = node_of(t, next);
	if (n) {
		uint32_t plen = ld(&n->prefixlen);

		memcpy(next_key, &plen, sizeof(plen));
		copy_out((char *)next_key + 4, node_data(n), t->data_size);
	}
	bh_spin_unlock(&t->hdr->lock);
	return n ? 0 : -ENOENT;
}

const struct bh_map_ops bh_lpm_trie_map_ops = {
	.check_def = lpm_check_def,
	.region_size = lpm_region_size,
	.open = lpm_open,
	.lookup = lpm_lookup,
	.update = lpm_update,
	.delete = lpm_delete,
	.lookup_user = lpm_lookup_user,
	.update_user = lpm_update_user,
	.get_next_key = lpm_get_next_key,
};
