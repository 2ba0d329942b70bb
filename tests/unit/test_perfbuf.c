/* SPDX-License-Identifier: MIT */
/*
 * Perf event array tests: definition checks, every errno of the output
 * function, sample contents with CTXLEN capture, loss accounting (lost
 * records in stream order, pending losses, records that can never fit),
 * wakeups, consumer replacement and removal, slot iteration and deletion,
 * a forked child (no buffers of its own), and a multi-producer stress run
 * whose delivered and lost counts must add up. Maps are built by hand
 * around the ops, the way the map layer does it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/harness.h"
#include "maps/perf_event.h"
#include "maps/ringbuf.h"

static int pe_make(struct bh_map *m, uint32_t max_entries, unsigned ncpus)
{
	const struct bh_map_ops *ops = &bh_perf_event_array_map_ops;
	struct bh_map_region_hdr *hdr;
	int err;

	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->def.type = BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY;
	m->def.key_size = 4;
	m->def.value_size = 4;
	m->def.max_entries = max_entries;
	snprintf(m->def.name, sizeof(m->def.name), "events");
	m->ncpus = ncpus;
	m->refcnt = 1;
	m->shm_fd = -1;
	err = ops->check_def(&m->def, NULL);
	if (err)
		return err;
	m->region_size = ops->region_size(&m->def, ncpus);
	m->region = mmap(NULL, m->region_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (m->region == MAP_FAILED) {
		m->region = NULL;
		return -errno;
	}
	hdr = m->region;
	hdr->magic = BH_MAP_REGION_MAGIC;
	hdr->version = BH_MAP_REGION_VERSION;
	hdr->ncpus = ncpus;
	hdr->total_size = m->region_size;
	hdr->def = m->def;
	err = ops->init(m);
	if (!err && ops->open)
		err = ops->open(m);
	hdr->ready = 1;
	return err;
}

static void pe_unmake(struct bh_map *m)
{
	if (m->ops && m->ops->release)
		m->ops->release(m);
	free(m->priv);
	m->priv = NULL;
	if (m->region)
		munmap(m->region, m->region_size);
	m->region = NULL;
}

#define PC_MAX 256

/* Collected events: samples (lost == 0) and loss reports, in delivery order. */
struct pc {
	int n;
	int cpu[PC_MAX];
	uint32_t size[PC_MAX];
	uint64_t lost[PC_MAX];
	unsigned char data[PC_MAX][64];
	bool aligned;
	uint64_t lost_total;
	/* re-entrant output from the sample callback (loss-in-stream test) */
	struct bh_map *reenter_map;
	int reenter_at;
};

static void pc_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	struct pc *c = ctx;
	unsigned char v[16];

	if (c->n < PC_MAX) {
		c->cpu[c->n] = cpu;
		c->size[c->n] = size;
		c->lost[c->n] = 0;
		memcpy(c->data[c->n], data, size < 64 ? size : 64);
	}
	if ((uintptr_t)data & 7)
		c->aligned = false;
	c->n++;
	if (c->reenter_map && c->n == c->reenter_at) {
		memset(v, 0xee, sizeof(v));
		bh_perf_event_output(c->reenter_map, 0, v, sizeof(v), NULL, 0);
	}
}

static void pc_lost(void *ctx, int cpu, uint64_t cnt)
{
	struct pc *c = ctx;

	if (c->n < PC_MAX) {
		c->cpu[c->n] = cpu;
		c->size[c->n] = 0;
		c->lost[c->n] = cnt;
	}
	c->lost_total += cnt;
	c->n++;
}

static long put(struct bh_map *m, uint64_t flags, size_t size, unsigned char seed)
{
	static unsigned char buf[70000];
	size_t i;

	for (i = 0; i < size; i++)
		buf[i] = (unsigned char)(seed + i);
	return bh_perf_event_output(m, flags, buf, size, NULL, 0);
}

