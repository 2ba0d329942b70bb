/* SPDX-License-Identifier: MIT */
/*
 * ARRAY_OF_MAPS / HASH_OF_MAPS: creation with an inner map template and its
 * refusals (no template, nested template, pin path, bad definition), user
 * updates with inner map fds and the template check naming the differing
 * attribute, ids from user lookups, Linux's errnos (-ENOENT, -E2BIG,
 * -EEXIST, -EINVAL), references (an inner map outlives its fd while
 * stored), programs that look up an inner map through an outer map and use
 * it, programs refused updates/deletes, and inner maps replaced while other
 * threads run programs that use them.
 */
#include <pthread.h>
#include <stdarg.h>
#include <unistd.h>

#include "maps/map.h"
#include "maps/map_in_map.h"
#include "runtime/map_in_map.h"
#include "runtime/runtime.h"
#include "test_runtime_util.h"

/* ---- process print capture (map operations have no instance) ---- */

static char pr_buf[4096];
static size_t pr_len;

static int pr_capture(enum bpfhost_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (pr_len >= sizeof(pr_buf) - 1)
		return 0;
	n = vsnprintf(pr_buf + pr_len, sizeof(pr_buf) - pr_len, fmt, ap);
	if (n > 0)
		pr_len += (size_t)n < sizeof(pr_buf) - pr_len ? (size_t)n
							      : sizeof(pr_buf) - pr_len - 1;
	return n;
}

static bpfhost_print_fn_t pr_start(void)
{
	pr_buf[0] = '\0';
	pr_len = 0;
	return bpfhost_set_print(pr_capture);
}

/* ---- helpers ---- */

static int mk(struct bpfhost *rt, enum bpfhost_map_type type, const char *name, uint32_t ks,
	      uint32_t vs, uint32_t max)
{
	return bpfhost_map_create(rt, type, name, ks, vs, max, NULL);
}

/* Outer map through the runtime's map-in-map path; log text in log. */
static int mk_outer(struct bpfhost *rt, enum bpfhost_map_type type, const char *name, uint32_t ks,
		    uint32_t max, int inner_fd, const char *pin, char *log, size_t log_size)
{
	struct bh_map_def def = {
		.type = type, .key_size = ks, .value_size = 4, .max_entries = max
	};
	struct bh_log l = BH_LOG_INIT;
	int fd;

	snprintf(def.name, sizeof(def.name), "%s", name);
	fd = bh_mim_create_fd(rt, &def, inner_fd, pin, &l);
	bh_log_finish(&l, log, log_size, NULL, BPFHOST_WARN);
	return fd;
}

static int put_fd(int outer, uint32_t key, int inner, uint64_t flags)
{
	uint32_t v = (uint32_t)inner;

	return bpfhost_map_update_elem(outer, &key, &v, flags);
}

static int refcnt_of(int fd)
{
	int err, n;
	struct bh_map *m = bh_fd_map(fd, &err);

	if (!m)
		return err;
	n = __atomic_load_n(&m->refcnt, __ATOMIC_RELAXED) - 1;
	bh_map_put(m);
	return n;
}

/* ---- creation ---- */

