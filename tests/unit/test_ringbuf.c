/* SPDX-License-Identifier: MIT */
/*
 * Ring buffer map tests: definition checks, reserve/commit ordering, discard,
 * every errno, capacity, wrap-around through the mirror, queries, adaptive
 * and forced wakeups, callback stop, several rings, poll latency, a
 * multi-producer stress run and a file-backed ring fed by a forked child.
 * Maps are built by hand around the ops (anonymous or file-backed region),
 * the way the map layer does it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/harness.h"
#include "maps/ringbuf.h"

/* Region around the ops, as the map layer builds it; fd < 0: anonymous. */
static int rb_make(struct bh_map *m, uint32_t size, int fd)
{
	const struct bh_map_ops *ops = &bh_ringbuf_map_ops;
	struct bh_map_region_hdr *hdr;
	int err;

	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->def.type = BPFHOST_MAP_TYPE_RINGBUF;
	m->def.max_entries = size;
	snprintf(m->def.name, sizeof(m->def.name), "rb%u", size);
	m->ncpus = 1;
	m->refcnt = 1;
	m->shm_fd = fd;
	m->shared = fd >= 0;
	err = ops->check_def(&m->def, NULL);
	if (err)
		return err;
	m->region_size = ops->region_size(&m->def, 1);
	if (fd >= 0 && ftruncate(fd, (off_t)m->region_size))
		return -errno;
	m->region = mmap(NULL, m->region_size, PROT_READ | PROT_WRITE,
			 fd >= 0 ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS, fd, 0);
	if (m->region == MAP_FAILED) {
		m->region = NULL;
		return -errno;
	}
	hdr = m->region;
	hdr->magic = BH_MAP_REGION_MAGIC;
	hdr->version = BH_MAP_REGION_VERSION;
	hdr->ncpus = 1;
	hdr->total_size = m->region_size;
	hdr->def = m->def;
	err = ops->init(m);
	if (!err)
		err = ops->open(m);
	__atomic_store_n(&hdr->ready, 1, __ATOMIC_RELEASE);
	return err;
}

/* Map an existing file-backed region without opening it (no init). */
static int rb_map_fd(struct bh_map *m, int fd)
{
	struct bh_map_region_hdr *hdr;
	struct stat st;

	memset(m, 0, sizeof(*m));
	m->shm_fd = fd;
	if (fstat(fd, &st))
		return -errno;
	m->region_size = (size_t)st.st_size;
	m->region = mmap(NULL, m->region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m->region == MAP_FAILED) {
		m->region = NULL;
		return -errno;
	}
	hdr = m->region;
	m->ops = &bh_ringbuf_map_ops;
	m->def = hdr->def;
	m->ncpus = hdr->ncpus;
	m->refcnt = 1;
	m->shared = true;
	return 0;
}

/* A second handle on an existing file-backed region, as the map layer attaches. */
static int rb_attach_fd(struct bh_map *m, int fd)
{
	int err = rb_map_fd(m, fd);

	return err ? err : m->ops->open(m);
}

static void rb_unmake(struct bh_map *m)
{
	if (m->ops && m->ops->release)
		m->ops->release(m);
	free(m->priv);
	m->priv = NULL;
	if (m->region)
		munmap(m->region, m->region_size);
	if (m->shm_fd >= 0)
		close(m->shm_fd);
	m->region = NULL;
	m->shm_fd = -1;
}

/* Start of the data area of an empty ring: its first record's header. */
static char *rb_data_of(struct bh_map *m)
{
	char *p = bh_ringbuf_reserve(m, 0, 0);

	if (!p)
		return NULL;
	bh_ringbuf_discard(p, BH_RB_NO_WAKEUP);
	return p - BH_RINGBUF_HDR_SZ;
}

/* Collects delivered records; returns -42 on record number stop_at. */
struct coll {
	int n;
	int stop_at;
	size_t size[64];
	unsigned char first[64];
	bool content_ok;
};

static int coll_cb(void *ctx, void *data, size_t size)
{
	struct coll *c = ctx;
	const unsigned char *p = data;
	size_t i;

	if (c->n < 64) {
		c->size[c->n] = size;
		c->first[c->n] = size ? p[0] : 0;
	}
	for (i = 1; i < size; i++)
		if (p[i] != (unsigned char)(p[0] + i))
			c->content_ok = false;
	c->n++;
	return c->n == c->stop_at ? -42 : 0;
}

static void fill(void *p, size_t size, unsigned char seed)
{
	size_t i;

	for (i = 0; i < size; i++)
		((unsigned char *)p)[i] = (unsigned char)(seed + i);
}

static int out(struct bh_map *m, size_t size, unsigned char seed, uint64_t flags)
{
	unsigned char buf[8192];

	fill(buf, size, seed);
	return (int)bh_ringbuf_output(m, buf, size, flags);
}

