/* SPDX-License-Identifier: MIT */
/*
 * Public ring buffer and perf buffer consumers: bpfhost_ring_buffer__* and
 * bpfhost_perf_buffer__* over the internal consumers of src/maps/ringbuf.c
 * and src/maps/perf_event.c.
 *
 * What this layer adds: fds are resolved to maps (bh_fd_map), and the
 * consumer keeps each map's reference until it is freed, which is the
 * lifetime rule the internal consumers rely on (docs/ringbuf.md: the maps
 * must outlive the consumer), so closing a map fd does not pull a ring out
 * from under a consumer. Options structs are checked like every other
 * (size field, zero unknown tail). Messages go to the process print
 * callback, since a map fd names no runtime instance for its messages.
 */
#include <errno.h>
#include <stdlib.h>

#include "maps/map.h"
#include "maps/perf_event.h"
#include "maps/ringbuf.h"
#include "runtime/runtime.h"

struct bpfhost_ring_buffer {
	struct bh_ringbuf_consumer *c;
	struct bh_map **maps; /* one reference each */
	size_t nr_maps;
};

struct bpfhost_perf_buffer {
	struct bh_perf_consumer *c;
	struct bh_map *map; /* reference */
};

/* Deliver log to the process print callback; returns err. */
static int finish(struct bh_log *log, int err)
{
	bh_log_finish(log, NULL, 0, NULL, BPFHOST_WARN);
	return err;
}

/* Map of fd with a reference, checked to be of type; NULL + *err and a message. */
static struct bh_map *map_of_type(const char *who, int fd, uint32_t type, struct bh_log *log,
				  int *err)
{
	struct bh_map *map = bh_fd_map(fd, err);

	if (!map) {
		bh_logf(log, "%s: map fd %d: %s\n", who, fd,
			*err == -EBADF ? "not an open bpfhost fd" : "not a map");
		return NULL;
	}
	if (map->def.type != type) {
		const char *have = bh_map_type_name(map->def.type);

		bh_logf(log, "%s: map '%.*s' (fd %d) is a %s map, not %s\n", who, BH_MAP_NAME_LEN,
			map->def.name, fd, have ? have : "unknown", bh_map_type_name(type));
		bh_map_put(map);
		*err = -EINVAL;
		return NULL;
	}
	return map;
}

/* ---- ring buffer ---- */

static int rb_add(struct bpfhost_ring_buffer *rb, int map_fd, bpfhost_ring_buffer_sample_fn cb,
		  void *ctx, struct bh_log *log)
{
	struct bh_map *map, **maps;
	int err;

	map = map_of_type("ring_buffer", map_fd, BPFHOST_MAP_TYPE_RINGBUF, log, &err);
	if (!map)
		return err;
	maps = realloc(rb->maps, (rb->nr_maps + 1) * sizeof(*maps));
	if (!maps) {
		bh_logf(log, "ring_buffer: out of memory\n");
		bh_map_put(map);
		return -ENOMEM;
	}
	rb->maps = maps;
	if (!rb->c) {
		rb->c = bh_ringbuf_consumer_new(map, cb, ctx, log);
		err = rb->c ? 0 : -errno;
	} else {
		err = bh_ringbuf_consumer_add(rb->c, map, cb, ctx, log);
	}
	if (err) {
		bh_map_put(map);
		return err;
	}
	rb->maps[rb->nr_maps++] = map;
	return 0;
}

struct bpfhost_ring_buffer *bpfhost_ring_buffer__new(int map_fd,
						     bpfhost_ring_buffer_sample_fn sample_cb,
						     void *ctx,
						     const struct bpfhost_ring_buffer_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_ring_buffer *rb;
	int err;

	if (!BH_OPTS_VALID(opts, bpfhost_ring_buffer_opts, &log)) {
		errno = -finish(&log, -EINVAL);
		return NULL;
	}
	rb = calloc(1, sizeof(*rb));
	if (!rb) {
		bh_logf(&log, "ring_buffer: out of memory\n");
		errno = -finish(&log, -ENOMEM);
		return NULL;
	}
	err = rb_add(rb, map_fd, sample_cb, ctx, &log);
	if (err) {
		free(rb->maps);
		free(rb);
		errno = -finish(&log, err);
		return NULL;
	}
	finish(&log, 0);
	return rb;
}

