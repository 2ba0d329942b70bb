/* SPDX-License-Identifier: MIT */
/*
 * Runtime instances: creation, teardown, the instance's print callback and
 * trace_printk sink.
 *
 * Teardown order: close the instance's fds (links detach, programs and maps
 * drop their references), unregister every extension (with rundown), free
 * the hooks retired by unregistration. Objects still referenced from
 * elsewhere (a program in another instance's prog array) live on through
 * their reference counts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

struct bpfhost *bpfhost__new(const struct bpfhost_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost *rt;

	if (!BH_OPTS_VALID(opts, bpfhost_opts, &log)) {
		bh_log_finish(&log, NULL, 0, NULL, BPFHOST_WARN);
		errno = EINVAL;
		return NULL;
	}
	if (BH_OPTS_GET(opts, flags, 0)) {
		bh_pr(BPFHOST_WARN, "bpfhost__new: flags 0x%x: no flags are defined\n",
		      opts->flags);
		errno = EINVAL;
		return NULL;
	}
	rt = calloc(1, sizeof(*rt));
	if (!rt) {
		errno = ENOMEM;
		return NULL;
	}
	rt->print = BH_OPTS_GET(opts, print, NULL);
	rt->trace = BH_OPTS_GET(opts, trace, NULL);
	rt->trace_ctx = BH_OPTS_GET(opts, trace_ctx, NULL);
	pthread_mutex_init(&rt->lock, NULL);
	return rt;
}

void bpfhost__free(struct bpfhost *rt)
{
	struct bpfhost_hook *h;

	if (!rt)
		return;
	bh_fd_close_all(rt);
	for (;;) {
		struct bpfhost_extension *ext;

		pthread_mutex_lock(&rt->lock);
		ext = rt->exts;
		pthread_mutex_unlock(&rt->lock);
		if (!ext)
			break;
		bpfhost_extension__unregister(ext);
	}
	while ((h = rt->retired_hooks)) {
		rt->retired_hooks = h->next;
		bh_hook_free(h);
	}
	pthread_mutex_destroy(&rt->lock);
	free(rt);
}

static void vpr(struct bpfhost *rt, enum bpfhost_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];
	va_list aq;

	if (rt && rt->print) {
		va_copy(aq, ap);
		rt->print(level, fmt, aq);
		va_end(aq);
		return;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
	bh_pr(level, "%s", buf);
}

void bh_rt_pr(struct bpfhost *rt, enum bpfhost_print_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpr(rt, level, fmt, ap);
	va_end(ap);
}

static void rt_print_text(struct bpfhost *rt, enum bpfhost_print_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpr(rt, level, fmt, ap);
	va_end(ap);
}

int bh_rt_log_finish(struct bpfhost *rt, struct bh_log *log, char *ubuf, size_t usize,
		     size_t *true_size, enum bpfhost_print_level level)
{
	if ((ubuf && usize) || !rt || !rt->print)
		return bh_log_finish(log, ubuf, usize, true_size, level);
	bool oom = log->oom;

	if (true_size)
		*true_size = log->len + 1;
	if (log->len)
		rt_print_text(rt, level, "%s", bh_log_text(log));
	bh_log_free(log);
	return oom ? -ENOMEM : 0;
}

void bh_runtime_trace(struct bpfhost *rt, const char *prog_name, const char *text)
{
	size_t n;

	if (!prog_name)
		prog_name = "";
	if (!text)
		text = "";
	if (rt && rt->trace) {
		rt->trace(rt->trace_ctx, prog_name, text);
		return;
	}
	n = strlen(text);
	fprintf(stderr, "%s: %s%s", prog_name, text, n && text[n - 1] == '\n' ? "" : "\n");
}
