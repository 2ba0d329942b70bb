/* SPDX-License-Identifier: MIT */
/*
 * bpfhost: an embeddable eBPF runtime for Linux user space.
 *
 * This is the umbrella header. The instruction-set layer (validation,
 * assembler, disassembler, stand-alone engine) is in <bpfhost/isa.h>; the
 * runtime and object API are declared here as they land.
 */
#ifndef BPFHOST_BPFHOST_H
#define BPFHOST_BPFHOST_H

#include <bpfhost/isa.h>
#include <bpfhost/extension.h>

#define BPFHOST_VERSION_MAJOR 0
#define BPFHOST_VERSION_MINOR 1

#ifdef __cplusplus
extern "C" {
#endif

/* Map types: the Linux enum bpf_map_type numbers. */
enum bpfhost_map_type {
	BPFHOST_MAP_TYPE_UNSPEC = 0,
	BPFHOST_MAP_TYPE_HASH = 1,
	BPFHOST_MAP_TYPE_ARRAY = 2,
	BPFHOST_MAP_TYPE_PROG_ARRAY = 3,
	BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY = 4,
	BPFHOST_MAP_TYPE_PERCPU_HASH = 5,
	BPFHOST_MAP_TYPE_PERCPU_ARRAY = 6,
	BPFHOST_MAP_TYPE_LRU_HASH = 9,
	BPFHOST_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPFHOST_MAP_TYPE_LPM_TRIE = 11,
	BPFHOST_MAP_TYPE_ARRAY_OF_MAPS = 12,
	BPFHOST_MAP_TYPE_HASH_OF_MAPS = 13,
	BPFHOST_MAP_TYPE_QUEUE = 22,
	BPFHOST_MAP_TYPE_STACK = 23,
	BPFHOST_MAP_TYPE_RINGBUF = 27,
};

/* Map update flags (Linux values). */
#define BPFHOST_ANY 0ull
#define BPFHOST_NOEXIST 1ull
#define BPFHOST_EXIST 2ull
#define BPFHOST_F_LOCK 4ull

/* Map creation flags (Linux values) that bpfhost understands. */
#define BPFHOST_F_NO_PREALLOC (1u << 0)
#define BPFHOST_F_NO_COMMON_LRU (1u << 1)
#define BPFHOST_F_RDONLY_PROG (1u << 7)
#define BPFHOST_F_WRONLY_PROG (1u << 8)

/* Library version as "MAJOR.MINOR". */
BPFHOST_API const char *bpfhost_version(void);

/*
 * ---- runtime instances ----
 *
 * A struct bpfhost is one runtime: its registered extensions, program
 * types, hooks and the objects loaded into it. Several can live in one
 * process. Programs, maps and links are addressed by small integer file
 * descriptors of bpfhost's own (NOT kernel fds; they are unique across all
 * instances of the process, so the fd-based calls below need no instance
 * argument, as in libbpf). bpfhost_close() releases one.
 */
struct bpfhost;

/* trace_printk/trace_vprintk output sink; default: stderr, "NAME: text" */
typedef void (*bpfhost_trace_fn_t)(void *ctx, const char *prog_name, const char *text);

struct bpfhost_opts {
	size_t sz;
	/* messages of this instance (NULL: the process-wide bpfhost_set_print) */
	bpfhost_print_fn_t print;
	bpfhost_trace_fn_t trace;
	void *trace_ctx;
	uint32_t flags; /* reserved, must be 0 */
};

BPFHOST_API struct bpfhost *bpfhost__new(const struct bpfhost_opts *opts);
/* Unregisters every extension (with rundown) and closes what it owns. */
BPFHOST_API void bpfhost__free(struct bpfhost *rt);

BPFHOST_API int bpfhost_close(int fd);

/* ---- maps ---- */
struct bpfhost_map_create_opts {
	size_t sz;
	uint32_t map_flags;   /* BPFHOST_F_* */
	int inner_map_fd;     /* map-in-map: template of the inner maps */
	const char *pin_path; /* file-backed shared region: create or attach */
	char *log_buf;
	size_t log_size;
	size_t log_true_size;
};
BPFHOST_API int bpfhost_map_create(struct bpfhost *rt, enum bpfhost_map_type type, const char *name,
				   uint32_t key_size, uint32_t value_size, uint32_t max_entries,
				   struct bpfhost_map_create_opts *opts);
BPFHOST_API int bpfhost_map_lookup_elem(int fd, const void *key, void *value);
BPFHOST_API int bpfhost_map_lookup_elem_flags(int fd, const void *key, void *value, uint64_t flags);
BPFHOST_API int bpfhost_map_update_elem(int fd, const void *key, const void *value, uint64_t flags);
BPFHOST_API int bpfhost_map_delete_elem(int fd, const void *key);
BPFHOST_API int bpfhost_map_lookup_and_delete_elem(int fd, const void *key, void *value);
BPFHOST_API int bpfhost_map_get_next_key(int fd, const void *key, void *next_key);

/* ---- programs ---- */
struct bpfhost_prog_load_opts {
	size_t sz;
	/* skip verification: only for trusted code; logged loudly */
	uint32_t trusted;
	uint32_t insn_limit;
	enum bpfhost_engine engine;
	uint32_t log_level;
	char *log_buf;
	size_t log_size;
	size_t log_true_size;
};
/*
 * Load raw instructions as a program of the named program type. lddw with
 * src=1 (BPF_PSEUDO_MAP_FD) / src=2 (BPF_PSEUDO_MAP_VALUE) take bpfhost map
 * fds. Returns a program fd or a negative errno.
 */
BPFHOST_API int bpfhost_prog_load(struct bpfhost *rt, const char *prog_type, const char *name,
				  const struct bpfhost_insn *insns, size_t insn_cnt,
				  struct bpfhost_prog_load_opts *opts);

struct bpfhost_test_run_opts {
	size_t sz;
	const void *data_in;
	void *data_out;
	uint32_t data_size_in;
	uint32_t data_size_out; /* in: capacity; out: bytes written */
	const void *ctx_in;
	void *ctx_out;
	uint32_t ctx_size_in;
	uint32_t ctx_size_out; /* in: capacity; out: bytes written */
	const void *priv_in;   /* private context state (struct bpfhost_test_ctx) */
	uint32_t priv_size_in;
	uint32_t flags;
	int repeat;	   /* runs; 0 means 1 */
	uint32_t duration; /* out: average ns per run */
	uint64_t retval;   /* out: r0 of the last run */
};
BPFHOST_API int bpfhost_prog_test_run_opts(int prog_fd, struct bpfhost_test_run_opts *opts);

/* ---- links ---- */
struct bpfhost_hook;
struct bpfhost_link_opts {
	size_t sz;
	uint64_t cookie; /* bpf_get_attach_cookie */
};
/* Attach a program to a hook; returns a link fd (close it to detach). */
BPFHOST_API int bpfhost_link_create(int prog_fd, struct bpfhost_hook *hook,
				    struct bpfhost_link_opts *opts);
/* Find a hook registered in rt by name (NULL + errno ENOENT). */
BPFHOST_API struct bpfhost_hook *bpfhost_hook__find(struct bpfhost *rt, const char *name);

/*
 * ---- ring buffer / perf buffer consumers ----
 *
 * libbpf's ring_buffer__* and perf_buffer__* under our prefix, on bpfhost
 * map fds. A consumer holds a reference on each of its maps for as long as
 * it exists (closing the fd does not stop it). One thread at a time may
 * poll/consume one consumer. Errors: NULL + errno from __new, negative
 * errno elsewhere; messages go to the process print callback
 * (bpfhost_set_print). Semantics and differences from Linux:
 * docs/ringbuf.md.
 */
struct bpfhost_ring_buffer;
/*
 * Called for each committed record, in order; data is valid until it
 * returns. A negative return stops consumption and is returned by
 * __poll/__consume (the record counts as consumed).
 */
typedef int (*bpfhost_ring_buffer_sample_fn)(void *ctx, void *data, size_t size);
struct bpfhost_ring_buffer_opts {
	size_t sz;
};
/* Consumer of the RINGBUF map map_fd (EINVAL: other type or no callback; EBADF). */
BPFHOST_API struct bpfhost_ring_buffer *
bpfhost_ring_buffer__new(int map_fd, bpfhost_ring_buffer_sample_fn sample_cb, void *ctx,
			 const struct bpfhost_ring_buffer_opts *opts);
/* Add another ring with its own callback and context. */
BPFHOST_API int bpfhost_ring_buffer__add(struct bpfhost_ring_buffer *rb, int map_fd,
					 bpfhost_ring_buffer_sample_fn sample_cb, void *ctx);
/*
 * Wait up to timeout_ms (-1: forever) for records, then consume every
 * ring: the number of records consumed (at most INT_MAX), a callback's
 * negative return, or -errno (-EINTR).
 */
BPFHOST_API int bpfhost_ring_buffer__poll(struct bpfhost_ring_buffer *rb, int timeout_ms);
/* Consume what is available without waiting; as __poll. */
BPFHOST_API int bpfhost_ring_buffer__consume(struct bpfhost_ring_buffer *rb);
/* An epoll fd (a kernel fd) that turns readable when records arrive. */
BPFHOST_API int bpfhost_ring_buffer__epoll_fd(const struct bpfhost_ring_buffer *rb);
BPFHOST_API void bpfhost_ring_buffer__free(struct bpfhost_ring_buffer *rb);

struct bpfhost_perf_buffer;
typedef void (*bpfhost_perf_buffer_sample_fn)(void *ctx, int cpu, void *data, uint32_t size);
typedef void (*bpfhost_perf_buffer_lost_fn)(void *ctx, int cpu, uint64_t cnt);
struct bpfhost_perf_buffer_opts {
	size_t sz;
};
/*
 * Consumer of the PERF_EVENT_ARRAY map map_fd: installs a buffer of
 * page_cnt pages (a power of 2) in every slot, replacing earlier ones.
 * lost_cb may be NULL. NULL + errno (EINVAL, EBADF, ENOMEM).
 */
BPFHOST_API struct bpfhost_perf_buffer *
bpfhost_perf_buffer__new(int map_fd, size_t page_cnt, bpfhost_perf_buffer_sample_fn sample_cb,
			 bpfhost_perf_buffer_lost_fn lost_cb, void *ctx,
			 const struct bpfhost_perf_buffer_opts *opts);
/*
 * Wait up to timeout_ms (-1: forever), then deliver every slot's records:
 * the number of records delivered (samples and loss reports; libbpf counts
 * ready buffers instead) or -errno.
 */
BPFHOST_API int bpfhost_perf_buffer__poll(struct bpfhost_perf_buffer *pb, int timeout_ms);
BPFHOST_API int bpfhost_perf_buffer__consume(struct bpfhost_perf_buffer *pb);
BPFHOST_API int bpfhost_perf_buffer__epoll_fd(const struct bpfhost_perf_buffer *pb);
/* Remove the buffers from the map's slots and free the consumer. */
BPFHOST_API void bpfhost_perf_buffer__free(struct bpfhost_perf_buffer *pb);

/*
 * ---- batch operations ----
 *
 * libbpf's bpf_map_*_batch with the kernel's semantics, for every map type
 * with keys whose single-element operation exists (-EOPNOTSUPP otherwise).
 * Elements go through the same paths as the single-element calls, so
 * values have the same layout: per-CPU maps transfer
 * round_up(value_size, 8) * ncpus bytes per element, other maps
 * value_size bytes; keys and values are packed arrays.
 *
 * count: in, the number of elements the arrays hold (0: nothing is done,
 * 0 is returned); out, the number processed, also when an error is
 * returned (it is set to 0 first).
 *
 * Lookups: in_batch NULL starts at the beginning of the map; out_batch
 * receives the cursor to pass as in_batch to the next call. The cursor is
 * a key: both must point to key_size bytes for every map type (Linux needs
 * only 4 bytes for hash maps, whose cursor is a bucket number). The end of
 * the map gives -ENOENT with *count set to the elements of this last batch.
 * An element deleted while a batch runs is skipped; if it was the cursor's
 * key, the next step starts over from the first key (as get_next_key
 * does), so a concurrently modified map may repeat elements, as in Linux.
 *
 * Flags: elem_flags may only be BPF_F_LOCK in Linux, which needs a
 * bpf_spin_lock in the value; bpfhost maps have none, so any elem_flags is
 * -EINVAL (batch updates are BPF_ANY updates, as in Linux). flags must be 0.
 */
struct bpfhost_map_batch_opts {
	size_t sz;
	uint64_t elem_flags;
	uint64_t flags;
};
BPFHOST_API int bpfhost_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys,
					 void *values, uint32_t *count,
					 const struct bpfhost_map_batch_opts *opts);
/* As lookup, deleting each element returned (maps with lookup_and_delete). */
BPFHOST_API int bpfhost_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch,
						    void *keys, void *values, uint32_t *count,
						    const struct bpfhost_map_batch_opts *opts);
/* Update count elements in order; stops at the first error. */
BPFHOST_API int bpfhost_map_update_batch(int fd, const void *keys, const void *values,
					 uint32_t *count,
					 const struct bpfhost_map_batch_opts *opts);
/* Delete count keys in order; stops at the first error (-ENOENT for a missing key). */
BPFHOST_API int bpfhost_map_delete_batch(int fd, const void *keys, uint32_t *count,
					 const struct bpfhost_map_batch_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* BPFHOST_BPFHOST_H */
