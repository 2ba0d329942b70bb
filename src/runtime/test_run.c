/* SPDX-License-Identifier: MIT */
/*
 * bpfhost_prog_test_run_opts: run a program on a context built by its
 * program type from flat buffers.
 *
 * The type's ctx_create turns data_in/ctx_in/priv_in (a versioned struct
 * bpfhost_test_ctx) into a header-prefixed context; the program runs
 * `repeat` times with the same state a hook invocation sets up (slot 0,
 * tail calls, slot 3 = 0) inside a read-side section (rcu.h), so
 * programs reached through prog arrays stay alive; ctx_destroy copies
 * data_out/ctx_out back and frees the context. ctx_destroy reports the
 * bytes it would produce in data_size_out/ctx_size_out, copying at most the
 * capacity: more than the capacity answers -ENOSPC (as Linux does), with
 * the truncated output in place.
 *
 * The type's callbacks get a reason buffer (test ctx log_buf/log_size):
 * a line ctx_create writes there ends the runtime's failure message
 * ("test run of 'p': ctx_create of type 'xdp' failed (-22): <reason>"); a
 * line ctx_destroy writes is reported as a note of its own.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "runtime/runtime.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The extension's reason as one line: terminated, trailing newlines cut. */
static const char *reason_line(char *buf, size_t size)
{
	size_t n;

	buf[size - 1] = '\0';
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

int bpfhost_prog_test_run_opts(int prog_fd, struct bpfhost_test_run_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_test_ctx tc = { 0 };
	char reason[256] = "";
	struct bpfhost_prog_type *type;
	struct bpfhost_ctx_header *hdr;
	struct bh_exec_state st;
	struct bh_prog *prog;
	uint32_t data_cap, ctx_cap;
	uint64_t r0 = 0, t0, total = 0;
	void *ctx = NULL;
	int err, i, repeat;

	prog = bh_fd_prog(prog_fd, &err);
	if (!prog)
		return err == -EINVAL ? -EINVAL : -EBADF;
	if (!opts || !BH_OPTS_VALID(opts, bpfhost_test_run_opts, &log)) {
		if (!opts)
			bh_logf(&log, "test run of '%s': options are required\n", prog->name);
		err = -EINVAL;
		goto out;
	}
	type = prog->type;
	if (!type->desc.ctx_create || !type->desc.ctx_destroy) {
		bh_logf(&log,
			"test run of '%s': program type '%s' provides no ctx_create/ctx_destroy, "
			"so it cannot build test contexts\n",
			prog->name, type->name);
		err = -EOPNOTSUPP;
		goto out;
	}
	if (!__atomic_load_n(&type->registered, __ATOMIC_ACQUIRE)) {
		bh_logf(&log, "test run of '%s': program type '%s' was unregistered\n", prog->name,
			type->name);
		err = -ENODEV;
		goto out;
	}
	if ((opts->data_size_in && !opts->data_in) || (opts->ctx_size_in && !opts->ctx_in) ||
	    (opts->priv_size_in && !opts->priv_in) || (opts->data_size_out && !opts->data_out) ||
	    (opts->ctx_size_out && !opts->ctx_out) || opts->repeat < 0) {
		bh_logf(&log,
			"test run of '%s': a buffer size is set without its buffer, or repeat is "
			"negative\n",
			prog->name);
		err = -EINVAL;
		goto out;
	}
	repeat = opts->repeat ? opts->repeat : 1;
	data_cap = opts->data_out ? opts->data_size_out : 0;
	ctx_cap = opts->ctx_out ? opts->ctx_size_out : 0;
	tc.version = BPFHOST_TEST_CTX_VERSION;
	tc.size = sizeof(tc);
	tc.data_in = opts->data_in;
	tc.data_size_in = opts->data_size_in;
	tc.ctx_in = opts->ctx_in;
	tc.ctx_size_in = opts->ctx_size_in;
	tc.priv_in = opts->priv_in;
	tc.priv_size_in = opts->priv_size_in;
	tc.flags = opts->flags;
	tc.log_buf = reason;
	tc.log_size = sizeof(reason);
	err = type->desc.ctx_create(type, &tc, &ctx);
	if (err || !ctx) {
		reason_line(reason, sizeof(reason));
		bh_logf(&log, "test run of '%s': ctx_create of type '%s' failed (%d)%s%s\n",
			prog->name, type->name, err, reason[0] ? ": " : "", reason);
		if (!err)
			err = -EINVAL;
		goto out;
	}
	hdr = bpfhost_ctx_header(ctx);
	if (hdr->slot[BPFHOST_CTX_SLOT_SELF] != type->self ||
	    hdr->slot[BPFHOST_CTX_SLOT_DESC] != (uint64_t)(uintptr_t)&type->ctx_desc) {
		bh_logf(&log,
			"test run of '%s': ctx_create of type '%s' returned a context without a "
			"valid header (use bpfhost_ctx_alloc or bpfhost_ctx_init)\n",
			prog->name, type->name);
		err = -EINVAL;
		goto destroy;
	}
	for (i = 0; i < repeat && !err; i++) {
		struct bh_rcu_reader *rd = bh_rcu_read_lock();

		if (!rd) {
			err = -ENOMEM;
			break;
		}

		st = (struct bh_exec_state){ .rt = prog->rt };
		hdr->slot[BPFHOST_CTX_SLOT_STATE] = (uint64_t)(uintptr_t)&st;
		hdr->slot[BPFHOST_CTX_SLOT_COOKIE] = 0;
		t0 = now_ns();
		err = bh_run_chain(&st, prog, ctx, &r0);
		total += now_ns() - t0;
		hdr->slot[BPFHOST_CTX_SLOT_STATE] = 0;
		bh_rcu_read_unlock(rd);
	}
	if (err)
		bh_logf(&log, "test run of '%s': run %d failed: %d\n", prog->name, i, err);
destroy:
	tc.data_out = opts->data_out;
	tc.data_size_out = data_cap;
	tc.ctx_out = opts->ctx_out;
	tc.ctx_size_out = ctx_cap;
	tc.log_buf = reason;
	tc.log_size = sizeof(reason);
	reason[0] = '\0';
	type->desc.ctx_destroy(type, ctx, &tc);
	if (reason_line(reason, sizeof(reason))[0])
		bh_logf(&log, "test run of '%s': ctx_destroy of type '%s': %s\n", prog->name,
			type->name, reason);
	if (err)
		goto out;
	opts->retval = r0;
	opts->duration = (uint32_t)(total / (uint64_t)repeat);
	opts->data_size_out = tc.data_size_out;
	opts->ctx_size_out = tc.ctx_size_out;
	if ((opts->data_out && tc.data_size_out > data_cap) ||
	    (opts->ctx_out && tc.ctx_size_out > ctx_cap)) {
		bh_logf(&log,
			"test run of '%s': output needs %u data / %u ctx bytes, buffers hold %u / "
			"%u\n",
			prog->name, tc.data_size_out, tc.ctx_size_out, data_cap, ctx_cap);
		err = -ENOSPC;
	}
out:
	bh_rt_log_finish(prog->rt, &log, NULL, 0, NULL, BPFHOST_WARN);
	bh_prog_put(prog);
	return err;
}
