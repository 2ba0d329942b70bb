/* SPDX-License-Identifier: MIT */
/*
 * Object API error paths: missing/unreadable/truncated/foreign files,
 * option checks, log buffers that are too small, unknown sections, a load
 * failing half way (nothing left: fds and pinned files), double loads,
 * objects without BTF, bad relocations in a tampered specification,
 * ambiguous section prefixes, the attach rules' refusals, map element
 * size checks, and closing an object after its instance was freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/harness.h"
#include "loader/object.h"
#include "test_object_util.h"
#include "test_runtime_util.h"

static struct bpfhost_object *open_log(struct bpfhost *rt, const char *path, char *log, size_t size)
{
	BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o, .log_buf = log, .log_size = size);

	log[0] = '\0';
	return bpfhost_object__open_file(rt, path, &o);
}

TEST(object_err_open_files_and_options)
{
	BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o);
	struct bpfhost_object *obj;
	struct bpfhost *rt;
	char log[1024];
	const char *path;
	size_t true_size = 0;
	void *buf;
	size_t len = 0;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	obj = open_log(rt, "/nonexistent/x.bpf.o", log, sizeof(log));
	CHECK(obj == NULL && errno == ENOENT);
	CHECK_CONTAINS(log, "cannot open object file '/nonexistent/x.bpf.o'");
	obj = open_log(rt, "tests", log, sizeof(log));
	CHECK(obj == NULL && errno == EINVAL);
	CHECK_CONTAINS(log, "is not a regular file");
	obj = open_log(rt, "Makefile", log, sizeof(log));
	CHECK(obj == NULL && errno == EINVAL);
	CHECK_CONTAINS(log, "not an ELF file");

	/* no instance, no path, bad options, log_buf without size */
	{
		bpfhost_print_fn_t prev = bpfhost_set_print(NULL); /* no instance: process print */

		CHECK(bpfhost_object__open_file(NULL, path, NULL) == NULL && errno == EINVAL);
		bpfhost_set_print(prev);
	}
	CHECK(bpfhost_object__open_file(rt, NULL, NULL) == NULL && errno == EINVAL);
	CHECK(bpfhost_object__open_mem(rt, NULL, 10, NULL) == NULL && errno == EINVAL);
	CHECK(bpfhost_object__open_mem(rt, "x", 0, NULL) == NULL && errno == EINVAL);
	o.sz = 0;
	CHECK(bpfhost_object__open_file(rt, path, &o) == NULL && errno == EINVAL);
	o.sz = sizeof(o);
	o.log_buf = log;
	CHECK(bpfhost_object__open_file(rt, path, &o) == NULL && errno == EINVAL);
	CHECK_CONTAINS(ot_msgs(), "log_buf without log_size");

	/* a log that does not fit: -ENOSPC, the size it needed reported */
	o.log_size = 8;
	o.log_true_size = &true_size;
	CHECK(bpfhost_object__open_file(rt, "/nonexistent/x.bpf.o", &o) == NULL &&
	      errno == ENOENT); /* the failure's own errno */
	CHECK(true_size > 8);
	CHECK_EQ(strlen(log), 7);
	{
		const char *legacy = ot_obj("legacy");

		/* a successful open whose warning does not fit fails with ENOSPC */
		true_size = 0;
		CHECK(legacy && bpfhost_object__open_file(rt, legacy, &o) == NULL &&
		      errno == ENOSPC);
		CHECK(true_size > 8);
	}

	/* open_mem: object name option, buffer freed right after */
	buf = bh_test_read_file(path, &len);
	CHECK(buf != NULL);
	{
		BPFHOST_OPTS_INIT(bpfhost_object_open_opts, mo, .object_name = "re-named");

		obj = bpfhost_object__open_mem(rt, buf, len, &mo);
		free(buf);
		CHECK(obj != NULL);
		CHECK_STR(bpfhost_object__name(obj), "re-named");
		/* '-' is no map name character (libbpf's rule) */
		CHECK(bpfhost_object__find_map_by_name(obj, "re_named.rodata") != NULL);
		CHECK_EQ(bpfhost_object__load(obj), 0);
		bpfhost_object__close(obj);
	}
	bpfhost_object__close(NULL);
	CHECK_EQ(bpfhost_object__load(NULL), -EINVAL);
	bpfhost__free(rt);
}

