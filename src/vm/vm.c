/* SPDX-License-Identifier: MIT */
/* TEMPORARY placeholder while the interpreter is being written (same session). */
#include <errno.h>
#include <stdlib.h>
#include <bpfhost/isa.h>

struct bpfhost_vm *bpfhost_vm__load(const struct bpfhost_insn *insns, size_t insn_cnt,
				    struct bpfhost_vm_opts *opts)
{
	errno = EOPNOTSUPP;
	return NULL;
}
int bpfhost_vm__run(const struct bpfhost_vm *vm, uint64_t r1, uint64_t r2, uint64_t *ret)
{
	return -EOPNOTSUPP;
}
size_t bpfhost_vm__insn_cnt(const struct bpfhost_vm *vm)
{
	return 0;
}
void bpfhost_vm__free(struct bpfhost_vm *vm)
{
}