static bool pattern_ok(const unsigned char *p, size_t size, unsigned char seed)
{
	size_t i;

	for (i = 0; i < size && i < 64; i++)
		if (p[i] != (unsigned char)(seed + i))
			return false;
	return true;
}

static int epoll_ready(struct bh_perf_consumer *c)
{
	struct epoll_event ev;

	return epoll_wait(bh_perf_consumer_epoll_fd(c), &ev, 1, 0);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

TEST(perfbuf_check_def)
{
	const struct bh_map_ops *ops = &bh_perf_event_array_map_ops;
	struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY,
				  .key_size = 4,
				  .value_size = 4 };
	struct bh_log log = BH_LOG_INIT;
	struct bh_map m;

	CHECK_EQ(ops->check_def(&def, NULL), 0); /* max_entries 0: one slot per CPU */
	def.max_entries = 128;
	CHECK_EQ(ops->check_def(&def, NULL), 0);
	def.key_size = 8;
	CHECK_EQ(ops->check_def(&def, &log), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "key_size and value_size must be 4");
	def.key_size = 4;
	def.value_size = 0;
	CHECK_EQ(ops->check_def(&def, NULL), -EINVAL);
	def.value_size = 4;
	def.map_flags = 1u << 11;
	CHECK_EQ(ops->check_def(&def, &log), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "map_flags 0x800");
	bh_log_free(&log);

	/* region sizes follow the slot count */
	def.map_flags = 0;
	def.max_entries = 0;
	CHECK(ops->region_size(&def, 8) > ops->region_size(&def, 2));
	CHECK_EQ(pe_make(&m, 0, 3), 0);
	CHECK_EQ(bh_perf_event_array_slots(&m), 3);
	pe_unmake(&m);
	CHECK_EQ(pe_make(&m, 5, 3), 0);
	CHECK_EQ(bh_perf_event_array_slots(&m), 5);
	pe_unmake(&m);
}

