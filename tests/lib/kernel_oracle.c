/* SPDX-License-Identifier: MIT */
/*
 * Kernel oracle (see kernel_oracle.h): wrapping a body for each side,
 * loading it into the kernel (with a second, logged load to learn why when
 * it is refused), running it on both sides packet by packet and comparing
 * r0 and the output packet.
 *
 * The kernel reports r0 through element 0 of an 8-byte ARRAY map: before
 * each run it is reset to a sentinel, so a run that never reached the
 * epilog cannot pass for a result.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "kernel_bpf.h"
#include "kernel_oracle.h"

#define VLOG_SZ (1u << 20)
#define SENTINEL 0x5e5e5e5e0badf00dull
#define OUT_CAP 4096
/* Instructions of the kernel wrapper in front of the body. */
#define KWRAP_LEN 16
/* Instructions of the bpfhost wrapper in front of the body. */
#define UWRAP_LEN 4

#define INSN(c, d, s, o, i)     \
	((struct bpfhost_insn){ \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/*
 * XDP prolog/epilog around a body placed at KWRAP_LEN:
 *    0: r2 = xdp_md->data          8: call body
 *    1: r3 = xdp_md->data_end      9: r1 = &map[0] (lddw map_value, 2 slots)
 *    2: r4 = r2                   11: *(u64 *)(r1 + 0) = r0
 *    3: r4 += MIN_PKT             12: r0 = XDP_PASS
 *    4: if r4 > r3 goto 14        13: exit
 *    5: r1 = r2                   14: r0 = XDP_DROP
 *    6: r2 = r3                   15: exit
 *    7: r2 -= r1 (length)
 * The pointer subtraction in 7 is allowed to privileged programs only.
 */
static void kernel_wrap(struct bpfhost_insn *p, int map_fd)
{
	p[0] = INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, offsetof(struct xdp_md, data), 0);
	p[1] = INSN(BPF_LDX | BPF_MEM | BPF_W, 3, 1, offsetof(struct xdp_md, data_end), 0);
	p[2] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0);
	p[3] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, BH_KORACLE_MIN_PKT);
	p[4] = INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 14 - 5, 0);
	p[5] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 0, 0);
	p[6] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 3, 0, 0);
	p[7] = INSN(BPF_ALU64 | BPF_SUB | BPF_X, 2, 1, 0, 0);
	p[8] = INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, KWRAP_LEN - 9);
	p[9] = INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_VALUE, 0, map_fd);
	p[10] = INSN(0, 0, 0, 0, 0); /* offset 0 into the value */
	p[11] = INSN(BPF_STX | BPF_MEM | BPF_DW, 1, 0, 0, 0);
	p[12] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS);
	p[13] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	p[14] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_DROP);
	p[15] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* r3 = r1 + r2; call body; exit — the body placed at UWRAP_LEN. */
static void user_wrap(struct bpfhost_insn *p)
{
	p[0] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 3, 1, 0, 0);
	p[1] = INSN(BPF_ALU64 | BPF_ADD | BPF_X, 3, 2, 0, 0);
	p[2] = INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, UWRAP_LEN - 3);
	p[3] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static struct bpfhost_insn *wrapped(const struct bpfhost_insn *body, size_t cnt, size_t pre)
{
	struct bpfhost_insn *p = calloc(cnt + pre, sizeof(*p));

	if (p)
		memcpy(p + pre, body, cnt * sizeof(*p));
	return p;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);

	return n >= pl && !memcmp(s, prefix, pl);
}

/*
 * Lines of a verifier log that are not its verdict: the instruction and
 * state trace ("12: (bf) r1 = r2", "12: R1=ctx()"), the state dumps after
 * a loop was detected, and the statistics it always appends.
 */
static bool is_trace_line(const char *s, size_t n)
{
	static const char *const prefixes[] = { "processed ", "verification time", "stack depth",
						"cur state:", "old state:" };
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (starts_with(s, n, prefixes[i]))
			return true;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	return i > 0 && i < n && s[i] == ':';
}

void bh_koracle_verifier_reason(const char *log, char *out, size_t out_sz)
{
	const char *end = log + strlen(log), *best = NULL;
	size_t best_len = 0;

	while (end > log) {
		const char *line_end = end, *line;

		while (line_end > log && line_end[-1] == '\n')
			line_end--;
		line = line_end;
		while (line > log && line[-1] != '\n')
			line--;
		end = line;
		if (line == line_end || is_trace_line(line, line_end - line))
			continue;
		best = line;
		best_len = line_end - line;
		break;
	}
	if (!best) {
		snprintf(out, out_sz, "(empty verifier log)");
		return;
	}
	snprintf(out, out_sz, "%.*s", (int)best_len, best);
}

