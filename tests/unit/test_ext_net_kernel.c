/* SPDX-License-Identifier: MIT */
/*
 * Whole XDP programs, bpfhost against the Linux kernel: the same programs
 * (hand-written in their struct xdp_md form, and the C programs of
 * tests/net/xdp_view.bpf.c) run with BPF_PROG_TEST_RUN in the kernel and
 * with bpfhost_prog_test_run_opts on the net extension's xdp type, over
 * packets with and without metadata, with ctx_in/ctx_out. Compared: the
 * return value, data_out (size and bytes) and the struct xdp_md in ctx_out.
 * This pins the extension's Linux semantics: frame geometry, every bound
 * of the adjust helpers and their errors, metadata and ctx conventions.
 *
 * bpfhost runs the programs as the load path will once it verifies: the
 * verifier rewrites the view accesses (directly through bh_verify while
 * bpfhost_prog_load does not yet). Needs root and a working bpf(2); skips
 * with the reason otherwise (BH_KERNEL_ORACLE=require turns that into a
 * failure, as for the kernel oracle tier).
 */
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../net/net_testutil.h"

static int sys_bpf(int cmd, union bpf_attr *a)
{
	long r = syscall(__NR_bpf, cmd, a, sizeof(*a));

	return r < 0 ? -errno : (int)r;
}

static int k_load(const struct bpfhost_insn *insns, size_t cnt, char *log, size_t log_sz)
{
	static const char license[] = "GPL";
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)cnt;
	a.license = (uint64_t)(uintptr_t)license;
	log[0] = '\0';
	a.log_level = 1;
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = (uint32_t)log_sz;
	return sys_bpf(BPF_PROG_LOAD, &a);
}

struct outcome {
	int err;
	uint64_t retval;
	uint8_t data[4096];
	uint32_t data_len;
	struct bpfhost_net_xdp_md md;
};

struct input {
	const uint8_t *data;
	uint32_t len;
	struct bpfhost_net_xdp_md md;
	const char *what;
};

static void k_run(int fd, const struct input *in, struct outcome *o)
{
	union bpf_attr a;

	memset(o, 0, sizeof(*o));
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)fd;
	a.test.data_in = (uint64_t)(uintptr_t)in->data;
	a.test.data_size_in = in->len;
	a.test.data_out = (uint64_t)(uintptr_t)o->data;
	a.test.data_size_out = sizeof(o->data);
	a.test.ctx_in = (uint64_t)(uintptr_t)&in->md;
	a.test.ctx_size_in = sizeof(in->md);
	a.test.ctx_out = (uint64_t)(uintptr_t)&o->md;
	a.test.ctx_size_out = sizeof(o->md);
	a.test.repeat = 1;
	o->err = sys_bpf(BPF_PROG_TEST_RUN, &a);
	o->retval = a.test.retval;
	o->data_len = a.test.data_size_out;
}

static void u_run(int fd, const struct input *in, struct outcome *o)
{
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, t, .data_in = in->data, .data_size_in = in->len,
			  .data_out = o->data, .data_size_out = sizeof(o->data), .ctx_in = &in->md,
			  .ctx_size_in = sizeof(in->md), .ctx_out = &o->md,
			  .ctx_size_out = sizeof(o->md));

	memset(o, 0, sizeof(*o));
	o->err = bpfhost_prog_test_run_opts(fd, &t);
	o->retval = t.retval;
	o->data_len = t.data_size_out;
}

/* bpfhost side of a view-form program: rewritten by the verifier, loaded. */
static int u_load(struct bpfhost *rt, const char *name, const struct bpfhost_insn *insns,
		  size_t cnt)
{
	struct bh_verifier_input in = { 0 };
	struct bh_verifier_result res;
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_prog_type *type;
	char msg[2048] = "";
	BPFHOST_OPTS_INIT(bpfhost_prog_load_opts, o, .log_buf = msg, .log_size = sizeof(msg));
	int err, fd;

	if (net_view_mode(rt) == 1)
		return bpfhost_prog_load(rt, "xdp", name, insns, cnt, &o);
	pthread_mutex_lock(&rt->lock);
	type = bh_find_prog_type_locked(rt, BPFHOST_NET_PROG_TYPE_XDP);
	pthread_mutex_unlock(&rt->lock);
	in.insns = insns;
	in.insn_cnt = cnt;
	in.ctx = &type->ctx_desc;
	in.ret_min = type->desc.ret_min;
	in.ret_max = type->desc.ret_max;
	in.find_helper = net_find_helper;
	in.cookie = type;
	memset(&res, 0, sizeof(res));
	err = bh_verify(&in, &res, &log);
	CHECK_MSG(!err, "%s: refused by the verifier: %s", name, bh_log_text(&log));
	bh_log_free(&log);
	if (err)
		return err;
	o.trusted = 1; /* verified just above */
	fd = bpfhost_prog_load(rt, "xdp", name, res.insns ? res.insns : insns, cnt, &o);
	free(res.insns);
	return fd;
}