TEST(mim_create_refusals)
{
	struct bpfhost *rt = rt_new();
	char log[512];
	int inner, outer, fd;

	inner = mk(rt, BPFHOST_MAP_TYPE_ARRAY, "in", 4, 8, 4);
	CHECK(inner > 0);

	/* no template */
	fd = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "o", 4, 4, 0, NULL, log, sizeof(log));
	CHECK_EQ(fd, -EINVAL);
	CHECK_CONTAINS(log, "needs an inner map template");
	/* public path without inner_map_fd reaches the type's check */
	rt_msgs_clear();
	fd = mk(rt, BPFHOST_MAP_TYPE_HASH_OF_MAPS, "o", 4, 4, 4);
	CHECK_EQ(fd, -EINVAL);
	CHECK_CONTAINS(rt_msgs, "needs an inner map template (inner_map_fd)");
	/* not an fd */
	fd = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "o", 4, 4, 9999, NULL, log, sizeof(log));
	CHECK_EQ(fd, -EBADF);
	CHECK_CONTAINS(log, "inner_map_fd 9999 is not a bpfhost map fd");
	/* pin path */
	fd = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "o", 4, 4, inner, "/tmp/bh_mim_pin", log,
		      sizeof(log));
	CHECK_EQ(fd, -EINVAL);
	CHECK_CONTAINS(log, "cannot live in a shared region (pin_path /tmp/bh_mim_pin)");
	/* value_size must be 4, array keys 4 */
	{
		struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_ARRAY_OF_MAPS,
					  .key_size = 4,
					  .value_size = 8,
					  .max_entries = 4 };
		struct bh_log l = BH_LOG_INIT;

		fd = bh_mim_create_fd(rt, &def, inner, NULL, &l);
		CHECK_EQ(fd, -EINVAL);
		CHECK_CONTAINS(bh_log_text(&l), "value_size 8: must be 4 (an inner map fd)");
		bh_log_free(&l);
	}
	fd = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "o", 8, 4, inner, NULL, log, sizeof(log));
	CHECK_EQ(fd, -EINVAL);
	CHECK_CONTAINS(log, "key_size 8: must be 4");
	fd = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "o", 4, 0, inner, NULL, log, sizeof(log));
	CHECK_EQ(fd, -EINVAL);
	CHECK_CONTAINS(log, "max_entries 0");
	fd = mk_outer(rt, BPFHOST_MAP_TYPE_HASH_OF_MAPS, "o", 0, 4, inner, NULL, log, sizeof(log));
	CHECK_EQ(fd, -EINVAL);
	CHECK_CONTAINS(log, "key_size 0");
	/* a type that is not map-in-map */
	fd = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY, "o", 4, 4, inner, NULL, log, sizeof(log));
	CHECK_EQ(fd, -EINVAL);
	CHECK_CONTAINS(log, "only for map-in-map types");

	/* one level only: a map-in-map cannot be a template */
	outer = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "outer", 4, 4, inner, NULL, log,
			 sizeof(log));
	CHECK_MSG(outer > 0, "outer: %d %s", outer, log);
	fd = mk_outer(rt, BPFHOST_MAP_TYPE_HASH_OF_MAPS, "o2", 4, 4, outer, NULL, log, sizeof(log));
	CHECK_EQ(fd, -EINVAL);
	CHECK_CONTAINS(log, "cannot be an inner map template: maps of maps nest one level only");
	bpfhost__free(rt);
}

TEST(mim_public_create)
{
	struct bpfhost *rt = rt_new();
	BPFHOST_OPTS_INIT(bpfhost_map_create_opts, o);
	int inner, outer;

	inner = mk(rt, BPFHOST_MAP_TYPE_ARRAY, "in", 4, 8, 4);
	o.inner_map_fd = inner;
	outer = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "outer", 4, 4, 2, &o);
	if (outer == -EOPNOTSUPP) {
		bpfhost__free(rt);
		SKIP("bpfhost_map_create does not route map-in-map types to bh_mim_create_fd yet");
	}
	CHECK_MSG(outer > 0, "outer: %d %s", outer, rt_msgs);
	CHECK_EQ(put_fd(outer, 1, inner, BPFHOST_ANY), 0);
	bpfhost__free(rt);
}

/* ---- ARRAY_OF_MAPS from user space ---- */

