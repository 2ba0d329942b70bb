/* SPDX-License-Identifier: MIT */
/* Test harness runner: see harness.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static struct bh_test *tests_head, **tests_tail = &tests_head;
static int cur_failed, cur_skipped;
static const char *cur_name;

void bh_test_register(struct bh_test *t)
{
	*tests_tail = t;
	tests_tail = &t->next;
}

void bh_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (cur_failed < 20) {
		fprintf(stdout, "  FAIL %s: %s:%d: ", cur_name, file, line);
		va_start(ap, fmt);
		vfprintf(stdout, fmt, ap);
		va_end(ap);
		fputc('\n', stdout);
	}
	cur_failed++;
}

void bh_test_skip(const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "  SKIP %s: ", cur_name);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	cur_skipped = 1;
}

static int is_dir(const char *p)
{
	struct stat st;

	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *bh_test_conformance_dir(const char **why)
{
	static char buf[4096];
	const char *env = getenv("BPF_CONFORMANCE_DIR");
	const char *cands[] = { "../shared/conformance/bpf_conformance",
				"../../shared/conformance/bpf_conformance" };
	size_t i;

	if (env && *env) {
		if (is_dir(env))
			return env;
		*why = "BPF_CONFORMANCE_DIR is set but is not a directory";
		return NULL;
	}
	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		if (is_dir(cands[i])) {
			snprintf(buf, sizeof(buf), "%s", cands[i]);
			return buf;
		}
	}
	*why = "bpf_conformance suite not found at ../shared/conformance/bpf_conformance "
	       "(set BPF_CONFORMANCE_DIR)";
	return NULL;
}

const char *bh_test_build_dir(void)
{
	const char *d = getenv("BH_BUILD_DIR");

	return d && *d ? d : "build";
}

char *bh_test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t r;

		if (cap - n < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0, skipped = 0;
	struct bh_test *t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (t = tests_head; t; t = t->next) {
		if (filter && !strstr(t->name, filter))
			continue;
		cur_name = t->name;
		cur_failed = 0;
		cur_skipped = 0;
		t->fn();
		if (cur_failed) {
			failed++;
			printf("FAIL %s (%d checks failed)\n", t->name, cur_failed);
		} else if (cur_skipped) {
			skipped++;
		} else {
			passed++;
			if (getenv("BH_TEST_VERBOSE"))
				printf("ok   %s\n", t->name);
		}
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
