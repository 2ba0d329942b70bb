/* SPDX-License-Identifier: MIT */
/*
 * Public ring buffer consumer (bpfhost_ring_buffer__*): refusals with errno
 * and message (bad fd, wrong map type, no callback, bad options), records
 * in order, callback stop, several rings, the epoll fd, poll waking up for
 * a record from another thread, the map reference the consumer holds after
 * the fd is closed, and records written by a program through
 * bpf_ringbuf_output.
 */
#include <pthread.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "maps/map.h"
#include "maps/ringbuf.h"
#include "runtime/runtime.h"
#include "test_runtime_util.h"

#define RB_SIZE (1u << 16)

static char rbp_buf[4096];
static size_t rbp_len;

static int rbp_capture(enum bpfhost_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (rbp_len >= sizeof(rbp_buf) - 1)
		return 0;
	n = vsnprintf(rbp_buf + rbp_len, sizeof(rbp_buf) - rbp_len, fmt, ap);
	if (n > 0)
		rbp_len += (size_t)n < sizeof(rbp_buf) - rbp_len ? (size_t)n
								 : sizeof(rbp_buf) - rbp_len - 1;
	return n;
}

static void rbp_clear(void)
{
	rbp_buf[0] = '\0';
	rbp_len = 0;
}

struct got {
	int n;
	int stop_at; /* return -EINTR... at this record (1-based), 0: never */
	uint64_t sum;
	uint32_t last[4];
	size_t last_size;
};

static int got_cb(void *ctx, void *data, size_t size)
{
	struct got *g = ctx;

	g->n++;
	g->last_size = size;
	memcpy(g->last, data, size < sizeof(g->last) ? size : sizeof(g->last));
	if (size >= 4) {
		uint32_t v;

		memcpy(&v, data, 4);
		g->sum += v;
	}
	if (g->stop_at && g->n == g->stop_at)
		return -ECANCELED;
	return 0;
}

static int rb_create(struct bpfhost *rt, const char *name)
{
	return bpfhost_map_create(rt, BPFHOST_MAP_TYPE_RINGBUF, name, 0, 0, RB_SIZE, NULL);
}

/* Write one u32 record into the ring of fd (producer side, as a helper would). */
static long put(int fd, uint32_t v, uint64_t flags)
{
	int err;
	struct bh_map *m = bh_fd_map(fd, &err);
	long r;

	if (!m)
		return err;
	r = bh_ringbuf_output(m, &v, sizeof(v), flags);
	bh_map_put(m);
	return r;
}

TEST(rb_api_refusals)
{
	struct bpfhost *rt = rt_new();
	bpfhost_print_fn_t old = bpfhost_set_print(rbp_capture);
	struct bpfhost_ring_buffer *rb;
	struct got g = { 0 };
	int hash, ring;

	hash = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_HASH, "h", 4, 4, 4, NULL);
	ring = rb_create(rt, "ring");
	CHECK(hash > 0 && ring > 0);

	rbp_clear();
	errno = 0;
	rb = bpfhost_ring_buffer__new(777, got_cb, &g, NULL);
	CHECK(!rb);
	CHECK_EQ(errno, EBADF);
	CHECK_CONTAINS(rbp_buf, "ring_buffer: map fd 777: not an open bpfhost fd");

	rbp_clear();
	rb = bpfhost_ring_buffer__new(hash, got_cb, &g, NULL);
	CHECK(!rb);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(rbp_buf, "map 'h' (fd ");
	CHECK_CONTAINS(rbp_buf, "is a hash map, not ringbuf");

	rbp_clear();
	rb = bpfhost_ring_buffer__new(ring, NULL, &g, NULL);
	CHECK(!rb);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(rbp_buf, "sample callback");

	rbp_clear();
	{
		struct {
			struct bpfhost_ring_buffer_opts o;
			uint64_t extra;
		} big = { { .sz = sizeof(big) }, 1 };
		struct bpfhost_ring_buffer_opts zero = { 0 };

		rb = bpfhost_ring_buffer__new(ring, got_cb, &g, &big.o);
		CHECK(!rb);
		CHECK_EQ(errno, EINVAL);
		CHECK_CONTAINS(rbp_buf, "struct bpfhost_ring_buffer_opts: byte 8 is set");
		rb = bpfhost_ring_buffer__new(ring, got_cb, &g, &zero);
		CHECK(!rb);
		CHECK_EQ(errno, EINVAL);
	}

	rbp_clear();
	rb = bpfhost_ring_buffer__new(ring, got_cb, &g, NULL);
	CHECK(rb);
	CHECK_EQ(bpfhost_ring_buffer__add(rb, hash, got_cb, &g), -EINVAL);
	CHECK_EQ(bpfhost_ring_buffer__add(rb, -1, got_cb, &g), -EBADF);
	CHECK_EQ(bpfhost_ring_buffer__add(NULL, ring, got_cb, &g), -EINVAL);
	CHECK_EQ(bpfhost_ring_buffer__poll(NULL, 0), -EINVAL);
	CHECK_EQ(bpfhost_ring_buffer__consume(NULL), -EINVAL);
	CHECK_EQ(bpfhost_ring_buffer__epoll_fd(NULL), -EINVAL);
	/* still works after refused adds */
	CHECK_EQ(put(ring, 5, 0), 0);
	CHECK_EQ(bpfhost_ring_buffer__consume(rb), 1);
	CHECK_EQ(g.n, 1);
	bpfhost_ring_buffer__free(rb);
	bpfhost_ring_buffer__free(NULL);
	bpfhost_set_print(old);
	bpfhost__free(rt);
}

