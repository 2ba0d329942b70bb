/* SPDX-License-Identifier: MIT */
/*
 * Shared by the net extension's unit tests (tests/unit/test_ext_net*.c):
 * weak references to the extension (linked by extensions/net/build.mk),
 * an instance with the extension registered, packet builders, and XDP
 * programs in the project's assembly dialect whose context accesses adapt
 * to how the runtime loads them.
 *
 * Context accesses. The xdp type declares the struct xdp_md view. Until
 * bpfhost_prog_load runs the verifier, programs are loaded as they are
 * and read the real context (64-bit pointers at 0, 8, 16, u32 fields at
 * 24, 28, 32). Once the verifier's view rewriting is in the load path,
 * every context access is an access of the view (u32 fields at 0..20),
 * rewritten to the real field. net_view_mode() finds out which applies by
 * running a probe that only reads the context (no packet access, so it is
 * harmless either way); the programs below write `@FIELD %rD, %rB` for a
 * load of a context field into rD from the context in rB, and
 * net_asm_expand turns that into the right instruction. While loads do not
 * verify, net_load also runs the verifier on the view form of each program
 * (bh_verify against the registered type), so the programs are known to
 * pass when they do.
 */
#ifndef BH_TESTS_NET_TESTUTIL_H
#define BH_TESTS_NET_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../../extensions/net/net.h"
#include "../unit/test_runtime_util.h"
#include "loader/obj_spec.h"
#include "runtime/runtime.h"
#include "verifier/verifier.h"

#pragma weak bpfhost_net_extension
#pragma weak bpfhost_net_last_error
#pragma weak bpfhost_net_xdp_run
#pragma weak bpfhost_net_xdp_run_batch
#pragma weak bpfhost_net_pcap_replay

#define NEED_NET()                                                                              \
	do {                                                                                    \
		if (!bpfhost_net_extension || !bpfhost_net_xdp_run || !bpfhost_net_pcap_replay) \
			SKIP("net extension not linked (include extensions/*/build.mk)");       \
	} while (0)

/* ---- context field loads ---- */

struct net_field {
	const char *name;
	unsigned view_off, real_off, real_size;
};

static const struct net_field net_fields[] = {
	{ "data", 0, 0, 8 },
	{ "data_end", 4, 8, 8 },
	{ "data_meta", 8, 16, 8 },
	{ "ingress_ifindex", 12, 24, 4 },
	{ "rx_queue_index", 16, 28, 4 },
	{ "egress_ifindex", 20, 32, 4 },
};

/*
 * Expand `@FIELD %rD, %rB` lines; view selects the xdp_md encoding.
 * Returns a malloc'ed text, NULL on an unknown field.
 */
__attribute__((unused)) static char *net_asm_expand(const char *src, int view)
{
	size_t cap = strlen(src) * 2 + 256, len = 0;
	char *out = malloc(cap);
	const char *p = src;

	if (!out)
		return NULL;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[256], name[32], dst[8], base[8];
		size_t i;

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (line[0] == '@') {
			const struct net_field *f = NULL;

			if (sscanf(line, "@%31s %7[^,], %7s", name, dst, base) != 3) {
				free(out);
				return NULL;
			}
			for (i = 0; i < sizeof(net_fields) / sizeof(net_fields[0]); i++)
				if (!strcmp(net_fields[i].name, name))
					f = &net_fields[i];
			if (!f) {
				free(out);
				return NULL;
			}
			if (view)
				snprintf(line, sizeof(line), "ldxw %s, [%s+%u]", dst, base,
					 f->view_off);
			else
				snprintf(line, sizeof(line), "%s %s, [%s+%u]",
					 f->real_size == 8 ? "ldxdw" : "ldxw", dst, base,
					 f->real_off);
		}
		len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
		p = nl ? nl + 1 : p + n;
	}
	return out;
}

/*
 * Probe: XDP_PASS when data_end - data == 14, read through the view.
 * Without view rewriting it reads halves of the data pointer and drops.
 */
