/* SPDX-License-Identifier: MIT */
/*
 * The kernel oracle: run one program body in the Linux kernel and in bpfhost
 * and compare what it computed.
 *
 * A body follows the conformance convention extended by one register: it is
 * entered with r1 = packet data, r2 = packet length, r3 = r1 + r2 (the end
 * of the packet, which the kernel verifier needs to accept bounds checks),
 * and ends with exit leaving a 64-bit result in r0. The first
 * BH_KORACLE_MIN_PKT bytes may be read and written without a check; anything
 * further must be checked against r3.
 *
 * For the kernel the body becomes a bpf-to-bpf subprogram of an XDP program
 * whose prolog derives r1/r2/r3 from xdp_md, checks the minimum length and
 * calls it; the epilog stores the full r0 into element 0 of an ARRAY map
 * (through a map-value pointer) and returns XDP_PASS. It runs with
 * BPF_PROG_TEST_RUN. For bpfhost the body is called the same way from a
 * three-instruction prolog (r3 = r1 + r2; call; exit) through the engine API
 * with r1 = a private copy of the packet. r0 and the output packet bytes
 * must agree. Programs the kernel refuses are counted apart with the
 * verifier's reason, and never run in bpfhost (the engine API trusts them).
 */
#ifndef BH_TESTS_KERNEL_ORACLE_H
#define BH_TESTS_KERNEL_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <bpfhost/isa.h>

/* ETH_HLEN: the smallest XDP test input, checked by the prolog. */
#define BH_KORACLE_MIN_PKT 14
/* Largest packet the tier uses (fits one page of XDP test data). */
#define BH_KORACLE_MAX_PKT 1500
/* Distinct refusal reasons kept for the summary. */
#define BH_KORACLE_MAX_REASONS 10
#define BH_KORACLE_REASON_SZ 160

struct bh_kpacket {
	const uint8_t *data;
	uint32_t len;
};

struct bh_koracle_reason {
	char text[BH_KORACLE_REASON_SZ];
	unsigned int count;
};

struct bh_koracle {
	int map_fd;
	char *vlog; /* verifier log buffer */
	size_t vlog_sz;
	unsigned int programs, agree, mismatch, refused;
	/* mismatches the caller declared as known kernel bugs */
	unsigned int known;
	unsigned long runs;
	struct bh_koracle_reason reasons[BH_KORACLE_MAX_REASONS];
	unsigned int nreasons, other_reasons;
	/* /proc/sys/net/core/bpf_jit_enable: 0 interpreter, 1+ JIT, -1 unknown */
	int jit;
};

enum bh_koracle_outcome {
	BH_KORACLE_AGREE,
	BH_KORACLE_MISMATCH,
	BH_KORACLE_REFUSED,
	/* a mismatch the caller expected (BH_KORACLE_F_KNOWN_DIVERGENCE) */
	BH_KORACLE_KNOWN_DIVERGENCE,
};

/* The body reproduces a known kernel bug: a mismatch is expected. */
#define BH_KORACLE_F_KNOWN_DIVERGENCE 0x1u

/*
 * Check that the kernel can serve as oracle here (root, bpf() works, the
 * kernel runs ISA v4 programs with BPF_PROG_TEST_RUN) and set up the result
 * map. Returns 0, or a negative errno with a one-line reason in why.
 */
int bh_koracle_open(struct bh_koracle *o, char *why, size_t why_sz);
/* Close every kernel object the session holds. */
void bh_koracle_close(struct bh_koracle *o);

/*
 * Compare one body over npkts packets (each of BH_KORACLE_MIN_PKT to
 * BH_KORACLE_MAX_PKT bytes). A mismatch is printed to out with the
 * disassembled body, the input and both results (headed "known kernel
 * divergence" and counted apart when flags has BH_KORACLE_F_KNOWN_DIVERGENCE).
 * A kernel refusal puts the verifier's reason into reason (if not NULL).
 * Returns an outcome, or a negative errno when the comparison itself could
 * not be made (printed).
 */
int bh_koracle_compare(struct bh_koracle *o, FILE *out, const char *name,
		       const struct bpfhost_insn *body, size_t cnt, const struct bh_kpacket *pkts,
		       size_t npkts, unsigned int flags, char *reason, size_t reason_sz);

/*
 * Load a body into bpfhost's engine behind the oracle's prolog, so that
 * bpfhost_vm__run(vm, data, len, &r0) runs it with r3 = data + len. NULL
 * (errno set, reason in log) if the engine refuses it.
 */
struct bpfhost_vm *bh_koracle_user_load(const struct bpfhost_insn *body, size_t cnt, char *log,
					size_t log_sz);

/*
 * The whole XDP program the kernel loads for a body: the oracle's prolog
 * and epilog, r0 stored into element 0 of the 8-byte array map map_fd
 * (a kernel or a bpfhost map fd: the same program loads into either).
 * malloc'ed, *out_cnt instructions; NULL on ENOMEM.
 */
struct bpfhost_insn *bh_koracle_wrap_xdp(const struct bpfhost_insn *body, size_t cnt, int map_fd,
					 size_t *out_cnt);

/* The Linux verifier's reason: the last line of its log that is not trace. */
void bh_koracle_verifier_reason(const char *log, char *out, size_t out_sz);

/*
 * "kernel oracle: N programs compared, N agree, N mismatch, N refused by
 * kernel (reasons...)", prefixed by label, then the known divergences if
 * any, the number of packet runs and whether the kernel used its JIT.
 */
void bh_koracle_summary(const struct bh_koracle *o, FILE *out, const char *label);

#endif /* BH_TESTS_KERNEL_ORACLE_H */