TEST(object_err_truncated_and_corrupt)
{
	struct bpfhost_object *obj;
	struct bpfhost *rt;
	const char *path;
	char log[2048];
	unsigned char *buf;
	size_t len = 0, cut;
	int fails = 0, tries = 0;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	buf = (unsigned char *)bh_test_read_file(path, &len);
	CHECK(buf != NULL && len > 64);
	if (!buf)
		goto out;
	/* every truncation refused with a reason, nothing leaked (ASan build) */
	for (cut = 1; cut < len; cut += len / 97 + 1) {
		BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o, .log_buf = log,
				  .log_size = sizeof(log));

		log[0] = '\0';
		obj = bpfhost_object__open_mem(rt, buf, cut, &o);
		tries++;
		if (obj) {
			bpfhost_object__close(obj);
			continue;
		}
		fails++;
		CHECK_MSG(errno == EINVAL, "cut %zu: errno %d", cut, errno);
		CHECK_MSG(log[0] != '\0', "cut %zu: no message", cut);
	}
	CHECK_EQ(fails, tries);
	/* a section header table pointing past the end */
	{
		BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o, .log_buf = log,
				  .log_size = sizeof(log));
		unsigned char *bad = malloc(len);

		memcpy(bad, buf, len);
		bad[0x28] = 0xff; /* e_shoff low byte */
		bad[0x2d] = 0x7f;
		obj = bpfhost_object__open_mem(rt, bad, len, &o);
		CHECK(obj == NULL && errno == EINVAL);
		CHECK_CONTAINS(log, "offset");
		free(bad);
	}
	free(buf);
out:
	bpfhost__free(rt);
}

TEST(object_err_unknown_section_nothing_created)
{
	struct bpfhost_object *obj;
	struct bpfhost *rt;
	char log[2048];
	const char *path;
	int probe;

	NEED_OBJ(path, "badsec");
	NEED_RT(rt);
	probe = ot_probe_fd(rt);
	obj = open_log(rt, path, log, sizeof(log));
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	CHECK(bpfhost_program__type_name(bpfhost_object__find_program_by_name(obj, "stray")) ==
		      NULL &&
	      errno == ENOENT);
	CHECK_EQ(bpfhost_object__load(obj), -ENOENT);
	CHECK_CONTAINS(log, "program 'stray' in section 'foo': no registered program type "
			    "handles section 'foo'");
	CHECK_EQ(ot_probe_fd(rt), probe); /* no fd left behind */
	CHECK_EQ(bpfhost_map__fd(bpfhost_object__find_map_by_name(obj, "unused_map")), -EINVAL);
	/* the object can only be closed now */
	CHECK_EQ(bpfhost_object__load(obj), -EINVAL);
	CHECK_CONTAINS(log, "a previous load failed");
	CHECK_EQ(bpfhost_program__set_type(bpfhost_object__find_program_by_name(obj, "stray"),
					   "sample"),
		 -EBUSY);
	bpfhost_object__close(obj);

	/* with the type set explicitly it loads; a second load is refused */
	obj = open_log(rt, path, log, sizeof(log));
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	CHECK_EQ(bpfhost_program__set_type(bpfhost_object__find_program_by_name(obj, "stray"),
					   "sample"),
		 0);
	CHECK_EQ(bpfhost_program__set_type(NULL, "sample"), -EINVAL);
	CHECK_EQ(bpfhost_object__load(obj), 0);
	CHECK_STR(bpfhost_program__type_name(bpfhost_object__find_program_by_name(obj, "stray")),
		  "sample");
	CHECK_EQ(bpfhost_object__load(obj), -EINVAL);
	CHECK_CONTAINS(log, "already loaded");
	bpfhost_object__close(obj);
	CHECK_EQ(ot_probe_fd(rt), probe);
out:
	bpfhost__free(rt);
}

