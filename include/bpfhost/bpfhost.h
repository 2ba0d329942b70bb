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
	/* the object's license ("GPL", "Dual BSD/GPL", ...) and version; informational */
	const char *license;
	uint32_t kern_version;
	/*
	 * optional: C source line of instruction insn_idx (e.g. from BTF
	 * line_info) or NULL; the verifier quotes it when it refuses
	 */
	const char *(*source_line)(void *ctx, size_t insn_idx);
	void *source_line_ctx;
};
/*
 * Load raw instructions as a program of the named program type. lddw with
 * src=1 (BPF_PSEUDO_MAP_FD) / src=2 (BPF_PSEUDO_MAP_VALUE) take bpfhost map
 * fds. The program is verified first (unless opts->trusted): a refusal
 * returns -EACCES (unsafe), -EINVAL (malformed control flow) or -E2BIG (too
 * complex) with the reason in the log. Accesses to the program type's Linux
 * context view are rewritten to the real layout by the verifier; trusted
 * programs skip that and must use the real layout. Returns a program fd or
 * a negative errno.
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

/*
 * ---- object API ----
 *
 * libbpf's object grammar under our prefix, for ELF objects built with
 * `clang -O2 -g -target bpf` against libbpf's headers (docs/object-api.md).
 * An object is opened (parsed) in a runtime instance, then loaded: maps are
 * created (BTF-defined, legacy and global data), programs are matched to
 * the registered program types by their SEC() names, their map references
 * rewritten to bpfhost fds, and loaded. Objects, programs and maps are
 * opaque; programs and maps belong to their object (valid until
 * bpfhost_object__close). Close objects before freeing their instance.
 * Errors: NULL + errno, or a negative errno; messages name the program,
 * map or section and go to the open options' log buffer, or else to the
 * instance's print callback.
 */
struct bpfhost_object;
struct bpfhost_program;
struct bpfhost_map;
struct bpfhost_link;

/* Pin root used when neither the options nor $BPFHOST_PIN_ROOT name one. */
#define BPFHOST_PIN_ROOT_DEFAULT "/run/bpfhost"

struct bpfhost_object_open_opts {
	size_t sz;
	/* object name (default: the file's base name up to its first '.') */
	const char *object_name;
	/*
	 * directory of maps pinned by name (LIBBPF_PIN_BY_NAME): such a map
	 * lives in the file <pin_root_path>/<map name>. Default:
	 * $BPFHOST_PIN_ROOT, else BPFHOST_PIN_ROOT_DEFAULT.
	 */
	const char *pin_root_path;
	/*
	 * Messages of open and of the later __load: errors, warnings and
	 * (log_level >= 1) the program load logs. Each operation rewrites the
	 * buffer; one that does not fit makes the operation fail with
	 * -ENOSPC after *log_true_size (if set) received the size needed.
	 */
	char *log_buf;
	size_t log_size;
	uint32_t log_level;
	size_t *log_true_size;
};

BPFHOST_API struct bpfhost_object *
bpfhost_object__open_file(struct bpfhost *rt, const char *path,
			  const struct bpfhost_object_open_opts *opts);
/* The buffer may be freed as soon as this returns. */
BPFHOST_API struct bpfhost_object *
bpfhost_object__open_mem(struct bpfhost *rt, const void *buf, size_t size,
			 const struct bpfhost_object_open_opts *opts);
/*
 * Create the maps, load the programs, fill `values` initialisers. Once
 * only; on failure everything created is closed again (pinned files this
 * load created are removed) and the object can only be closed.
 */
BPFHOST_API int bpfhost_object__load(struct bpfhost_object *obj);
/* Close every program and map fd of the object (links stay) and free it. */
BPFHOST_API void bpfhost_object__close(struct bpfhost_object *obj);
BPFHOST_API const char *bpfhost_object__name(const struct bpfhost_object *obj);
BPFHOST_API const char *bpfhost_object__license(const struct bpfhost_object *obj);
BPFHOST_API struct bpfhost *bpfhost_object__runtime(const struct bpfhost_object *obj);

BPFHOST_API struct bpfhost_program *
bpfhost_object__find_program_by_name(const struct bpfhost_object *obj, const char *name);
BPFHOST_API struct bpfhost_map *bpfhost_object__find_map_by_name(const struct bpfhost_object *obj,
								 const char *name);
