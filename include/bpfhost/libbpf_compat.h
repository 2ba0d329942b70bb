/* SPDX-License-Identifier: MIT */
/*
 * libbpf names on top of bpfhost (opt-in).
 *
 * A loader written against libbpf compiles against bpfhost by replacing
 *     #include <bpf/libbpf.h>
 *     #include <bpf/bpf.h>
 * with
 *     #include <bpfhost/libbpf_compat.h>
 * and linking -lbpfhost instead of -lbpf. libbpf has no runtime instance:
 * the bpf_object__open* calls here open objects in the process default
 * instance (bpfhost_default(), which loads the extensions listed in
 * $BPFHOST_EXTENSIONS). Everything is a static inline wrapper or a type
 * of this header; nothing of it is in the library's ABI.
 *
 * Conventions follow libbpf 1.x: pointer calls return NULL and set errno,
 * int calls return a negative errno and also set errno. Covered: objects
 * (open/load/close, lookup, iteration), programs (fd, name, section,
 * instructions, attach), maps (accessors, element calls with size checks),
 * links, the fd-based bpf_map_* calls, bpf_prog_test_run_opts,
 * LIBBPF_OPTS, ring_buffer__*, libbpf_set_print. Differences from libbpf
 * are listed in docs/object-api.md (e.g. bpf_test_run_opts.cpu and
 * batch_size must be 0; open options kconfig and btf_custom_path are
 * refused with EOPNOTSUPP; relaxed_maps is ignored).
 *
 * Layouts of the options structs below are this header's own; only the
 * field names are libbpf's, which is what designated initialisers need.
 */
#ifndef BPFHOST_LIBBPF_COMPAT_H
#define BPFHOST_LIBBPF_COMPAT_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfhost/bpfhost.h>

/* <linux/bpf.h> when available, unless BPFHOST_COMPAT_NO_LINUX_BPF is defined */
#if defined(__has_include) && !defined(BPFHOST_COMPAT_NO_LINUX_BPF)
#if __has_include(<linux/bpf.h>)
#include <linux/bpf.h>
#define BPFHOST_COMPAT_LINUX_BPF 1
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef BPFHOST_COMPAT_LINUX_BPF
typedef enum bpf_map_type bpfhost_compat_map_type;
typedef struct bpf_insn bpfhost_compat_insn;
#else
typedef enum bpfhost_map_type bpfhost_compat_map_type;
typedef struct bpfhost_insn bpfhost_compat_insn;
#ifndef BPF_ANY
#define BPF_ANY BPFHOST_ANY
#define BPF_NOEXIST BPFHOST_NOEXIST
#define BPF_EXIST BPFHOST_EXIST
#endif
#endif

#define BPFHOST_COMPAT_INLINE static inline __attribute__((unused))

/* Options structs: declare with the size set and the rest zeroed. */
#define LIBBPF_OPTS(TYPE, NAME, ...) struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }
#define DECLARE_LIBBPF_OPTS LIBBPF_OPTS

/* Field of a caller's options struct, zero beyond the size it declares. */
#define BPFHOST_COMPAT_OPT(opts, field)                                                       \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field) \
		 ? (opts)->field                                                              \
		 : 0)

BPFHOST_COMPAT_INLINE int bpfhost_compat_err(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

/* Legacy libbpf error check of a returned pointer. */
BPFHOST_COMPAT_INLINE long libbpf_get_error(const void *ptr)
{
	return ptr ? 0 : -errno;
}

/* ---- messages ---- */
enum libbpf_print_level {
	LIBBPF_WARN = BPFHOST_WARN,
	LIBBPF_INFO = BPFHOST_INFO,
	LIBBPF_DEBUG = BPFHOST_DEBUG,
};
typedef int (*libbpf_print_fn_t)(enum libbpf_print_level level, const char *fmt, va_list ap);

static libbpf_print_fn_t bpfhost_compat_print_fn __attribute__((unused));

BPFHOST_COMPAT_INLINE int bpfhost_compat_print(enum bpfhost_print_level level, const char *fmt,
					       va_list ap)
{
	libbpf_print_fn_t fn = bpfhost_compat_print_fn;

	return fn ? fn((enum libbpf_print_level)level, fmt, ap) : 0;
}

/*
 * The process print callback of bpfhost (NULL silences). Returns the
 * callback this header installed before, NULL the first time (libbpf
 * returns its default printer).
 */
BPFHOST_COMPAT_INLINE libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn)
{
	libbpf_print_fn_t old = bpfhost_compat_print_fn;

	bpfhost_compat_print_fn = fn;
	bpfhost_set_print(fn ? bpfhost_compat_print : NULL);
	return old;
}