static int epoll_ready(struct bh_ringbuf_consumer *c)
{
	struct epoll_event ev;

	return epoll_wait(bh_ringbuf_consumer_epoll_fd(c), &ev, 1, 0);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

TEST(ringbuf_check_def)
{
	const struct bh_map_ops *ops = &bh_ringbuf_map_ops;
	uint32_t page = (uint32_t)bh_page_size();
	struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_RINGBUF, .max_entries = page };
	struct bh_log log = BH_LOG_INIT;

	CHECK_EQ(ops->check_def(&def, NULL), 0);
	def.max_entries = 4 * page;
	CHECK_EQ(ops->check_def(&def, NULL), 0);
	CHECK_U64(ops->region_size(&def, 4), page + 4 * (uint64_t)page);

	def.key_size = 4;
	CHECK_EQ(ops->check_def(&def, &log), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "key_size and value_size must be 0");
	def.key_size = 0;
	def.value_size = 8;
	CHECK_EQ(ops->check_def(&def, NULL), -EINVAL);
	def.value_size = 0;
	def.map_flags = 1;
	CHECK_EQ(ops->check_def(&def, &log), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "map_flags 0x1");
	def.map_flags = 0;

	def.max_entries = 0;
	CHECK_EQ(ops->check_def(&def, NULL), -EINVAL);
	def.max_entries = 3 * page; /* page multiple, not a power of 2 */
	CHECK_EQ(ops->check_def(&def, &log), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "must be a power of 2 and a multiple of the page size");
	def.max_entries = page / 2; /* power of 2, not a page multiple */
	CHECK_EQ(ops->check_def(&def, NULL), -EINVAL);
	def.max_entries = page + 8;
	CHECK_EQ(ops->check_def(&def, NULL), -EINVAL);
	bh_log_free(&log);
}

TEST(ringbuf_reserve_commit_order)
{
	struct bh_ringbuf_consumer *c;
	struct coll col = { .content_ok = true };
	struct bh_map m;
	void *a, *b, *d;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	a = bh_ringbuf_reserve(&m, 10, 0);
	b = bh_ringbuf_reserve(&m, 20, 0);
	d = bh_ringbuf_reserve(&m, 30, 0);
	CHECK(a && b && d);
	if (!a || !b || !d)
		goto out;
	CHECK_EQ(((uintptr_t)a | (uintptr_t)b | (uintptr_t)d) & 7, 0);
	fill(a, 10, 1);
	fill(b, 20, 2);
	fill(d, 30, 3);
	/* 8-byte headers, data rounded up to 8: 24 + 32 + 40 */
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_PROD_POS), 96);
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_AVAIL_DATA), 96);
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_CONS_POS), 0);
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_RING_SIZE), 4096);

	bh_ringbuf_submit(d, 0);
	bh_ringbuf_submit(b, 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 0); /* the first record is still busy */
	CHECK_EQ(col.n, 0);
	bh_ringbuf_submit(a, 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 3);
	CHECK_EQ(col.n, 3);
	CHECK_EQ(col.size[0], 10);
	CHECK_EQ(col.size[1], 20);
	CHECK_EQ(col.size[2], 30);
	CHECK_EQ(col.first[0], 1);
	CHECK_EQ(col.first[1], 2);
	CHECK_EQ(col.first[2], 3);
	CHECK(col.content_ok);
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_CONS_POS), 96);
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_AVAIL_DATA), 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 0);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}

TEST(ringbuf_discard_never_delivered)
{
	struct coll col = { .content_ok = true };
	struct bh_ringbuf_consumer *c;
	struct bh_map m;
	void *a, *b, *d;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	a = bh_ringbuf_reserve(&m, 16, 0);
	b = bh_ringbuf_reserve(&m, 16, 0);
	d = bh_ringbuf_reserve(&m, 0, 0); /* empty records are legal */
	CHECK(a && b && d);
	if (!a || !b || !d)
		goto out;
	fill(a, 16, 10);
	fill(b, 16, 20);
	bh_ringbuf_discard(b, 0);
	bh_ringbuf_submit(d, 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 0);
	bh_ringbuf_discard(a, 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1); /* discards are skipped, not counted */
	CHECK_EQ(col.n, 1);
	CHECK_EQ(col.size[0], 0);
	/* the discarded space was released */
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_CONS_POS), 24 + 24 + 8);
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_AVAIL_DATA), 0);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}

