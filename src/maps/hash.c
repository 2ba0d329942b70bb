/* SPDX-License-Identifier: MIT */
/*
 * HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH.
 *
 * Layout (all inside the region, see map.h): a small header, a power-of-two
 * array of buckets {spinlock, chain head}, then a pool of preallocated
 * elements {chain link, state, hash, free-list link, LRU reference bit,
 * key, value or one value per CPU}. Links are element indices, so nothing
 * in the region is a pointer; every index read from it is bounds-checked
 * and every chain walk is bounded by the pool size.
 *
 * Writers (update, delete, eviction) take the bucket's spinlock. Lookups
 * are lock-free: chains end in a "nulls" marker that names its bucket, so a
 * walk that was dragged into another chain by an element being deleted and
 * reused notices it and restarts (after a few restarts it takes the lock).
 * A deleted element keeps its chain link, so a walk standing on it goes on.
 * As in Linux's preallocated maps, a value pointer stays valid memory, but
 * the element can be reused for another key while a program holds it.
 *
 * Free elements are on a lock-free stack (tagged head against ABA) plus a
 * bump counter of never-used elements, so creating a big map touches only
 * its buckets.
 *
 * HASH keeps max_entries + ncpus elements: an update of an existing key
 * fills a spare element and swaps it in, so readers see the old or the new
 * value, never a mix. Spares are handed out through a counter, which
 * guarantees that an insert that reserved one of the max_entries slots
 * always finds a free element; an update that finds no spare (more
 * concurrent updaters than CPUs) rewrites the value in place. Per-CPU
 * variants always update in place, as Linux does.
 *
 * LRU variants keep exactly max_entries elements and evict with the CLOCK
 * algorithm (second chance), an approximation of LRU like Linux's: a
 * program-view lookup sets the element's reference bit, new elements start
 * without it, and the clock hand sweeping the pool clears set bits and
 * evicts the first element whose bit is clear. User-view lookups do not
 * count as use (as in Linux). F_NO_COMMON_LRU is accepted; there is one
 * clock for all CPUs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "maps/map.h"

#define NONE UINT32_MAX
/* Keeps element indices and nulls markers (bucket << 1 | 1) in 32 bits. */
#define HTAB_MAX_ENTRIES (1u << 30)
#define LOCKFREE_TRIES 4
#define LRU_ROUNDS 8

struct htab_elem {
	uint32_t next;	       /* idx << 1, or nulls marker (bucket << 1) | 1 */
	uint32_t bucket_state; /* bucket + 1 while linked, 0 when free or held */
	uint32_t hash;
	uint32_t free_next; /* free stack: idx + 1, 0 ends */
	uint32_t ref;	    /* LRU: used since the clock hand last passed */
	uint32_t pad;
	/* key, padded to 8 bytes; value (per-CPU: ncpus values) */
};

struct htab_bucket {
	uint32_t lock;
	uint32_t head;
};

struct htab_hdr {
	uint64_t seed; /* read-only after init */
	uint8_t pad0[56];
	uint64_t free_head; /* (tag << 32) | (idx + 1) */
	uint32_t bump;	    /* elements [0, bump) have been handed out */
	uint32_t pad1;
	uint8_t pad2[48];
	uint32_t count; /* elements in the map */
	uint32_t spare; /* spare elements available to replacing updates */
	uint64_t hand;	/* LRU clock hand */
	uint8_t pad3[48];
};

#define HTAB_BUCKETS_OFF (BH_MAP_HDR_SIZE + sizeof(struct htab_hdr))
_Static_assert(HTAB_BUCKETS_OFF % 64 == 0, "buckets start on a cache line");

/* Geometry: always derived from the definition, never read from a region. */
struct htab {
	struct htab_hdr *hdr;
	struct htab_bucket *buckets;
	char *elems;
	uint64_t seed;
	uint32_t mask;
	uint32_t nelems;
	uint32_t nspare;
	uint32_t elem_size;
	uint32_t key_size;
	uint32_t value_off;
	uint32_t value_size;
	uint32_t stride;
	uint32_t max_entries;
	uint32_t ncpus;
	bool percpu;
	bool lru;
	uint64_t elems_off;
	uint64_t total;
};

