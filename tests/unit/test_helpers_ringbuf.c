/* SPDX-License-Identifier: MIT */
/*
 * bpf_ringbuf_output/reserve/submit/discard/query through the helper ABI,
 * with the records checked on the consumer side.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers/helpers.h"
#include "maps/map.h"
#include "maps/ringbuf.h"
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

/* ---- ring buffer ---- */

/*
 * A ring buffer map: through bh_map_create once the map layer knows the
 * type, else built by hand around bh_ringbuf_map_ops the way the map layer
 * does (anonymous region, header, init, open). *by_hand says which to
 * release.
 */
static struct bh_map *mk_ring(uint32_t size, struct bh_map *storage, bool *by_hand)
{
	struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_RINGBUF, .max_entries = size };
	const struct bh_map_ops *ops = &bh_ringbuf_map_ops;
	struct bh_map_region_hdr *hdr;
	struct bh_map *m = NULL;

	*by_hand = false;
	if (bh_map_create(&def, NULL, &m, NULL, NULL) == 0)
		return m;
	*by_hand = true;
	m = storage;
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->def = def;
	m->ncpus = 1;
	m->refcnt = 1;
	m->shm_fd = -1;
	if (ops->check_def(&m->def, NULL))
		return NULL;
	m->region_size = ops->region_size(&m->def, 1);
	m->region = mmap(NULL, m->region_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (m->region == MAP_FAILED)
		return NULL;
	hdr = m->region;
	hdr->magic = BH_MAP_REGION_MAGIC;
	hdr->version = BH_MAP_REGION_VERSION;
	hdr->ncpus = 1;
	hdr->total_size = m->region_size;
	hdr->def = m->def;
	if ((ops->init && ops->init(m)) || (ops->open && ops->open(m))) {
		munmap(m->region, m->region_size);
		return NULL;
	}
	__atomic_store_n(&hdr->ready, 1, __ATOMIC_RELEASE);
	return m;
}

static void put_ring(struct bh_map *m, bool by_hand)
{
	if (!by_hand) {
		bh_map_put(m);
		return;
	}
	if (m->ops->release)
		m->ops->release(m);
	free(m->priv);
	munmap(m->region, m->region_size);
}

struct rb_seen {
	int n;
	size_t size[8];
	char data[8][64];
};

static int rb_sample(void *ctx, void *data, size_t size)
{
	struct rb_seen *s = ctx;

	if (s->n < 8) {
		s->size[s->n] = size;
		memcpy(s->data[s->n], data, size < 64 ? size : 64);
	}
	s->n++;
	return 0;
}

TEST(helpers_ringbuf)
{
	uint32_t ring = (uint32_t)sysconf(_SC_PAGESIZE);
	struct bh_map storage;
	bool by_hand;
	struct bh_map *rb = mk_ring(ring, &storage, &by_hand);
	struct bh_map *arr = mk(BPFHOST_MAP_TYPE_ARRAY, 4, 4, 1);
	struct bh_ringbuf_consumer *c = NULL;
	struct rb_seen seen = { 0 };
	char *rec;

	CHECK(rb);
	if (!rb || !arr)
		goto out;
	c = bh_ringbuf_consumer_new(rb, rb_sample, &seen, NULL);
	CHECK(c);
	if (!c)
		goto out;

	CHECK_U64(bh_helper_ringbuf_query(U(rb), BH_RB_RING_SIZE, 0, 0, 0, NULL), ring);
	CHECK_U64(bh_helper_ringbuf_query(U(rb), BH_RB_AVAIL_DATA, 0, 0, 0, NULL), 0);
	CHECK_EQ(R(bh_helper_ringbuf_output(U(rb), U("hello"), 6, 0, 0, NULL)), 0);
	/* 8-byte header + data rounded up to 8 */
	CHECK_U64(bh_helper_ringbuf_query(U(rb), BH_RB_AVAIL_DATA, 0, 0, 0, NULL), 16);
	CHECK_U64(bh_helper_ringbuf_query(U(rb), BH_RB_PROD_POS, 0, 0, 0, NULL), 16);
	CHECK_U64(bh_helper_ringbuf_query(U(rb), BH_RB_CONS_POS, 0, 0, 0, NULL), 0);
	CHECK_U64(bh_helper_ringbuf_query(U(rb), 99, 0, 0, 0, NULL), 0);

	rec = (char *)(uintptr_t)bh_helper_ringbuf_reserve(U(rb), 5, 0, 0, 0, NULL);
	CHECK(rec);
	if (rec) {
		memcpy(rec, "world", 5);
		CHECK_U64(bh_helper_ringbuf_submit(U(rec), BH_RB_FORCE_WAKEUP, 0, 0, 0, NULL), 0);
	}
	rec = (char *)(uintptr_t)bh_helper_ringbuf_reserve(U(rb), 3, 0, 0, 0, NULL);
	CHECK(rec);
	if (rec)
		CHECK_U64(bh_helper_ringbuf_discard(U(rec), 0, 0, 0, 0, NULL), 0);

	CHECK_EQ(bh_ringbuf_consumer_consume(c), 2);
	CHECK_EQ(seen.n, 2); /* the discarded record is not delivered */
	CHECK_EQ(seen.size[0], 6);
	CHECK_STR(seen.data[0], "hello");
	CHECK_EQ(seen.size[1], 5);
	CHECK(!memcmp(seen.data[1], "world", 5));

	/* refusals */
	CHECK_EQ(R(bh_helper_ringbuf_output(U(rb), U("x"), 1, 4, 0, NULL)), -EINVAL);
	CHECK_EQ(R(bh_helper_ringbuf_output(U(rb), U("x"), ring, 0, 0, NULL)), -EAGAIN);
	CHECK_U64(bh_helper_ringbuf_reserve(U(rb), 8, 1, 0, 0, NULL), 0);
	CHECK_U64(bh_helper_ringbuf_reserve(U(rb), ring, 0, 0, 0, NULL), 0);
	CHECK_EQ(R(bh_helper_ringbuf_output(U(arr), U("x"), 1, 0, 0, NULL)), -EINVAL);
	CHECK_U64(bh_helper_ringbuf_reserve(U(arr), 8, 0, 0, 0, NULL), 0);
	CHECK_U64(bh_helper_ringbuf_query(U(arr), BH_RB_RING_SIZE, 0, 0, 0, NULL), 0);
	CHECK_EQ(R(bh_helper_ringbuf_output(0, U("x"), 1, 0, 0, NULL)), -EINVAL);
	/* NULL record: ignored */
	CHECK_U64(bh_helper_ringbuf_submit(0, 0, 0, 0, 0, NULL), 0);
out:
	if (c)
		bh_ringbuf_consumer_free(c);
	if (rb)
		put_ring(rb, by_hand);
	if (arr)
		bh_map_put(arr);
}