static const char *net_view_probe = "ldxw %r2, [%r1+0]\n"
				    "ldxw %r3, [%r1+4]\n"
				    "mov %r0, 1\n"
				    "mov %r4, %r2\n"
				    "add %r4, 14\n"
				    "jgt %r4, %r3, out\n"
				    "add %r4, 1\n"
				    "jle %r4, %r3, out\n"
				    "mov %r0, 2\n"
				    "out:\n"
				    "exit\n";

/* 1: loads rewrite xdp_md accesses; 0: they do not; -1: probe failed. */
__attribute__((unused)) static int net_view_mode(struct bpfhost *rt)
{
	static int mode = -2;
	unsigned char pkt[14] = { 0 };
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
	char log[1024] = "";
	int fd;

	if (mode != -2)
		return mode;
	fd = rt_load(rt, BPFHOST_NET_PROG_TYPE_XDP, "view_probe", net_view_probe, log, sizeof(log));
	if (fd < 0) {
		printf("  view probe did not load (%d): %s\n", fd, log);
		return -1;
	}
	if (bpfhost_prog_test_run_opts(fd, &o))
		mode = -1;
	else
		mode = o.retval == BPFHOST_NET_XDP_PASS;
	bpfhost_close(fd);
	return mode;
}

__attribute__((unused)) static const struct bpfhost_helper_proto *net_find_helper(void *cookie,
										  uint32_t id)
{
	return bh_type_find_helper(cookie, id);
}

/*
 * While loads do not verify yet: verify the view form of a program with
 * the verifier itself against the registered xdp type, so that the test
 * programs are known to pass once loads verify. 0 or the verifier's error
 * (its log in net_verify_log).
 */
static char net_verify_log[4096];

__attribute__((unused)) static int net_verify_view(struct bpfhost *rt, const char *name,
						   const char *text)
{
	struct bh_verifier_input in = { 0 };
	struct bh_verifier_result res;
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_prog_type *type;
	struct bpfhost_insn *insns;
	char *src = net_asm_expand(text, 1);
	size_t cnt = 0;
	int err;

	pthread_mutex_lock(&rt->lock);
	type = bh_find_prog_type_locked(rt, BPFHOST_NET_PROG_TYPE_XDP);
	pthread_mutex_unlock(&rt->lock);
	insns = src && type ? rt_asm(src, &cnt) : NULL;
	free(src);
	if (!insns)
		return -EINVAL;
	in.insns = insns;
	in.insn_cnt = cnt;
	in.ctx = &type->ctx_desc;
	in.ret_min = type->desc.ret_min;
	in.ret_max = type->desc.ret_max;
	in.find_helper = net_find_helper;
	in.cookie = type;
	memset(&res, 0, sizeof(res));
	err = bh_verify(&in, &res, &log);
	snprintf(net_verify_log, sizeof(net_verify_log), "%s", bh_log_text(&log));
	bh_log_free(&log);
	free(res.insns);
	bpfhost_insns_free(insns);
	return err;
}

/* Load a program written with @FIELD loads; fd or -errno, log in log. */
__attribute__((unused)) static int net_load(struct bpfhost *rt, const char *name, const char *text,
					    char *log, size_t log_size)
{
	int view = net_view_mode(rt);
	char *src;
	int fd;

	if (view < 0)
		return -EIO;
	if (!view)
		CHECK_MSG(!net_verify_view(rt, name, text),
			  "program '%s' (view form) refused by the verifier: %s", name,
			  net_verify_log);
	src = net_asm_expand(text, view);
	if (!src)
		return -EINVAL;
	fd = rt_load(rt, BPFHOST_NET_PROG_TYPE_XDP, name, src, log, log_size);
	free(src);
	return fd;
}

/* ---- the C programs of tests/net/xdp_view.bpf.c ---- */

static char net_why[1024];