TEST(mim_array_user_ops)
{
	struct bpfhost *rt = rt_new();
	bpfhost_print_fn_t old;
	char log[512];
	int in1, in2, bad_ks, bad_max, bad_type, bad_flags, outer;
	uint32_t k, id1 = 0, id2 = 0, id = 0, next;

	in1 = mk(rt, BPFHOST_MAP_TYPE_ARRAY, "in1", 4, 8, 4);
	in2 = mk(rt, BPFHOST_MAP_TYPE_ARRAY, "in2", 4, 8, 4);
	bad_ks = mk(rt, BPFHOST_MAP_TYPE_HASH, "bad_ks", 8, 8, 4);
	bad_max = mk(rt, BPFHOST_MAP_TYPE_ARRAY, "bad_max", 4, 8, 5);
	bad_type = mk(rt, BPFHOST_MAP_TYPE_HASH, "bad_type", 4, 8, 4);
	bad_flags = bpfhost_map_create(
		rt, BPFHOST_MAP_TYPE_ARRAY, "bad_flags", 4, 8, 4,
		&(struct bpfhost_map_create_opts){ .sz = sizeof(struct bpfhost_map_create_opts),
						   .map_flags = BPFHOST_F_RDONLY_PROG });
	CHECK(in1 > 0 && in2 > 0 && bad_ks > 0 && bad_max > 0 && bad_type > 0);
	outer = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "outer", 4, 3, in1, NULL, log,
			 sizeof(log));
	CHECK_MSG(outer > 0, "outer: %d %s", outer, log);

	/* every slot starts empty */
	for (k = 0; k < 3; k++)
		CHECK_EQ(bpfhost_map_lookup_elem(outer, &k, &id), -ENOENT);
	k = 0;
	CHECK_EQ(put_fd(outer, 0, in1, BPFHOST_ANY), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &k, &id1), 0);
	CHECK(id1 != 0);
	CHECK_EQ(put_fd(outer, 1, in1, BPFHOST_EXIST), 0);
	k = 1;
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &k, &id), 0);
	CHECK_EQ(id, id1); /* one map, one id */
	CHECK_EQ(put_fd(outer, 2, in2, BPFHOST_ANY), 0);
	k = 2;
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &k, &id2), 0);
	CHECK(id2 != 0 && id2 != id1);

	/* Linux's errnos */
	CHECK_EQ(put_fd(outer, 3, in1, BPFHOST_ANY), -E2BIG);
	CHECK_EQ(put_fd(outer, 0, in1, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(put_fd(outer, 0, in1, 8), -EINVAL);
	CHECK_EQ(put_fd(outer, 0, 4242, BPFHOST_ANY), -EBADF);
	k = 7;
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &k, &id), -ENOENT);
	CHECK_EQ(bpfhost_map_delete_elem(outer, &k), -E2BIG);
	k = 0;
	CHECK_EQ(bpfhost_map_lookup_elem_flags(outer, &k, &id, 1), -EINVAL);
	CHECK_EQ(bpfhost_map_lookup_and_delete_elem(outer, &k, &id), -EOPNOTSUPP);

	/* the template check names the attribute */
	old = pr_start();
	CHECK_EQ(put_fd(outer, 0, bad_ks, BPFHOST_ANY), -EINVAL);
	CHECK_CONTAINS(pr_buf, "is of type hash, the inner map template is of type array");
	pr_start();
	CHECK_EQ(put_fd(outer, 0, bad_max, BPFHOST_ANY), -EINVAL);
	CHECK_CONTAINS(pr_buf,
		       "map 'outer' (array_of_maps): inner map 'bad_max' has max_entries 5, "
		       "the inner map template has 4");
	pr_start();
	CHECK_EQ(put_fd(outer, 0, bad_type, BPFHOST_ANY), -EINVAL);
	CHECK_CONTAINS(pr_buf, "inner map 'bad_type' is of type hash");
	if (bad_flags > 0) {
		pr_start();
		CHECK_EQ(put_fd(outer, 0, bad_flags, BPFHOST_ANY), -EINVAL);
		CHECK_CONTAINS(pr_buf, "has map_flags 0x80, the inner map template has 0x0");
	}
	bpfhost_set_print(old);
	/* refused updates left the slot alone */
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &k, &id), 0);
	CHECK_EQ(id, id1);

	/* get_next_key walks the slots */
	CHECK_EQ(bpfhost_map_get_next_key(outer, NULL, &next), 0);
	CHECK_EQ(next, 0);
	k = 2;
	CHECK_EQ(bpfhost_map_get_next_key(outer, &k, &next), -ENOENT);

	/* delete */
	k = 1;
	CHECK_EQ(bpfhost_map_delete_elem(outer, &k), 0);
	CHECK_EQ(bpfhost_map_delete_elem(outer, &k), -ENOENT);
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &k, &id), -ENOENT);
	bpfhost__free(rt);
}

