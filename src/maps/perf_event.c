/* SPDX-License-Identifier: MIT */
/*
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: per-CPU sample buffers.
 *
 * The region holds one 64-byte slot per CPU: a spinlock, the address of the
 * slot's buffer and the token of the process that installed it. Buffers are
 * created by a consumer in its own process (as Linux's perf_buffer__new
 * opens a perf event per CPU and stores its fd in the array); a producer
 * writes to a slot only if the slot's token is its own process's, so a
 * process sharing the region (other process, forked child: the token is
 * renewed at fork) sees -ENOENT instead of a foreign pointer.
 *
 * A buffer is a header page then 2^n data pages mapped twice back to back
 * (memfd), so records never wrap. Producers append under the slot lock
 * (several threads may target one slot, unlike Linux's per-CPU producers):
 *   sample: {u32 type = 9, u16 misc, u16 size} u32 raw_size, u32 pad, raw
 *           data (8-byte aligned), zero padding to 8 bytes;
 *   lost:   {u32 type = 2, u16 misc, u16 size = 24} u64 id, u64 count.
 * A full buffer counts the sample as lost; the next sample that fits is
 * preceded by a lost record, and a consumer that drained the buffer
 * collects pending losses itself, so every loss is reported, in order.
 * Wakeups: one eventfd per consumer, signalled when a producer writes into a
 * buffer the consumer had drained (seq_cst store-then-load on both sides, as in ringbuf.c).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "maps/perf_event.h"
#include "maps/ringbuf.h"

#define PE_CTL_OFF BH_MAP_HDR_SIZE
#define PE_SLOTS_OFF (BH_MAP_HDR_SIZE + 128)
#define PE_MAGIC 0x52524145504842ull /* "BHPEARR" */
#define PE_ALIGN8(x) (((uint64_t)(x) + 7) & ~(uint64_t)7)
#define PE_SAMPLE_HDR 16u /* record header, raw size, pad */
#define PE_LOST_SZ 24
#define PE_MAX_RECORD 0xffffu	 /* perf record sizes are 16-bit */
#define PE_MAX_DATA (1ull << 30) /* bytes of one slot buffer */

struct pe_ctl {
	uint64_t magic;
	uint32_t nslots;
	uint32_t pad;
};

struct pe_slot {
	uint32_t lock;
	uint32_t pad;
	uint64_t buf;	/* buffer address in the owner's process; 0: none */
	uint64_t owner; /* token of the owner process */
	uint64_t pad2[5];
};

/* Header page of a slot buffer (process-local memory). */
struct pe_buf {
	uint64_t mask;	   /* data bytes - 1 */
	uint64_t data_off; /* from this header to the data */
	int efd;	   /* the consumer's eventfd */
	uint32_t slot;
	/* under the slot lock */
	uint64_t head __attribute__((aligned(128)));
	uint64_t lost; /* losses not yet reported */
	/* consumer only */
	uint64_t tail __attribute__((aligned(128)));
};

struct pe_rec_hdr {
	uint32_t type;
	uint16_t misc;
	uint16_t size;
};

_Static_assert(sizeof(struct bh_map_region_hdr) <= PE_CTL_OFF, "region header too large");
_Static_assert(PE_CTL_OFF + sizeof(struct pe_ctl) <= PE_SLOTS_OFF, "control too large");
_Static_assert(sizeof(struct pe_slot) == 64, "a slot is one cache line");
_Static_assert(sizeof(struct pe_buf) <= 4096, "buffer header fits a page");

static inline bool pe_is_perf(const struct bh_map *map)
{
	return map && map->ops == &bh_perf_event_array_map_ops;
}

static unsigned pe_slots_of(const struct bh_map_def *def, unsigned ncpus)
{
	if (def->max_entries)
		return def->max_entries;
	return ncpus ? ncpus : 1;
}

unsigned bh_perf_event_array_slots(const struct bh_map *map)
{
	return pe_slots_of(&map->def, map->ncpus);
}

static inline struct pe_slot *pe_slot(const struct bh_map *map, unsigned i)
{
	return (struct pe_slot *)bh_map_ptr(map, PE_SLOTS_OFF) + i;
}

/* ---- process token ---- */

static uint64_t pe_token_val;
static pthread_once_t pe_token_once = PTHREAD_ONCE_INIT;

