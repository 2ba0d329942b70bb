/* SPDX-License-Identifier: MIT */
/*
 * Multi-threaded stress: 4 threads mix every operation on one map for a
 * fixed time and check invariants as they go (values are a function of
 * their key, exact semantics on keys a thread owns, element counts), then
 * the quiet map is checked as a whole. Each map type runs for a fraction
 * of a second. Threads report through counters, never through the harness.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "maps/map.h"
#include "../lib/harness.h"

#define NTHREADS 4
#define PHASE_MS 250

static uint64_t f(uint64_t k)
{
	return k * 0x9e3779b97f4a7c15ull + 1;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

struct worker {
	pthread_t th;
	struct bh_map *map;
	int id;
	long deadline;
	uint64_t seed;
	uint64_t ops;
	int failures;
	char first[160];
	void *state;
};

#define FAILW(w, ...)                                                          \
	do {                                                                   \
		if (!(w)->failures++)                                          \
			snprintf((w)->first, sizeof((w)->first), __VA_ARGS__); \
	} while (0)

static void run(struct bh_map *m, void *(*fn)(void *), struct worker *w, void **states)
{
	long deadline = now_ms() + PHASE_MS;
	int i;

	for (i = 0; i < NTHREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].map = m;
		w[i].id = i;
		w[i].deadline = deadline;
		w[i].seed = 0x1234567ull * (uint64_t)(i + 1) | 1;
		w[i].state = states ? states[i] : NULL;
		CHECK_EQ(pthread_create(&w[i].th, NULL, fn, &w[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(w[i].th, NULL);
		CHECK_MSG(!w[i].failures, "thread %d: %d failures, first: %s", i, w[i].failures,
			  w[i].first);
		/* every thread got going (a loaded machine may starve one for a while) */
		CHECK_MSG(w[i].ops > 0, "thread %d did only %llu operations", i,
			  (unsigned long long)w[i].ops);
	}
}

static bool in_region(const struct bh_map *m, const void *p, size_t n)
{
	return (const char *)p >= (const char *)m->region &&
	       (const char *)p + n <= (const char *)m->region + m->region_size;
}

/* Keys of a quiet hash map: count, uniqueness, value check. */
static int check_quiet(struct bh_map *m, uint32_t universe, bool pairs)
{
	unsigned char *seen = calloc(universe, 1);
	uint32_t k, next;
	uint64_t v[2];
	int n = 0, err;

	err = m->ops->get_next_key(m, NULL, &next);
	while (!err && n <= (int)universe) {
		CHECK_MSG(next < universe && !seen[next]++, "key %u bad or repeated", next);
		CHECK_EQ(m->ops->lookup_user(m, &next, v, 0), 0);
		CHECK_U64(v[0], f(next));
		if (pairs)
			CHECK_U64(v[1], ~f(next));
		n++;
		k = next;
		err = m->ops->get_next_key(m, &k, &next);
	}
	CHECK_EQ(err, -ENOENT);
	free(seen);
	return n;
}

/* ---- hash, keys owned per thread: exact semantics, never -E2BIG ---- */

#define OWN 128

/*
 * Every thread keeps all but at most HOLES of its keys in the map, whose
 * max_entries is the sum of all keys: the map is always nearly full while
 * existing keys are replaced all the time, so a spurious -E2BIG (a
 * replacement's spare element counted against an insert) shows up.
 */
#define HOLES 1

