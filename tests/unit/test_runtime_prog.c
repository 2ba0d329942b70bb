/* SPDX-License-Identifier: MIT */
/*
 * Program loading: program type lookup, map fd / map value resolution,
 * helper resolution against the type's and the core helpers, refusals
 * naming the instruction, what the program records it depends on.
 */
#include "test_runtime_util.h"
#include "runtime/runtime.h"

static struct bpfhost *setup(void)
{
	static struct text t;
	struct bpfhost *rt = rt_new();

	text_init(&t, "p");
	if (!bpfhost_extension__register(rt, &t.ext))
		printf("  register failed: %s\n", rt_msgs);
	return rt;
}

TEST(runtime_prog_load_basic)
{
	struct bpfhost *rt = setup();
	char log[1024];
	int fd;
	struct bh_prog *p;
	int err;

	fd = rt_load(rt, "tprog", "ret7", "mov %r0, 7\nexit\n", log, sizeof(log));
	CHECK(fd > 0);
	p = bh_fd_prog(fd, &err);
	CHECK(p != NULL);
	if (p) {
		/* verified at load: both instructions processed, r0 known */
		CHECK(p->vstats.verified);
		CHECK_EQ(p->vstats.insns_processed, 2);
		CHECK_EQ(p->vstats.r0_min, 7);
		CHECK_EQ(p->vstats.r0_max, 7);
		CHECK_EQ(p->data_off, 0);
		CHECK_EQ(p->data_end_off, 8);
		CHECK_EQ(p->data_meta_off, -1);
		CHECK_EQ(p->ctx_size, sizeof(struct tctx));
		CHECK_EQ(p->nr_deps, 0);
		CHECK(p->id > 0);
		bh_prog_put(p);
	}
	CHECK_EQ(bpfhost_close(fd), 0);
	bpfhost__free(rt);
}

TEST(runtime_prog_load_refusals)
{
	struct bpfhost *rt = setup();
	char log[1024];
	struct bpfhost_insn ret0[2] = { { .code = 0xb7 }, { .code = 0x95 } };

	CHECK_EQ(rt_load(rt, "nosuch", "x", "mov %r0, 0\nexit\n", log, sizeof(log)), -ENOENT);
	CHECK_CONTAINS(log, "program type 'nosuch' is not registered");

	/* the verifier refuses helpers the type does not offer */
	CHECK_EQ(rt_load(rt, "tprog", "x", "mov %r0, 0\ncall 999\nexit\n", log, sizeof(log)),
		 -EACCES);
	CHECK_CONTAINS(log, "verifier: refused insn 1 [helper-unknown]");
	CHECK_CONTAINS(log, "unknown helper 999: the program type does not offer it");

	CHECK_EQ(rt_load(rt, "tprog", "a_name_too_long_for_bpf", "mov %r0, 0\nexit\n", log,
			 sizeof(log)),
		 -EINVAL);
	CHECK_CONTAINS(log, "longer than 15 characters");

	/* encoding errors come from the validator, naming the instruction */
	CHECK_EQ(rt_load(rt, "tprog", "x", "mov %r0, 0\n", log, sizeof(log)), -EINVAL);
	CHECK_CONTAINS(log, "insn 0");

	CHECK_EQ(bpfhost_prog_load(rt, "tprog", "x", NULL, 2, NULL), -EINVAL);
	CHECK_EQ(bpfhost_prog_load(NULL, "tprog", "x", ret0, 2, NULL), -EINVAL);
	CHECK_EQ(bpfhost_prog_load(rt, NULL, "x", ret0, 2, NULL), -EINVAL);
	CHECK_EQ(bpfhost_prog_load(rt, "tprog", "x", ret0, 0, NULL), -EINVAL);
	bpfhost__free(rt);
}

