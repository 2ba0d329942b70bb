/* SPDX-License-Identifier: MIT */
/*
 * Issue 3 points the other runtime tests left open, end to end through the
 * public API:
 *  - trace_printk from a program invoked on a hook of an instance without a
 *    trace sink: stderr, prefixed with the program name;
 *  - extension helpers: ids from BPFHOST_HELPER_EXT_BASE (or a Linux id no
 *    core helper implements) are callable by programs of their type only;
 *    a core id is refused;
 *  - batch invocations on long-lived contexts leave slots 0 and 3 cleared
 *    and the contexts reusable;
 *  - shared-object loading: a file without the entry symbol, and an
 *    extension refused at registration (noheader .so) with its reason.
 */
#include <unistd.h>

#include "test_runtime_util.h"

/* Run fn(arg) with stderr redirected to a file; returns what it wrote. */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
	char path[] = "/tmp/bh_issue3_stderr_XXXXXX";
	char *text = NULL;
	int fd, saved;
	long n;

	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	unlink(path);
	fflush(stderr);
	saved = dup(2);
	if (saved < 0) {
		close(fd);
		return NULL;
	}
	dup2(fd, 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = lseek(fd, 0, SEEK_END);
	if (n >= 0 && lseek(fd, 0, SEEK_SET) == 0) {
		text = calloc(1, (size_t)n + 1);
		if (text && read(fd, text, (size_t)n) != n) {
			free(text);
			text = NULL;
		}
	}
	close(fd);
	return text;
}

struct trace_run {
	struct bpfhost_hook *hook;
	void *ctx;
	int err;
	uint64_t v;
};

static void invoke_once(void *arg)
{
	struct trace_run *r = arg;

	r->err = bpfhost_hook_invoke(r->hook, r->ctx, &r->v);
}

/* trace_printk("hi %d\n", 7 bytes, 5) with the format on the stack */
static const char *prog_trace = "lddw %r1, 0x0a6425206968\n"
				"stxdw [%r10-8], %r1\n"
				"mov %r1, %r10\n"
				"add %r1, -8\n"
				"mov %r2, 7\n"
				"mov %r3, 5\n"
				"call 6\n"
				"exit\n";

TEST(issue3_trace_printk_default_sink_names_program)
{
	BPFHOST_OPTS_INIT(bpfhost_opts, o, .print = rt_capture); /* no trace sink */
	struct trace_run r = { 0 };
	struct bpfhost_extension *ext;
	struct bpfhost *rt;
	char log[1024];
	struct text t;
	char *out;
	int p;

	rt_msgs_clear();
	rt = bpfhost__new(&o);
	text_init(&t, "tr");
	ext = bpfhost_extension__register(rt, &t.ext);
	CHECK(ext != NULL);
	p = rt_load(rt, "tprog", "tracer", prog_trace, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %s", log);
	r.hook = bpfhost_extension__hook(ext, "thook");
	CHECK(bpfhost_link_create(p, r.hook, NULL) > 0);
	r.ctx = bpfhost_ctx_alloc(bpfhost_extension__prog_type(ext, "tprog"), 0, 0);
	out = capture_stderr(invoke_once, &r);
	CHECK_EQ(r.err, 0);
	CHECK_U64(r.v, 5); /* length of the text, as in Linux */
	CHECK(out != NULL);
	if (out)
		CHECK_STR(out, "tracer: hi 5\n");
	free(out);
	bpfhost_ctx_free(r.ctx);
	bpfhost__free(rt);
}

static uint64_t h_base(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, void *ctx)
{
	return 300 + a;
}

static uint64_t h_linux(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, void *ctx)
{
	return 44000 + a;
}

TEST(issue3_extension_helper_ids)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_helper_proto hp[2];
	struct bpfhost_extension *ext, *other;
	struct bpfhost_hook *hook;
	struct text t, u;
	struct tctx *ctx;
	char log[1024];
	uint64_t v = 0;
	int p;

	CHECK_U64(BPFHOST_HELPER_EXT_BASE, 0x10000); /* documented in docs/extensions.md */
	text_init(&t, "ids");
	hp[0] = hp[1] = t.helpers[0];
	hp[0].id = BPFHOST_HELPER_EXT_BASE + 3;
	hp[0].name = "ids_base";
	hp[0].fn = h_base;
	hp[0].args[1] = BPFHOST_ARG_NONE;
	hp[1].id = 44; /* a Linux id (xdp_adjust_head) no core helper implements */
	hp[1].name = "ids_linux";
	hp[1].fn = h_linux;
	hp[1].args[1] = BPFHOST_ARG_NONE;
	t.type.helpers = hp;
	t.type.nr_helpers = 2;
	ext = bpfhost_extension__register(rt, &t.ext);
	CHECK_MSG(ext != NULL, "register: %s", rt_msgs);
	if (!ext)
		goto out;
	hook = bpfhost_extension__hook(ext, "thook");
	p = rt_load(rt, "tprog", "ids",
		    "mov %r1, 1\ncall 0x10003\nmov %r6, %r0\nmov %r1, 2\ncall 44\nadd %r0, %r6\n"
		    "exit\n",
		    log, sizeof(log));
	CHECK_MSG(p > 0, "load: %s", log);
	CHECK(bpfhost_link_create(p, hook, NULL) > 0);
	ctx = bpfhost_ctx_alloc(bpfhost_extension__prog_type(ext, "tprog"), 0, 0);
	CHECK_EQ(bpfhost_hook_invoke(hook, ctx, &v), 0);
	CHECK_U64(v, 301 + 44002);
	bpfhost_ctx_free(ctx);

	/* a type's helpers belong to that type: another type cannot call them */
	text_init(&u, "other");
	u.type.name = "otype";
	u.hooks[0].name = "ohook";
	u.hooks[0].prog_type = "otype";
	other = bpfhost_extension__register(rt, &u.ext);
	CHECK(other != NULL);
	CHECK_EQ(rt_load(rt, "otype", "x", "call 0x10003\nexit\n", log, sizeof(log)), -EACCES);
	CHECK_CONTAINS(log, "unknown helper 65539: the program type does not offer it");

	/* a core helper's id is refused, naming the core helper */
	text_init(&u, "core");
	u.type.name = "ctype";
	u.hooks[0].name = "chook";
	u.hooks[0].prog_type = "ctype";
	u.helpers[0].id = 1;
	rt_msgs_clear();
	errno = 0;
	CHECK(bpfhost_extension__register(rt, &u.ext) == NULL);
	CHECK_EQ(errno, EEXIST);
	CHECK_CONTAINS(rt_msgs, "extension 'core': program type 'ctype': helper id 1 (tprog_add) "
				"is the core helper bpf_map_lookup_elem (refused)");
out:
	bpfhost__free(rt);
}

