/* SPDX-License-Identifier: MIT */
/*
 * The sample extension (static archive and shared object) and the noheader
 * test extension: registration, the implicit-context helper reading private
 * state through container-of, packet access via data/data_end, test runs
 * with data/ctx/priv in and out, refusal of extensions without the header.
 */
#include <unistd.h>

#include "../../extensions/noheader/noheader.h"
#include "../../extensions/sample/sample.h"
#include "test_runtime_util.h"

/*
 * The extensions are linked in by extensions/<name>/build.mk. Weak
 * references keep this file linking where the main Makefile does not
 * include those fragments yet; the tests then skip.
 */
#pragma weak bpfhost_sample_extension
#pragma weak bpfhost_sample_invoke
#pragma weak bpfhost_noheader_extension
#pragma weak bpfhost_noheader_hook_extension

#define NEED_SAMPLE()                                                                        \
	do {                                                                                 \
		if (!bpfhost_sample_extension || !bpfhost_sample_invoke)                     \
			SKIP("sample extension not linked (include extensions/*/build.mk)"); \
	} while (0)

/* verdict = secret + packet[0] (0 if empty); mark = len */
static const char *prog_secret = "mov %r6, %r1\n"
				 "call 0x10001\n"
				 "ldxdw %r2, [%r6+0]\n"
				 "ldxdw %r3, [%r6+8]\n"
				 "mov %r4, %r2\n"
				 "add %r4, 1\n"
				 "jgt %r4, %r3, nodata\n"
				 "ldxb %r5, [%r2+0]\n"
				 "add %r0, %r5\n"
				 "stb [%r2+0], 0x77\n"
				 "nodata:\n"
				 "ldxw %r5, [%r6+16]\n"
				 "stxw [%r6+20], %r5\n"
				 "exit\n";

TEST(ext_sample_invoke_secret_and_packet)
{
	struct bpfhost *rt;
	struct bpfhost_extension *ext;
	unsigned char pkt[4] = { 5, 6, 7, 8 };
	uint64_t v = 0;
	uint32_t mark = 0;
	char log[512];
	int p;

	NEED_SAMPLE();
	rt = rt_new();
	ext = bpfhost_extension__register(rt, bpfhost_sample_extension());

	CHECK(ext != NULL);
	p = rt_load(rt, "sample", "secret", prog_secret, log, sizeof(log));
	CHECK(p > 0);
	CHECK(bpfhost_link_create(p, bpfhost_hook__find(rt, "sample_hook"), NULL) > 0);
	CHECK_EQ(bpfhost_sample_invoke(ext, pkt, sizeof(pkt), 1000, &v, &mark), 0);
	CHECK_U64(v, 1005);
	CHECK_EQ(mark, 4);
	CHECK_EQ(pkt[0], 0x77);
	CHECK_EQ(bpfhost_sample_invoke(ext, pkt, 0, 7, &v, &mark), 0);
	CHECK_U64(v, 7);
	CHECK_EQ(mark, 0);
	bpfhost__free(rt);
}

TEST(ext_sample_test_run)
{
	struct bpfhost *rt;
	struct bpfhost_sample_test_priv priv = { BPFHOST_SAMPLE_TEST_PRIV_VERSION, sizeof(priv),
						 40 };
	struct bpfhost_sample_ctx cin = { .mark = 9 }, cout;
	unsigned char in[3] = { 2, 3, 4 }, out[8];
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
			  .data_out = out, .data_size_out = sizeof(out), .ctx_in = &cin,
			  .ctx_size_in = sizeof(cin), .ctx_out = &cout,
			  .ctx_size_out = sizeof(cout), .priv_in = &priv,
			  .priv_size_in = sizeof(priv), .repeat = 5);
	char log[512];
	int p;

	NEED_SAMPLE();
	rt = rt_new();

	CHECK(bpfhost_extension__register(rt, bpfhost_sample_extension()) != NULL);
	p = rt_load(rt, "sample", "secret", prog_secret, log, sizeof(log));
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	/* secret 40 + packet[0]: 2 in the first run, then the 0x77 it stored (runs share
	 * one context, as in Linux) */
	CHECK_U64(o.retval, 40 + 0x77);
	CHECK_EQ(o.data_size_out, 3);
	CHECK_EQ(out[0], 0x77);
	CHECK_EQ(out[1], 3);
	CHECK_EQ(in[0], 2); /* the input is not touched */
	CHECK_EQ(o.ctx_size_out, sizeof(cout));
	CHECK_EQ(cout.mark, 3); /* the program stored len */
	CHECK_U64(cout.data, 0);
	CHECK(o.duration < 1000000000u);

	/* without priv_in the secret is 0 */
	o.priv_in = NULL;
	o.priv_size_in = 0;
	o.repeat = 1;
	o.data_size_out = sizeof(out);
	o.ctx_size_out = sizeof(cout);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), 0);
	CHECK_U64(o.retval, 2);

	/* data_out too small: -ENOSPC, truncated output, full size reported */
	o.data_size_out = 1;
	o.ctx_size_out = sizeof(cout);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -ENOSPC);
	CHECK_EQ(o.data_size_out, 3);

	/* a test context of an unknown version is refused by the type */
	priv.version = 2;
	o.priv_in = &priv;
	o.priv_size_in = sizeof(priv);
	o.data_size_out = sizeof(out);
	rt_msgs_clear();
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -EPROTO);
	CHECK_CONTAINS(rt_msgs, "ctx_create of type 'sample' failed");

	/* argument errors */
	o.priv_in = NULL;
	o.repeat = -1;
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -EINVAL);
	CHECK_EQ(bpfhost_prog_test_run_opts(p, NULL), -EINVAL);
	CHECK_EQ(bpfhost_prog_test_run_opts(12345, &o), -EBADF);
	bpfhost__free(rt);
}