static void geometry(const struct bh_map_def *def, unsigned ncpus, struct htab *h)
{
	uint32_t nbuckets = 1, key_room = (def->key_size + 7) & ~7u;

	memset(h, 0, sizeof(*h));
	while (nbuckets < def->max_entries)
		nbuckets <<= 1;
	h->percpu = def->type == BPFHOST_MAP_TYPE_PERCPU_HASH ||
		    def->type == BPFHOST_MAP_TYPE_LRU_PERCPU_HASH;
	h->lru = def->type == BPFHOST_MAP_TYPE_LRU_HASH ||
		 def->type == BPFHOST_MAP_TYPE_LRU_PERCPU_HASH;
	h->ncpus = ncpus;
	h->mask = nbuckets - 1;
	h->nspare = h->percpu || h->lru ? 0 : ncpus;
	h->nelems = def->max_entries + h->nspare;
	h->key_size = def->key_size;
	h->value_size = def->value_size;
	h->stride = (def->value_size + 7) & ~7u;
	h->max_entries = def->max_entries;
	h->value_off = sizeof(struct htab_elem) + key_room;
	h->elem_size = h->value_off + (h->percpu ? ncpus : 1) * h->stride;
	h->elems_off =
		(HTAB_BUCKETS_OFF + (uint64_t)nbuckets * sizeof(struct htab_bucket) + 63) & ~63ull;
	h->total = h->elems_off + (uint64_t)h->nelems * h->elem_size;
}

static int htab_check_def(const struct bh_map_def *def, struct bh_log *log)
{
	bool percpu = def->type == BPFHOST_MAP_TYPE_PERCPU_HASH ||
		      def->type == BPFHOST_MAP_TYPE_LRU_PERCPU_HASH;
	bool lru = def->type == BPFHOST_MAP_TYPE_LRU_HASH ||
		   def->type == BPFHOST_MAP_TYPE_LRU_PERCPU_HASH;
	uint32_t vmax = percpu ? BH_MAP_MAX_PERCPU_VALUE_SIZE : BH_MAP_MAX_VALUE_SIZE;

	if (!def->key_size) {
		bh_map_log(log, def, "key_size 0: must be at least 1");
		return -EINVAL;
	}
	if (def->key_size > BH_MAP_MAX_KEY_SIZE) {
		bh_map_log(log, def, "key_size %u: larger than the limit of %u bytes",
			   def->key_size, BH_MAP_MAX_KEY_SIZE);
		return -E2BIG;
	}
	if (!def->value_size) {
		bh_map_log(log, def, "value_size 0: must be at least 1");
		return -EINVAL;
	}
	if (def->value_size > vmax) {
		bh_map_log(log, def, "value_size %u: larger than the limit of %u bytes%s",
			   def->value_size, vmax, percpu ? " per CPU" : "");
		return -E2BIG;
	}
	if (!def->max_entries) {
		bh_map_log(log, def, "max_entries 0: must be at least 1");
		return -EINVAL;
	}
	if (def->max_entries > HTAB_MAX_ENTRIES) {
		bh_map_log(log, def, "max_entries %u: larger than the limit of %u",
			   def->max_entries, HTAB_MAX_ENTRIES);
		return -E2BIG;
	}
	if (lru && (def->map_flags & BPFHOST_F_NO_PREALLOC)) {
		bh_map_log(log, def,
			   "map_flags: LRU maps are always preallocated "
			   "(F_NO_PREALLOC is not supported)");
		return -EOPNOTSUPP;
	}
	if (!lru && (def->map_flags & BPFHOST_F_NO_COMMON_LRU)) {
		bh_map_log(log, def, "map_flags: F_NO_COMMON_LRU is only valid for LRU hashes");
		return -EINVAL;
	}
	return 0;
}

