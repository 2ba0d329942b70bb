/* SPDX-License-Identifier: MIT */
/*
 * libbpf_compat.h end to end: tests/object/compat_user.c, a loader using
 * libbpf's names only, is compiled with the compiler and sanitizer flags
 * the library was built with (read from $BH_BUILD_DIR/.flags), linked
 * against libbpfhost.so, and run on compat.bpf.c with the sample extension
 * in $BPFHOST_EXTENSIONS; it must exit 0.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/harness.h"
#include "../loader/testutil.h"
#include "test_object_util.h"

/* Compiler and sanitizer options of the library build. */
static void build_flags(const char *build, char *cc, size_t cc_size, char *san, size_t san_size)
{
	char path[PATH_MAX + 16], *text, *tok, *save = NULL;
	size_t len = 0, off = 0;

	snprintf(cc, cc_size, "cc");
	san[0] = '\0';
	snprintf(path, sizeof(path), "%s/.flags", build);
	text = bh_test_read_file(path, &len);
	if (!text)
		return;
	for (tok = strtok_r(text, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (tok == text) {
			snprintf(cc, cc_size, "%s", tok);
		} else if (!strncmp(tok, "-fsanitize=", 11) || !strncmp(tok, "-fno-sanitize", 13)) {
			if (off + strlen(tok) + 2 < san_size)
				off += (size_t)snprintf(san + off, san_size - off, " %s", tok);
		}
	}
	free(text);
}

TEST(object_libbpf_compat_program)
{
	char build[PATH_MAX], lib[PATH_MAX + 64], ext[PATH_MAX + 64], dir[PATH_MAX + 64];
	char cc[256], san[512], *out;
	const char *obj;
	size_t len = 0;
	int st;

	NEED_OBJ(obj, "compat");
	if (!realpath(bh_test_build_dir(), build))
		SKIP("build directory %s not found", bh_test_build_dir());
	snprintf(lib, sizeof(lib), "%s/libbpfhost.so", build);
	snprintf(ext, sizeof(ext), "%s/extensions/libbpfhost_sample.so", build);
	if (access(lib, R_OK) || access(ext, R_OK))
		SKIP("%s or %s not built (make tests builds both)", lib, ext);
	build_flags(build, cc, sizeof(cc), san, sizeof(san));
	snprintf(dir, sizeof(dir), "%s/object/compat", build);
	/* the library's soname is libbpfhost.so.0 */
	CHECK_EQ(lt_sh("mkdir -p '%s' && ln -sf '%s' '%s/libbpfhost.so.0'", dir, lib, dir), 0);
	st = lt_sh("%s -std=gnu11 -O1 -g -Wall -Wextra -Werror%s -Iinclude "
		   "tests/object/compat_user.c -o '%s/compat_user' '%s' -Wl,-rpath,'%s' "
		   ">'%s/build.log' 2>&1",
		   cc, san, dir, lib, dir, dir);
	if (st) {
		char p[PATH_MAX + 128];

		snprintf(p, sizeof(p), "%s/build.log", dir);
		out = bh_test_read_file(p, &len);
		CHECK_MSG(0, "compiling compat_user.c with %s failed (%d): %s", cc, st,
			  out ? out : "");
		free(out);
		return;
	}
	st = lt_sh("BPFHOST_EXTENSIONS='%s' '%s/compat_user' '%s' >'%s/run.log' 2>&1", ext, dir,
		   obj, dir);
	{
		char p[PATH_MAX + 128];

		snprintf(p, sizeof(p), "%s/run.log", dir);
		out = bh_test_read_file(p, &len);
		CHECK_MSG(st == 0, "compat_user exited %d: %s", st, out ? out : "");
		CHECK_CONTAINS(out, "compat_user: ok");
		free(out);
	}
	/* an extension that does not load: the default instance is refused */
	st = lt_sh("BPFHOST_EXTENSIONS=/nonexistent.so '%s/compat_user' '%s' >'%s/run2.log' 2>&1",
		   dir, obj, dir);
	CHECK(st == 1);
}