TEST(mim_template_inner_map_flag)
{
	struct bh_map_def outer = { .type = BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, .name = "o" };
	struct bh_map_def tmpl = { .type = BPFHOST_MAP_TYPE_ARRAY,
				   .key_size = 4,
				   .value_size = 8,
				   .max_entries = 4,
				   .map_flags = BH_F_INNER_MAP };
	struct bh_map_def def = tmpl;
	struct bh_log l = BH_LOG_INIT;

	def.max_entries = 1000;
	CHECK_EQ(bh_mim_template_check(&outer, &tmpl, &def, &l), 0);
	def.map_flags = 0;
	CHECK_EQ(bh_mim_template_check(&outer, &tmpl, &def, &l), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&l), "has map_flags 0x0, the inner map template has 0x1000");
	bh_log_free(&l);
	tmpl.map_flags = 0;
	CHECK_EQ(bh_mim_template_check(&outer, &tmpl, &def, &l), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&l), "has max_entries 1000, the inner map template has 4");
	bh_log_free(&l);
	def.max_entries = 4;
	def.value_size = 16;
	CHECK_EQ(bh_mim_template_check(&outer, &tmpl, &def, &l), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&l), "has value_size 16, the inner map template has 8");
	bh_log_free(&l);
}

TEST(mim_references)
{
	struct bpfhost *rt = rt_new();
	struct bh_map *om, *im;
	char log[512];
	int inner, outer, err;
	uint32_t k = 0, id = 0;
	uint64_t v = 77, got = 0;

	inner = mk(rt, BPFHOST_MAP_TYPE_ARRAY, "in", 4, 8, 4);
	outer = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "outer", 4, 2, inner, NULL, log,
			 sizeof(log));
	CHECK_MSG(outer > 0, "outer: %d %s", outer, log);
	CHECK_EQ(refcnt_of(inner), 1);
	CHECK_EQ(put_fd(outer, 0, inner, BPFHOST_ANY), 0);
	CHECK_EQ(refcnt_of(inner), 2);
	CHECK_EQ(put_fd(outer, 1, inner, BPFHOST_ANY), 0);
	CHECK_EQ(refcnt_of(inner), 3);
	CHECK_EQ(bpfhost_map_update_elem(inner, &k, &v, BPFHOST_ANY), 0);

	/* the inner map outlives its fd while stored */
	im = bh_fd_map(inner, &err);
	CHECK_EQ(bpfhost_close(inner), 0);
	CHECK_EQ(__atomic_load_n(&im->refcnt, __ATOMIC_RELAXED), 3);
	om = bh_fd_map(outer, &err);
	CHECK(om);
	if (om) {
		struct bh_map *p = om->ops->lookup(om, &k);
		uint64_t *val;

		CHECK(p == im);
		val = p ? p->ops->lookup(p, &k) : NULL;
		CHECK(val && *val == 77);
		k = 1;
		CHECK_EQ(bpfhost_map_lookup_elem(outer, &k, &id), 0);
		CHECK_EQ(id, bh_mim_map_id(im));
		/* replacing and deleting drop the slots' references */
		CHECK_EQ(bpfhost_map_delete_elem(outer, &k), 0);
		CHECK_EQ(__atomic_load_n(&im->refcnt, __ATOMIC_RELAXED), 2);
		k = 0;
		CHECK_EQ(bpfhost_map_delete_elem(outer, &k), 0);
		CHECK_EQ(__atomic_load_n(&im->refcnt, __ATOMIC_RELAXED), 1);
		/* no outer slot holds it: its id is gone */
		CHECK_EQ(bh_mim_map_id(im), 0);
		bh_map_put(om);
	}
	got = 0;
	if (im) {
		CHECK(im->ops->lookup(im, &k) != NULL);
		bh_map_copy_out(&got, im->ops->lookup(im, &k), 8);
		CHECK_U64(got, 77);
		bh_map_put(im);
	}
	bpfhost__free(rt);
}

/* closing the outer map releases what it holds */
TEST(mim_release_with_outer)
{
	struct bpfhost *rt = rt_new();
	char log[512];
	int inner, outer, houter;
	uint32_t k;

	inner = mk(rt, BPFHOST_MAP_TYPE_HASH, "in", 4, 8, 4);
	outer = mk_outer(rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "outer", 4, 4, inner, NULL, log,
			 sizeof(log));
	houter = mk_outer(rt, BPFHOST_MAP_TYPE_HASH_OF_MAPS, "houter", 8, 16, inner, NULL, log,
			  sizeof(log));
	CHECK(outer > 0 && houter > 0);
	for (k = 0; k < 4; k++)
		CHECK_EQ(put_fd(outer, k, inner, BPFHOST_ANY), 0);
	for (k = 0; k < 10; k++) {
		uint64_t key = k * 1000003ull;
		uint32_t v = (uint32_t)inner;

		CHECK_EQ(bpfhost_map_update_elem(houter, &key, &v, BPFHOST_NOEXIST), 0);
	}
	CHECK_EQ(refcnt_of(inner), 15);
	CHECK_EQ(bpfhost_close(outer), 0);
	CHECK_EQ(refcnt_of(inner), 11);
	CHECK_EQ(bpfhost_close(houter), 0);
	CHECK_EQ(refcnt_of(inner), 1);
	bpfhost__free(rt);
}

