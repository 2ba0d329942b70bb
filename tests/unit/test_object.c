/* SPDX-License-Identifier: MIT */
/*
 * Object API: open/load/close, lookup and iteration, program and map
 * accessors, several programs per object, .rodata configuration (also
 * replaced before load), .data/.bss, bpf_printk through the instance's
 * trace sink, tail calls through a prog_array filled by `values`, attach
 * by section and to a given hook, line info.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../extensions/sample/sample.h"
#include "../lib/harness.h"
#include "test_object_util.h"

#pragma weak bpfhost_sample_invoke

static struct bpfhost_object *open_loaded(struct bpfhost *rt, const char *path)
{
	struct bpfhost_object *obj = bpfhost_object__open_file(rt, path, NULL);
	int err;

	CHECK_MSG(obj != NULL, "open %s: errno %d; %s", path, errno, ot_msgs());
	if (!obj)
		return NULL;
	err = bpfhost_object__load(obj);
	CHECK_MSG(err == 0, "load %s: %d; %s", path, err, ot_msgs());
	if (err) {
		bpfhost_object__close(obj);
		return NULL;
	}
	return obj;
}

TEST(object_open_find_iterate)
{
	static const char *const progs[] = { "count_len", "printer",	"tail_one",
					     "tail_two",  "dispatcher", "secret" };
	struct bpfhost_object *obj;
	struct bpfhost_program *p;
	struct bpfhost_map *m;
	struct bpfhost *rt;
	const char *path;
	size_t n = 0, i;
	bool seen_rodata = false, seen_data = false, seen_bss = false;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	CHECK_STR(bpfhost_object__name(obj), "multi");
	CHECK_STR(bpfhost_object__license(obj), "Dual MIT/GPL");
	CHECK(bpfhost_object__runtime(obj) == rt);

	bpfhost_object__for_each_program(p, obj)
	{
		bool known = false;

		for (i = 0; i < 6; i++)
			known |= !strcmp(bpfhost_program__name(p), progs[i]);
		CHECK_MSG(known, "unexpected program %s", bpfhost_program__name(p));
		CHECK(bpfhost_object__find_program_by_name(obj, bpfhost_program__name(p)) == p);
		CHECK_EQ(bpfhost_program__fd(p), -EINVAL); /* not loaded */
		CHECK(bpfhost_program__insn_cnt(p) > 0);
		CHECK(bpfhost_program__insns(p) != NULL);
		CHECK_STR(bpfhost_program__type_name(p), "sample");
		n++;
	}
	CHECK_EQ(n, 6);
	p = bpfhost_object__find_program_by_name(obj, "printer");
	CHECK(p != NULL);
	CHECK_STR(bpfhost_program__section_name(p), "sample/sample_hook");
	CHECK(bpfhost_object__find_program_by_name(obj, "nope") == NULL && errno == ENOENT);
	CHECK(bpfhost_object__find_program_by_name(obj, NULL) == NULL && errno == EINVAL);

	n = 0;
	bpfhost_object__for_each_map(m, obj)
	{
		const char *name = bpfhost_map__name(m);

		if (strstr(name, ".rodata")) {
			seen_rodata = true;
			CHECK_STR(name, "multi.rodata");
			CHECK(bpfhost_map__map_flags(m) & BPFHOST_F_RDONLY_PROG);
			CHECK_EQ(bpfhost_map__max_entries(m), 1);
		}
		seen_data |= !strcmp(name, "multi.data");
		seen_bss |= !strcmp(name, "multi.bss");
		CHECK_EQ(bpfhost_map__fd(m), -EINVAL);
		n++;
	}
	CHECK(seen_rodata && seen_data && seen_bss);
	CHECK_EQ(n, 6); /* counts, results, jumps, .rodata, .data, .bss */
	m = bpfhost_object__find_map_by_name(obj, "counts");
	CHECK(m != NULL);
	CHECK_EQ(bpfhost_map__type(m), BPFHOST_MAP_TYPE_HASH);
	CHECK_EQ(bpfhost_map__key_size(m), 4);
	CHECK_EQ(bpfhost_map__value_size(m), 8);
	CHECK_EQ(bpfhost_map__max_entries(m), 64);
	CHECK(bpfhost_map__pin_path(m) == NULL && errno == ENOENT);
	CHECK(bpfhost_object__find_map_by_name(obj, "nope") == NULL && errno == ENOENT);
	m = bpfhost_object__next_map(obj, NULL);
	CHECK(m != NULL && bpfhost_object__find_map_by_name(obj, bpfhost_map__name(m)) == m);

	/* iteration over another object's handles is refused */
	{
		struct bpfhost_object *o2 = bpfhost_object__open_file(rt, path, NULL);

		CHECK(o2 != NULL);
		if (o2) {
			CHECK(bpfhost_object__next_program(o2, p) == NULL && errno == EINVAL);
			CHECK(bpfhost_object__next_map(o2, m) == NULL && errno == EINVAL);
			bpfhost_object__close(o2);
		}
	}
	CHECK(bpfhost_object__next_program(NULL, NULL) == NULL && errno == EINVAL);
	CHECK(bpfhost_object__next_map(NULL, NULL) == NULL && errno == EINVAL);
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