TEST(runtime_prog_load_pseudo_lddw)
{
	struct bpfhost *rt = setup();
	struct bpfhost_insn p[3] = {
		{ .code = 0x18, .dst_reg = 1, .src_reg = 4, .imm = 1 },
		{ 0 },
		{ .code = 0x95 },
	};
	char log[1024], text[256];
	BPFHOST_OPTS_INIT(bpfhost_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log));
	int arr1, arr4, hash, prog;

	arr1 = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "one", 4, 16, 1, NULL);
	arr4 = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "four", 4, 16, 4, NULL);
	hash = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_HASH, "h", 4, 16, 4, NULL);
	CHECK(arr1 > 0 && arr4 > 0 && hash > 0);

	snprintf(text, sizeof(text), "lddw %%r1, 0x%x\nmov %%r0, 0\nexit\n", 0x7fff0000 + hash);
	prog = rt_load(rt, "tprog", "x", text, log, sizeof(log));
	CHECK(prog > 0);
	snprintf(text, sizeof(text), "lddw %%r1, 0x%x\nmov %%r0, 0\nexit\n", 0x7fff0000 + prog);
	CHECK_EQ(rt_load(rt, "tprog", "x", text, log, sizeof(log)), -EBADF);
	CHECK_CONTAINS(log, "lddw map_fd: fd");
	CHECK_CONTAINS(log, "is program, not a map");
	snprintf(text, sizeof(text), "lddw %%r1, 0x%x\nmov %%r0, 0\nexit\n", 0x7fff0000 + 999);
	CHECK_EQ(rt_load(rt, "tprog", "x", text, log, sizeof(log)), -EBADF);
	CHECK_CONTAINS(log, "insn 0: lddw map_fd: fd 999 is not open, not a map");

	snprintf(text, sizeof(text), "lddw %%r1, 0x%x\nmov %%r0, 0\nexit\n", 0x7ffe0000 + arr1);
	CHECK(rt_load(rt, "tprog", "x", text, log, sizeof(log)) > 0);
	snprintf(text, sizeof(text), "lddw %%r1, 0x%x\nmov %%r0, 0\nexit\n", 0x7ffe0000 + arr4);
	CHECK_EQ(rt_load(rt, "tprog", "x", text, log, sizeof(log)), -EACCES);
	CHECK_CONTAINS(log, "direct value access needs a single-entry array map; map 'four'");
	snprintf(text, sizeof(text), "lddw %%r1, 0x%x\nmov %%r0, 0\nexit\n", 0x7ffe0000 + hash);
	CHECK_EQ(rt_load(rt, "tprog", "x", text, log, sizeof(log)), -EACCES);

	/*
	 * The resolution rules below are behind the verifier (which refuses
	 * these forms first): load trusted to reach them.
	 */
	o.trusted = 1;

	/* lddw func: the target must be an instruction of the program */
	CHECK(bpfhost_prog_load(rt, "tprog", "x", p, 3, &o) > 0);
	p[0].imm = 5;
	CHECK_EQ(bpfhost_prog_load(rt, "tprog", "x", p, 3, &o), -EINVAL);
	CHECK_CONTAINS(log, "insn 0: lddw func: target 6 is not an instruction of the program");
	p[0].imm = 0; /* the second slot of the lddw itself */
	CHECK_EQ(bpfhost_prog_load(rt, "tprog", "x", p, 3, &o), -EINVAL);
	p[0].src_reg = 5;
	CHECK_EQ(bpfhost_prog_load(rt, "tprog", "x", p, 3, &o), -EINVAL);
	CHECK_CONTAINS(log, "refers to a map by index");
	p[0].src_reg = 3;
	CHECK_EQ(bpfhost_prog_load(rt, "tprog", "x", p, 3, &o), -EOPNOTSUPP);
	CHECK_CONTAINS(log, "btf_id");
	bpfhost__free(rt);
}

TEST(runtime_prog_records_called_helpers)
{
	struct bpfhost *rt = setup();
	char log[1024];
	struct bh_prog *p;
	int fd, err;

	/* type helper, core helper twice, tail_call */
	fd = rt_load(rt, "tprog", "deps",
		     "mov %r1, 1\nmov %r2, 2\ncall 0x10007\ncall 5\ncall 5\nmov %r0, 0\nexit\n",
		     log, sizeof(log));
	CHECK(fd > 0);
	p = bh_fd_prog(fd, &err);
	if (!p)
		goto out;
	CHECK_EQ(p->nr_deps, 2);
	if (p->nr_deps == 2) {
		CHECK_EQ(p->deps[0].proto.id, BPFHOST_HELPER_EXT_BASE + 7);
		CHECK_STR(p->deps[0].proto.name, "tprog_add");
		CHECK_EQ(p->deps[1].proto.id, 5);
		CHECK_STR(p->deps[1].proto.name, "bpf_ktime_get_ns");
	}
	bh_prog_put(p);
	/* callx: the id is known only at run time, so every helper is a dependency */
	fd = rt_load(rt, "tprog", "cx", "mov %r3, 5\ncall %r3\nexit\n", log, sizeof(log));
	CHECK(fd > 0);
	p = bh_fd_prog(fd, &err);
	if (p) {
		CHECK(p->uses_callx);
		CHECK(p->nr_deps > 2);
		bh_prog_put(p);
	}
out:
	bpfhost__free(rt);
}

TEST(runtime_prog_log_sizes)
{
	struct bpfhost *rt = setup();
	char small[8];
	BPFHOST_OPTS_INIT(bpfhost_prog_load_opts, o, .log_buf = small, .log_size = sizeof(small));
	struct bpfhost_insn ret0[2] = { { .code = 0xb7 }, { .code = 0x95 } };

	/* a log that does not fit: -ENOSPC, nothing stays loaded, true size reported */
	o.log_level = 1; /* the verifier's summary line */
	CHECK_EQ(bpfhost_prog_load(rt, "tprog", "x", ret0, 2, &o), -ENOSPC);
	CHECK(o.log_true_size > sizeof(small));
	CHECK_EQ(strlen(small), sizeof(small) - 1);
	/* no buffer: the message goes to the instance's print callback */
	rt_msgs_clear();
	o.log_buf = NULL;
	o.log_size = 0;
	CHECK(bpfhost_prog_load(rt, "tprog", "quiet", ret0, 2, &o) > 0);
	CHECK_CONTAINS(rt_msgs, "verifier: accepted (processed 2 insns");
	/* a trusted load says so loudly, naming the program */
	rt_msgs_clear();
	o.log_level = 0;
	o.trusted = 1;
	CHECK(bpfhost_prog_load(rt, "tprog", "quiet", ret0, 2, &o) > 0);
	CHECK_CONTAINS(rt_msgs, "program 'quiet' (type 'tprog') loaded WITHOUT verification");
	bpfhost__free(rt);
}
