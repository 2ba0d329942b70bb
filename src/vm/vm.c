/* SPDX-License-Identifier: MIT */
/*
 * Stand-alone engine API: load (validate + resolve + pre-decode) and run.
 *
 * Loading runs the encoding validator, resolves every helper call to its
 * function (an unknown id is refused at load, not at run time), refuses what
 * this engine cannot execute on its own (unresolved pseudo lddw forms, kfunc
 * calls, legacy packet loads) and widens immediates as each operation uses
 * them, so the interpreter's handlers do no decoding.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm_internal.h"

static int cmp_helper(const void *a, const void *b)
{
	const struct bpfhost_helper_def *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

bpfhost_helper_fn bh_vm_find_helper(const struct bpfhost_vm *vm, uint64_t id)
{
	size_t lo = 0, hi = vm->helper_cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vm->helpers[mid].id == id)
			return vm->helpers[mid].fn;
		if (vm->helpers[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int copy_helpers(struct bpfhost_vm *vm, const struct bpfhost_helper_def *h, size_t n,
			struct bh_log *log)
{
	size_t i;

	if (!n)
		return 0;
	if (!h) {
		bh_logf(log, "helper_cnt is %zu but helpers is NULL\n", n);
		return -EINVAL;
	}
	vm->helpers = calloc(n, sizeof(*h));
	if (!vm->helpers)
		return -ENOMEM;
	memcpy(vm->helpers, h, n * sizeof(*h));
	vm->helper_cnt = n;
	qsort(vm->helpers, n, sizeof(*h), cmp_helper);
	for (i = 0; i < n; i++) {
		if (!vm->helpers[i].fn) {
			bh_logf(log, "helper %u (%s) has no function\n", vm->helpers[i].id,
				vm->helpers[i].name ? vm->helpers[i].name : "unnamed");
			return -EINVAL;
		}
		if (i && vm->helpers[i].id == vm->helpers[i - 1].id) {
			bh_logf(log, "helper id %u is defined twice\n", vm->helpers[i].id);
			return -EINVAL;
		}
	}
	return 0;
}

/* Widen the immediate the way the operation consumes it. */
static uint64_t widen_imm(enum bh_op op, const struct bpfhost_insn *in)
{
	const struct bh_opinfo *oi = &bh_opinfo[op];
	uint64_t imm = (uint64_t)(int64_t)in->imm;

	if (oi->fmt == BH_FMT_LDDW)
		return (uint64_t)(uint32_t)in[0].imm | ((uint64_t)(uint32_t)in[1].imm << 32);
	switch (op) {
	case BH_OP_LSH64_K:
	case BH_OP_RSH64_K:
	case BH_OP_ARSH64_K:
		return imm & 63;
	case BH_OP_LSH32_K:
	case BH_OP_RSH32_K:
	case BH_OP_ARSH32_K:
		return imm & 31;
	default:
		return imm;
	}
}

static int prepare(struct bpfhost_vm *vm, const int16_t *ops, struct bh_log *log)
{
	const void *const *labels = NULL;
	size_t i;

	bh_interp_run(NULL, 0, 0, NULL, &labels, NULL);
	for (i = 0; i < vm->insn_cnt; i++) {
		const struct bpfhost_insn *in = &vm->insns[i];
		struct bh_dinsn *d = &vm->code[i];
		enum bh_op op;
		int64_t t;

		if (ops[i] < 0)
			continue; /* second slot of lddw */
		op = (enum bh_op)ops[i];
		switch (bh_opinfo[op].fmt) {
		case BH_FMT_CALL_KFUNC:
			bh_logf(log,
				"insn %zu: call to runtime function (kfunc) %d: not supported\n", i,
				in->imm);
			return -EOPNOTSUPP;
		case BH_FMT_LDABS:
		case BH_FMT_LDIND:
			bh_logf(log,
				"insn %zu: legacy packet load %s needs a socket-filter context; "
				"not "
				"supported by the stand-alone engine\n",
				i, bh_opinfo[op].mnem);
			return -EOPNOTSUPP;
		case BH_FMT_LDDW:
			if (op != BH_OP_LDDW) {
				bh_logf(log,
					"insn %zu: lddw with src %u (%s) must be resolved by the "
					"loader "
					"first\n",
					i, in->src_reg, bh_opinfo[op].opstr);
				return -EINVAL;
			}
			break;
		case BH_FMT_CALL:
			d->fn = bh_vm_find_helper(vm, (uint32_t)in->imm);
			if (!d->fn) {
				bh_logf(log, "insn %zu: call to unknown helper %d\n", i, in->imm);
				return -ENOENT;
			}
			break;
		default:
			break;
		}
#ifdef BH_DISPATCH_SWITCH
		d->op = op;
#else
		d->label = labels[op];
#endif
		d->dst = in->dst_reg;
		d->src = in->src_reg;
		d->off = in->off;
		d->imm = widen_imm(op, in);
		t = bh_branch_target(vm->insns, i, op);
		if (t >= 0)
			d->target = &vm->code[t];
	}
	return 0;
}

