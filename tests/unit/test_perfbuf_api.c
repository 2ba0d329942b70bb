/* SPDX-License-Identifier: MIT */
/*
 * Public perf buffer consumer (bpfhost_perf_buffer__*): refusals with errno
 * and message (bad fd, wrong map type, bad page_cnt, no callback, bad
 * options), samples with their slot, loss reports, the epoll fd, buffers
 * removed by __free, the map reference held after the fd is closed, and
 * samples written by a program through bpf_perf_event_output.
 */
#include <stdarg.h>
#include <sys/epoll.h>

#include "maps/map.h"
#include "maps/perf_event.h"
#include "runtime/runtime.h"
#include "test_runtime_util.h"

static char pbp_buf[4096];
static size_t pbp_len;

static int pbp_capture(enum bpfhost_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (pbp_len >= sizeof(pbp_buf) - 1)
		return 0;
	n = vsnprintf(pbp_buf + pbp_len, sizeof(pbp_buf) - pbp_len, fmt, ap);
	if (n > 0)
		pbp_len += (size_t)n < sizeof(pbp_buf) - pbp_len ? (size_t)n
								 : sizeof(pbp_buf) - pbp_len - 1;
	return n;
}

static void pbp_clear(void)
{
	pbp_buf[0] = '\0';
	pbp_len = 0;
}

struct pgot {
	int samples;
	int last_cpu;
	uint32_t last_size;
	unsigned char last[64];
	uint64_t lost;
	int lost_calls;
};

static void pgot_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	struct pgot *g = ctx;

	g->samples++;
	g->last_cpu = cpu;
	g->last_size = size;
	memcpy(g->last, data, size < sizeof(g->last) ? size : sizeof(g->last));
}

static void pgot_lost(void *ctx, int cpu, uint64_t cnt)
{
	struct pgot *g = ctx;

	g->lost += cnt;
	g->lost_calls++;
}

#define NSLOTS 4

static int pe_create(struct bpfhost *rt)
{
	return bpfhost_map_create(rt, BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY, "events", 4, 4, NSLOTS,
				  NULL);
}

/* A sample of size bytes (pattern from seed) into slot, as the helper would. */
static long emit(int fd, uint32_t slot, uint32_t size, unsigned char seed)
{
	unsigned char data[2048];
	struct bh_map *m;
	uint32_t i;
	long r;
	int err;

	for (i = 0; i < size && i < sizeof(data); i++)
		data[i] = (unsigned char)(seed + i);
	m = bh_fd_map(fd, &err);
	if (!m)
		return err;
	r = bh_perf_event_output(m, slot, data, size, NULL, 0);
	bh_map_put(m);
	return r;
}

TEST(pb_api_refusals)
{
	struct bpfhost *rt = rt_new();
	bpfhost_print_fn_t old = bpfhost_set_print(pbp_capture);
	struct bpfhost_perf_buffer *pb;
	struct pgot g = { 0 };
	int pe, ring;

	pe = pe_create(rt);
	ring = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_RINGBUF, "ring", 0, 0, 1u << 16, NULL);
	CHECK(pe > 0 && ring > 0);

	pbp_clear();
	pb = bpfhost_perf_buffer__new(999, 1, pgot_sample, pgot_lost, &g, NULL);
	CHECK(!pb);
	CHECK_EQ(errno, EBADF);
	CHECK_CONTAINS(pbp_buf, "perf_buffer: map fd 999: not an open bpfhost fd");

	pbp_clear();
	pb = bpfhost_perf_buffer__new(ring, 1, pgot_sample, pgot_lost, &g, NULL);
	CHECK(!pb);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(pbp_buf, "is a ringbuf map, not perf_event_array");

	pbp_clear();
	pb = bpfhost_perf_buffer__new(pe, 3, pgot_sample, pgot_lost, &g, NULL);
	CHECK(!pb);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(pbp_buf, "page_cnt 3 must be a power of 2");

	pbp_clear();
	pb = bpfhost_perf_buffer__new(pe, 1, NULL, pgot_lost, &g, NULL);
	CHECK(!pb);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(pbp_buf, "sample callback");

	{
		struct {
			struct bpfhost_perf_buffer_opts o;
			uint32_t extra;
		} big = { { .sz = sizeof(big) }, 7 };

		pbp_clear();
		pb = bpfhost_perf_buffer__new(pe, 1, pgot_sample, NULL, &g, &big.o);
		CHECK(!pb);
		CHECK_EQ(errno, EINVAL);
		CHECK_CONTAINS(pbp_buf, "struct bpfhost_perf_buffer_opts: byte 8 is set");
	}
	CHECK_EQ(bpfhost_perf_buffer__poll(NULL, 0), -EINVAL);
	CHECK_EQ(bpfhost_perf_buffer__consume(NULL), -EINVAL);
	CHECK_EQ(bpfhost_perf_buffer__epoll_fd(NULL), -EINVAL);
	bpfhost_perf_buffer__free(NULL);
	/* the refusals left no buffers behind */
	CHECK_EQ(emit(pe, 0, 8, 0), -ENOENT);
	bpfhost_set_print(old);
	bpfhost__free(rt);
}

