/* SPDX-License-Identifier: MIT */
/*
 * The verifier corpus: every tests/verifier/ file (.s) carries its expected
 * verdict, rule, message and r0 range in a comment header (format in
 * tests/verifier/README.md). Each is verified under its test program type
 * and compared; then every rule must be shown by at least one refusal.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/harness.h"
#include "test_verifier_util.h"

#define CORPUS_DIR "tests/verifier"

struct header {
	char verdict[16];
	char type[32];
	char rule[32];
	char error[256];
	bool has_r0;
	unsigned long long r0_min, r0_max;
};

static void copy_val(char *dst, size_t sz, const char *v)
{
	size_t n = strcspn(v, "\r\n");

	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	snprintf(dst, sz, "%.*s", (int)n, v);
}

static int parse_header(const char *text, struct header *h, char *why, size_t why_sz)
{
	const char *p = text;

	memset(h, 0, sizeof(*h));
	while (*p == '#') {
		const char *v = p + 1, *colon;

		while (*v == ' ')
			v++;
		colon = strchr(v, ':');
		if (colon && colon < strchr(v, '\n')) {
			const char *val = colon + 1;
			size_t klen = (size_t)(colon - v);

			while (*val == ' ')
				val++;
			if (klen == 7 && !strncmp(v, "verdict", 7))
				copy_val(h->verdict, sizeof(h->verdict), val);
			else if (klen == 4 && !strncmp(v, "type", 4))
				copy_val(h->type, sizeof(h->type), val);
			else if (klen == 4 && !strncmp(v, "rule", 4))
				copy_val(h->rule, sizeof(h->rule), val);
			else if (klen == 5 && !strncmp(v, "error", 5))
				copy_val(h->error, sizeof(h->error), val);
			else if (klen == 2 && !strncmp(v, "r0", 2))
				h->has_r0 = sscanf(val, "%llu %llu", &h->r0_min, &h->r0_max) == 2;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	if (strcmp(h->verdict, "accept") && strcmp(h->verdict, "refuse")) {
		snprintf(why, why_sz, "no '# verdict: accept|refuse' line");
		return -EINVAL;
	}
	if (!h->type[0]) {
		snprintf(why, why_sz, "no '# type:' line");
		return -EINVAL;
	}
	if (!strcmp(h->verdict, "refuse") && (!h->rule[0] || !h->error[0])) {
		snprintf(why, why_sz, "a refusal needs '# rule:' and '# error:'");
		return -EINVAL;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_corpus(char ***out)
{
	DIR *d = opendir(CORPUS_DIR);
	struct dirent *e;
	char **names = NULL;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **nn;

		if (len < 3 || strcmp(e->d_name + len - 2, ".s"))
			continue;
		nn = realloc(names, (size_t)(n + 1) * sizeof(*names));
		if (!nn)
			break;
		names = nn;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	*out = names;
	return n;
}

TEST(verifier_corpus)
{
	bool seen[BH_VR__COUNT] = { false };
	char **names = NULL, path[512], why[128];
	int n, i, passed = 0;
	enum bh_vrule rule;

	n = list_corpus(&names);
	if (n < 0)
		SKIP("%s not found: run the tests from the repository root", CORPUS_DIR);
	CHECK(n >= 40);
	for (i = 0; i < n; i++) {
		struct header h;
		struct vt_run r;
		char *text;
		bool ok = true;

		snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, names[i]);
		text = bh_test_read_file(path, NULL);
		if (!text) {
			bh_test_fail(__FILE__, __LINE__, "%s: cannot read", path);
			continue;
		}
		if (parse_header(text, &h, why, sizeof(why))) {
			bh_test_fail(__FILE__, __LINE__, "%s: %s", path, why);
			free(text);
			continue;
		}
		vt_verify_asm(text, h.type, &r);
		if (!strcmp(h.verdict, "accept")) {
			if (r.err) {
				bh_test_fail(__FILE__, __LINE__, "%s: expected accept: %s", path,
					     r.log);
				ok = false;
			} else if (h.has_r0 &&
				   (r.res.r0.umin != h.r0_min || r.res.r0.umax != h.r0_max)) {
				bh_test_fail(__FILE__, __LINE__,
					     "%s: r0 range %s, expected [%llu, %llu]", path,
					     r.res.summary, h.r0_min, h.r0_max);
				ok = false;
			}
		} else if (!r.err) {
			bh_test_fail(__FILE__, __LINE__, "%s: expected refusal, accepted: %s", path,
				     r.res.summary);
			ok = false;
		} else if (r.res.rule == BH_VR__COUNT ||
			   strcmp(bh_vrule_name(r.res.rule), h.rule)) {
			bh_test_fail(__FILE__, __LINE__, "%s: expected rule %s: %s", path, h.rule,
				     r.log);
			ok = false;
		} else if (!strstr(r.log, h.error)) {
			bh_test_fail(__FILE__, __LINE__, "%s: log lacks \"%s\": %s", path, h.error,
				     r.log);
			ok = false;
		} else {
			seen[r.res.rule] = true;
		}
		passed += ok;
		vt_run_free(&r);
		free(text);
		free(names[i]);
	}
	free(names);
	printf("verifier corpus: %d/%d passed\n", passed, n);
	for (rule = BH_VR_ENCODING; rule < BH_VR__COUNT; rule++)
		if (rule != BH_VR_NOMEM && !seen[rule])
			bh_test_fail(__FILE__, __LINE__, "no corpus program is refused by rule %s",
				     bh_vrule_name(rule));
}