TEST(issue3_batch_long_lived_contexts_cleared)
{
	struct bpfhost *rt = rt_new();
	BPFHOST_OPTS_INIT(bpfhost_link_opts, lo, .cookie = 0xabcdef);
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	struct tctx *c[3];
	uint64_t v[3];
	char log[1024];
	struct text t;
	int i, round, p;

	text_init(&t, "batch");
	ext = bpfhost_extension__register(rt, &t.ext);
	hook = bpfhost_extension__hook(ext, "thook");
	/* r0 = bpf_get_attach_cookie(ctx) + ctx->len */
	p = rt_load(rt, "tprog", "ck",
		    "mov %r6, %r1\ncall 174\nldxw %r2, [%r6+16]\nadd %r0, %r2\nexit\n", log,
		    sizeof(log));
	CHECK_MSG(p > 0, "load: %s", log);
	CHECK(bpfhost_link_create(p, hook, &lo) > 0);
	for (i = 0; i < 3; i++) {
		c[i] = bpfhost_ctx_alloc(bpfhost_extension__prog_type(ext, "tprog"), 0, 0);
		c[i]->len = (uint32_t)i;
	}
	/* the same contexts, invoked again and again */
	for (round = 0; round < 3; round++) {
		memset(v, 0, sizeof(v));
		CHECK_EQ(bpfhost_hook_invoke_batch(hook, (void *const *)c, v, 3), 0);
		for (i = 0; i < 3; i++) {
			struct bpfhost_ctx_header *h = bpfhost_ctx_header(c[i]);

			CHECK_U64(v[i], 0xabcdef + (uint64_t)i);
			CHECK_U64(h->slot[BPFHOST_CTX_SLOT_STATE], 0);
			CHECK_U64(h->slot[BPFHOST_CTX_SLOT_COOKIE], 0);
			CHECK_U64(h->slot[BPFHOST_CTX_SLOT_SELF],
				  BPFHOST_CTX_SELF(sizeof(struct tctx)));
		}
	}
	/* and singly between batches */
	CHECK_EQ(bpfhost_hook_invoke(hook, c[2], &v[0]), 0);
	CHECK_U64(v[0], 0xabcdef + 2);
	CHECK_U64(bpfhost_ctx_header(c[2])->slot[BPFHOST_CTX_SLOT_STATE], 0);
	for (i = 0; i < 3; i++)
		bpfhost_ctx_free(c[i]);
	bpfhost__free(rt);
}

TEST(issue3_so_without_entry_symbol)
{
	char path[4096];
	struct bpfhost *rt;

	/* the library itself is a shared object without the entry symbol */
	snprintf(path, sizeof(path), "%s/libbpfhost.so", bh_test_build_dir());
	if (access(path, R_OK))
		SKIP("%s not built", path);
	rt = rt_new();
	errno = 0;
	CHECK(bpfhost_extension__load(rt, path) == NULL);
	CHECK_EQ(errno, ENOEXEC);
	CHECK_CONTAINS(rt_msgs, "no symbol bpfhost_extension_entry");
	bpfhost__free(rt);
}

TEST(issue3_so_refused_extension)
{
	char path[4096];
	struct bpfhost *rt;

	snprintf(path, sizeof(path), "%s/extensions/libbpfhost_noheader.so", bh_test_build_dir());
	if (access(path, R_OK))
		SKIP("%s not built (extensions/noheader/build.mk)", path);
	rt = rt_new();
	errno = 0;
	CHECK(bpfhost_extension__load(rt, path) == NULL);
	CHECK_EQ(errno, EPROTONOSUPPORT);
	CHECK_CONTAINS(rt_msgs, "extension 'noheader': program type 'noheader': does not declare "
				"BPFHOST_CAP_CONTEXT_HEADER (capabilities 0x0)");
	CHECK(bpfhost_hook__find(rt, "noheader_hook") == NULL);
	/* nothing of it stays: loading it again gives the same refusal, not EEXIST */
	errno = 0;
	CHECK(bpfhost_extension__load(rt, path) == NULL);
	CHECK_EQ(errno, EPROTONOSUPPORT);
	bpfhost__free(rt);
}
