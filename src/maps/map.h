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

/* Process-shared spinlock living in a region (4 bytes, zero = unlocked). */
static inline void bh_spin_lock(uint32_t *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			bh_cpu_relax();
}
static inline void bh_spin_unlock(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

#endif /* BH_MAPS_MAP_H */