TEST(perfbuf_output_errors)
{
	struct pc col = { .aligned = true };
	struct bh_perf_consumer *c;
	unsigned char ctx[8] = { 0 };
	struct bh_map m, other;

	CHECK_EQ(pe_make(&m, 4, 4), 0);
	/* no consumer: no buffers */
	CHECK_EQ(put(&m, 0, 8, 0), -ENOENT);
	CHECK_EQ(put(&m, 3, 8, 0), -ENOENT);
	/* checks that come before the slot */
	CHECK_EQ(put(&m, 4, 8, 0), -E2BIG);
	CHECK_EQ(put(&m, 1000, 8, 0), -E2BIG);
	CHECK_EQ(put(&m, 1ull << 52, 8, 0), -EINVAL);
	CHECK_EQ(put(&m, 1ull << 63, 8, 0), -EINVAL);
	CHECK_EQ(bh_perf_event_output(&m, 0, NULL, 8, NULL, 0), -EFAULT);
	CHECK_EQ(bh_perf_event_output(&m, 1ull << 32, ctx, 8, NULL, 0), -EFAULT);
	CHECK_EQ(bh_perf_event_output(&m, 9ull << 32, ctx, 8, ctx, 8), -EFAULT);
	other = m;
	other.ops = NULL;
	CHECK_EQ(put(&other, 0, 8, 0), -EINVAL);

	c = bh_perf_consumer_new(&m, 16, pc_sample, pc_lost, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK_EQ(put(&m, 0, 8, 0), 0);
	/* the perf record size is 16 bits: record header + raw size + pad + data */
	CHECK_EQ(put(&m, 1, 65512, 3), 0);
	CHECK_EQ(put(&m, 1, 65513, 3), -E2BIG);
	CHECK_EQ(put(&m, 1, 70000, 3), -E2BIG);
	CHECK_EQ(bh_perf_event_output(&m, 2 | (65509ull << 32), ctx, 4, ctx, 70000), -E2BIG);
	CHECK_EQ(bh_perf_consumer_consume(c), 2);
	CHECK_EQ(col.size[1], 65512);
	CHECK(pattern_ok(col.data[1], 64, 3));
	CHECK_EQ(col.lost_total, 0);
	bh_perf_consumer_free(c);
	/* buffers removed with the consumer */
	CHECK_EQ(put(&m, 0, 8, 0), -ENOENT);
out:
	pe_unmake(&m);
}

TEST(perfbuf_samples_and_ctxlen)
{
	struct pc col = { .aligned = true };
	unsigned char pkt[32], d[5] = { 1, 2, 3, 4, 5 };
	struct bh_perf_consumer *c;
	struct bh_map m;
	int cpu, i;

	for (i = 0; i < 32; i++)
		pkt[i] = (unsigned char)(0x80 + i);
	CHECK_EQ(pe_make(&m, 4, 4), 0);
	c = bh_perf_consumer_new(&m, 1, pc_sample, pc_lost, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK_EQ(put(&m, 2, 3, 10), 0);
	CHECK_EQ(put(&m, 0, 0, 0), 0);
	CHECK_EQ(put(&m, 2, 17, 20), 0);
	/* CTXLEN bytes of the context data come after the data */
	CHECK_EQ(bh_perf_event_output(&m, 3 | (7ull << 32), d, sizeof(d), pkt, sizeof(pkt)), 0);
	CHECK_EQ(bh_perf_event_output(&m, 3 | (32ull << 32), NULL, 0, pkt, sizeof(pkt)), 0);
	CHECK_EQ(bh_perf_consumer_consume(c), 5);
	CHECK_EQ(col.n, 5);
	/* slot order, then record order within a slot */
	CHECK_EQ(col.cpu[0], 0);
	CHECK_EQ(col.size[0], 0);
	CHECK_EQ(col.cpu[1], 2);
	CHECK_EQ(col.size[1], 3);
	CHECK(pattern_ok(col.data[1], 3, 10));
	CHECK_EQ(col.cpu[2], 2);
	CHECK_EQ(col.size[2], 17);
	CHECK(pattern_ok(col.data[2], 17, 20));
	CHECK_EQ(col.cpu[3], 3);
	CHECK_EQ(col.size[3], 12);
	CHECK(!memcmp(col.data[3], d, 5) && !memcmp(col.data[3] + 5, pkt, 7));
	CHECK_EQ(col.size[4], 32);
	CHECK(!memcmp(col.data[4], pkt, 32));
	CHECK(col.aligned);
	CHECK_EQ(col.lost_total, 0);

	/* BPF_F_CURRENT_CPU picks the calling thread's CPU */
	cpu = sched_getcpu();
	col.n = 0;
	if (cpu >= 0 && cpu < 4) {
		CHECK_EQ(put(&m, BH_F_CURRENT_CPU, 9, 1), 0);
		CHECK_EQ(bh_perf_consumer_consume(c), 1);
		/* the thread may have migrated between the two calls: accept any slot < 4 */
		CHECK(col.cpu[0] >= 0 && col.cpu[0] < 4);
		CHECK_EQ(col.size[0], 9);
	}
out:
	bh_perf_consumer_free(c);
	pe_unmake(&m);
}

TEST(perfbuf_lost_pending)
{
	struct pc col = { .aligned = true };
	struct bh_perf_consumer *c;
	struct bh_map m;
	int ok, fail, i;
	long err;

	CHECK_EQ(pe_make(&m, 1, 1), 0);
	c = bh_perf_consumer_new(&m, 1, pc_sample, pc_lost, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	/* 100-byte samples take 120 bytes: 4096 / 120 = 34 fit */
	for (ok = 0; (err = put(&m, 0, 100, (unsigned char)ok)) == 0; ok++)
		;
	CHECK_EQ(err, -ENOSPC);
	CHECK_EQ(ok, 4096 / 120);
	for (fail = 1; fail < 5; fail++)
		CHECK_EQ(put(&m, 0, 8, 0), -ENOSPC);
	CHECK_EQ(bh_perf_consumer_consume(c), ok + 1);
	CHECK_EQ(col.n, ok + 1);
	for (i = 0; i < ok; i++)
		CHECK(col.size[i] == 100 && pattern_ok(col.data[i], 100, (unsigned char)i));
	/* the losses come after every sample that preceded them */
	CHECK_U64(col.lost[ok], 5);
	CHECK_U64(col.lost_total, 5);
	CHECK_EQ(bh_perf_consumer_consume(c), 0);

	/* a record larger than the buffer is lost and wakes the drained consumer */
	CHECK_EQ(epoll_ready(c), 1);
	CHECK_EQ(bh_perf_consumer_poll(c, 0), 0);
	CHECK_EQ(epoll_ready(c), 0);
	CHECK_EQ(put(&m, 0, 5000, 0), -ENOSPC);
	CHECK_EQ(epoll_ready(c), 1);
	col.n = 0;
	CHECK_EQ(bh_perf_consumer_poll(c, 0), 1);
	CHECK_U64(col.lost[0], 1);
	CHECK_U64(col.lost_total, 6);
out:
	bh_perf_consumer_free(c);
	pe_unmake(&m);
}

TEST(perfbuf_lost_record_in_stream)
{
	struct pc col = { .aligned = true };
	struct bh_perf_consumer *c;
	struct bh_map m;
	int ok, i;

	CHECK_EQ(pe_make(&m, 1, 1), 0);
	c = bh_perf_consumer_new(&m, 1, pc_sample, NULL, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	bh_perf_consumer_free(c);
	c = bh_perf_consumer_new(&m, 1, pc_sample, pc_lost, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	/* 240-byte samples take 256 bytes: 16 fill the buffer */
	for (ok = 0; put(&m, 0, 240, (unsigned char)ok) == 0; ok++)
		;
	CHECK_EQ(ok, 16);
	CHECK_EQ(put(&m, 0, 16, 0), -ENOSPC);
	CHECK_EQ(put(&m, 0, 16, 0), -ENOSPC);
	CHECK_EQ(put(&m, 0, 16, 0), -ENOSPC);
	/*
	 * Once the consumer has freed two samples, a new sample fits together
	 * with the lost record that must precede it.
	 */
	col.reenter_map = &m;
	col.reenter_at = 2;
	CHECK_EQ(bh_perf_consumer_consume(c), 16 + 2);
	CHECK_EQ(col.n, 18);
	for (i = 0; i < 16; i++)
		CHECK(col.size[i] == 240 && col.lost[i] == 0);
	CHECK_U64(col.lost[16], 4); /* the attempt that found it full, and three more */
	CHECK_EQ(col.size[17], 16);
	CHECK_EQ(col.data[17][0], 0xee);
	CHECK_U64(col.lost_total, 4);
out:
	bh_perf_consumer_free(c);
	pe_unmake(&m);
}

struct late {
	struct bh_map *m;
	int delay_ms;
};

static void *late_put(void *arg)
{
	struct late *l = arg;

	usleep((useconds_t)l->delay_ms * 1000);
	put(l->m, 1, 24, 5);
	return NULL;
}

TEST(perfbuf_wakeup)
{
	struct pc col = { .aligned = true };
	struct late l = { .delay_ms = 50 };
	struct bh_perf_consumer *c;
	struct bh_map m;
	int64_t t0, dt;
	pthread_t th;
	int n;

	CHECK_EQ(pe_make(&m, 2, 2), 0);
	l.m = &m;
	c = bh_perf_consumer_new(&m, 2, pc_sample, pc_lost, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK_EQ(epoll_ready(c), 0);
	/* a drained buffer signals; one with unread records does not again */
	CHECK_EQ(put(&m, 0, 8, 0), 0);
	CHECK_EQ(epoll_ready(c), 1);
	CHECK_EQ(bh_perf_consumer_poll(c, 0), 1);
	CHECK_EQ(epoll_ready(c), 0);

	t0 = now_ms();
	CHECK_EQ(bh_perf_consumer_poll(c, 60), 0);
	dt = now_ms() - t0;
	CHECK_MSG(dt >= 50 && dt < 2000, "timeout poll took %lld ms", (long long)dt);

	t0 = now_ms();
	CHECK_EQ(pthread_create(&th, NULL, late_put, &l), 0);
	n = bh_perf_consumer_poll(c, 5000);
	dt = now_ms() - t0;
	pthread_join(th, NULL);
	CHECK_EQ(n, 1);
	CHECK_EQ(col.cpu[1], 1);
	CHECK_MSG(dt >= 40 && dt < 1000, "poll woke after %lld ms (output at 50 ms)",
		  (long long)dt);
out:
	bh_perf_consumer_free(c);
	pe_unmake(&m);
}

TEST(perfbuf_consumer_replace_free)
{
	struct pc c1 = { .aligned = true }, c2 = { .aligned = true };
	struct bh_perf_consumer *a, *b;
	struct bh_log log = BH_LOG_INIT;
	struct bh_map m, other;

	CHECK_EQ(pe_make(&m, 2, 2), 0);
	errno = 0;
	CHECK(bh_perf_consumer_new(&m, 0, pc_sample, pc_lost, &c1, &log) == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "page_cnt 0 must be a power of 2");
	errno = 0;
	CHECK(bh_perf_consumer_new(&m, 3, pc_sample, pc_lost, &c1, NULL) == NULL);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK(bh_perf_consumer_new(&m, 1, NULL, pc_lost, &c1, &log) == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "sample callback");
	other = m;
	other.ops = NULL;
	other.def.type = BPFHOST_MAP_TYPE_RINGBUF;
	errno = 0;
	CHECK(bh_perf_consumer_new(&other, 1, pc_sample, pc_lost, &c1, &log) == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "is not a perf event array");
	bh_log_free(&log);
	CHECK_EQ(bh_perf_consumer_poll(NULL, 0), -EINVAL);
	CHECK_EQ(bh_perf_consumer_consume(NULL), -EINVAL);
	CHECK_EQ(bh_perf_consumer_epoll_fd(NULL), -EINVAL);
	bh_perf_consumer_free(NULL);

	a = bh_perf_consumer_new(&m, 1, pc_sample, pc_lost, &c1, NULL);
	CHECK(a != NULL);
	CHECK_EQ(put(&m, 0, 8, 1), 0);
	/* a second consumer takes over every slot */
	b = bh_perf_consumer_new(&m, 2, pc_sample, pc_lost, &c2, NULL);
	CHECK(b != NULL);
	CHECK_EQ(put(&m, 0, 8, 2), 0);
	CHECK_EQ(put(&m, 1, 8, 3), 0);
	CHECK_EQ(bh_perf_consumer_consume(a), 1);
	CHECK_EQ(bh_perf_consumer_consume(b), 2);
	/* freeing the replaced one leaves the new buffers in place */
	bh_perf_consumer_free(a);
	CHECK_EQ(put(&m, 1, 8, 4), 0);
	CHECK_EQ(bh_perf_consumer_consume(b), 1);
	CHECK_EQ(c1.n, 1);
	CHECK_EQ(c2.n, 3);
	CHECK_EQ(c2.data[2][0], 4);
	bh_perf_consumer_free(b);
	CHECK_EQ(put(&m, 1, 8, 4), -ENOENT);
	pe_unmake(&m);
}

TEST(perfbuf_keys_and_delete)
{
	const struct bh_map_ops *ops = &bh_perf_event_array_map_ops;
	struct pc col = { .aligned = true };
	struct bh_perf_consumer *c;
	uint32_t k, next;
	struct bh_map m;

	CHECK_EQ(pe_make(&m, 3, 2), 0);
	CHECK_EQ(ops->get_next_key(&m, NULL, &next), 0);
	CHECK_EQ(next, 0);
	k = 0;
	CHECK_EQ(ops->get_next_key(&m, &k, &next), 0);
	CHECK_EQ(next, 1);
	k = 1;
	CHECK_EQ(ops->get_next_key(&m, &k, &next), 0);
	CHECK_EQ(next, 2);
	k = 2;
	CHECK_EQ(ops->get_next_key(&m, &k, &next), -ENOENT);
	k = 77;
	CHECK_EQ(ops->get_next_key(&m, &k, &next), 0);
	CHECK_EQ(next, 0);

	c = bh_perf_consumer_new(&m, 1, pc_sample, pc_lost, &col, NULL);
	CHECK(c != NULL);
	k = 1;
	CHECK_EQ(ops->delete (&m, &k), 0);
	CHECK_EQ(ops->delete (&m, &k), -ENOENT);
	k = 3;
	CHECK_EQ(ops->delete (&m, &k), -E2BIG);
	CHECK_EQ(put(&m, 1, 8, 0), -ENOENT);
	CHECK_EQ(put(&m, 2, 8, 0), 0);
	CHECK_EQ(bh_perf_consumer_consume(c), 1);
	bh_perf_consumer_free(c);
	pe_unmake(&m);
}

TEST(perfbuf_forked_child_has_no_buffers)
{
	struct pc col = { .aligned = true };
	struct bh_perf_consumer *c;
	struct bh_map m;
	int status;
	pid_t pid;

	CHECK_EQ(pe_make(&m, 2, 2), 0);
	c = bh_perf_consumer_new(&m, 1, pc_sample, pc_lost, &col, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK_EQ(put(&m, 0, 8, 0), 0);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(put(&m, 0, 8, 0) == -ENOENT && put(&m, 1, 8, 0) == -ENOENT ? 0 : 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(put(&m, 1, 8, 0), 0);
	CHECK_EQ(bh_perf_consumer_consume(c), 2);
out:
	bh_perf_consumer_free(c);
	pe_unmake(&m);
}

/* ---- multi-producer stress: 2 producers per slot, small buffers ---- */

#define PS_PRODUCERS 4
#define PS_ATTEMPTS 50000

struct ps_state {
	struct bh_map *m;
	int id[PS_PRODUCERS];
	uint64_t ok[PS_PRODUCERS], failed[PS_PRODUCERS];
	int64_t last[PS_PRODUCERS];
	uint64_t got[PS_PRODUCERS];
	uint64_t lost, bad;
	int done;
};

static struct ps_state ps;

static void *ps_produce(void *arg)
{
	int p = *(int *)arg;
	uint32_t v[6];
	uint32_t seq;
	long err;

	for (seq = 0; seq < PS_ATTEMPTS; seq++) {
		v[0] = (uint32_t)p;
		v[1] = seq;
		v[2] = seq ^ 0x5555u;
		v[3] = v[4] = v[5] = seq * 3u;
		err = bh_perf_event_output(ps.m, (uint64_t)(p % 2), v, 8 + 4 * (seq % 5), NULL, 0);
		if (err == 0)
			ps.ok[p]++;
		else if (err == -ENOSPC)
			ps.failed[p]++;
		else
			__atomic_add_fetch(&ps.bad, 1, __ATOMIC_RELAXED);
		if (seq % 256 == 0)
			sched_yield();
	}
	__atomic_add_fetch(&ps.done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void ps_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	uint32_t v[6] = { 0 };
	uint32_t p, seq;

	(void)ctx;
	memcpy(v, data, size < sizeof(v) ? size : sizeof(v));
	p = v[0];
	seq = v[1];
	if (p >= PS_PRODUCERS || (int)(p % 2) != cpu || size != 8 + 4 * (seq % 5) ||
	    (int64_t)seq <= ps.last[p] || (size > 8 && v[2] != (seq ^ 0x5555u))) {
		ps.bad++;
		return;
	}
	ps.last[p] = seq;
	ps.got[p]++;
}

static void ps_lost(void *ctx, int cpu, uint64_t cnt)
{
	(void)ctx;
	(void)cpu;
	ps.lost += cnt;
}

TEST(perfbuf_stress_producers)
{
	struct bh_perf_consumer *c;
	pthread_t th[PS_PRODUCERS];
	uint64_t ok = 0, failed = 0;
	struct bh_map m;
	int i, n;

	memset(&ps, 0, sizeof(ps));
	for (i = 0; i < PS_PRODUCERS; i++)
		ps.last[i] = -1;
	CHECK_EQ(pe_make(&m, 2, 2), 0);
	ps.m = &m;
	c = bh_perf_consumer_new(&m, 1, ps_sample, ps_lost, NULL, NULL);
	CHECK(c != NULL);
	if (!c)
		goto out;
	for (i = 0; i < PS_PRODUCERS; i++) {
		ps.id[i] = i;
		CHECK_EQ(pthread_create(&th[i], NULL, ps_produce, &ps.id[i]), 0);
	}
	while (__atomic_load_n(&ps.done, __ATOMIC_ACQUIRE) < PS_PRODUCERS) {
		n = bh_perf_consumer_poll(c, 50);
		CHECK(n >= 0);
		if (n < 0)
			break;
	}
	for (i = 0; i < PS_PRODUCERS; i++)
		pthread_join(th[i], NULL);
	CHECK(bh_perf_consumer_consume(c) >= 0);
	for (i = 0; i < PS_PRODUCERS; i++) {
		CHECK_MSG(ps.got[i] == ps.ok[i], "producer %d: %llu delivered, %llu written", i,
			  (unsigned long long)ps.got[i], (unsigned long long)ps.ok[i]);
		ok += ps.ok[i];
		failed += ps.failed[i];
	}
	CHECK_U64(ok + failed, (uint64_t)PS_PRODUCERS * PS_ATTEMPTS);
	CHECK_U64(ps.lost, failed);
	CHECK_EQ(ps.bad, 0);
out:
	bh_perf_consumer_free(c);
	pe_unmake(&m);
}

/* ---- through the map layer (once the type table lists the perf event array) ---- */

TEST(perfbuf_via_map_create)
{
	struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY,
				  .key_size = 4,
				  .value_size = 4 };
	struct pc col = { .aligned = true };
	struct bh_log log = BH_LOG_INIT;
	struct bh_perf_consumer *c;
	struct bh_map *m = NULL;
	unsigned i;

	if (bh_map_type_ops(BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY) != &bh_perf_event_array_map_ops)
		SKIP("the map type table does not list bh_perf_event_array_map_ops yet");
	snprintf(def.name, sizeof(def.name), "events");
	def.value_size = 8;
	CHECK_EQ(bh_map_create(&def, NULL, &m, NULL, &log), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "must be 4");
	bh_log_free(&log);
	def.value_size = 4;
	/* max_entries 0: one slot per CPU */
	CHECK_EQ(bh_map_create(&def, NULL, &m, NULL, NULL), 0);
	if (!m)
		return;
	CHECK_EQ(bh_perf_event_array_slots(m), bh_map_ncpus());
	c = bh_perf_consumer_new(m, 2, pc_sample, pc_lost, &col, NULL);
	CHECK(c != NULL);
	for (i = 0; i < bh_map_ncpus() && i < 16; i++)
		CHECK_EQ(put(m, i, 12, (unsigned char)i), 0);
	CHECK_EQ(put(m, bh_map_ncpus(), 12, 0), -E2BIG);
	CHECK_EQ(put(m, BH_F_CURRENT_CPU, 12, 0), 0);
	CHECK_EQ(bh_perf_consumer_poll(c, 1000), (int)(i + 1));
	CHECK_EQ(col.lost_total, 0);
	bh_perf_consumer_free(c);
	bh_map_put(m);
}
