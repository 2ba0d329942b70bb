/* SPDX-License-Identifier: MIT */
/*
 * `bpfhost prog ...`: programs. For now `prog run` executes a program on
 * the stand-alone engine (bpfhost_vm__load/run), the way the bpf_conformance
 * suite does: r1 points to a private copy of the data_in bytes and r2 holds
 * their length (r1 = r2 = 0 without data_in). The program-type-aware form,
 * with a checked context, comes with the runtime (`prog load` etc. will be
 * added here as further rows of prog_cmds).
 *
 * FILE is assembly when its name ends in .s or .asm, raw little-endian
 * instruction bytes otherwise. `repeat N` runs N times over the same buffer
 * (changes accumulate, as with the kernel's BPF_PROG_TEST_RUN) and reports
 * the last return value and the mean duration.
 *
 * The engine-level API does not check memory accesses (the verifier comes
 * with the runtime), so a run is guarded: a fault inside the program is
 * reported as an error naming the address instead of killing the tool.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "main.h"

static int do_help(int argc, char **argv)
{
	if (json_output) {
		json_null(json_wtr);
		return 0;
	}
	fprintf(stdout,
		"Usage: %s prog run FILE [data_in FILE] [data_out FILE] [repeat N]\n"
		"       %s prog help\n"
		"\n"
		"FILE is assembly if its name ends in .s or .asm, raw instructions otherwise.\n"
		"The program runs with r1 = a copy of the data_in bytes and r2 = their\n"
		"length (both 0 without data_in); data_out receives the bytes afterwards.\n"
		"repeat N (default 1) runs it N times over the same bytes.\n",
		bin_name, bin_name);
	return 0;
}

/* ---- guarded run ---- */

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uctx)
{
	fault_sig = sig;
	fault_addr = si ? si->si_addr : NULL;
	siglongjmp(fault_jmp, 1);
}

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
#define NR_FAULT_SIGNALS (sizeof(fault_signals) / sizeof(fault_signals[0]))

struct guard {
	struct sigaction old[NR_FAULT_SIGNALS];
	stack_t old_stack;
	void *stack;
};

static int guard_install(struct guard *g)
{
	struct sigaction sa;
	stack_t st;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	/* an alternate stack, so that even a stack overflow is reported */
	g->stack = malloc(SIGSTKSZ * 4);
	if (!g->stack)
		return -1;
	st.ss_sp = g->stack;
	st.ss_size = SIGSTKSZ * 4;
	st.ss_flags = 0;
	if (sigaltstack(&st, &g->old_stack)) {
		free(g->stack);
		return -1;
	}
	for (i = 0; i < NR_FAULT_SIGNALS; i++)
		sigaction(fault_signals[i], &sa, &g->old[i]);
	return 0;
}

static void guard_remove(struct guard *g)
{
	size_t i;

	for (i = 0; i < NR_FAULT_SIGNALS; i++)
		sigaction(fault_signals[i], &g->old[i], NULL);
	sigaltstack(&g->old_stack, NULL);
	free(g->stack);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct run_result {
	uint64_t retval;
	uint64_t duration; /* mean, ns */
	uint64_t done;	   /* completed runs */
};

/* The timed loop; *done counts completed runs even if a fault cuts it short. */
static __attribute__((noinline)) int run_loop(const struct bpfhost_vm *vm, void *data, size_t len,
					      uint64_t repeat, struct run_result *res,
					      volatile uint64_t *done)
{
	uint64_t t0, t1;
	int err = 0;

	t0 = now_ns();
	while (*done < repeat) {
		err = bpfhost_vm__run(vm, (uint64_t)(uintptr_t)data, len, &res->retval);
		if (err)
			break;
		*done = *done + 1;
	}
	t1 = now_ns();
	res->duration = *done ? (t1 - t0) / *done : 0;
	return err;
}

/*
 * Run the program `repeat` times. Returns 0, a negative errno from the
 * engine, or 1 after a fault (fault_sig/fault_addr say which).
 */
static int guarded_run(const struct bpfhost_vm *vm, void *data, size_t len, uint64_t repeat,
		       struct run_result *res)
{
	static struct guard g;
	static volatile uint64_t done;
	int err;

	done = 0;
	if (guard_install(&g)) {
		p_err("cannot install the fault guard: %s", strerror(errno));
		return -ENOMEM;
	}
	if (sigsetjmp(fault_jmp, 1)) {
		guard_remove(&g);
		res->done = done;
		return 1;
	}
	err = run_loop(vm, data, len, repeat, res, &done);
	guard_remove(&g);
	res->done = done;
	return err;
}

static const char *signal_desc(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "an invalid memory access";
	case SIGBUS:
		return "a misaligned or out-of-object memory access";
	case SIGFPE:
		return "an arithmetic fault";
	default:
		return "an illegal instruction fault";
	}
}