static void note_reason(struct bh_koracle *o, const char *reason)
{
	unsigned int i;

	for (i = 0; i < o->nreasons; i++) {
		if (!strcmp(o->reasons[i].text, reason)) {
			o->reasons[i].count++;
			return;
		}
	}
	if (o->nreasons == BH_KORACLE_MAX_REASONS) {
		o->other_reasons++;
		return;
	}
	snprintf(o->reasons[o->nreasons].text, sizeof(o->reasons[0].text), "%s", reason);
	o->reasons[o->nreasons++].count = 1;
}

struct bpfhost_insn *bh_koracle_wrap_xdp(const struct bpfhost_insn *body, size_t cnt, int map_fd,
					 size_t *out_cnt)
{
	struct bpfhost_insn *p = wrapped(body, cnt, KWRAP_LEN);

	if (!p)
		return NULL;
	kernel_wrap(p, map_fd);
	*out_cnt = cnt + KWRAP_LEN;
	return p;
}

/* Program fd, or -errno with the verifier's reason in reason. */
static int kernel_load(struct bh_koracle *o, const struct bpfhost_insn *body, size_t cnt,
		       char *reason, size_t reason_sz)
{
	struct bpfhost_insn *p = wrapped(body, cnt, KWRAP_LEN);
	int fd, err;

	if (!p) {
		snprintf(reason, reason_sz, "out of memory");
		return -ENOMEM;
	}
	kernel_wrap(p, o->map_fd);
	fd = bh_kbpf_prog_load_xdp(p, cnt + KWRAP_LEN, 0, NULL, 0);
	if (fd < 0) {
		/* again with a log, to learn why */
		err = bh_kbpf_prog_load_xdp(p, cnt + KWRAP_LEN, 1, o->vlog, o->vlog_sz);
		if (err >= 0) {
			close(err);
			snprintf(reason, reason_sz, "refused only without a log: %s",
				 strerror(-fd));
		} else {
			bh_koracle_verifier_reason(o->vlog, reason, reason_sz);
		}
	}
	free(p);
	return fd;
}

static void print_hex(FILE *out, const char *label, const uint8_t *b, size_t n)
{
	size_t i;

	fprintf(out, "    %s (%zu bytes):", label, n);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%02x", i % 32 ? " " : "\n      ", b[i]);
	fputc('\n', out);
}

struct side {
	uint64_t r0;
	const uint8_t *data;
	size_t len;
	const char *error; /* the run failed: why */
};

static void print_mismatch(FILE *out, const char *head, const char *name,
			   const struct bpfhost_insn *body, size_t cnt, size_t pkt_idx,
			   const struct bh_kpacket *pkt, const struct side *k, const struct side *u)
{
	size_t i;

	fprintf(out, "  %s %s, packet %zu:\n", head, name, pkt_idx);
	if (k->error)
		fprintf(out, "    kernel:  %s\n", k->error);
	else
		fprintf(out, "    kernel:  r0 = 0x%016" PRIx64 " (%" PRId64 ")\n", k->r0,
			(int64_t)k->r0);
	if (u->error)
		fprintf(out, "    bpfhost: %s\n", u->error);
	else
		fprintf(out, "    bpfhost: r0 = 0x%016" PRIx64 " (%" PRId64 ")\n", u->r0,
			(int64_t)u->r0);
	print_hex(out, "packet in", pkt->data, pkt->len);
	if (!k->error && !u->error) {
		for (i = 0; i < k->len && i < u->len && k->data[i] == u->data[i]; i++)
			;
		if (i < k->len || i < u->len) {
			fprintf(out, "    output packets differ from byte %zu\n", i);
			print_hex(out, "kernel out", k->data, k->len);
			print_hex(out, "bpfhost out", u->data, u->len);
		}
	}
	fprintf(out, "    body (r1 = data, r2 = length, r3 = data end):\n");
	if (bpfhost_disasm_fprint(out, body, cnt, BPFHOST_DISASM_UBPF) < 0)
		fprintf(out, "    (body does not disassemble)\n");
}