TEST(object_load_run_programs)
{
	struct bpfhost_object *obj;
	struct bpfhost_program *p;
	struct bpfhost_map *m;
	struct bpfhost *rt;
	unsigned char pkt[5] = { 1, 2, 3, 4, 5 };
	unsigned long long r = 0;
	uint64_t v = 0;
	uint32_t key;
	const char *path;
	int fd;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	obj = open_loaded(rt, path);
	if (!obj)
		goto out;
	bpfhost_object__for_each_program(p, obj) CHECK(bpfhost_program__fd(p) > 0);
	bpfhost_object__for_each_map(m, obj) CHECK(bpfhost_map__fd(m) > 0);

	/* hash map updated by the program, .rodata multiplier 3 */
	p = bpfhost_object__find_program_by_name(obj, "count_len");
	fd = bpfhost_program__fd(p);
	CHECK_EQ(ot_run(fd, pkt, 5, &r), 0);
	CHECK_EQ(r, 15);
	CHECK_EQ(ot_run(fd, pkt, 5, &r), 0);
	CHECK_EQ(ot_run(fd, pkt, 2, &r), 0);
	CHECK_EQ(r, 6);
	m = bpfhost_object__find_map_by_name(obj, "counts");
	key = 5;
	CHECK_EQ(bpfhost_map__lookup_elem(m, &key, 4, &v, 8, 0), 0);
	CHECK_EQ(v, 2);
	key = 2;
	CHECK_EQ(bpfhost_map__lookup_elem(m, &key, 4, &v, 8, 0), 0);
	CHECK_EQ(v, 1);

	/* the sample type's helper */
	p = bpfhost_object__find_program_by_name(obj, "secret");
	{
		struct bpfhost_sample_test_priv priv = { BPFHOST_SAMPLE_TEST_PRIV_VERSION,
							 sizeof(priv), 1000 };
		BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = pkt, .data_size_in = 1,
				  .priv_in = &priv, .priv_size_in = sizeof(priv));

		CHECK_EQ(bpfhost_prog_test_run_opts(bpfhost_program__fd(p), &o), 0);
		CHECK_EQ(o.retval, 1003);
	}
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