/* ---- HASH_OF_MAPS from user space ---- */

TEST(mim_hash_user_ops)
{
	struct bpfhost *rt = rt_new();
	char log[512];
	int in1, in2, outer;
	uint64_t key, next, seen = 0;
	uint32_t id1 = 0, id2 = 0, id = 0, v;
	int n = 0, err;

	in1 = mk(rt, BPFHOST_MAP_TYPE_HASH, "in1", 4, 4, 8);
	in2 = mk(rt, BPFHOST_MAP_TYPE_HASH, "in2", 4, 4, 8);
	outer = mk_outer(rt, BPFHOST_MAP_TYPE_HASH_OF_MAPS, "houter", 8, 3, in1, NULL, log,
			 sizeof(log));
	CHECK_MSG(outer > 0, "outer: %d %s", outer, log);

	key = 10;
	v = (uint32_t)in1;
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &key, &id), -ENOENT);
	CHECK_EQ(bpfhost_map_delete_elem(outer, &key), -ENOENT);
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v, BPFHOST_EXIST), -ENOENT);
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v, BPFHOST_NOEXIST), 0);
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &key, &id1), 0);
	v = (uint32_t)in2;
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v, BPFHOST_EXIST), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &key, &id2), 0);
	CHECK(id1 && id2 && id1 != id2);
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v, 3), -EINVAL);
	key = 20;
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v, BPFHOST_ANY), 0);
	key = 30;
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v, BPFHOST_ANY), 0);
	key = 40;
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v, BPFHOST_ANY), -E2BIG);
	CHECK_EQ(refcnt_of(in2), 4);
	CHECK_EQ(refcnt_of(in1), 1);

	/* iteration sees the three keys */
	err = bpfhost_map_get_next_key(outer, NULL, &next);
	while (!err && n < 10) {
		seen |= 1ull << (next / 10);
		n++;
		key = next;
		err = bpfhost_map_get_next_key(outer, &key, &next);
	}
	CHECK_EQ(err, -ENOENT);
	CHECK_EQ(n, 3);
	CHECK_U64(seen, 0xe);

	key = 20;
	CHECK_EQ(bpfhost_map_delete_elem(outer, &key), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &key, &id), -ENOENT);
	CHECK_EQ(refcnt_of(in2), 3);
	key = 40;
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v, BPFHOST_ANY), 0);
	bpfhost__free(rt);
}

/* ---- programs ---- */

struct penv {
	struct bpfhost *rt;
	struct text t;
	struct bpfhost_prog_type *type;
	struct bpfhost_hook *hook;
	void *ctx;
};

static bool penv_init(struct penv *e)
{
	struct bpfhost_extension *ext;

	memset(e, 0, sizeof(*e));
	e->rt = rt_new();
	if (!e->rt)
		return false;
	text_init(&e->t, "mim_ext");
	ext = bpfhost_extension__register(e->rt, &e->t.ext);
	CHECK_MSG(ext, "register: %s", rt_msgs);
	if (!ext)
		return false;
	e->type = bpfhost_extension__prog_type(ext, "tprog");
	e->hook = bpfhost_extension__hook(ext, "thook");
	e->ctx = e->type ? bpfhost_ctx_alloc(e->type, 0, 0) : NULL;
	return e->hook && e->ctx;
}

static void penv_fini(struct penv *e)
{
	if (e->ctx)
		bpfhost_ctx_free(e->ctx);
	if (e->rt)
		bpfhost__free(e->rt);
}