static int run_kernel(struct bh_koracle *o, int prog_fd, const struct bh_kpacket *pkt,
		      uint8_t *out_buf, struct side *k, FILE *out)
{
	uint64_t v = SENTINEL;
	struct bh_kbpf_run run = {
		.data_in = pkt->data,
		.size_in = pkt->len,
		.data_out = out_buf,
		.size_out = OUT_CAP,
	};
	int err;

	err = bh_kbpf_map_update(o->map_fd, 0, &v);
	if (!err)
		err = bh_kbpf_test_run(prog_fd, &run);
	if (!err)
		err = bh_kbpf_map_lookup(o->map_fd, 0, &v);
	if (err) {
		fprintf(out, "  kernel oracle: bpf() failed during a run: %s\n", strerror(-err));
		return err;
	}
	if (run.retval != XDP_PASS) {
		fprintf(out, "  kernel oracle: wrapper returned %u instead of XDP_PASS\n",
			run.retval);
		return -EPROTO;
	}
	k->r0 = v;
	k->data = out_buf;
	k->len = run.size_out;
	k->error = NULL;
	return 0;
}

struct bpfhost_vm *bh_koracle_user_load(const struct bpfhost_insn *body, size_t cnt, char *log,
					size_t log_sz)
{
	BPFHOST_OPTS_INIT(bpfhost_vm_opts, vo, .log_buf = log, .log_size = log_sz);
	struct bpfhost_insn *p = wrapped(body, cnt, UWRAP_LEN);
	struct bpfhost_vm *vm;
	int err;

	if (!p) {
		snprintf(log, log_sz, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	user_wrap(p);
	vm = bpfhost_vm__load(p, cnt + UWRAP_LEN, &vo);
	err = errno;
	free(p);
	errno = err;
	return vm;
}

int bh_koracle_compare(struct bh_koracle *o, FILE *out, const char *name,
		       const struct bpfhost_insn *body, size_t cnt, const struct bh_kpacket *pkts,
		       size_t npkts, unsigned int flags, char *reason, size_t reason_sz)
{
	bool known = flags & BH_KORACLE_F_KNOWN_DIVERGENCE;
	char rbuf[BH_KORACLE_REASON_SZ], ulog[512] = "";
	struct bpfhost_vm *vm = NULL;
	uint8_t *kout = NULL, *ubuf = NULL;
	bool mismatch = false;
	int prog_fd, ret = 0;
	size_t i;

	o->programs++;
	prog_fd = kernel_load(o, body, cnt, rbuf, sizeof(rbuf));
	if (prog_fd < 0) {
		o->refused++;
		note_reason(o, rbuf);
		if (reason)
			snprintf(reason, reason_sz, "%s", rbuf);
		return BH_KORACLE_REFUSED;
	}

	kout = malloc(OUT_CAP);
	ubuf = malloc(BH_KORACLE_MAX_PKT);
	if (!kout || !ubuf) {
		ret = -ENOMEM;
		fprintf(out, "  kernel oracle: out of memory\n");
		goto out;
	}
	vm = bh_koracle_user_load(body, cnt, ulog, sizeof(ulog));

	for (i = 0; i < npkts; i++) {
		const struct bh_kpacket *pkt = &pkts[i];
		struct side k = { 0 }, u = { 0 };
		char uerr[600];
		int err;

		if (pkt->len < BH_KORACLE_MIN_PKT || pkt->len > BH_KORACLE_MAX_PKT) {
			fprintf(out,
				"  kernel oracle: %s: packet %zu has %u bytes (%d..%d allowed)\n",
				name, i, pkt->len, BH_KORACLE_MIN_PKT, BH_KORACLE_MAX_PKT);
			ret = -EINVAL;
			goto out;
		}
		ret = run_kernel(o, prog_fd, pkt, kout, &k, out);
		if (ret)
			goto out;
		o->runs++;

		memcpy(ubuf, pkt->data, pkt->len);
		u.data = ubuf;
		u.len = pkt->len;
		if (!vm) {
			snprintf(uerr, sizeof(uerr), "load refused: %s", ulog);
			u.error = uerr;
		} else {
			err = bpfhost_vm__run(vm, (uint64_t)(uintptr_t)ubuf, pkt->len, &u.r0);
			if (err) {
				snprintf(uerr, sizeof(uerr), "run failed: %s", strerror(-err));
				u.error = uerr;
			}
		}
		if (u.error || k.r0 != u.r0 || k.len != u.len || memcmp(k.data, u.data, k.len)) {
			print_mismatch(out, known ? "known kernel divergence" : "MISMATCH", name,
				       body, cnt, i, pkt, &k, &u);
			mismatch = true;
			break;
		}
	}
	if (!mismatch) {
		ret = BH_KORACLE_AGREE;
		o->agree++;
	} else if (known) {
		ret = BH_KORACLE_KNOWN_DIVERGENCE;
		o->known++;
	} else {
		ret = BH_KORACLE_MISMATCH;
		o->mismatch++;
	}
out:
	bpfhost_vm__free(vm);
	free(kout);
	free(ubuf);
	close(prog_fd);
	return ret;
}

static int read_jit_setting(void)
{
	FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int bh_koracle_open(struct bh_koracle *o, char *why, size_t why_sz)
{
	/* r0 = INT64_MIN s/ -1 (ISA v4: sdiv); exit */
	static const struct bpfhost_insn probe[] = {
		INSN(BPF_LD | BPF_DW | BPF_IMM, 0, 0, 0, 0),
		INSN(0, 0, 0, 0, (int32_t)0x80000000),
		INSN(BPF_ALU64 | BPF_DIV | BPF_K, 0, 0, 1, -1),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	static const uint8_t pkt[BH_KORACLE_MIN_PKT];
	struct bh_kpacket p = { pkt, sizeof(pkt) };
	char reason[BH_KORACLE_REASON_SZ];
	struct side k;
	uint8_t out_buf[OUT_CAP];
	int fd, err;
	FILE *null_out;

	memset(o, 0, sizeof(*o));
	o->map_fd = -1;
	o->jit = read_jit_setting();
	if (geteuid() != 0) {
		snprintf(why, why_sz, "not root (it needs the bpf() syscall as root)");
		return -EPERM;
	}
	o->map_fd = bh_kbpf_array_create(sizeof(uint64_t), 1);
	if (o->map_fd < 0) {
		err = o->map_fd;
		snprintf(why, why_sz, "bpf(BPF_MAP_CREATE) failed: %s", strerror(-err));
		o->map_fd = -1;
		return err;
	}
	o->vlog_sz = VLOG_SZ;
	o->vlog = malloc(o->vlog_sz);
	if (!o->vlog) {
		snprintf(why, why_sz, "out of memory");
		bh_koracle_close(o);
		return -ENOMEM;
	}
	fd = kernel_load(o, probe, sizeof(probe) / sizeof(probe[0]), reason, sizeof(reason));
	if (fd < 0) {
		snprintf(why, why_sz, "bpf(BPF_PROG_LOAD) of an XDP ISA v4 probe failed: %s (%s)",
			 strerror(-fd), reason);
		bh_koracle_close(o);
		return fd;
	}
	null_out = fopen("/dev/null", "w");
	err = null_out ? run_kernel(o, fd, &p, out_buf, &k, null_out) : -errno;
	if (null_out)
		fclose(null_out);
	close(fd);
	if (!err && k.r0 != 0x8000000000000000ull)
		err = -EPROTO;
	if (err) {
		snprintf(why, why_sz, "bpf(BPF_PROG_TEST_RUN) of the XDP probe failed: %s",
			 strerror(-err));
		bh_koracle_close(o);
		return err;
	}
	return 0;
}

void bh_koracle_close(struct bh_koracle *o)
{
	if (o->map_fd >= 0)
		close(o->map_fd);
	o->map_fd = -1;
	free(o->vlog);
	o->vlog = NULL;
}

void bh_koracle_summary(const struct bh_koracle *o, FILE *out, const char *label)
{
	unsigned int i;

	fprintf(out,
		"%s: kernel oracle: %u programs compared, %u agree, %u mismatch, "
		"%u refused by kernel",
		label, o->programs, o->agree, o->mismatch, o->refused);
	if (o->refused) {
		fprintf(out, " (");
		for (i = 0; i < o->nreasons; i++)
			fprintf(out, "%s%u x \"%s\"", i ? "; " : "", o->reasons[i].count,
				o->reasons[i].text);
		if (o->other_reasons)
			fprintf(out, "; %u with other reasons", o->other_reasons);
		fprintf(out, ")");
	}
	if (o->known)
		fprintf(out, "; %u known kernel divergence%s", o->known, o->known > 1 ? "s" : "");
	fprintf(out, "; %lu packet runs, kernel %s\n", o->runs,
		o->jit > 0    ? "JIT"
		: o->jit == 0 ? "interpreter"
			      : "JIT setting unknown");
}
