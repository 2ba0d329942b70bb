/* SPDX-License-Identifier: MIT */
/*
 * Internal map interface.
 *
 * A map is a struct bh_map (process-local handle: ops table, definition,
 * reference count) around one storage *region*. Everything a map stores —
 * header, buckets, elements, free lists, locks — lives inside that region
 * and is addressed by byte offsets from the region's base, never by raw
 * pointers, so the region can be a file-backed MAP_SHARED mapping that
 * several processes map at different addresses (pinning, socket hooks).
 * Locks inside the region are process-shared (own atomic spinlocks, or
 * pthread primitives with PTHREAD_PROCESS_SHARED).
 *
 * The region starts with struct bh_map_region_hdr, which records the
 * definition so a second process can attach to an existing region and check
 * that it matches.
 *
 * Two views of every operation:
 *  - program view (helpers): lookup returns a pointer into the region (for
 *    per-CPU maps, the current CPU's copy); update/delete take flags with
 *    Linux semantics (BPFHOST_ANY/NOEXIST/EXIST) and return Linux errnos
 *    (-ENOENT, -EEXIST, -E2BIG when full, -EINVAL for bad flags);
 *  - user view (API/CLI): lookups copy the value out; per-CPU maps transfer
 *    round_up(value_size, 8) * bh_map_ncpus() bytes, one slot per CPU.
 *
 * Concurrency: any number of threads (and processes sharing the region) may
 * call any operation at once. Element memory is preallocated inside the
 * region and never unmapped while the map lives, so a pointer returned by a
 * program-view lookup always points at valid memory even if the element is
 * deleted and reused concurrently (the Linux semantics of preallocated maps).
 */
#ifndef BH_MAPS_MAP_H
#define BH_MAPS_MAP_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfhost/bpfhost.h>
#include "common/log.h"

#define BH_MAP_NAME_LEN 16

struct bh_map_def {
	uint32_t type; /* enum bpfhost_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	char name[BH_MAP_NAME_LEN];
};

#define BH_MAP_REGION_MAGIC 0x50414d4842485042ull /* "BPHBHMAP" */
#define BH_MAP_REGION_VERSION 1

/* First bytes of every map region (file-backed or anonymous). */
struct bh_map_region_hdr {
	uint64_t magic;
	uint32_t version;
	uint32_t ncpus;	     /* per-CPU slot count the region was built with */
	uint64_t total_size; /* bytes of the whole region */
	struct bh_map_def def;
	uint32_t ready; /* set (release) when initialisation completed */
	uint32_t pad;
	/* type-specific header follows, 8-byte aligned */
};

struct bh_map;

/* Per-type operations; NULL entries answer -EOPNOTSUPP (or -EINVAL). */
struct bh_map_ops {
	/* check a definition; message names the problem */
	int (*check_def)(const struct bh_map_def *def, struct bh_log *log);
	/* bytes of region needed (header included) */
	size_t (*region_size)(const struct bh_map_def *def, unsigned ncpus);
	/* build the type's structures in a zeroed region */
	int (*init)(struct bh_map *map);

	/* program view */
	void *(*lookup)(struct bh_map *map, const void *key);
	int (*update)(struct bh_map *map, const void *key, const void *value, uint64_t flags);
	int (*delete)(struct bh_map *map, const void *key);
	int (*push)(struct bh_map *map, const void *value, uint64_t flags);
	int (*pop)(struct bh_map *map, void *value);
	int (*peek)(struct bh_map *map, void *value);

	/* user view */
	int (*lookup_user)(struct bh_map *map, const void *key, void *value, uint64_t flags);
	int (*update_user)(struct bh_map *map, const void *key, const void *value, uint64_t flags);
	int (*lookup_and_delete_user)(struct bh_map *map, const void *key, void *value);
	/* key NULL = first key; -ENOENT after the last */
	int (*get_next_key)(struct bh_map *map, const void *key, void *next_key);
	/*
	 * Call cb for each element (program view value pointer) until it
	 * returns non-zero; returns the number of elements visited.
	 */
	long (*for_each)(struct bh_map *map,
			 long (*cb)(struct bh_map *map, const void *key, void *value, void *ctx),
			 void *ctx);