struct stats {
	int programs, runs, mismatches, k_refused;
};

/* Run prog in both over every input and compare. */
static void compare(struct bpfhost *rt, const char *name, const struct bpfhost_insn *insns,
		    size_t cnt, const struct input *ins, size_t n, struct stats *st)
{
	static struct outcome k, u;
	static char klog[65536];
	int kfd, ufd;
	size_t i;

	kfd = k_load(insns, cnt, klog, sizeof(klog));
	if (kfd < 0) {
		st->k_refused++;
		printf("  kernel refused %s (%d): %.300s\n", name, kfd, klog);
		return;
	}
	ufd = u_load(rt, "net_kernel", insns, cnt);
	CHECK_MSG(ufd > 0, "%s: bpfhost load %d", name, ufd);
	if (ufd <= 0) {
		close(kfd);
		return;
	}
	st->programs++;
	for (i = 0; i < n; i++) {
		int bad;

		k_run(kfd, &ins[i], &k);
		u_run(ufd, &ins[i], &u);
		st->runs++;
		bad = k.err != u.err ||
		      (!k.err &&
		       (k.retval != u.retval || k.data_len != u.data_len ||
			memcmp(k.data, u.data,
			       k.data_len < sizeof(k.data) ? k.data_len : sizeof(k.data)) ||
			memcmp(&k.md, &u.md, sizeof(k.md))));
		if (bad) {
			st->mismatches++;
			CHECK_MSG(0,
				  "%s on %s: kernel err %d ret %llu len %u md{%u,%u,%u,%u,%u,%u}, "
				  "bpfhost err %d ret %llu len %u md{%u,%u,%u,%u,%u,%u}",
				  name, ins[i].what, k.err, (unsigned long long)k.retval,
				  k.data_len, k.md.data, k.md.data_end, k.md.data_meta,
				  k.md.ingress_ifindex, k.md.rx_queue_index, k.md.egress_ifindex,
				  u.err, (unsigned long long)u.retval, u.data_len, u.md.data,
				  u.md.data_end, u.md.data_meta, u.md.ingress_ifindex,
				  u.md.rx_queue_index, u.md.egress_ifindex);
		}
	}
	close(kfd);
	bpfhost_close(ufd);
}

/* A view-form program calling helper(ctx, delta) in order; verdict by the last result. */
static struct bpfhost_insn *calls_prog(const int (*calls)[2], size_t n, size_t *cnt)
{
	char text[4096];
	size_t len = 0, i;
	struct bpfhost_insn *insns;
	char *src;

	len += (size_t)snprintf(text + len, sizeof(text) - len, "mov %%r6, %%r1\nmov %%r7, 0\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"mov %%r1, %%r6\nmov %%r2, %d\ncall %d\nmov %%r7, %%r0\n"
					"jne %%r7, 0, map\n",
					calls[i][1], calls[i][0]);
	/* 2: all returned 0, 1: -EINVAL, 3: -EACCES, 0: other; PASS also reads the packet */
	snprintf(text + len, sizeof(text) - len,
		 "map:\n"
		 "mov %%r0, 1\n"
		 "jeq %%r7, -22, out\n"
		 "mov %%r0, 3\n"
		 "jeq %%r7, -13, out\n"
		 "mov %%r0, 0\n"
		 "jne %%r7, 0, out\n"
		 "@data %%r2, %%r6\n"
		 "@data_end %%r3, %%r6\n"
		 "mov %%r4, %%r2\n"
		 "add %%r4, 1\n"
		 "jgt %%r4, %%r3, out\n"
		 "stb [%%r2+0], 0x99\n"
		 "mov %%r0, 2\n"
		 "out:\n"
		 "exit\n");
	src = net_asm_expand(text, 1);
	insns = src ? rt_asm(src, cnt) : NULL;
	free(src);
	return insns;
}