/* ---- objects ---- */
struct bpf_object;
struct bpf_program;
struct bpf_map;
struct bpf_link;

struct bpf_object_open_opts {
	size_t sz;
	const char *object_name;
	int relaxed_maps; /* ignored */
	const char *pin_root_path;
	const char *kconfig;	     /* not supported: must be NULL */
	const char *btf_custom_path; /* not supported: must be NULL */
	char *kernel_log_buf;	     /* messages of open and load */
	size_t kernel_log_size;
	uint32_t kernel_log_level;
};

BPFHOST_COMPAT_INLINE struct bpf_object *
bpfhost_compat_open(const char *path, const void *buf, size_t size,
		    const struct bpf_object_open_opts *opts)
{
	BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o);
	struct bpfhost *rt;

	if (opts && !opts->sz) {
		errno = EINVAL;
		return NULL;
	}
	if (BPFHOST_COMPAT_OPT(opts, kconfig) || BPFHOST_COMPAT_OPT(opts, btf_custom_path)) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	rt = bpfhost_default();
	if (!rt)
		return NULL;
	o.object_name = BPFHOST_COMPAT_OPT(opts, object_name);
	o.pin_root_path = BPFHOST_COMPAT_OPT(opts, pin_root_path);
	o.log_buf = BPFHOST_COMPAT_OPT(opts, kernel_log_buf);
	o.log_size = BPFHOST_COMPAT_OPT(opts, kernel_log_size);
	o.log_level = BPFHOST_COMPAT_OPT(opts, kernel_log_level);
	if (path)
		return (struct bpf_object *)bpfhost_object__open_file(rt, path, &o);
	return (struct bpf_object *)bpfhost_object__open_mem(rt, buf, size, &o);
}

BPFHOST_COMPAT_INLINE struct bpf_object *
bpf_object__open_file(const char *path, const struct bpf_object_open_opts *opts)
{
	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	return bpfhost_compat_open(path, NULL, 0, opts);
}

BPFHOST_COMPAT_INLINE struct bpf_object *bpf_object__open(const char *path)
{
	return bpf_object__open_file(path, NULL);
}

BPFHOST_COMPAT_INLINE struct bpf_object *
bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz,
		     const struct bpf_object_open_opts *opts)
{
	if (!obj_buf) {
		errno = EINVAL;
		return NULL;
	}
	return bpfhost_compat_open(NULL, obj_buf, obj_buf_sz, opts);
}

BPFHOST_COMPAT_INLINE int bpf_object__load(struct bpf_object *obj)
{
	return bpfhost_compat_err(bpfhost_object__load((struct bpfhost_object *)obj));
}

BPFHOST_COMPAT_INLINE void bpf_object__close(struct bpf_object *obj)
{
	bpfhost_object__close((struct bpfhost_object *)obj);
}

BPFHOST_COMPAT_INLINE const char *bpf_object__name(const struct bpf_object *obj)
{
	return bpfhost_object__name((const struct bpfhost_object *)obj);
}

BPFHOST_COMPAT_INLINE struct bpf_program *
bpf_object__find_program_by_name(const struct bpf_object *obj, const char *name)
{
	return (struct bpf_program *)bpfhost_object__find_program_by_name(
		(const struct bpfhost_object *)obj, name);
}

BPFHOST_COMPAT_INLINE struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj,
								   const char *name)
{
	return (struct bpf_map *)bpfhost_object__find_map_by_name(
		(const struct bpfhost_object *)obj, name);
}

BPFHOST_COMPAT_INLINE int bpf_object__find_map_fd_by_name(const struct bpf_object *obj,
							  const char *name)
{
	struct bpfhost_map *m =
		bpfhost_object__find_map_by_name((const struct bpfhost_object *)obj, name);

	return bpfhost_compat_err(m ? bpfhost_map__fd(m) : -ENOENT);
}

