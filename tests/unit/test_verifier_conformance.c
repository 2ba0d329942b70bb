/* SPDX-License-Identifier: MIT */
/*
 * Soundness check against the shared bpf_conformance suite.
 *
 * Every program of tests/ (the .data files) uses only the memory passed in r1 (with its
 * length in r2). It is verified under the test program type "mem:N"
 * (test_verifier_util.h): r1 is a pointer to N bytes of read/write memory
 * (the "memory of a known size" region, so variable offsets are checked
 * against N) and r2 the number N; files without memory get "none" (r1 and
 * r2 are the number 0, as the suite runs them). Helper 5 is the suite's
 * identity helper (one ANYTHING argument, integer result).
 *
 * Each program must be accepted, and its expected r0 must lie inside the
 * range the verifier computed for r0 at exit. The files the verifier
 * refuses on purpose are listed in `refused` below with the reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/datafile.h"
#include "../lib/harness.h"
#include "test_verifier_util.h"

/* None so far: list "name.data", "reason" pairs here if one must be refused. */
static const char *const refused[][2] = {
	{ NULL, NULL },
};

static const char *refusal_reason(const char *name)
{
	size_t i;

	for (i = 0; refused[i][0]; i++)
		if (!strcmp(refused[i][0], name))
			return refused[i][1];
	return NULL;
}

TEST(verifier_conformance_soundness)
{
	const char *why = NULL, *dir = bh_test_conformance_dir(&why);
	char path[4096], err[256], type[32];
	char **names = NULL;
	int n, i, accepted = 0, checked = 0;

	if (!dir)
		SKIP("%s", why);
	snprintf(path, sizeof(path), "%s/tests", dir);
	n = bh_datafile_list(path, &names);
	CHECK(n > 0);
	for (i = 0; i < n; i++) {
		struct bh_datafile df;
		struct bpfhost_insn *insns = NULL;
		struct vt_run r;
		size_t cnt = 0;
		const char *reason = refusal_reason(names[i]);

		snprintf(path, sizeof(path), "%s/tests/%s", dir, names[i]);
		if (bh_datafile_load(path, &df, err, sizeof(err))) {
			bh_test_fail(__FILE__, __LINE__, "%s: %s", names[i], err);
			continue;
		}
		if (!df.has_result ||
		    bh_datafile_program(&df, names[i], &insns, &cnt, r.log, sizeof(r.log))) {
			bh_datafile_free(&df);
			continue;
		}
		if (df.has_mem)
			snprintf(type, sizeof(type), "mem:%zu", df.mem_len);
		else
			snprintf(type, sizeof(type), "none");
		vt_verify_insns(insns, cnt, type, 0, &r);
		checked++;
		if (r.err) {
			if (!reason)
				bh_test_fail(__FILE__, __LINE__, "%s refused: %s", names[i],
					     r.res.summary);
		} else {
			accepted++;
			if (reason)
				bh_test_fail(__FILE__, __LINE__,
					     "%s accepted, but listed as refused (%s)", names[i],
					     reason);
			if (!bh_scalar_contains(&r.res.r0, df.result))
				bh_test_fail(__FILE__, __LINE__,
					     "%s: expected r0 0x%llx is outside the computed range "
					     "(%s)",
					     names[i], (unsigned long long)df.result,
					     r.res.summary);
		}
		vt_run_free(&r);
		free(insns);
		bh_datafile_free(&df);
	}
	printf("verifier conformance: %d/%d accepted, expected r0 inside the computed range\n",
	       accepted, checked);
	CHECK(checked > 300);
	bh_datafile_names_free(names, n);
}