static void *hash_own_worker(void *arg)
{
	struct worker *w = arg;
	struct bh_map *m = w->map;
	bool present[OWN] = { false };
	uint64_t v[2], out[2];
	int holes = 0, i0;

	for (i0 = 0; i0 < OWN; i0++) {
		uint32_t k = (uint32_t)w->id * 1000 + (uint32_t)i0;

		v[0] = f(k);
		v[1] = ~f(k);
		if (m->ops->update(m, &k, v, BPFHOST_NOEXIST))
			FAILW(w, "initial insert %u", k);
		present[i0] = true;
	}
	while (now_ms() < w->deadline) {
		int burst;

		for (burst = 0; burst < 64; burst++, w->ops++) {
			uint32_t i = (uint32_t)(rnd(&w->seed) % OWN),
				 k = (uint32_t)w->id * 1000 + i;
			unsigned op = (unsigned)(rnd(&w->seed) % 10);
			uint64_t *p;
			int err, want;

			v[0] = f(k);
			v[1] = ~f(k);
			/* only make a hole when there is room for one */
			if ((op == 4 || op == 7) && present[i] && holes == HOLES)
				op = 5;
			/* fill holes often */
			if (!present[i] && op < 3)
				op = rnd(&w->seed) % 2 ? 2 : op;
			switch (op) {
			case 0:
			case 1:
				err = (op ? m->ops->update_user : m->ops->update)(m, &k, v,
										  BPFHOST_ANY);
				if (err)
					FAILW(w, "update %u: %d", k, err);
				holes -= !present[i];
				present[i] = true;
				break;
			case 2:
				err = m->ops->update(m, &k, v, BPFHOST_NOEXIST);
				want = present[i] ? -EEXIST : 0;
				if (err != want)
					FAILW(w, "noexist %u: %d want %d", k, err, want);
				holes -= !present[i];
				present[i] = true;
				break;
			case 3:
			case 8:
				err = m->ops->update(m, &k, v, BPFHOST_EXIST);
				want = present[i] ? 0 : -ENOENT;
				if (err != want)
					FAILW(w, "exist %u: %d want %d", k, err, want);
				break;
			case 4:
				err = m->ops->delete (m, &k);
				want = present[i] ? 0 : -ENOENT;
				if (err != want)
					FAILW(w, "delete %u: %d want %d", k, err, want);
				holes += present[i];
				present[i] = false;
				break;
			case 5:
				p = m->ops->lookup(m, &k);
				if (!p != !present[i])
					FAILW(w, "lookup %u: %p, present %d", k, (void *)p,
					      present[i]);
				if (p && (__atomic_load_n(&p[0], __ATOMIC_RELAXED) != f(k) ||
					  __atomic_load_n(&p[1], __ATOMIC_RELAXED) != ~f(k)))
					FAILW(w, "lookup %u: wrong value", k);
				break;
			case 6:
				err = m->ops->lookup_user(m, &k, out, 0);
				if (err != (present[i] ? 0 : -ENOENT) ||
				    (!err && (out[0] != f(k) || out[1] != ~f(k))))
					FAILW(w, "lookup_user %u: %d", k, err);
				break;
			case 7:
				err = m->ops->lookup_and_delete_user(m, &k, out);
				if (err != (present[i] ? 0 : -ENOENT) || (!err && out[0] != f(k)))
					FAILW(w, "lookup_and_delete %u: %d", k, err);
				holes += present[i];
				present[i] = false;
				break;
			default: {
				uint32_t next;

				err = m->ops->get_next_key(m, i % 2 ? &k : NULL, &next);
				if (err && err != -ENOENT)
					FAILW(w, "get_next_key: %d", err);
				if (!err && (next / 1000 >= NTHREADS || next % 1000 >= OWN))
					FAILW(w, "get_next_key returned %u", next);
				break;
			}
			}
		}
	}
	*(int *)w->state = 0;
	for (i0 = 0; i0 < OWN; i0++)
		*(int *)w->state += present[i0];
	return NULL;
}

static long count_cb(struct bh_map *map, const void *key, void *value, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

TEST(maps_stress_hash_owned_keys)
{
	/* max_entries = every key any thread may hold: -E2BIG would be a bug */
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_HASH, 4, 16, NTHREADS * OWN, 0);
	struct worker w[NTHREADS];
	int counts[NTHREADS], total = 0, fe = 0, i;
	void *states[NTHREADS];

	if (!m)
		return;
	for (i = 0; i < NTHREADS; i++)
		states[i] = &counts[i];
	run(m, hash_own_worker, w, states);
	for (i = 0; i < NTHREADS; i++)
		total += counts[i];
	CHECK_EQ(m->ops->for_each(m, count_cb, &fe), total);
	CHECK_EQ(fe, total);
	{
		/* keys are t * 1000 + i: map them into one dense universe */
		uint32_t k, next;
		int n = 0, err = m->ops->get_next_key(m, NULL, &next);
		uint64_t v[2];

		while (!err && n <= total) {
			CHECK_EQ(m->ops->lookup_user(m, &next, v, 0), 0);
			CHECK_U64(v[0], f(next));
			CHECK_U64(v[1], ~f(next));
			n++;
			k = next;
			err = m->ops->get_next_key(m, &k, &next);
		}
		CHECK_EQ(n, total);
	}
	bh_map_put(m);
}

/* ---- shared keys on a small map: -E2BIG happens, values stay whole ---- */

struct shared_cfg {
	uint32_t universe;
	bool lru;
	bool percpu;
};