BPFHOST_COMPAT_INLINE struct bpf_program *bpf_object__next_program(const struct bpf_object *obj,
								   struct bpf_program *prev)
{
	return (struct bpf_program *)bpfhost_object__next_program(
		(const struct bpfhost_object *)obj, (struct bpfhost_program *)prev);
}

BPFHOST_COMPAT_INLINE struct bpf_map *bpf_object__next_map(const struct bpf_object *obj,
							   const struct bpf_map *prev)
{
	return (struct bpf_map *)bpfhost_object__next_map((const struct bpfhost_object *)obj,
							  (struct bpfhost_map *)prev);
}

#define bpf_object__for_each_program(pos, obj)                             \
	for ((pos) = bpf_object__next_program((obj), NULL); (pos) != NULL; \
	     (pos) = bpf_object__next_program((obj), (pos)))
#define bpf_object__for_each_map(pos, obj)                             \
	for ((pos) = bpf_object__next_map((obj), NULL); (pos) != NULL; \
	     (pos) = bpf_object__next_map((obj), (pos)))

/* ---- programs ---- */
BPFHOST_COMPAT_INLINE int bpf_program__fd(const struct bpf_program *prog)
{
	return bpfhost_compat_err(bpfhost_program__fd((const struct bpfhost_program *)prog));
}

BPFHOST_COMPAT_INLINE const char *bpf_program__name(const struct bpf_program *prog)
{
	return bpfhost_program__name((const struct bpfhost_program *)prog);
}

BPFHOST_COMPAT_INLINE const char *bpf_program__section_name(const struct bpf_program *prog)
{
	return bpfhost_program__section_name((const struct bpfhost_program *)prog);
}

BPFHOST_COMPAT_INLINE const bpfhost_compat_insn *bpf_program__insns(const struct bpf_program *prog)
{
	return (const bpfhost_compat_insn *)bpfhost_program__insns(
		(const struct bpfhost_program *)prog);
}

BPFHOST_COMPAT_INLINE size_t bpf_program__insn_cnt(const struct bpf_program *prog)
{
	return bpfhost_program__insn_cnt((const struct bpfhost_program *)prog);
}

BPFHOST_COMPAT_INLINE struct bpf_link *bpf_program__attach(const struct bpf_program *prog)
{
	return (struct bpf_link *)bpfhost_program__attach((const struct bpfhost_program *)prog);
}

/* ---- links ---- */
BPFHOST_COMPAT_INLINE int bpf_link__fd(const struct bpf_link *link)
{
	return bpfhost_compat_err(bpfhost_link__fd((const struct bpfhost_link *)link));
}

BPFHOST_COMPAT_INLINE int bpf_link__destroy(struct bpf_link *link)
{
	return bpfhost_compat_err(bpfhost_link__destroy((struct bpfhost_link *)link));
}

/* ---- maps of an object ---- */
BPFHOST_COMPAT_INLINE int bpf_map__fd(const struct bpf_map *map)
{
	return bpfhost_compat_err(bpfhost_map__fd((const struct bpfhost_map *)map));
}

BPFHOST_COMPAT_INLINE const char *bpf_map__name(const struct bpf_map *map)
{
	return bpfhost_map__name((const struct bpfhost_map *)map);
}

BPFHOST_COMPAT_INLINE bpfhost_compat_map_type bpf_map__type(const struct bpf_map *map)
{
	return (bpfhost_compat_map_type)bpfhost_map__type((const struct bpfhost_map *)map);
}

BPFHOST_COMPAT_INLINE uint32_t bpf_map__key_size(const struct bpf_map *map)
{
	return bpfhost_map__key_size((const struct bpfhost_map *)map);
}

BPFHOST_COMPAT_INLINE uint32_t bpf_map__value_size(const struct bpf_map *map)
{
	return bpfhost_map__value_size((const struct bpfhost_map *)map);
}

BPFHOST_COMPAT_INLINE uint32_t bpf_map__max_entries(const struct bpf_map *map)
{
	return bpfhost_map__max_entries((const struct bpfhost_map *)map);
}

BPFHOST_COMPAT_INLINE uint32_t bpf_map__map_flags(const struct bpf_map *map)
{
	return bpfhost_map__map_flags((const struct bpfhost_map *)map);
}