/* Load text (printf format with the outer map's lddw imm) and attach it. */
static int load_attach(struct penv *e, const char *fmt, int outer)
{
	char text[2048], log[1024] = "";
	int prog, link;

	snprintf(text, sizeof(text), fmt, 0x7fff0000 + outer);
	/*
	 * trusted: the verifier does not yet type lookups in maps of maps
	 * (bpf_map_lookup_elem on an array/hash of maps is refused)
	 */
	prog = rt_load_opt(e->rt, "tprog", "mim_prog", text, log, sizeof(log), 1);
	CHECK_MSG(prog > 0, "load: %d %s", prog, log);
	if (prog <= 0)
		return prog;
	link = bpfhost_link_create(prog, e->hook, NULL);
	CHECK_MSG(link > 0, "link: %d %s", link, rt_msgs);
	bpfhost_close(prog);
	return link;
}

/*
 * inner = outer[0] (-1 if none); then inner[0] += 1 if present, else
 * inner[0] = 100 through map_update_elem on the looked-up map.
 */
static const char *prog_use_inner = "stw [%%r10-4], 0\n"
				    "lddw %%r1, 0x%x\n"
				    "mov %%r2, %%r10\n"
				    "add %%r2, -4\n"
				    "call 1\n"
				    "jeq %%r0, 0, nomap\n"
				    "mov %%r6, %%r0\n"
				    "mov %%r1, %%r6\n"
				    "mov %%r2, %%r10\n"
				    "add %%r2, -4\n"
				    "call 1\n"
				    "jeq %%r0, 0, novalue\n"
				    "ldxdw %%r1, [%%r0+0]\n"
				    "add %%r1, 1\n"
				    "stxdw [%%r0+0], %%r1\n"
				    "mov %%r0, 1\n"
				    "exit\n"
				    "novalue:\n"
				    "stdw [%%r10-16], 100\n"
				    "mov %%r1, %%r6\n"
				    "mov %%r2, %%r10\n"
				    "add %%r2, -4\n"
				    "mov %%r3, %%r10\n"
				    "add %%r3, -16\n"
				    "mov %%r4, 0\n"
				    "call 2\n"
				    "exit\n"
				    "nomap:\n"
				    "mov %%r0, -1\n"
				    "exit\n";

/* prog_use_inner with an atomic increment, for several threads at once */
static const char *prog_use_inner_atomic = "stw [%%r10-4], 0\n"
					   "lddw %%r1, 0x%x\n"
					   "mov %%r2, %%r10\n"
					   "add %%r2, -4\n"
					   "call 1\n"
					   "jeq %%r0, 0, nomap\n"
					   "mov %%r6, %%r0\n"
					   "mov %%r1, %%r6\n"
					   "mov %%r2, %%r10\n"
					   "add %%r2, -4\n"
					   "call 1\n"
					   "jeq %%r0, 0, novalue\n"
					   "mov %%r1, 1\n"
					   "lock add [%%r0+0], %%r1\n"
					   "mov %%r0, 1\n"
					   "exit\n"
					   "novalue:\n"
					   "stdw [%%r10-16], 100\n"
					   "mov %%r1, %%r6\n"
					   "mov %%r2, %%r10\n"
					   "add %%r2, -4\n"
					   "mov %%r3, %%r10\n"
					   "add %%r3, -16\n"
					   "mov %%r4, 0\n"
					   "call 2\n"
					   "exit\n"
					   "nomap:\n"
					   "mov %%r0, -1\n"
					   "exit\n";

