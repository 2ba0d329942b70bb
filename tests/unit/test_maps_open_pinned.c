/* SPDX-License-Identifier: MIT */
/*
 * bh_map_open_pinned: attaching to a pinned region by path alone, with the
 * definition read from the region header; refusals of missing files,
 * files that are not regions and headers that do not hold a valid
 * definition (the header comes from a file and is not trusted).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maps/map.h"
#include "../lib/harness.h"

struct pin_tmp {
	char dir[128];
	char path[192];
};

static bool pin_tmp_init(struct pin_tmp *t, const char *name)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(t->dir, sizeof(t->dir), "%s/bpfhost-open-XXXXXX", base);
	if (!mkdtemp(t->dir))
		return false;
	snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, name);
	return true;
}

static void pin_tmp_fini(struct pin_tmp *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

/* bh_map_open_pinned with its log as text */
static int open_pinned(const char *path, struct bh_map **m, char *msg, size_t msgsz)
{
	struct bh_log log = BH_LOG_INIT;
	int err = bh_map_open_pinned(path, m, &log);

	snprintf(msg, msgsz, "%s", bh_log_text(&log));
	bh_log_free(&log);
	return err;
}

static struct bh_map *create_pinned(const char *path, uint32_t type, uint32_t ks, uint32_t vs,
				    uint32_t max, const char *name)
{
	struct bh_map_def d = {
		.type = type, .key_size = ks, .value_size = vs, .max_entries = max
	};
	struct bh_map *m = NULL;

	snprintf(d.name, sizeof(d.name), "%s", name);
	if (bh_map_create(&d, path, &m, NULL, NULL))
		return NULL;
	return m;
}

TEST(maps_open_pinned_reads_definition)
{
	struct bh_map *a = NULL, *b = NULL;
	struct pin_tmp t;
	char msg[512];
	uint32_t k = 3;
	uint64_t v = 33, out = 0;

	if (!pin_tmp_init(&t, "hits"))
		SKIP("no temporary directory");
	a = create_pinned(t.path, BPFHOST_MAP_TYPE_HASH, 4, 8, 16, "hits");
	CHECK(a);
	if (!a)
		goto out;
	CHECK_EQ(a->ops->update_user(a, &k, &v, BPFHOST_ANY), 0);
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), 0);
	CHECK_STR(msg, "");
	if (!b)
		goto out;
	CHECK_EQ(b->def.type, BPFHOST_MAP_TYPE_HASH);
	CHECK_EQ(b->def.key_size, 4);
	CHECK_EQ(b->def.value_size, 8);
	CHECK_EQ(b->def.max_entries, 16);
	CHECK_STR(b->def.name, "hits");
	CHECK(b->shared && b->region != a->region);
	CHECK_EQ(b->ops->lookup_user(b, &k, &out, 0), 0);
	CHECK_U64(out, 33);
	/* and the other way round */
	k = 4;
	v = 44;
	CHECK_EQ(b->ops->update_user(b, &k, &v, BPFHOST_NOEXIST), 0);
	CHECK_EQ(a->ops->lookup_user(a, &k, &out, 0), 0);
	CHECK_U64(out, 44);
out:
	bh_map_put(a);
	bh_map_put(b);
	/* opening never removes (nor creates) the file */
	CHECK_EQ(access(t.path, F_OK), 0);
	pin_tmp_fini(&t);
}

TEST(maps_open_pinned_percpu_and_array)
{
	struct bh_map *a = NULL, *b = NULL;
	struct pin_tmp t;
	char msg[512];
	uint32_t k = 1, ncpus = bh_map_ncpus(), i;
	uint64_t *vals = calloc(ncpus, 8), *got = calloc(ncpus, 8);

	if (!vals || !got || !pin_tmp_init(&t, "pcpu")) {
		free(vals);
		free(got);
		SKIP("no memory or temporary directory");
	}
	a = create_pinned(t.path, BPFHOST_MAP_TYPE_PERCPU_ARRAY, 4, 4, 2, "pcpu");
	CHECK(a);
	if (!a)
		goto out;
	for (i = 0; i < ncpus; i++)
		vals[i] = 100 + i;
	CHECK_EQ(a->ops->update_user(a, &k, vals, BPFHOST_ANY), 0);
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), 0);
	if (!b)
		goto out;
	CHECK_EQ(b->def.type, BPFHOST_MAP_TYPE_PERCPU_ARRAY);
	CHECK_EQ(b->value_stride, 8);
	CHECK_EQ(b->ops->lookup_user(b, &k, got, 0), 0);
	for (i = 0; i < ncpus; i++)
		CHECK_U64(got[i] & 0xffffffff, 100 + i);