TEST(object_err_failed_load_undoes_everything)
{
	BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o);
	struct bpfhost_object *obj;
	struct bpfhost *rt;
	char log[4096], pin[600];
	const char *path, *root;
	int probe;

	NEED_OBJ(path, "badload");
	NEED_RT(rt);
	root = ot_tmpdir("badload");
	snprintf(pin, sizeof(pin), "%s/pins/doomed", root);
	probe = ot_probe_fd(rt);
	snprintf(log, sizeof(log), "%s/pins", root);
	o.pin_root_path = log; /* copied at open */
	o.log_buf = log;
	o.log_size = sizeof(log);
	obj = bpfhost_object__open_file(rt, path, &o);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	CHECK_STR(bpfhost_map__pin_path(bpfhost_object__find_map_by_name(obj, "doomed")), pin);
	CHECK_EQ(bpfhost_object__load(obj), -EACCES); /* refused by the verifier */
	CHECK_CONTAINS(log, "program 'bad' (section 'sample', type 'sample'): load failed");
	CHECK_CONTAINS(log, "unknown helper");
	CHECK_MSG(access(pin, F_OK) != 0, "pinned file %s left behind", pin);
	CHECK_EQ(ot_probe_fd(rt), probe);
	CHECK_EQ(bpfhost_program__fd(bpfhost_object__find_program_by_name(obj, "good")), -EINVAL);
	CHECK(bpfhost_program__insns(bpfhost_object__find_program_by_name(obj, "good")) != NULL);
	bpfhost_object__close(obj);
	CHECK_EQ(ot_probe_fd(rt), probe);
out:
	bpfhost__free(rt);
}

TEST(object_err_maps_without_btf)
{
	struct bpfhost *rt;
	char log[1024];
	const char *path = ot_obj_flags("multi", ".nobtf", "");

	if (!path)
		SKIP("%s", ot_why());
	NEED_RT(rt);
	CHECK(open_log(rt, path, log, sizeof(log)) == NULL && errno == EINVAL);
	CHECK_CONTAINS(log, "BTF is required for BTF-defined maps");
	bpfhost__free(rt);
}