int bpfhost_ring_buffer__add(struct bpfhost_ring_buffer *rb, int map_fd,
			     bpfhost_ring_buffer_sample_fn sample_cb, void *ctx)
{
	struct bh_log log = BH_LOG_INIT;

	if (!rb) {
		bh_logf(&log, "ring_buffer__add: no ring buffer\n");
		return finish(&log, -EINVAL);
	}
	return finish(&log, rb_add(rb, map_fd, sample_cb, ctx, &log));
}

int bpfhost_ring_buffer__poll(struct bpfhost_ring_buffer *rb, int timeout_ms)
{
	if (!rb)
		return -EINVAL;
	return bh_ringbuf_consumer_poll(rb->c, timeout_ms);
}

int bpfhost_ring_buffer__consume(struct bpfhost_ring_buffer *rb)
{
	if (!rb)
		return -EINVAL;
	return bh_ringbuf_consumer_consume(rb->c);
}

int bpfhost_ring_buffer__epoll_fd(const struct bpfhost_ring_buffer *rb)
{
	if (!rb)
		return -EINVAL;
	return bh_ringbuf_consumer_epoll_fd(rb->c);
}

void bpfhost_ring_buffer__free(struct bpfhost_ring_buffer *rb)
{
	size_t i;

	if (!rb)
		return;
	/* the consumer first: it uses the maps until it is gone */
	bh_ringbuf_consumer_free(rb->c);
	for (i = 0; i < rb->nr_maps; i++)
		bh_map_put(rb->maps[i]);
	free(rb->maps);
	free(rb);
}

/* ---- perf buffer ---- */

struct bpfhost_perf_buffer *bpfhost_perf_buffer__new(int map_fd, size_t page_cnt,
						     bpfhost_perf_buffer_sample_fn sample_cb,
						     bpfhost_perf_buffer_lost_fn lost_cb, void *ctx,
						     const struct bpfhost_perf_buffer_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_perf_buffer *pb;
	struct bh_map *map;
	int err;

	if (!BH_OPTS_VALID(opts, bpfhost_perf_buffer_opts, &log)) {
		errno = -finish(&log, -EINVAL);
		return NULL;
	}
	map = map_of_type("perf_buffer", map_fd, BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY, &log, &err);
	if (!map) {
		errno = -finish(&log, err);
		return NULL;
	}
	pb = calloc(1, sizeof(*pb));
	if (!pb) {
		bh_logf(&log, "perf_buffer: out of memory\n");
		bh_map_put(map);
		errno = -finish(&log, -ENOMEM);
		return NULL;
	}
	pb->map = map;
	pb->c = bh_perf_consumer_new(map, page_cnt, sample_cb, lost_cb, ctx, &log);
	if (!pb->c) {
		err = -errno;
		bh_map_put(map);
		free(pb);
		errno = -finish(&log, err);
		return NULL;
	}
	finish(&log, 0);
	return pb;
}

int bpfhost_perf_buffer__poll(struct bpfhost_perf_buffer *pb, int timeout_ms)
{
	if (!pb)
		return -EINVAL;
	return bh_perf_consumer_poll(pb->c, timeout_ms);
}

int bpfhost_perf_buffer__consume(struct bpfhost_perf_buffer *pb)
{
	if (!pb)
		return -EINVAL;
	return bh_perf_consumer_consume(pb->c);
}

int bpfhost_perf_buffer__epoll_fd(const struct bpfhost_perf_buffer *pb)
{
	if (!pb)
		return -EINVAL;
	return bh_perf_consumer_epoll_fd(pb->c);
}

void bpfhost_perf_buffer__free(struct bpfhost_perf_buffer *pb)
{
	if (!pb)
		return;
	bh_perf_consumer_free(pb->c);
	bh_map_put(pb->map);
	free(pb);
}
