/* SPDX-License-Identifier: MIT */
/* Loader test helpers: compile the BPF C sources of tests/loader on demand, read files. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../lib/harness.h"
#include "../loader/testutil.h"

static char why[2048];

const char *lt_why(void)
{
	return why;
}

int lt_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static long long mtime_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long long)st.st_mtime;
}

const char *lt_obj(const char *name)
{
	static char out[8][512];
	static int slot;
	char src[256], dir[256];
	char *path = out[slot++ % 8];
	long long ts;

	snprintf(src, sizeof(src), "tests/loader/%s.bpf.c", name);
	snprintf(dir, sizeof(dir), "%s/loader", bh_test_build_dir());
	snprintf(path, sizeof(out[0]), "%s/%s.bpf.o", dir, name);
	ts = mtime_of(src);
	if (ts < 0) {
		snprintf(why, sizeof(why), "%s not found (run from the repository root)", src);
		return NULL;
	}
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
		  "clang -O2 -g -target bpf ${MA:+-I/usr/include/$MA} -c '%s' -o '%s.tmp' "
		  "2>'%s.log' && mv '%s.tmp' '%s'",
		  src, path, path, path, path)) {
		snprintf(why, sizeof(why), "clang failed on %s (see %s.log)", src, path);
		return NULL;
	}
	return path;
}

void *lt_read(const char *path, size_t *len)
{
	return bh_test_read_file(path, len);
}
