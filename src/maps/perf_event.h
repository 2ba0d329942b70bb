/* SPDX-License-Identifier: MIT */
/*
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: internal API.
 *
 * An array of CPU slots (key = value = 4 bytes). A consumer installs one
 * buffer per slot (as perf_buffer__new opens a perf event per CPU); the
 * program side (bh_perf_event_output, behind bpf_perf_event_output) appends
 * sample records to a slot's buffer and counts losses when it is full; the
 * consumer delivers samples and loss counts per slot. The buffers live in
 * the consumer's process: see docs/ringbuf.md.
 */
#ifndef BH_MAPS_PERF_EVENT_H
#define BH_MAPS_PERF_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "maps/map.h"

/* bpf_perf_event_output flags (Linux's values). */
#define BH_F_INDEX_MASK 0xffffffffull
#define BH_F_CURRENT_CPU BH_F_INDEX_MASK
#define BH_F_CTXLEN_MASK (0xfffffull << 32)

/* Record types in a slot buffer (Linux's PERF_RECORD_* numbers). */
#define BH_PERF_RECORD_LOST 2
#define BH_PERF_RECORD_SAMPLE 9

extern const struct bh_map_ops bh_perf_event_array_map_ops;

/*
 * Append a sample to the buffer of slot (flags & BH_F_INDEX_MASK), or of the
 * calling thread's CPU for BH_F_CURRENT_CPU: size bytes of data followed by
 * the first (flags & BH_F_CTXLEN_MASK) >> 32 bytes of ctx_data, which has
 * ctx_data_len bytes available (the helper layer passes the context's packet
 * data; it must reject CTXLEN itself for contexts that have none).
 * Returns 0; -EINVAL for unknown flag bits or a map of another type;
 * -E2BIG for a slot index >= the slot count, or a sample whose record would
 * exceed the 16-bit perf record size; -EFAULT when CTXLEN exceeds
 * ctx_data_len; -ENOENT when the slot has no buffer in this process;
 * -ENOSPC when the buffer is full (the loss is counted and reported to the
 * consumer).
 */
long bh_perf_event_output(struct bh_map *map, uint64_t flags, const void *data, uint64_t size,
			  const void *ctx_data, uint64_t ctx_data_len);

/* Number of slots of a perf event array map (max_entries, 0 meaning ncpus). */
unsigned bh_perf_event_array_slots(const struct bh_map *map);

/* ---- consumer ---- */

/* Called for each sample with its slot, in order per slot. */
typedef void (*bh_perf_sample_fn)(void *ctx, int cpu, void *data, uint32_t size);
/* Called when cnt samples of a slot were dropped (buffer full). */
typedef void (*bh_perf_lost_fn)(void *ctx, int cpu, uint64_t cnt);

struct bh_perf_consumer;

/*
 * Install a buffer of page_cnt pages (a power of 2) in every slot of the
 * map, replacing buffers installed before. One consumer thread at a time;
 * the map must outlive the consumer. lost_fn may be NULL. NULL + errno on
 * failure (EINVAL: not a perf event array, no sample callback, bad
 * page_cnt), detail in log.
 */
struct bh_perf_consumer *bh_perf_consumer_new(struct bh_map *map, size_t page_cnt,
					      bh_perf_sample_fn sample_fn, bh_perf_lost_fn lost_fn,
					      void *ctx, struct bh_log *log);
/*
 * Wait up to timeout_ms (-1: forever, 0: don't wait) for records, then
 * deliver every slot's records. Returns the number of records delivered
 * (samples and loss reports, capped at INT_MAX) or -errno (-EINTR).
 */
int bh_perf_consumer_poll(struct bh_perf_consumer *c, int timeout_ms);
/* Deliver whatever is there without waiting; as poll. */
int bh_perf_consumer_consume(struct bh_perf_consumer *c);
/* Epoll fd that turns readable when a producer adds to an empty buffer. */
int bh_perf_consumer_epoll_fd(const struct bh_perf_consumer *c);
/* Remove this consumer's buffers from the slots that still hold them, free all. */
void bh_perf_consumer_free(struct bh_perf_consumer *c);

#endif /* BH_MAPS_PERF_EVENT_H */
