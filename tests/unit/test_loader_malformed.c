/* SPDX-License-Identifier: MIT */
/*
 * Malformed and unsupported objects: the corpus that
 * tests/loader/gen_malformed.py derives from good objects (every targeted
 * variant refused with its specific error, random variants never crash and
 * always explain a refusal), plus unsupported features (externs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/obj_spec.h"
#include "../lib/harness.h"
#include "../loader/testutil.h"

/* Open a file with an exact-size heap copy (so ASan sees any overread). */
static int open_path(const char *path, struct bh_obj_spec **spec, struct bh_log *log)
{
	size_t len;
	char *buf = lt_read(path, &len);
	void *exact;
	int err;

	if (!buf)
		return -ENOENT;
	exact = malloc(len ? len : 1);
	memcpy(exact, buf, len);
	free(buf);
	err = bh_obj_spec_open_mem(exact, len, path, spec, log);
	free(exact);
	return err;
}

TEST(loader_malformed_corpus)
{
	const char *maps = lt_obj("maps"), *progs = lt_obj("progs"), *globals = lt_obj("globals");
	char dir[512], tsv[600], line[1024];
	unsigned targeted = 0, random_refused = 0, random_total = 0;
	FILE *f;

	if (!maps || !progs || !globals)
		SKIP("%s", lt_why());
	if (lt_sh("command -v python3 >/dev/null 2>&1"))
		SKIP("python3 is not installed: cannot generate the malformed corpus");
	snprintf(dir, sizeof(dir), "%s/loader/malformed", bh_test_build_dir());
	if (lt_sh("rm -rf '%s' && python3 tests/loader/gen_malformed.py '%s' '%s' '%s' '%s'", dir,
		  dir, maps, progs, globals)) {
		CHECK_MSG(0, "gen_malformed.py failed");
		return;
	}
	snprintf(tsv, sizeof(tsv), "%s/expected.tsv", dir);
	f = fopen(tsv, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct bh_log log = BH_LOG_INIT;
		struct bh_obj_spec *spec = NULL;
		char *tab = strchr(line, '\t'), path[2048];
		const char *expect;
		int err;

		if (!tab)
			continue;
		*tab = '\0';
		expect = tab + 1;
		tab[strcspn(tab + 1, "\n") + 1] = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir, line);
		err = open_path(path, &spec, &log);
		if (strcmp(expect, "*")) {
			targeted++;
			if (!err)
				bh_test_fail(__FILE__, __LINE__, "%s: accepted, expected \"%s\"",
					     line, expect);
			else if (!strstr(bh_log_text(&log), expect))
				bh_test_fail(__FILE__, __LINE__, "%s: \"%s\" lacks \"%s\"", line,
					     bh_log_text(&log), expect);
			if (err && err != -EINVAL && err != -ENOTSUP && err != -E2BIG)
				bh_test_fail(__FILE__, __LINE__, "%s: error %d", line, err);
		} else {
			random_total++;
			if (err) {
				random_refused++;
				if (!log.len || err > 0)
					bh_test_fail(__FILE__, __LINE__,
						     "%s: refused (%d) without a message", line,
						     err);
			}
		}
		CHECK(err ? spec == NULL : spec != NULL);
		bh_obj_spec_free(spec);
		bh_log_free(&log);
	}
	fclose(f);
	CHECK(targeted >= 50);
	CHECK(random_total >= 200);
	if (getenv("BH_TEST_VERBOSE"))
		printf("malformed corpus: %u targeted, %u random (%u refused)\n", targeted,
		       random_total, random_refused);
}

TEST(loader_refuses_externs)
{
	const char *obj = lt_obj("externs");
	struct bh_log log = BH_LOG_INIT;
	struct bh_obj_spec *spec = NULL;

	if (!obj)
		SKIP("%s", lt_why());
	CHECK_EQ(open_path(obj, &spec, &log), -ENOTSUP);
	CHECK(spec == NULL);
	CHECK_CONTAINS(bh_log_text(&log), "extern 'LINUX_KERNEL_VERSION' (in '.kconfig') is not "
					  "supported yet");
	bh_log_free(&log);
}

TEST(loader_refuses_non_objects)
{
	static const unsigned char x86_elf[64] = { 0x7f, 'E', 'L', 'F',	     2,
						   1,	 1,   0,   [16] = 1, [18] = 62 };
	struct bh_log log = BH_LOG_INIT;
	struct bh_obj_spec *spec = (void *)1;

	CHECK_EQ(bh_obj_spec_open_mem("hello", 5, "x", &spec, &log), -EINVAL);
	CHECK(spec == NULL);
	CHECK_CONTAINS(bh_log_text(&log), "not an ELF file");
	bh_log_free(&log);
	CHECK_EQ(bh_obj_spec_open_mem(x86_elf, sizeof(x86_elf), "x", &spec, &log), -EINVAL);
	CHECK_CONTAINS(bh_log_text(&log), "not an eBPF object: e_machine is 62 at offset 0x12");
	bh_log_free(&log);
	CHECK_EQ(bh_obj_spec_open_mem(NULL, 0, "x", &spec, &log), -EINVAL);
	bh_log_free(&log);
}