static void *hash_shared_worker(void *arg)
{
	struct worker *w = arg;
	struct bh_map *m = w->map;
	const struct shared_cfg *cfg = w->state;
	unsigned n = m->ncpus, c;
	uint64_t *buf = calloc(n * 2, 8), *in = calloc(n * 2, 8);

	while (now_ms() < w->deadline) {
		int burst;

		for (burst = 0; burst < 64; burst++, w->ops++) {
			uint32_t k = (uint32_t)(rnd(&w->seed) % cfg->universe), next;
			unsigned op = (unsigned)(rnd(&w->seed) % 8);
			uint64_t flags = rnd(&w->seed) % 3;
			uint64_t *p;
			int err;

			if (cfg->percpu) {
				for (c = 0; c < n; c++)
					in[c] = f(k);
			} else {
				in[0] = f(k);
				in[1] = ~f(k);
			}
			switch (op) {
			case 0:
			case 1:
				err = (op ? m->ops->update_user : m->ops->update)(m, &k, in, flags);
				if (err && err != -EEXIST && err != -ENOENT &&
				    (err != -E2BIG || cfg->lru))
					FAILW(w, "update %u/%llu: %d", k, (unsigned long long)flags,
					      err);
				if ((err == -EEXIST && flags != BPFHOST_NOEXIST) ||
				    (err == -ENOENT && flags != BPFHOST_EXIST))
					FAILW(w, "update %u: %d with flags %llu", k, err,
					      (unsigned long long)flags);
				break;
			case 2:
				err = m->ops->delete (m, &k);
				if (err && err != -ENOENT)
					FAILW(w, "delete %u: %d", k, err);
				break;
			case 3:
			case 4:
				err = m->ops->lookup_user(m, &k, buf, 0);
				if (err && err != -ENOENT)
					FAILW(w, "lookup_user %u: %d", k, err);
				for (c = 0; !err && c < (cfg->percpu ? n : 1); c++)
					if (cfg->percpu ? buf[c] != f(k) && buf[c] != 0
							: buf[0] != f(k) || buf[1] != ~f(k))
						FAILW(w, "lookup_user %u: torn or foreign value",
						      k);
				break;
			case 5:
				p = m->ops->lookup(m, &k);
				if (p && (!in_region(m, p, 8) || (uintptr_t)p % 8))
					FAILW(w, "lookup %u: pointer outside the values", k);
				break;
			case 6:
				err = m->ops->lookup_and_delete_user(m, &k, buf);
				if (err && err != -ENOENT)
					FAILW(w, "lookup_and_delete %u: %d", k, err);
				if (!err && !cfg->percpu && buf[0] != f(k))
					FAILW(w, "lookup_and_delete %u: foreign value", k);
				break;
			default:
				err = m->ops->get_next_key(m, k % 3 ? &k : NULL, &next);
				if ((err && err != -ENOENT) || (!err && next >= cfg->universe))
					FAILW(w, "get_next_key: %d %u", err, next);
				break;
			}
		}
	}
	free(buf);
	free(in);
	return NULL;
}

static void shared_case(uint32_t type, uint32_t max, uint32_t universe)
{
	struct shared_cfg cfg = { .universe = universe,
				  .lru = type == BPFHOST_MAP_TYPE_LRU_HASH ||
					 type == BPFHOST_MAP_TYPE_LRU_PERCPU_HASH,
				  .percpu = type == BPFHOST_MAP_TYPE_PERCPU_HASH ||
					    type == BPFHOST_MAP_TYPE_LRU_PERCPU_HASH };
	struct bh_map *m = mk(type, 4, cfg.percpu ? 8 : 16, max, 0);
	void *states[NTHREADS] = { &cfg, &cfg, &cfg, &cfg };
	struct worker w[NTHREADS];
	int n, fe = 0;

	if (!m)
		return;
	run(m, hash_shared_worker, w, states);
	if (!cfg.percpu) {
		n = check_quiet(m, universe, true);
		CHECK_MSG(n <= (int)max, "%d elements in a map of %u", n, max);
		CHECK_EQ(m->ops->for_each(m, count_cb, &fe), n);
	}
	bh_map_put(m);
}

TEST(maps_stress_hash_shared_keys)
{
	shared_case(BPFHOST_MAP_TYPE_HASH, 48, 64);
}

TEST(maps_stress_lru_hash)
{
	shared_case(BPFHOST_MAP_TYPE_LRU_HASH, 32, 200);
}

TEST(maps_stress_percpu_hashes)
{
	shared_case(BPFHOST_MAP_TYPE_PERCPU_HASH, 48, 64);
	shared_case(BPFHOST_MAP_TYPE_LRU_PERCPU_HASH, 32, 100);
}

/* ---- array: 8-byte values never tear ---- */

