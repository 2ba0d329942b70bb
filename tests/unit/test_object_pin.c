/* SPDX-License-Identifier: MIT */
/*
 * Maps pinned by name (LIBBPF_PIN_BY_NAME): the map lives in
 * <pin root>/<name>; a second object (in this process or a forked child)
 * attaches to it and both see each other's updates; a definition that
 * differs is refused naming the attribute; closing never unpins; the pin
 * root comes from the options, else $BPFHOST_PIN_ROOT; set_pin_path pins
 * any map.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/harness.h"
#include "test_object_util.h"

static struct bpfhost_object *load_pinned(struct bpfhost *rt, const char *path, const char *root,
					  char *log, size_t size, int *err)
{
	BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o, .pin_root_path = root, .log_buf = log,
			  .log_size = size);
	struct bpfhost_object *obj;

	log[0] = '\0';
	obj = bpfhost_object__open_file(rt, path, &o);
	if (!obj) {
		*err = -errno;
		return NULL;
	}
	*err = bpfhost_object__load(obj);
	return obj;
}

/* Child: load the same object, bump through the program and the API. */
static int child_main(const char *path, const char *root)
{
	struct bpfhost_object *obj;
	struct bpfhost *rt = ot_rt();
	unsigned char pkt[5] = { 0 };
	unsigned long long r = 0;
	uint32_t k = 2;
	uint64_t v = 77;
	char log[1024];
	int err;

	if (!rt)
		return 10;
	obj = load_pinned(rt, path, root, log, sizeof(log), &err);
	if (!obj || err)
		return 11;
	if (ot_run(bpfhost_program__fd(bpfhost_object__find_program_by_name(obj, "bump")), pkt, 5,
		   &r))
		return 12;
	if (bpfhost_map__update_elem(bpfhost_object__find_map_by_name(obj, "shared_cnt"), &k, 4, &v,
				     8, 0))
		return 13;
	bpfhost_object__close(obj);
	bpfhost__free(rt);
	return 0;
}

TEST(object_pin_shared_across_processes)
{
	struct bpfhost_object *obj, *obj2;
	struct bpfhost_map *m;
	struct bpfhost *rt;
	const char *path, *root;
	unsigned char pkt[3] = { 0 };
	unsigned long long r = 0;
	char log[1024], pin[600];
	uint32_t k = 1;
	uint64_t v = 0;
	int err, st = 0;
	pid_t pid;

	NEED_OBJ(path, "pinned");
	NEED_RT(rt);
	root = ot_tmpdir("pin");
	snprintf(pin, sizeof(pin), "%s/shared_cnt", root);
	obj = load_pinned(rt, path, root, log, sizeof(log), &err);
	CHECK_MSG(obj && !err, "load: %d %s", err, log);
	if (!obj || err)
		goto out;
	m = bpfhost_object__find_map_by_name(obj, "shared_cnt");
	CHECK_STR(bpfhost_map__pin_path(m), pin);
	CHECK(access(pin, F_OK) == 0);
	CHECK_EQ(ot_run(bpfhost_program__fd(bpfhost_object__find_program_by_name(obj, "bump")), pkt,
			3, &r),
		 0);
	CHECK_EQ(r, 3);

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(child_main(path, root));
	CHECK(pid > 0);
	if (pid > 0) {
		CHECK(waitpid(pid, &st, 0) == pid);
		CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status 0x%x", st);
	}
	/* the child's program added 5, its API update set key 2 */
	CHECK_EQ(bpfhost_map__lookup_elem(m, &k, 4, &v, 8, 0), 0);
	CHECK_EQ(v, 8);
	k = 2;
	CHECK_EQ(bpfhost_map__lookup_elem(m, &k, 4, &v, 8, 0), 0);
	CHECK_EQ(v, 77);

	/* a second object in this process attaches too */
	obj2 = load_pinned(rt, path, root, log, sizeof(log), &err);
	CHECK_MSG(obj2 && !err, "load 2: %d %s", err, log);
	if (obj2) {
		CHECK_EQ(ot_run(bpfhost_program__fd(
					bpfhost_object__find_program_by_name(obj2, "bump")),
				pkt, 3, &r),
			 0);
		CHECK_EQ(r, 11);
		bpfhost_object__close(obj2);
	}
	/* closing does not unpin */
	bpfhost_object__close(obj);
	CHECK(access(pin, F_OK) == 0);
	obj = load_pinned(rt, path, root, log, sizeof(log), &err);
	CHECK(obj && !err);
	if (obj) {
		k = 1;
		CHECK_EQ(bpfhost_map__lookup_elem(
				 bpfhost_object__find_map_by_name(obj, "shared_cnt"), &k, 4, &v, 8,
				 0),
			 0);
		CHECK_EQ(v, 11);
		bpfhost_object__close(obj);
	}
out:
	bpfhost__free(rt);
}

