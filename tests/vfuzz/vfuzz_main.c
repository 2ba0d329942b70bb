/* SPDX-License-Identifier: MIT */
/*
 * Time-bounded verifier soundness fuzzer: `vfuzz [--seconds N] [--seed S]`.
 *
 * Generates random programs (tests/lib/vfuzz.c) until the time is up; every
 * program the verifier accepts runs in the interpreter over guarded memory.
 * A memory fault (caught as SIGSEGV/SIGBUS), a run error or an r0 outside
 * the verifier's range is a verifier bug: the seed, the program's number
 * and its disassembly are printed. Ends with programs/s, the accept rate
 * and an "N passed, N failed, 0 skipped" line (one test: the whole run).
 * Re-running with the same seed replays the same programs.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/vfuzz.h"

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig;

static void on_fault(int sig)
{
	fault_sig = sig;
	siglongjmp(fault_jmp, 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--seconds N] [--seed S]\n", prog);
	return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return (errno || end == s || *end) ? -EINVAL : 0;
}

static void report(uint64_t seed, long n, const char *what, const struct bpfhost_insn *p,
		   size_t cnt)
{
	fprintf(stderr, "FAIL vfuzz: seed 0x%llx program %ld: %s\n", (unsigned long long)seed, n,
		what);
	bpfhost_disasm_fprint(stderr, p, cnt, BPFHOST_DISASM_UBPF);
}

int main(int argc, char **argv)
{
	/* static: not clobbered by the siglongjmp out of a fault */
	static uint64_t seconds = 60, seed;
	static struct bpfhost_insn p[VFUZZ_PROG_MAX];
	static struct vfuzz_stats st;
	struct sigaction sa;
	struct vt_run *r;
	volatile long faults = 0, bad = 0;
	double t0, el;
	uint8_t *mem;
	int i, k;

	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			if (parse_u64(argv[++i], &seconds))
				return usage(argv[0]);
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			if (parse_u64(argv[++i], &seed))
				return usage(argv[0]);
		} else {
			return usage(argv[0]);
		}
	}
	r = malloc(sizeof(*r));
	mem = vfuzz_page();
	if (!r || !mem) {
		fprintf(stderr, "vfuzz: cannot map guarded memory\n");
		printf("0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	printf("vfuzz: seed 0x%llx, %llu s\n", (unsigned long long)seed,
	       (unsigned long long)seconds);
	fflush(stdout);
	vfuzz_seed(seed);
	t0 = now_s();
	for (;;) {
		/* the clock is read every 64 programs */
		if ((st.programs & 63) == 0 && now_s() - t0 >= (double)seconds)
			break;
		size_t cnt = vfuzz_gen_any(p);
		long n = st.programs;
		uint64_t r0 = 0;
		enum vfuzz_outcome out;
		char what[1200];

		if (sigsetjmp(fault_jmp, 1)) {
			faults++;
			snprintf(
				what, sizeof(what),
				"signal %d (a memory fault) while verifying or running the program",
				(int)fault_sig);
			report(seed, n, what, p, cnt);
			vt_run_free(r);
			continue;
		}
		out = vfuzz_check(p, cnt, mem, r, &st, &r0);
		if (out == VFUZZ_R0_RANGE) {
			snprintf(what, sizeof(what), "r0 0x%llx outside the verifier's range (%s)",
				 (unsigned long long)r0, r->res.summary);
			report(seed, n, what, p, cnt);
			bad++;
		} else if (out == VFUZZ_LOAD_ERROR || out == VFUZZ_RUN_ERROR) {
			report(seed, n,
			       out == VFUZZ_LOAD_ERROR ? "accepted but not loadable"
						       : "accepted but the run failed",
			       p, cnt);
			bad++;
		}
		vt_run_free(r);
	}
	el = now_s() - t0;
	printf("vfuzz: %ld programs in %.1f s (%.0f programs/s), %ld accepted (%.1f%%), "
	       "%ld runs\n",
	       st.programs, el, el > 0 ? (double)st.programs / el : 0.0, st.accepted,
	       st.programs ? 100.0 * (double)st.accepted / (double)st.programs : 0.0, st.runs);
	printf("vfuzz: faults %ld, r0-range violations %ld, load errors %ld, run errors %ld\n",
	       (long)faults, st.r0_violations, st.load_errors, st.run_errors);
	printf("vfuzz: refusals by rule:");
	for (k = 0; k < BH_VR__COUNT; k++)
		if (st.refusals[k])
			printf(" %s %ld", bh_vrule_name(k), st.refusals[k]);
	printf("\n");
	vfuzz_page_free(mem);
	free(r);
	if (faults || bad) {
		printf("0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	printf("1 passed, 0 failed, 0 skipped\n");
	return 0;
}