/* Iteration in object order: prev NULL gives the first, the last gives NULL. */
BPFHOST_API struct bpfhost_program *bpfhost_object__next_program(const struct bpfhost_object *obj,
								 struct bpfhost_program *prev);
BPFHOST_API struct bpfhost_map *bpfhost_object__next_map(const struct bpfhost_object *obj,
							 struct bpfhost_map *prev);
#define bpfhost_object__for_each_program(pos, obj)                             \
	for ((pos) = bpfhost_object__next_program((obj), NULL); (pos) != NULL; \
	     (pos) = bpfhost_object__next_program((obj), (pos)))
#define bpfhost_object__for_each_map(pos, obj)                             \
	for ((pos) = bpfhost_object__next_map((obj), NULL); (pos) != NULL; \
	     (pos) = bpfhost_object__next_map((obj), (pos)))

/* ---- programs of an object ---- */
/* Program fd after load; -EINVAL before (or when its load failed). */
BPFHOST_API int bpfhost_program__fd(const struct bpfhost_program *prog);
BPFHOST_API const char *bpfhost_program__name(const struct bpfhost_program *prog);
BPFHOST_API const char *bpfhost_program__section_name(const struct bpfhost_program *prog);
/*
 * Name of the program type: the one set with __set_type, else the type
 * the section name resolves to among the registered providers now (after
 * load: the type it was loaded as). NULL + errno ENOENT when none matches.
 */
BPFHOST_API const char *bpfhost_program__type_name(const struct bpfhost_program *prog);
/* Load as this program type regardless of the section (before load). */
BPFHOST_API int bpfhost_program__set_type(struct bpfhost_program *prog, const char *type_name);
/*
 * Instructions: before load, the linked program with symbolic map
 * references (lddw src 1/2, imm = map index in the object); after load,
 * what bpfhost_prog_load received (imm = map fd).
 */
BPFHOST_API const struct bpfhost_insn *bpfhost_program__insns(const struct bpfhost_program *prog);
BPFHOST_API size_t bpfhost_program__insn_cnt(const struct bpfhost_program *prog);

/* Source position of an instruction (BTF line info); strings live with the object. */
struct bpfhost_line_info {
	const char *file;
	const char *source; /* text of the source line ("" when unknown) */
	uint32_t line;
	uint32_t col;
};
/* 0, -ENOENT (no line info covers insn_idx), -EINVAL (bad arguments). */
BPFHOST_API int bpfhost_program__line_info(const struct bpfhost_program *prog, size_t insn_idx,
					   struct bpfhost_line_info *info);
/* Name of the function (program or subprogram) starting at insn_idx, else NULL. */
BPFHOST_API const char *bpfhost_program__func_name(const struct bpfhost_program *prog,
						   size_t insn_idx);

/*
 * Attach by section (docs/object-api.md): SEC("TYPE/HOOK") attaches to the
 * hook named HOOK, which must run programs of this type; SEC("TYPE")
 * attaches to the only hook of the program type (an error naming the
 * candidates if it has several or none). NULL + errno.
 */
BPFHOST_API struct bpfhost_link *bpfhost_program__attach(const struct bpfhost_program *prog);
/* Attach to a given hook (opts: cookie; may be NULL). NULL + errno. */
BPFHOST_API struct bpfhost_link *bpfhost_program__attach_hook(const struct bpfhost_program *prog,
							      struct bpfhost_hook *hook,
							      const struct bpfhost_link_opts *opts);
BPFHOST_API int bpfhost_link__fd(const struct bpfhost_link *link);
/* Detach (close the link fd) and free; 0 or -errno (NULL: 0, as libbpf). */
BPFHOST_API int bpfhost_link__destroy(struct bpfhost_link *link);