static long array_cb(struct bh_map *map, const void *key, void *value, void *ctx)
{
	uint32_t k = __atomic_load_n((const uint32_t *)key, __ATOMIC_RELAXED);
	uint64_t v = __atomic_load_n((uint64_t *)value, __ATOMIC_RELAXED);

	if (v && v >> 32 != f(k) >> 32)
		(*(int *)ctx)++;
	return 0;
}

static void *array_worker(void *arg)
{
	struct worker *w = arg;
	struct bh_map *m = w->map;
	uint32_t max = m->def.max_entries;
	bool percpu = m->def.type == BPFHOST_MAP_TYPE_PERCPU_ARRAY;
	uint64_t *buf = calloc(m->ncpus, 8);

	while (now_ms() < w->deadline) {
		int burst;

		for (burst = 0; burst < 64; burst++, w->ops++) {
			uint32_t k = (uint32_t)(rnd(&w->seed) % (max + 2)), next;
			uint64_t v = (f(k) & ~0xffffffffull) | (w->ops & 0xffffffff), out, *p;
			int err, bad = 0;
			unsigned c;

			switch (rnd(&w->seed) % 5) {
			case 0:
				err = m->ops->update(m, &k, &v, BPFHOST_ANY);
				if (err != (k < max ? 0 : -E2BIG))
					FAILW(w, "update %u: %d", k, err);
				break;
			case 1:
				err = m->ops->lookup_user(m, &k, buf, 0);
				if (err != (k < max ? 0 : -ENOENT))
					FAILW(w, "lookup_user %u: %d", k, err);
				for (c = 0; !err && c < (percpu ? m->ncpus : 1); c++)
					if (buf[c] && buf[c] >> 32 != f(k) >> 32)
						FAILW(w, "lookup_user %u: foreign value", k);
				break;
			case 2:
				p = m->ops->lookup(m, &k);
				out = p ? __atomic_load_n(p, __ATOMIC_RELAXED) : 0;
				if (!p != (k >= max) || (out && out >> 32 != f(k) >> 32))
					FAILW(w, "lookup %u", k);
				break;
			case 3:
				err = m->ops->get_next_key(m, &k, &next);
				if (k + 1 < max	   ? err || next != k + 1
				    : k + 1 == max ? err != -ENOENT
						   : err || next != 0)
					FAILW(w, "get_next_key %u: %d %u", k, err, next);
				break;
			default:
				if (k == 0) {
					m->ops->for_each(m, array_cb, &bad);
					if (bad)
						FAILW(w, "for_each saw %d foreign values", bad);
				}
				break;
			}
		}
	}
	free(buf);
	return NULL;
}

TEST(maps_stress_array)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_ARRAY, 4, 8, 100, 0);
	struct bh_map *pm = mk(BPFHOST_MAP_TYPE_PERCPU_ARRAY, 4, 8, 100, 0);
	struct worker w[NTHREADS];

	if (m)
		run(m, array_worker, w, NULL);
	if (pm)
		run(pm, array_worker, w, NULL);
	bh_map_put(m);
	bh_map_put(pm);
}

/* ---- LPM: lookups while writers change the trie ---- */

struct lpm_key {
	uint32_t plen;
	uint8_t a[2];
};

static void *lpm_worker(void *arg)
{
	struct worker *w = arg;
	struct bh_map *m = w->map;

	while (now_ms() < w->deadline) {
		int burst;

		for (burst = 0; burst < 64; burst++, w->ops++) {
			uint32_t plen = (uint32_t)(rnd(&w->seed) % 17), v, out, *p;
			uint16_t a = (uint16_t)rnd(&w->seed);
			struct lpm_key k;
			int err;

			if (w->id < 2) {
				/* writers: value = prefixlen << 16 | canonical prefix */
				a = plen ? (uint16_t)(a & (0xffffu << (16 - plen))) : 0;
				k.plen = plen;
				k.a[0] = (uint8_t)(a >> 8);
				k.a[1] = (uint8_t)a;
				v = plen << 16 | a;
				err = rnd(&w->seed) % 2 ? m->ops->update(m, &k, &v, BPFHOST_ANY)
							: m->ops->delete (m, &k);
				if (err && err != -ENOENT && err != -ENOSPC)
					FAILW(w, "update/delete: %d", err);
				continue;
			}
			/* readers: whatever matches must contain the address */
			k.plen = 16;
			k.a[0] = (uint8_t)(a >> 8);
			k.a[1] = (uint8_t)a;
			if (w->ops % 2) {
				p = m->ops->lookup(m, &k);
				out = p ? __atomic_load_n(p, __ATOMIC_RELAXED) : 0;
				err = p ? 0 : -ENOENT;
			} else {
				err = m->ops->lookup_user(m, &k, &out, 0);
			}
			if (!err) {
				uint32_t pl = out >> 16, pre = out & 0xffff;

				if (pl > 16 || (pl && ((pre ^ a) >> (16 - pl))))
					FAILW(w, "%04x matched %04x/%u", a, pre, pl);
			} else if (err != -ENOENT) {
				FAILW(w, "lookup: %d", err);
			}
		}
	}
	return NULL;
}