TEST(ringbuf_errors_and_capacity)
{
	struct coll col = { .content_ok = true };
	struct bh_ringbuf_consumer *c;
	struct bh_map m, notrb;
	unsigned char one = 7;
	int n, err;
	void *p;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;

	/* flags */
	CHECK_EQ(out(&m, 8, 0, 4), -EINVAL);
	CHECK_EQ(out(&m, 8, 0, BH_RB_NO_WAKEUP | BH_RB_FORCE_WAKEUP | 8), -EINVAL);
	CHECK(bh_ringbuf_reserve(&m, 8, 1) == NULL);
	CHECK(bh_ringbuf_reserve(&m, 8, BH_RB_FORCE_WAKEUP) == NULL);
	CHECK_EQ(bh_ringbuf_output(&m, NULL, 8, 0), -EFAULT);
	CHECK_EQ(bh_ringbuf_output(&m, NULL, 0, 0), 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1);

	/* records larger than the ring (Linux: -EAGAIN from output) */
	CHECK_EQ(out(&m, 4096, 0, 0), -EAGAIN);
	CHECK(bh_ringbuf_reserve(&m, 4096 - 15, 0) == NULL);
	CHECK(bh_ringbuf_reserve(&m, (uint64_t)BH_RINGBUF_MAX_RECORD_SZ + 1, 0) == NULL);
	CHECK(bh_ringbuf_reserve(&m, UINT64_MAX, 0) == NULL);
	CHECK_EQ(bh_ringbuf_output(&m, &one, UINT64_MAX, 0), -EAGAIN);
	/* the largest record: the producer stays less than a ring ahead */
	p = bh_ringbuf_reserve(&m, 4096 - 16, 0);
	CHECK(p != NULL);
	CHECK(bh_ringbuf_reserve(&m, 0, 0) == NULL);
	bh_ringbuf_discard(p, 0);
	CHECK(bh_ringbuf_reserve(&m, 0, 0) == NULL); /* not consumed yet */
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 0);

	/* fill up: 100-byte records take 112 bytes */
	for (n = 0; (err = out(&m, 100, (unsigned char)n, 0)) == 0; n++)
		;
	CHECK_EQ(err, -EAGAIN);
	CHECK_EQ(n, 4095 / 112);
	CHECK(bh_ringbuf_query(&m, BH_RB_AVAIL_DATA) <= 4095);
	col.n = 0;
	CHECK_EQ(bh_ringbuf_consumer_consume(c), n);
	CHECK(col.content_ok);
	CHECK_EQ(out(&m, 100, 0, 0), 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1);

	/* NULL and double commits are ignored */
	bh_ringbuf_submit(NULL, 0);
	bh_ringbuf_discard(NULL, 0);
	p = bh_ringbuf_reserve(&m, 8, 0);
	CHECK(p != NULL);
	if (p) {
		fill(p, 8, 1);
		bh_ringbuf_submit(p, 0);
		bh_ringbuf_submit(p, 0);
		bh_ringbuf_discard(p, 0);
	}
	col.n = 0;
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1);

	/* unknown query */
	CHECK_U64(bh_ringbuf_query(&m, 4), 0);
	CHECK_U64(bh_ringbuf_query(&m, ~0ull), 0);

	/* a map of another type */
	notrb = m;
	notrb.ops = NULL;
	CHECK_EQ(out(&notrb, 8, 0, 0), -EINVAL);
	CHECK(bh_ringbuf_reserve(&notrb, 8, 0) == NULL);
	CHECK_U64(bh_ringbuf_query(&notrb, BH_RB_RING_SIZE), 0);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}

TEST(ringbuf_wraparound_mirror)
{
	struct coll col = { .content_ok = true };
	struct bh_ringbuf_consumer *c = NULL;
	uint64_t off, k;
	struct bh_map m;
	unsigned char *p;
	volatile unsigned char *data; /* the two copies alias: keep accesses in order */
	bool alias_ok = true;
	int i, got = 0;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	data = (volatile unsigned char *)rb_data_of(&m);
	CHECK(data != NULL);
	if (!data)
		goto out;
	/* the data pages are mapped twice back to back */
	data[5] = 0xa5;
	CHECK_EQ(data[4096 + 5], 0xa5);
	data[4096 + 9] = 0x5a;
	CHECK_EQ(data[9], 0x5a);

	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	for (i = 0; i < 400; i++) {
		size_t size = (size_t)(i * 37 % 301) + 1;

		CHECK_EQ(out(&m, size, (unsigned char)i, 0), 0);
		if (i % 5 == 4)
			got += bh_ringbuf_consumer_consume(c);
	}
	CHECK_EQ(got, 400);
	CHECK_EQ(col.n, 400);
	CHECK(col.content_ok);
	CHECK(bh_ringbuf_query(&m, BH_RB_PROD_POS) > 10 * 4096);

	/* a record straddling the end is contiguous for producer and consumer */
	off = bh_ringbuf_query(&m, BH_RB_PROD_POS) & 4095;
	while (off != 4096 - 24) {
		/* pad with records until the next one starts 24 bytes before the end */
		uint64_t gap = (4096 - 24 - off) & 4095;
		size_t sz = gap >= 264 ? 256 : (size_t)(gap - 8);

		CHECK_EQ(out(&m, sz, 1, 0), 0);
		bh_ringbuf_consumer_consume(c);
		off = bh_ringbuf_query(&m, BH_RB_PROD_POS) & 4095;
	}
	p = bh_ringbuf_reserve(&m, 64, 0);
	CHECK(p != NULL);
	if (!p)
		goto out;
	CHECK(p == (unsigned char *)data + 4096 - 16);
	fill(p, 64, 0x40);
	for (k = 0; k < 64; k++)
		if (data[(4096 - 16 + k) & 4095] != (unsigned char)(0x40 + k))
			alias_ok = false;
	CHECK(alias_ok);
	col.n = 0;
	bh_ringbuf_submit(p, 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1);
	CHECK_EQ(col.size[0], 64);
	CHECK_EQ(col.first[0], 0x40);
	CHECK(col.content_ok);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}