BPFHOST_COMPAT_INLINE const char *bpf_map__pin_path(const struct bpf_map *map)
{
	return bpfhost_map__pin_path((const struct bpfhost_map *)map);
}

BPFHOST_COMPAT_INLINE int bpf_map__set_pin_path(struct bpf_map *map, const char *path)
{
	return bpfhost_compat_err(bpfhost_map__set_pin_path((struct bpfhost_map *)map, path));
}

BPFHOST_COMPAT_INLINE void *bpf_map__initial_value(struct bpf_map *map, size_t *psize)
{
	return (void *)bpfhost_map__initial_value((const struct bpfhost_map *)map, psize);
}

BPFHOST_COMPAT_INLINE int bpf_map__set_initial_value(struct bpf_map *map, const void *data,
						     size_t size)
{
	return bpfhost_compat_err(
		bpfhost_map__set_initial_value((struct bpfhost_map *)map, data, size));
}

BPFHOST_COMPAT_INLINE int bpf_map__lookup_elem(const struct bpf_map *map, const void *key,
					       size_t key_sz, void *value, size_t value_sz,
					       uint64_t flags)
{
	return bpfhost_compat_err(bpfhost_map__lookup_elem((const struct bpfhost_map *)map, key,
							   key_sz, value, value_sz, flags));
}

BPFHOST_COMPAT_INLINE int bpf_map__update_elem(const struct bpf_map *map, const void *key,
					       size_t key_sz, const void *value, size_t value_sz,
					       uint64_t flags)
{
	return bpfhost_compat_err(bpfhost_map__update_elem((const struct bpfhost_map *)map, key,
							   key_sz, value, value_sz, flags));
}

BPFHOST_COMPAT_INLINE int bpf_map__delete_elem(const struct bpf_map *map, const void *key,
					       size_t key_sz, uint64_t flags)
{
	return bpfhost_compat_err(
		bpfhost_map__delete_elem((const struct bpfhost_map *)map, key, key_sz, flags));
}

BPFHOST_COMPAT_INLINE int bpf_map__lookup_and_delete_elem(const struct bpf_map *map,
							  const void *key, size_t key_sz,
							  void *value, size_t value_sz,
							  uint64_t flags)
{
	return bpfhost_compat_err(bpfhost_map__lookup_and_delete_elem(
		(const struct bpfhost_map *)map, key, key_sz, value, value_sz, flags));
}

BPFHOST_COMPAT_INLINE int bpf_map__get_next_key(const struct bpf_map *map, const void *cur_key,
						void *next_key, size_t key_sz)
{
	return bpfhost_compat_err(bpfhost_map__get_next_key((const struct bpfhost_map *)map,
							    cur_key, next_key, key_sz));
}

/* ---- fd-based map calls (<bpf/bpf.h>) ---- */
BPFHOST_COMPAT_INLINE int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	return bpfhost_compat_err(bpfhost_map_lookup_elem(fd, key, value));
}

BPFHOST_COMPAT_INLINE int bpf_map_lookup_elem_flags(int fd, const void *key, void *value,
						    uint64_t flags)
{
	return bpfhost_compat_err(bpfhost_map_lookup_elem_flags(fd, key, value, flags));
}

BPFHOST_COMPAT_INLINE int bpf_map_update_elem(int fd, const void *key, const void *value,
					      uint64_t flags)
{
	return bpfhost_compat_err(bpfhost_map_update_elem(fd, key, value, flags));
}

BPFHOST_COMPAT_INLINE int bpf_map_delete_elem(int fd, const void *key)
{
	return bpfhost_compat_err(bpfhost_map_delete_elem(fd, key));
}

BPFHOST_COMPAT_INLINE int bpf_map_lookup_and_delete_elem(int fd, const void *key, void *value)
{
	return bpfhost_compat_err(bpfhost_map_lookup_and_delete_elem(fd, key, value));
}

BPFHOST_COMPAT_INLINE int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	return bpfhost_compat_err(bpfhost_map_get_next_key(fd, key, next_key));
}