TEST(object_pin_definition_mismatch)
{
	struct bpfhost_object *obj, *bad;
	struct bpfhost *rt;
	const char *path, *badpath, *root;
	char log[2048], pin[600];
	int err, probe;

	NEED_OBJ(path, "pinned");
	NEED_OBJ(badpath, "pinned_bad");
	NEED_RT(rt);
	root = ot_tmpdir("pinbad");
	snprintf(pin, sizeof(pin), "%s/shared_cnt", root);
	obj = load_pinned(rt, path, root, log, sizeof(log), &err);
	CHECK(obj && !err);
	probe = ot_probe_fd(rt);
	bad = load_pinned(rt, badpath, root, log, sizeof(log), &err);
	CHECK(bad != NULL);
	CHECK_EQ(err, -EEXIST);
	CHECK_CONTAINS(log, "map 'shared_cnt' (section '.maps'): ");
	CHECK_CONTAINS(log, "value_size 8, requested 4");
	CHECK_EQ(ot_probe_fd(rt), probe);
	CHECK(access(pin, F_OK) == 0); /* someone else's pin stays */
	bpfhost_object__close(bad);
	bpfhost_object__close(obj);
	bpfhost__free(rt);
}

TEST(object_pin_root_default_and_set_pin_path)
{
	struct bpfhost_object *obj;
	struct bpfhost_map *m;
	struct bpfhost *rt;
	const char *path, *mpath, *root;
	char pin[600], *old;
	uint32_t k = 0;
	uint64_t v = 5, got = 0;

	NEED_OBJ(path, "pinned");
	NEED_OBJ(mpath, "multi");
	NEED_RT(rt);
	root = ot_tmpdir("pinenv");
	old = getenv("BPFHOST_PIN_ROOT") ? strdup(getenv("BPFHOST_PIN_ROOT")) : NULL;

	/* $BPFHOST_PIN_ROOT, then the built-in default */
	setenv("BPFHOST_PIN_ROOT", root, 1);
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	snprintf(pin, sizeof(pin), "%s/shared_cnt", root);
	if (obj)
		CHECK_STR(
			bpfhost_map__pin_path(bpfhost_object__find_map_by_name(obj, "shared_cnt")),
			pin);
	bpfhost_object__close(obj);
	unsetenv("BPFHOST_PIN_ROOT");
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (obj)
		CHECK_STR(
			bpfhost_map__pin_path(bpfhost_object__find_map_by_name(obj, "shared_cnt")),
			BPFHOST_PIN_ROOT_DEFAULT "/shared_cnt");
	bpfhost_object__close(obj);
	if (old) {
		setenv("BPFHOST_PIN_ROOT", old, 1);
		free(old);
	}

	/* set_pin_path pins an unpinned map (directories created); NULL unpins */
	obj = bpfhost_object__open_file(rt, mpath, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	snprintf(pin, sizeof(pin), "%s/deep/er/results", root);
	m = bpfhost_object__find_map_by_name(obj, "results");
	CHECK_EQ(bpfhost_map__set_pin_path(m, ""), -EINVAL);
	CHECK_EQ(bpfhost_map__set_pin_path(m, pin), 0);
	CHECK_STR(bpfhost_map__pin_path(m), pin);
	CHECK_EQ(bpfhost_map__set_pin_path(bpfhost_object__find_map_by_name(obj, "counts"), pin),
		 0);
	CHECK_EQ(bpfhost_map__set_pin_path(bpfhost_object__find_map_by_name(obj, "counts"), NULL),
		 0);
	CHECK(bpfhost_map__pin_path(bpfhost_object__find_map_by_name(obj, "counts")) == NULL);
	CHECK_EQ(bpfhost_object__load(obj), 0);
	CHECK(access(pin, F_OK) == 0);
	CHECK_EQ(bpfhost_map__update_elem(m, &k, 4, &v, 8, 0), 0);
	bpfhost_object__close(obj);
	/* a prog_array can not be pinned */
	obj = bpfhost_object__open_file(rt, mpath, NULL);
	CHECK(obj != NULL);
	if (obj) {
		char log2[600];

		CHECK_EQ(bpfhost_map__set_pin_path(
				 m = bpfhost_object__find_map_by_name(obj, "results"), pin),
			 0);
		snprintf(log2, sizeof(log2), "%s/jumps", root);
		CHECK_EQ(bpfhost_map__set_pin_path(bpfhost_object__find_map_by_name(obj, "jumps"),
						   log2),
			 0);
		ot_clear();
		CHECK_EQ(bpfhost_object__load(obj), -EINVAL);
		CHECK_CONTAINS(ot_msgs(), "map 'jumps' (section '.maps'): holds programs of this "
					  "process and cannot be pinned");
		CHECK(access(log2, F_OK) != 0);
		CHECK(access(pin, F_OK) == 0); /* attached, not created: stays */
		bpfhost_object__close(obj);
	}
	/* the pinned results map kept its value */
	obj = bpfhost_object__open_file(rt, mpath, NULL);
	if (obj) {
		m = bpfhost_object__find_map_by_name(obj, "results");
		CHECK_EQ(bpfhost_map__set_pin_path(m, pin), 0);
		CHECK_EQ(bpfhost_object__load(obj), 0);
		CHECK_EQ(bpfhost_map__lookup_elem(m, &k, 4, &got, 8, 0), 0);
		CHECK_EQ(got, 5);
		bpfhost_object__close(obj);
	}
out:
	bpfhost__free(rt);
}
