/* SPDX-License-Identifier: MIT */
/*
 * Runtime instances, the fd table and the map API: fds are small integers
 * from 1, reused lowest-first, typed, closed by bpfhost_close and by
 * bpfhost__free; map calls copy values in and out with Linux errnos.
 */
#include <pthread.h>

#include "test_runtime_util.h"

TEST(runtime_new_free_and_opts)
{
	struct bpfhost *rt;
	struct {
		struct bpfhost_opts o;
		uint64_t extra;
	} big = { { .sz = sizeof(big) }, 1 };
	BPFHOST_OPTS_INIT(bpfhost_opts, flags, .flags = 1);

	rt = bpfhost__new(NULL);
	CHECK(rt != NULL);
	bpfhost__free(rt);
	bpfhost__free(NULL);

	errno = 0;
	CHECK(bpfhost__new((struct bpfhost_opts *)&big) == NULL);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK(bpfhost__new(&flags) == NULL);
	CHECK_EQ(errno, EINVAL);
}

TEST(runtime_fd_numbers_and_close)
{
	struct bpfhost *rt = rt_new();
	int a, b, c;

	a = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "a", 4, 8, 4, NULL);
	b = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "b", 4, 8, 4, NULL);
	CHECK(a >= 1);
	CHECK(b > a);
	CHECK_EQ(bpfhost_close(a), 0);
	CHECK_EQ(bpfhost_close(a), -EBADF);
	CHECK_EQ(bpfhost_close(0), -EBADF);
	CHECK_EQ(bpfhost_close(-3), -EBADF);
	CHECK_EQ(bpfhost_close(1 << 24), -EBADF);
	/* lowest free number is reused */
	c = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_HASH, "c", 4, 8, 4, NULL);
	CHECK_EQ(c, a);
	bpfhost__free(rt); /* closes b and c */
	CHECK_EQ(bpfhost_close(b), -EBADF);
	CHECK_EQ(bpfhost_close(c), -EBADF);
}

TEST(runtime_fds_unique_across_instances)
{
	struct bpfhost *r1 = rt_new(), *r2 = rt_new();
	int a = bpfhost_map_create(r1, BPFHOST_MAP_TYPE_ARRAY, "a", 4, 4, 1, NULL);
	int b = bpfhost_map_create(r2, BPFHOST_MAP_TYPE_ARRAY, "b", 4, 4, 1, NULL);
	uint32_t k = 0, v = 5, out = 0;

	CHECK(a > 0 && b > 0 && a != b);
	bpfhost__free(r1);
	/* r2's map survives r1's teardown */
	CHECK_EQ(bpfhost_map_update_elem(b, &k, &v, BPFHOST_ANY), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(b, &k, &out), 0);
	CHECK_EQ(out, 5);
	CHECK_EQ(bpfhost_map_lookup_elem(a, &k, &out), -EBADF);
	bpfhost__free(r2);
}

TEST(runtime_map_api_array)
{
	struct bpfhost *rt = rt_new();
	int fd = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "arr", 4, 8, 4, NULL);
	uint32_t k = 2, next = 99;
	uint64_t v = 0x1122334455667788ull, out = 0;

	CHECK(fd > 0);
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, BPFHOST_ANY), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(fd, &k, &out), 0);
	CHECK_U64(out, v);
	/* the user view copies: changing our buffer does not change the map */
	out = 0;
	CHECK_EQ(bpfhost_map_lookup_elem(fd, &k, &out), 0);
	CHECK_U64(out, v);
	k = 4;
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, BPFHOST_ANY), -E2BIG);
	CHECK_EQ(bpfhost_map_lookup_elem(fd, &k, &out), -ENOENT);
	k = 1;
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, 77), -EINVAL);
	CHECK_EQ(bpfhost_map_delete_elem(fd, &k), -EINVAL);
	CHECK_EQ(bpfhost_map_get_next_key(fd, NULL, &next), 0);
	CHECK_EQ(next, 0);
	k = 3;
	CHECK_EQ(bpfhost_map_get_next_key(fd, &k, &next), -ENOENT);
	CHECK_EQ(bpfhost_map_lookup_elem(fd, NULL, &out), -EINVAL);
	CHECK_EQ(bpfhost_map_lookup_elem(fd, &k, NULL), -EINVAL);
	CHECK_EQ(bpfhost_map_get_next_key(fd, &k, NULL), -EINVAL);
	bpfhost__free(rt);
}