/* tests/net/xdp_view.bpf.c compiled into the build directory, or NULL + why. */
__attribute__((unused)) static const char *net_view_obj_path(void)
{
	static char path[512];
	const char *src = "tests/net/xdp_view.bpf.c";
	struct stat ss, os;
	char cmd[2048];
	int st;

	snprintf(path, sizeof(path), "%s/net/xdp_view.bpf.o", bh_test_build_dir());
	if (stat(src, &ss)) {
		snprintf(net_why, sizeof(net_why), "%s not found (run from the repository root)",
			 src);
		return NULL;
	}
	if (!stat(path, &os) && os.st_mtime >= ss.st_mtime)
		return path;
	if (system("command -v clang >/dev/null 2>&1")) {
		snprintf(net_why, sizeof(net_why), "clang is not installed");
		return NULL;
	}
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/net && clang -O2 -g -target bpf "
		 "-I/usr/include/$(gcc -print-multiarch 2>/dev/null) -c %s -o %s 2>%s.err",
		 bh_test_build_dir(), src, path, path);
	st = system(cmd);
	if (st) {
		snprintf(net_why, sizeof(net_why),
			 "compiling %s failed (see %s.err; libbpf-dev missing?)", src, path);
		return NULL;
	}
	return path;
}

/*
 * The parsed object of tests/net/xdp_view.bpf.c: 0, or -ENOENT (not
 * compiled: reason in net_why) or the parser's error (a failed check).
 */
__attribute__((unused)) static int net_view_obj(struct bh_obj_spec **spec)
{
	struct bh_log log = BH_LOG_INIT;
	const char *path = net_view_obj_path();
	size_t len = 0;
	char *buf;
	int err;

	*spec = NULL;
	if (!path)
		return -ENOENT;
	buf = bh_test_read_file(path, &len);
	if (!buf) {
		snprintf(net_why, sizeof(net_why), "cannot read %s", path);
		return -ENOENT;
	}
	err = bh_obj_spec_open_mem(buf, len, "xdp_view", spec, &log);
	free(buf);
	CHECK_MSG(!err, "%s: %s", path, bh_log_text(&log));
	bh_log_free(&log);
	return err;
}

/* A new instance with the net extension registered (*ext may be NULL). */
__attribute__((unused)) static struct bpfhost *net_rt(struct bpfhost_extension **ext)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_extension *e;

	if (!rt)
		return NULL;
	e = bpfhost_extension__register(rt, bpfhost_net_extension());
	if (!e) {
		printf("  net extension refused: %s\n", rt_msgs);
		bpfhost__free(rt);
		return NULL;
	}
	if (ext)
		*ext = e;
	return rt;
}

/* Ethernet frame of len bytes: dst, src MACs, ethertype, payload i & 0xff. */
__attribute__((unused)) static void net_eth(uint8_t *p, size_t len, uint16_t ethertype)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)i;
	if (len >= 14) {
		p[12] = (uint8_t)(ethertype >> 8);
		p[13] = (uint8_t)ethertype;
	}
}

/*
 * Verdict by ethertype: IPv4 PASS, ARP TX, IPv6 DROP, anything else
 * ABORTED; a packet shorter than an Ethernet header ABORTED.
 */
__attribute__((unused)) static const char *net_prog_ethertype = "@data %r2, %r1\n"
								"@data_end %r3, %r1\n"
								"mov %r0, 0\n"
								"mov %r4, %r2\n"
								"add %r4, 14\n"
								"jgt %r4, %r3, out\n"
								"ldxh %r5, [%r2+12]\n"
								"mov %r0, 2\n"
								"jeq %r5, 0x0008, out\n"
								"mov %r0, 3\n"
								"jeq %r5, 0x0608, out\n"
								"mov %r0, 1\n"
								"jeq %r5, 0xdd86, out\n"
								"mov %r0, 0\n"
								"out:\n"
								"exit\n";

#endif /* BH_TESTS_NET_TESTUTIL_H */
