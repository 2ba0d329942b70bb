/* SPDX-License-Identifier: MIT */
/*
 * File-backed shared regions: create or attach by path, header checks with
 * their messages, and other processes (fork) seeing and changing the same
 * elements.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "maps/map.h"
#include "../lib/harness.h"

struct tmp {
	char dir[128];
	char path[192];
};

static bool tmp_init(struct tmp *t, const char *name)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(t->dir, sizeof(t->dir), "%s/bpfhost-maps-XXXXXX", base);
	if (!mkdtemp(t->dir))
		return false;
	snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, name);
	return true;
}

static void tmp_fini(struct tmp *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

static struct bh_map_def def_of(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max,
				uint32_t flags)
{
	struct bh_map_def d = { .type = type,
				.key_size = ks,
				.value_size = vs,
				.max_entries = max,
				.map_flags = flags };

	return d;
}

static int open_path(const struct bh_map_def *d, const char *path, struct bh_map **m, bool *created,
		     char *msg, size_t msgsz)
{
	struct bh_log log = BH_LOG_INIT;
	int err = bh_map_create(d, path, m, created, &log);

	snprintf(msg, msgsz, "%s", bh_log_text(&log));
	bh_log_free(&log);
	return err;
}

TEST(maps_shared_create_then_attach)
{
	struct bh_map_def d = def_of(BPFHOST_MAP_TYPE_HASH, 4, 8, 64, 0);
	struct bh_map *a = NULL, *b = NULL;
	bool created = false;
	struct tmp t;
	char msg[512];
	uint32_t k = 5;
	uint64_t v = 50, out = 0;
	struct stat st;

	if (!tmp_init(&t, "h"))
		SKIP("no temporary directory");
	CHECK_EQ(open_path(&d, t.path, &a, &created, msg, sizeof(msg)), 0);
	CHECK(created);
	if (!a)
		goto out;
	CHECK(a->shared && a->shm_fd >= 0);
	CHECK(!stat(t.path, &st) && (uint64_t)st.st_size == a->region_size);
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(a->ops->update(a, &k, &v, BPFHOST_ANY), 0);

	memcpy(d.name, "other_name", 11); /* the name is not part of the check */
	CHECK_EQ(open_path(&d, t.path, &b, &created, msg, sizeof(msg)), 0);
	CHECK(!created);
	if (!b)
		goto out;
	CHECK(b->region != a->region);
	CHECK_EQ(b->ops->lookup_user(b, &k, &out, 0), 0);
	CHECK_U64(out, 50);
	k = 6;
	v = 60;
	CHECK_EQ(b->ops->update_user(b, &k, &v, BPFHOST_NOEXIST), 0);
	CHECK_EQ(a->ops->lookup_user(a, &k, &out, 0), 0);
	CHECK_U64(out, 60);
	/* program-view pointers of both handles address the same bytes */
	*(uint64_t *)a->ops->lookup(a, &k) = 61;
	CHECK_U64(*(uint64_t *)b->ops->lookup(b, &k), 61);
	CHECK_EQ(a->ops->delete (a, &k), 0);
	CHECK(!b->ops->lookup(b, &k));
out:
	bh_map_put(a);
	bh_map_put(b);
	/* the file outlives its handles (pinning); the owner removes it */
	CHECK_EQ(access(t.path, F_OK), 0);
	tmp_fini(&t);
}

TEST(maps_shared_every_type_attaches)
{
	struct bh_map_def defs[] = {
		def_of(BPFHOST_MAP_TYPE_ARRAY, 4, 8, 4, 0),
		def_of(BPFHOST_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0),
		def_of(BPFHOST_MAP_TYPE_PERCPU_HASH, 4, 8, 4, 0),
		def_of(BPFHOST_MAP_TYPE_LRU_HASH, 4, 8, 4, 0),
		def_of(BPFHOST_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 4, 0),
		def_of(BPFHOST_MAP_TYPE_QUEUE, 0, 8, 4, 0),
		def_of(BPFHOST_MAP_TYPE_STACK, 0, 8, 4, 0),
		def_of(BPFHOST_MAP_TYPE_LPM_TRIE, 8, 8, 4, BPFHOST_F_NO_PREALLOC),
	};
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		struct bh_map *a = NULL, *b = NULL;
		unsigned n = bh_map_ncpus(), c;
		uint64_t *in = calloc(n, 8), *out = calloc(n, 8);
		uint32_t key[2] = { 1, 0x0a0b0c0d };
		bool created;
		struct tmp t;
		char msg[512];

		if (!tmp_init(&t, "m")) {
			free(in);
			free(out);
			SKIP("no temporary directory");
		}
		if (defs[i].type == BPFHOST_MAP_TYPE_LPM_TRIE)
			key[0] = 32;
		for (c = 0; c < n; c++)
			in[c] = 1000 * i + c;
		CHECK_EQ(open_path(&defs[i], t.path, &a, &created, msg, sizeof(msg)), 0);
		CHECK_EQ(open_path(&defs[i], t.path, &b, &created, msg, sizeof(msg)), 0);
		CHECK_MSG(a && b && !created, "%s: %s", bh_map_type_name(defs[i].type), msg);
		if (a && b) {
			CHECK_EQ(a->ops->update_user(a, key, in, BPFHOST_ANY), 0);
			CHECK_EQ(b->ops->lookup_user(b, key, out, 0), 0);
			CHECK_MSG(!memcmp(in, out,
					  strstr(bh_map_type_name(defs[i].type), "percpu") ? n * 8
											   : 8),
				  "%s: values differ", bh_map_type_name(defs[i].type));
		}
		bh_map_put(a);
		bh_map_put(b);
		tmp_fini(&t);
		free(in);
		free(out);
	}
}