/* ---- test runs ---- */
struct bpf_test_run_opts {
	size_t sz;
	const void *data_in;
	void *data_out;
	uint32_t data_size_in;
	uint32_t data_size_out; /* in: capacity of data_out; out: bytes produced */
	const void *ctx_in;
	void *ctx_out;
	uint32_t ctx_size_in;
	uint32_t ctx_size_out; /* in: capacity of ctx_out; out: bytes produced */
	uint32_t retval;       /* out: low 32 bits of r0 */
	int repeat;
	uint32_t duration; /* out: average ns per run */
	uint32_t flags;
	uint32_t cpu;	     /* must be 0 */
	uint32_t batch_size; /* must be 0 */
};

BPFHOST_COMPAT_INLINE int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts)
{
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o);
	int err;

	if (!opts || !opts->sz || BPFHOST_COMPAT_OPT(opts, cpu) ||
	    BPFHOST_COMPAT_OPT(opts, batch_size))
		return bpfhost_compat_err(-EINVAL);
	o.data_in = BPFHOST_COMPAT_OPT(opts, data_in);
	o.data_out = BPFHOST_COMPAT_OPT(opts, data_out);
	o.data_size_in = BPFHOST_COMPAT_OPT(opts, data_size_in);
	o.data_size_out = BPFHOST_COMPAT_OPT(opts, data_size_out);
	o.ctx_in = BPFHOST_COMPAT_OPT(opts, ctx_in);
	o.ctx_out = BPFHOST_COMPAT_OPT(opts, ctx_out);
	o.ctx_size_in = BPFHOST_COMPAT_OPT(opts, ctx_size_in);
	o.ctx_size_out = BPFHOST_COMPAT_OPT(opts, ctx_size_out);
	o.repeat = BPFHOST_COMPAT_OPT(opts, repeat);
	o.flags = BPFHOST_COMPAT_OPT(opts, flags);
	err = bpfhost_prog_test_run_opts(prog_fd, &o);
	if (BPFHOST_COMPAT_OPT(opts, data_out))
		opts->data_size_out = o.data_size_out;
	if (BPFHOST_COMPAT_OPT(opts, ctx_out))
		opts->ctx_size_out = o.ctx_size_out;
	if (opts->sz >= offsetof(struct bpf_test_run_opts, retval) + sizeof(opts->retval))
		opts->retval = (uint32_t)o.retval;
	if (opts->sz >= offsetof(struct bpf_test_run_opts, duration) + sizeof(opts->duration))
		opts->duration = o.duration;
	return bpfhost_compat_err(err);
}

/* ---- ring buffers ---- */
struct ring_buffer;
typedef bpfhost_ring_buffer_sample_fn ring_buffer_sample_fn;
struct ring_buffer_opts {
	size_t sz;
};

BPFHOST_COMPAT_INLINE struct ring_buffer *ring_buffer__new(int map_fd,
							   ring_buffer_sample_fn sample_cb,
							   void *ctx,
							   const struct ring_buffer_opts *opts)
{
	(void)opts;
	return (struct ring_buffer *)bpfhost_ring_buffer__new(map_fd, sample_cb, ctx, NULL);
}

BPFHOST_COMPAT_INLINE int ring_buffer__add(struct ring_buffer *rb, int map_fd,
					   ring_buffer_sample_fn sample_cb, void *ctx)
{
	return bpfhost_compat_err(
		bpfhost_ring_buffer__add((struct bpfhost_ring_buffer *)rb, map_fd, sample_cb, ctx));
}

BPFHOST_COMPAT_INLINE int ring_buffer__poll(struct ring_buffer *rb, int timeout_ms)
{
	return bpfhost_compat_err(
		bpfhost_ring_buffer__poll((struct bpfhost_ring_buffer *)rb, timeout_ms));
}

BPFHOST_COMPAT_INLINE int ring_buffer__consume(struct ring_buffer *rb)
{
	return bpfhost_compat_err(bpfhost_ring_buffer__consume((struct bpfhost_ring_buffer *)rb));
}

BPFHOST_COMPAT_INLINE int ring_buffer__epoll_fd(const struct ring_buffer *rb)
{
	return bpfhost_ring_buffer__epoll_fd((const struct bpfhost_ring_buffer *)rb);
}

BPFHOST_COMPAT_INLINE void ring_buffer__free(struct ring_buffer *rb)
{
	bpfhost_ring_buffer__free((struct bpfhost_ring_buffer *)rb);
}

#ifdef __cplusplus
}
#endif

#endif /* BPFHOST_LIBBPF_COMPAT_H */