TEST(rb_api_records_stop_and_rings)
{
	struct bpfhost *rt = rt_new();
	BPFHOST_OPTS_INIT(bpfhost_ring_buffer_opts, o);
	struct bpfhost_ring_buffer *rb;
	struct got g1 = { 0 }, g2 = { 0 };
	int r1, r2;
	uint32_t i;

	r1 = rb_create(rt, "r1");
	r2 = rb_create(rt, "r2");
	rb = bpfhost_ring_buffer__new(r1, got_cb, &g1, &o);
	CHECK(rb);
	if (!rb)
		goto out;
	CHECK_EQ(bpfhost_ring_buffer__consume(rb), 0);
	CHECK_EQ(bpfhost_ring_buffer__poll(rb, 0), 0);
	for (i = 1; i <= 10; i++)
		CHECK_EQ(put(r1, i, 0), 0);
	CHECK_EQ(bpfhost_ring_buffer__consume(rb), 10);
	CHECK_EQ(g1.n, 10);
	CHECK_U64(g1.sum, 55);
	CHECK_EQ(g1.last_size, 4);
	CHECK_EQ(g1.last[0], 10);

	/* a negative callback return stops and is returned */
	g1 = (struct got){ .stop_at = 3 };
	for (i = 0; i < 5; i++)
		CHECK_EQ(put(r1, 1, 0), 0);
	CHECK_EQ(bpfhost_ring_buffer__consume(rb), -ECANCELED);
	CHECK_EQ(g1.n, 3);
	g1.stop_at = 0;
	CHECK_EQ(bpfhost_ring_buffer__consume(rb), 2);
	CHECK_EQ(g1.n, 5);

	/* a second ring with its own callback */
	CHECK_EQ(bpfhost_ring_buffer__add(rb, r2, got_cb, &g2), 0);
	CHECK_EQ(put(r1, 100, 0), 0);
	CHECK_EQ(put(r2, 200, 0), 0);
	CHECK_EQ(put(r2, 300, 0), 0);
	CHECK_EQ(bpfhost_ring_buffer__poll(rb, 100), 3);
	CHECK_U64(g2.sum, 500);
	CHECK_EQ(g2.n, 2);
	bpfhost_ring_buffer__free(rb);
out:
	bpfhost__free(rt);
}

TEST(rb_api_epoll_fd)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_ring_buffer *rb;
	struct epoll_event ev;
	struct got g = { 0 };
	int ring, efd;

	ring = rb_create(rt, "ring");
	rb = bpfhost_ring_buffer__new(ring, got_cb, &g, NULL);
	CHECK(rb);
	if (!rb)
		goto out;
	efd = bpfhost_ring_buffer__epoll_fd(rb);
	CHECK(efd >= 0);
	CHECK_EQ(epoll_wait(efd, &ev, 1, 0), 0);
	CHECK_EQ(put(ring, 9, BH_RB_FORCE_WAKEUP), 0);
	CHECK_EQ(epoll_wait(efd, &ev, 1, 1000), 1);
	CHECK_EQ(bpfhost_ring_buffer__consume(rb), 1);
	CHECK_EQ(g.last[0], 9);
	bpfhost_ring_buffer__free(rb);
out:
	bpfhost__free(rt);
}