TEST(ringbuf_callback_stop)
{
	struct coll col = { .content_ok = true, .stop_at = 2 };
	struct bh_ringbuf_consumer *c;
	struct bh_map m;
	int i;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	for (i = 0; i < 4; i++)
		CHECK_EQ(out(&m, 8, (unsigned char)(i * 16), 0), 0);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 0), -42);
	CHECK_EQ(col.n, 2);
	/* the stopping record counts as consumed */
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_CONS_POS), 32);
	/* records remain: the epoll fd stays readable */
	CHECK_EQ(epoll_ready(c), 1);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 0), 2);
	CHECK_EQ(col.n, 4);
	CHECK_EQ(col.first[3], 48);
	CHECK_EQ(epoll_ready(c), 0);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 0), 0);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}

TEST(ringbuf_wakeup_flags)
{
	struct coll col = { .content_ok = true };
	struct bh_ringbuf_consumer *c;
	struct bh_map m;
	void *a, *b;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK_EQ(epoll_ready(c), 0);

	/* NO_WAKEUP: never signals */
	CHECK_EQ(out(&m, 8, 0, BH_RB_NO_WAKEUP), 0);
	CHECK_EQ(epoll_ready(c), 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1);

	/* adaptive: the consumer has caught up, so this record signals */
	CHECK_EQ(out(&m, 8, 0, 0), 0);
	CHECK_EQ(epoll_ready(c), 1);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 0), 1);
	CHECK_EQ(epoll_ready(c), 0);

	/* adaptive: a record behind a busy one does not signal; the busy one does */
	a = bh_ringbuf_reserve(&m, 8, 0);
	b = bh_ringbuf_reserve(&m, 8, 0);
	CHECK(a && b);
	if (!a || !b)
		goto out;
	bh_ringbuf_submit(b, 0);
	CHECK_EQ(epoll_ready(c), 0);
	bh_ringbuf_submit(a, 0);
	CHECK_EQ(epoll_ready(c), 1);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 0), 2);
	CHECK_EQ(epoll_ready(c), 0);

	/* FORCE_WAKEUP signals even when the consumer is not there yet */
	a = bh_ringbuf_reserve(&m, 8, 0);
	b = bh_ringbuf_reserve(&m, 8, 0);
	CHECK(a && b);
	if (!a || !b)
		goto out;
	bh_ringbuf_submit(b, BH_RB_FORCE_WAKEUP);
	CHECK_EQ(epoll_ready(c), 1);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 0), 0); /* a is still busy */
	CHECK_EQ(epoll_ready(c), 0);
	bh_ringbuf_submit(a, BH_RB_NO_WAKEUP);
	CHECK_EQ(epoll_ready(c), 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 2);

	/* discard follows the same rules */
	a = bh_ringbuf_reserve(&m, 8, 0);
	CHECK(a != NULL);
	bh_ringbuf_discard(a, BH_RB_FORCE_WAKEUP);
	CHECK_EQ(epoll_ready(c), 1);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 0), 0);
	CHECK_EQ(col.n, 6);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}

