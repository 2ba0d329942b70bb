/* SPDX-License-Identifier: MIT */
/*
 * Hook API additions: bpfhost_hook__prog_type (the registered type, NULL +
 * ENODEV once the extension is gone) and bpfhost_hook_invoke_batch2 (how
 * many contexts completed before an error, which verdicts are valid).
 */
#include "test_runtime_util.h"

/* r0 = ctx->len */
static const char *prog_len = "ldxw %r0, [%r1+16]\nexit\n";

static struct text api_ext;

static struct bpfhost *api_setup(struct bpfhost_extension **ext, struct bpfhost_hook **hook,
				 struct bpfhost_prog_type **type)
{
	struct bpfhost *rt = rt_new();

	text_init(&api_ext, "hapi");
	*ext = bpfhost_extension__register(rt, &api_ext.ext);
	CHECK_MSG(*ext, "register: %s", rt_msgs);
	*hook = *ext ? bpfhost_extension__hook(*ext, "thook") : NULL;
	*type = *ext ? bpfhost_extension__prog_type(*ext, "tprog") : NULL;
	return rt;
}

TEST(runtime_hook_prog_type)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type, *got;
	struct bpfhost *rt = api_setup(&ext, &hook, &type);
	struct tctx *ctx;
	uint64_t v = 0;

	if (!ext)
		goto out;
	got = bpfhost_hook__prog_type(hook);
	CHECK(got != NULL);
	CHECK(got == type);
	CHECK(bpfhost_hook__find(rt, "thook") == hook);
	/* a context built from what the hook reports is accepted by it */
	ctx = bpfhost_ctx_alloc(got, 0, 0);
	CHECK(ctx != NULL);
	ctx->len = 7;
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	bpfhost_ctx_free(ctx);
	errno = 0;
	CHECK(bpfhost_hook__prog_type(NULL) == NULL);
	CHECK_EQ(errno, EINVAL);
	/* unregistered: the hook object stays, but has no type any more */
	CHECK_EQ(bpfhost_extension__unregister(ext), 0);
	errno = 0;
	CHECK(bpfhost_hook__prog_type(hook) == NULL);
	CHECK_EQ(errno, ENODEV);
out:
	bpfhost__free(rt);
}

TEST(runtime_hook_batch2_done)
{
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct bpfhost *rt = api_setup(&ext, &hook, &type);
	struct tctx *c[5];
	uint64_t v[5];
	char log[1024];
	size_t done;
	int i, p;

	if (!ext)
		goto out;
	p = rt_load(rt, "tprog", "len", prog_len, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %s", log);
	CHECK(bpfhost_link_create(p, hook, NULL) > 0);
	for (i = 0; i < 5; i++) {
		c[i] = bpfhost_ctx_alloc(type, 0, 0);
		c[i]->len = 100 + i;
		v[i] = 1;
	}
	/* success: every context done */
	done = 99;
	CHECK_EQ(bpfhost_hook_invoke_batch2(hook, (void *const *)c, v, 5, &done), 0);
	CHECK_U64(done, 5);
	for (i = 0; i < 5; i++)
		CHECK_U64(v[i], 100 + i);
	/* a bad header at index 3: 0..2 ran, 3 and 4 did not */
	bpfhost_ctx_header(c[3])->slot[BPFHOST_CTX_SLOT_DESC] ^= 8;
	for (i = 0; i < 5; i++)
		v[i] = 1;
	CHECK_EQ(bpfhost_hook_invoke_batch2(hook, (void *const *)c, v, 5, &done), -EBADMSG);
	CHECK_U64(done, 3);
	CHECK_U64(v[2], 102);
	CHECK_U64(v[3], 1);
	CHECK_U64(v[4], 1);
	bpfhost_ctx_header(c[3])->slot[BPFHOST_CTX_SLOT_DESC] ^= 8;
	/* a NULL context at index 0: nothing done */
	{
		void *const nulls[2] = { NULL, c[0] };

		done = 99;
		CHECK_EQ(bpfhost_hook_invoke_batch2(hook, nulls, v, 2, &done), -EINVAL);
		CHECK_U64(done, 0);
	}
	/* argument errors leave done at 0; done may be NULL */
	done = 99;
	CHECK_EQ(bpfhost_hook_invoke_batch2(hook, NULL, v, 1, &done), -EINVAL);
	CHECK_U64(done, 0);
	done = 99;
	CHECK_EQ(bpfhost_hook_invoke_batch2(NULL, (void *const *)c, v, 1, &done), -EINVAL);
	CHECK_U64(done, 0);
	CHECK_EQ(bpfhost_hook_invoke_batch2(hook, (void *const *)c, v, 5, NULL), 0);
	done = 99;
	CHECK_EQ(bpfhost_hook_invoke_batch2(hook, NULL, NULL, 0, &done), 0);
	CHECK_U64(done, 0);
	/* unregistered: -ENODEV before anything ran */
	CHECK_EQ(bpfhost_extension__unregister(ext), 0);
	done = 99;
	CHECK_EQ(bpfhost_hook_invoke_batch2(hook, (void *const *)c, v, 5, &done), -ENODEV);
	CHECK_U64(done, 0);
	for (i = 0; i < 5; i++)
		bpfhost_ctx_free(c[i]);
out:
	bpfhost__free(rt);
}
