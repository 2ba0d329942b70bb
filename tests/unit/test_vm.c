/* SPDX-License-Identifier: MIT */
/*
 * Engine API tests that need no assembler: load-time refusals, helper
 * calling convention, run-time errors, call frames, threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <bpfhost/isa.h>
#include "../lib/harness.h"

#define I(c, d, s, o, i)        \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i) I(0xb7, d, 0, 0, i)
#define MOV64_REG(d, s) I(0xbf, d, s, 0, 0)
#define ADD64_IMM(d, i) I(0x07, d, 0, 0, i)
#define CALL(id) I(0x85, 0, 0, 0, id)
#define CALL_LOCAL(rel) I(0x85, 0, 1, 0, rel)
#define EXIT() I(0x95, 0, 0, 0, 0)

static uint64_t helper_sum(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, void *ctx)
{
	return a + b + c + d + e;
}

static uint64_t helper_ctx(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, void *ctx)
{
	return (uint64_t)(uintptr_t)ctx;
}

static const struct bpfhost_helper_def helpers[] = {
	{ .id = 7, .name = "sum", .fn = helper_sum },
	{ .id = 0x10001, .name = "ctx", .fn = helper_ctx },
};

static struct bpfhost_vm *load(const struct bpfhost_insn *p, size_t n, char *log, size_t logsz)
{
	BPFHOST_OPTS_INIT(bpfhost_vm_opts, o, .helpers = helpers, .helper_cnt = 2, .log_buf = log,
			  .log_size = logsz);

	return bpfhost_vm__load(p, n, &o);
}

TEST(vm_helper_gets_args_and_ctx)
{
	struct bpfhost_insn p[] = {
		MOV64_IMM(1, 1), MOV64_IMM(2, 2), MOV64_IMM(3, 3),
		MOV64_IMM(4, 4), MOV64_IMM(5, 5), CALL(7),
		MOV64_REG(6, 0), CALL(0x10001),	  I(0x1f, 0, 6, 0, 0), /* r0 -= r6 */
		EXIT(),
	};
	char log[256] = "";
	struct bpfhost_vm *vm = load(p, sizeof(p) / sizeof(p[0]), log, sizeof(log));
	uint64_t r0 = 0;

	CHECK_MSG(vm, "load failed: %s", log);
	if (!vm)
		return;
	/* r1 is reset by the program, but the helper still receives the entry ctx */
	CHECK_EQ(bpfhost_vm__run(vm, 1000, 0, &r0), 0);
	CHECK_U64(r0, 1000 - 15);
	bpfhost_vm__free(vm);
}

