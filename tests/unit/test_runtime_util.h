/* SPDX-License-Identifier: MIT */
/*
 * Shared by the runtime tests: capture of instance messages, a small
 * header-aware test extension ("tprog" program type, "thook" hook) whose
 * descriptors a test can copy and break, and programs written in the uBPF
 * assembly dialect (pseudo lddw map fds patched in afterwards).
 */
#ifndef BH_TEST_RUNTIME_UTIL_H
#define BH_TEST_RUNTIME_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfhost/bpfhost.h>
#include "../lib/harness.h"

/* ---- message capture (instance print callback) ---- */

static char rt_msgs[16384];
static size_t rt_msgs_len;

__attribute__((unused)) static int rt_capture(enum bpfhost_print_level level, const char *fmt,
					      va_list ap)
{
	int n;

	if (rt_msgs_len >= sizeof(rt_msgs) - 1)
		return 0;
	n = vsnprintf(rt_msgs + rt_msgs_len, sizeof(rt_msgs) - rt_msgs_len, fmt, ap);
	if (n > 0)
		rt_msgs_len += (size_t)n < sizeof(rt_msgs) - rt_msgs_len
				       ? (size_t)n
				       : sizeof(rt_msgs) - rt_msgs_len - 1;
	return n;
}

__attribute__((unused)) static void rt_msgs_clear(void)
{
	rt_msgs[0] = '\0';
	rt_msgs_len = 0;
}

__attribute__((unused)) static struct bpfhost *rt_new(void)
{
	BPFHOST_OPTS_INIT(bpfhost_opts, o, .print = rt_capture);

	rt_msgs_clear();
	return bpfhost__new(&o);
}

/* ---- the test extension ---- */

struct tctx {
	uint64_t data;
	uint64_t data_end;
	uint32_t len;
	uint32_t mark;
};

static const struct bpfhost_ctx_range tctx_writable[] = { { 20, 4 } };

__attribute__((unused)) static uint64_t thelper_add(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
						    uint64_t e, void *ctx)
{
	return a + b;
}

struct text {
	struct bpfhost_ctx_desc cd;
	struct bpfhost_helper_proto helpers[1];
	struct bpfhost_prog_type_desc type;
	const struct bpfhost_prog_type_desc *types[2];
	struct bpfhost_hook_desc hooks[3];
	const struct bpfhost_hook_desc *hook_ptrs[3];
	struct bpfhost_extension_desc ext;
};

/* A valid extension: type "tprog", hook "thook" (rule LAST); fix up after edits. */
__attribute__((unused)) static void text_init(struct text *t, const char *ext_name)
{
	memset(t, 0, sizeof(*t));
	t->cd = (struct bpfhost_ctx_desc){
		.version = BPFHOST_CTX_DESC_VERSION,
		.size = sizeof(t->cd),
		.ctx_size = sizeof(struct tctx),
		.data_off = 0,
		.data_end_off = 8,
		.data_meta_off = -1,
		.writable = tctx_writable,
		.nr_writable = 1,
	};
	t->helpers[0] = (struct bpfhost_helper_proto){
		.version = BPFHOST_HELPER_PROTO_VERSION,
		.size = sizeof(t->helpers[0]),
		.id = BPFHOST_HELPER_EXT_BASE + 7,
		.name = "tprog_add",
		.fn = thelper_add,
		.ret = BPFHOST_RET_INTEGER,
		.args = { BPFHOST_ARG_ANYTHING, BPFHOST_ARG_ANYTHING },
	};
	t->type = (struct bpfhost_prog_type_desc){
		.version = BPFHOST_PROG_TYPE_DESC_VERSION,
		.size = sizeof(t->type),
		.name = "tprog",
		.ctx_desc = &t->cd,
		.helpers = t->helpers,
		.nr_helpers = 1,
		.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
	};
	t->types[0] = &t->type;
	t->hooks[0] = (struct bpfhost_hook_desc){
		.version = BPFHOST_HOOK_DESC_VERSION,
		.size = sizeof(t->hooks[0]),
		.name = "thook",
		.prog_type = "tprog",
		.verdict_rule = BPFHOST_VERDICT_LAST,
		.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
	};
	t->hook_ptrs[0] = &t->hooks[0];
	t->ext = (struct bpfhost_extension_desc){
		.version = BPFHOST_EXTENSION_DESC_VERSION,
		.size = sizeof(t->ext),
		.name = ext_name,
		.prog_types = t->types,
		.nr_prog_types = 1,
		.hooks = t->hook_ptrs,
		.nr_hooks = 1,
	};
}