static void pe_new_token(void)
{
	struct timespec ts;
	uint64_t t = 0;

	while (!t) {
		if (getrandom(&t, sizeof(t), GRND_NONBLOCK) != (ssize_t)sizeof(t)) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			t = ((uint64_t)getpid() << 32) ^ ((uint64_t)ts.tv_sec << 20) ^
			    (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)&ts;
		}
	}
	__atomic_store_n(&pe_token_val, t, __ATOMIC_RELAXED);
}

static void pe_token_init(void)
{
	pe_new_token();
	/* A forked child gets a token of its own: the parent's buffers are not its. */
	pthread_atfork(NULL, NULL, pe_new_token);
}

static uint64_t pe_token(void)
{
	pthread_once(&pe_token_once, pe_token_init);
	return __atomic_load_n(&pe_token_val, __ATOMIC_RELAXED);
}

/* ---- map ops ---- */

static int pe_check_def(const struct bh_map_def *def, struct bh_log *log)
{
	if (def->key_size != 4 || def->value_size != 4) {
		bh_map_log(log, def, "key_size and value_size must be 4 (got %u and %u)",
			   def->key_size, def->value_size);
		return -EINVAL;
	}
	if (def->map_flags) {
		bh_map_log(log, def, "map_flags 0x%x not supported (must be 0)", def->map_flags);
		return -EINVAL;
	}
	return 0;
}

static size_t pe_region_size(const struct bh_map_def *def, unsigned ncpus)
{
	return PE_SLOTS_OFF + (size_t)pe_slots_of(def, ncpus) * sizeof(struct pe_slot);
}

static int pe_check_region(const struct bh_map *map)
{
	if (!pe_is_perf(map) || !map->region ||
	    map->region_size < pe_region_size(&map->def, map->ncpus))
		return -EINVAL;
	return 0;
}

static int pe_init(struct bh_map *map)
{
	struct pe_ctl *ctl = bh_map_ptr(map, PE_CTL_OFF);
	int err = pe_check_region(map);

	if (err)
		return err;
	ctl->nslots = bh_perf_event_array_slots(map);
	__atomic_store_n(&ctl->magic, PE_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

static int pe_get_next_key(struct bh_map *map, const void *key, void *next_key)
{
	uint32_t n = bh_perf_event_array_slots(map), idx, next;

	if (key)
		memcpy(&idx, key, sizeof(idx));
	if (!key || idx >= n)
		next = 0;
	else if (idx == n - 1)
		return -ENOENT;
	else
		next = idx + 1;
	memcpy(next_key, &next, sizeof(next));
	return 0;
}

/* Remove the buffer of a slot (Linux: delete the perf event from the array). */
static int pe_delete(struct bh_map *map, const void *key)
{
	struct pe_slot *s;
	uint32_t idx;
	bool had;

	memcpy(&idx, key, sizeof(idx));
	if (idx >= bh_perf_event_array_slots(map))
		return -E2BIG;
	s = pe_slot(map, idx);
	bh_spin_lock(&s->lock);
	had = s->buf != 0;
	s->buf = 0;
	s->owner = 0;
	bh_spin_unlock(&s->lock);
	return had ? 0 : -ENOENT;
}

const struct bh_map_ops bh_perf_event_array_map_ops = {
	.check_def = pe_check_def,
	.region_size = pe_region_size,
	.init = pe_init,
	.delete = pe_delete,
	.get_next_key = pe_get_next_key,
};

/* ---- program side ---- */

static void pe_signal(int efd)
{
	uint64_t one = 1;
	ssize_t r = write(efd, &one, sizeof(one));

	(void)r; /* EAGAIN: saturated, readable anyway */
}

static inline char *pe_data(const struct pe_buf *b)
{
	return (char *)b + b->data_off;
}

static void pe_put_sample(char *p, uint64_t rec, const void *data, uint64_t size,
			  const void *ctx_data, uint64_t ctxlen)
{
	struct pe_rec_hdr h = { .type = BH_PERF_RECORD_SAMPLE, .size = (uint16_t)rec };
	uint32_t raw[2] = { (uint32_t)(size + ctxlen), 0 };
	uint64_t end = PE_SAMPLE_HDR + size + ctxlen;

	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), raw, sizeof(raw));
	if (size)
		memcpy(p + PE_SAMPLE_HDR, data, size);
	if (ctxlen)
		memcpy(p + PE_SAMPLE_HDR + size, ctx_data, ctxlen);
	memset(p + end, 0, rec - end);
}

