/* SPDX-License-Identifier: MIT */
/*
 * Extension registration: every refusal class with its errno and message,
 * runtime-owned copies of the descriptors, sizes, unregistration.
 */
#include "test_runtime_util.h"

/* Register t; on refusal return -errno; unregisters on success. */
static int try_register(struct bpfhost *rt, struct text *t)
{
	struct bpfhost_extension *ext;

	rt_msgs_clear();
	ext = bpfhost_extension__register(rt, &t->ext);
	if (!ext)
		return -errno;
	bpfhost_extension__unregister(ext);
	return 0;
}

TEST(runtime_ext_register_valid)
{
	struct bpfhost *rt = rt_new();
	struct text t;
	struct bpfhost_extension *ext;
	struct bpfhost_prog_type *type;
	static int priv;

	text_init(&t, "test");
	t.type.priv = &priv;
	ext = bpfhost_extension__register(rt, &t.ext);
	CHECK(ext != NULL);
	type = bpfhost_extension__prog_type(ext, "tprog");
	CHECK(type != NULL);
	CHECK(bpfhost_prog_type__priv(type) == &priv);
	CHECK(bpfhost_extension__hook(ext, "thook") != NULL);
	CHECK(bpfhost_hook__find(rt, "thook") == bpfhost_extension__hook(ext, "thook"));
	errno = 0;
	CHECK(bpfhost_hook__find(rt, "nope") == NULL);
	CHECK_EQ(errno, ENOENT);
	CHECK(bpfhost_extension__prog_type(ext, "nope") == NULL);
	CHECK(bpfhost_extension__hook(ext, "nope") == NULL);
	CHECK_EQ(bpfhost_extension__unregister(ext), 0);
	CHECK(bpfhost_hook__find(rt, "thook") == NULL);
	/* the same name can register again */
	ext = bpfhost_extension__register(rt, &t.ext);
	CHECK(ext != NULL);
	bpfhost__free(rt); /* unregisters it */
}

TEST(runtime_ext_refuse_missing_capability)
{
	struct bpfhost *rt = rt_new();
	struct text t;

	text_init(&t, "nocap");
	t.type.capabilities = 0;
	CHECK_EQ(try_register(rt, &t), -EPROTONOSUPPORT);
	CHECK_CONTAINS(rt_msgs, "extension 'nocap': program type 'tprog': does not declare "
				"BPFHOST_CAP_CONTEXT_HEADER");

	text_init(&t, "nocap2");
	t.hooks[0].capabilities = 1ull << 5; /* something, but not the header bit */
	CHECK_EQ(try_register(rt, &t), -EPROTONOSUPPORT);
	CHECK_CONTAINS(rt_msgs, "extension 'nocap2': hook 'thook': does not declare "
				"BPFHOST_CAP_CONTEXT_HEADER (capabilities 0x20)");
	/* nothing of a refused extension stays registered */
	CHECK(bpfhost_hook__find(rt, "thook") == NULL);
	text_init(&t, "nocap");
	CHECK_EQ(try_register(rt, &t), 0);
	bpfhost__free(rt);
}

TEST(runtime_ext_refuse_versions_and_sizes)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_ctx_desc cd;
	struct bpfhost_helper_proto hp[2];
	struct text t;

	text_init(&t, "ver");
	t.ext.version = 2;
	CHECK_EQ(try_register(rt, &t), -EPROTO);
	CHECK_CONTAINS(rt_msgs, "extension descriptor version 2 is unknown (this runtime knows 1)");

	text_init(&t, "ver");
	t.ext.version = 0;
	CHECK_EQ(try_register(rt, &t), -EPROTO);

	text_init(&t, "ver");
	t.ext.size = 16;
	CHECK_EQ(try_register(rt, &t), -EPROTO);
	CHECK_CONTAINS(rt_msgs, "extension descriptor size 16 is smaller than version 1's 40");

	text_init(&t, "ver");
	t.type.version = 9;
	CHECK_EQ(try_register(rt, &t), -EPROTO);
	CHECK_CONTAINS(rt_msgs, "extension 'ver': program type descriptor version 9 is unknown");

	text_init(&t, "ver");
	t.type.size = 100;
	CHECK_EQ(try_register(rt, &t), -EPROTO);
	CHECK_CONTAINS(rt_msgs, "program type descriptor size 100 is smaller");

	text_init(&t, "ver");
	t.hooks[0].version = 3;
	CHECK_EQ(try_register(rt, &t), -EPROTO);
	CHECK_CONTAINS(rt_msgs, "hook descriptor version 3 is unknown");

	text_init(&t, "ver");
	cd = t.cd;
	cd.size = 8;
	t.type.ctx_desc = &cd;
	CHECK_EQ(try_register(rt, &t), -EPROTO);
	CHECK_CONTAINS(rt_msgs, "program type 'tprog': context descriptor size 8 is smaller");

	text_init(&t, "ver");
	t.helpers[0].version = 2;
	CHECK_EQ(try_register(rt, &t), -EPROTO);
	CHECK_CONTAINS(rt_msgs, "program type 'tprog': helper prototype version 2 is unknown");

	/* entries of a helper array must share one size (the array stride) */
	text_init(&t, "ver");
	hp[0] = hp[1] = t.helpers[0];
	hp[1].id++;
	hp[1].size = 64;
	t.type.helpers = hp;
	t.type.nr_helpers = 2;
	CHECK_EQ(try_register(rt, &t), -EPROTO);
	CHECK_CONTAINS(rt_msgs, "helper prototype 1 has size 64, the first one 56");
	bpfhost__free(rt);
}

