/* SPDX-License-Identifier: MIT */
/*
 * Map objects: the type table, definition checks common to every type,
 * storage regions and reference counts.
 *
 * A region is either anonymous private memory or a file mapped MAP_SHARED.
 * For a file, open(O_CREAT | O_EXCL) elects the one process that builds
 * the region: it sizes the file (posix_fallocate, so a full tmpfs fails now
 * instead of with SIGBUS later), writes the header and the type's
 * structures, then publishes hdr->ready with a release store. Everyone else
 * opens the existing file, waits for the file size and for ready, and
 * compares the header with its own definition. The geometry of a region is
 * always recomputed from the definition by the process that maps it; only
 * indices read from a region are trusted after a bounds check.
 *
 * bh_map_open_pinned() attaches to an existing region without knowing its
 * definition (the CLI's map commands): it reads the definition from the
 * region header, checks it like a definition given by a caller (so a
 * corrupted or foreign header is refused, not trusted), then attaches as
 * bh_map_create() does. It never creates a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "maps/map.h"
#include "maps/map_in_map.h"
#include "maps/perf_event.h"
#include "maps/prog_array.h"
#include "maps/ringbuf.h"

_Static_assert(sizeof(struct bh_map_region_hdr) <= BH_MAP_HDR_SIZE, "region header too big");

#define KNOWN_MAP_FLAGS                                                            \
	(BPFHOST_F_NO_PREALLOC | BPFHOST_F_NO_COMMON_LRU | BPFHOST_F_RDONLY_PROG | \
	 BPFHOST_F_WRONLY_PROG)

/* How long an attacher waits for the creator to finish the region. */
#define ATTACH_TIMEOUT_MS 5000

/* Cap so a bogus CPU count cannot blow up per-CPU layouts. */
#define MAX_NCPUS 4096u

unsigned bh_map_ncpus(void)
{
	static unsigned cached;
	unsigned n = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	long c;

	if (n)
		return n;
	c = sysconf(_SC_NPROCESSORS_CONF);
	n = c < 1 ? 1 : c > (long)MAX_NCPUS ? MAX_NCPUS : (unsigned)c;
	__atomic_store_n(&cached, n, __ATOMIC_RELAXED);
	return n;
}

unsigned bh_map_this_cpu(const struct bh_map *map)
{
	int c = sched_getcpu();

	if (c < 0)
		return 0;
	return (unsigned)c < map->ncpus ? (unsigned)c : (unsigned)c % map->ncpus;
}

const struct bh_map_ops *bh_map_type_ops(uint32_t type)
{
	switch (type) {
	case BPFHOST_MAP_TYPE_HASH:
		return &bh_htab_map_ops;
	case BPFHOST_MAP_TYPE_ARRAY:
		return &bh_array_map_ops;
	case BPFHOST_MAP_TYPE_PROG_ARRAY:
		return &bh_prog_array_map_ops;
	case BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY:
		return &bh_perf_event_array_map_ops;
	case BPFHOST_MAP_TYPE_PERCPU_HASH:
		return &bh_percpu_htab_map_ops;
	case BPFHOST_MAP_TYPE_PERCPU_ARRAY:
		return &bh_percpu_array_map_ops;
	case BPFHOST_MAP_TYPE_LRU_HASH:
		return &bh_lru_htab_map_ops;
	case BPFHOST_MAP_TYPE_LRU_PERCPU_HASH:
		return &bh_lru_percpu_htab_map_ops;
	case BPFHOST_MAP_TYPE_LPM_TRIE:
		return &bh_lpm_trie_map_ops;
	case BPFHOST_MAP_TYPE_ARRAY_OF_MAPS:
		return &bh_array_of_maps_map_ops;
	case BPFHOST_MAP_TYPE_HASH_OF_MAPS:
		return &bh_hash_of_maps_map_ops;
	case BPFHOST_MAP_TYPE_QUEUE:
		return &bh_queue_map_ops;
	case BPFHOST_MAP_TYPE_STACK:
		return &bh_stack_map_ops;
	case BPFHOST_MAP_TYPE_RINGBUF:
		return &bh_ringbuf_map_ops;
	default:
		return NULL;
	}
}

