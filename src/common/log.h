/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics plumbing shared by every subsystem.
 *
 * An operation collects its messages in a growable struct bh_log; when the
 * operation ends, bh_log_finish() hands them to the caller's log buffer (or
 * to the process print callback when there is none) and reports the size the
 * whole log needed, so nothing is ever truncated silently.
 */
#ifndef BH_COMMON_LOG_H
#define BH_COMMON_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <bpfhost/isa.h>

struct bh_log {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
};

#define BH_LOG_INIT \
	{           \
		0   \
	}

/* Append formatted text; a NULL log discards. */
__attribute__((format(printf, 2, 3))) void bh_logf(struct bh_log *log, const char *fmt, ...);
void bh_vlogf(struct bh_log *log, const char *fmt, va_list ap);
/*
 * Deliver the log: into ubuf (NUL-terminated, truncated to usize - 1 bytes)
 * when ubuf and usize are set, else to the print callback at `level`.
 * *true_size (if not NULL) receives the length + 1 the log needed. Frees the
 * log's memory. Returns 0, or -ENOSPC when ubuf was too small.
 */
int bh_log_finish(struct bh_log *log, char *ubuf, size_t usize, size_t *true_size,
		  enum bpfhost_print_level level);
/* Text collected so far (never NULL). */
const char *bh_log_text(const struct bh_log *log);
void bh_log_free(struct bh_log *log);

/* Print through the process print callback. */
__attribute__((format(printf, 2, 3))) void bh_pr(enum bpfhost_print_level level, const char *fmt,
						 ...);

/* Size field of a public options struct: fields beyond it read as zero. */
#define BH_OPTS_HAS(opts, field) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))
#define BH_OPTS_GET(opts, field, def) (BH_OPTS_HAS(opts, field) ? (opts)->field : (def))
/* Reject opts whose size field is 0 or whose unknown tail is not zero. */
bool bh_opts_valid(const void *opts, size_t known_sz, const char *type_name, struct bh_log *log);
#define BH_OPTS_VALID(opts, TYPE, log) bh_opts_valid((opts), sizeof(struct TYPE), #TYPE, (log))

#endif /* BH_COMMON_LOG_H */