TEST(ext_net_kernel_compare)
{
	static const int progs[][3][2] = {
		/* helper, delta pairs; { 0, 0 } ends a program */
		{ { 44, 14 } },
		{ { 44, 46 } },
		{ { 44, 47 } },
		{ { 44, -216 } },
		{ { 44, -217 } },
		{ { 44, -208 } },
		{ { 44, -209 } },
		{ { 44, -100 }, { 44, 100 } },
		{ { 54, -8 } },
		{ { 54, -32 } },
		{ { 54, -36 } },
		{ { 54, -6 } },
		{ { 54, 4 } },
		{ { 54, -32 }, { 54, 32 } },
		{ { 44, -216 }, { 54, -4 } },
		{ { 44, 8 }, { 54, -4 } },
		{ { 65, -46 } },
		{ { 65, -47 } },
		{ { 65, 100 } },
		{ { 65, 3460 } },
		{ { 65, 3461 } },
		{ { 65, -20 }, { 65, 20 } },
		{ { 65, -3506 } },
		{ { 65, -3507 } },
		{ { 44, 0 } },
	};
	static uint8_t p60[60], p14[14], p3520[3520], m60[8 + 60], m32[32 + 20], m200[200 + 60];
	const struct input ins[] = {
		{ p60, 60, { .data_end = 60 }, "60-byte packet" },
		{ p14, 14, { .data_end = 14 }, "14-byte packet" },
		{ p3520, 3520, { .data_end = 3520 }, "3520-byte packet" },
		{ m60, 68, { .data = 8, .data_end = 68 }, "8 metadata + 60" },
		{ m32, 52, { .data = 32, .data_end = 52 }, "32 metadata + 20" },
		{ m200, 260, { .data = 200, .data_end = 260 }, "200 metadata + 60" },
		{ p60, 60, { .data_end = 60, .ingress_ifindex = 1 }, "60 from lo" },
	};
	const char *why = NULL;
	struct stats st = { 0 };
	struct bpfhost *rt;
	char name[64];
	size_t i, j, cnt;

	NEED_NET();
	if (geteuid())
		why = "not root";
	else {
		union bpf_attr a;
		int r;

		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_ARRAY;
		a.key_size = 4;
		a.value_size = 4;
		a.max_entries = 1;
		r = sys_bpf(BPF_MAP_CREATE, &a);
		if (r < 0)
			why = "bpf(BPF_MAP_CREATE) refused";
		else
			close(r);
	}
	if (why) {
		const char *req = getenv("BH_KERNEL_ORACLE");

		CHECK_MSG(!req || strcmp(req, "require"), "BH_KERNEL_ORACLE=require: %s", why);
		SKIP("kernel oracle: %s", why);
	}
	rt = net_rt(NULL);
	if (!rt)
		return;
	net_eth(p60, 60, 0x0800);
	net_eth(p14, 14, 0x0800);
	net_eth(p3520, 3520, 0x86dd);
	memcpy(m60, "metadata", 8);
	net_eth(m60 + 8, 60, 0x0806);
	memset(m32, 0x5a, 32);
	net_eth(m32 + 32, 20, 0x0800);
	memset(m200, 0xa5, 200);
	net_eth(m200 + 200, 60, 0x0800);

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct bpfhost_insn *insns;
		size_t n = 0, len = 0;

		while (n < 3 && progs[i][n][0])
			n++;
		for (j = 0; j < n; j++)
			len += (size_t)snprintf(name + len, sizeof(name) - len, "%s%d(%d)",
						j ? "+" : "", progs[i][j][0], progs[i][j][1]);
		insns = calls_prog(progs[i], n, &cnt);
		CHECK(insns != NULL);
		if (insns)
			compare(rt, name, insns, cnt, ins, sizeof(ins) / sizeof(ins[0]), &st);
		bpfhost_insns_free(insns);
	}
	/* the C programs, as clang compiled them for Linux */
	{
		struct bh_obj_spec *spec = NULL;
		uint32_t k;

		if (net_view_obj(&spec))
			printf("  C programs not compared: %s\n", net_why);
		for (k = 0; spec && k < spec->nr_progs; k++)
			compare(rt, spec->progs[k].name, spec->progs[k].insns,
				spec->progs[k].insn_cnt, ins, sizeof(ins) / sizeof(ins[0]), &st);
		bh_obj_spec_free(spec);
	}
	printf("  net vs kernel: %d programs, %d runs, %d mismatches, %d refused by the "
	       "kernel\n",
	       st.programs, st.runs, st.mismatches, st.k_refused);
	CHECK_EQ(st.k_refused, 0);
	bpfhost__free(rt);
}
