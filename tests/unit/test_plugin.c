/* SPDX-License-Identifier: MIT */
/*
 * The bpf_conformance plugin, driven as the upstream runner drives it: one
 * process per program, memory as the first argument ("aa  bb  ..."), the
 * program as hex bytes on stdin, r0 read back from stdout as hex.
 *
 * Covers the command line (help, engines, --elf, unknown options), malformed
 * input (hex, byte counts, empty program), every encoding-level negative of
 * the shared suite (must exit non-zero) and the whole positive suite.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpfhost/isa.h>
#include "../lib/datafile.h"
#include "../lib/harness.h"

struct proc_result {
	int status; /* exit status, or 128 + signal */
	char out[4096];
	char err[4096];
};

static const char *plugin_path(void)
{
	static char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/bpf_conformance_plugin", bh_test_build_dir());
	if (stat(path, &st) || !(st.st_mode & S_IXUSR))
		return NULL;
	return path;
}

static void append(char *buf, size_t cap, size_t *len, const char *data, size_t n)
{
	if (*len + n >= cap)
		n = cap - 1 - *len;
	memcpy(buf + *len, data, n);
	*len += n;
	buf[*len] = '\0';
}

/*
 * Run the plugin with the given arguments (NULL-terminated, without argv[0])
 * and stdin text; collect stdout, stderr and the exit status. Returns 0, or
 * -1 if the process could not be run.
 */