struct bpfhost_vm *bpfhost_vm__load(const struct bpfhost_insn *insns, size_t insn_cnt,
				    struct bpfhost_vm_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_vm *vm = NULL;
	int16_t *ops = NULL;
	int err, lerr;

	if (!BH_OPTS_VALID(opts, bpfhost_vm_opts, &log)) {
		err = -EINVAL;
		goto out;
	}
	if (BH_OPTS_GET(opts, engine, BPFHOST_ENGINE_DEFAULT) > BPFHOST_ENGINE_INTERP) {
		bh_logf(&log, "engine %d is not available\n", (int)opts->engine);
		err = -EOPNOTSUPP;
		goto out;
	}
	if (insn_cnt > 0 && insn_cnt <= BPFHOST_INSN_LIMIT_DEFAULT * 16ull)
		ops = calloc(insn_cnt, sizeof(*ops));
	err = bh_validate(insns, insn_cnt, BH_OPTS_GET(opts, insn_limit, 0), ops, &log);
	if (err)
		goto out;
	if (!ops) {
		err = -ENOMEM;
		goto out;
	}
	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		err = -ENOMEM;
		goto out;
	}
	vm->insn_cnt = insn_cnt;
	vm->insns = malloc(insn_cnt * sizeof(*insns));
	vm->code = calloc(insn_cnt, sizeof(*vm->code));
	if (!vm->insns || !vm->code) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(vm->insns, insns, insn_cnt * sizeof(*insns));
	err = copy_helpers(vm, BH_OPTS_GET(opts, helpers, NULL), BH_OPTS_GET(opts, helper_cnt, 0),
			   &log);
	if (err)
		goto out;
	err = prepare(vm, ops, &log);
out:
	free(ops);
	lerr = bh_log_finish(&log, BH_OPTS_GET(opts, log_buf, NULL), BH_OPTS_GET(opts, log_size, 0),
			     BH_OPTS_HAS(opts, log_true_size) ? &opts->log_true_size : NULL,
			     BPFHOST_WARN);
	if (!err && lerr)
		err = lerr;
	if (err) {
		bpfhost_vm__free(vm);
		errno = -err;
		return NULL;
	}
	return vm;
}

int bpfhost_vm__run(const struct bpfhost_vm *vm, uint64_t r1, uint64_t r2, uint64_t *ret)
{
	if (!vm || !ret)
		return -EINVAL;
	return bh_interp_run(vm, r1, r2, ret, NULL, NULL);
}

int bh_vm_run_on_stack(const struct bpfhost_vm *vm, uint64_t r1, uint64_t r2, uint64_t *ret,
		       uint64_t *stack_top)
{
	if (!vm || !ret)
		return -EINVAL;
	return bh_interp_run(vm, r1, r2, ret, NULL, stack_top);
}

size_t bpfhost_vm__insn_cnt(const struct bpfhost_vm *vm)
{
	return vm ? vm->insn_cnt : 0;
}

void bpfhost_vm__free(struct bpfhost_vm *vm)
{
	if (!vm)
		return;
	free(vm->code);
	free(vm->insns);
	free(vm->helpers);
	free(vm);
}