TEST(mim_program_uses_inner_map)
{
	struct penv e;
	char log[512];
	int in1, in2, outer, link;
	uint32_t k = 0;
	uint64_t v = 0, val = 0;

	if (!penv_init(&e))
		goto out;
	in1 = mk(e.rt, BPFHOST_MAP_TYPE_HASH, "in1", 4, 8, 4);
	in2 = mk(e.rt, BPFHOST_MAP_TYPE_HASH, "in2", 4, 8, 4);
	outer = mk_outer(e.rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "outer", 4, 1, in1, NULL, log,
			 sizeof(log));
	CHECK_MSG(outer > 0, "outer: %d %s", outer, log);
	link = load_attach(&e, prog_use_inner, outer);
	if (link <= 0)
		goto out;

	/* empty slot: the program sees NULL */
	CHECK_EQ(bpfhost_hook_invoke(e.hook, e.ctx, &v), 0);
	CHECK_U64(v, (uint64_t)-1);

	CHECK_EQ(put_fd(outer, 0, in1, BPFHOST_ANY), 0);
	CHECK_EQ(bpfhost_hook_invoke(e.hook, e.ctx, &v), 0);
	CHECK_U64(v, 0); /* map_update_elem on the inner map succeeded */
	CHECK_EQ(bpfhost_map_lookup_elem(in1, &k, &val), 0);
	CHECK_U64(val, 100);
	CHECK_EQ(bpfhost_hook_invoke(e.hook, e.ctx, &v), 0);
	CHECK_U64(v, 1);
	CHECK_EQ(bpfhost_map_lookup_elem(in1, &k, &val), 0);
	CHECK_U64(val, 101);

	/* swap in another inner map: the program follows */
	CHECK_EQ(put_fd(outer, 0, in2, BPFHOST_EXIST), 0);
	CHECK_EQ(bpfhost_hook_invoke(e.hook, e.ctx, &v), 0);
	CHECK_EQ(bpfhost_hook_invoke(e.hook, e.ctx, &v), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(in2, &k, &val), 0);
	CHECK_U64(val, 101);
	CHECK_EQ(bpfhost_map_lookup_elem(in1, &k, &val), 0);
	CHECK_U64(val, 101);
out:
	penv_fini(&e);
}

/* the same through a hash of maps keyed by a u64 */
static const char *prog_hash_inner = "stdw [%%r10-8], 5\n"
				     "stw [%%r10-12], 0\n"
				     "lddw %%r1, 0x%x\n"
				     "mov %%r2, %%r10\n"
				     "add %%r2, -8\n"
				     "call 1\n"
				     "jeq %%r0, 0, nomap\n"
				     "mov %%r1, %%r0\n"
				     "mov %%r2, %%r10\n"
				     "add %%r2, -12\n"
				     "call 1\n"
				     "jeq %%r0, 0, nomap\n"
				     "ldxw %%r1, [%%r0+0]\n"
				     "add %%r1, 3\n"
				     "stxw [%%r0+0], %%r1\n"
				     "mov %%r0, %%r1\n"
				     "exit\n"
				     "nomap:\n"
				     "mov %%r0, -1\n"
				     "exit\n";

TEST(mim_program_hash_of_maps)
{
	struct penv e;
	char log[512];
	int in, outer, link;
	uint32_t k = 0, val = 10, v32 = 0;
	uint64_t key = 5, v = 0;

	if (!penv_init(&e))
		goto out;
	in = mk(e.rt, BPFHOST_MAP_TYPE_ARRAY, "in", 4, 4, 2);
	outer = mk_outer(e.rt, BPFHOST_MAP_TYPE_HASH_OF_MAPS, "houter", 8, 4, in, NULL, log,
			 sizeof(log));
	CHECK_MSG(outer > 0, "outer: %d %s", outer, log);
	link = load_attach(&e, prog_hash_inner, outer);
	if (link <= 0)
		goto out;
	CHECK_EQ(bpfhost_hook_invoke(e.hook, e.ctx, &v), 0);
	CHECK_U64(v, (uint64_t)-1);
	CHECK_EQ(bpfhost_map_update_elem(in, &k, &val, BPFHOST_ANY), 0);
	v32 = (uint32_t)in;
	CHECK_EQ(bpfhost_map_update_elem(outer, &key, &v32, BPFHOST_ANY), 0);
	CHECK_EQ(bpfhost_hook_invoke(e.hook, e.ctx, &v), 0);
	CHECK_U64(v, 13);
	CHECK_EQ(bpfhost_map_lookup_elem(in, &k, &val), 0);
	CHECK_EQ(val, 13);
	CHECK_EQ(bpfhost_map_delete_elem(outer, &key), 0);
	CHECK_EQ(bpfhost_hook_invoke(e.hook, e.ctx, &v), 0);
	CHECK_U64(v, (uint64_t)-1);
out:
	penv_fini(&e);
}