static size_t htab_region_size(const struct bh_map_def *def, unsigned ncpus)
{
	struct htab h;

	geometry(def, ncpus, &h);
	return h.total;
}

static uint64_t make_seed(void)
{
	struct timespec ts;
	uint64_t s = 0;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == sizeof(s))
		return s;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_nsec << 32) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 16) ^
	       (uint64_t)(uintptr_t)&s;
}

static int htab_init(struct bh_map *map)
{
	struct htab h;
	struct htab_hdr *hdr = bh_map_ptr(map, BH_MAP_HDR_SIZE);
	struct htab_bucket *bk = bh_map_ptr(map, HTAB_BUCKETS_OFF);
	uint32_t b;

	geometry(&map->def, map->ncpus, &h);
	hdr->seed = make_seed();
	hdr->spare = h.nspare;
	for (b = 0; b <= h.mask; b++)
		bk[b].head = (b << 1) | 1;
	return 0;
}

static int htab_open(struct bh_map *map)
{
	struct htab *h = malloc(sizeof(*h));

	if (!h)
		return -ENOMEM;
	geometry(&map->def, map->ncpus, h);
	h->hdr = bh_map_ptr(map, BH_MAP_HDR_SIZE);
	h->buckets = bh_map_ptr(map, HTAB_BUCKETS_OFF);
	h->elems = bh_map_ptr(map, h->elems_off);
	h->seed = __atomic_load_n(&h->hdr->seed, __ATOMIC_RELAXED);
	map->priv = h;
	return 0;
}

/* ---- hashing and element access ---- */

static inline uint64_t mix(uint64_t h)
{
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 32);
}

static inline uint32_t htab_hash(const struct htab *h, const void *key)
{
	const unsigned char *p = key;
	uint32_t len = h->key_size;
	uint64_t x = h->seed ^ len, w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		x = mix(x ^ w);
	}
	if (len)
		x = mix(x ^ bh_map_load_tail(p, len));
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 32;
	return (uint32_t)x;
}

static inline struct htab_elem *elem_at(const struct htab *h, uint32_t idx)
{
	return (struct htab_elem *)(h->elems + (uint64_t)idx * h->elem_size);
}

static inline void *elem_key(struct htab_elem *e)
{
	return (char *)e + sizeof(*e);
}

static inline void *elem_value(const struct htab *h, struct htab_elem *e, unsigned cpu)
{
	return (char *)e + h->value_off + (size_t)cpu * h->stride;
}

static inline bool key_eq(const struct htab *h, struct htab_elem *e, const void *key)
{
	const uint64_t *k = elem_key(e);
	const unsigned char *u = key;
	uint32_t len = h->key_size;
	uint64_t w;

	for (; len >= 8; len -= 8, u += 8, k++) {
		memcpy(&w, u, 8);
		if (__atomic_load_n(k, __ATOMIC_RELAXED) != w)
			return false;
	}
	return !len || __atomic_load_n(k, __ATOMIC_RELAXED) == bh_map_load_tail(u, len);
}

