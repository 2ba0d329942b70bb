/* SPDX-License-Identifier: MIT */
/*
 * XDP programs compiled from C for Linux (tests/net/xdp_view.bpf.c, with
 * clang and libbpf's headers): they read struct xdp_md, whose data /
 * data_end / data_meta are 32-bit fields, so they only run correctly once
 * their context accesses are rewritten to the real context.
 *
 *  - ext_net_clang_view_load loads them with bpfhost_prog_load, which
 *    verifies them and rewrites their view accesses, and runs them;
 *  - ext_net_clang_view_object does the same through the object API (the
 *    ELF file as clang wrote it) and bpfhost_prog_test_run_opts;
 *  - ext_net_clang_view_verifier rewrites them now, with the verifier
 *    itself (bh_verify, fed the registered type's context descriptor and
 *    helpers the way the load path will), and runs the result: the view
 *    this extension declares is checked end to end today.
 */
#include "../net/net_testutil.h"
#include "runtime/runtime.h"
#include "verifier/verifier.h"

struct progs {
	struct bh_obj_spec *spec;
	const struct bh_prog_spec *eth, *strip, *meta;
};

static int open_progs(struct progs *p)
{
	int err;

	memset(p, 0, sizeof(*p));
	err = net_view_obj(&p->spec);
	if (err)
		return err;
	p->eth = bh_obj_spec_find_prog(p->spec, "xdp_ethertype");
	p->strip = bh_obj_spec_find_prog(p->spec, "xdp_strip");
	p->meta = bh_obj_spec_find_prog(p->spec, "xdp_meta");
	CHECK(p->eth && p->strip && p->meta);
	if (!p->eth || !p->strip || !p->meta)
		return -ENOENT;
	CHECK_STR(p->eth->sec_name, "xdp");
	return 0;
}

static int load(struct bpfhost *rt, const char *name, const struct bpfhost_insn *insns, size_t cnt,
		int trusted)
{
	char log[4096] = "";
	BPFHOST_OPTS_INIT(bpfhost_prog_load_opts, o, .trusted = trusted, .log_buf = log,
			  .log_size = sizeof(log));
	int fd = bpfhost_prog_load(rt, "xdp", name, insns, cnt, &o);

	CHECK_MSG(fd > 0, "load of %s: %d %s", name, fd, log);
	return fd;
}

static uint64_t run(int fd, const uint8_t *pkt, uint32_t len, uint32_t ifindex, uint32_t rxq,
		    uint8_t *out, uint32_t *out_len, struct bpfhost_net_xdp_md *md_out)
{
	struct bpfhost_net_xdp_md md = { .ingress_ifindex = ifindex, .rx_queue_index = rxq };
	struct bpfhost_net_xdp_md mo;
	uint8_t ob[128];
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = pkt, .data_size_in = len,
			  .data_out = out ? out : ob, .data_size_out = 128, .ctx_in = &md,
			  .ctx_size_in = sizeof(md), .ctx_out = md_out ? md_out : &mo,
			  .ctx_size_out = sizeof(mo));

	CHECK_EQ(bpfhost_prog_test_run_opts(fd, &o), 0);
	if (out_len)
		*out_len = o.data_size_out;
	return o.retval;
}

/* Run the three programs (fds) and check what Linux would give. */
static void check_progs(int eth, int strip, int meta)
{
	struct bpfhost_net_xdp_md md;
	uint8_t pkt[60], out[128];
	uint32_t len = 0, ifx;

	net_eth(pkt, sizeof(pkt), 0x0800);
	CHECK_U64(run(eth, pkt, 60, 7, 1, NULL, NULL, NULL), 2);
	CHECK_U64(run(eth, pkt, 60, 7, 2, NULL, NULL, NULL), 1); /* another queue */
	CHECK_U64(run(eth, pkt, 60, 8, 1, NULL, NULL, NULL), 1);
	net_eth(pkt, sizeof(pkt), 0x0806);
	CHECK_U64(run(eth, pkt, 60, 7, 1, NULL, NULL, NULL), 3);
	net_eth(pkt, sizeof(pkt), 0x86dd);
	CHECK_U64(run(eth, pkt, 60, 7, 1, NULL, NULL, NULL), 1);
	net_eth(pkt, sizeof(pkt), 0x1234);
	CHECK_U64(run(eth, pkt, 60, 7, 1, NULL, NULL, NULL), 0);

	net_eth(pkt, sizeof(pkt), 0x0800);
	pkt[14] = 0x45;
	CHECK_U64(run(strip, pkt, 60, 0, 0, out, &len, NULL), 2);
	CHECK_EQ(len, 46);
	CHECK(!memcmp(out, pkt + 14, 46));
	pkt[14] = 0x60;
	CHECK_U64(run(strip, pkt, 60, 0, 0, NULL, NULL, NULL), 1);
	/* 14 bytes: adjust_head would leave an empty packet, -EINVAL: ABORTED */
	CHECK_U64(run(strip, pkt, 14, 0, 0, NULL, NULL, NULL), 0);

	CHECK_U64(run(meta, pkt, 60, 0x01020304, 0, out, &len, &md), 2);
	CHECK_EQ(len, 64);
	memcpy(&ifx, out, 4);
	CHECK_EQ(ifx, 0x01020304);
	CHECK(!memcmp(out + 4, pkt, 60));
	CHECK_EQ(md.data, 4);
	CHECK_EQ(md.data_end, 64);
}

