/* SPDX-License-Identifier: MIT */
/*
 * Object maps beyond the plain ones: an array of maps filled by its
 * `values` initialiser and read by a program through both levels, legacy
 * `maps` definitions (warning at open), and the process default instance.
 */
#include <errno.h>
#include <string.h>

#include "../lib/harness.h"
#include "test_object_util.h"

TEST(object_map_in_map_values)
{
	struct bpfhost_object *obj;
	struct bpfhost_map *outer, *a, *b;
	struct bpfhost *rt;
	const char *path;
	unsigned char pkt[1];
	unsigned long long r = 0;
	uint32_t k = 0, id = 0;
	uint64_t v;
	int fd;

	NEED_OBJ(path, "mim");
	NEED_RT(rt);
	{
		char log[4096] = "";
		BPFHOST_OPTS_INIT(bpfhost_object_open_opts, oo, .log_buf = log,
				  .log_size = sizeof(log));
		int lerr;

		obj = bpfhost_object__open_file(rt, path, &oo);
		CHECK(obj != NULL);
		if (!obj)
			goto out;
		lerr = bpfhost_object__load(obj);
		CHECK_MSG(lerr == 0, "load: %d %s", lerr, log);
	}
	outer = bpfhost_object__find_map_by_name(obj, "outer");
	a = bpfhost_object__find_map_by_name(obj, "inner_a");
	b = bpfhost_object__find_map_by_name(obj, "inner_b");
	CHECK_EQ(bpfhost_map__type(outer), BPFHOST_MAP_TYPE_ARRAY_OF_MAPS);
	v = 10;
	CHECK_EQ(bpfhost_map__update_elem(a, &k, 4, &v, 8, 0), 0);
	v = 20;
	CHECK_EQ(bpfhost_map__update_elem(b, &k, 4, &v, 8, 0), 0);
	fd = bpfhost_program__fd(bpfhost_object__find_program_by_name(obj, "pick"));
	pkt[0] = 0;
	CHECK_EQ(ot_run(fd, pkt, 1, &r), 0);
	CHECK_EQ(r, 10);
	pkt[0] = 2;
	CHECK_EQ(ot_run(fd, pkt, 1, &r), 0);
	CHECK_EQ(r, 20);
	pkt[0] = 1; /* empty slot */
	CHECK_EQ(ot_run(fd, pkt, 1, &r), 0);
	CHECK_U64(r, 0xfffffffeu); /* int -2, 32-bit move */
	/* user lookups of the outer map answer the inner map's id */
	k = 2;
	CHECK_EQ(bpfhost_map__lookup_elem(outer, &k, 4, &id, 4, 0), 0);
	CHECK(id != 0);
	k = 1;
	CHECK_EQ(bpfhost_map__lookup_elem(outer, &k, 4, &id, 4, 0), -ENOENT);
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

TEST(object_legacy_maps)
{
	BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o);
	struct bpfhost_object *obj;
	struct bpfhost_map *m;
	struct bpfhost *rt;
	const char *path;
	char log[1024] = "";
	unsigned long long r = 0;
	unsigned char pkt[1] = { 0 };
	uint32_t k = 1;
	uint64_t v = 55;

	NEED_OBJ(path, "legacy");
	NEED_RT(rt);
	o.log_buf = log;
	o.log_size = sizeof(log);
	obj = bpfhost_object__open_file(rt, path, &o);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	CHECK_CONTAINS(log, "legacy");
	m = bpfhost_object__find_map_by_name(obj, "old_style");
	CHECK(m != NULL);
	CHECK_EQ(bpfhost_object__load(obj), 0);
	CHECK_EQ(bpfhost_map__max_entries(m), 2);
	CHECK_EQ(bpfhost_map__update_elem(m, &k, 4, &v, 8, 0), 0);
	CHECK_EQ(
		ot_run(bpfhost_program__fd(bpfhost_object__find_program_by_name(obj, "use_legacy")),
		       pkt, 1, &r),
		0);
	CHECK_EQ(r, 55);
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

TEST(object_default_instance)
{
	struct bpfhost *d = bpfhost_default();
	int fd;

	CHECK(d != NULL);
	CHECK(bpfhost_default() == d);
	fd = bpfhost_map_create(d, BPFHOST_MAP_TYPE_ARRAY, "dflt", 4, 4, 1, NULL);
	CHECK(fd > 0);
	bpfhost_close(fd);
}