	/*
	 * Process-local setup (e.g. map->priv) after the region was
	 * initialised by this process (init ran) or attached (ready seen).
	 */
	int (*open)(struct bh_map *map);
	/*
	 * Last reference dropped: release process-local state and references
	 * before the region is unmapped; bh_map_put() frees map->priv after.
	 */
	void (*release)(struct bh_map *map);
};

struct bh_map {
	const struct bh_map_ops *ops;
	struct bh_map_def def;
	void *region; /* base of the storage region */
	size_t region_size;
	int shm_fd;  /* backing file descriptor, -1 for anonymous memory */
	bool shared; /* region is a file-backed shared mapping */
	unsigned ncpus;
	uint32_t value_stride; /* round_up(value_size, 8) */
	int refcnt;
	void *priv; /* process-local state of the type, if any (not in the region) */
};

/* Offsets inside a region. */
static inline void *bh_map_ptr(const struct bh_map *map, uint64_t off)
{
	return (char *)map->region + off;
}
static inline uint64_t bh_map_off(const struct bh_map *map, const void *p)
{
	return (uint64_t)((const char *)p - (const char *)map->region);
}

/* Number of per-CPU slots (possible CPUs) and the calling thread's slot. */
unsigned bh_map_ncpus(void);
unsigned bh_map_this_cpu(const struct bh_map *map);

/* Ops table of a map type, or NULL if bpfhost does not implement it. */
const struct bh_map_ops *bh_map_type_ops(uint32_t type);
const char *bh_map_type_name(uint32_t type);

/*
 * Create a map. path NULL: anonymous private memory. path set: a
 * file-backed shared region; if the file exists and its header matches def,
 * attach to it (*created = false), if it exists and differs, -EEXIST with a
 * message naming the differing attribute.
 */
int bh_map_create(const struct bh_map_def *def, const char *path, struct bh_map **out,
		  bool *created, struct bh_log *log);
/*
 * Attach to the existing region file at path without knowing its
 * definition: it is read from the region header and checked like any
 * definition (ncpus, type, sizes, flags). Never creates anything; a missing
 * file is -ENOENT, a file that is not a (valid) region -EINVAL, with the
 * reason in log.
 */
int bh_map_open_pinned(const char *path, struct bh_map **out, struct bh_log *log);
void bh_map_get(struct bh_map *map);
void bh_map_put(struct bh_map *map);

static inline void bh_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

/*
 * Process-shared spinlock living in a region (4 bytes, zero = unlocked).
 * User-space threads can be preempted while holding it, so a waiter that
 * spun for a while yields its CPU instead of burning its time slice.
 */
static inline void bh_spin_lock(uint32_t *l)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
			if (++spins < 128) {
				bh_cpu_relax();
			} else {
				sched_yield();
				spins = 0;
			}
		}
	}
}
static inline void bh_spin_unlock(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/*
 * ---- Shared by the map type implementations (src/maps/) ----
 */

/*
 * Errors of the operations are Linux's; in addition, -EUCLEAN means an
 * index read from a (shared, hence untrusted) region was out of range: the
 * operation stopped without touching memory outside the region.
 */

/* Type-specific data starts at this offset of every region. */
#define BH_MAP_HDR_SIZE 128
/* Largest region bpfhost builds (1 TiB); bigger definitions get -E2BIG. */
#define BH_MAP_MAX_REGION (1ull << 40)
/* Linux's limits: MAX_BPF_STACK for keys, PCPU_MIN_UNIT_SIZE per CPU. */
#define BH_MAP_MAX_KEY_SIZE 512u
#define BH_MAP_MAX_VALUE_SIZE (1u << 20)
#define BH_MAP_MAX_PERCPU_VALUE_SIZE (32u << 10)

extern const struct bh_map_ops bh_array_map_ops;
extern const struct bh_map_ops bh_percpu_array_map_ops;
extern const struct bh_map_ops bh_htab_map_ops;
extern const struct bh_map_ops bh_percpu_htab_map_ops;
extern const struct bh_map_ops bh_lru_htab_map_ops;
extern const struct bh_map_ops bh_lru_percpu_htab_map_ops;
extern const struct bh_map_ops bh_queue_map_ops;
extern const struct bh_map_ops bh_stack_map_ops;
extern const struct bh_map_ops bh_lpm_trie_map_ops;

/* Definition diagnostics: "map 'NAME' (TYPE): <message>", newline added if missing. */
__attribute__((format(printf, 3, 4))) void
bh_map_log(struct bh_log *log, const struct bh_map_def *def, const char *fmt, ...);

/*
 * Update flags of both views: BPFHOST_ANY, NOEXIST or EXIST. BPFHOST_F_LOCK
 * needs a bpf_spin_lock in the value, which bpfhost maps never have, so it
 * is -EINVAL like any unknown bit.
 */
static inline bool bh_map_update_flags_ok(uint64_t flags)
{
	return flags <= BPFHOST_EXIST;
}

/*
 * Load len (< 8) bytes into the low-addressed bytes of a zeroed word (the
 * word memcpy would give). On little-endian machines this is built from
 * register-sized loads: going through a zeroed stack word would cost a
 * store-forwarding stall on every hash and key compare.
 */
static inline uint64_t bh_map_load_tail(const void *p, size_t len)
{
	const unsigned char *b = p;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t u32;
	uint16_t u16;

	switch (len) {
	case 7:
		__builtin_memcpy(&u32, b, 4);
		__builtin_memcpy(&u16, b + 4, 2);
		return u32 | (uint64_t)u16 << 32 | (uint64_t)b[6] << 48;
	case 6:
		__builtin_memcpy(&u32, b, 4);
		__builtin_memcpy(&u16, b + 4, 2);
		return u32 | (uint64_t)u16 << 32;
	case 5:
		__builtin_memcpy(&u32, b, 4);
		return u32 | (uint64_t)b[4] << 32;
	case 4:
		__builtin_memcpy(&u32, b, 4);
		return u32;
	case 3:
		__builtin_memcpy(&u16, b, 2);
		return u16 | (uint64_t)b[2] << 16;
	case 2:
		__builtin_memcpy(&u16, b, 2);
		return u16;
	case 1:
		return b[0];
	default:
		return 0;
	}
#else
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < len && i < 8; i++)
		((unsigned char *)&w)[i] = b[i];
	return w;
#endif
}