TEST(vm_load_refusals)
{
	static const struct {
		struct bpfhost_insn p[3];
		size_t n;
		int err;
		const char *msg;
	} cases[] = {
		{ { CALL(99), EXIT() }, 2, ENOENT, "insn 0: call to unknown helper 99" },
		{ { I(0x18, 1, 1, 0, 3), I(0, 0, 0, 0, 0), EXIT() },
		  3,
		  EINVAL,
		  "insn 0: lddw with src 1 (map_fd) must be resolved by the loader" },
		{ { I(0x85, 0, 2, 0, 3), EXIT() }, 2, EOPNOTSUPP, "kfunc" },
		{ { I(0x20, 0, 0, 0, 3), EXIT() }, 2, EOPNOTSUPP, "legacy packet load ldabsw" },
		{ { I(0xff, 0, 0, 0, 3), EXIT() }, 2, EINVAL, "insn 0: unknown opcode 0xff" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char log[256] = "";
		struct bpfhost_vm *vm = load(cases[i].p, cases[i].n, log, sizeof(log));

		CHECK(!vm);
		CHECK_EQ(errno, cases[i].err);
		CHECK_CONTAINS(log, cases[i].msg);
	}
}

TEST(vm_duplicate_helper_refused)
{
	struct bpfhost_helper_def dup[] = { { 1, "a", helper_sum }, { 1, "b", helper_sum } };
	struct bpfhost_insn p[] = { MOV64_IMM(0, 0), EXIT() };
	char log[256] = "";
	BPFHOST_OPTS_INIT(bpfhost_vm_opts, o, .helpers = dup, .helper_cnt = 2, .log_buf = log,
			  .log_size = sizeof(log));

	CHECK(!bpfhost_vm__load(p, 2, &o));
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(log, "helper id 1 is defined twice");
}

TEST(vm_opts_with_unknown_tail_refused)
{
	struct {
		struct bpfhost_vm_opts o;
		char extra[8];
	} big = { 0 };
	struct bpfhost_insn p[] = { MOV64_IMM(0, 0), EXIT() };
	char log[256] = "";

	big.o.sz = sizeof(big);
	big.o.log_buf = log;
	big.o.log_size = sizeof(log);
	big.extra[3] = 1;
	/* the log fields are known, so the message still arrives */
	CHECK(!bpfhost_vm__load(p, 2, &big.o));
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(log, "knows only");
}

TEST(vm_callx_unknown_helper_is_runtime_error)
{
	struct bpfhost_insn p[] = { MOV64_IMM(2, 1234), I(0x8d, 2, 0, 0, 0), EXIT() };
	struct bpfhost_vm *vm = load(p, 3, NULL, 0);
	uint64_t r0 = 0xdead;

	CHECK(vm);
	if (!vm)
		return;
	CHECK_EQ(bpfhost_vm__run(vm, 0, 0, &r0), -ENOENT);
	CHECK_U64(r0, 0xdead); /* status and r0 never mix */
	bpfhost_vm__free(vm);
}

TEST(vm_call_depth_limit)
{
	/* f(n): if n == 0 return 0; return f(n - 1) + 1 -- recursion on r1 */
	struct bpfhost_insn p[] = {
		CALL_LOCAL(1),	     /* 0: call f */
		EXIT(),		     /* 1 */
		I(0x55, 1, 0, 2, 0), /* 2: f: if r1 != 0 goto +2 */
		MOV64_IMM(0, 0),     /* 3 */
		EXIT(),		     /* 4 */
		ADD64_IMM(1, -1),    /* 5 */
		CALL_LOCAL(-5),	     /* 6: call f */
		ADD64_IMM(0, 1),     /* 7 */
		EXIT(),		     /* 8 */
	};
	struct bpfhost_vm *vm = load(p, sizeof(p) / sizeof(p[0]), NULL, 0);
	uint64_t r0 = 0;

	CHECK(vm);
	if (!vm)
		return;
	/* main + f(6) .. f(0) = 8 frames: allowed */
	CHECK_EQ(bpfhost_vm__run(vm, 6, 0, &r0), 0);
	CHECK_U64(r0, 6);
	/* one more frame is refused at run time */
	CHECK_EQ(bpfhost_vm__run(vm, 7, 0, &r0), -E2BIG);
	bpfhost_vm__free(vm);
}

TEST(vm_frames_have_distinct_stacks)
{
	struct bpfhost_insn p[] = {
		I(0x7a, 10, 0, -8, 111), /* 0: *(u64 *)(r10 - 8) = 111 */
		MOV64_REG(6, 10),	 /* 1: r6 = r10 */
		CALL_LOCAL(3),		 /* 2: call f */
		I(0x79, 0, 10, -8, 0),	 /* 3: r0 = *(u64 *)(r10 - 8) */
		I(0x1f, 6, 10, 0, 0),	 /* 4: r6 -= r10 (preserved r6 and r10 -> 0) */
		I(0x0f, 0, 6, 0, 0),	 /* 5: r0 += r6 */
		EXIT(),			 /* 6 */
		I(0x7a, 10, 0, -8, 222), /* 7: f: *(u64 *)(r10 - 8) = 222 */
		MOV64_IMM(6, 5),	 /* 8: clobber r6 */
		EXIT(),			 /* 9 */
	};
	struct bpfhost_vm *vm = load(p, sizeof(p) / sizeof(p[0]), NULL, 0);
	uint64_t r0 = 0;

	CHECK(vm);
	if (!vm)
		return;
	CHECK_EQ(bpfhost_vm__run(vm, 0, 0, &r0), 0);
	CHECK_U64(r0, 111);
	bpfhost_vm__free(vm);
}

struct thr_arg {
	struct bpfhost_vm *vm;
	int ok;
};

static void *thr_main(void *p)
{
	struct thr_arg *a = p;
	int i;

	a->ok = 1;
	for (i = 0; i < 20000; i++) {
		uint64_t r0 = 0;

		if (bpfhost_vm__run(a->vm, (uint64_t)i, 0, &r0) || r0 != (uint64_t)i + 1)
			a->ok = 0;
	}
	return NULL;
}

TEST(vm_concurrent_runs)
{
	struct bpfhost_insn p[] = { MOV64_REG(0, 1), ADD64_IMM(0, 1), EXIT() };
	struct bpfhost_vm *vm = load(p, 3, NULL, 0);
	struct thr_arg args[4];
	pthread_t t[4];
	int i;

	CHECK(vm);
	if (!vm)
		return;
	for (i = 0; i < 4; i++) {
		args[i].vm = vm;
		pthread_create(&t[i], NULL, thr_main, &args[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK(args[i].ok);
	}
	bpfhost_vm__free(vm);
}

TEST(vm_run_argument_errors)
{
	uint64_t r0;
	char log[128] = "";
	BPFHOST_OPTS_INIT(bpfhost_vm_opts, o, .log_buf = log, .log_size = sizeof(log));

	CHECK_EQ(bpfhost_vm__run(NULL, 0, 0, &r0), -EINVAL);
	CHECK(!bpfhost_vm__load(NULL, 0, &o));
	CHECK_EQ(errno, EINVAL);
	CHECK_CONTAINS(log, "program has no instructions");
}