TEST(runtime_map_api_hash)
{
	struct bpfhost *rt = rt_new();
	int fd = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_HASH, "h", 4, 4, 2, NULL);
	uint32_t k, v, out, seen = 0, key, next;
	int n = 0;

	CHECK(fd > 0);
	k = 10, v = 100;
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, BPFHOST_NOEXIST), 0);
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, BPFHOST_NOEXIST), -EEXIST);
	k = 11, v = 110;
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, BPFHOST_EXIST), -ENOENT);
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, BPFHOST_ANY), 0);
	k = 12;
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, BPFHOST_ANY), -E2BIG);
	for (int rc = bpfhost_map_get_next_key(fd, NULL, &next); rc == 0;
	     rc = bpfhost_map_get_next_key(fd, &key, &next)) {
		seen |= 1u << (next - 10);
		key = next;
		n++;
	}
	CHECK_EQ(n, 2);
	CHECK_EQ(seen, 3);
	k = 10;
	CHECK_EQ(bpfhost_map_lookup_and_delete_elem(fd, &k, &out), 0);
	CHECK_EQ(out, 100);
	CHECK_EQ(bpfhost_map_lookup_elem(fd, &k, &out), -ENOENT);
	CHECK_EQ(bpfhost_map_delete_elem(fd, &k), -ENOENT);
	k = 11;
	CHECK_EQ(bpfhost_map_delete_elem(fd, &k), 0);
	bpfhost__free(rt);
}

TEST(runtime_map_create_refusals)
{
	struct bpfhost *rt = rt_new();
	char log[512];
	BPFHOST_OPTS_INIT(bpfhost_map_create_opts, o, .log_buf = log, .log_size = sizeof(log));
	BPFHOST_OPTS_INIT(bpfhost_map_create_opts, pin, .pin_path = "/dev/shm/bh_test_pa",
			  .log_buf = log, .log_size = sizeof(log));
	BPFHOST_OPTS_INIT(bpfhost_map_create_opts, inner, .inner_map_fd = 3, .log_buf = log,
			  .log_size = sizeof(log));

	CHECK_EQ(bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "way_too_long_map_name", 4, 4, 1,
				    &o),
		 -EINVAL);
	CHECK_CONTAINS(log, "longer than 15");
	CHECK_EQ(bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "bad-name", 4, 4, 1, &o), -EINVAL);
	CHECK_CONTAINS(log, "character 3");
	CHECK_EQ(bpfhost_map_create(rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "pa", 4, 4, 1, &pin), -EINVAL);
	CHECK_CONTAINS(log, "cannot live in a shared region");
	CHECK_EQ(bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "a", 4, 4, 1, &inner), -EINVAL);
	CHECK_CONTAINS(log, "only for map-in-map");
	/* the map layer's own checks reach the caller's log */
	CHECK(bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "z", 4, 0, 1, &o) < 0);
	CHECK(log[0] != '\0');
	CHECK(bpfhost_map_create(NULL, BPFHOST_MAP_TYPE_ARRAY, "a", 4, 4, 1, NULL) < 0);
	bpfhost__free(rt);
}

/* Close and reuse fds from several threads while others look them up. */
struct fd_race {
	struct bpfhost *rt;
	int iters;
};

static void *fd_race_thread(void *arg)
{
	struct fd_race *r = arg;
	uint32_t k = 0, v = 0;
	int i;

	for (i = 0; i < r->iters; i++) {
		int fd = bpfhost_map_create(r->rt, BPFHOST_MAP_TYPE_ARRAY, "r", 4, 4, 1, NULL);

		if (fd < 0)
			return (void *)1;
		/* somebody else's fd may be closed under us: no crash, an errno */
		bpfhost_map_lookup_elem(fd ^ 1, &k, &v);
		if (bpfhost_map_update_elem(fd, &k, &v, BPFHOST_ANY) || bpfhost_close(fd))
			return (void *)1;
	}
	return NULL;
}

TEST(runtime_fd_table_threads)
{
	struct fd_race r = { rt_new(), 300 };
	pthread_t th[4];
	void *res;
	int i, bad = 0;

	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, fd_race_thread, &r);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], &res);
		bad += res != NULL;
	}
	CHECK_EQ(bad, 0);
	bpfhost__free(r.rt);
}
