/* SPDX-License-Identifier: MIT */
/*
 * BPF_MAP_TYPE_RINGBUF: Linux's multi-producer, single-consumer ring.
 *
 * Region (shared by every process that maps a file-backed map):
 *   0      struct bh_map_region_hdr (map layer)
 *   128    struct rb_ctl: producers' lock and pending position, then the
 *          consumer and producer positions on cache lines of their own
 *   page   data area, max_entries bytes
 * Process-local view, built by the open op in an address range of its own:
 *   0      struct rb_view (magic, ring control and data addresses)
 *   page   the data area, mapped from the backing file (file-backed maps) or
 *          a memfd (anonymous maps), and the same pages again right after,
 * so a record that wraps is contiguous for producers and consumer alike, as
 * Linux does with vmap. A record leads back to its view (submit and discard
 * only get the record) through the distance stored in its header, as
 * Linux's records lead back to struct bpf_ringbuf.
 *
 * Positions are free-running 64-bit byte counts. Producers reserve under
 * the spinlock in the region: each record starts with an 8-byte header
 * {len | BUSY, distance back to the view}; commit clears BUSY (and may set
 * DISCARD) without the lock, in any order. The consumer reads records in
 * order and stops at the first busy one. Wakeups are adaptive as in Linux:
 * a commit signals only when the consumer sits exactly at that record; both
 * sides use seq_cst store-then-load so a sleeping consumer is never missed.
 * The signal is an eventfd owned by the consumer, found through a
 * process-wide registry keyed by the ring's control address.
 * See docs/ringbuf.md for cross-process use and fork().
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "maps/ringbuf.h"

#define RB_CTL_OFF BH_MAP_HDR_SIZE
#define RB_MAGIC 0x46554252484250ull	  /* "PBHRBUF" */
#define RB_VIEW_MAGIC 0x57454956425242ull /* "BRBVIEW" */
#define RB_ALIGN8(x) (((uint64_t)(x) + 7) & ~(uint64_t)7)

struct rb_ctl {
	uint64_t magic;
	uint64_t mask;	      /* data bytes - 1 */
	uint64_t data_off;    /* region offset of the data area */
	uint64_t pending_pos; /* no busy record before this position (under lock) */
	uint32_t lock;	      /* producers' spinlock */
	uint32_t pad;
	/* written by the consumer only */
	uint64_t consumer_pos __attribute__((aligned(128)));
	/* written by producers under the lock */
	uint64_t producer_pos __attribute__((aligned(128)));
};

/* First page of a process-local view; the data follows one page later. */
struct rb_view {
	uint64_t magic;
	struct rb_ctl *ctl;
	char *data;
	uint64_t mask;
};

/* map->priv (heap; the map layer frees it after the release op). */
struct rb_priv {
	struct rb_view *view; /* start of the view's address range */
	size_t span;	      /* bytes of that range */
	bool anon;	      /* data in a memfd of this process */
	struct rb_priv *next; /* anonymous views, for fork() */
};

struct rb_rec_hdr {
	uint32_t len;	    /* data bytes | BUSY | DISCARD */
	uint32_t view_dist; /* bytes from struct rb_view to this header */
};

_Static_assert(sizeof(struct bh_map_region_hdr) <= RB_CTL_OFF, "region header too large");
_Static_assert(RB_CTL_OFF + sizeof(struct rb_ctl) <= 4096, "ring control must fit a page");
_Static_assert(sizeof(struct rb_rec_hdr) == BH_RINGBUF_HDR_SZ, "record header is 8 bytes");

/* Protects the wakeup registry and the list of anonymous views. */
static pthread_mutex_t rb_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t rb_fork_once = PTHREAD_ONCE_INIT;
static struct rb_priv *rb_anon_views;

size_t bh_page_size(void)
{
	static size_t page;
	size_t p = __atomic_load_n(&page, __ATOMIC_RELAXED);

	if (!p) {
		long v = sysconf(_SC_PAGESIZE);

		p = v > 0 ? (size_t)v : 4096;
		__atomic_store_n(&page, p, __ATOMIC_RELAXED);
	}
	return p;
}