TEST(runtime_ext_accepts_bigger_descriptors)
{
	struct bpfhost *rt = rt_new();
	struct {
		struct bpfhost_extension_desc d;
		uint64_t newer_field;
	} big;
	struct {
		struct bpfhost_hook_desc d;
		uint64_t newer_field;
	} bighook;
	const struct bpfhost_hook_desc *hp[1];
	struct text t;
	struct bpfhost_extension *ext;

	text_init(&t, "big");
	big.d = t.ext;
	big.d.size = sizeof(big);
	big.newer_field = 7;
	bighook.d = t.hooks[0];
	bighook.d.size = sizeof(bighook);
	bighook.newer_field = 9;
	hp[0] = &bighook.d;
	big.d.hooks = hp;
	ext = bpfhost_extension__register(rt, &big.d);
	CHECK(ext != NULL);
	CHECK(bpfhost_extension__hook(ext, "thook") != NULL);
	bpfhost__free(rt);
}

TEST(runtime_ext_refuse_duplicates)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_extension *first;
	struct text t, u;
	struct bpfhost_helper_proto hp[2];
	const struct bpfhost_prog_type_desc *two[2];

	text_init(&t, "dup");
	first = bpfhost_extension__register(rt, &t.ext);
	CHECK(first != NULL);

	text_init(&u, "dup");
	u.type.name = "other";
	u.hooks[0].name = "otherhook";
	u.hooks[0].prog_type = "other";
	CHECK_EQ(try_register(rt, &u), -EEXIST);
	CHECK_CONTAINS(rt_msgs, "extension 'dup': an extension of this name is already registered");

	text_init(&u, "dup2");
	u.hooks[0].name = "otherhook";
	CHECK_EQ(try_register(rt, &u), -EEXIST);
	CHECK_CONTAINS(rt_msgs, "program type 'tprog' is already registered by another extension");

	text_init(&u, "dup3");
	u.type.name = "other";
	u.hooks[0].prog_type = "other";
	CHECK_EQ(try_register(rt, &u), -EEXIST);
	CHECK_CONTAINS(rt_msgs, "extension 'dup3': hook 'thook': a hook of this name is already "
				"registered");

	text_init(&u, "dup4");
	u.type.name = "other";
	u.hooks[0].prog_type = "other";
	u.hooks[0].name = "h";
	text_add_hook(&u, "h", BPFHOST_VERDICT_LAST, 0);
	CHECK_EQ(try_register(rt, &u), -EEXIST);
	CHECK_CONTAINS(rt_msgs, "hook 'h': is described twice");

	text_init(&u, "dup5");
	u.type.name = "other";
	u.hooks[0].prog_type = "other";
	u.hooks[0].name = "h";
	two[0] = two[1] = &u.type;
	u.ext.prog_types = two;
	u.ext.nr_prog_types = 2;
	CHECK_EQ(try_register(rt, &u), -EEXIST);
	CHECK_CONTAINS(rt_msgs, "program type 'other' is described twice");

	/* helper ids: not a core helper's, not twice */
	text_init(&u, "dup6");
	u.type.name = "other";
	u.hooks[0].prog_type = "other";
	u.hooks[0].name = "h";
	u.helpers[0].id = 12; /* bpf_tail_call */
	CHECK_EQ(try_register(rt, &u), -EEXIST);
	CHECK_CONTAINS(rt_msgs, "helper id 12 (tprog_add) is the core helper bpf_tail_call");
	u.helpers[0].id = BPFHOST_HELPER_EXT_BASE + 1;
	hp[0] = hp[1] = u.helpers[0];
	u.type.helpers = hp;
	u.type.nr_helpers = 2;
	CHECK_EQ(try_register(rt, &u), -EEXIST);
	CHECK_CONTAINS(rt_msgs, "helper id 65537 is defined twice");
	bpfhost__free(rt);
}

TEST(runtime_ext_refuse_unknown_prog_type)
{
	struct bpfhost *rt = rt_new();
	struct text t, u;
	struct bpfhost_extension *a;

	text_init(&t, "hooks_only");
	t.ext.nr_prog_types = 0;
	t.hooks[0].prog_type = "nosuch";
	CHECK_EQ(try_register(rt, &t), -ENOENT);
	CHECK_CONTAINS(rt_msgs, "extension 'hooks_only': hook 'thook': runs program type "
				"'nosuch', which is not registered");

	/* a hook may run another extension's program type */
	text_init(&u, "types");
	u.ext.nr_hooks = 0;
	a = bpfhost_extension__register(rt, &u.ext);
	CHECK(a != NULL);
	t.hooks[0].prog_type = "tprog";
	CHECK_EQ(try_register(rt, &t), 0);
	bpfhost__free(rt);
}

