/* SPDX-License-Identifier: MIT */
/*
 * `bpfhost prog ...`: programs.
 *
 *   prog load OBJ [pinmaps DIR] [type NAME] [name NAME]   (prog_load.c)
 *   prog show [OBJ [name NAME] [type NAME]]                (prog_load.c)
 *   prog dump xlated OBJ [name NAME] [linum]               (prog_dump.c)
 *   prog run OBJ [name NAME] [type NAME] [data_in FILE] [data_out FILE]
 *            [ctx_in FILE] [ctx_out FILE] [repeat N]       (prog_run.c)
 *
 * OBJ is an eBPF ELF object, or a file of raw instructions (assembly when
 * its name ends in .s/.asm) with `type NAME` naming its program type.
 *
 * `prog run` of a raw file WITHOUT `type` keeps the original behaviour
 * implemented here: the program runs on the stand-alone engine
 * (bpfhost_vm__load/run), the way the bpf_conformance suite does: r1
 * points to a private copy of the data_in bytes and r2 holds their length
 * (r1 = r2 = 0 without data_in), no helpers, no context. `repeat N` runs N
 * times over the same buffer (changes accumulate, as with the kernel's
 * BPF_PROG_TEST_RUN) and reports the last return value and the mean
 * duration. The engine does not check memory accesses, so the run is
 * guarded (guard.c): a fault is an error naming the address.
 */
#include <errno.h>
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
		"Usage: %s prog load OBJ [pinmaps DIR] [type TYPE] [name NAME]\n"
		"       %s prog show [OBJ [name NAME] [type TYPE]]\n"
		"       %s prog dump xlated OBJ [name NAME] [type TYPE] [linum]\n"
		"       %s prog run FILE [name NAME] [type TYPE] [data_in FILE] [data_out FILE]\n"
		"                [ctx_in FILE] [ctx_out FILE] [repeat N]\n"
		"       %s prog help\n"
		"\n"
		"OBJ is an eBPF ELF object, or raw instructions (assembly if the name ends\n"
		"in .s or .asm) loaded as the program type TYPE.\n"
		"Programs live only as long as one %s invocation: 'load' checks that the\n"
		"object loads and pins its maps (by name under DIR, else those the object\n"
		"pins by name under the pin root, $BPFHOST_PIN_ROOT or %s).\n"
		"'run' of a raw FILE without 'type' uses the stand-alone engine: the program\n"
		"gets r1 = a copy of the data_in bytes and r2 = their length (both 0\n"
		"without data_in); data_out receives the bytes afterwards.\n"
		"repeat N (default 1) runs it N times over the same bytes.\n",
		bin_name, bin_name, bin_name, bin_name, bin_name, bin_name,
		BPFHOST_PIN_ROOT_DEFAULT);
	return 0;
}

/* ---- stand-alone engine run ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct vm_run {
	const struct bpfhost_vm *vm;
	void *data;
	size_t len;
	uint64_t repeat;
	uint64_t retval;
	uint64_t duration;	/* mean, ns */
	volatile uint64_t done; /* completed runs, also after a fault */
};

static int vm_run_loop(void *arg)
{
	struct vm_run *r = arg;
	uint64_t t0, t1;
	int err = 0;

	t0 = now_ns();
	while (r->done < r->repeat) {
		err = bpfhost_vm__run(r->vm, (uint64_t)(uintptr_t)r->data, r->len, &r->retval);
		if (err)
			break;
		r->done = r->done + 1;
	}
	t1 = now_ns();
	r->duration = r->done ? (t1 - t0) / r->done : 0;
	return err;
}

/* Load with a log buffer large enough for the whole log. */
static struct bpfhost_vm *load_vm(const char *path, const struct bpfhost_insn *insns, size_t cnt)
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

void print_run_result(uint64_t retval, uint64_t duration)
{
	if (json_output) {
		json_start_object(json_wtr);
		json_uint_field(json_wtr, "retval", retval);
		json_uint_field(json_wtr, "duration", duration);
		json_end_object(json_wtr);
	} else {
		printf("Return value: %llu, duration (average): %lluns\n",
		       (unsigned long long)retval, (unsigned long long)duration);
	}
}

