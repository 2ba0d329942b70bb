/* SPDX-License-Identifier: MIT */
/*
 * Calling BPF subprograms from helpers: bh_call_bpf_func (declared in
 * src/helpers/helpers.h) for bpf_loop and bpf_for_each_map_elem.
 *
 * A callback is named by `lddw rX, func` (src 4, BPF_PSEUDO_FUNC) whose imm
 * is the pc-relative index of the subprogram. The loader turns it into a
 * plain lddw of BH_CB_TAG | index and, for each distinct subprogram, builds
 * a second engine image of the program with an 8-instruction stub in front:
 *
 *   r0 = r2                  r2: address of the 5 callback arguments
 *   r1 = *(u64 *)(r0 + 0)    ... r5 = *(u64 *)(r0 + 32)
 *   call local <subprogram>
 *   exit
 *
 * The image is entered with r1 = the program context, so the engine hands
 * the right context to the helpers the callback calls; the subprogram runs
 * in its own frame, with the engine's frame limit. Jumps inside the copied
 * program are relative and need no change. No engine change is needed.
 *
 * bh_call_bpf_func finds the running program through header slot 0, checks
 * that the value names one of its callbacks, and runs the image; callbacks
 * may nest (a callback calling bpf_loop) up to BH_MAX_CB_DEPTH.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "runtime/runtime.h"
#include "vm/vm_internal.h"

#define STUB_LEN 8

int bh_prog_add_cb(struct bh_prog *prog, uint32_t target)
{
	struct bh_prog_cb *n;
	size_t i;

	for (i = 0; i < prog->nr_cbs; i++)
		if (prog->cbs[i].target == target)
			return 0;
	n = realloc(prog->cbs, (prog->nr_cbs + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	prog->cbs = n;
	prog->cbs[prog->nr_cbs++] = (struct bh_prog_cb){ target, NULL };
	return 0;
}

#define INSN(c, d, s, o, i)     \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

int bh_prog_build_cbs(struct bh_prog *prog, const struct bpfhost_insn *code, size_t cnt,
		      struct bpfhost_vm_opts *vo, struct bh_log *log)
{
	struct bpfhost_insn *img;
	size_t i;

	if (!prog->nr_cbs)
		return 0;
	img = malloc((cnt + STUB_LEN) * sizeof(*img));
	if (!img)
		return -ENOMEM;
	memcpy(img + STUB_LEN, code, cnt * sizeof(*code));
	img[0] = INSN(0xbf, 0, 2, 0, 0); /* r0 = r2 */
	for (i = 0; i < 5; i++)
		img[1 + i] = INSN(0x79, (uint8_t)(1 + i), 0, (int16_t)(8 * i), 0);
	img[7] = INSN(0x95, 0, 0, 0, 0); /* exit */
	for (i = 0; i < prog->nr_cbs; i++) {
		/* call local: target slot = 6 + 1 + imm */
		img[6] = INSN(0x85, 0, 1, 0, (int32_t)(prog->cbs[i].target + STUB_LEN - 7));
		prog->cbs[i].vm = bpfhost_vm__load(img, cnt + STUB_LEN, vo);
		if (!prog->cbs[i].vm) {
			int err = -errno;

			bh_logf(log, "callback at insn %u: %s", prog->cbs[i].target,
				vo->log_buf ? vo->log_buf : "cannot prepare\n");
			free(img);
			return err;
		}
	}
	free(img);
	return 0;
}

void bh_prog_free_cbs(struct bh_prog *prog)
{
	size_t i;

	for (i = 0; i < prog->nr_cbs; i++)
		bpfhost_vm__free(prog->cbs[i].vm);
	free(prog->cbs);
	prog->cbs = NULL;
	prog->nr_cbs = 0;
}

int bh_call_bpf_func(void *ctx, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		     uint64_t a5, uint64_t *ret)
{
	uint64_t args[5] = { a1, a2, a3, a4, a5 };
	struct bh_exec_state *st;
	const struct bh_prog *prog;
	const struct bpfhost_vm *vm = NULL;
	size_t i;
	int err;

	if (!ctx || !ret)
		return -EINVAL;
	st = bh_exec_state(ctx);
	if (!st || !st->prog)
		return -EINVAL; /* not inside an invocation */
	prog = st->prog;
	if ((fn & ~0xffffffffull) != BH_CB_TAG)
		return -EINVAL;
	for (i = 0; i < prog->nr_cbs; i++)
		if (prog->cbs[i].target == (uint32_t)fn)
			vm = prog->cbs[i].vm;
	if (!vm)
		return -ENOENT;
	if (st->cb_depth >= BH_MAX_CB_DEPTH)
		return -E2BIG;
	st->cb_depth++;
	err = bh_interp_run(vm, (uint64_t)(uintptr_t)ctx, (uint64_t)(uintptr_t)args, ret, NULL,
			    NULL);
	st->cb_depth--;
	return err;
}