/* Open multi, let tamper() break the spec, load: must fail with msg, leaving nothing. */
static void tampered(void (*tamper)(struct bpfhost_object *), const char *msg)
{
	struct bpfhost_object *obj;
	struct bpfhost *rt;
	char log[2048];
	const char *path;
	int probe;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	probe = ot_probe_fd(rt);
	obj = open_log(rt, path, log, sizeof(log));
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	tamper(obj);
	CHECK_EQ(bpfhost_object__load(obj), -EINVAL);
	CHECK_CONTAINS(log, msg);
	CHECK_EQ(ot_probe_fd(rt), probe);
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

static struct bh_reloc *first_map_reloc(struct bpfhost_object *obj, const char *prog, bool value)
{
	struct bh_prog_spec *ps = (struct bh_prog_spec *)bh_obj_spec_find_prog(obj->spec, prog);
	uint32_t i;

	for (i = 0; ps && i < ps->nr_relocs; i++)
		if (ps->relocs[i].kind == (value ? BH_RELOC_MAP_VALUE : BH_RELOC_MAP))
			return &ps->relocs[i];
	CHECK_MSG(0, "program %s has no %s relocation", prog, value ? "map value" : "map");
	return NULL;
}

static void bad_map_index(struct bpfhost_object *obj)
{
	struct bh_reloc *r = first_map_reloc(obj, "count_len", false);

	if (r)
		r->map = 99;
}

static void bad_insn_index(struct bpfhost_object *obj)
{
	struct bh_reloc *r = first_map_reloc(obj, "count_len", false);

	if (r)
		r->insn = 100000;
}

static void not_lddw(struct bpfhost_object *obj)
{
	struct bh_reloc *r = first_map_reloc(obj, "count_len", false);

	if (r)
		r->insn = 0;
}

static void value_of_map(struct bpfhost_object *obj)
{
	struct bh_reloc *r = first_map_reloc(obj, "printer", true);
	struct bh_prog_spec *ps =
		(struct bh_prog_spec *)bh_obj_spec_find_prog(obj->spec, "printer");
	uint32_t i;

	for (i = 0; r && i < obj->spec->nr_maps; i++)
		if (!strcmp(obj->spec->maps[i].name, "results"))
			r->map = i;
	(void)ps;
}

static void value_offset(struct bpfhost_object *obj)
{
	struct bh_reloc *r = first_map_reloc(obj, "printer", true);

	if (r)
		r->offset = 1u << 20;
}

static void dropped_reloc(struct bpfhost_object *obj)
{
	struct bh_prog_spec *ps =
		(struct bh_prog_spec *)bh_obj_spec_find_prog(obj->spec, "count_len");
	uint32_t i, n = 0;

	for (i = 0; ps && i < ps->nr_relocs; i++)
		if (ps->relocs[i].kind != BH_RELOC_MAP)
			ps->relocs[n++] = ps->relocs[i];
	if (ps)
		ps->nr_relocs = n;
}

TEST(object_err_bad_relocations)
{
	tampered(bad_map_index, "program 'count_len' (section 'sample'): instruction");
	tampered(bad_map_index, "bad relocation: map index 99, the object has 6 maps");
	tampered(bad_insn_index, "past the end of the program's");
	tampered(not_lddw, "not lddw");
	tampered(value_of_map, "address of a value of map 'results', which is not global data");
	tampered(value_offset, "offset 1048576 is outside the");
	tampered(dropped_reloc, "map reference without a relocation");
}

TEST(object_err_ambiguous_and_longest_prefix)
{
	static const char *const same[] = { "sample", NULL };
	static const char *const longer[] = { "sample/sample_hook", NULL };
	struct bpfhost_object *obj;
	struct bpfhost *rt;
	struct text t;
	char log[2048];
	const char *path;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	text_init(&t, "text");
	t.type.section_prefixes = longer;
	CHECK(bpfhost_extension__register(rt, &t.ext) != NULL);
	obj = open_log(rt, path, log, sizeof(log));
	CHECK(obj != NULL);
	if (obj) {
		/* "sample/sample_hook" matches tprog's longer prefix */
		CHECK_STR(bpfhost_program__type_name(
				  bpfhost_object__find_program_by_name(obj, "printer")),
			  "tprog");
		CHECK_STR(bpfhost_program__type_name(
				  bpfhost_object__find_program_by_name(obj, "count_len")),
			  "sample");
		bpfhost_object__close(obj);
	}
	bpfhost__free(rt);

	NEED_RT(rt);
	text_init(&t, "text");
	t.type.section_prefixes = same;
	CHECK(bpfhost_extension__register(rt, &t.ext) != NULL);
	obj = open_log(rt, path, log, sizeof(log));
	CHECK(obj != NULL);
	if (obj) {
		CHECK_EQ(bpfhost_object__load(obj), -EINVAL);
		CHECK_CONTAINS(log, "matches program types");
		CHECK_CONTAINS(log, "equally (prefix 'sample')");
		bpfhost_object__close(obj);
	}
	bpfhost__free(rt);
}

TEST(object_err_attach_rules)
{
	struct bpfhost_object *obj;
	struct bpfhost_program *nowhere, *other;
	struct bpfhost_link *l;
	struct bpfhost *rt;
	struct text t;
	const char *path;

	NEED_OBJ(path, "sections");
	NEED_RT(rt);
	text_init(&t, "text");
	text_add_hook(&t, "thook2", BPFHOST_VERDICT_LAST, 0);
	CHECK(bpfhost_extension__register(rt, &t.ext) != NULL);
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	nowhere = bpfhost_object__find_program_by_name(obj, "to_nowhere");
	other = bpfhost_object__find_program_by_name(obj, "to_other_type");
	CHECK_EQ(bpfhost_object__load(obj), 0);
	ot_clear();
	CHECK(bpfhost_program__attach(nowhere) == NULL && errno == ENOENT);
	CHECK_CONTAINS(ot_msgs(), "program 'to_nowhere' (section 'sample/nohook'): cannot attach: "
				  "section 'sample/nohook' names hook 'nohook', which is not "
				  "registered");
	CHECK(bpfhost_program__attach(other) == NULL && errno == EINVAL);
	CHECK_CONTAINS(ot_msgs(), "names hook 'thook', which runs programs of type 'tprog', not "
				  "'sample'");
	CHECK(bpfhost_program__attach(NULL) == NULL && errno == EINVAL);
	/* typed attach to a hook of another type: the runtime's refusal */
	l = bpfhost_program__attach_hook(other, bpfhost_hook__find(rt, "thook"), NULL);
	CHECK(l == NULL && errno > 0);
	CHECK_CONTAINS(ot_msgs(), "the program is of type 'sample'");
	bpfhost_object__close(obj);

	/* loaded as tprog (set_type): sections name no tprog hook; tprog has two */
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	nowhere = bpfhost_object__find_program_by_name(obj, "to_nowhere");
	CHECK_EQ(bpfhost_program__set_type(nowhere, "tprog"), 0);
	CHECK_EQ(bpfhost_object__load(obj), 0);
	ot_clear();
	CHECK(bpfhost_program__attach(nowhere) == NULL && errno == EINVAL);
	CHECK_CONTAINS(ot_msgs(), "program type 'tprog' has 2 hooks (thook, thook2)");
	l = bpfhost_program__attach_hook(nowhere, bpfhost_hook__find(rt, "thook2"), NULL);
	CHECK(l != NULL);
	CHECK_EQ(bpfhost_link__destroy(l), 0);
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

TEST(object_err_map_element_sizes)
{
	struct bpfhost_object *obj;
	struct bpfhost_map *m, *pc;
	struct bpfhost *rt;
	const char *path, *mpath;
	uint32_t k32 = 0, next = 0;
	uint64_t k64 = 0, v = 0;
	size_t ncpu = (size_t)sysconf(_SC_NPROCESSORS_CONF);
	uint64_t *pcv;
	int n;

	NEED_OBJ(path, "sections");
	NEED_OBJ(mpath, "multi");
	NEED_RT(rt);
	obj = bpfhost_object__open_file(rt, mpath, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	m = bpfhost_object__find_map_by_name(obj, "counts");
	CHECK_EQ(bpfhost_map__lookup_elem(m, &k32, 4, &v, 8, 0), -EINVAL);
	CHECK_CONTAINS(ot_msgs(), "map 'counts': lookup_elem: the map is not loaded");
	CHECK_EQ(bpfhost_object__load(obj), 0);
	CHECK_EQ(bpfhost_map__set_pin_path(m, "/tmp/x"), -EBUSY);
	ot_clear();
	CHECK_EQ(bpfhost_map__lookup_elem(m, &k64, 8, &v, 8, 0), -EINVAL);
	CHECK_CONTAINS(ot_msgs(), "map 'counts': lookup_elem: key size 8, the map's key_size is 4");
	CHECK_EQ(bpfhost_map__update_elem(m, &k32, 4, &k32, 4, 0), -EINVAL);
	CHECK_CONTAINS(ot_msgs(), "update_elem: value size 4, expected 8");
	CHECK_EQ(bpfhost_map__lookup_elem(m, &k32, 4, &v, 8, 0), -ENOENT);
	for (k32 = 10; k32 < 13; k32++) {
		v = k32 * 100;
		CHECK_EQ(bpfhost_map__update_elem(m, &k32, 4, &v, 8, BPFHOST_NOEXIST), 0);
	}
	CHECK_EQ(bpfhost_map__update_elem(m, &k32, 4, &v, 8, 99), -EINVAL);
	k32 = 11;
	CHECK_EQ(bpfhost_map__lookup_elem(m, &k32, 4, &v, 8, 0), 0);
	CHECK_EQ(v, 1100);
	n = 0;
	for (int err = bpfhost_map__get_next_key(m, NULL, &next, 4); !err;
	     err = bpfhost_map__get_next_key(m, &next, &next, 4))
		n++;
	CHECK_EQ(n, 3);
	CHECK_EQ(bpfhost_map__get_next_key(m, NULL, &next, 2), -EINVAL);
	CHECK_EQ(bpfhost_map__delete_elem(m, &k32, 4, 1), -EINVAL);
	CHECK_CONTAINS(ot_msgs(), "delete_elem: flags 0x1");
	CHECK_EQ(bpfhost_map__delete_elem(m, &k32, 4, 0), 0);
	CHECK_EQ(bpfhost_map__delete_elem(m, &k32, 4, 0), -ENOENT);
	k32 = 12;
	CHECK_EQ(bpfhost_map__lookup_and_delete_elem(m, &k32, 4, &v, 8, 0), 0);
	CHECK_EQ(v, 1200);
	CHECK_EQ(bpfhost_map__lookup_and_delete_elem(m, &k32, 4, &v, 8, 1), -EINVAL);
	CHECK_EQ(bpfhost_map__lookup_elem(NULL, &k32, 4, &v, 8, 0), -EINVAL);
	bpfhost_object__close(obj);

	/* per-CPU values: round_up(4, 8) bytes per possible CPU */
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	CHECK_EQ(bpfhost_object__load(obj), 0);
	pc = bpfhost_object__find_map_by_name(obj, "a_rather_long_map_name");
	CHECK(pc != NULL && bpfhost_map__fd(pc) > 0); /* the runtime's map name is cut */
	CHECK_STR(bpfhost_map__name(pc), "a_rather_long_map_name");
	pc = bpfhost_object__find_map_by_name(obj, "per_cpu");
	pcv = calloc(ncpu + 8, 8);
	k32 = 1;
	ot_clear();
	CHECK_EQ(bpfhost_map__lookup_elem(pc, &k32, 4, pcv, 4, 0), -EINVAL);
	CHECK_CONTAINS(ot_msgs(), "per-CPU");
	{
		int ok = 0;
		size_t c;

		/* the runtime's CPU count may differ from sysconf's: find the accepted size */
		for (c = 1; c <= ncpu + 4 && !ok; c++)
			ok = bpfhost_map__lookup_elem(pc, &k32, 4, pcv, c * 8, 0) == 0;
		CHECK(ok);
	}
	free(pcv);
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

TEST(object_close_after_instance_freed)
{
	struct bpfhost_object *obj;
	struct bpfhost *rt, *rt2;
	const char *path;
	uint32_t k = 0, v = 7, out = 0;
	int fd;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (!obj) {
		bpfhost__free(rt);
		return;
	}
	CHECK_EQ(bpfhost_object__load(obj), 0);
	bpfhost__free(rt); /* closes the object's fds */
	rt2 = bpfhost__new(NULL);
	fd = bpfhost_map_create(rt2, BPFHOST_MAP_TYPE_ARRAY, "reuse", 4, 4, 1, NULL);
	CHECK(fd > 0);
	CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, 0), 0);
	/* the object must not close fd numbers now owned by someone else */
	bpfhost_object__close(obj);
	CHECK_EQ(bpfhost_map_lookup_elem(fd, &k, &out), 0);
	CHECK_EQ(out, 7);
	bpfhost__free(rt2);
}

/* Are the object's maps small enough to create in a test? */
static bool maps_small(const struct bpfhost_object *obj)
{
	uint32_t i;

	for (i = 0; i < obj->spec->nr_maps; i++) {
		const struct bh_map_spec *ms = &obj->spec->maps[i];

		if ((uint64_t)ms->max_entries * (ms->key_size + ms->value_size + 64) > (1u << 22))
			return false;
	}
	return true;
}

TEST(object_err_random_mutations_open_and_load)
{
	struct bpfhost_object *obj;
	struct bpfhost *rt;
	const char *path, *root;
	unsigned char *good, *buf;
	char log[4096];
	size_t len = 0, i;
	uint64_t seed = 0x6f626a656374ull; /* fixed: reproducible */
	int opened = 0, loaded = 0, probe, n;

	NEED_OBJ(path, "multi");
	NEED_RT(rt);
	root = ot_tmpdir("mut");
	good = (unsigned char *)bh_test_read_file(path, &len);
	CHECK(good != NULL);
	if (!good)
		goto out;
	buf = malloc(len);
	probe = ot_probe_fd(rt);
	for (n = 0; n < 400; n++) {
		BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o, .pin_root_path = root,
				  .log_buf = log, .log_size = sizeof(log));
		int flips = 1 + n % 4;

		memcpy(buf, good, len);
		for (i = 0; i < (size_t)flips; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			buf[(seed >> 33) % len] ^= (unsigned char)(1u << ((seed >> 20) & 7));
		}
		obj = bpfhost_object__open_mem(rt, buf, len, &o);
		if (!obj) {
			CHECK_MSG(log[0], "mutation %d refused without a message", n);
			continue;
		}
		opened++;
		/* the programs are loaded, never run: mutated code is harmless */
		if (maps_small(obj)) {
			int err = bpfhost_object__load(obj);

			if (!err)
				loaded++;
			else
				CHECK_MSG(log[0], "mutation %d: load %d without a message", n, err);
		}
		bpfhost_object__close(obj);
		CHECK_MSG(ot_probe_fd(rt) == probe, "mutation %d left an fd open", n);
	}
	if (getenv("BH_TEST_VERBOSE"))
		printf("  400 mutations: %d opened, %d loaded\n", opened, loaded);
	free(buf);
	free(good);
out:
	bpfhost__free(rt);
}
