/* SPDX-License-Identifier: MIT */
/*
 * The C part of the verifier corpus: every tests/verifier/ file ending in
 * .bpf.c is compiled with `clang -O2 -g -target bpf` (into BUILD/verifier/),
 * opened with the loader's object specification, and its program verified
 * under the test type named in the file. Header lines "// verdict:",
 * "// type:", "// rule:", "// error:" give the expectation, as in the
 * assembly corpus (tests/verifier/README.md). Maps come from the object (the
 * loader's relocations name the map of each lddw; .rodata is frozen), source
 * lines from its BTF line info. Skipped without clang or libbpf headers.
 * BH_VERIFIER_C_CORPUS names another directory of such files and
 * BH_VERIFIER_CLANG_FLAGS adds compiler flags (e.g. -mcpu=v3).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/obj_spec.h"
#include "../lib/harness.h"
#include "test_verifier_util.h"

#define CORPUS_DIR_DEFAULT "tests/verifier"

/* BH_VERIFIER_C_CORPUS overrides the directory (to try programs of one's own). */
static const char *corpus_dir(void)
{
	const char *d = getenv("BH_VERIFIER_C_CORPUS");

	return d && *d ? d : CORPUS_DIR_DEFAULT;
}

struct obj_maps {
	const struct bh_obj_spec *spec;
	const struct bh_prog_spec *prog;
	struct bh_map_def defs[64];
	struct bh_map_def inner[64];
	char line[256];
};

static bool obj_map_def(void *cookie, size_t idx, struct bh_verifier_map *out)
{
	struct obj_maps *om = cookie;
	uint32_t i;

	for (i = 0; i < om->prog->nr_relocs; i++) {
		const struct bh_reloc *rl = &om->prog->relocs[i];
		const struct bh_map_spec *ms;
		struct bh_map_def *d;

		if (rl->insn != idx ||
		    (rl->kind != BH_RELOC_MAP && rl->kind != BH_RELOC_MAP_VALUE) ||
		    rl->map >= om->spec->nr_maps || rl->map >= 64)
			continue;
		ms = &om->spec->maps[rl->map];
		d = &om->defs[rl->map];
		memset(d, 0, sizeof(*d));
		d->type = ms->type;
		d->key_size = ms->key_size;
		d->value_size = ms->value_size;
		d->max_entries = ms->max_entries;
		d->map_flags = ms->map_flags;
		snprintf(d->name, sizeof(d->name), "%s", ms->name);
		out->def = d;
		out->rodata = (ms->map_flags & BH_F_RDONLY_PROG) ? ms->data : NULL;
		out->inner = NULL;
		if (ms->inner) {
			struct bh_map_def *in = &om->inner[rl->map];

			memset(in, 0, sizeof(*in));
			in->type = ms->inner->type;
			in->key_size = ms->inner->key_size;
			in->value_size = ms->inner->value_size;
			in->max_entries = ms->inner->max_entries;
			in->map_flags = ms->inner->map_flags;
			out->inner = in;
		}
		return true;
	}
	return false;
}

static const char *obj_source_line(void *cookie, size_t idx)
{
	struct obj_maps *om = cookie;
	const struct bh_btf_line_info *li = bh_prog_spec_line(om->prog, (uint32_t)idx);

	if (!li)
		return NULL;
	snprintf(om->line, sizeof(om->line), "%s (line %u)", li->line, li->line_num);
	return om->line;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static long long mtime_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long long)st.st_mtime;
}

static void header_val(const char *text, const char *key, char *out, size_t sz)
{
	char pat[32];
	const char *p;
	size_t n;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "// %s:", key);
	p = strstr(text, pat);
	if (!p)
		return;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	n = strcspn(p, "\n");
	snprintf(out, sz, "%.*s", (int)n, p);
}

