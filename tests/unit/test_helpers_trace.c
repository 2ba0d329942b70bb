/* SPDX-License-Identifier: MIT */
/*
 * bpf_trace_printk / bpf_trace_vprintk: text reaches the sink of the
 * instance found through header slot 0 (with the program name), falls back
 * to stderr outside an invocation, is truncated like Linux's, and nothing
 * is printed for a bad format.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpfhost/bpfhost.h>
#include "helpers/helpers.h"
#include "runtime/exec_state.h"
#include "../lib/harness.h"

#define U(p) ((uint64_t)(uintptr_t)(p))
#define FS(s) U(s), sizeof(s)

struct sink {
	int calls;
	char name[64];
	char text[BH_TRACE_BUF_SIZE + 8];
};

static void sink_fn(void *ctx, const char *prog_name, const char *text)
{
	struct sink *s = ctx;

	s->calls++;
	snprintf(s->name, sizeof(s->name), "%s", prog_name);
	snprintf(s->text, sizeof(s->text), "%s", text);
}

/* A context whose header slot 0 points at an invocation state of rt. */
struct fake_invocation {
	struct bh_exec_state st;
	uint64_t mem[8 + 2];
	void *ctx;
};

static void fake_invocation_init(struct fake_invocation *f, struct bpfhost *rt)
{
	memset(f, 0, sizeof(*f));
	f->st.rt = rt;
	f->mem[BPFHOST_CTX_SLOT_STATE] = U(&f->st);
	f->ctx = &f->mem[8];
}

static struct bpfhost *new_rt(struct sink *s)
{
	BPFHOST_OPTS_INIT(bpfhost_opts, o, .trace = sink_fn, .trace_ctx = s);

	memset(s, 0, sizeof(*s));
	return bpfhost__new(&o);
}

TEST(helpers_trace_printk_to_instance_sink)
{
	struct fake_invocation f;
	struct sink s;
	struct bpfhost *rt = new_rt(&s);

	CHECK(rt);
	if (!rt)
		return;
	fake_invocation_init(&f, rt);
	CHECK_EQ((int64_t)bh_helper_trace_printk(FS("x=%d s=%s c=%c\n"), 42, U("str"), 'z', f.ctx),
		 (long long)strlen("x=42 s=str c=z\n"));
	CHECK_EQ(s.calls, 1);
	CHECK_STR(s.text, "x=42 s=str c=z\n");
	CHECK_STR(s.name, ""); /* no program in this hand-made state */

	/* bad formats print nothing */
	CHECK_EQ((int64_t)bh_helper_trace_printk(FS("%d %d %d %d"), 1, 2, 3, f.ctx), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_trace_printk(FS("%z"), 1, 2, 3, f.ctx), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_trace_printk(U("abc"), 3, 0, 0, 0, f.ctx), -EINVAL);
	CHECK_EQ(s.calls, 1);
	bpfhost__free(rt);
}

TEST(helpers_trace_printk_truncates_like_linux)
{
	struct fake_invocation f;
	struct sink s;
	struct bpfhost *rt = new_rt(&s);

	if (!rt)
		return;
	fake_invocation_init(&f, rt);
	/* 2000 characters of output: 1023 delivered, full length returned */
	CHECK_EQ((int64_t)bh_helper_trace_printk(FS("%1000d%1000d"), 1, 2, 0, f.ctx), 2000);
	CHECK_EQ(s.calls, 1);
	CHECK_EQ(strlen(s.text), BH_TRACE_BUF_SIZE - 1);
	bpfhost__free(rt);
}

TEST(helpers_trace_vprintk)
{
	uint64_t data[12];
	struct fake_invocation f;
	struct sink s;
	struct bpfhost *rt = new_rt(&s);

	if (!rt)
		return;
	fake_invocation_init(&f, rt);
	for (int i = 0; i < 12; i++)
		data[i] = (uint64_t)i * 11;
	CHECK_EQ((int64_t)bh_helper_trace_vprintk(FS("%d %d %d %d %d %d %d %d %d %d %d %d"),
						  U(data), sizeof(data), 0, f.ctx),
		 (long long)strlen("0 11 22 33 44 55 66 77 88 99 110 121"));
	CHECK_STR(s.text, "0 11 22 33 44 55 66 77 88 99 110 121");
	CHECK_EQ((int64_t)bh_helper_trace_vprintk(FS("no args"), 0, 0, 0, f.ctx), 7);
	CHECK_STR(s.text, "no args");
	CHECK_EQ(s.calls, 2);
	/* data_len rules, and one specifier too many */
	CHECK_EQ((int64_t)bh_helper_trace_vprintk(FS("%d"), U(data), 4, 0, f.ctx), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_trace_vprintk(FS("%d"), U(data), 13 * 8, 0, f.ctx), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_trace_vprintk(FS("%d"), 0, 8, 0, f.ctx), -EINVAL);
	CHECK_EQ((int64_t)bh_helper_trace_vprintk(FS("%d %d"), U(data), 8, 0, f.ctx), -EINVAL);
	CHECK_EQ(s.calls, 2);
	bpfhost__free(rt);
}

/* Run fn with stderr redirected into a temporary file; return what it wrote. */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	char *out = calloc(1, 4096);
	size_t n;

	if (!tmp || saved < 0 || !out) {
		if (tmp)
			fclose(tmp);
		if (saved >= 0)
			close(saved);
		free(out);
		return NULL;
	}
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	fn(arg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, 4095, tmp);
	out[n] = 0;
	fclose(tmp);
	return out;
}

static void print_outside_invocation(void *ctx)
{
	bh_helper_trace_printk(FS("hello %d"), 7, 0, 0, ctx);
	bh_helper_trace_printk(FS("line\n"), 0, 0, 0, NULL);
}

TEST(helpers_trace_printk_outside_invocation)
{
	uint64_t mem[8 + 1] = { 0 }; /* slot 0 empty: not inside an invocation */
	char *out = capture_stderr(print_outside_invocation, &mem[8]);

	CHECK(out);
	if (!out)
		return;
	CHECK_STR(out, "bpf_trace_printk: hello 7\nbpf_trace_printk: line\n");
	free(out);
}

static void print_default_sink(void *ctx)
{
	bh_helper_trace_printk(FS("via %s\n"), U("rt"), 0, 0, ctx);
}

TEST(helpers_trace_printk_default_sink)
{
	struct bpfhost *rt = bpfhost__new(NULL);
	struct fake_invocation f;
	char *out;

	CHECK(rt);
	if (!rt)
		return;
	fake_invocation_init(&f, rt);
	out = capture_stderr(print_default_sink, f.ctx);
	CHECK(out);
	if (out)
		CHECK_CONTAINS(out, "via rt\n");
	free(out);
	bpfhost__free(rt);
}
