/* SPDX-License-Identifier: MIT */
/*
 * Kernel oracle: accept/refuse agreement between the Linux verifier and
 * bpfhost's, on the project's programs.
 *
 * Programs: every hand-written body of tests/kernel/progs/ as the whole XDP
 * program the kernel loads (the oracle's prolog + the body as a bpf-to-bpf
 * call, bh_koracle_wrap_xdp), loaded with BPF_PROG_LOAD in the kernel and
 * with bpfhost_prog_load on the net extension's xdp type (which verifies
 * it); and every program of the C examples (examples/NAME.bpf.c), in the
 * kernel through tests/lib/kernel_obj.c and in bpfhost through the object
 * API. A table line per program and a summary; differences are reported,
 * not failures (the verifiers are not the same), except one: bpfhost
 * accepting what Linux refuses. Every Linux refusal of these programs is
 * taken as a memory-safety one unless the program is in the allowlist
 * below with the reason it is not.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "../net/net_testutil.h"
#include "../lib/kernel_bpf.h"
#include "../lib/kernel_obj.h"
#include "../lib/kernel_oracle.h"

#define PROGS_DIR "tests/kernel/progs"
#define VLOG_SZ (1u << 20)

/*
 * Programs Linux refuses and bpfhost may accept, each with why that is no
 * memory-safety matter: Linux refuses instructions whose result RFC 9669
 * defines, bpfhost runs them with the defined result.
 */
static const struct {
	const char *program, *why;
} allowlist[] = {
	{ "refuse-div-imm-zero.s",
	  "division by an immediate 0: RFC 9669 defines the result (0, modulo keeps dst); "
	  "Linux refuses the instruction as invalid, no memory is involved" },
	{ "refuse-shift-imm.s",
	  "immediate shift by 64: a scalar result with no memory access (bpfhost masks the "
	  "count as RFC 9669 says); Linux refuses the encoding as invalid" },
};

struct vstats {
	unsigned int programs, aa, rr, differ, unsafe;
};

static const char *allowed(const char *program)
{
	size_t i;

	for (i = 0; i < sizeof(allowlist) / sizeof(allowlist[0]); i++)
		if (!strcmp(allowlist[i].program, program))
			return allowlist[i].why;
	return NULL;
}

static void record(struct vstats *st, const char *program, bool linux_ok, const char *lreason,
		   bool bh_ok, const char *breason)
{
	const char *why;

	st->programs++;
	printf("  %-44s linux=%s bpfhost=%s", program, linux_ok ? "accept" : "refuse",
	       bh_ok ? "accept" : "refuse");
	if (!linux_ok)
		printf("  linux: \"%s\"", lreason);
	if (!bh_ok)
		printf("  bpfhost: \"%s\"", breason);
	printf("\n");
	if (linux_ok == bh_ok) {
		if (linux_ok)
			st->aa++;
		else
			st->rr++;
		return;
	}
	st->differ++;
	if (linux_ok)
		return;
	why = allowed(program);
	if (why) {
		printf("    allowed: %s\n", why);
		return;
	}
	st->unsafe++;
	CHECK_MSG(0, "%s: bpfhost accepts a program Linux refuses: \"%s\"", program, lreason);
}