const char *bh_map_type_name(uint32_t type)
{
	switch (type) {
	case BPFHOST_MAP_TYPE_UNSPEC:
		return "unspec";
	case BPFHOST_MAP_TYPE_HASH:
		return "hash";
	case BPFHOST_MAP_TYPE_ARRAY:
		return "array";
	case BPFHOST_MAP_TYPE_PROG_ARRAY:
		return "prog_array";
	case BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY:
		return "perf_event_array";
	case BPFHOST_MAP_TYPE_PERCPU_HASH:
		return "percpu_hash";
	case BPFHOST_MAP_TYPE_PERCPU_ARRAY:
		return "percpu_array";
	case BPFHOST_MAP_TYPE_LRU_HASH:
		return "lru_hash";
	case BPFHOST_MAP_TYPE_LRU_PERCPU_HASH:
		return "lru_percpu_hash";
	case BPFHOST_MAP_TYPE_LPM_TRIE:
		return "lpm_trie";
	case BPFHOST_MAP_TYPE_ARRAY_OF_MAPS:
		return "array_of_maps";
	case BPFHOST_MAP_TYPE_HASH_OF_MAPS:
		return "hash_of_maps";
	case BPFHOST_MAP_TYPE_QUEUE:
		return "queue";
	case BPFHOST_MAP_TYPE_STACK:
		return "stack";
	case BPFHOST_MAP_TYPE_RINGBUF:
		return "ringbuf";
	default:
		return NULL;
	}
}

void bh_map_log(struct bh_log *log, const struct bh_map_def *def, const char *fmt, ...)
{
	const char *tn = bh_map_type_name(def->type);
	va_list ap;

	bh_logf(log, "map '%.*s' (", BH_MAP_NAME_LEN, def->name);
	if (tn)
		bh_logf(log, "%s): ", tn);
	else
		bh_logf(log, "type %u): ", def->type);
	va_start(ap, fmt);
	bh_vlogf(log, fmt, ap);
	va_end(ap);
	if (log && log->len && log->buf[log->len - 1] != '\n')
		bh_logf(log, "\n");
}

/* Checks every type shares: name, flag bits, the type itself. */
static int check_common(const struct bh_map_def *def, const struct bh_map_ops **ops,
			struct bh_log *log)
{
	size_t i;

	for (i = 0; i < BH_MAP_NAME_LEN && def->name[i]; i++) {
		char c = def->name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.')) {
			bh_map_log(
				log, def,
				"name: character %zu (0x%02x) is not a letter, digit, '_' or '.'",
				i, (unsigned char)c);
			return -EINVAL;
		}
	}
	if (i == BH_MAP_NAME_LEN) {
		bh_map_log(log, def, "name: longer than %d characters", BH_MAP_NAME_LEN - 1);
		return -EINVAL;
	}
	*ops = bh_map_type_ops(def->type);
	if (!*ops) {
		if (def->type == BPFHOST_MAP_TYPE_UNSPEC || !bh_map_type_name(def->type)) {
			bh_map_log(log, def, "unknown map type %u", def->type);
			return -EINVAL;
		}
		bh_map_log(log, def, "map type %s is not supported by bpfhost",
			   bh_map_type_name(def->type));
		return -EOPNOTSUPP;
	}
	if (def->map_flags & ~KNOWN_MAP_FLAGS) {
		bh_map_log(log, def, "map_flags 0x%x: unknown bits 0x%x", def->map_flags,
			   def->map_flags & ~KNOWN_MAP_FLAGS);
		return -EINVAL;
	}
	if ((def->map_flags & BPFHOST_F_RDONLY_PROG) && (def->map_flags & BPFHOST_F_WRONLY_PROG)) {
		bh_map_log(log, def,
			   "map_flags: F_RDONLY_PROG and F_WRONLY_PROG exclude each other");
		return -EINVAL;
	}
	return 0;
}

static void write_header(struct bh_map *map)
{
	struct bh_map_region_hdr *hdr = map->region;

	hdr->magic = BH_MAP_REGION_MAGIC;
	hdr->version = BH_MAP_REGION_VERSION;
	hdr->ncpus = map->ncpus;
	hdr->total_size = map->region_size;
	hdr->def = map->def;
}