out:
	bh_map_put(a);
	bh_map_put(b);
	pin_tmp_fini(&t);
	free(vals);
	free(got);
}

TEST(maps_open_pinned_refusals)
{
	struct bh_map *a = NULL, *b = NULL;
	struct bh_map_region_hdr hdr;
	struct pin_tmp t;
	char msg[512];
	int fd;

	if (!pin_tmp_init(&t, "x"))
		SKIP("no temporary directory");
	/* missing file: -ENOENT, nothing created */
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), -ENOENT);
	CHECK(!b);
	CHECK_CONTAINS(msg, "cannot open pinned map");
	CHECK(access(t.path, F_OK) != 0);
	/* a directory */
	CHECK_EQ(open_pinned(t.dir, &b, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "not a regular file");
	/* a short file */
	fd = open(t.path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (fd < 0)
		goto out;
	CHECK_EQ(write(fd, "hello", 5), 5);
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "is not a bpfhost map region (5 bytes)");
	/* a header-sized file of something else */
	CHECK_EQ(ftruncate(fd, 4096), 0);
	CHECK_EQ(pwrite(fd, "not a map region", 16, 0), 16);
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "bad magic");
	close(fd);
	unlink(t.path);

	/* a real region whose header is then altered */
	a = create_pinned(t.path, BPFHOST_MAP_TYPE_ARRAY, 4, 8, 4, "arr");
	CHECK(a);
	if (!a)
		goto out;
	bh_map_put(a);
	a = NULL;
	fd = open(t.path, O_RDWR);
	CHECK(fd >= 0);
	if (fd < 0)
		goto out;
	CHECK_EQ(pread(fd, &hdr, sizeof(hdr), 0), (long)sizeof(hdr));

	hdr.version = 99;
	CHECK_EQ(pwrite(fd, &hdr, sizeof(hdr), 0), (long)sizeof(hdr));
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "region version 99");
	hdr.version = BH_MAP_REGION_VERSION;

	hdr.ncpus = bh_map_ncpus() + 1;
	CHECK_EQ(pwrite(fd, &hdr, sizeof(hdr), 0), (long)sizeof(hdr));
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "region built for ncpus");
	hdr.ncpus = bh_map_ncpus();

	/* an invalid definition is refused by the usual checks */
	hdr.def.key_size = 8; /* arrays have 4-byte keys */
	CHECK_EQ(pwrite(fd, &hdr, sizeof(hdr), 0), (long)sizeof(hdr));
	CHECK(open_pinned(t.path, &b, msg, sizeof(msg)) < 0);
	CHECK_CONTAINS(msg, "invalid definition");
	hdr.def.key_size = 4;

	hdr.def.type = 4242;
	CHECK_EQ(pwrite(fd, &hdr, sizeof(hdr), 0), (long)sizeof(hdr));
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "unknown map type 4242");
	hdr.def.type = BPFHOST_MAP_TYPE_PROG_ARRAY;
	CHECK_EQ(pwrite(fd, &hdr, sizeof(hdr), 0), (long)sizeof(hdr));
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "never pinned");
	hdr.def.type = BPFHOST_MAP_TYPE_ARRAY;

	memset(hdr.def.name, 'a', sizeof(hdr.def.name));
	CHECK_EQ(pwrite(fd, &hdr, sizeof(hdr), 0), (long)sizeof(hdr));
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "not terminated");
	snprintf(hdr.def.name, sizeof(hdr.def.name), "arr");

	/* a bigger max_entries than the file holds: the size check */
	hdr.def.max_entries = 1000;
	CHECK_EQ(pwrite(fd, &hdr, sizeof(hdr), 0), (long)sizeof(hdr));
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), -EINVAL);
	CHECK(msg[0] != '\0');
	hdr.def.max_entries = 4;

	/* restored: opens again */
	CHECK_EQ(pwrite(fd, &hdr, sizeof(hdr), 0), (long)sizeof(hdr));
	CHECK_EQ(open_pinned(t.path, &b, msg, sizeof(msg)), 0);
	close(fd);
out:
	bh_map_put(b);
	b = NULL;
	CHECK_EQ(bh_map_open_pinned(NULL, &b, NULL), -EINVAL);
	bh_map_put(a);
	bh_map_put(b);
	pin_tmp_fini(&t);
}