static void pe_put_lost(char *p, uint64_t lost)
{
	struct pe_rec_hdr h = { .type = BH_PERF_RECORD_LOST, .size = PE_LOST_SZ };
	uint64_t id = 0;

	memcpy(p, &h, sizeof(h));
	memcpy(p + 8, &id, sizeof(id));
	memcpy(p + 16, &lost, sizeof(lost));
}

long bh_perf_event_output(struct bh_map *map, uint64_t flags, const void *data, uint64_t size,
			  const void *ctx_data, uint64_t ctx_data_len)
{
	uint64_t idx = flags & BH_F_INDEX_MASK, ctxlen = (flags & BH_F_CTXLEN_MASK) >> 32;
	uint64_t rec, need, head, tail, lost, token;
	struct pe_slot *s;
	struct pe_buf *b;
	char *p;

	if ((flags & ~(BH_F_INDEX_MASK | BH_F_CTXLEN_MASK)) || !pe_is_perf(map))
		return -EINVAL;
	if (idx == BH_F_CURRENT_CPU)
		idx = bh_map_this_cpu(map);
	if (idx >= bh_perf_event_array_slots(map))
		return -E2BIG;
	if (ctxlen > ctx_data_len || (ctxlen && !ctx_data) || (size && !data))
		return -EFAULT;
	if (size > PE_MAX_RECORD)
		return -E2BIG;
	rec = PE_ALIGN8(PE_SAMPLE_HDR + size + ctxlen);
	if (rec > PE_MAX_RECORD)
		return -E2BIG;
	token = pe_token();

	s = pe_slot(map, (unsigned)idx);
	bh_spin_lock(&s->lock);
	b = (struct pe_buf *)(uintptr_t)s->buf;
	if (!b || s->owner != token) {
		bh_spin_unlock(&s->lock);
		return -ENOENT;
	}
	head = b->head;
	tail = __atomic_load_n(&b->tail, __ATOMIC_ACQUIRE);
	lost = b->lost;
	need = rec + (lost ? PE_LOST_SZ : 0);
	if (need > b->mask + 1 - (head - tail)) {
		/*
		 * A consumer that drained the buffer will not look again by itself:
		 * wake it to collect the loss (seq_cst pair with its final look).
		 */
		__atomic_store_n(&b->lost, lost + 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&b->tail, __ATOMIC_SEQ_CST) == head)
			pe_signal(b->efd);
		bh_spin_unlock(&s->lock);
		return -ENOSPC;
	}
	p = pe_data(b) + (head & b->mask);
	if (lost) {
		pe_put_lost(p, lost);
		p += PE_LOST_SZ;
		__atomic_store_n(&b->lost, 0, __ATOMIC_RELAXED);
	}
	pe_put_sample(p, rec, data, size, ctx_data, ctxlen);
	/* seq_cst store then load, paired with the consumer's (see ringbuf.c) */
	__atomic_store_n(&b->head, head + need, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&b->tail, __ATOMIC_SEQ_CST) == head)
		pe_signal(b->efd);
	bh_spin_unlock(&s->lock);
	return 0;
}

/* ---- consumer ---- */

struct bh_perf_consumer {
	struct bh_map *map;
	unsigned n;
	struct pe_buf **bufs;
	size_t span; /* bytes mapped per buffer */
	int efd, epfd;
	bh_perf_sample_fn sample_fn;
	bh_perf_lost_fn lost_fn;
	void *ctx;
};

static struct pe_buf *pe_buf_new(size_t data_sz, size_t span, int efd, unsigned slot)
{
	size_t page = bh_page_size();
	struct pe_buf *b;
	char *base;
	int fd, err;

	base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base, page, PROT_READ | PROT_WRITE))
		goto fail;
	fd = memfd_create("bpfhost-perfbuf", MFD_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (ftruncate(fd, (off_t)data_sz)) {
		close(fd);
		goto fail;
	}
	err = bh_mirror_map(base + page, fd, 0, data_sz);
	close(fd);
	if (err) {
		errno = -err;
		goto fail;
	}
	b = (struct pe_buf *)base;
	b->mask = data_sz - 1;
	b->data_off = page;
	b->efd = efd;
	b->slot = slot;
	return b;
fail:
	err = errno;
	munmap(base, span);
	errno = err;
	return NULL;
}