TEST(ringbuf_consumer_errors)
{
	struct coll col = { .content_ok = true };
	struct bh_log log = BH_LOG_INIT;
	struct bh_ringbuf_consumer *c;
	struct bh_map m, other;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	other = m;
	other.ops = NULL;
	other.def.type = BPFHOST_MAP_TYPE_ARRAY;
	errno = 0;
	CHECK(bh_ringbuf_consumer_new(&other, coll_cb, &col, &log) == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "is not a ring buffer");
	errno = 0;
	CHECK(bh_ringbuf_consumer_new(NULL, coll_cb, &col, NULL) == NULL);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK(bh_ringbuf_consumer_new(&m, NULL, &col, &log) == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "callback");
	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	CHECK_EQ(bh_ringbuf_consumer_add(c, &other, coll_cb, &col, NULL), -EINVAL);
	CHECK_EQ(bh_ringbuf_consumer_add(NULL, &m, coll_cb, &col, NULL), -EINVAL);
	CHECK_EQ(bh_ringbuf_consumer_poll(NULL, 0), -EINVAL);
	CHECK_EQ(bh_ringbuf_consumer_consume(NULL), -EINVAL);
	CHECK_EQ(bh_ringbuf_consumer_epoll_fd(NULL), -EINVAL);
	CHECK(bh_ringbuf_consumer_epoll_fd(c) >= 0);
	bh_ringbuf_consumer_free(c);
	bh_ringbuf_consumer_free(NULL);
	bh_log_free(&log);
	rb_unmake(&m);
}

TEST(ringbuf_multi_ring)
{
	struct coll c1 = { .content_ok = true }, c2 = { .content_ok = true };
	struct bh_ringbuf_consumer *c;
	struct bh_map m1, m2;

	CHECK_EQ(rb_make(&m1, 4096, -1), 0);
	CHECK_EQ(rb_make(&m2, 8192, -1), 0);
	c = bh_ringbuf_consumer_new(&m1, coll_cb, &c1, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK_EQ(bh_ringbuf_consumer_add(c, &m2, coll_cb, &c2, NULL), 0);
	CHECK_EQ(out(&m1, 11, 1, 0), 0);
	CHECK_EQ(out(&m2, 22, 2, 0), 0);
	CHECK_EQ(out(&m2, 33, 3, 0), 0);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 1000), 3);
	CHECK_EQ(c1.n, 1);
	CHECK_EQ(c2.n, 2);
	CHECK_EQ(c1.size[0], 11);
	CHECK_EQ(c2.size[0], 22);
	CHECK_EQ(c2.size[1], 33);
	CHECK(c1.content_ok && c2.content_ok);
	/* a wakeup of the second ring alone */
	CHECK_EQ(out(&m2, 5, 9, 0), 0);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 1000), 1);
	CHECK_EQ(c2.n, 3);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m1);
	rb_unmake(&m2);
}

struct late_producer {
	struct bh_map *m;
	int delay_ms;
	uint64_t flags;
};

static void *late_produce(void *arg)
{
	struct late_producer *lp = arg;
	unsigned char v[16] = { 1 };

	usleep((useconds_t)lp->delay_ms * 1000);
	bh_ringbuf_output(lp->m, v, sizeof(v), lp->flags);
	return NULL;
}

TEST(ringbuf_poll_latency)
{
	struct coll col = { .content_ok = true };
	struct late_producer lp = { .delay_ms = 50 };
	struct bh_ringbuf_consumer *c;
	struct bh_map m;
	pthread_t th;
	int64_t t0, dt;
	int n;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	lp.m = &m;
	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	/* nothing: poll times out */
	t0 = now_ms();
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 60), 0);
	dt = now_ms() - t0;
	CHECK_MSG(dt >= 50 && dt < 2000, "timeout poll took %lld ms", (long long)dt);

	/* a submit from another thread wakes a blocked poll at once */
	t0 = now_ms();
	CHECK_EQ(pthread_create(&th, NULL, late_produce, &lp), 0);
	n = bh_ringbuf_consumer_poll(c, 5000);
	dt = now_ms() - t0;
	pthread_join(th, NULL);
	CHECK_EQ(n, 1);
	CHECK_MSG(dt >= 40 && dt < 1000, "poll woke after %lld ms (submit at 50 ms)",
		  (long long)dt);

	/* NO_WAKEUP: the blocked poll sleeps until its timeout */
	lp.flags = BH_RB_NO_WAKEUP;
	lp.delay_ms = 10;
	t0 = now_ms();
	CHECK_EQ(pthread_create(&th, NULL, late_produce, &lp), 0);
	n = bh_ringbuf_consumer_poll(c, 300);
	dt = now_ms() - t0;
	pthread_join(th, NULL);
	CHECK_EQ(n, 0);
	CHECK_MSG(dt >= 250, "NO_WAKEUP poll returned after %lld ms", (long long)dt);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}

/* ---- multi-producer stress ---- */

#define ST_PRODUCERS 4
#define ST_RECORDS 50000

struct st_rec {
	uint32_t producer;
	uint32_t seq;
	unsigned char payload[56];
};

struct st_state {
	struct bh_map *m;
	uint32_t next[ST_PRODUCERS]; /* next expected seq per producer */
	uint64_t got[ST_PRODUCERS];
	uint64_t bad;
	int id_arg[ST_PRODUCERS];
};

