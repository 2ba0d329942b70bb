/* SPDX-License-Identifier: MIT */
/*
 * The runtime benchmarks' environment (bench_rt.h): one instance per
 * benchmark group with an extension "bench" describing the program type
 * "bench" and hooks "bench0".."benchN-1"; programs are loaded for the
 * interpreter engine explicitly (the JIT issue adds its own column).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_rt.h"

static const struct bpfhost_ctx_desc ctx_desc = {
	.version = BPFHOST_CTX_DESC_VERSION,
	.size = sizeof(struct bpfhost_ctx_desc),
	.ctx_size = sizeof(struct bench_rt_ctx),
	.data_off = 0,
	.data_end_off = 8,
	.data_meta_off = -1,
};

static const struct bpfhost_prog_type_desc prog_type = {
	.version = BPFHOST_PROG_TYPE_DESC_VERSION,
	.size = sizeof(struct bpfhost_prog_type_desc),
	.name = "bench",
	.ctx_desc = &ctx_desc,
	.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
};

static const struct bpfhost_prog_type_desc *const prog_types[] = { &prog_type };

void bench_rt_die(const char *what, int err)
{
	fprintf(stderr, "bench: %s: %d\n", what, err);
	exit(1);
}

void bench_rt_init(struct bench_rt *b, int nr_hooks)
{
	static char names[BENCH_RT_MAX_HOOKS][16];
	struct bpfhost_hook_desc hd[BENCH_RT_MAX_HOOKS];
	const struct bpfhost_hook_desc *hp[BENCH_RT_MAX_HOOKS];
	struct bpfhost_extension_desc ed = {
		.version = BPFHOST_EXTENSION_DESC_VERSION,
		.size = sizeof(ed),
		.name = "bench",
		.prog_types = prog_types,
		.nr_prog_types = 1,
		.hooks = hp,
	};
	int i;

	if (nr_hooks < 1 || nr_hooks > BENCH_RT_MAX_HOOKS)
		bench_rt_die("hook count", nr_hooks);
	for (i = 0; i < nr_hooks; i++) {
		snprintf(names[i], sizeof(names[i]), "bench%d", i);
		hd[i] = (struct bpfhost_hook_desc){
			.version = BPFHOST_HOOK_DESC_VERSION,
			.size = sizeof(hd[i]),
			.name = names[i],
			.prog_type = "bench",
			.verdict_rule = BPFHOST_VERDICT_LAST,
			.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
		};
		hp[i] = &hd[i];
	}
	ed.nr_hooks = (uint32_t)nr_hooks;
	b->rt = bpfhost__new(NULL);
	b->ext = b->rt ? bpfhost_extension__register(b->rt, &ed) : NULL;
	if (!b->ext)
		bench_rt_die("register", -errno);
	b->type = bpfhost_extension__prog_type(b->ext, "bench");
	for (i = 0; i < nr_hooks; i++)
		b->hooks[i] = bpfhost_extension__hook(b->ext, names[i]);
	b->nr_hooks = nr_hooks;
	b->ctx = bpfhost_ctx_alloc(b->type, 0, 0);
	if (!b->ctx)
		bench_rt_die("ctx_alloc", -errno);
}

void bench_rt_fini(struct bench_rt *b)
{
	bpfhost_ctx_free(b->ctx);
	bpfhost__free(b->rt);
}

int bench_rt_load(struct bench_rt *b, const struct bpfhost_insn *insns, size_t cnt)
{
	char log[2048] = "";
	BPFHOST_OPTS_INIT(bpfhost_prog_load_opts, o, .trusted = 1, .engine = BPFHOST_ENGINE_INTERP,
			  .log_buf = log, .log_size = sizeof(log));
	int fd = bpfhost_prog_load(b->rt, "bench", "bench", insns, cnt, &o);

	if (fd < 0) {
		fprintf(stderr, "%s", log);
		bench_rt_die("prog_load", fd);
	}
	return fd;
}

void bench_rt_attach(struct bench_rt *b, int hook, int prog)
{
	int fd = bpfhost_link_create(prog, b->hooks[hook], NULL);

	if (fd < 0)
		bench_rt_die("link_create", fd);
}

double bench_rt_time_invoke(struct bench_rt *b, int hook, int calls)
{
	struct bpfhost_hook *h = b->hooks[hook];
	uint64_t t0, v;
	int i, err;

	t0 = bench_now_ns();
	for (i = 0; i < calls; i++) {
		err = bpfhost_hook_invoke(h, b->ctx, &v);
		if (err)
			bench_rt_die("invoke", err);
	}
	return (double)(bench_now_ns() - t0) / calls;
}

void bench_rt_header(void)
{
	printf("  %-52s %10s %10s %8s %8s   %s\n", "operation (interpreter)", "bpfhost ns",
	       "native ns", "ratio", "net ns", "native baseline");
}

void bench_rt_row(const char *name, double ns, double native, double net, const char *baseline)
{
	char nat[16] = "-", ratio[16] = "-", netb[16] = "-";

	if (native > 0) {
		snprintf(nat, sizeof(nat), "%.2f", native);
		snprintf(ratio, sizeof(ratio), "%.1fx", ns / native);
	}
	if (net >= 0)
		snprintf(netb, sizeof(netb), "%.2f", net);
	printf("  %-52s %10.2f %10s %8s %8s   %s\n", name, ns, nat, ratio, netb,
	       baseline ? baseline : "");
}
