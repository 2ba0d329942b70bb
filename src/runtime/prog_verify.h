/* SPDX-License-Identifier: MIT */
/*
 * Verification step of bpfhost_prog_load (prog_verify.c): runs the verifier
 * on a program as loaded (pseudo lddw forms still in place), answering its
 * questions from the program type and the fd table.
 */
#ifndef BH_RUNTIME_PROG_VERIFY_H
#define BH_RUNTIME_PROG_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <bpfhost/bpfhost.h>
#include "common/log.h"
#include "runtime/runtime.h"

/*
 * Verify insns (cnt instructions, ops their decoded opcodes) as a program of
 * prog->type. On success the statistics go to prog->vstats and *rewritten is
 * a malloc'ed copy of the program with context-view accesses rewritten to
 * the real layout, or NULL when there was nothing to rewrite. Messages
 * (refusal, or the summary at log_level >= 1) go to log. Returns 0,
 * -EACCES / -EINVAL / -E2BIG (refused), -EBADF (an lddw's fd is not a map)
 * or -ENOMEM.
 */
int bh_prog_verify(struct bh_prog *prog, const struct bpfhost_insn *insns, const int16_t *ops,
		   size_t cnt, const struct bpfhost_prog_load_opts *opts,
		   struct bpfhost_insn **rewritten, struct bh_log *log);

#endif /* BH_RUNTIME_PROG_VERIFY_H */