static struct st_state st;

static bool st_discarded(uint32_t seq)
{
	return seq % 7 == 3;
}

static size_t st_size(uint32_t seq)
{
	return 8 + seq % 57;
}

static void *st_produce(void *arg)
{
	uint32_t p = (uint32_t) * (int *)arg, seq;
	struct st_rec r;
	size_t size;
	void *rec;

	for (seq = 0; seq < ST_RECORDS; seq++) {
		size = st_size(seq);
		r.producer = p;
		r.seq = seq;
		fill(r.payload, size - 8, (unsigned char)(seq * 3 + p));
		if (st_discarded(seq) || seq % 2) {
			while (!(rec = bh_ringbuf_reserve(st.m, size, 0)))
				sched_yield();
			memcpy(rec, &r, size);
			if (st_discarded(seq))
				bh_ringbuf_discard(rec, 0);
			else
				bh_ringbuf_submit(rec, seq % 64 == 1 ? BH_RB_FORCE_WAKEUP : 0);
		} else {
			while (bh_ringbuf_output(st.m, &r, size, 0) == -EAGAIN)
				sched_yield();
		}
	}
	return NULL;
}

static int st_cb(void *ctx, void *data, size_t size)
{
	struct st_rec r;
	unsigned char expect[56];

	(void)ctx;
	memset(&r, 0, sizeof(r));
	memcpy(&r, data, size < sizeof(r) ? size : sizeof(r));
	if (r.producer >= ST_PRODUCERS || size != st_size(r.seq) || st_discarded(r.seq)) {
		st.bad++;
		return 0;
	}
	while (st_discarded(st.next[r.producer]))
		st.next[r.producer]++;
	if (r.seq != st.next[r.producer])
		st.bad++;
	st.next[r.producer] = r.seq + 1;
	fill(expect, size - 8, (unsigned char)(r.seq * 3 + r.producer));
	if (memcmp(expect, r.payload, size - 8))
		st.bad++;
	st.got[r.producer]++;
	return 0;
}

TEST(ringbuf_stress_producers)
{
	struct bh_ringbuf_consumer *c;
	pthread_t th[ST_PRODUCERS];
	uint64_t expect = 0, total;
	int64_t deadline;
	struct bh_map m;
	uint32_t s;
	int i, n;

	for (s = 0; s < ST_RECORDS; s++)
		expect += !st_discarded(s);
	memset(&st, 0, sizeof(st));
	CHECK_EQ(rb_make(&m, 16384, -1), 0);
	st.m = &m;
	c = bh_ringbuf_consumer_new(&m, st_cb, NULL, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	for (i = 0; i < ST_PRODUCERS; i++) {
		st.id_arg[i] = i;
		CHECK_EQ(pthread_create(&th[i], NULL, st_produce, &st.id_arg[i]), 0);
	}
	deadline = now_ms() + 30000;
	do {
		n = bh_ringbuf_consumer_poll(c, 100);
		CHECK(n >= 0);
		for (total = 0, i = 0; i < ST_PRODUCERS; i++)
			total += st.got[i];
	} while (n >= 0 && total < expect * ST_PRODUCERS && now_ms() < deadline);
	for (i = 0; i < ST_PRODUCERS; i++)
		pthread_join(th[i], NULL);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 0);
	for (i = 0; i < ST_PRODUCERS; i++)
		CHECK_MSG(st.got[i] == expect, "producer %d: %llu of %llu records", i,
			  (unsigned long long)st.got[i], (unsigned long long)expect);
	CHECK_EQ(st.bad, 0);
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_AVAIL_DATA), 0);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}

/* ---- file-backed region, producer in a forked child ---- */

#define FK_RECORDS 3000

static int fk_child(const char *path)
{
	struct bh_map m;
	uint32_t seq, v[4];
	void *rec;
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || rb_attach_fd(&m, fd))
		return 2;
	for (seq = 0; seq < FK_RECORDS; seq++) {
		v[0] = seq;
		v[1] = ~seq;
		v[2] = seq * 7;
		v[3] = 0xc0ffee;
		if (seq % 10 == 9) {
			while (!(rec = bh_ringbuf_reserve(&m, sizeof(v), 0)))
				usleep(100);
			memcpy(rec, v, sizeof(v));
			bh_ringbuf_discard(rec, 0);
			continue;
		}
		while ((err = (int)bh_ringbuf_output(&m, v, sizeof(v), 0)) == -EAGAIN)
			usleep(100);
		if (err)
			return 3;
	}
	rb_unmake(&m);
	return 0;
}

struct fk_state {
	uint32_t next;
	uint32_t got;
	uint32_t bad;
};