static bool pe_buf_ready(const struct pe_buf *b)
{
	return __atomic_load_n(&b->head, __ATOMIC_ACQUIRE) !=
		       __atomic_load_n(&b->tail, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&b->lost, __ATOMIC_RELAXED);
}

static int pe_corrupt(const struct bh_perf_consumer *c, unsigned i, uint64_t pos)
{
	bh_pr(BPFHOST_WARN, "perf_event_array '%.*s': corrupt record in slot %u at position %llu\n",
	      BH_MAP_NAME_LEN, c->map->def.name, i, (unsigned long long)pos);
	return -EBADMSG;
}

static int pe_consume_slot(struct bh_perf_consumer *c, unsigned i, int64_t *cnt)
{
	struct pe_buf *b = c->bufs[i];
	uint64_t tail = b->tail, head, lost;
	struct pe_rec_hdr h;
	struct pe_slot *s;
	uint32_t raw;
	char *p;

	for (;;) {
		head = __atomic_load_n(&b->head, __ATOMIC_ACQUIRE);
		while (tail < head) {
			p = pe_data(b) + (tail & b->mask);
			memcpy(&h, p, sizeof(h));
			if (h.size < sizeof(h) || (h.size & 7) || h.size > head - tail)
				return pe_corrupt(c, i, tail);
			if (h.type == BH_PERF_RECORD_SAMPLE) {
				memcpy(&raw, p + sizeof(h), sizeof(raw));
				if (h.size < PE_SAMPLE_HDR ||
				    raw > (uint32_t)h.size - PE_SAMPLE_HDR)
					return pe_corrupt(c, i, tail);
				c->sample_fn(c->ctx, (int)i, p + PE_SAMPLE_HDR, raw);
			} else if (h.type == BH_PERF_RECORD_LOST && h.size == PE_LOST_SZ) {
				memcpy(&lost, p + 16, sizeof(lost));
				if (c->lost_fn)
					c->lost_fn(c->ctx, (int)i, lost);
			} else {
				return pe_corrupt(c, i, tail);
			}
			(*cnt)++;
			tail += h.size;
			__atomic_store_n(&b->tail, tail, __ATOMIC_RELEASE);
		}
		/* Publish tail before the last look (pairs with the producer). */
		__atomic_store_n(&b->tail, tail, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&b->head, __ATOMIC_SEQ_CST) == tail)
			break;
	}
	/* Losses after the last record, which no later sample has reported yet. */
	if (__atomic_load_n(&b->lost, __ATOMIC_SEQ_CST)) {
		s = pe_slot(c->map, i);
		lost = 0;
		bh_spin_lock(&s->lock);
		if (__atomic_load_n(&b->head, __ATOMIC_RELAXED) == tail) {
			lost = b->lost;
			__atomic_store_n(&b->lost, 0, __ATOMIC_RELAXED);
		}
		bh_spin_unlock(&s->lock);
		if (lost) {
			if (c->lost_fn)
				c->lost_fn(c->ctx, (int)i, lost);
			(*cnt)++;
		}
	}
	return 0;
}

static int pe_consume_all(struct bh_perf_consumer *c)
{
	int64_t cnt = 0;
	unsigned i;
	int err;

	for (i = 0; i < c->n; i++) {
		err = pe_consume_slot(c, i, &cnt);
		if (err)
			return err;
	}
	return cnt > INT_MAX ? INT_MAX : (int)cnt;
}