/* programs cannot update or delete elements of a map of maps */
static const char *prog_modify_outer = "stw [%%r10-4], 0\n"
				       "stw [%%r10-8], 1\n"
				       "lddw %%r1, 0x%x\n"
				       "mov %%r6, %%r1\n"
				       "mov %%r2, %%r10\n"
				       "add %%r2, -4\n"
				       "call 3\n"
				       "mov %%r7, %%r0\n"
				       "mov %%r1, %%r6\n"
				       "mov %%r2, %%r10\n"
				       "add %%r2, -4\n"
				       "mov %%r3, %%r10\n"
				       "add %%r3, -8\n"
				       "mov %%r4, 0\n"
				       "call 2\n"
				       "lsh %%r0, 32\n"
				       "and %%r7, 0xffff\n"
				       "or %%r0, %%r7\n"
				       "exit\n";

TEST(mim_program_cannot_modify_outer)
{
	struct penv e;
	char log[512];
	int in, outer, link;
	uint32_t k = 0, id = 0;
	uint64_t v = 0;

	if (!penv_init(&e))
		goto out;
	in = mk(e.rt, BPFHOST_MAP_TYPE_ARRAY, "in", 4, 4, 2);
	outer = mk_outer(e.rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "outer", 4, 2, in, NULL, log,
			 sizeof(log));
	CHECK(outer > 0);
	CHECK_EQ(put_fd(outer, 0, in, BPFHOST_ANY), 0);
	link = load_attach(&e, prog_modify_outer, outer);
	if (link <= 0)
		goto out;
	CHECK_EQ(bpfhost_hook_invoke(e.hook, e.ctx, &v), 0);
	/* delete: -EOPNOTSUPP in the low 16 bits; update: -EOPNOTSUPP above */
	CHECK_EQ((int32_t)(v >> 32), -EOPNOTSUPP);
	CHECK_EQ((uint16_t)v, (uint16_t)-EOPNOTSUPP);
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &k, &id), 0);
out:
	penv_fini(&e);
}

/* ---- inner maps replaced while programs use them ---- */

struct stress {
	struct penv *e;
	int stop;
	long runs;
	int errors;
};

static void *invoker(void *arg)
{
	struct stress *s = arg;
	void *ctx = bpfhost_ctx_alloc(s->e->type, 0, 0);
	uint64_t v;

	if (!ctx) {
		__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		if (bpfhost_hook_invoke(s->e->hook, ctx, &v) ||
		    (v != 0 && v != 1 && v != (uint64_t)-1))
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&s->runs, 1, __ATOMIC_RELAXED);
	}
	bpfhost_ctx_free(ctx);
	return NULL;
}

TEST(mim_replace_while_invoking)
{
	struct stress s = { 0 };
	pthread_t th[2];
	struct penv e;
	char log[512];
	int outer, link, i, nth = 0;

	if (!penv_init(&e))
		goto out;
	s.e = &e;
	{
		int tmpl = mk(e.rt, BPFHOST_MAP_TYPE_HASH, "tmpl", 4, 8, 4);

		outer = mk_outer(e.rt, BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "outer", 4, 1, tmpl, NULL,
				 log, sizeof(log));
		CHECK(outer > 0);
		CHECK_EQ(put_fd(outer, 0, tmpl, BPFHOST_ANY), 0);
		bpfhost_close(tmpl);
	}
	link = load_attach(&e, prog_use_inner_atomic, outer);
	if (link <= 0)
		goto out;
	for (i = 0; i < 2; i++)
		if (!pthread_create(&th[nth], NULL, invoker, &s))
			nth++;
	CHECK_EQ(nth, 2);
	/* let the invokers get going (bounded: about 5 s) */
	for (i = 0; i < 5000 && __atomic_load_n(&s.runs, __ATOMIC_RELAXED) < 100; i++)
		usleep(1000);
	/* each round: a fresh inner map replaces the one in use, then its fd goes */
	for (i = 0; i < 200; i++) {
		int in = mk(e.rt, BPFHOST_MAP_TYPE_HASH, "in", 4, 8, 4);

		CHECK(in > 0);
		CHECK_EQ(put_fd(outer, 0, in, BPFHOST_ANY), 0);
		bpfhost_close(in);
		if (i % 50 == 49) {
			uint32_t k = 0;

			CHECK_EQ(bpfhost_map_delete_elem(outer, &k), 0);
		}
	}
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	CHECK_EQ(s.errors, 0);
	CHECK(s.runs > 0);
out:
	penv_fini(&e);
}