static int fk_cb(void *ctx, void *data, size_t size)
{
	struct fk_state *s = ctx;
	uint32_t v[4];

	if (size != sizeof(v)) {
		s->bad++;
		return 0;
	}
	memcpy(v, data, sizeof(v));
	if (s->next % 10 == 9)
		s->next++;
	if (v[0] != s->next || v[1] != ~v[0] || v[2] != v[0] * 7 || v[3] != 0xc0ffee)
		s->bad++;
	s->next = v[0] + 1;
	s->got++;
	return 0;
}

TEST(ringbuf_file_backed_fork)
{
	char path[] = "/tmp/bpfhost-ringbuf-XXXXXX";
	struct fk_state fs = { 0 };
	struct bh_ringbuf_consumer *c = NULL;
	struct bh_map m, bad;
	int fd, status, n;
	int64_t deadline;
	pid_t pid;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_EQ(rb_make(&m, 8192, fd), 0);
	c = bh_ringbuf_consumer_new(&m, fk_cb, &fs, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;

	/* a second handle in this process has a view of its own */
	CHECK_EQ(rb_attach_fd(&bad, dup(fd)), 0);
	CHECK(bad.priv != NULL);
	CHECK_EQ(out(&bad, 16, 0, 0), 0);
	rb_unmake(&bad);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1);
	fs.next = 0;
	fs.got = 0;
	fs.bad = 0;

	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(fk_child(path));
	deadline = now_ms() + 20000;
	while (fs.got < FK_RECORDS - FK_RECORDS / 10 && now_ms() < deadline) {
		n = bh_ringbuf_consumer_poll(c, 100);
		CHECK(n >= 0);
		if (n < 0)
			break;
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 0);
	CHECK_EQ(fs.got, FK_RECORDS - FK_RECORDS / 10);
	CHECK_EQ(fs.bad, 0);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
	unlink(path);
}

TEST(ringbuf_open_rejects_bad_region)
{
	char path[] = "/tmp/bpfhost-ringbuf-XXXXXX";
	struct coll col = { .content_ok = true };
	struct bh_log log = BH_LOG_INIT;
	struct bh_map_region_hdr *hdr;
	struct bh_map m;
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	unlink(path);
	/* a region of the right size whose ring was never initialised */
	CHECK_EQ(ftruncate(fd, (off_t)(bh_page_size() + 4096)), 0);
	CHECK_EQ(rb_map_fd(&m, fd), 0);
	hdr = m.region;
	hdr->def.type = BPFHOST_MAP_TYPE_RINGBUF;
	hdr->def.max_entries = 4096;
	m.def = hdr->def;
	CHECK_EQ(m.ops->open(&m), -EINVAL);
	CHECK(m.priv == NULL);
	/* not open: every entry point refuses it */
	CHECK_EQ(out(&m, 8, 0, 0), -EINVAL);
	CHECK(bh_ringbuf_reserve(&m, 8, 0) == NULL);
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_RING_SIZE), 0);
	errno = 0;
	CHECK(bh_ringbuf_consumer_new(&m, coll_cb, &col, &log) == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "is not open in this process");
	bh_log_free(&log);
	/* initialised, but the definition does not fit the region */
	CHECK_EQ(m.ops->init(&m), 0);
	m.def.max_entries = 8192;
	CHECK_EQ(m.ops->open(&m), -EINVAL);
	m.def.max_entries = 4096;
	CHECK_EQ(m.ops->open(&m), 0);
	CHECK_EQ(out(&m, 8, 0, 0), 0);
	rb_unmake(&m);
}

/* An anonymous ring after fork(): each process keeps a ring of its own. */
TEST(ringbuf_anonymous_fork_private)
{
	struct coll col = { .content_ok = true };
	struct bh_ringbuf_consumer *c;
	struct bh_map m;
	int status, i;
	pid_t pid;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK_EQ(out(&m, 8, 0x10, 0), 0);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* the child starts with an empty ring and cannot disturb the parent's */
		bool ok = bh_ringbuf_query(&m, BH_RB_PROD_POS) == 0;

		for (i = 0; i < 100 && ok; i++)
			ok = out(&m, 200, 0x77, 0) == 0 && bh_ringbuf_consumer_consume(c) == 1;
		_exit(ok ? 0 : 1);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(out(&m, 8, 0x20, 0), 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 2);
	CHECK_EQ(col.n, 2);
	CHECK_EQ(col.first[0], 0x10);
	CHECK_EQ(col.first[1], 0x20);
	CHECK(col.content_ok);
	CHECK_U64(bh_ringbuf_query(&m, BH_RB_PROD_POS), 32);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}

/* ---- through the map layer (once the type table lists the ring buffer) ---- */