TEST(pb_api_samples_losses_epoll)
{
	struct bpfhost *rt = rt_new();
	BPFHOST_OPTS_INIT(bpfhost_perf_buffer_opts, o);
	struct bpfhost_perf_buffer *pb;
	struct epoll_event ev;
	struct pgot g = { 0 };
	int pe, efd, i, written = 0, dropped = 0;
	long r;

	pe = pe_create(rt);
	pb = bpfhost_perf_buffer__new(pe, 1, pgot_sample, pgot_lost, &g, &o);
	CHECK(pb);
	if (!pb)
		goto out;
	efd = bpfhost_perf_buffer__epoll_fd(pb);
	CHECK(efd >= 0);
	CHECK_EQ(bpfhost_perf_buffer__poll(pb, 0), 0);
	CHECK_EQ(epoll_wait(efd, &ev, 1, 0), 0);

	CHECK_EQ(emit(pe, 2, 5, 0x10), 0);
	CHECK_EQ(epoll_wait(efd, &ev, 1, 1000), 1);
	CHECK_EQ(bpfhost_perf_buffer__poll(pb, 1000), 1);
	CHECK_EQ(g.samples, 1);
	CHECK_EQ(g.last_cpu, 2);
	CHECK_EQ(g.last_size, 5);
	CHECK_EQ(g.last[0], 0x10);
	CHECK_EQ(g.last[4], 0x14);
	CHECK_EQ(emit(pe, NSLOTS, 5, 0), -E2BIG);

	/* fill slot 1 until samples are lost; then everything is reported */
	for (i = 0; i < 20; i++) {
		r = emit(pe, 1, 1000, (unsigned char)i);
		if (r == 0)
			written++;
		else if (r == -ENOSPC)
			dropped++;
		else
			CHECK_EQ(r, 0);
	}
	CHECK(written > 0 && dropped > 0);
	g = (struct pgot){ 0 };
	r = bpfhost_perf_buffer__consume(pb);
	CHECK(r >= written + 1);
	CHECK_EQ(g.samples, written);
	CHECK_U64(g.lost, (uint64_t)dropped);
	CHECK(g.lost_calls >= 1);
	CHECK_EQ(g.last_cpu, 1);
	CHECK_EQ(g.last_size, 1000);

	bpfhost_perf_buffer__free(pb);
	/* the buffers went with the consumer */
	CHECK_EQ(emit(pe, 1, 8, 0), -ENOENT);
out:
	bpfhost__free(rt);
}

TEST(pb_api_holds_map_reference)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_perf_buffer *pb;
	struct pgot g = { 0 };
	struct bh_map *m;
	int pe, err;

	pe = pe_create(rt);
	m = bh_fd_map(pe, &err);
	CHECK(m);
	if (!m)
		goto out;
	pb = bpfhost_perf_buffer__new(pe, 2, pgot_sample, NULL, &g, NULL);
	CHECK(pb);
	CHECK_EQ(m->refcnt, 3);
	CHECK_EQ(bpfhost_close(pe), 0);
	CHECK_EQ(m->refcnt, 2);
	CHECK_EQ(bh_perf_event_output(m, 0, "xyz", 3, NULL, 0), 0);
	CHECK_EQ(bpfhost_perf_buffer__consume(pb), 1);
	CHECK_EQ(g.last_size, 3);
	CHECK(!memcmp(g.last, "xyz", 3));
	bpfhost_perf_buffer__free(pb);
	CHECK_EQ(m->refcnt, 1);
	bh_map_put(m);
out:
	bpfhost__free(rt);
}

/* bpf_perf_event_output(ctx, map, slot 3, &u32 0xabcd, 4) */
static const char *prog_pe = "stw [%%r10-4], 0xabcd\n"
			     "lddw %%r2, 0x%x\n"
			     "mov %%r3, 3\n"
			     "mov %%r4, %%r10\n"
			     "add %%r4, -4\n"
			     "mov %%r5, 4\n"
			     "call 25\n"
			     "exit\n";

TEST(pb_api_program_producer)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_perf_buffer *pb = NULL;
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct text t;
	struct pgot g = { 0 };
	char text[512], log[512] = "";
	int pe, prog, link;
	uint64_t v = 1;
	void *ctx = NULL;
	uint32_t val;

	text_init(&t, "pb_ext");
	ext = bpfhost_extension__register(rt, &t.ext);
	CHECK(ext);
	if (!ext)
		goto out;
	hook = bpfhost_extension__hook(ext, "thook");
	pe = pe_create(rt);
	snprintf(text, sizeof(text), prog_pe, 0x7fff0000 + pe);
	prog = rt_load(rt, "tprog", "pe_prog", text, log, sizeof(log));
	CHECK_MSG(prog > 0, "load: %d %s", prog, log);
	if (prog <= 0)
		goto out;
	link = bpfhost_link_create(prog, hook, NULL);
	CHECK(link > 0);
	ctx = bpfhost_ctx_alloc(bpfhost_extension__prog_type(ext, "tprog"), 0, 0);
	CHECK(ctx);
	if (!ctx)
		goto out;
	/* no consumer yet: the slot has no buffer */
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_EQ((int64_t)v, -ENOENT);
	pb = bpfhost_perf_buffer__new(pe, 1, pgot_sample, pgot_lost, &g, NULL);
	CHECK(pb);
	if (!pb)
		goto out;
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 0);
	CHECK_EQ(bpfhost_perf_buffer__poll(pb, 1000), 1);
	CHECK_EQ(g.samples, 1);
	CHECK_EQ(g.last_cpu, 3);
	CHECK_EQ(g.last_size, 4);
	memcpy(&val, g.last, 4);
	CHECK_EQ(val, 0xabcd);
out:
	bpfhost_perf_buffer__free(pb);
	if (ctx)
		bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}