static inline uint32_t ld(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void st(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* ---- chains ---- */

/*
 * Find key in bucket b with the bucket lock held. *linkp receives the word
 * that points at the element (for unlinking).
 */
static uint32_t find_locked(const struct htab *h, uint32_t b, uint32_t hash, const void *key,
			    uint32_t **linkp)
{
	uint32_t *link = &h->buckets[b].head, n, steps = 0;

	while (!((n = ld(link)) & 1)) {
		uint32_t idx = n >> 1;
		struct htab_elem *e;

		if (idx >= h->nelems || steps++ >= h->nelems)
			return NONE; /* corrupted region: stop */
		e = elem_at(h, idx);
		if (ld(&e->hash) == hash && key_eq(h, e, key)) {
			if (linkp)
				*linkp = link;
			return idx;
		}
		link = &e->next;
	}
	return NONE;
}

static uint32_t find(const struct htab *h, uint32_t b, uint32_t hash, const void *key)
{
	struct htab_bucket *bk = &h->buckets[b];
	uint32_t idx;
	int tries;

	for (tries = 0; tries < LOCKFREE_TRIES; tries++) {
		uint32_t n = __atomic_load_n(&bk->head, __ATOMIC_ACQUIRE), steps = 0;

		while (!(n & 1)) {
			struct htab_elem *e;

			idx = n >> 1;
			if (idx >= h->nelems || steps++ >= h->nelems)
				goto again;
			e = elem_at(h, idx);
			if (ld(&e->hash) == hash && key_eq(h, e, key) &&
			    ld(&e->bucket_state) == b + 1)
				return idx;
			n = __atomic_load_n(&e->next, __ATOMIC_ACQUIRE);
		}
		if (n >> 1 == b)
			return NONE;
again:;
	}
	bh_spin_lock(&bk->lock);
	idx = find_locked(h, b, hash, key, NULL);
	bh_spin_unlock(&bk->lock);
	return idx;
}

/* Put idx at the head of bucket b (lock held). */
static void link_head(struct htab *h, uint32_t b, uint32_t idx)
{
	struct htab_elem *e = elem_at(h, idx);
	struct htab_bucket *bk = &h->buckets[b];

	st(&e->next, ld(&bk->head));
	st(&e->bucket_state, b + 1);
	__atomic_store_n(&bk->head, idx << 1, __ATOMIC_RELEASE);
}

/* Take idx out of its chain (lock held); its own link stays for walkers. */
static void unlink_at(struct htab *h, uint32_t *link, uint32_t idx)
{
	struct htab_elem *e = elem_at(h, idx);

	__atomic_store_n(link, ld(&e->next), __ATOMIC_RELEASE);
	st(&e->bucket_state, 0);
}

/* ---- free elements ---- */

static uint32_t pop_stack(struct htab *h)
{
	uint64_t old = __atomic_load_n(&h->hdr->free_head, __ATOMIC_ACQUIRE), nw;

	for (;;) {
		uint32_t top = (uint32_t)old;

		if (!top || top > h->nelems)
			return NONE;
		nw = (((old >> 32) + 1) << 32) | ld(&elem_at(h, top - 1)->free_next);
		if (__atomic_compare_exchange_n(&h->hdr->free_head, &old, nw, true,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return top - 1;
	}
}

static uint32_t pop_free(struct htab *h)
{
	uint32_t idx = pop_stack(h), b;

	if (idx != NONE)
		return idx;
	b = __atomic_load_n(&h->hdr->bump, __ATOMIC_RELAXED);
	while (b < h->nelems) {
		if (__atomic_compare_exchange_n(&h->hdr->bump, &b, b + 1, true, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			return b;
	}
	/* every element was handed out once: the stack is the only source now */
	return pop_stack(h);
}

static void push_free(struct htab *h, uint32_t idx)
{
	uint64_t old = __atomic_load_n(&h->hdr->free_head, __ATOMIC_RELAXED), nw;
	struct htab_elem *e = elem_at(h, idx);

	do {
		st(&e->free_next, (uint32_t)old);
		nw = (((old >> 32) + 1) << 32) | (idx + 1);
	} while (!__atomic_compare_exchange_n(&h->hdr->free_head, &old, nw, true, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
}

/* Take one unit of a bounded counter (count slots, spare elements). */
static bool take_unit(uint32_t *ctr, uint32_t limit)
{
	uint32_t c = __atomic_load_n(ctr, __ATOMIC_RELAXED);

	do {
		if (c >= limit)
			return false;
	} while (!__atomic_compare_exchange_n(ctr, &c, c + 1, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return true;
}

static void put_unit(uint32_t *ctr)
{
	__atomic_fetch_sub(ctr, 1, __ATOMIC_RELEASE);
}

static bool take_spare(struct htab *h)
{
	uint32_t c = __atomic_load_n(&h->hdr->spare, __ATOMIC_RELAXED);

	do {
		if (!c || c > h->nspare)
			return false;
	} while (!__atomic_compare_exchange_n(&h->hdr->spare, &c, c - 1, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return true;
}

static void give_spare(struct htab *h)
{
	__atomic_fetch_add(&h->hdr->spare, 1, __ATOMIC_RELEASE);
}

/* ---- values ---- */

enum view { PROG, USER };

/* Write the value(s) of an element: a program sets its CPU's copy only. */
static void set_values(struct bh_map *map, struct htab *h, struct htab_elem *e, const void *value,
		       enum view view, bool fresh)
{
	unsigned cpu, me;

	if (!h->percpu) {
		bh_map_copy_in(elem_value(h, e, 0), value, h->value_size);
		return;
	}
	if (view == USER) {
		for (cpu = 0; cpu < h->ncpus; cpu++)
			bh_map_copy_in(elem_value(h, e, cpu), (const char *)value + cpu * h->stride,
				       h->stride);
		return;
	}
	me = bh_map_this_cpu(map);
	for (cpu = 0; fresh && cpu < h->ncpus; cpu++)
		if (cpu != me)
			bh_map_zero(elem_value(h, e, cpu), h->stride);
	bh_map_copy_in(elem_value(h, e, me), value, h->value_size);
}

static void get_values(struct htab *h, struct htab_elem *e, void *value)
{
	unsigned cpu;

	if (!h->percpu) {
		bh_map_copy_out(value, elem_value(h, e, 0), h->value_size);
		return;
	}
	for (cpu = 0; cpu < h->ncpus; cpu++)
		bh_map_copy_out((char *)value + cpu * h->stride, elem_value(h, e, cpu), h->stride);
}

static void fill(struct bh_map *map, struct htab *h, uint32_t idx, uint32_t hash, const void *key,
		 const void *value, enum view view)
{
	struct htab_elem *e = elem_at(h, idx);

	st(&e->hash, hash);
	st(&e->ref, 0);
	bh_map_copy_in(elem_key(e), key, h->key_size);
	set_values(map, h, e, value, view, true);
}

/* ---- operations ---- */

static inline uint32_t this_cpu_slot(struct bh_map *map, const struct htab *h)
{
	return h->percpu ? bh_map_this_cpu(map) : 0;
}

static void *htab_lookup(struct bh_map *map, const void *key)
{
	struct htab *h = map->priv;
	uint32_t hash = htab_hash(h, key);
	uint32_t idx = find(h, hash & h->mask, hash, key);

	if (idx == NONE)
		return NULL;
	return elem_value(h, elem_at(h, idx), this_cpu_slot(map, h));
}

static void *lru_lookup(struct bh_map *map, const void *key)
{
	struct htab *h = map->priv;
	uint32_t hash = htab_hash(h, key);
	uint32_t idx = find(h, hash & h->mask, hash, key);
	struct htab_elem *e;

	if (idx == NONE)
		return NULL;
	e = elem_at(h, idx);
	if (!ld(&e->ref))
		st(&e->ref, 1);
	return elem_value(h, e, this_cpu_slot(map, h));
}

static int htab_update_view(struct bh_map *map, const void *key, const void *value, uint64_t flags,
			    enum view view)
{
	struct htab *h = map->priv;
	uint32_t hash, b, old, nidx = NONE, *link = NULL;
	struct htab_bucket *bk;
	bool spare = false;
	int err;

	if (!bh_map_update_flags_ok(flags))
		return -EINVAL;
	hash = htab_hash(h, key);
	b = hash & h->mask;
	bk = &h->buckets[b];
	if (h->nspare && take_spare(h)) {
		spare = true;
		nidx = pop_free(h);
		if (nidx == NONE) {
			give_spare(h);
			spare = false;
		} else {
			fill(map, h, nidx, hash, key, value, view);
		}
	}
	bh_spin_lock(&bk->lock);
	old = find_locked(h, b, hash, key, &link);
	if (old != NONE && flags == BPFHOST_NOEXIST) {
		err = -EEXIST;
		goto out;
	}
	if (old == NONE && flags == BPFHOST_EXIST) {
		err = -ENOENT;
		goto out;
	}
	if (old != NONE) {
		if (nidx == NONE) {
			set_values(map, h, elem_at(h, old), value, view, false);
			bh_spin_unlock(&bk->lock);
			return 0;
		}
		/* new element first, so lock-free readers always find one */
		link_head(h, b, nidx);
		if (link == &bk->head)
			link = &elem_at(h, nidx)->next;
		unlink_at(h, link, old);
		bh_spin_unlock(&bk->lock);
		push_free(h, old);
		give_spare(h);
		return 0;
	}
	if (!take_unit(&h->hdr->count, h->max_entries)) {
		err = -E2BIG;
		goto out;
	}
	if (nidx == NONE) {
		/* the reserved slot guarantees a free element (see top) */
		nidx = pop_free(h);
		if (nidx == NONE) {
			put_unit(&h->hdr->count);
			err = -EUCLEAN;
			goto out;
		}
		fill(map, h, nidx, hash, key, value, view);
	}
	link_head(h, b, nidx);
	bh_spin_unlock(&bk->lock);
	if (spare)
		give_spare(h);
	return 0;
out:
	bh_spin_unlock(&bk->lock);
	if (nidx != NONE)
		push_free(h, nidx);
	if (spare)
		give_spare(h);
	return err;
}

/* ---- LRU ---- */

/* One sweep of the clock: evict the first unreferenced element. */
static uint32_t lru_evict(struct bh_map *map, struct htab *h)
{
	uint64_t i, limit = 2 * (uint64_t)h->nelems + 1;

	for (i = 0; i < limit; i++) {
		uint64_t pos = __atomic_fetch_add(&h->hdr->hand, 1, __ATOMIC_RELAXED);
		uint32_t idx = (uint32_t)(pos % h->nelems), bs, b, *link, n, steps = 0;
		struct htab_elem *e = elem_at(h, idx);
		struct htab_bucket *bk;

		bs = __atomic_load_n(&e->bucket_state, __ATOMIC_ACQUIRE);
		if (!bs || bs - 1 > h->mask)
			continue;
		if (ld(&e->ref)) {
			st(&e->ref, 0);
			continue;
		}
		b = bs - 1;
		bk = &h->buckets[b];
		bh_spin_lock(&bk->lock);
		/* state changes away from "in bucket b" need this lock */
		if (ld(&e->bucket_state) != bs) {
			bh_spin_unlock(&bk->lock);
			continue;
		}
		link = &bk->head;
		while (!((n = ld(link)) & 1) && n >> 1 != idx && n >> 1 < h->nelems &&
		       steps++ < h->nelems)
			link = &elem_at(h, n >> 1)->next;
		if (n >> 1 != idx || (n & 1)) {
			bh_spin_unlock(&bk->lock); /* corrupted chain */
			continue;
		}
		unlink_at(h, link, idx);
		bh_spin_unlock(&bk->lock);
		put_unit(&h->hdr->count);
		return idx;
	}
	return NONE;
}

static uint32_t lru_alloc(struct bh_map *map, struct htab *h)
{
	int round;

	for (round = 0; round < LRU_ROUNDS; round++) {
		uint32_t idx = pop_free(h);

		if (idx == NONE)
			idx = lru_evict(map, h);
		if (idx != NONE)
			return idx;
		/* every element is held by a concurrent update: let them finish */
		sched_yield();
	}
	return NONE;
}

static int lru_update_view(struct bh_map *map, const void *key, const void *value, uint64_t flags,
			   enum view view)
{
	struct htab *h = map->priv;
	uint32_t hash, b, old, nidx = NONE, *link = NULL;
	struct htab_bucket *bk;
	int err;

	if (!bh_map_update_flags_ok(flags))
		return -EINVAL;
	hash = htab_hash(h, key);
	b = hash & h->mask;
	bk = &h->buckets[b];
	if (!h->percpu || flags != BPFHOST_EXIST) {
		nidx = lru_alloc(map, h);
		if (nidx == NONE)
			return -ENOMEM;
		fill(map, h, nidx, hash, key, value, view);
	}
	bh_spin_lock(&bk->lock);
	old = find_locked(h, b, hash, key, &link);
	if (old != NONE && flags == BPFHOST_NOEXIST) {
		err = -EEXIST;
		goto out;
	}
	if (old == NONE && flags == BPFHOST_EXIST) {
		err = -ENOENT;
		goto out;
	}
	if (old != NONE && h->percpu) {
		set_values(map, h, elem_at(h, old), value, view, false);
		err = 0;
		goto out;
	}
	link_head(h, b, nidx);
	if (old != NONE) {
		if (link == &bk->head)
			link = &elem_at(h, nidx)->next;
		unlink_at(h, link, old);
	} else {
		/* under the lock, so an eviction of nidx decrements after this */
		__atomic_fetch_add(&h->hdr->count, 1, __ATOMIC_RELAXED);
	}
	bh_spin_unlock(&bk->lock);
	if (old != NONE)
		push_free(h, old);
	return 0;
out:
	bh_spin_unlock(&bk->lock);
	if (nidx != NONE)
		push_free(h, nidx);
	return err;
}

/* ---- shared by all four ---- */

static int htab_update(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	return htab_update_view(map, key, value, flags, PROG);
}

static int htab_update_user(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	if (!key || !value)
		return -EINVAL;
	return htab_update_view(map, key, value, flags, USER);
}

static int lru_update(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	return lru_update_view(map, key, value, flags, PROG);
}

static int lru_update_user(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	if (!key || !value)
		return -EINVAL;
	return lru_update_view(map, key, value, flags, USER);
}

/* Delete key; with value set, copy the value(s) out first. */
static int remove_key(struct bh_map *map, const void *key, void *value)
{
	struct htab *h = map->priv;
	uint32_t hash = htab_hash(h, key), b = hash & h->mask, idx, *link = NULL;
	struct htab_bucket *bk = &h->buckets[b];

	bh_spin_lock(&bk->lock);
	idx = find_locked(h, b, hash, key, &link);
	if (idx == NONE) {
		bh_spin_unlock(&bk->lock);
		return -ENOENT;
	}
	if (value)
		get_values(h, elem_at(h, idx), value);
	unlink_at(h, link, idx);
	bh_spin_unlock(&bk->lock);
	push_free(h, idx);
	put_unit(&h->hdr->count);
	return 0;
}

static int htab_delete(struct bh_map *map, const void *key)
{
	return remove_key(map, key, NULL);
}

static int htab_lookup_and_delete_user(struct bh_map *map, const void *key, void *value)
{
	if (!key || !value)
		return -EINVAL;
	return remove_key(map, key, value);
}

static int htab_lookup_user(struct bh_map *map, const void *key, void *value, uint64_t flags)
{
	struct htab *h = map->priv;
	uint32_t hash, b, idx;
	struct htab_bucket *bk;

	if (!key || !value || flags)
		return -EINVAL;
	hash = htab_hash(h, key);
	b = hash & h->mask;
	bk = &h->buckets[b];
	bh_spin_lock(&bk->lock);
	idx = find_locked(h, b, hash, key, NULL);
	if (idx != NONE)
		get_values(h, elem_at(h, idx), value);
	bh_spin_unlock(&bk->lock);
	return idx == NONE ? -ENOENT : 0;
}

/* First key of buckets [b, nbuckets) into next_key. */
static int first_from(struct htab *h, uint32_t b, void *next_key)
{
	for (; b <= h->mask; b++) {
		struct htab_bucket *bk = &h->buckets[b];
		uint32_t n;

		if (__atomic_load_n(&bk->head, __ATOMIC_ACQUIRE) & 1)
			continue;
		bh_spin_lock(&bk->lock);
		n = ld(&bk->head);
		if (!(n & 1) && n >> 1 < h->nelems) {
			bh_map_copy_out(next_key, elem_key(elem_at(h, n >> 1)), h->key_size);
			bh_spin_unlock(&bk->lock);
			return 0;
		}
		bh_spin_unlock(&bk->lock);
	}
	return -ENOENT;
}

static int htab_get_next_key(struct bh_map *map, const void *key, void *next_key)
{
	struct htab *h = map->priv;
	uint32_t hash, b, idx, n;
	struct htab_bucket *bk;

	if (!next_key)
		return -EINVAL;
	if (!key)
		return first_from(h, 0, next_key);
	hash = htab_hash(h, key);
	b = hash & h->mask;
	bk = &h->buckets[b];
	bh_spin_lock(&bk->lock);
	idx = find_locked(h, b, hash, key, NULL);
	if (idx == NONE) {
		/* unknown key: start over, as Linux does */
		bh_spin_unlock(&bk->lock);
		return first_from(h, 0, next_key);
	}
	n = ld(&elem_at(h, idx)->next);
	if (!(n & 1) && n >> 1 < h->nelems) {
		bh_map_copy_out(next_key, elem_key(elem_at(h, n >> 1)), h->key_size);
		bh_spin_unlock(&bk->lock);
		return 0;
	}
	bh_spin_unlock(&bk->lock);
	return first_from(h, b + 1, next_key);
}

static long htab_for_each(struct bh_map *map,
			  long (*cb)(struct bh_map *map, const void *key, void *value, void *ctx),
			  void *ctx)
{
	struct htab *h = map->priv;
	unsigned cpu = this_cpu_slot(map, h);
	long count = 0;
	uint32_t b;

	for (b = 0; b <= h->mask; b++) {
		uint32_t n = __atomic_load_n(&h->buckets[b].head, __ATOMIC_ACQUIRE), steps = 0;

		while (!(n & 1) && n >> 1 < h->nelems && steps++ < h->nelems) {
			struct htab_elem *e = elem_at(h, n >> 1);

			/* skip elements that moved to another chain under us */
			if (ld(&e->bucket_state) == b + 1) {
				count++;
				if (cb(map, elem_key(e), elem_value(h, e, cpu), ctx))
					return count;
			}
			n = __atomic_load_n(&e->next, __ATOMIC_ACQUIRE);
		}
	}
	return count;
}

#define HTAB_COMMON                                                                               \
	.check_def = htab_check_def, .region_size = htab_region_size, .init = htab_init,          \
	.open = htab_open, .delete = htab_delete, .lookup_user = htab_lookup_user,                \
	.lookup_and_delete_user = htab_lookup_and_delete_user, .get_next_key = htab_get_next_key, \
	.for_each = htab_for_each

const struct bh_map_ops bh_htab_map_ops = {
	HTAB_COMMON,
	.lookup = htab_lookup,
	.update = htab_update,
	.update_user = htab_update_user,
};

const struct bh_map_ops bh_percpu_htab_map_ops = {
	HTAB_COMMON,
	.lookup = htab_lookup,
	.update = htab_update,
	.update_user = htab_update_user,
};

const struct bh_map_ops bh_lru_htab_map_ops = {
	HTAB_COMMON,
	.lookup = lru_lookup,
	.update = lru_update,
	.update_user = lru_update_user,
};

const struct bh_map_ops bh_lru_percpu_htab_map_ops = {
	HTAB_COMMON,
	.lookup = lru_lookup,
	.update = lru_update,
	.update_user = lru_update_user,
};
