/* SPDX-License-Identifier: MIT */
/* Diagnostics: growable message logs, caller buffers, the print callback. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

static int default_print(enum bpfhost_print_level level, const char *fmt, va_list ap)
{
	if (level != BPFHOST_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static bpfhost_print_fn_t print_fn = default_print;

bpfhost_print_fn_t bpfhost_set_print(bpfhost_print_fn_t fn)
{
	return __atomic_exchange_n(&print_fn, fn, __ATOMIC_SEQ_CST);
}

void bh_pr(enum bpfhost_print_level level, const char *fmt, ...)
{
	bpfhost_print_fn_t fn = __atomic_load_n(&print_fn, __ATOMIC_ACQUIRE);
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	fn(level, fmt, ap);
	va_end(ap);
}

void bh_vlogf(struct bh_log *log, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (!log || log->oom)
		return;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if (log->len + (size_t)n + 1 > log->cap) {
		size_t cap = log->cap ? log->cap : 256;
		char *nb;

		while (cap < log->len + (size_t)n + 1)
			cap *= 2;
		nb = realloc(log->buf, cap);
		if (!nb) {
			log->oom = true;
			return;
		}
		log->buf = nb;
		log->cap = cap;
	}
	vsnprintf(log->buf + log->len, log->cap - log->len, fmt, ap);
	log->len += (size_t)n;
}

void bh_logf(struct bh_log *log, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bh_vlogf(log, fmt, ap);
	va_end(ap);
}

const char *bh_log_text(const struct bh_log *log)
{
	return log && log->buf ? log->buf : "";
}

void bh_log_free(struct bh_log *log)
{
	free(log->buf);
	log->buf = NULL;
	log->len = log->cap = 0;
}

int bh_log_finish(struct bh_log *log, char *ubuf, size_t usize, size_t *true_size,
		  enum bpfhost_print_level level)
{
	int ret = 0;

	if (true_size)
		*true_size = log->len + 1;
	if (ubuf && usize) {
		size_t n = log->len < usize - 1 ? log->len : usize - 1;

		if (n)
			memcpy(ubuf, log->buf, n);
		ubuf[n] = '\0';
		if (n < log->len)
			ret = -ENOSPC;
	} else if (log->len) {
		bh_pr(level, "%s", log->buf);
	}
	if (log->oom && !ret)
		ret = -ENOMEM;
	bh_log_free(log);
	return ret;
}

bool bh_opts_valid(const void *opts, size_t known_sz, const char *type_name, struct bh_log *log)
{
	const unsigned char *p = opts;
	size_t sz, i;

	if (!opts)
		return true;
	sz = *(const size_t *)opts;
	if (sz < sizeof(size_t)) {
		bh_logf(log, "struct %s: size field is %zu; set it to sizeof(struct %s)\n",
			type_name, sz, type_name);
		return false;
	}
	for (i = known_sz; i < sz; i++) {
		if (p[i]) {
			bh_logf(log,
				"struct %s: byte %zu is set but this library knows only %zu "
				"bytes\n",
				type_name, i, known_sz);
			return false;
		}
	}
	return true;
}