struct later {
	int fd;
	int delay_ms;
};

static void *produce_later(void *arg)
{
	struct later *l = arg;

	usleep((useconds_t)l->delay_ms * 1000);
	put(l->fd, 42, 0);
	return NULL;
}

TEST(rb_api_poll_wakes_up)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_ring_buffer *rb;
	struct later l;
	struct got g = { 0 };
	pthread_t th;
	int ring, n;

	ring = rb_create(rt, "ring");
	rb = bpfhost_ring_buffer__new(ring, got_cb, &g, NULL);
	CHECK(rb);
	if (!rb)
		goto out;
	l = (struct later){ ring, 20 };
	CHECK_EQ(pthread_create(&th, NULL, produce_later, &l), 0);
	n = bpfhost_ring_buffer__poll(rb, 5000);
	pthread_join(th, NULL);
	if (n == 0) /* a very slow machine: the record comes after the wait */
		n = bpfhost_ring_buffer__poll(rb, 5000);
	CHECK_EQ(n, 1);
	CHECK_EQ(g.last[0], 42);
	bpfhost_ring_buffer__free(rb);
out:
	bpfhost__free(rt);
}

TEST(rb_api_holds_map_reference)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_ring_buffer *rb;
	struct got g = { 0 };
	struct bh_map *m;
	int ring, err;

	ring = rb_create(rt, "ring");
	m = bh_fd_map(ring, &err);
	CHECK(m);
	if (!m)
		goto out;
	CHECK_EQ(m->refcnt, 2);
	rb = bpfhost_ring_buffer__new(ring, got_cb, &g, NULL);
	CHECK(rb);
	CHECK_EQ(m->refcnt, 3);
	CHECK_EQ(bpfhost_close(ring), 0);
	CHECK_EQ(m->refcnt, 2);
	/* the consumer still reads the ring of the closed fd */
	CHECK_EQ(bh_ringbuf_output(m, "abcd", 4, 0), 0);
	CHECK_EQ(bpfhost_ring_buffer__consume(rb), 1);
	CHECK(!memcmp(g.last, "abcd", 4));
	bpfhost_ring_buffer__free(rb);
	CHECK_EQ(m->refcnt, 1);
	bh_map_put(m);
out:
	bpfhost__free(rt);
}

/* bpf_ringbuf_output(map, &u64 (cookie + 1), 8, 0) */
static const char *prog_rb = "stdw [%%r10-8], 0x1234\n"
			     "lddw %%r1, 0x%x\n"
			     "mov %%r2, %%r10\n"
			     "add %%r2, -8\n"
			     "mov %%r3, 8\n"
			     "mov %%r4, 0\n"
			     "call 130\n"
			     "exit\n";

TEST(rb_api_program_producer)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_extension *ext;
	struct bpfhost_ring_buffer *rb = NULL;
	struct bpfhost_hook *hook;
	struct text t;
	struct got g = { 0 };
	char text[512], log[512] = "";
	int ring, prog, link, i;
	uint64_t v = 1;
	void *ctx = NULL;

	text_init(&t, "rb_ext");
	ext = bpfhost_extension__register(rt, &t.ext);
	CHECK(ext);
	if (!ext)
		goto out;
	hook = bpfhost_extension__hook(ext, "thook");
	ring = rb_create(rt, "events");
	snprintf(text, sizeof(text), prog_rb, 0x7fff0000 + ring);
	prog = rt_load(rt, "tprog", "rb_prog", text, log, sizeof(log));
	CHECK_MSG(prog > 0, "load: %d %s", prog, log);
	if (prog <= 0)
		goto out;
	link = bpfhost_link_create(prog, hook, NULL);
	CHECK(link > 0);
	ctx = bpfhost_ctx_alloc(bpfhost_extension__prog_type(ext, "tprog"), 0, 0);
	rb = bpfhost_ring_buffer__new(ring, got_cb, &g, NULL);
	CHECK(rb && ctx);
	if (!rb || !ctx)
		goto out;
	for (i = 0; i < 3; i++) {
		CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
		CHECK_U64(v, 0);
	}
	CHECK_EQ(bpfhost_ring_buffer__poll(rb, 1000), 3);
	CHECK_EQ(g.n, 3);
	CHECK_EQ(g.last_size, 8);
	CHECK_EQ(g.last[0], 0x1234);
out:
	bpfhost_ring_buffer__free(rb);
	if (ctx)
		bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}