TEST(maps_stress_lpm_trie)
{
	struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_LPM_TRIE,
				  .key_size = 6,
				  .value_size = 4,
				  .max_entries = 256,
				  .map_flags = BPFHOST_F_NO_PREALLOC };
	struct bh_map *m = NULL;
	struct worker w[NTHREADS];
	struct lpm_key k, next;
	int n = 0, err;

	CHECK_EQ(bh_map_create(&def, NULL, &m, NULL, NULL), 0);
	if (!m)
		return;
	run(m, lpm_worker, w, NULL);
	err = m->ops->get_next_key(m, NULL, &next);
	while (!err && n <= 256) {
		uint32_t v;

		CHECK_EQ(m->ops->lookup_user(m, &next, &v, 0), 0);
		CHECK_EQ(v >> 16, next.plen);
		n++;
		k = next;
		err = m->ops->get_next_key(m, &k, &next);
	}
	CHECK_EQ(err, -ENOENT);
	CHECK(n <= 256);
	bh_map_put(m);
}

/* ---- queue: producers and consumers, every value exactly once ---- */

#define QPRODUCERS 2
#define QPER 20000u

struct qstate {
	uint32_t pushed[QPRODUCERS];
	uint32_t popped[QPRODUCERS]; /* count per producer */
	uint64_t sum[QPRODUCERS];
	bool fifo;
};

static void *queue_worker(void *arg)
{
	struct worker *w = arg;
	struct bh_map *m = w->map;
	struct qstate *st = w->state;
	uint32_t last[QPRODUCERS] = { 0 }, seq = 0;
	bool seen_any[QPRODUCERS] = { false };

	while (now_ms() < w->deadline) {
		uint64_t v;
		int err;

		w->ops++;
		if (w->id < QPRODUCERS) {
			if (seq == QPER)
				break;
			v = (uint64_t)w->id << 32 | seq;
			err = m->ops->push(m, &v, BPFHOST_ANY);
			if (!err)
				seq++;
			else if (err != -E2BIG)
				FAILW(w, "push: %d", err);
			else
				sched_yield();
			continue;
		}
		err = w->ops % 3 ? m->ops->pop(m, &v) : m->ops->lookup_and_delete_user(m, NULL, &v);
		if (err == -ENOENT) {
			sched_yield();
			continue;
		}
		if (err || v >> 32 >= QPRODUCERS) {
			FAILW(w, "pop: %d %llx", err, (unsigned long long)v);
			continue;
		}
		{
			uint32_t p = (uint32_t)(v >> 32), s = (uint32_t)v;

			if (st->fifo && seen_any[p] && s <= last[p])
				FAILW(w, "producer %u: %u after %u", p, s, last[p]);
			seen_any[p] = true;
			last[p] = s;
			__atomic_fetch_add(&st->popped[p], 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&st->sum[p], s, __ATOMIC_RELAXED);
		}
	}
	if (w->id < QPRODUCERS)
		st->pushed[w->id] = seq;
	return NULL;
}

static void queue_case(uint32_t type)
{
	struct bh_map *m = mk(type, 0, 8, 64, 0);
	struct qstate st = { .fifo = type == BPFHOST_MAP_TYPE_QUEUE };
	void *states[NTHREADS] = { &st, &st, &st, &st };
	struct worker w[NTHREADS];
	uint64_t v, expect;
	int p;

	if (!m)
		return;
	run(m, queue_worker, w, states);
	/* drain what the consumers left */
	while (!m->ops->pop(m, &v)) {
		st.popped[v >> 32]++;
		st.sum[v >> 32] += (uint32_t)v;
	}
	for (p = 0; p < QPRODUCERS; p++) {
		uint32_t pushed = st.pushed[p];

		CHECK_EQ(st.popped[p], pushed);
		expect = (uint64_t)pushed * (pushed - 1) / 2;
		CHECK_U64(st.sum[p], expect);
	}
	bh_map_put(m);
}

TEST(maps_stress_queue_and_stack)
{
	queue_case(BPFHOST_MAP_TYPE_QUEUE);
	queue_case(BPFHOST_MAP_TYPE_STACK);
}