static int rbl_cb(void *ctx, void *data, size_t size)
{
	uint32_t v;

	if (size != sizeof(v))
		return -1;
	memcpy(&v, data, sizeof(v));
	*(uint64_t *)ctx += v;
	return 0;
}

TEST(ringbuf_via_map_create)
{
	struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_RINGBUF, .max_entries = 8192 };
	char path[] = "/tmp/bpfhost-ringbuf-XXXXXX";
	struct bh_ringbuf_consumer *c = NULL;
	struct bh_log log = BH_LOG_INIT;
	struct bh_map *a = NULL, *b = NULL;
	uint64_t sum = 0, want = 0;
	int fd, status, n;
	int64_t deadline;
	bool created;
	uint32_t v;
	pid_t pid;

	if (bh_map_type_ops(BPFHOST_MAP_TYPE_RINGBUF) != &bh_ringbuf_map_ops)
		SKIP("the map type table does not list bh_ringbuf_map_ops yet");
	snprintf(def.name, sizeof(def.name), "events");

	/* definition errors come back through bh_map_create */
	def.max_entries = 12288;
	CHECK_EQ(bh_map_create(&def, NULL, &a, NULL, &log), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "power of 2");
	def.max_entries = 8192;

	/* anonymous */
	CHECK_EQ(bh_map_create(&def, NULL, &a, &created, NULL), 0);
	if (!a)
		goto out;
	c = bh_ringbuf_consumer_new(a, rbl_cb, &sum, NULL);
	CHECK(c != NULL);
	v = 5;
	CHECK_EQ(bh_ringbuf_output(a, &v, sizeof(v), 0), 0);
	CHECK_EQ(bh_ringbuf_consumer_poll(c, 1000), 1);
	CHECK_U64(sum, 5);
	bh_ringbuf_consumer_free(c);
	c = NULL;
	bh_map_put(a);
	a = NULL;

	/* file-backed: a creator, a second handle, and a forked child attaching */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		goto out;
	close(fd);
	unlink(path);
	CHECK_EQ(bh_map_create(&def, path, &a, &created, &log), 0);
	CHECK(created);
	CHECK_EQ(bh_map_create(&def, path, &b, &created, &log), 0);
	CHECK(!created);
	if (!a || !b)
		goto out;
	sum = 0;
	c = bh_ringbuf_consumer_new(a, rbl_cb, &sum, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	v = 7;
	CHECK_EQ(bh_ringbuf_output(b, &v, sizeof(v), 0), 0);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1);
	CHECK_U64(sum, 7);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct bh_map *m = NULL;
		uint32_t i;

		if (bh_map_create(&def, path, &m, NULL, NULL))
			_exit(2);
		for (i = 1; i <= 1000; i++)
			while (bh_ringbuf_output(m, &i, sizeof(i), 0) == -EAGAIN)
				usleep(100);
		bh_map_put(m);
		_exit(0);
	}
	want = 7 + 1000 * 1001 / 2;
	deadline = now_ms() + 10000;
	while (sum < want && now_ms() < deadline) {
		n = bh_ringbuf_consumer_poll(c, 100);
		CHECK(n >= 0);
		if (n < 0)
			break;
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_U64(sum, want);
out:
	bh_ringbuf_consumer_free(c);
	if (a)
		bh_map_put(a);
	if (b)
		bh_map_put(b);
	unlink(path);
	bh_log_free(&log);
}

/* A header no producer could have written: the consumer refuses to walk past it. */
TEST(ringbuf_corrupt_header)
{
	struct coll col = { .content_ok = true };
	struct bh_ringbuf_consumer *c;
	bpfhost_print_fn_t old;
	struct bh_map m;
	uint32_t *h;
	void *p;

	CHECK_EQ(rb_make(&m, 4096, -1), 0);
	c = bh_ringbuf_consumer_new(&m, coll_cb, &col, NULL);
	CHECK(c != NULL);
	p = bh_ringbuf_reserve(&m, 16, 0);
	CHECK(p != NULL);
	if (!c || !p)
		goto out;
	bh_ringbuf_submit(p, 0);
	h = (uint32_t *)((char *)p - BH_RINGBUF_HDR_SZ);
	h[0] = 4000; /* committed, but longer than what was produced */
	old = bpfhost_set_print(NULL);
	CHECK_EQ(bh_ringbuf_consumer_consume(c), -EBADMSG);
	h[0] = 1u << 29;
	CHECK_EQ(bh_ringbuf_consumer_consume(c), -EBADMSG);
	bpfhost_set_print(old);
	CHECK_EQ(col.n, 0);
	h[0] = 16;
	CHECK_EQ(bh_ringbuf_consumer_consume(c), 1);
out:
	bh_ringbuf_consumer_free(c);
	rb_unmake(&m);
}