static void publish(struct bh_map *map)
{
	struct bh_map_region_hdr *hdr = map->region;

	__atomic_store_n(&hdr->ready, 1, __ATOMIC_RELEASE);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Compare the header of an existing region with what this process wants. */
static int check_attached(struct bh_map *map, const char *path, struct bh_log *log)
{
	const struct bh_map_region_hdr *hdr = map->region;
	const struct bh_map_def *have = &hdr->def, *want = &map->def;

	if (hdr->magic != BH_MAP_REGION_MAGIC) {
		bh_map_log(log, want, "%s is not a bpfhost map region (bad magic)", path);
		return -EINVAL;
	}
	if (hdr->version != BH_MAP_REGION_VERSION) {
		bh_map_log(log, want, "%s: region version %u, this library uses %u", path,
			   hdr->version, BH_MAP_REGION_VERSION);
		return -EINVAL;
	}
	if (hdr->ncpus != map->ncpus) {
		bh_map_log(log, want, "%s: region built for ncpus %u, this process has %u", path,
			   hdr->ncpus, map->ncpus);
		return -EINVAL;
	}
#define SAME(field)                                                                               \
	do {                                                                                      \
		if (have->field != want->field) {                                                 \
			bh_map_log(log, want, "%s: existing map has " #field " %u, requested %u", \
				   path, have->field, want->field);                               \
			return -EEXIST;                                                           \
		}                                                                                 \
	} while (0)
	SAME(type);
	SAME(key_size);
	SAME(value_size);
	SAME(max_entries);
	SAME(map_flags);
#undef SAME
	if (hdr->total_size != map->region_size) {
		bh_map_log(log, want, "%s: region size %llu, expected %zu for this definition",
			   path, (unsigned long long)hdr->total_size, map->region_size);
		return -EINVAL;
	}
	return 0;
}

/*
 * Open and map an existing region file: wait until the creator sized it
 * and marked it ready, then check it. -ENOENT means the file vanished
 * (a creator that failed removes it) and the caller may retry creating.
 */
static int attach_file(struct bh_map *map, const char *path, struct bh_log *log)
{
	long deadline = now_ms() + ATTACH_TIMEOUT_MS;
	struct bh_map_region_hdr *hdr;
	struct stat st;
	void *p;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			bh_map_log(log, &map->def, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	for (;;) {
		if (fstat(fd, &st)) {
			int err = -errno;

			bh_map_log(log, &map->def, "cannot stat %s: %s", path, strerror(errno));
			close(fd);
			return err;
		}
		if (!S_ISREG(st.st_mode)) {
			bh_map_log(log, &map->def, "%s is not a regular file", path);
			close(fd);
			return -EINVAL;
		}
		if (st.st_size > 0)
			break;
		if (now_ms() > deadline) {
			bh_map_log(log, &map->def,
				   "%s stays empty: its creator did not finish (remove the file)",
				   path);
			close(fd);
			return -ETIMEDOUT;
		}
		sleep_ms(1);
	}
	if ((uint64_t)st.st_size < BH_MAP_HDR_SIZE) {
		bh_map_log(log, &map->def, "%s is not a bpfhost map region (%lld bytes)", path,
			   (long long)st.st_size);
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size != map->region_size) {
		/* map only the header to report what differs */
		p = mmap(NULL, BH_MAP_HDR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	} else {
		p = mmap(NULL, map->region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	}
	if (p == MAP_FAILED) {
		int err = -errno;

		bh_map_log(log, &map->def, "cannot map %s: %s", path, strerror(errno));
		close(fd);
		return err;
	}
	hdr = p;
	while (!__atomic_load_n(&hdr->ready, __ATOMIC_ACQUIRE)) {
		if (hdr->magic != BH_MAP_REGION_MAGIC && hdr->magic != 0)
			break; /* not ours: check_attached says why */
		if (now_ms() > deadline) {
			bh_map_log(log, &map->def,
				   "%s never became ready: its creator did not finish (remove the "
				   "file)",
				   path);
			munmap(p, (uint64_t)st.st_size != map->region_size ? BH_MAP_HDR_SIZE
									   : map->region_size);
			close(fd);
			return -ETIMEDOUT;
		}
		sleep_ms(1);
	}
	map->region = p;
	{
		size_t mapped = map->region_size;
		int err;

		if ((uint64_t)st.st_size != map->region_size)
			mapped = BH_MAP_HDR_SIZE;
		err = check_attached(map, path, log);
		if (!err && mapped != map->region_size) {
			bh_map_log(log, &map->def, "%s: file has %lld bytes, expected %zu", path,
				   (long long)st.st_size, map->region_size);
			err = -EINVAL;
		}
		if (err) {
			munmap(p, mapped);
			map->region = NULL;
			close(fd);
			return err;
		}
	}
	map->shm_fd = fd;
	map->shared = true;
	return 0;
}

/* Create the region file; 0 on success, -EEXIST if someone else has it. */
static int create_file(struct bh_map *map, const char *path, struct bh_log *log)
{
	void *p;
	int fd, err;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno != EEXIST)
			bh_map_log(log, &map->def, "cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	err = posix_fallocate(fd, 0, (off_t)map->region_size);
	if (err == EOPNOTSUPP || err == EINVAL)
		err = ftruncate(fd, (off_t)map->region_size) ? errno : 0;
	if (err) {
		bh_map_log(log, &map->def, "cannot size %s to %zu bytes: %s", path,
			   map->region_size, strerror(err));
		goto fail;
	}
	p = mmap(NULL, map->region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = errno;
		bh_map_log(log, &map->def, "cannot map %s: %s", path, strerror(err));
		goto fail;
	}
	map->region = p;
	map->shm_fd = fd;
	map->shared = true;
	return 0;
fail:
	unlink(path);
	close(fd);
	return -err;
}

static void unmap_region(struct bh_map *map)
{
	if (map->region)
		munmap(map->region, map->region_size);
	map->region = NULL;
	if (map->shm_fd >= 0)
		close(map->shm_fd);
	map->shm_fd = -1;
}

/* Check a definition and allocate the process-local handle (no region yet). */
static int map_new(const struct bh_map_def *def, struct bh_map **out, struct bh_log *log)
{
	const struct bh_map_ops *ops;
	struct bh_map *map;
	size_t size;
	int err;

	err = check_common(def, &ops, log);
	if (err)
		return err;
	err = ops->check_def ? ops->check_def(def, log) : 0;
	if (err)
		return err;
	size = ops->region_size(def, bh_map_ncpus());
	if (!size || size > BH_MAP_MAX_REGION) {
		bh_map_log(log, def, "needs more than %llu bytes of storage",
			   (unsigned long long)BH_MAP_MAX_REGION);
		return -E2BIG;
	}
	map = calloc(1, sizeof(*map));
	if (!map) {
		bh_map_log(log, def, "out of memory");
		return -ENOMEM;
	}
	map->ops = ops;
	map->def = *def;
	map->region_size = size;
	map->shm_fd = -1;
	map->ncpus = bh_map_ncpus();
	map->value_stride = (def->value_size + 7) & ~7u;
	map->refcnt = 1;
	*out = map;
	return 0;
}

int bh_map_create(const struct bh_map_def *def, const char *path, struct bh_map **out,
		  bool *created, struct bh_log *log)
{
	const struct bh_map_ops *ops;
	struct bh_map *map;
	bool made = false;
	size_t size;
	int err, tries;

	if (out)
		*out = NULL;
	if (created)
		*created = false;
	if (!def || !out) {
		bh_logf(log, "map: no definition or result pointer\n");
		return -EINVAL;
	}
	err = map_new(def, &map, log);
	if (err)
		return err;
	ops = map->ops;
	size = map->region_size;

	if (!path) {
		void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);

		if (p == MAP_FAILED) {
			err = -errno;
			bh_map_log(log, def, "cannot allocate %zu bytes: %s", size,
				   strerror(errno));
			goto fail;
		}
		map->region = p;
		made = true;
	} else {
		/* a creator that fails removes its file: then try again */
		for (tries = 0; tries < 5; tries++) {
			err = create_file(map, path, log);
			if (!err) {
				made = true;
				break;
			}
			if (err != -EEXIST)
				goto fail;
			err = attach_file(map, path, log);
			if (err != -ENOENT)
				break;
		}
		if (err) {
			if (err == -ENOENT)
				bh_map_log(log, def, "%s keeps disappearing", path);
			goto fail;
		}
	}
	if (made) {
		write_header(map);
		err = ops->init ? ops->init(map) : 0;
		if (err) {
			bh_map_log(log, def, "cannot initialise the region: %s", strerror(-err));
			if (path)
				unlink(path);
			goto fail;
		}
	}
	err = ops->open ? ops->open(map) : 0;
	if (err) {
		bh_map_log(log, def, "cannot set up the map: %s", strerror(-err));
		if (made && path)
			unlink(path);
		goto fail;
	}
	if (made)
		publish(map);
	*out = map;
	if (created)
		*created = made;
	return 0;
fail:
	unmap_region(map);
	free(map->priv);
	free(map);
	return err;
}

/*
 * Read the definition of the region file at path: wait (as attach_file
 * does) until its creator marked it ready, then copy the header.
 */
static int read_pinned_header(const char *path, struct bh_map_region_hdr *out, struct bh_log *log)
{
	long deadline = now_ms() + ATTACH_TIMEOUT_MS;
	const struct bh_map_region_hdr *hdr;
	struct stat st;
	void *p;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		bh_logf(log, "cannot open pinned map %s: %s\n", path, strerror(errno));
		return err;
	}
	for (;;) {
		if (fstat(fd, &st)) {
			err = -errno;
			bh_logf(log, "cannot stat %s: %s\n", path, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			bh_logf(log, "%s is not a regular file, so not a pinned map\n", path);
			err = -EINVAL;
			goto out;
		}
		if (st.st_size > 0)
			break;
		if (now_ms() > deadline) {
			bh_logf(log,
				"%s stays empty: its creator did not finish (remove the file)\n",
				path);
			err = -ETIMEDOUT;
			goto out;
		}
		sleep_ms(1);
	}
	if ((uint64_t)st.st_size < BH_MAP_HDR_SIZE) {
		bh_logf(log, "%s is not a bpfhost map region (%lld bytes)\n", path,
			(long long)st.st_size);
		err = -EINVAL;
		goto out;
	}
	p = mmap(NULL, BH_MAP_HDR_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		bh_logf(log, "cannot map %s: %s\n", path, strerror(errno));
		goto out;
	}
	hdr = p;
	err = 0;
	while (!__atomic_load_n(&hdr->ready, __ATOMIC_ACQUIRE)) {
		if (hdr->magic != BH_MAP_REGION_MAGIC && hdr->magic != 0)
			break; /* not ours: the caller's checks say why */
		if (now_ms() > deadline) {
			bh_logf(log,
				"%s never became ready: its creator did not finish (remove the "
				"file)\n",
				path);
			err = -ETIMEDOUT;
			break;
		}
		sleep_ms(1);
	}
	if (!err)
		memcpy(out, hdr, sizeof(*out));
	munmap(p, BH_MAP_HDR_SIZE);
out:
	close(fd);
	return err;
}

int bh_map_open_pinned(const char *path, struct bh_map **out, struct bh_log *log)
{
	struct bh_map_region_hdr hdr;
	struct bh_map *map = NULL;
	struct bh_map_def def;
	int err;

	if (out)
		*out = NULL;
	if (!path || !*path || !out) {
		bh_logf(log, "map: no pin path or result pointer\n");
		return -EINVAL;
	}
	err = read_pinned_header(path, &hdr, log);
	if (err)
		return err;
	if (hdr.magic != BH_MAP_REGION_MAGIC) {
		bh_logf(log, "%s is not a bpfhost map region (bad magic)\n", path);
		return -EINVAL;
	}
	if (hdr.version != BH_MAP_REGION_VERSION) {
		bh_logf(log, "%s: region version %u, this library uses %u\n", path, hdr.version,
			BH_MAP_REGION_VERSION);
		return -EINVAL;
	}
	def = hdr.def;
	if (!memchr(def.name, '\0', sizeof(def.name))) {
		bh_logf(log, "%s: the map name in the region header is not terminated\n", path);
		return -EINVAL;
	}
	if (hdr.ncpus != bh_map_ncpus()) {
		bh_map_log(log, &def, "%s: region built for ncpus %u, this process has %u", path,
			   hdr.ncpus, bh_map_ncpus());
		return -EINVAL;
	}
	if (def.type == BPFHOST_MAP_TYPE_PROG_ARRAY || def.type == BPFHOST_MAP_TYPE_ARRAY_OF_MAPS ||
	    def.type == BPFHOST_MAP_TYPE_HASH_OF_MAPS) {
		bh_map_log(log, &def,
			   "%s: maps of this type hold references of one process and are "
			   "never pinned",
			   path);
		return -EINVAL;
	}
	/* the header comes from a file: check it like any definition */
	err = map_new(&def, &map, log);
	if (err) {
		bh_logf(log, "%s: the region header holds an invalid definition\n", path);
		return err;
	}
	err = attach_file(map, path, log);
	if (!err && map->ops->open) {
		err = map->ops->open(map);
		if (err)
			bh_map_log(log, &def, "cannot set up the map: %s", strerror(-err));
	}
	if (err) {
		unmap_region(map);
		free(map->priv);
		free(map);
		return err;
	}
	*out = map;
	return 0;
}

void bh_map_get(struct bh_map *map)
{
	__atomic_fetch_add(&map->refcnt, 1, __ATOMIC_RELAXED);
}

void bh_map_put(struct bh_map *map)
{
	if (!map || __atomic_sub_fetch(&map->refcnt, 1, __ATOMIC_ACQ_REL))
		return;
	if (map->ops->release)
		map->ops->release(map);
	unmap_region(map);
	free(map->priv);
	free(map);
}