static void check_file(const char *name, const char *objdir)
{
	char src[512], obj[1024], verdict[16], type[32], rule[32], error[256];
	struct bh_obj_spec *spec = NULL;
	struct bh_log log = BH_LOG_INIT;
	struct obj_maps om;
	struct vt_maps vm = { obj_map_def, obj_source_line, &om };
	struct vt_run *r;
	size_t len;
	char *text, *data;

	snprintf(src, sizeof(src), "%s/%s", corpus_dir(), name);
	snprintf(obj, sizeof(obj), "%s/%.*so", objdir, (int)strlen(name) - 1, name);
	text = bh_test_read_file(src, NULL);
	if (!text) {
		bh_test_fail(__FILE__, __LINE__, "%s: cannot read", src);
		return;
	}
	header_val(text, "verdict", verdict, sizeof(verdict));
	header_val(text, "type", type, sizeof(type));
	header_val(text, "rule", rule, sizeof(rule));
	header_val(text, "error", error, sizeof(error));
	free(text);
	/* compiled objects are reused while newer than their source (and no flags are set) */
	if ((getenv("BH_VERIFIER_CLANG_FLAGS") || mtime_of(obj) < mtime_of(src)) &&
	    sh("MA=$(gcc -print-multiarch 2>/dev/null || cc -print-multiarch 2>/dev/null); "
	       "clang -O2 -g -target bpf ${MA:+-I/usr/include/$MA} %s -c '%s' -o '%s.tmp' "
	       "2>'%s.log' && mv '%s.tmp' '%s'",
	       getenv("BH_VERIFIER_CLANG_FLAGS") ? getenv("BH_VERIFIER_CLANG_FLAGS") : "", src, obj,
	       obj, obj, obj)) {
		bh_test_fail(__FILE__, __LINE__, "%s: clang failed (see %s.log)", src, obj);
		return;
	}
	data = bh_test_read_file(obj, &len);
	if (!data || bh_obj_spec_open_mem(data, len, name, &spec, &log) || !spec->nr_progs) {
		bh_test_fail(__FILE__, __LINE__, "%s: cannot open the object: %s", src,
			     bh_log_text(&log));
		bh_log_free(&log);
		free(data);
		return;
	}
	bh_log_free(&log);
	free(data);
	om.spec = spec;
	om.prog = &spec->progs[0];
	r = malloc(sizeof(*r));
	if (!r) {
		bh_obj_spec_free(spec);
		return;
	}
	vt_verify_with(om.prog->insns, om.prog->insn_cnt, type, &vm, r);
	if (!strcmp(verdict, "accept")) {
		CHECK_MSG(r->err == 0, "%s: expected accept: %s", src, r->log);
	} else if (!r->err) {
		bh_test_fail(__FILE__, __LINE__, "%s: expected refusal, accepted: %s", src,
			     r->res.summary);
	} else {
		CHECK_MSG(!strcmp(bh_vrule_name(r->res.rule), rule), "%s: expected rule %s: %s",
			  src, rule, r->log);
		CHECK_MSG(strstr(r->log, error) != NULL, "%s: log lacks \"%s\": %s", src, error,
			  r->log);
		/* messages point at the C source */
		CHECK_MSG(strstr(r->log, "source: ") != NULL, "%s: no source line: %s", src,
			  r->log);
	}
	vt_run_free(r);
	free(r);
	bh_obj_spec_free(spec);
}

TEST(verifier_clang_corpus)
{
	char objdir[512];
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (sh("command -v clang >/dev/null 2>&1"))
		SKIP("clang is not installed");
	if (access("/usr/include/bpf/bpf_helpers.h", R_OK))
		SKIP("libbpf headers (bpf/bpf_helpers.h) are missing");
	d = opendir(corpus_dir());
	if (!d)
		SKIP("%s not found: run the tests from the repository root", corpus_dir());
	snprintf(objdir, sizeof(objdir), "%s/verifier", bh_test_build_dir());
	if (sh("mkdir -p '%s'", objdir)) {
		closedir(d);
		SKIP("cannot create %s", objdir);
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 6 && !strcmp(e->d_name + len - 6, ".bpf.c")) {
			check_file(e->d_name, objdir);
			n++;
		}
	}
	closedir(d);
	printf("verifier C corpus: %d programs compiled with clang and verified\n", n);
	CHECK(n >= (getenv("BH_VERIFIER_C_CORPUS") ? 1 : 8));
}