static int run_vm(const struct run_args *a)
{
	struct bpfhost_insn *insns = NULL;
	struct run_fault fault = { 0 };
	struct bpfhost_vm *vm = NULL;
	struct vm_run r = { 0 };
	char *data = NULL;
	size_t len = 0, cnt;
	int err, ret = -1;

	if (a->data_out && !a->data_in) {
		p_err("prog run: data_out needs data_in (the program has no data without it)");
		return -1;
	}
	if (a->ctx_in || a->ctx_out || a->name) {
		p_err("prog run: '%s' is for programs of a program type: give 'type TYPE' for "
		      "a raw file",
		      a->ctx_in	   ? "ctx_in"
		      : a->ctx_out ? "ctx_out"
				   : "name");
		return -1;
	}
	if (read_prog_file(a->path, &insns, &cnt))
		return -1;
	if (a->data_in && read_file(a->data_in, MAX_DATA_FILE, &data, &len))
		goto out;
	vm = load_vm(a->path, insns, cnt);
	if (!vm)
		goto out;
	r.vm = vm;
	r.data = len ? data : NULL;
	r.len = len;
	r.repeat = a->repeat;
	err = run_guarded(vm_run_loop, &r, &fault);
	if (err == RUN_FAULTED) {
		p_err("'%s': the program made %s at address 0x%lx (run %llu of %llu); the "
		      "stand-alone engine does not check memory accesses",
		      a->path, fault_desc(fault.sig), (unsigned long)(uintptr_t)fault.addr,
		      (unsigned long long)r.done + 1, (unsigned long long)a->repeat);
		goto out;
	}
	if (err) {
		p_err("'%s': run-time error in run %llu: %s", a->path,
		      (unsigned long long)r.done + 1, strerror(-err));
		goto out;
	}
	if (a->data_out && write_file(a->data_out, data, len))
		goto out;
	print_run_result(r.retval, r.duration);
	ret = 0;
out:
	bpfhost_vm__free(vm);
	free(data);
	free(insns);
	return ret;
}

/* ---- prog run ---- */

enum { RK_NAME, RK_TYPE, RK_DATA_IN, RK_DATA_OUT, RK_CTX_IN, RK_CTX_OUT, RK_REPEAT };

static int do_run(int argc, char **argv)
{
	struct kw kws[] = {
		[RK_NAME] = KW_VALUE("name"),	    [RK_TYPE] = KW_VALUE("type"),
		[RK_DATA_IN] = KW_VALUE("data_in"), [RK_DATA_OUT] = KW_VALUE("data_out"),
		[RK_CTX_IN] = KW_VALUE("ctx_in"),   [RK_CTX_OUT] = KW_VALUE("ctx_out"),
		[RK_REPEAT] = KW_VALUE("repeat"),   KW_END,
	};
	struct run_args a = { .repeat = 1 };
	int elf;

	if (argc < 1) {
		p_err("prog run: expected a program FILE");
		return -1;
	}
	if (argc == 1 && !strcmp(argv[0], "help"))
		return do_help(0, NULL);
	a.path = argv[0];
	if (parse_keywords(argc - 1, argv + 1, kws, "prog run"))
		return -1;
	a.name = kws[RK_NAME].value;
	a.type = kws[RK_TYPE].value;
	a.data_in = kws[RK_DATA_IN].value;
	a.data_out = kws[RK_DATA_OUT].value;
	a.ctx_in = kws[RK_CTX_IN].value;
	a.ctx_out = kws[RK_CTX_OUT].value;
	if (kws[RK_REPEAT].seen &&
	    parse_u64(kws[RK_REPEAT].value, "repeat count", 1, UINT32_MAX, &a.repeat))
		return -1;
	elf = file_is_elf(a.path);
	if (elf < 0)
		return -1;
	if (elf || a.type)
		return prog_run_typed(&a);
	return run_vm(&a);
}

static const struct cmd prog_cmds[] = {
	{ "show", do_prog_show, 0 },
	{ "list", do_prog_show, 0 },
	{ "load", do_prog_load, 0 },
	{ "dump", do_prog_dump, 0 },
	{ "run", do_run, 0 },
	{ "help", do_help, 0 },
	{ 0 },
};

int do_prog(int argc, char **argv)
{
	return cmd_select(prog_cmds, "prog", argc, argv, do_help);
}