TEST(ext_test_run_unsupported_type)
{
	struct bpfhost *rt = rt_new();
	struct text t;
	char log[512];
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o);
	int p;

	text_init(&t, "plain"); /* no ctx_create/ctx_destroy */
	CHECK(bpfhost_extension__register(rt, &t.ext) != NULL);
	p = rt_load(rt, "tprog", "x", "mov %r0, 1\nexit\n", log, sizeof(log));
	rt_msgs_clear();
	CHECK_EQ(bpfhost_prog_test_run_opts(p, &o), -EOPNOTSUPP);
	CHECK_CONTAINS(rt_msgs, "test run of 'x': program type 'tprog' provides no "
				"ctx_create/ctx_destroy");
	bpfhost__free(rt);
}

TEST(ext_test_run_tail_calls)
{
	struct bpfhost *rt;
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o);
	char log[512], text[256];
	uint32_t k = 0, v;
	int pa, a, b;

	NEED_SAMPLE();
	rt = rt_new();

	CHECK(bpfhost_extension__register(rt, bpfhost_sample_extension()) != NULL);
	pa = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "pa", 4, 4, 1, NULL);
	snprintf(text, sizeof(text), "lddw %%r2, 0x%x\nmov %%r3, 0\ncall 12\nmov %%r0, 1\nexit\n",
		 0x7fff0000 + pa);
	a = rt_load(rt, "sample", "a", text, log, sizeof(log));
	b = rt_load(rt, "sample", "b", "mov %r0, 55\nexit\n", log, sizeof(log));
	v = (uint32_t)b;
	CHECK_EQ(bpfhost_map_update_elem(pa, &k, &v, BPFHOST_ANY), 0);
	CHECK_EQ(bpfhost_prog_test_run_opts(a, &o), 0);
	CHECK_U64(o.retval, 55);
	bpfhost__free(rt);
}

TEST(ext_noheader_refused)
{
	struct bpfhost *rt;

	if (!bpfhost_noheader_extension || !bpfhost_noheader_hook_extension)
		SKIP("noheader extension not linked (include extensions/*/build.mk)");
	NEED_SAMPLE();
	rt = rt_new();

	errno = 0;
	CHECK(bpfhost_extension__register(rt, bpfhost_noheader_extension()) == NULL);
	CHECK_EQ(errno, EPROTONOSUPPORT);
	CHECK_CONTAINS(rt_msgs, "extension 'noheader': program type 'noheader': does not declare "
				"BPFHOST_CAP_CONTEXT_HEADER");
	CHECK(bpfhost_hook__find(rt, "noheader_hook") == NULL);

	CHECK(bpfhost_extension__register(rt, bpfhost_sample_extension()) != NULL);
	rt_msgs_clear();
	errno = 0;
	CHECK(bpfhost_extension__register(rt, bpfhost_noheader_hook_extension()) == NULL);
	CHECK_EQ(errno, EPROTONOSUPPORT);
	CHECK_CONTAINS(rt_msgs, "extension 'noheader_hook_only': hook 'noheader_sample_hook': "
				"does not declare BPFHOST_CAP_CONTEXT_HEADER");
	CHECK(bpfhost_hook__find(rt, "noheader_sample_hook") == NULL);
	bpfhost__free(rt);
}

TEST(ext_sample_shared_object)
{
	char path[4096], text_path[] = "/tmp/bh_ext_not_so_XXXXXX";
	struct bpfhost *rt;
	struct bpfhost_extension *ext;
	unsigned char pkt[1] = { 1 };
	uint64_t v = 0;
	char log[512];
	int p, fd;

	NEED_SAMPLE();

	snprintf(path, sizeof(path), "%s/extensions/libbpfhost_sample.so", bh_test_build_dir());
	if (access(path, R_OK))
		SKIP("%s not built (make tests builds it)", path);
	rt = rt_new();
	ext = bpfhost_extension__load(rt, path);
	CHECK_MSG(ext != NULL, "load: %s", rt_msgs);
	if (!ext)
		goto out;
	p = rt_load(rt, "sample", "secret", prog_secret, log, sizeof(log));
	CHECK(p > 0);
	CHECK(bpfhost_link_create(p, bpfhost_hook__find(rt, "sample_hook"), NULL) > 0);
	CHECK_EQ(bpfhost_sample_invoke(ext, pkt, 1, 10, &v, NULL), 0);
	CHECK_U64(v, 11);
	/* the same extension twice: refused by name */
	rt_msgs_clear();
	errno = 0;
	CHECK(bpfhost_extension__load(rt, path) == NULL);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(bpfhost_extension__unregister(ext), 0);

	errno = 0;
	CHECK(bpfhost_extension__load(rt, "/nonexistent/libnothing.so") == NULL);
	CHECK_EQ(errno, ENOENT);
	fd = mkstemp(text_path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, "not an ELF file\n", 16) == 16);
		close(fd);
		rt_msgs_clear();
		errno = 0;
		CHECK(bpfhost_extension__load(rt, text_path) == NULL);
		CHECK_EQ(errno, ENOEXEC);
		CHECK_CONTAINS(rt_msgs, "cannot load");
		unlink(text_path);
	}
out:
	bpfhost__free(rt);
}