int bh_mirror_map(void *addr, int fd, off_t off, size_t size)
{
	char *a = addr;

	if (mmap(a, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off) == MAP_FAILED)
		return -errno;
	if (mmap(a + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off) ==
	    MAP_FAILED)
		return -errno;
	return 0;
}

static inline struct rb_ctl *rb_ctl(const struct bh_map *map)
{
	return bh_map_ptr(map, RB_CTL_OFF);
}

/* The view of a ring buffer map in this process, or NULL. */
static inline struct rb_view *rb_view_of(const struct bh_map *map)
{
	const struct rb_priv *p;

	if (!map || map->ops != &bh_ringbuf_map_ops)
		return NULL;
	p = map->priv;
	return p ? p->view : NULL;
}

/* ---- fork(): an anonymous ring stays private to each process ---- */

static void rb_fork_prepare(void)
{
	pthread_mutex_lock(&rb_mu);
}

static void rb_fork_parent(void)
{
	pthread_mutex_unlock(&rb_mu);
}

/*
 * The child's copy of an anonymous region is private, but the memfd data
 * pages would still be shared with the parent: give the child fresh, empty
 * data pages and an empty ring (records pending in the parent stay there).
 */
static void rb_fork_child(void)
{
	struct rb_priv *p;
	struct rb_view *v;
	size_t size;
	int fd, err;

	for (p = rb_anon_views; p; p = p->next) {
		v = p->view;
		if (!v)
			continue;
		size = v->mask + 1;
		err = -1;
		fd = memfd_create("bpfhost-ringbuf", MFD_CLOEXEC);
		if (fd >= 0) {
			if (!ftruncate(fd, (off_t)size))
				err = bh_mirror_map(v->data, fd, 0, size);
			close(fd);
		}
		if (err) {
			/* cannot separate: make the ring unusable rather than shared */
			mmap(v->data, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     -1, 0);
			p->view = NULL;
		}
		v->ctl->consumer_pos = 0;
		v->ctl->producer_pos = 0;
		v->ctl->pending_pos = 0;
		v->ctl->lock = 0;
	}
	pthread_mutex_unlock(&rb_mu);
}

static void rb_fork_setup(void)
{
	pthread_atfork(rb_fork_prepare, rb_fork_parent, rb_fork_child);
}

/* ---- map ops ---- */

static int rb_check_def(const struct bh_map_def *def, struct bh_log *log)
{
	size_t page = bh_page_size();
	uint32_t n = def->max_entries;

	if (def->key_size || def->value_size) {
		bh_map_log(log, def, "key_size and value_size must be 0 (got %u and %u)",
			   def->key_size, def->value_size);
		return -EINVAL;
	}
	if (def->map_flags) {
		bh_map_log(log, def, "map_flags 0x%x not supported (must be 0)", def->map_flags);
		return -EINVAL;
	}
	if (!n || (n & (n - 1)) || n % page) {
		bh_map_log(log, def,
			   "max_entries %u (data size in bytes) must be a power of 2 and a "
			   "multiple of the page size (%zu)",
			   n, page);
		return -EINVAL;
	}
	return 0;
}

static size_t rb_region_size(const struct bh_map_def *def, unsigned ncpus)
{
	(void)ncpus;
	return bh_page_size() + (size_t)def->max_entries;
}

/* The region fits this process's idea of the layout. */
static int rb_check_region(const struct bh_map *map)
{
	size_t page = bh_page_size(), size = map->def.max_entries;

	if (map->ops != &bh_ringbuf_map_ops || map->def.type != BPFHOST_MAP_TYPE_RINGBUF || !size ||
	    (size & (size - 1)) || size % page || !map->region ||
	    ((uintptr_t)map->region & (page - 1)) || map->region_size < page + size)
		return -EINVAL;
	return 0;
}

