/* SPDX-License-Identifier: MIT */
/*
 * Instruction-level accessors of object programs: the instructions before
 * load (symbolic map references: lddw src 1/2, imm = map index) and after
 * (imm = the map's fd, value offsets in the second slot), function names
 * at subprogram starts, BTF line info (file, line, source text), and the
 * program load logs an open option asks for.
 */
#include <errno.h>
#include <string.h>

#include "../lib/harness.h"
#include "test_object_util.h"

TEST(object_insns_lines_and_funcs)
{
	const struct bpfhost_insn *in;
	struct bpfhost_object *obj;
	struct bpfhost_program *p;
	struct bpfhost_line_info li;
	struct bpfhost *rt;
	const char *path;
	size_t i, cnt, maps = 0, values = 0, lines = 0;
	bool found_sub = false, found_src = false;
	int store_fd, data_fd;
	unsigned long long r = 0;
	unsigned char pkt[3] = { 0 };

	NEED_OBJ(path, "lines");
	NEED_RT(rt);
	obj = bpfhost_object__open_file(rt, path, NULL);
	CHECK(obj != NULL);
	if (!obj)
		goto out;
	p = bpfhost_object__find_program_by_name(obj, "lines_main");
	in = bpfhost_program__insns(p);
	cnt = bpfhost_program__insn_cnt(p);
	CHECK(in != NULL && cnt > 4);
	/* before load: map indices */
	for (i = 0; i + 1 < cnt; i++) {
		if (in[i].code != 0x18)
			continue;
		if (in[i].src_reg == 1) {
			CHECK_STR(bpfhost_map__name(bpfhost_object__next_map(obj, NULL)), "store");
			CHECK_EQ(in[i].imm, 0);
			maps++;
		} else if (in[i].src_reg == 2) {
			values++;
		}
		i++;
	}
	CHECK_EQ(maps, 1);
	CHECK_EQ(values, 1);
	CHECK_STR(bpfhost_program__func_name(p, 0), "lines_main");
	for (i = 1; i < cnt; i++) {
		const char *f = bpfhost_program__func_name(p, i);

		if (f) {
			CHECK_STR(f, "helper_twice");
			found_sub = true;
		}
	}
	CHECK(found_sub);
	CHECK(bpfhost_program__func_name(NULL, 0) == NULL && errno == EINVAL);
	for (i = 0; i < cnt; i++) {
		if (bpfhost_program__line_info(p, i, &li))
			continue;
		lines++;
		CHECK_CONTAINS(li.file, "lines.bpf.c");
		/* clang emits line 0 for code of no particular line */
		CHECK_MSG(li.line == 0 || (li.line > 10 && li.line < 40), "insn %zu: %s:%u: %s", i,
			  li.file, li.line, li.source);
		if (strstr(li.source, "helper_twice(ctx->len) * scale"))
			found_src = true;
	}
	CHECK(lines >= cnt / 2);
	CHECK(found_src);
	CHECK_EQ(bpfhost_program__line_info(p, cnt, &li), -EINVAL);
	CHECK_EQ(bpfhost_program__line_info(p, 0, NULL), -EINVAL);

	/* after load: fds */
	CHECK_EQ(bpfhost_object__load(obj), 0);
	store_fd = bpfhost_map__fd(bpfhost_object__find_map_by_name(obj, "store"));
	data_fd = bpfhost_map__fd(bpfhost_object__find_map_by_name(obj, "lines.data"));
	CHECK(store_fd > 0 && data_fd > 0);
	in = bpfhost_program__insns(p);
	for (i = 0; i + 1 < cnt; i++) {
		if (in[i].code != 0x18)
			continue;
		if (in[i].src_reg == 1)
			CHECK_EQ(in[i].imm, store_fd);
		else if (in[i].src_reg == 2)
			CHECK_EQ(in[i].imm, data_fd);
		i++;
	}
	CHECK_EQ(ot_run(bpfhost_program__fd(p), pkt, 3, &r), 0);
	CHECK_EQ(r, 24);
	bpfhost_object__close(obj);
out:
	bpfhost__free(rt);
}

TEST(object_load_log_level)
{
	BPFHOST_OPTS_INIT(bpfhost_object_open_opts, o);
	struct bpfhost_object *obj;
	struct bpfhost *rt;
	const char *path;
	char log[8192];

	NEED_OBJ(path, "lines");
	NEED_RT(rt);
	o.log_buf = log;
	o.log_size = sizeof(log);
	o.log_level = 1;
	log[0] = '\0';
	obj = bpfhost_object__open_file(rt, path, &o);
	CHECK(obj != NULL);
	if (obj) {
		CHECK_EQ(bpfhost_object__load(obj), 0);
		CHECK_CONTAINS(log, "program 'lines_main': ");
		CHECK_CONTAINS(log, "program 'lines_main': verifier: accepted (processed");
		bpfhost_object__close(obj);
	}
	/* level 0: a successful load says nothing */
	o.log_level = 0;
	obj = bpfhost_object__open_file(rt, path, &o);
	CHECK(obj != NULL);
	if (obj) {
		strcpy(log, "stale");
		CHECK_EQ(bpfhost_object__load(obj), 0);
		CHECK_STR(log, "");
		bpfhost_object__close(obj);
	}
	bpfhost__free(rt);
}