/*
 * Copies between a region and ordinary memory. Region memory can be read
 * by one thread while another rewrites it (a program holds a value pointer
 * of an element that is deleted and reused, as with Linux's preallocated
 * maps), so region words are accessed with relaxed 8-byte atomics: the race
 * is benign and defined, and sanitizers agree. The region side must be
 * 8-byte aligned with room rounded up to 8 bytes; a partial last word is
 * written with zero padding.
 */
static inline void bh_map_copy_in(void *dst, const void *src, size_t len)
{
	uint64_t *d = dst, w;
	const unsigned char *s = src;

	for (; len >= 8; len -= 8, s += 8, d++) {
		__builtin_memcpy(&w, s, 8);
		__atomic_store_n(d, w, __ATOMIC_RELAXED);
	}
	if (len)
		__atomic_store_n(d, bh_map_load_tail(s, len), __ATOMIC_RELAXED);
}

static inline void bh_map_copy_out(void *dst, const void *src, size_t len)
{
	const uint64_t *s = src;
	unsigned char *d = dst;
	uint64_t w;

	for (; len >= 8; len -= 8, d += 8, s++) {
		w = __atomic_load_n(s, __ATOMIC_RELAXED);
		__builtin_memcpy(d, &w, 8);
	}
	if (len) {
		w = __atomic_load_n(s, __ATOMIC_RELAXED);
		__builtin_memcpy(d, &w, len);
	}
}

/* Zero len bytes (rounded up to 8) of a region. */
static inline void bh_map_zero(void *dst, size_t len)
{
	uint64_t *d = dst;
	size_t i;

	for (i = 0; i < (len + 7) / 8; i++)
		__atomic_store_n(&d[i], 0, __ATOMIC_RELAXED);
}

#endif /* BH_MAPS_MAP_H */
