/* SPDX-License-Identifier: MIT */
/*
 * Time-bounded verifier soundness fuzzer: `vfuzz [--seconds N] [--seed S]`.
 *
 * Generates random programs (tests/lib/vfuzz*.c: "mem", "xdp" and "xdp_md"
 * kinds) until the time is up; every program the verifier accepts runs in
 * the interpreter with its context, stack, packet, map values and ringbuf
 * records between guard pages (and, in ASan builds, poisoned around them).
 * A memory fault (caught as SIGSEGV/SIGBUS; under ASan a report, after
 * which the program is printed by a death callback), a run error, an r0
 * outside the verifier's range, a write to a read-only context byte, a
 * helper call against its prototype or a leaked or twice-released ringbuf
 * record is a verifier bug: the seed, the program's number and its
 * disassembly are printed. Ends with programs/s, the accept rate per kind
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

/* under ASan: print the program an ASan report interrupted */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

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

static void report(uint64_t seed, long n, const char *what, const struct vfuzz_prog *p)
{
	fprintf(stderr, "FAIL vfuzz: seed 0x%llx program %ld (%s): %s\n", (unsigned long long)seed,
		n, vfuzz_kind_name(p->kind), what);
	bpfhost_disasm_fprint(stderr, p->insns, p->cnt, BPFHOST_DISASM_UBPF);
}

static uint64_t cur_seed;
static long cur_n;
static const struct vfuzz_prog *cur_prog;

static void on_death(void)
{
	if (cur_prog)
		report(cur_seed, cur_n, "a sanitizer report while verifying or running it",
		       cur_prog);
}

int main(int argc, char **argv)
{
	/* static: not clobbered by the siglongjmp out of a fault */
	static uint64_t seconds = 60, seed;
	static struct vfuzz_prog p;
	static struct vfuzz_stats st;
	struct sigaction sa;
	struct vt_run *r;
	volatile long faults = 0, bad = 0;
	struct vfuzz_env *env;
	double t0, el;
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
	env = vfuzz_env_new();
	if (!r || !env) {
		fprintf(stderr, "vfuzz: cannot map guarded memory\n");
		printf("0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_death);
	cur_seed = seed;

	printf("vfuzz: seed 0x%llx, %llu s\n", (unsigned long long)seed,
	       (unsigned long long)seconds);
	fflush(stdout);
	vfuzz_seed(seed);
	t0 = now_s();
	for (;;) {
		/* the clock is read every 64 programs */
		if ((st.programs & 63) == 0 && now_s() - t0 >= (double)seconds)
			break;
		long n = st.programs;
		enum vfuzz_outcome out;
		char why[1200], what[1400];

		vfuzz_gen_any(&p);
		cur_n = n;
		cur_prog = &p;
		if (sigsetjmp(fault_jmp, 1)) {
			faults++;
			snprintf(
				what, sizeof(what),
				"signal %d (a memory fault) while verifying or running the program",
				(int)fault_sig);
			report(seed, n, what, &p);
			vt_run_free(r);
			continue;
		}
		out = vfuzz_check(env, &p, r, &st, why, sizeof(why));
		if (out != VFUZZ_OK && out != VFUZZ_REFUSED) {
			snprintf(what, sizeof(what), "accepted, but %s", why);
			report(seed, n, what, &p);
			bad++;
		}
		vt_run_free(r);
	}
	el = now_s() - t0;
	cur_prog = NULL;
	printf("vfuzz: %ld programs in %.1f s (%.0f programs/s), %ld accepted (%.1f%%), "
	       "%ld runs, %ld helper calls\n",
	       st.programs, el, el > 0 ? (double)st.programs / el : 0.0, st.accepted,
	       st.programs ? 100.0 * (double)st.accepted / (double)st.programs : 0.0, st.runs,
	       st.helper_calls);
	for (k = 0; k < VFUZZ__KINDS; k++)
		printf("vfuzz:   %-6s %ld programs, %ld accepted (%.1f%%)\n",
		       vfuzz_kind_name((enum vfuzz_kind)k), st.kind_programs[k],
		       st.kind_accepted[k],
		       st.kind_programs[k]
			       ? 100.0 * (double)st.kind_accepted[k] / (double)st.kind_programs[k]
			       : 0.0);
	printf("vfuzz: faults %ld, other violations %ld\n", (long)faults, st.violations);
	printf("vfuzz: refusals by rule:");
	for (k = 0; k < BH_VR__COUNT; k++)
		if (st.refusals[k])
			printf(" %s %ld", bh_vrule_name(k), st.refusals[k]);
	printf("\n");
	vfuzz_env_free(env);
	free(r);
	if (faults || bad) {
		printf("0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	printf("1 passed, 0 failed, 0 skipped\n");
	return 0;
}
