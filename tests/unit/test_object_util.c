/* SPDX-License-Identifier: MIT */
/* Object API test helpers: compile the BPF C of tests/object, capture instance output. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../extensions/sample/sample.h"
#include "../lib/harness.h"
#include "../loader/testutil.h"
#include "test_object_util.h"

#pragma weak bpfhost_sample_extension

static char why[2048];
static char msgs[65536];
static size_t msgs_len;
static char trace[16384];
static size_t trace_len;
static struct bpfhost_extension *last_ext;

const char *ot_why(void)
{
	return why;
}

static long long mtime_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long long)st.st_mtime;
}

const char *ot_obj_flags(const char *name, const char *variant, const char *flags)
{
	static char out[8][512];
	static int slot;
	char src[256], dir[256];
	char *path = out[slot++ % 8];
	long long ts, th;

	snprintf(src, sizeof(src), "tests/object/%s.bpf.c", name);
	snprintf(dir, sizeof(dir), "%s/object", bh_test_build_dir());
	snprintf(path, sizeof(out[0]), "%s/%s%s.bpf.o", dir, name, variant);
	ts = mtime_of(src);
	th = mtime_of("tests/object/sample_ctx.h");
	if (ts < 0) {
		snprintf(why, sizeof(why), "%s not found (run from the repository root)", src);
		return NULL;
	}
	if (th > ts)
		ts = th;
	if (mtime_of(path) >= ts)
		return path;
	if (lt_sh("command -v clang >/dev/null 2>&1")) {
		snprintf(why, sizeof(why), "clang is not installed: cannot compile %s", src);
		return NULL;
	}
	if (mtime_of("/usr/include/bpf/bpf_helpers.h") < 0) {
		snprintf(why, sizeof(why),
			 "libbpf headers (/usr/include/bpf/bpf_helpers.h, package libbpf-dev) "
			 "are missing: cannot compile %s",
			 src);
		return NULL;
	}
	if (lt_sh("mkdir -p '%s'", dir)) {
		snprintf(why, sizeof(why), "cannot create %s", dir);
		return NULL;
	}
	if (lt_sh("MA=$(gcc -print-multiarch 2>/dev/null || cc -print-multiarch 2>/dev/null); "
		  "clang -O2 %s -target bpf ${MA:+-I/usr/include/$MA} -c '%s' -o '%s.tmp' "
		  "2>'%s.log' && mv '%s.tmp' '%s'",
		  flags, src, path, path, path, path)) {
		snprintf(why, sizeof(why), "clang failed on %s (see %s.log)", src, path);
		return NULL;
	}
	return path;
}

static int capture(enum bpfhost_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (msgs_len >= sizeof(msgs) - 1)
		return 0;
	n = vsnprintf(msgs + msgs_len, sizeof(msgs) - msgs_len, fmt, ap);
	if (n > 0)
		msgs_len += (size_t)n < sizeof(msgs) - msgs_len ? (size_t)n
								: sizeof(msgs) - msgs_len - 1;
	return n;
}

static void trace_sink(void *ctx, const char *prog_name, const char *text)
{
	int n;

	if (trace_len >= sizeof(trace) - 1)
		return;
	n = snprintf(trace + trace_len, sizeof(trace) - trace_len, "%s: %s\n", prog_name, text);
	if (n > 0)
		trace_len += (size_t)n < sizeof(trace) - trace_len ? (size_t)n
								   : sizeof(trace) - trace_len - 1;
}

void ot_clear(void)
{
	msgs[0] = trace[0] = '\0';
	msgs_len = trace_len = 0;
}

const char *ot_msgs(void)
{
	return msgs;
}

const char *ot_trace(void)
{
	return trace;
}

struct bpfhost *ot_rt(void)
{
	BPFHOST_OPTS_INIT(bpfhost_opts, o, .print = capture, .trace = trace_sink);
	struct bpfhost *rt;

	if (!bpfhost_sample_extension)
		return NULL;
	ot_clear();
	rt = bpfhost__new(&o);
	if (!rt)
		return NULL;
	last_ext = bpfhost_extension__register(rt, bpfhost_sample_extension());
	if (!last_ext) {
		bpfhost__free(rt);
		return NULL;
	}
	return rt;
}

struct bpfhost_extension *ot_ext(void)
{
	return last_ext;
}

const char *ot_tmpdir(const char *tag)
{
	static char dirs[4][512];
	static int slot;
	char *d = dirs[slot++ % 4];

	snprintf(d, sizeof(dirs[0]), "%s/object/tmp-%s-%d", bh_test_build_dir(), tag,
		 (int)getpid());
	lt_sh("rm -rf '%s' && mkdir -p '%s'", d, d);
	return d;
}

int ot_run(int prog_fd, const void *data, unsigned len, unsigned long long *ret)
{
	BPFHOST_OPTS_INIT(bpfhost_test_run_opts, o, .data_in = data, .data_size_in = len);
	int err = bpfhost_prog_test_run_opts(prog_fd, &o);

	*ret = o.retval;
	return err;
}

int ot_probe_fd(struct bpfhost *rt)
{
	int fd = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "probe", 4, 4, 1, NULL);

	if (fd > 0)
		bpfhost_close(fd);
	return fd;
}