static int run_plugin(const char *const *args, const char *input, struct proc_result *r)
{
	const char *path = plugin_path();
	const char *argv[16];
	int in[2], out[2], err[2], n = 0, wst;
	size_t in_len = strlen(input), in_off = 0, out_len = 0, err_len = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	argv[n++] = path;
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe(in))
		return -1;
	if (pipe(out)) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (pipe(err)) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		close(err[0]);
		return -1;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	if (!in_len) {
		close(in[1]);
		in[1] = -1;
	}
	/* feed stdin and drain stdout/stderr together: no pipe can fill up */
	while (out[0] >= 0 || err[0] >= 0) {
		struct pollfd pfd[3] = { { .fd = out[0], .events = POLLIN },
					 { .fd = err[0], .events = POLLIN },
					 { .fd = in[1], .events = POLLOUT } };
		char chunk[4096];
		int i;

		if (poll(pfd, 3, 10000) <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (in[1] >= 0 && (pfd[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in[1], input + in_off, in_len - in_off);

			if (w > 0)
				in_off += (size_t)w;
			if (w < 0 && errno != EAGAIN) /* the plugin stopped reading: fine */
				in_off = in_len;
			if (in_off == in_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
		for (i = 0; i < 2; i++) {
			int *fd = i ? &err[0] : &out[0];
			ssize_t got;

			if (*fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(*fd, chunk, sizeof(chunk));
			if (got <= 0) {
				close(*fd);
				*fd = -1;
			} else if (i) {
				append(r->err, sizeof(r->err), &err_len, chunk, (size_t)got);
			} else {
				append(r->out, sizeof(r->out), &out_len, chunk, (size_t)got);
			}
		}
	}
	if (in[1] >= 0)
		close(in[1]);
	if (out[0] >= 0)
		close(out[0]);
	if (err[0] >= 0)
		close(err[0]);
	if (waitpid(pid, &wst, 0) != pid)
		return -1;
	r->status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	return 0;
}

/* Count lines of a NUL-terminated text (a last line without '\n' counts). */
static int line_count(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (*s == '\n' || !s[1])
			n++;
	return n;
}

/* A failure must be: non-zero status, nothing on stdout, one stderr line with `want`. */
static void check_refused(const char *const *args, const char *input, const char *want)
{
	struct proc_result r;

	if (run_plugin(args, input, &r)) {
		CHECK_MSG(0, "could not run the plugin");
		return;
	}
	CHECK_MSG(r.status != 0 && r.status < 128, "input <<%s>>: status %d, stdout <<%s>>", input,
		  r.status, r.out);
	CHECK_STR(r.out, "");
	CHECK_MSG(line_count(r.err) == 1, "stderr is not one line: <<%s>>", r.err);
	CHECK_CONTAINS(r.err, want);
}

static void check_value(const char *const *args, const char *input, const char *want)
{
	struct proc_result r;

	if (run_plugin(args, input, &r)) {
		CHECK_MSG(0, "could not run the plugin");
		return;
	}
	CHECK_MSG(r.status == 0, "input <<%s>>: status %d, stderr <<%s>>", input, r.status, r.err);
	CHECK_STR(r.out, want);
	CHECK_STR(r.err, "");
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_ARGS ((const char *const[]){ NULL })

/* mov r0, 42; exit */
static const char prog_42[] = "b7 00 00 00 2a 00 00 00  95 00 00 00 00 00 00 00\n";
/* r0 = *(u64 *)(r1 + 2); exit */
static const char prog_ldxdw[] = "79 10 02 00 00 00 00 00  95 00 00 00 00 00 00 00\n";
/* r0 = r2; exit */
static const char prog_len[] = "bf 20 00 00 00 00 00 00  95 00 00 00 00 00 00 00\n";
/* r0 = r1; exit */
static const char prog_r1[] = "bf 10 00 00 00 00 00 00  95 00 00 00 00 00 00 00\n";

#define NEED_PLUGIN()                                                               \
	do {                                                                        \
		if (!plugin_path())                                                 \
			SKIP("plugin not built: no %s/bpf_conformance_plugin (set " \
			     "BH_BUILD_DIR)",                                       \
			     bh_test_build_dir());                                  \
	} while (0)

TEST(plugin_runs_programs_with_and_without_memory)
{
	NEED_PLUGIN();
	check_value(NO_ARGS, prog_42, "2a\n");
	/* the runner's form: two hex digits and two spaces per byte */
	check_value(ARGS("aa  bb  11  22  33  44  55  66  77  88  cc  dd  "), prog_ldxdw,
		    "8877665544332211\n");
	check_value(ARGS("00 01\t02\n03"), prog_len, "4\n");
	check_value(ARGS("0001020304"), prog_len, "5\n");
	/* no memory: r1 = NULL, r2 = 0; an empty argument (old runners) is no memory */
	check_value(NO_ARGS, prog_r1, "0\n");
	check_value(ARGS(""), prog_len, "0\n");
	check_value(ARGS("", ""), prog_r1, "0\n");
	/* options, also as one argument as old runners pass them */
	check_value(ARGS("--engine", "interp"), prog_42, "2a\n");
	check_value(ARGS("--engine=interp"), prog_42, "2a\n");
	check_value(ARGS("01 02", "--engine interp"), prog_len, "2\n");
	/* program bytes in upper case, several lines, no final newline */
	check_value(NO_ARGS, "B7 00 00 00 FF FF FF FF\n95 00 00 00 00 00 00 00",
		    "ffffffffffffffff\n");
	/* helper 5 is the identity */
	check_value(NO_ARGS,
		    "b7 01 00 00 07 00 00 00 85 00 00 00 05 00 00 00 95 00 00 00 00 00 00 00",
		    "7\n");
}

TEST(plugin_command_line)
{
	struct proc_result r;

	NEED_PLUGIN();
	CHECK_EQ(run_plugin(ARGS("--help"), "", &r), 0);
	CHECK_EQ(r.status, 0);
	CHECK_CONTAINS(r.out, "usage: bpf_conformance_plugin");
	CHECK_CONTAINS(r.out, "--engine interp");
	CHECK_STR(r.err, "");
	check_refused(ARGS("--engine", "jit"), prog_42, "engine 'jit' not available yet");
	check_refused(ARGS("--engine=jit"), prog_42, "engine 'jit' not available yet");
	check_refused(ARGS("--engine", "turbo"), prog_42, "unknown engine 'turbo'");
	check_refused(ARGS("--engine"), prog_42, "--engine needs a value");
	check_refused(ARGS("--elf"), prog_42, "ELF input is not supported");
	check_refused(ARGS("00", "--elf"), prog_42, "ELF input is not supported");
	check_refused(ARGS("--frobnicate"), prog_42, "unknown option '--frobnicate'");
	check_refused(ARGS("-x"), prog_42, "unknown option '-x'");
	check_refused(ARGS("00", "11"), prog_42, "unexpected argument '11'");
}

TEST(plugin_refuses_malformed_input)
{
	NEED_PLUGIN();
	check_refused(NO_ARGS, "", "no instructions");
	check_refused(NO_ARGS, "\n", "no instructions");
	check_refused(NO_ARGS, "   \n  \n", "no instructions");
	check_refused(NO_ARGS, "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00\n",
		      "15 bytes is not a whole number of instructions");
	check_refused(NO_ARGS, "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00 00\n", "17 bytes");
	check_refused(NO_ARGS, "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 0\n",
		      "odd number of hex digits");
	check_refused(NO_ARGS, "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 0g\n",
		      "'g' at offset");
	check_refused(NO_ARGS, "0x95 00 00 00 00 00 00 00\n", "'x' at offset 1");
	check_refused(NO_ARGS, "95 00 00 00 00 00 00 00 \x01\n", "byte 0x01 at offset");
	check_refused(ARGS("zz"), prog_42, "memory argument: 'z' at offset 0");
	check_refused(ARGS("aa b"), prog_42, "memory argument: 'b' at offset 3 has an odd number");
	check_refused(ARGS("aa,bb"), prog_42, "memory argument: ',' at offset 2");
	/* encoding and load errors come from the engine, with the instruction */
	check_refused(NO_ARGS, "b7 00 00 00 2a 00 00 00\n", "insn 0: program must end with exit");
	check_refused(NO_ARGS, "85 00 00 00 06 00 00 00 95 00 00 00 00 00 00 00\n",
		      "insn 0: call to unknown helper 6");
	check_refused(NO_ARGS, "ff 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00\n",
		      "unknown opcode 0xff");
	/* run-time error: callx to an unknown helper id */
	check_refused(NO_ARGS,
		      "b7 01 00 00 63 00 00 00 8d 01 00 00 00 00 00 00 95 00 00 00 00 00 00 00\n",
		      "run failed");
}

/* Program of a .data file as the runner sends it: "xx  " per byte. */
static char *encode_hex(const uint8_t *b, size_t n, bool newline)
{
	char *s = malloc(n * 4 + 2), *p = s;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < n; i++)
		p += sprintf(p, "%02x  ", b[i]);
	if (newline)
		*p++ = '\n';
	*p = '\0';
	return s;
}

static char *encode_insns(const struct bpfhost_insn *insns, size_t cnt)
{
	uint8_t *b = malloc(cnt * 8 + 1);
	char *s;
	size_t i;

	if (!b)
		return NULL;
	for (i = 0; i < cnt; i++) {
		uint8_t *p = b + 8 * i;
		uint32_t imm = (uint32_t)insns[i].imm;
		uint16_t off = (uint16_t)insns[i].off;

		p[0] = insns[i].code;
		p[1] = (uint8_t)(insns[i].dst_reg | insns[i].src_reg << 4);
		p[2] = (uint8_t)off;
		p[3] = (uint8_t)(off >> 8);
		p[4] = (uint8_t)imm;
		p[5] = (uint8_t)(imm >> 8);
		p[6] = (uint8_t)(imm >> 16);
		p[7] = (uint8_t)(imm >> 24);
	}
	s = encode_hex(b, cnt * 8, true);
	free(b);
	return s;
}

/* Every negative of the suite given as raw instructions must exit non-zero. */
TEST(plugin_refuses_encoding_level_negatives)
{
	const char *why = NULL, *dir = bh_test_conformance_dir(&why);
	char path[4096], **names;
	int cnt, i, tried = 0, refused = 0;

	NEED_PLUGIN();
	if (!dir)
		SKIP("%s", why);
	snprintf(path, sizeof(path), "%s/negative", dir);
	cnt = bh_datafile_list(path, &names);
	CHECK_MSG(cnt > 0, "no .data files in %s", path);
	for (i = 0; i < cnt; i++) {
		struct bh_datafile df;
		struct proc_result r;
		char err[256], *prog;

		snprintf(path, sizeof(path), "%s/negative/%s", dir, names[i]);
		if (bh_datafile_load(path, &df, err, sizeof(err))) {
			CHECK_MSG(0, "negative/%s: %s", names[i], err);
			continue;
		}
		if (!df.has_raw) {
			bh_datafile_free(&df);
			continue;
		}
		tried++;
		prog = encode_insns(df.raw, df.raw_cnt);
		if (prog && run_plugin(NO_ARGS, prog, &r) == 0) {
			bool ok = r.status != 0 && r.status < 128 && !r.out[0] &&
				  line_count(r.err) == 1;

			refused += ok;
			CHECK_MSG(ok, "negative/%s: plugin status %d, stdout <<%s>>, stderr <<%s>>",
				  names[i], r.status, r.out, r.err);
		} else {
			CHECK_MSG(0, "negative/%s: could not run the plugin", names[i]);
		}
		free(prog);
		bh_datafile_free(&df);
	}
	bh_datafile_names_free(names, cnt > 0 ? cnt : 0);
	printf("  plugin negatives: %d/%d refused\n", refused, tried);
	CHECK_EQ(tried, 45);
}

/* The whole positive suite through the plugin: 313/313 must give their r0. */
TEST(plugin_passes_the_suite)
{
	const char *why = NULL, *dir = bh_test_conformance_dir(&why);
	char path[4096], **names;
	int cnt, i, passed = 0;

	NEED_PLUGIN();
	if (!dir)
		SKIP("%s", why);
	snprintf(path, sizeof(path), "%s/tests", dir);
	cnt = bh_datafile_list(path, &names);
	CHECK_MSG(cnt > 0, "no .data files in %s", path);
	for (i = 0; i < cnt; i++) {
		struct bh_datafile df;
		struct bpfhost_insn *insns = NULL;
		struct proc_result r;
		char err[512], *prog = NULL, *mem = NULL, *end;
		size_t n = 0;
		uint64_t r0;

		snprintf(path, sizeof(path), "%s/tests/%s", dir, names[i]);
		if (bh_datafile_load(path, &df, err, sizeof(err))) {
			CHECK_MSG(0, "tests/%s: %s", names[i], err);
			continue;
		}
		if (bh_datafile_program(&df, names[i], &insns, &n, err, sizeof(err)) || !n) {
			CHECK_MSG(0, "tests/%s: no program: %s", names[i], err);
			goto next;
		}
		prog = encode_insns(insns, n);
		mem = df.mem_len ? encode_hex(df.mem, df.mem_len, false) : NULL;
		if (!prog || (df.mem_len && !mem) ||
		    run_plugin(mem ? ARGS(mem) : NO_ARGS, prog, &r)) {
			CHECK_MSG(0, "tests/%s: could not run the plugin", names[i]);
			goto next;
		}
		r0 = strtoull(r.out, &end, 16);
		if (r.status != 0)
			CHECK_MSG(0, "tests/%s: plugin status %d: %s", names[i], r.status, r.err);
		else if (end == r.out || strcmp(end, "\n"))
			CHECK_MSG(0, "tests/%s: plugin output <<%s>> is not one hex number",
				  names[i], r.out);
		else if (r0 != df.result)
			CHECK_MSG(0, "tests/%s: plugin printed %s, expected 0x%" PRIx64, names[i],
				  r.out, df.result);
		else
			passed++;
next:
		free(prog);
		free(mem);
		free(insns);
		bh_datafile_free(&df);
	}
	bh_datafile_names_free(names, cnt > 0 ? cnt : 0);
	printf("  plugin: %d/%d passed\n", passed, cnt > 0 ? cnt : 0);
	CHECK_EQ(passed, cnt);
}