/* ---- prog run ---- */

enum { KW_DATA_IN, KW_DATA_OUT, KW_REPEAT };
static const char *const run_keywords[] = { "data_in", "data_out", "repeat", NULL };

/* Load with a log buffer large enough for the whole log. */
static struct bpfhost_vm *load_prog(const char *path, const struct bpfhost_insn *insns, size_t cnt)
{
	size_t log_size = 64 * 1024;
	struct bpfhost_vm *vm;
	char *log = NULL;
	int err;

	for (;;) {
		BPFHOST_OPTS_INIT(bpfhost_vm_opts, opts);
		char *nl = realloc(log, log_size);

		if (!nl) {
			p_err("out of memory loading '%s'", path);
			free(log);
			return NULL;
		}
		log = nl;
		log[0] = '\0';
		opts.log_buf = log;
		opts.log_size = log_size;
		vm = bpfhost_vm__load(insns, cnt, &opts);
		err = errno;
		if (!vm && opts.log_true_size > log_size) {
			log_size = opts.log_true_size;
			continue;
		}
		break;
	}
	if (!vm) {
		char prefix[512];

		snprintf(prefix, sizeof(prefix), "'%s': ", path);
		p_err_log(prefix, log, "cannot load '%s' (%s)", path, strerror(err));
	}
	free(log);
	return vm;
}

static int do_run(int argc, char **argv)
{
	const char *path, *data_in = NULL, *data_out = NULL, *repeat_arg = NULL;
	struct bpfhost_insn *insns = NULL;
	struct bpfhost_vm *vm = NULL;
	struct run_result res = { 0 };
	uint64_t repeat = 1;
	char *data = NULL;
	size_t len = 0, cnt;
	int i, err, ret = -1;

	if (argc < 1) {
		p_err("prog run: expected a program FILE");
		return -1;
	}
	if (argc == 1 && !strcmp(argv[0], "help"))
		return do_help(0, NULL);
	path = argv[0];
	for (i = 1; i < argc; i += 2) {
		int kw = match_word(argv[i], run_keywords, "prog run keyword");
		const char **slot;

		if (kw < 0)
			return -1;
		slot = kw == KW_DATA_IN ? &data_in : kw == KW_DATA_OUT ? &data_out : &repeat_arg;
		if (i + 1 >= argc) {
			p_err("prog run: keyword '%s' needs a value", run_keywords[kw]);
			return -1;
		}
		if (*slot) {
			p_err("prog run: keyword '%s' given more than once", run_keywords[kw]);
			return -1;
		}
		*slot = argv[i + 1];
	}
	if (repeat_arg && parse_u64(repeat_arg, "repeat count", 1, UINT32_MAX, &repeat))
		return -1;
	if (data_out && !data_in) {
		p_err("prog run: data_out needs data_in (the program has no data without it)");
		return -1;
	}
	if (read_prog_file(path, &insns, &cnt))
		return -1;
	if (data_in && read_file(data_in, MAX_DATA_FILE, &data, &len))
		goto out;
	vm = load_prog(path, insns, cnt);
	if (!vm)
		goto out;
	err = guarded_run(vm, len ? data : NULL, len, repeat, &res);
	if (err == 1) {
		p_err("'%s': the program made %s at address 0x%lx (run %llu of %llu); the "
		      "stand-alone engine does not check memory accesses",
		      path, signal_desc(fault_sig), (unsigned long)(uintptr_t)fault_addr,
		      (unsigned long long)res.done + 1, (unsigned long long)repeat);
		goto out;
	}
	if (err) {
		p_err("'%s': run-time error in run %llu: %s", path,
		      (unsigned long long)res.done + 1, strerror(-err));
		goto out;
	}
	if (data_out && write_file(data_out, data, len))
		goto out;
	if (json_output) {
		json_start_object(json_wtr);
		json_uint_field(json_wtr, "retval", res.retval);
		json_uint_field(json_wtr, "duration", res.duration);
		json_end_object(json_wtr);
	} else {
		printf("Return value: %llu, duration (average): %lluns\n",
		       (unsigned long long)res.retval, (unsigned long long)res.duration);
	}
	ret = 0;
out:
	bpfhost_vm__free(vm);
	free(data);
	free(insns);
	return ret;
}

static const struct cmd prog_cmds[] = {
	{ "run", do_run, 0 },
	{ "help", do_help, 0 },
	{ 0 },
};

int do_prog(int argc, char **argv)
{
	return cmd_select(prog_cmds, "prog", argc, argv, do_help);
}