/* ---- maps of an object ---- */
/* Map fd after load; -EINVAL before. */
BPFHOST_API int bpfhost_map__fd(const struct bpfhost_map *map);
/* Full name (the runtime's map keeps the first 15 characters). */
BPFHOST_API const char *bpfhost_map__name(const struct bpfhost_map *map);
BPFHOST_API enum bpfhost_map_type bpfhost_map__type(const struct bpfhost_map *map);
BPFHOST_API uint32_t bpfhost_map__key_size(const struct bpfhost_map *map);
BPFHOST_API uint32_t bpfhost_map__value_size(const struct bpfhost_map *map);
BPFHOST_API uint32_t bpfhost_map__max_entries(const struct bpfhost_map *map);
BPFHOST_API uint32_t bpfhost_map__map_flags(const struct bpfhost_map *map);
/* Pin file of the map (pinned by name, or set with __set_pin_path), else NULL. */
BPFHOST_API const char *bpfhost_map__pin_path(const struct bpfhost_map *map);
/* Before load: create the map in (or attach it to) this file; NULL unpins. */
BPFHOST_API int bpfhost_map__set_pin_path(struct bpfhost_map *map, const char *path);
/* Global data: the initial value (value_size bytes) / replace it before load. */
BPFHOST_API const void *bpfhost_map__initial_value(const struct bpfhost_map *map, size_t *size);
BPFHOST_API int bpfhost_map__set_initial_value(struct bpfhost_map *map, const void *data,
					       size_t size);
/*
 * Element calls of a loaded map with libbpf's size checks: key_sz must be
 * key_size; value_sz value_size, or for per-CPU maps round_up(value_size,
 * 8) * the number of possible CPUs. A wrong size is -EINVAL with a message.
 */
BPFHOST_API int bpfhost_map__lookup_elem(const struct bpfhost_map *map, const void *key,
					 size_t key_sz, void *value, size_t value_sz,
					 uint64_t flags);
BPFHOST_API int bpfhost_map__update_elem(const struct bpfhost_map *map, const void *key,
					 size_t key_sz, const void *value, size_t value_sz,
					 uint64_t flags);
BPFHOST_API int bpfhost_map__delete_elem(const struct bpfhost_map *map, const void *key,
					 size_t key_sz, uint64_t flags);
BPFHOST_API int bpfhost_map__lookup_and_delete_elem(const struct bpfhost_map *map, const void *key,
						    size_t key_sz, void *value, size_t value_sz,
						    uint64_t flags);
/* cur_key NULL: the first key; -ENOENT after the last. */
BPFHOST_API int bpfhost_map__get_next_key(const struct bpfhost_map *map, const void *cur_key,
					  void *next_key, size_t key_sz);

/*
 * The process default instance, created on first use (thread-safe) for
 * code without an instance of its own (libbpf_compat.h). It loads the
 * extension shared objects listed in $BPFHOST_EXTENSIONS (':'-separated
 * paths). It lives until the process exits. NULL + errno if it cannot be
 * created or an extension fails to load (the message goes to the process
 * print callback); later calls return the same result.
 */
BPFHOST_API struct bpfhost *bpfhost_default(void);

/*
 * ---- feature queries ----
 *
 * What a runtime instance has registered (program types, hooks) and what
 * the library implements for every instance (core helpers, map types); used
 * by the CLI's `feature` command. The instance callbacks run under the
 * instance's registry lock, in registration order, see the runtime's own
 * copies of the descriptors (valid during the call only) and must not call
 * back into the instance (register, unregister, load, attach). A non-zero
 * return stops the walk and is returned.
 */
typedef int (*bpfhost_prog_type_cb)(const char *ext_name, const struct bpfhost_prog_type_desc *desc,
				    void *ctx);
typedef int (*bpfhost_hook_cb)(const char *ext_name, const struct bpfhost_hook_desc *desc,
			       void *ctx);
typedef int (*bpfhost_helper_cb)(const struct bpfhost_helper_proto *proto, void *ctx);
typedef int (*bpfhost_map_type_cb)(uint32_t type, const char *name, void *ctx);

/*
 * Every registered program type (desc->helpers lists the type's own
 * helpers; the core ones come on top) / every registered hook (desc->
 * prog_type names its program type). 0, the callback's non-zero value,
 * -EINVAL (NULL argument) or -ENOMEM.
 */
BPFHOST_API int bpfhost__for_each_prog_type(struct bpfhost *rt, bpfhost_prog_type_cb cb, void *ctx);
BPFHOST_API int bpfhost__for_each_hook(struct bpfhost *rt, bpfhost_hook_cb cb, void *ctx);
/* The helpers every program type gets (Linux ids, bpf_tail_call included), by id. */
BPFHOST_API int bpfhost_for_each_core_helper(bpfhost_helper_cb cb, void *ctx);
/* The map types this library creates (Linux numbers), by number. */
BPFHOST_API int bpfhost_for_each_map_type(bpfhost_map_type_cb cb, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* BPFHOST_BPFHOST_H */