TEST(object_globals_printk_and_rodata_override)
{
	struct bpfhost_object *obj;
	struct bpfhost_program *p;
	struct bpfhost_map *m;
	struct bpfhost *rt;
	unsigned char pkt[3] = { 9, 9, 9 };
	unsigned long long r = 0;
	uint32_t zero = 0, mult = 10, bss = 0;
	uint64_t runs = 0;
	const void *init;
	size_t size = 0;
	const char *path;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	m = bpfhost_object__find_map_by_name(obj, "multi.rodata");
	CHECK(m != NULL);
	init = bpfhost_map__initial_value(m, &size);
	CHECK(init != NULL);
	CHECK(size >= 4);
	if (init && size >= 4) {
		unsigned char *cfg = malloc(size);

		memcpy(cfg, init, size);
		CHECK_EQ(*(uint32_t *)cfg, 3); /* cfg_mult, the only .rodata variable */
		memcpy(cfg, &mult, 4);
		CHECK_EQ(bpfhost_map__set_initial_value(m, cfg, size - 1), -EINVAL);
		CHECK_CONTAINS(ot_msgs(), "set_initial_value: size");
		CHECK_EQ(bpfhost_map__set_initial_value(m, cfg, size), 0);
		free(cfg);
	}
	CHECK_EQ(bpfhost_map__set_initial_value(bpfhost_object__find_map_by_name(obj, "counts"),
						&zero, 4),
		 -EINVAL);
	CHECK_EQ(bpfhost_object__load(obj), 0);
	CHECK_EQ(bpfhost_map__set_initial_value(m, &mult, 4), -EBUSY); /* after load */

	p = bpfhost_object__find_program_by_name(obj, "count_len");
	CHECK_EQ(ot_run(bpfhost_program__fd(p), pkt, 3, &r), 0);
	CHECK_EQ(r, 30);

	/* printer: bpf_printk, .data runs 100 -> 101, .bss last_len, results[0] */
	p = bpfhost_object__find_program_by_name(obj, "printer");
	ot_clear();
	CHECK_EQ(ot_run(bpfhost_program__fd(p), pkt, 3, &r), 0);
	CHECK_EQ(r, 1);
	CHECK_CONTAINS(ot_trace(), "printer: len=3 mark=0");
	m = bpfhost_object__find_map_by_name(obj, "multi.data");
	CHECK_EQ(bpfhost_map__lookup_elem(m, &zero, 4, &runs, 8, 0), 0);
	CHECK_EQ(runs, 101);
	m = bpfhost_object__find_map_by_name(obj, "multi.bss");
	CHECK_EQ(bpfhost_map__value_size(m), 4);
	CHECK_EQ(bpfhost_map__lookup_elem(m, &zero, 4, &bss, 4, 0), 0);
	CHECK_EQ(bss, 3);
	m = bpfhost_object__find_map_by_name(obj, "results");
	CHECK_EQ(bpfhost_map__lookup_elem(m, &zero, 4, &runs, 8, 0), 0);
	CHECK_EQ(runs, 101);
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

TEST(object_tail_calls_through_values)
{
	struct bpfhost_object *obj;
	struct bpfhost_program *p;
	struct bpfhost *rt;
	unsigned char pkt[2] = { 1, 0 };
	unsigned long long r = 0;
	uint32_t key = 1, val = 0;
	const char *path;
	int fd;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	obj = open_loaded(rt, path);
	if (!obj)
		goto out;
	p = bpfhost_object__find_program_by_name(obj, "dispatcher");
	fd = bpfhost_program__fd(p);
	CHECK_EQ(ot_run(fd, pkt, 2, &r), 0);
	CHECK_EQ(r, 111); /* slot 1: tail_one */
	pkt[0] = 3;
	CHECK_EQ(ot_run(fd, pkt, 2, &r), 0);
	CHECK_EQ(r, 222); /* slot 3: tail_two */
	pkt[0] = 2;
	CHECK_EQ(ot_run(fd, pkt, 2, &r), 0);
	CHECK_EQ(r, 7); /* empty slot: falls through */
	pkt[0] = 200;
	CHECK_EQ(ot_run(fd, pkt, 2, &r), 0);
	CHECK_EQ(r, 7); /* out of range */

	/* the prog_array holds the program's id... user lookups of prog arrays answer ids */
	{
		struct bpfhost_map *m = bpfhost_object__find_map_by_name(obj, "jumps");
		int err = bpfhost_map__lookup_elem(m, &key, 4, &val, 4, 0);

		CHECK(err == 0 || err == -EOPNOTSUPP);
		key = 2;
		CHECK(bpfhost_map__lookup_elem(m, &key, 4, &val, 4, 0) != 0); /* empty slot */
	}
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

TEST(object_attach_by_section_and_hook)
{
	struct bpfhost_object *obj;
	struct bpfhost_program *printer, *tail_two;
	struct bpfhost_link *l1, *l2;
	struct bpfhost_hook *hook;
	struct bpfhost *rt;
	unsigned char pkt[4] = { 1, 2, 3, 4 };
	uint64_t verdict = 0;
	uint32_t mark = 0;
	const char *path;

	NEED_OBJ(path, "multi");
	if (!bpfhost_sample_invoke)
		SKIP("sample extension not linked");
	NEED_RT(rt);
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	printer = bpfhost_object__find_program_by_name(obj, "printer");
	tail_two = bpfhost_object__find_program_by_name(obj, "tail_two");
	/* not loaded yet */
	CHECK(bpfhost_program__attach(printer) == NULL && errno == EINVAL);
	CHECK_CONTAINS(ot_msgs(), "cannot attach: not loaded");
	CHECK_EQ(bpfhost_object__load(obj), 0);

	/* SEC("sample/sample_hook"): the named hook */
	l1 = bpfhost_program__attach(printer);
	CHECK_MSG(l1 != NULL, "attach printer: %d; %s", errno, ot_msgs());
	CHECK(bpfhost_link__fd(l1) > 0);
	/* SEC("sample"): the type's only hook */
	l2 = bpfhost_program__attach(tail_two);
	CHECK_MSG(l2 != NULL, "attach tail_two: %d; %s", errno, ot_msgs());

	/* printer continues (returns 1), then tail_two's 222 is the verdict */
	ot_clear();
	CHECK_EQ(bpfhost_sample_invoke(ot_ext(), pkt, 4, 0, &verdict, &mark), 0);
	CHECK_EQ(verdict, 222);
	CHECK_EQ(mark, 22);
	CHECK_CONTAINS(ot_trace(), "printer: len=4 mark=0");

	/* detach tail_two: printer alone, verdict is the pass value 1 */
	CHECK_EQ(bpfhost_link__destroy(l2), 0);
	CHECK_EQ(bpfhost_sample_invoke(ot_ext(), pkt, 4, 0, &verdict, &mark), 0);
	CHECK_EQ(verdict, 1);

	/* typed attach with a cookie */
	hook = bpfhost_hook__find(rt, BPFHOST_SAMPLE_HOOK);
	CHECK(hook != NULL);
	{
		BPFHOST_OPTS_INIT(bpfhost_link_opts, lo, .cookie = 42);
		struct bpfhost_link_opts bad = { 0 };

		l2 = bpfhost_program__attach_hook(tail_two, hook, &lo);
		CHECK(l2 != NULL);
		CHECK(bpfhost_program__attach_hook(tail_two, NULL, &lo) == NULL && errno == EINVAL);
		CHECK(bpfhost_program__attach_hook(tail_two, hook, &bad) == NULL &&
		      errno == EINVAL);
	}
	CHECK_EQ(bpfhost_sample_invoke(ot_ext(), pkt, 4, 0, &verdict, &mark), 0);
	CHECK_EQ(verdict, 222);

	/* links outlive the object: closing it keeps the programs attached */
	bpfhost_object__close(obj);
	CHECK_EQ(bpfhost_sample_invoke(ot_ext(), pkt, 4, 0, &verdict, &mark), 0);
	CHECK_EQ(verdict, 222);
	CHECK_EQ(bpfhost_link__destroy(l1), 0);
	CHECK_EQ(bpfhost_link__destroy(l2), 0);
	CHECK_EQ(bpfhost_link__destroy(NULL), 0);
	CHECK_EQ(bpfhost_link__fd(NULL), -EINVAL);
	CHECK_EQ(bpfhost_sample_invoke(ot_ext(), pkt, 4, 0, &verdict, &mark), 0);
	CHECK_EQ(verdict, 1); /* nothing attached */
out:
	bpfhost__free(rt);
}