static int rb_init(struct bh_map *map)
{
	struct rb_ctl *ctl;
	int err;

	err = rb_check_region(map);
	if (err)
		return err;
	ctl = rb_ctl(map);
	ctl->mask = map->def.max_entries - 1;
	ctl->data_off = bh_page_size();
	__atomic_store_n(&ctl->magic, RB_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

static int rb_open(struct bh_map *map)
{
	size_t page = bh_page_size(), size = map->def.max_entries;
	struct rb_ctl *ctl;
	struct rb_priv *p;
	struct rb_view *v;
	off_t off = (off_t)page;
	int fd, err;
	char *base;

	err = rb_check_region(map);
	if (err)
		return err;
	ctl = rb_ctl(map);
	if (__atomic_load_n(&ctl->magic, __ATOMIC_ACQUIRE) != RB_MAGIC || ctl->mask != size - 1 ||
	    ctl->data_off != page)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->span = page + 2 * size;
	base = mmap(NULL, p->span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		free(p);
		return err;
	}
	if (mprotect(base, page, PROT_READ | PROT_WRITE)) {
		err = -errno;
		goto fail;
	}
	fd = map->shm_fd;
	if (fd < 0) {
		/* anonymous map: the data lives in a memfd, the region's copy stays unused */
		p->anon = true;
		off = 0;
		fd = memfd_create("bpfhost-ringbuf", MFD_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			goto fail;
		}
		if (ftruncate(fd, (off_t)size)) {
			err = -errno;
			close(fd);
			goto fail;
		}
	}
	err = bh_mirror_map(base + page, fd, off, size);
	if (fd != map->shm_fd)
		close(fd);
	if (err)
		goto fail;
	v = (struct rb_view *)base;
	v->ctl = ctl;
	v->data = base + page;
	v->mask = size - 1;
	v->magic = RB_VIEW_MAGIC;
	p->view = v;
	if (p->anon) {
		pthread_once(&rb_fork_once, rb_fork_setup);
		pthread_mutex_lock(&rb_mu);
		p->next = rb_anon_views;
		rb_anon_views = p;
		pthread_mutex_unlock(&rb_mu);
	}
	map->priv = p;
	return 0;
fail:
	munmap(base, p->span);
	free(p);
	return err;
}

static void rb_release(struct bh_map *map)
{
	struct rb_priv *p = map->priv, **pp;

	if (!p || map->ops != &bh_ringbuf_map_ops)
		return;
	if (p->anon) {
		pthread_mutex_lock(&rb_mu);
		for (pp = &rb_anon_views; *pp; pp = &(*pp)->next) {
			if (*pp == p) {
				*pp = p->next;
				break;
			}
		}
		pthread_mutex_unlock(&rb_mu);
	}
	if (p->view)
		munmap(p->view, p->span);
	p->view = NULL;
}

const struct bh_map_ops bh_ringbuf_map_ops = {
	.check_def = rb_check_def,
	.region_size = rb_region_size,
	.init = rb_init,
	.open = rb_open,
	.release = rb_release,
};

/* ---- wakeup registry: ring control address -> consumers' eventfds ---- */

struct rb_waiter {
	const struct rb_ctl *ctl;
	int efd;
	struct rb_waiter *next;
};

static struct rb_waiter *rb_waiters;
static unsigned rb_nwaiters;

static void rb_efd_signal(int efd)
{
	uint64_t one = 1;
	ssize_t r = write(efd, &one, sizeof(one));

	(void)r; /* EAGAIN: the counter is saturated, the fd is readable anyway */
}

static void rb_notify(const struct rb_ctl *ctl)
{
	struct rb_waiter *w;

	if (!__atomic_load_n(&rb_nwaiters, __ATOMIC_SEQ_CST))
		return;
	pthread_mutex_lock(&rb_mu);
	for (w = rb_waiters; w; w = w->next)
		if (w->ctl == ctl)
			rb_efd_signal(w->efd);
	pthread_mutex_unlock(&rb_mu);
}

static void rb_register(struct rb_waiter *w)
{
	pthread_once(&rb_fork_once, rb_fork_setup);
	pthread_mutex_lock(&rb_mu);
	w->next = rb_waiters;
	rb_waiters = w;
	__atomic_add_fetch(&rb_nwaiters, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&rb_mu);
}

static void rb_unregister(struct rb_waiter *w)
{
	struct rb_waiter **pp;

	pthread_mutex_lock(&rb_mu);
	for (pp = &rb_waiters; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			__atomic_sub_fetch(&rb_nwaiters, 1, __ATOMIC_SEQ_CST);
			break;
		}
	}
	pthread_mutex_unlock(&rb_mu);
}

/* ---- program side ---- */

static void *rb_reserve(struct rb_view *v, uint64_t size)
{
	struct rb_ctl *ctl = v->ctl;
	uint64_t mask = v->mask;
	uint64_t len, cons, prod, pend, next;
	struct rb_rec_hdr *h;
	uint32_t l;

	if (size > BH_RINGBUF_MAX_RECORD_SZ)
		return NULL;
	len = RB_ALIGN8(size + BH_RINGBUF_HDR_SZ);
	if (len > mask + 1)
		return NULL;
	cons = __atomic_load_n(&ctl->consumer_pos, __ATOMIC_ACQUIRE);

	bh_spin_lock(&ctl->lock);
	prod = ctl->producer_pos;
	/* Skip committed records: the oldest busy one bounds how far we may go. */
	pend = ctl->pending_pos;
	while (pend < prod) {
		h = (struct rb_rec_hdr *)(v->data + (pend & mask));
		l = __atomic_load_n(&h->len, __ATOMIC_ACQUIRE);
		if (l & BH_RINGBUF_BUSY_BIT)
			break;
		pend += RB_ALIGN8((l & ~BH_RINGBUF_DISCARD_BIT) + BH_RINGBUF_HDR_SZ);
	}
	if (pend > prod) /* only a corrupted header gets here */
		pend = prod;
	ctl->pending_pos = pend;
	/*
	 * As in Linux, the producer stays less than a full ring ahead of both the
	 * consumer and the oldest uncommitted record (a consumer position that
	 * ran ahead cannot make us overwrite a record still being written).
	 */
	next = prod + len;
	if (next - cons > mask || next - pend > mask) {
		bh_spin_unlock(&ctl->lock);
		return NULL;
	}
	h = (struct rb_rec_hdr *)(v->data + (prod & mask));
	h->view_dist = (uint32_t)((char *)h - (char *)v);
	__atomic_store_n(&h->len, (uint32_t)size | BH_RINGBUF_BUSY_BIT, __ATOMIC_RELAXED);
	/* seq_cst: ordered before the commit's store, see rb_commit */
	__atomic_store_n(&ctl->producer_pos, next, __ATOMIC_SEQ_CST);
	bh_spin_unlock(&ctl->lock);
	return h + 1;
}

void *bh_ringbuf_reserve(struct bh_map *map, uint64_t size, uint64_t flags)
{
	struct rb_view *v = rb_view_of(map);

	if (flags || !v)
		return NULL;
	return rb_reserve(v, size);
}

static void rb_commit(void *sample, uint64_t flags, bool discard)
{
	struct rb_rec_hdr *h;
	struct rb_view *v;
	struct rb_ctl *ctl;
	uint64_t rec_off, cons;
	uint32_t len;

	if (!sample)
		return;
	h = (struct rb_rec_hdr *)sample - 1;
	len = __atomic_load_n(&h->len, __ATOMIC_RELAXED);
	if (!(len & BH_RINGBUF_BUSY_BIT))
		return; /* not a reserved record: committed twice */
	v = (struct rb_view *)((char *)h - h->view_dist);
	if (v->magic != RB_VIEW_MAGIC)
		return;
	ctl = v->ctl;
	rec_off = (uint64_t)((char *)h - v->data);
	len &= ~BH_RINGBUF_BUSY_BIT;
	if (discard)
		len |= BH_RINGBUF_DISCARD_BIT;
	/*
	 * Store-buffering pair with the consumer (it stores its position, then
	 * looks at positions and headers, all seq_cst): either it sees this
	 * record committed, or we see it waiting at this record and signal.
	 */
	__atomic_store_n(&h->len, len, __ATOMIC_SEQ_CST);
	if (flags & BH_RB_FORCE_WAKEUP) {
		rb_notify(ctl);
	} else if (!(flags & BH_RB_NO_WAKEUP)) {
		cons = __atomic_load_n(&ctl->consumer_pos, __ATOMIC_SEQ_CST);
		if ((cons & v->mask) == rec_off)
			rb_notify(ctl);
	}
}

void bh_ringbuf_submit(void *sample, uint64_t flags)
{
	rb_commit(sample, flags, false);
}

void bh_ringbuf_discard(void *sample, uint64_t flags)
{
	rb_commit(sample, flags, true);
}

long bh_ringbuf_output(struct bh_map *map, const void *data, uint64_t size, uint64_t flags)
{
	struct rb_view *v = rb_view_of(map);
	void *rec;

	if ((flags & ~(BH_RB_NO_WAKEUP | BH_RB_FORCE_WAKEUP)) || !v)
		return -EINVAL;
	if (size && !data)
		return -EFAULT;
	rec = rb_reserve(v, size);
	if (!rec)
		return -EAGAIN;
	if (size)
		memcpy(rec, data, size);
	rb_commit(rec, flags, false);
	return 0;
}

uint64_t bh_ringbuf_query(struct bh_map *map, uint64_t flags)
{
	struct rb_view *v = rb_view_of(map);
	struct rb_ctl *ctl;
	uint64_t cons;

	if (!v)
		return 0;
	ctl = v->ctl;
	switch (flags) {
	case BH_RB_AVAIL_DATA:
		cons = __atomic_load_n(&ctl->consumer_pos, __ATOMIC_ACQUIRE);
		return __atomic_load_n(&ctl->producer_pos, __ATOMIC_ACQUIRE) - cons;
	case BH_RB_RING_SIZE:
		return v->mask + 1;
	case BH_RB_CONS_POS:
		return __atomic_load_n(&ctl->consumer_pos, __ATOMIC_ACQUIRE);
	case BH_RB_PROD_POS:
		return __atomic_load_n(&ctl->producer_pos, __ATOMIC_ACQUIRE);
	default:
		return 0;
	}
}

/* ---- consumer ---- */

struct rb_ring {
	struct rb_waiter w; /* registry node: ring address and our eventfd */
	struct bh_map *map;
	struct rb_ctl *ctl;
	char *data;
	uint64_t mask;
	bh_ringbuf_sample_fn fn;
	void *ctx;
};

struct bh_ringbuf_consumer {
	struct rb_ring **rings;
	struct epoll_event *events;
	unsigned nr;
	int epfd;
	bool shared; /* some ring may have producers in other processes */
};

static inline struct rb_rec_hdr *rb_rec(const struct rb_ring *r, uint64_t pos)
{
	return (struct rb_rec_hdr *)(r->data + (pos & r->mask));
}

/* A committed record waits at pos (seq_cst loads: see rb_consume_ring). */
static bool rb_has_record(const struct rb_ring *r, uint64_t pos)
{
	if (pos >= __atomic_load_n(&r->ctl->producer_pos, __ATOMIC_SEQ_CST))
		return false;
	return !(__atomic_load_n(&rb_rec(r, pos)->len, __ATOMIC_SEQ_CST) & BH_RINGBUF_BUSY_BIT);
}

static bool rb_ring_ready(const struct rb_ring *r)
{
	return rb_has_record(r, __atomic_load_n(&r->ctl->consumer_pos, __ATOMIC_RELAXED));
}

static int rb_consume_ring(struct rb_ring *r, int64_t *cnt)
{
	struct rb_ctl *ctl = r->ctl;
	uint64_t cons = __atomic_load_n(&ctl->consumer_pos, __ATOMIC_RELAXED);
	uint64_t prod, total;
	struct rb_rec_hdr *h;
	uint32_t len, size;
	int err;

	for (;;) {
		prod = __atomic_load_n(&ctl->producer_pos, __ATOMIC_ACQUIRE);
		while (cons < prod) {
			h = rb_rec(r, cons);
			len = __atomic_load_n(&h->len, __ATOMIC_ACQUIRE);
			if (len & BH_RINGBUF_BUSY_BIT)
				break;
			size = len & ~BH_RINGBUF_DISCARD_BIT;
			total = RB_ALIGN8((uint64_t)size + BH_RINGBUF_HDR_SZ);
			if (total > prod - cons || total > r->mask + 1) {
				bh_pr(BPFHOST_WARN,
				      "ringbuf '%.*s': corrupt record header at position %llu "
				      "(length %u, %llu bytes produced)\n",
				      BH_MAP_NAME_LEN, r->map->def.name, (unsigned long long)cons,
				      size, (unsigned long long)(prod - cons));
				return -EBADMSG;
			}
			err = 0;
			if (!(len & BH_RINGBUF_DISCARD_BIT)) {
				(*cnt)++;
				err = r->fn(r->ctx, h + 1, size);
			}
			cons += total;
			__atomic_store_n(&ctl->consumer_pos, cons, __ATOMIC_RELEASE);
			if (err < 0) {
				/* Keep the fd readable while records remain, like Linux's poll. */
				if (rb_has_record(r, cons))
					rb_efd_signal(r->w.efd);
				return err;
			}
		}
		/*
		 * About to stop (caught up, or at a busy record): publish our
		 * position (seq_cst) before the last (seq_cst) look, so that a
		 * producer committing the record we stop at either sees us there
		 * and signals, or is seen here.
		 */
		__atomic_store_n(&ctl->consumer_pos, cons, __ATOMIC_SEQ_CST);
		if (!rb_has_record(r, cons))
			return 0;
	}
}

static int rb_consume_all(struct bh_ringbuf_consumer *c)
{
	int64_t cnt = 0;
	unsigned i;
	int err;

	for (i = 0; i < c->nr; i++) {
		err = rb_consume_ring(c->rings[i], &cnt);
		if (err < 0)
			return err;
	}
	return cnt > INT_MAX ? INT_MAX : (int)cnt;
}

static bool rb_any_ready(const struct bh_ringbuf_consumer *c)
{
	unsigned i;

	for (i = 0; i < c->nr; i++)
		if (rb_ring_ready(c->rings[i]))
			return true;
	return false;
}

static void rb_drain(const struct rb_ring *r)
{
	uint64_t v;
	ssize_t n = read(r->w.efd, &v, sizeof(v));

	(void)n; /* EAGAIN: nothing pending */
}

static int64_t rb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int bh_ringbuf_consumer_poll(struct bh_ringbuf_consumer *c, int timeout_ms)
{
	int64_t deadline = 0, left;
	bool ready;
	int n, i, wait;

	if (!c)
		return -EINVAL;
	if (timeout_ms > 0)
		deadline = rb_now_ms() + timeout_ms;
	for (;;) {
		/* Records already there (e.g. left by a stopping callback): no waiting. */
		ready = rb_any_ready(c);
		if (ready || timeout_ms == 0) {
			wait = 0;
		} else if (timeout_ms < 0) {
			wait = -1;
		} else {
			left = deadline - rb_now_ms();
			wait = left > 0 ? (int)left : 0;
		}
		if (c->shared && !ready && (wait < 0 || wait > BH_RINGBUF_SHARED_POLL_MS))
			wait = BH_RINGBUF_SHARED_POLL_MS;
		n = epoll_wait(c->epfd, c->events, (int)c->nr, wait);
		if (n < 0)
			return -errno;
		for (i = 0; i < n; i++)
			if (c->events[i].data.u32 < c->nr)
				rb_drain(c->rings[c->events[i].data.u32]);
		if (n > 0 || ready || (c->shared && rb_any_ready(c)))
			return rb_consume_all(c);
		/* Without cross-process producers epoll_wait waited the whole timeout. */
		if (!c->shared || timeout_ms == 0 || (timeout_ms > 0 && rb_now_ms() >= deadline))
			return 0;
	}
}

int bh_ringbuf_consumer_consume(struct bh_ringbuf_consumer *c)
{
	if (!c)
		return -EINVAL;
	return rb_consume_all(c);
}

int bh_ringbuf_consumer_epoll_fd(const struct bh_ringbuf_consumer *c)
{
	return c ? c->epfd : -EINVAL;
}

int bh_ringbuf_consumer_add(struct bh_ringbuf_consumer *c, struct bh_map *map,
			    bh_ringbuf_sample_fn fn, void *ctx, struct bh_log *log)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct epoll_event *events;
	struct rb_ring **rings, *r;
	struct rb_view *v;
	int err;

	if (!c)
		return -EINVAL;
	if (!map || map->ops != &bh_ringbuf_map_ops) {
		if (map)
			bh_logf(log,
				"ring buffer consumer: map '%.*s' (type %u) is not a ring buffer\n",
				BH_MAP_NAME_LEN, map->def.name, map->def.type);
		else
			bh_logf(log, "ring buffer consumer: map is NULL\n");
		return -EINVAL;
	}
	if (!fn) {
		bh_logf(log, "ring buffer consumer: sample callback for map '%.*s' is NULL\n",
			BH_MAP_NAME_LEN, map->def.name);
		return -EINVAL;
	}
	v = rb_view_of(map);
	if (!v) {
		bh_logf(log, "ring buffer consumer: ring '%.*s' is not open in this process\n",
			BH_MAP_NAME_LEN, map->def.name);
		return -EINVAL;
	}
	rings = realloc(c->rings, (c->nr + 1) * sizeof(*rings));
	if (!rings)
		goto nomem;
	c->rings = rings;
	events = realloc(c->events, (c->nr + 1) * sizeof(*events));
	if (!events)
		goto nomem;
	c->events = events;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto nomem;
	r->map = map;
	r->ctl = v->ctl;
	r->data = v->data;
	r->mask = v->mask;
	r->fn = fn;
	r->ctx = ctx;
	r->w.ctl = r->ctl;
	r->w.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->w.efd < 0) {
		err = -errno;
		bh_logf(log, "ring buffer consumer: eventfd: %s\n", strerror(-err));
		free(r);
		return err;
	}
	ev.data.u32 = c->nr;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, r->w.efd, &ev)) {
		err = -errno;
		bh_logf(log, "ring buffer consumer: epoll_ctl: %s\n", strerror(-err));
		close(r->w.efd);
		free(r);
		return err;
	}
	rb_register(&r->w);
	c->rings[c->nr++] = r;
	if (map->shared)
		c->shared = true;
	return 0;