TEST(ext_net_clang_view_load)
{
	struct bpfhost *rt;
	struct progs p;
	int mode, eth, strip, meta;

	NEED_NET();
	if (open_progs(&p) == -ENOENT && !p.spec)
		SKIP("%s", net_why);
	rt = net_rt(NULL);
	if (!rt || !p.eth)
		goto out;
	/* loads verify and rewrite struct xdp_md accesses to the real context */
	mode = net_view_mode(rt);
	CHECK_EQ(mode, 1);
	eth = load(rt, "xdp_ethertype", p.eth->insns, p.eth->insn_cnt, 0);
	strip = load(rt, "xdp_strip", p.strip->insns, p.strip->insn_cnt, 0);
	meta = load(rt, "xdp_meta", p.meta->insns, p.meta->insn_cnt, 0);
	if (mode == 1 && eth > 0 && strip > 0 && meta > 0)
		check_progs(eth, strip, meta);
	bpfhost__free(rt);
	bh_obj_spec_free(p.spec);
	return;
out:
	if (rt)
		bpfhost__free(rt);
	bh_obj_spec_free(p.spec);
}

TEST(ext_net_clang_view_object)
{
	struct bpfhost_object *obj = NULL;
	struct bpfhost_program *eth, *strip, *meta;
	struct bpfhost *rt;
	const char *path;

	NEED_NET();
	path = net_view_obj_path();
	if (!path)
		SKIP("%s", net_why);
	rt = net_rt(NULL);
	CHECK(rt != NULL);
	if (!rt)
		return;
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	/* section "xdp" resolves to the xdp type; every program is verified */
	CHECK_EQ(bpfhost_object__load(obj), 0);
	eth = bpfhost_object__find_program_by_name(obj, "xdp_ethertype");
	strip = bpfhost_object__find_program_by_name(obj, "xdp_strip");
	meta = bpfhost_object__find_program_by_name(obj, "xdp_meta");
	CHECK(eth && strip && meta);
	if (eth && strip && meta) {
		CHECK_STR(bpfhost_program__type_name(eth), BPFHOST_NET_PROG_TYPE_XDP);
		check_progs(bpfhost_program__fd(eth), bpfhost_program__fd(strip),
			    bpfhost_program__fd(meta));
	}
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

static const struct bpfhost_helper_proto *find_helper(void *cookie, uint32_t id)
{
	return bh_type_find_helper(cookie, id);
}

/* The program rewritten by the verifier against the registered type; NULL on refusal. */
static struct bpfhost_insn *rewrite(const struct bpfhost_prog_type *type,
				    const struct bh_prog_spec *ps)
{
	struct bh_verifier_input in = {
		.insns = ps->insns,
		.insn_cnt = ps->insn_cnt,
		.ctx = &type->ctx_desc,
		.ret_min = type->desc.ret_min,
		.ret_max = type->desc.ret_max,
		.find_helper = find_helper,
		.cookie = (void *)type,
	};
	struct bh_verifier_result res;
	struct bh_log log = BH_LOG_INIT;
	int err;

	memset(&res, 0, sizeof(res));
	err = bh_verify(&in, &res, &log);
	CHECK_MSG(!err, "%s refused: %s", ps->name, bh_log_text(&log));
	bh_log_free(&log);
	if (err) {
		free(res.insns);
		return NULL;
	}
	CHECK_MSG(res.insns != NULL, "%s: nothing was rewritten", ps->name);
	/* r0 stays within XDP_ABORTED..XDP_REDIRECT */
	CHECK_MSG(res.r0.umax <= 4, "%s: r0 up to %llu", ps->name, (unsigned long long)res.r0.umax);
	return res.insns;
}

TEST(ext_net_clang_view_verifier)
{
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_insn *e = NULL, *s = NULL, *m = NULL;
	const struct bpfhost_prog_type *type;
	struct bpfhost *rt;
	struct progs p;

	NEED_NET();
	if (open_progs(&p) == -ENOENT && !p.spec)
		SKIP("%s", net_why);
	rt = net_rt(&ext);
	if (!rt || !p.eth)
		goto out;
	type = bpfhost_extension__prog_type(ext, "xdp");
	e = rewrite(type, p.eth);
	s = rewrite(type, p.strip);
	m = rewrite(type, p.meta);
	if (e && s && m) {
		/* data and data_end became 64-bit loads of the real fields */
		CHECK_EQ(e[0].code, 0x79);
		CHECK_EQ(e[0].off, 8);
		CHECK_EQ(e[1].code, 0x79);
		CHECK_EQ(e[1].off, 0);
		check_progs(load(rt, "eth_rw", e, p.eth->insn_cnt, 1),
			    load(rt, "strip_rw", s, p.strip->insn_cnt, 1),
			    load(rt, "meta_rw", m, p.meta->insn_cnt, 1));
	}
out:
	free(e);
	free(s);
	free(m);
	if (rt)
		bpfhost__free(rt);
	bh_obj_spec_free(p.spec);
}
