/* SPDX-License-Identifier: MIT */
/*
 * `prog run` of a program of a program type: a program of an ELF object
 * (`name NAME` chooses it when the object has several) or a raw
 * instruction file with `type TYPE`. The program is loaded into the CLI's
 * instance (the whole object: its maps are created, pinned ones attached,
 * so a run updates pinned maps that a later `map dump` shows) and run with
 * bpfhost_prog_test_run_opts: its program type builds the context from
 * data_in / ctx_in and gives back data_out / ctx_out, as the kernel's
 * BPF_PROG_TEST_RUN does. `repeat N` runs N times on the same context.
 *
 * Programs are verified when they load, so a run should never fault; it is
 * guarded anyway (guard.c), as a last line of defence. After a fault the
 * runtime's state is unknown (a read-side section may still be open): the
 * error is reported and the tool exits at once, without the usual cleanup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

/* Output room beyond the input (program types may grow the data). */
#define DATA_OUT_EXTRA (64u << 10)
#define CTX_OUT_SIZE (64u << 10)

struct typed_run {
	int fd;
	struct bpfhost_test_run_opts *opts;
};

static int typed_run_fn(void *arg)
{
	struct typed_run *t = arg;

	return bpfhost_prog_test_run_opts(t->fd, t->opts);
}

static int read_input(const char *path, const char *what, char **buf, uint32_t *len)
{
	size_t n;

	*buf = NULL;
	*len = 0;
	if (!path)
		return 0;
	if (read_file(path, MAX_DATA_FILE, buf, &n))
		return -1;
	if (n > UINT32_MAX - DATA_OUT_EXTRA) {
		p_err("%s '%s' is too large (%zu bytes)", what, path, n);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	*len = (uint32_t)n;
	return 0;
}

int prog_run_typed(const struct run_args *a)
{
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, opts);
	char *data = NULL, *ctx = NULL, *data_out = NULL, *ctx_out = NULL;
	struct cli_obj o = { 0 };
	struct raw_prog r = { .fd = -1 };
	struct run_fault fault = { 0 };
	struct typed_run t;
	const char *pname;
	uint32_t data_len, ctx_len;
	int err, ret = -1;

	if (a->repeat > INT32_MAX) {
		p_err("invalid repeat count '%llu': must be between 1 and %d for a program of a "
		      "program type",
		      (unsigned long long)a->repeat, INT32_MAX);
		return -1;
	}
	if (read_input(a->data_in, "data_in", &data, &data_len) ||
	    read_input(a->ctx_in, "ctx_in", &ctx, &ctx_len))
		goto out;
	if (a->data_out) {
		data_out = malloc((size_t)data_len + DATA_OUT_EXTRA);
		if (!data_out)
			goto oom;
	}
	if (a->ctx_out) {
		ctx_out = malloc(CTX_OUT_SIZE);
		if (!ctx_out)
			goto oom;
	}
	if (file_is_elf(a->path) == 1) {
		struct bpfhost_program *p;

		if (cli_obj_open(&o, a->path, NULL))
			goto out;
		if (a->type && cli_obj_set_type(&o, a->type))
			goto out;
		/* choose before loading: a wrong name is reported without side effects */
		p = cli_obj_prog(&o, a->name);
		if (!p || cli_obj_load(&o))
			goto out;
		t.fd = bpfhost_program__fd(p);
		pname = bpfhost_program__name(p);
	} else {
		if (raw_prog_read(&r, a->path, a->type, a->name) || raw_prog_load(&r))
			goto out;
		t.fd = r.fd;
		pname = r.name;
	}
	opts.data_in = data;
	opts.data_size_in = data_len;
	opts.data_out = data_out;
	opts.data_size_out = data_out ? data_len + DATA_OUT_EXTRA : 0;
	opts.ctx_in = ctx;
	opts.ctx_size_in = ctx_len;
	opts.ctx_out = ctx_out;
	opts.ctx_size_out = ctx_out ? CTX_OUT_SIZE : 0;
	opts.repeat = (int)a->repeat;
	t.opts = &opts;
	err = run_guarded(typed_run_fn, &t, &fault);
	if (err == RUN_FAULTED) {
		p_err("'%s': program '%s' made %s at address 0x%lx although it was verified",
		      a->path, pname, fault_desc(fault.sig), (unsigned long)(uintptr_t)fault.addr);
		/* the runtime is in an unknown state: no cleanup */
		fflush(stdout);
		fflush(stderr);
		_exit(1);
	}
	if (err) {
		p_err("'%s': test run of program '%s' failed: %s", a->path, pname,
		      err == -EOPNOTSUPP ? "its program type cannot build test contexts"
					 : strerror(-err));
		goto out;
	}
	if (a->data_out && write_file(a->data_out, data_out, opts.data_size_out))
		goto out;
	if (a->ctx_out && write_file(a->ctx_out, ctx_out, opts.ctx_size_out))
		goto out;
	print_run_result(opts.retval, opts.duration);
	ret = 0;
	goto out;
oom:
	p_err("out of memory");
out:
	if (o.obj)
		cli_obj_close(&o);
	raw_prog_free(&r);
	free(data);
	free(ctx);
	free(data_out);
	free(ctx_out);
	return ret;
}