TEST(maps_shared_attach_refuses_mismatch)
{
	static const struct {
		struct bh_map_def d;
		const char *attr;
	} bad[] = {
		{ { BPFHOST_MAP_TYPE_LRU_HASH, 4, 8, 16, 0, "" }, "type 1, requested 9" },
		{ { BPFHOST_MAP_TYPE_HASH, 8, 8, 16, 0, "" }, "key_size 4, requested 8" },
		{ { BPFHOST_MAP_TYPE_HASH, 4, 16, 16, 0, "" }, "value_size 8, requested 16" },
		{ { BPFHOST_MAP_TYPE_HASH, 4, 8, 17, 0, "" }, "max_entries 16, requested 17" },
		{ { BPFHOST_MAP_TYPE_HASH, 4, 8, 16, BPFHOST_F_NO_PREALLOC, "" },
		  "map_flags 0, requested 1" },
	};
	struct bh_map_def d = def_of(BPFHOST_MAP_TYPE_HASH, 4, 8, 16, 0);
	struct bh_map *a = NULL, *b = NULL;
	struct tmp t;
	char msg[512];
	size_t i;

	if (!tmp_init(&t, "x"))
		SKIP("no temporary directory");
	CHECK_EQ(open_path(&d, t.path, &a, NULL, msg, sizeof(msg)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(open_path(&bad[i].d, t.path, &b, NULL, msg, sizeof(msg)), -EEXIST);
		CHECK(!b);
		CHECK_CONTAINS(msg, t.path);
		CHECK_CONTAINS(msg, bad[i].attr);
	}
	/* the original is untouched and still attachable */
	CHECK_EQ(open_path(&d, t.path, &b, NULL, msg, sizeof(msg)), 0);
	bh_map_put(b);
	bh_map_put(a);
	tmp_fini(&t);
}

/* Patch bytes of a region file. */
static void poke(const char *path, off_t off, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_EQ(pwrite(fd, p, n, off), (ssize_t)n);
	close(fd);
}

TEST(maps_shared_attach_checks_header)
{
	struct bh_map_def d = def_of(BPFHOST_MAP_TYPE_ARRAY, 4, 8, 16, 0);
	struct bh_map *a = NULL, *b = NULL;
	struct bh_map_region_hdr hdr;
	struct tmp t;
	char msg[512], missing[256];
	uint64_t bad64;
	uint32_t bad32;
	int fd;

	if (!tmp_init(&t, "hdr"))
		SKIP("no temporary directory");
	CHECK_EQ(open_path(&d, t.path, &a, NULL, msg, sizeof(msg)), 0);
	if (!a)
		goto out;
	hdr = *(struct bh_map_region_hdr *)a->region;
	bh_map_put(a);

	bad32 = hdr.ncpus + 1;
	poke(t.path, offsetof(struct bh_map_region_hdr, ncpus), &bad32, 4);
	CHECK_EQ(open_path(&d, t.path, &b, NULL, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "region built for ncpus");
	poke(t.path, offsetof(struct bh_map_region_hdr, ncpus), &hdr.ncpus, 4);

	bad32 = BH_MAP_REGION_VERSION + 1;
	poke(t.path, offsetof(struct bh_map_region_hdr, version), &bad32, 4);
	CHECK_EQ(open_path(&d, t.path, &b, NULL, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "region version");
	poke(t.path, offsetof(struct bh_map_region_hdr, version), &hdr.version, 4);

	bad64 = 0x1122334455667788ull;
	poke(t.path, offsetof(struct bh_map_region_hdr, magic), &bad64, 8);
	CHECK_EQ(open_path(&d, t.path, &b, NULL, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "is not a bpfhost map region (bad magic)");
	poke(t.path, offsetof(struct bh_map_region_hdr, magic), &hdr.magic, 8);

	/* the repaired file attaches again */
	CHECK_EQ(open_path(&d, t.path, &b, NULL, msg, sizeof(msg)), 0);
	bh_map_put(b);
	b = NULL;

	/* a truncated file */
	CHECK_EQ(truncate(t.path, (off_t)hdr.total_size - 8), 0);
	CHECK_EQ(open_path(&d, t.path, &b, NULL, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "expected");
	unlink(t.path);

	/* some other small file */
	fd = open(t.path, O_CREAT | O_WRONLY, 0600);
	CHECK_EQ(write(fd, "not a map", 9), 9);
	close(fd);
	CHECK_EQ(open_path(&d, t.path, &b, NULL, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "is not a bpfhost map region (9 bytes)");
	CHECK(!b);
	unlink(t.path);

	/* a directory is not a region; a missing directory cannot hold one */
	CHECK_EQ(open_path(&d, t.dir, &b, NULL, msg, sizeof(msg)), -EISDIR);
	CHECK_CONTAINS(msg, "cannot open");
	snprintf(missing, sizeof(missing), "%s/missing/x", t.dir);
	CHECK_EQ(open_path(&d, missing, &b, NULL, msg, sizeof(msg)), -ENOENT);
	CHECK_CONTAINS(msg, "cannot create");
out:
	tmp_fini(&t);
}

TEST(maps_shared_fork_sees_and_changes_elements)
{
	struct bh_map_def d = def_of(BPFHOST_MAP_TYPE_HASH, 4, 8, 64, 0);
	struct bh_map *m = NULL;
	struct tmp t;
	char msg[512];
	uint64_t out = 0;
	uint32_t k;
	int status = -1;
	pid_t pid;

	if (!tmp_init(&t, "fork"))
		SKIP("no temporary directory");
	CHECK_EQ(open_path(&d, t.path, &m, NULL, msg, sizeof(msg)), 0);
	if (!m)
		goto out;
	k = 1;
	CHECK_EQ(m->ops->update_user(m, &k, &(uint64_t){ 10 }, BPFHOST_ANY), 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* child: a fresh attach, and the inherited handle */
		struct bh_map *c = NULL;
		bool created = true;
		uint64_t v = 0;
		int bad = 0;

		if (bh_map_create(&d, t.path, &c, &created, NULL) || created)
			_exit(10);
		k = 1;
		bad |= c->ops->lookup_user(c, &k, &v, 0) || v != 10;
		bad |= c->ops->update_user(c, &k, &(uint64_t){ 11 }, BPFHOST_EXIST) != 0;
		k = 2;
		bad |= c->ops->update_user(c, &k, &(uint64_t){ 20 }, BPFHOST_NOEXIST) != 0;
		k = 3;
		bad |= m->ops->update(m, &k, &(uint64_t){ 30 }, BPFHOST_NOEXIST) != 0;
		bh_map_put(c);
		_exit(bad ? 11 : 0);
	}
	CHECK(pid > 0);
	if (pid > 0)
		CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	for (k = 1; k <= 3; k++) {
		CHECK_EQ(m->ops->lookup_user(m, &k, &out, 0), 0);
		CHECK_U64(out, k == 1 ? 11 : k * 10);
	}
	bh_map_put(m);
out:
	tmp_fini(&t);
}

TEST(maps_shared_racing_creators_agree)
{
	enum { N = 4 };
	struct bh_map_def d = def_of(BPFHOST_MAP_TYPE_ARRAY, 4, 8, N, 0);
	struct bh_map *m = NULL;
	pid_t pids[N];
	int i, creators = 0, status;
	struct tmp t;
	char msg[512];
	uint64_t v;
	uint32_t k;

	if (!tmp_init(&t, "race"))
		SKIP("no temporary directory");
	fflush(NULL);
	for (i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct bh_map *c = NULL;
			bool created = false;

			if (bh_map_create(&d, t.path, &c, &created, NULL))
				_exit(10);
			k = (uint32_t)i;
			v = 100 + (uint64_t)i;
			if (c->ops->update_user(c, &k, &v, BPFHOST_ANY))
				_exit(11);
			bh_map_put(c);
			_exit(created ? 1 : 0);
		}
	}
	for (i = 0; i < N; i++) {
		if (pids[i] < 0 || waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status) > 1) {
			CHECK_MSG(0, "child %d failed", i);
			continue;
		}
		creators += WEXITSTATUS(status);
	}
	CHECK_EQ(creators, 1);
	CHECK_EQ(open_path(&d, t.path, &m, NULL, msg, sizeof(msg)), 0);
	for (k = 0; m && k < N; k++) {
		CHECK_EQ(m->ops->lookup_user(m, &k, &v, 0), 0);
		CHECK_U64(v, 100 + k);
	}
	bh_map_put(m);
	tmp_fini(&t);
}