TEST(runtime_ext_refuse_malformed)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_ctx_range bad_range = { 20, 8 };
	struct bpfhost_ctx_view_field vf = { 0, 4, 0, 8 };
	struct text t;

	rt_msgs_clear();
	errno = 0;
	CHECK(bpfhost_extension__register(rt, NULL) == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK(bpfhost_extension__register(NULL, NULL) == NULL);

	text_init(&t, NULL);
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "extension has no name");

	text_init(&t, "m");
	t.ext.prog_types = NULL;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "announced but no array");

	text_init(&t, "m");
	t.ext.nr_prog_types = 0;
	t.ext.nr_hooks = 0;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "describes no program type and no hook");

	text_init(&t, "m");
	t.types[0] = NULL;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "program type descriptor is NULL");

	text_init(&t, "m");
	t.type.name = "";
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "program type has no name");

	text_init(&t, "m");
	t.type.ctx_desc = NULL;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "program type 'tprog': has no context descriptor");

	text_init(&t, "m");
	t.cd.ctx_size = 0;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "context size 0 is not in 1..16777215");

	text_init(&t, "m");
	t.cd.data_end_off = 20; /* 8-byte field would end past 24 */
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "data/data_end/data_meta offsets 0/20/-1");

	text_init(&t, "m");
	t.cd.data_end_off = -1;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "must both be set or both -1");

	text_init(&t, "m");
	t.cd.writable = &bad_range;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "writable range 0 [20, +8)");

	text_init(&t, "m");
	t.cd.view = &vf;
	t.cd.nr_view_fields = 1;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "Linux view fields but no array or Linux context size");
	t.cd.linux_ctx_size = 2;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "Linux view field 0");
	t.cd.linux_ctx_size = 24;
	CHECK_EQ(try_register(rt, &t), 0);

	text_init(&t, "m");
	t.helpers[0].fn = NULL;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "helper 65543 (tprog_add) has no function");

	text_init(&t, "m");
	t.helpers[0].args[1] = BPFHOST_ARG__COUNT;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "argument 2 has unknown type");

	text_init(&t, "m");
	t.helpers[0].args[0] = BPFHOST_ARG_NONE;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "argument 2 follows a NONE");

	text_init(&t, "m");
	t.type.nr_helpers = 2;
	t.type.helpers = NULL;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "2 helpers but no array");

	text_init(&t, "m");
	t.hooks[0].verdict_rule = 7;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "hook 'thook': unknown verdict rule 7");

	text_init(&t, "m");
	t.hooks[0].prog_type = NULL;
	CHECK_EQ(try_register(rt, &t), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "hook 'thook': names no program type");
	bpfhost__free(rt);
}

TEST(runtime_ext_descriptors_are_copied)
{
	struct bpfhost *rt = rt_new();
	struct text *t = malloc(sizeof(*t));
	struct bpfhost_extension *ext;
	struct bpfhost_prog_type *type;
	const struct bpfhost_ctx_desc *cd;
	char name[] = "tmpname";
	void *ctx;

	text_init(t, name);
	ext = bpfhost_extension__register(rt, &t->ext);
	CHECK(ext != NULL);
	/* scribble over and free everything the extension handed over */
	memset(t, 0xa5, sizeof(*t));
	free(t);
	memcpy(name, "XXXXXXX", 7);
	type = bpfhost_extension__prog_type(ext, "tprog");
	CHECK(type != NULL);
	ctx = bpfhost_ctx_alloc(type, 0, 0);
	CHECK(ctx != NULL);
	cd = (const struct bpfhost_ctx_desc *)(uintptr_t)bpfhost_ctx_header(ctx)
		     ->slot[BPFHOST_CTX_SLOT_DESC];
	CHECK_EQ(cd->ctx_size, sizeof(struct tctx));
	CHECK_EQ(cd->data_end_off, 8);
	CHECK_EQ(cd->nr_writable, 1);
	CHECK_EQ(cd->writable[0].off, 20);
	CHECK(bpfhost_hook__find(rt, "thook") != NULL);
	bpfhost_ctx_free(ctx);
	bpfhost__free(rt);
}

TEST(runtime_ext_unregister_twice)
{
	struct bpfhost *rt = rt_new();
	struct text t;
	struct bpfhost_extension *a, *b;

	text_init(&t, "a");
	a = bpfhost_extension__register(rt, &t.ext);
	text_init(&t, "b");
	t.type.name = "t2";
	t.hooks[0].name = "h2";
	t.hooks[0].prog_type = "t2";
	b = bpfhost_extension__register(rt, &t.ext);
	CHECK(a && b);
	CHECK_EQ(bpfhost_extension__unregister(NULL), -EINVAL);
	CHECK_EQ(bpfhost_extension__unregister(a), 0);
	CHECK(bpfhost_hook__find(rt, "h2") != NULL);
	bpfhost__free(rt);
}