/* The last non-empty line of a bpfhost log. */
static void last_line(const char *log, char *out, size_t out_sz)
{
	const char *end = log + strlen(log), *s;

	while (end > log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	s = end;
	while (s > log && s[-1] != '\n')
		s--;
	snprintf(out, out_sz, "%.*s", (int)(end - s), s);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void hand_written(struct bpfhost *rt, char *vlog, struct vstats *st)
{
	static char ulog[65536];
	char *names[128];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(PROGS_DIR);
	int kmap, umap;

	if (!d) {
		CHECK_MSG(0, "no %s: run the tests from the repository root", PROGS_DIR);
		return;
	}
	while ((de = readdir(d)) && n < 128) {
		size_t len = strlen(de->d_name);

		if (len > 2 && !strcmp(de->d_name + len - 2, ".s"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	kmap = bh_kbpf_array_create(8, 1);
	umap = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "r0", 4, 8, 1, NULL);
	CHECK(kmap >= 0);
	CHECK(umap > 0);
	for (i = 0; i < n; i++) {
		char path[512], lreason[BH_KORACLE_REASON_SZ] = "", breason[256] = "";
		struct bpfhost_insn *body = NULL, *kp = NULL, *up = NULL;
		size_t len = 0, cnt = 0, kcnt = 0, ucnt = 0;
		char *text;
		int kfd, ufd;

		snprintf(path, sizeof(path), "%s/%s", PROGS_DIR, names[i] ? names[i] : "?");
		text = names[i] ? bh_test_read_file(path, &len) : NULL;
		if (!text || bpfhost_asm(text, len, &body, &cnt, NULL)) {
			CHECK_MSG(0, "%s does not assemble", path);
			free(text);
			free(names[i]);
			continue;
		}
		free(text);
		kp = bh_koracle_wrap_xdp(body, cnt, kmap, &kcnt);
		up = bh_koracle_wrap_xdp(body, cnt, umap, &ucnt);
		if (kp && up && kmap >= 0 && umap > 0) {
			BPFHOST_OPTS_INIT(bpfhost_prog_load_opts, o, .log_buf = ulog,
					  .log_size = sizeof(ulog), .log_level = 0);

			kfd = bh_kbpf_prog_load(BPF_PROG_TYPE_XDP, kp, kcnt, "GPL", 1, vlog,
						VLOG_SZ);
			if (kfd < 0)
				bh_koracle_verifier_reason(vlog, lreason, sizeof(lreason));
			else
				close(kfd);
			ulog[0] = '\0';
			ufd = bpfhost_prog_load(rt, "xdp", "oracle_body", up, ucnt, &o);
			if (ufd < 0)
				last_line(ulog, breason, sizeof(breason));
			else
				bpfhost_close(ufd);
			record(st, names[i], kfd >= 0, lreason, ufd >= 0, breason);
		} else {
			CHECK_MSG(0, "%s: out of memory", names[i]);
		}
		free(kp);
		free(up);
		bpfhost_insns_free(body);
		free(names[i]);
	}
	if (kmap >= 0)
		close(kmap);
	if (umap > 0)
		bpfhost_close(umap);
}

/* examples/NAME.bpf.c compiled by the examples test or `make`; NULL if neither did. */
static const char *example_path(const char *name, char *buf, size_t sz)
{
	static const char *const dirs[] = { "examples", "oracle-examples" };
	struct stat st;
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(buf, sz, "%s/%s/%s.bpf.o", bh_test_build_dir(), dirs[i], name);
		if (!stat(buf, &st))
			return buf;
	}
	return NULL;
}

static void example(struct bpfhost *rt, const char *name, struct vstats *st)
{
	static char ulog[65536];
	char path[512], why[1400] = "", pins[600], label[160];
	struct bh_log log = BH_LOG_INIT;
	struct bh_obj_spec *spec = NULL;
	struct bpfhost_object *uo = NULL;
	struct bh_kobj ko;
	size_t len = 0;
	uint32_t i;
	char *buf;
	int err, uerr;

	if (!example_path(name, path, sizeof(path))) {
		printf("  %s: no compiled object (kernel_oracle_examples builds it)\n", name);
		return;
	}
	buf = bh_test_read_file(path, &len);
	err = buf ? bh_obj_spec_open_mem(buf, len, name, &spec, &log) : -ENOENT;
	free(buf);
	bh_log_free(&log);
	CHECK_MSG(!err, "%s: cannot open", path);
	if (err)
		return;
	err = bh_kobj_load(&ko, spec, why, sizeof(why));
	CHECK_MSG(!err, "%s: kernel: %s", name, why);
	if (err) {
		bh_obj_spec_free(spec);
		return;
	}
	snprintf(pins, sizeof(pins), "%s/oracle-examples/vpins-%d", bh_test_build_dir(),
		 (int)getpid());
	snprintf(why, sizeof(why), "rm -rf '%s' && mkdir -p '%s'", pins, pins);
	if (system(why))
		printf("  cannot create %s\n", pins);
	{
		BPFHOST_OPTS_INIT(bpfhost_object_open_opts, oo, .pin_root_path = pins,
				  .log_buf = ulog, .log_size = sizeof(ulog));

		ulog[0] = '\0';
		uo = bpfhost_object__open_file(rt, path, &oo);
	}
	uerr = uo ? bpfhost_object__load(uo) : -EINVAL;
	for (i = 0; i < spec->nr_progs; i++) {
		struct bpfhost_program *up =
			uo ? bpfhost_object__find_program_by_name(uo, spec->progs[i].name) : NULL;
		bool bh_ok = !uerr && up && bpfhost_program__fd(up) > 0;
		char breason[256] = "";

		if (!bh_ok)
			last_line(ulog, breason, sizeof(breason));
		snprintf(label, sizeof(label), "%s/%s", name, spec->progs[i].name);
		record(st, label, ko.prog_fds[i] >= 0, ko.reasons[i], bh_ok, breason);
	}
	bpfhost_object__close(uo);
	snprintf(why, sizeof(why), "rm -rf '%s'", pins);
	if (system(why))
		printf("  cannot remove %s\n", pins);
	bh_kobj_close(&ko);
	bh_obj_spec_free(spec);
}

TEST(kernel_oracle_verdicts)
{
	static const char *const examples[] = { "xdp_filter", "xdp_events", "xdp_tailcall" };
	const char *req = getenv("BH_KERNEL_ORACLE");
	struct vstats st = { 0 };
	const char *why = NULL;
	struct bpfhost *rt;
	char *vlog;
	size_t i;
	int fd;

	NEED_NET();
	if (geteuid())
		why = "not root (it needs the bpf() syscall as root)";
	else if ((fd = bh_kbpf_array_create(8, 1)) < 0)
		why = "bpf(BPF_MAP_CREATE) failed";
	else
		close(fd);
	if (why) {
		CHECK_MSG(!req || strcmp(req, "require"),
			  "BH_KERNEL_ORACLE=require but the kernel cannot serve: %s", why);
		SKIP("kernel oracle: %s", why);
	}
	rt = net_rt(NULL);
	vlog = malloc(VLOG_SZ);
	CHECK(rt && vlog);
	if (rt && vlog) {
		hand_written(rt, vlog, &st);
		for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
			example(rt, examples[i], &st);
	}
	printf("  verifier agreement: %u programs, %u agree (accept/accept %u, refuse/refuse "
	       "%u), %u differ (%u accepted by bpfhost only and not allowed)\n",
	       st.programs, st.aa + st.rr, st.aa, st.rr, st.differ, st.unsafe);
	CHECK(st.programs > 0);
	free(vlog);
	if (rt)
		bpfhost__free(rt);
}