int bh_perf_consumer_poll(struct bh_perf_consumer *c, int timeout_ms)
{
	struct epoll_event ev;
	bool ready = false;
	uint64_t v;
	unsigned i;
	int n;

	if (!c)
		return -EINVAL;
	for (i = 0; i < c->n && !ready; i++)
		ready = pe_buf_ready(c->bufs[i]);
	n = epoll_wait(c->epfd, &ev, 1, ready ? 0 : timeout_ms);
	if (n < 0)
		return -errno;
	if (n > 0 && read(c->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: another signal raced our read; nothing lost */
	}
	if (n > 0 || ready)
		return pe_consume_all(c);
	return 0;
}

int bh_perf_consumer_consume(struct bh_perf_consumer *c)
{
	if (!c)
		return -EINVAL;
	return pe_consume_all(c);
}

int bh_perf_consumer_epoll_fd(const struct bh_perf_consumer *c)
{
	return c ? c->epfd : -EINVAL;
}

void bh_perf_consumer_free(struct bh_perf_consumer *c)
{
	struct pe_slot *s;
	unsigned i;

	if (!c)
		return;
	for (i = 0; c->bufs && i < c->n; i++) {
		if (!c->bufs[i])
			continue;
		s = pe_slot(c->map, i);
		bh_spin_lock(&s->lock);
		if (s->buf == (uint64_t)(uintptr_t)c->bufs[i]) {
			s->buf = 0;
			s->owner = 0;
		}
		bh_spin_unlock(&s->lock);
		munmap(c->bufs[i], c->span);
	}
	if (c->epfd >= 0)
		close(c->epfd);
	if (c->efd >= 0)
		close(c->efd);
	free(c->bufs);
	free(c);
}

struct bh_perf_consumer *bh_perf_consumer_new(struct bh_map *map, size_t page_cnt,
					      bh_perf_sample_fn sample_fn, bh_perf_lost_fn lost_fn,
					      void *ctx, struct bh_log *log)
{
	struct epoll_event ev = { .events = EPOLLIN };
	size_t page = bh_page_size(), data_sz;
	struct bh_perf_consumer *c;
	uint64_t token;
	struct pe_slot *s;
	unsigned i;
	int err;

	if (!pe_is_perf(map) || pe_check_region(map)) {
		if (map)
			bh_logf(log,
				"perf buffer: map '%.*s' (type %u) is not a perf event array\n",
				BH_MAP_NAME_LEN, map->def.name, map->def.type);
		else
			bh_logf(log, "perf buffer: map is NULL\n");
		errno = EINVAL;
		return NULL;
	}
	if (!sample_fn) {
		bh_logf(log, "perf buffer: sample callback for map '%.*s' is NULL\n",
			BH_MAP_NAME_LEN, map->def.name);
		errno = EINVAL;
		return NULL;
	}
	if (!page_cnt || (page_cnt & (page_cnt - 1)) || page_cnt > PE_MAX_DATA / page) {
		bh_logf(log, "perf buffer: page_cnt %zu must be a power of 2 between 1 and %llu\n",
			page_cnt, (unsigned long long)(PE_MAX_DATA / page));
		errno = EINVAL;
		return NULL;
	}
	data_sz = page_cnt * page;

	c = calloc(1, sizeof(*c));
	if (!c) {
		bh_logf(log, "perf buffer: out of memory\n");
		errno = ENOMEM;
		return NULL;
	}
	c->map = map;
	c->n = bh_perf_event_array_slots(map);
	c->span = page + 2 * data_sz;
	c->sample_fn = sample_fn;
	c->lost_fn = lost_fn;
	c->ctx = ctx;
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->epfd < 0 || c->efd < 0) {
		err = errno;
		bh_logf(log, "perf buffer: %s: %s\n", c->epfd < 0 ? "epoll_create1" : "eventfd",
			strerror(err));
		goto fail;
	}
	ev.data.u32 = 0;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->efd, &ev)) {
		err = errno;
		bh_logf(log, "perf buffer: epoll_ctl: %s\n", strerror(err));
		goto fail;
	}
	c->bufs = calloc(c->n, sizeof(*c->bufs));
	if (!c->bufs) {
		err = ENOMEM;
		bh_logf(log, "perf buffer: out of memory\n");
		goto fail;
	}
	for (i = 0; i < c->n; i++) {
		c->bufs[i] = pe_buf_new(data_sz, c->span, c->efd, i);
		if (!c->bufs[i]) {
			err = errno;
			bh_logf(log,
				"perf buffer: cannot map the buffer of slot %u (%zu pages): %s\n",
				i, page_cnt, strerror(err));
			goto fail;
		}
	}
	token = pe_token();
	for (i = 0; i < c->n; i++) {
		s = pe_slot(map, i);
		bh_spin_lock(&s->lock);
		s->buf = (uint64_t)(uintptr_t)c->bufs[i];
		s->owner = token;
		bh_spin_unlock(&s->lock);
	}
	return c;
fail:
	bh_perf_consumer_free(c);
	errno = err;
	return NULL;
}