nomem:
	bh_logf(log, "ring buffer consumer: out of memory\n");
	return -ENOMEM;
}

struct bh_ringbuf_consumer *bh_ringbuf_consumer_new(struct bh_map *map, bh_ringbuf_sample_fn fn,
						    void *ctx, struct bh_log *log)
{
	struct bh_ringbuf_consumer *c;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c) {
		bh_logf(log, "ring buffer consumer: out of memory\n");
		errno = ENOMEM;
		return NULL;
	}
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epfd < 0) {
		err = -errno;
		bh_logf(log, "ring buffer consumer: epoll_create1: %s\n", strerror(-err));
		free(c);
		errno = -err;
		return NULL;
	}
	err = bh_ringbuf_consumer_add(c, map, fn, ctx, log);
	if (err) {
		bh_ringbuf_consumer_free(c);
		errno = -err;
		return NULL;
	}
	return c;
}

void bh_ringbuf_consumer_free(struct bh_ringbuf_consumer *c)
{
	unsigned i;

	if (!c)
		return;
	for (i = 0; i < c->nr; i++) {
		rb_unregister(&c->rings[i]->w);
		close(c->rings[i]->w.efd);
		free(c->rings[i]);
	}
	if (c->epfd >= 0)
		close(c->epfd);
	free(c->rings);
	free(c->events);
	free(c);
}
