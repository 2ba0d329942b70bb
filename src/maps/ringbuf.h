/* SPDX-License-Identifier: MIT */
/*
 * BPF_MAP_TYPE_RINGBUF: internal API.
 *
 * The map ops (bh_ringbuf_map_ops) build a multi-producer, single-consumer
 * ring inside the map region; the program-side functions below back the
 * helpers bpf_ringbuf_output/reserve/submit/discard/query with Linux's
 * semantics and errnos; the consumer (bh_ringbuf_consumer_*) is the engine
 * behind the public ring_buffer__new/poll/consume/free-style API.
 * Layout, wakeups and cross-process use are described in docs/ringbuf.md.
 */
#ifndef BH_MAPS_RINGBUF_H
#define BH_MAPS_RINGBUF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "maps/map.h"

/* Flags of submit/discard/output (Linux's BPF_RB_*). */
#define BH_RB_NO_WAKEUP (1ull << 0)
#define BH_RB_FORCE_WAKEUP (1ull << 1)

/* Queries of bh_ringbuf_query (Linux's BPF_RB_*). */
#define BH_RB_AVAIL_DATA 0
#define BH_RB_RING_SIZE 1
#define BH_RB_CONS_POS 2
#define BH_RB_PROD_POS 3

/* Record header: 8 bytes before the data; length with two flag bits. */
#define BH_RINGBUF_HDR_SZ 8
#define BH_RINGBUF_BUSY_BIT (1u << 31)
#define BH_RINGBUF_DISCARD_BIT (1u << 30)
/* Largest record data size (the length field keeps two flag bits). */
#define BH_RINGBUF_MAX_RECORD_SZ (UINT32_MAX / 4)

extern const struct bh_map_ops bh_ringbuf_map_ops;

/*
 * The ops build the shared control block (init) and, in every process that
 * maps the region, a private view of the data with its mirror (open; undone
 * by release). map->priv holds that view (heap, freed by the map layer).
 * Program-side functions and consumers need a map whose open op has run.
 */

/* ---- program side (helpers) ---- */

/*
 * Copy size bytes into a new record and commit it. 0, -EINVAL for unknown
 * flags or a map that is not an open ring buffer, -EAGAIN when the record
 * does not fit (ring full or record larger than the ring), -EFAULT for
 * NULL data with a non-zero size.
 */
long bh_ringbuf_output(struct bh_map *map, const void *data, uint64_t size, uint64_t flags);
/* Reserve a record of size bytes; NULL when full, too large or flags != 0. */
void *bh_ringbuf_reserve(struct bh_map *map, uint64_t size, uint64_t flags);
/*
 * Commit a reserved record (only the record pointer is needed: the record
 * header leads back to the ring). flags: BH_RB_NO_WAKEUP, BH_RB_FORCE_WAKEUP
 * or 0 (wake the consumer only if it has caught up to this record). NULL or
 * an already committed record is ignored.
 */
void bh_ringbuf_submit(void *sample, uint64_t flags);
void bh_ringbuf_discard(void *sample, uint64_t flags);
/* BH_RB_AVAIL_DATA, _RING_SIZE, _CONS_POS, _PROD_POS; 0 for anything else. */
uint64_t bh_ringbuf_query(struct bh_map *map, uint64_t flags);

/* ---- consumer ---- */

/*
 * Called for every committed record, in ring order; data stays valid until
 * the callback returns. A negative return stops consumption (the record
 * counts as consumed) and becomes the return value of poll/consume.
 */
typedef int (*bh_ringbuf_sample_fn)(void *ctx, void *data, size_t size);

struct bh_ringbuf_consumer;

/*
 * A consumer of one or more rings (one consumer thread at a time). The maps
 * must outlive the consumer (the caller holds the references). NULL + errno
 * on failure (EINVAL: not a ring buffer map or no callback), detail in log.
 */
struct bh_ringbuf_consumer *bh_ringbuf_consumer_new(struct bh_map *map, bh_ringbuf_sample_fn fn,
						    void *ctx, struct bh_log *log);
/* Add another ring with its own callback. 0 or negative errno. */
int bh_ringbuf_consumer_add(struct bh_ringbuf_consumer *c, struct bh_map *map,
			    bh_ringbuf_sample_fn fn, void *ctx, struct bh_log *log);
/*
 * Wait up to timeout_ms (-1: forever, 0: don't wait) for records and consume
 * every ring. Returns the number of records consumed (capped at INT_MAX), a
 * callback's negative return, or -errno (-EINTR on a signal).
 */
int bh_ringbuf_consumer_poll(struct bh_ringbuf_consumer *c, int timeout_ms);
/* Consume whatever is available without waiting; as poll. */
int bh_ringbuf_consumer_consume(struct bh_ringbuf_consumer *c);
/* Epoll fd that turns readable when a same-process producer wakes a ring. */
int bh_ringbuf_consumer_epoll_fd(const struct bh_ringbuf_consumer *c);
void bh_ringbuf_consumer_free(struct bh_ringbuf_consumer *c);

/* Cross-process producers cannot signal the eventfd: poll re-checks rings this often. */
#define BH_RINGBUF_SHARED_POLL_MS 5

/* ---- shared with perf_event.c ---- */

/* System page size (cached). */
size_t bh_page_size(void);
/*
 * Map bytes [off, off + size) of fd at addr and again at addr + size,
 * replacing what was mapped there (the caller owns [addr, addr + 2 * size)).
 * 0 or -errno.
 */
int bh_mirror_map(void *addr, int fd, off_t off, size_t size);

#endif /* BH_MAPS_RINGBUF_H */