/* Add a hook (index 1 or 2) with a rule and pass value. */
__attribute__((unused)) static void text_add_hook(struct text *t, const char *name, uint32_t rule,
						  uint64_t pass)
{
	uint32_t i = t->ext.nr_hooks;

	t->hooks[i] = t->hooks[0];
	t->hooks[i].name = name;
	t->hooks[i].verdict_rule = rule;
	t->hooks[i].pass_value = pass;
	t->hook_ptrs[i] = &t->hooks[i];
	t->ext.nr_hooks = i + 1;
}

/* ---- programs ---- */

/*
 * Assemble; every `lddw %rN, 0x7fff0000 + FD` becomes lddw with src 1 and
 * imm FD (a map fd), 0x7ffe0000 + FD with src 2 (map value, offset 0), and
 * 0x7ffd0000 + N with src 4 (callback: the subprogram at instruction N).
 */
__attribute__((unused)) static struct bpfhost_insn *rt_asm(const char *text, size_t *cnt)
{
	struct bpfhost_insn *insns = NULL;
	char log[512] = "";
	BPFHOST_OPTS_INIT(bpfhost_asm_opts, o, .log_buf = log, .log_size = sizeof(log));
	size_t i;

	if (bpfhost_asm(text, strlen(text), &insns, cnt, &o)) {
		printf("  asm failed: %s\n", log);
		return NULL;
	}
	for (i = 0; i + 1 < *cnt; i++) {
		if (insns[i].code != 0x18)
			continue;
		if ((insns[i].imm & 0x7fff0000) == 0x7fff0000 && insns[i + 1].imm == 0) {
			insns[i].src_reg = 1;
			insns[i].imm &= 0xffff;
		} else if ((insns[i].imm & 0x7fff0000) == 0x7ffe0000 && insns[i + 1].imm == 0) {
			insns[i].src_reg = 2;
			insns[i].imm &= 0xffff;
		} else if ((insns[i].imm & 0x7fff0000) == 0x7ffd0000 && insns[i + 1].imm == 0) {
			insns[i].src_reg = 4;
			insns[i].imm = (insns[i].imm & 0xffff) - (int32_t)(i + 1);
		}
		i++;
	}
	return insns;
}

/* Load assembly as a program of type; returns fd or -errno, log in log. */
/* Load assembly text; trusted skips the verifier (for runtime mechanics it would refuse). */
__attribute__((unused)) static int rt_load_opt(struct bpfhost *rt, const char *type,
					       const char *name, const char *text, char *log,
					       size_t log_size, int trusted)
{
	BPFHOST_OPTS_INIT(bpfhost_prog_load_opts, o, .log_buf = log, .log_size = log_size,
			  .trusted = (uint32_t)trusted);
	struct bpfhost_insn *insns;
	size_t cnt = 0;
	int fd;

	insns = rt_asm(text, &cnt);
	if (!insns)
		return -EINVAL;
	fd = bpfhost_prog_load(rt, type, name, insns, cnt, log || trusted ? &o : NULL);
	bpfhost_insns_free(insns);
	return fd;
}

__attribute__((unused)) static int rt_load(struct bpfhost *rt, const char *type, const char *name,
					   const char *text, char *log, size_t log_size)
{
	return rt_load_opt(rt, type, name, text, log, log_size, 0);
}

#endif /* BH_TEST_RUNTIME_UTIL_H */
