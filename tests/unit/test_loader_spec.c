/* SPDX-License-Identifier: MIT */
/*
 * Object specification tests on objects compiled from the BPF C sources in tests/loader:
 * programs per object and per section, bpf-to-bpf calls into .text and
 * across sections (subprograms appended, call immediates fixed), callbacks
 * by address, BTF maps with every attribute, `values` initialisers of
 * prog_array and map-in-map, legacy maps, global data, bpf_printk strings,
 * license/version and line_info remapped to the final layout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/obj_spec.h"
#include "../lib/harness.h"
#include "../loader/testutil.h"

/* Open tests/loader/NAME.bpf.c's object; the buffer is freed (and poisoned) right away. */
static struct bh_obj_spec *open_obj(const char *name, struct bh_log *log, bool *skip)
{
	const char *path = lt_obj(name);
	struct bh_obj_spec *spec = NULL;
	size_t len;
	void *buf;
	int err;

	*skip = !path;
	if (!path)
		return NULL;
	buf = lt_read(path, &len);
	if (!buf) {
		bh_test_fail(__FILE__, __LINE__, "cannot read %s", path);
		return NULL;
	}
	err = bh_obj_spec_open_mem(buf, len, path, &spec, log);
	memset(buf, 0xa5, len);
	free(buf);
	if (err)
		bh_test_fail(__FILE__, __LINE__, "%s: error %d: %s", path, err, bh_log_text(log));
	return spec;
}

static const struct bh_func_spec *subprog_func(const struct bh_obj_spec *s,
					       const struct bh_prog_spec *p, uint32_t i)
{
	return &s->funcs[p->subprogs[i].func];
}

/* The target (final index) of the call/lddw-func at insn i. */
static int64_t target_of(const struct bh_prog_spec *p, uint32_t i)
{
	return (int64_t)i + p->insns[i].imm + 1;
}

static const struct bh_reloc *reloc_at(const struct bh_prog_spec *p, uint32_t insn)
{
	uint32_t i;

	for (i = 0; i < p->nr_relocs; i++)
		if (p->relocs[i].insn == insn)
			return &p->relocs[i];
	return NULL;
}

TEST(loader_spec_programs_and_subprograms)
{
	struct bh_log log = BH_LOG_INIT;
	const struct bh_prog_spec *p;
	struct bh_obj_spec *s;
	bool skip;
	uint32_t i, calls = 0;

	s = open_obj("progs", &log, &skip);
	if (skip)
		SKIP("%s", lt_why());
	if (!s)
		goto out;
	CHECK_STR(s->name, "progs");
	CHECK_STR(s->license, "Dual MIT/GPL");
	CHECK(s->has_kern_version);
	CHECK_EQ(s->kern_version, 0x050a00);
	/* two programs in "xdp", two in "tc", one in "socket"; .text holds none */
	CHECK_EQ(s->nr_progs, 5);
	CHECK_STR(s->progs[0].name, "xdp_first");
	CHECK_STR(s->progs[0].sec_name, "xdp");
	CHECK_STR(s->progs[1].name, "xdp_second");
	CHECK_STR(s->progs[1].sec_name, "xdp");
	CHECK(bh_obj_spec_find_prog(s, "twice") == NULL);
	CHECK(bh_obj_spec_find_prog(s, "nope") == NULL);

	/* xdp_first -> twice (.text, global) -> add3 (.text, static, local call) */
	p = bh_obj_spec_find_prog(s, "xdp_first");
	CHECK(p && p->nr_subprogs == 3);
	if (p && p->nr_subprogs == 3) {
		CHECK_STR(subprog_func(s, p, 1)->name, "twice");
		CHECK_STR(subprog_func(s, p, 2)->name, "add3");
		CHECK_EQ(p->subprogs[1].start, 4);
		CHECK_EQ(p->subprogs[2].start, 7);
		CHECK_EQ(p->insn_cnt, 10);
		CHECK_EQ(p->insns[1].code, 0x85);
		CHECK_EQ(target_of(p, 1), 4);
		CHECK_EQ(target_of(p, 4), 7);
		CHECK(reloc_at(p, 1) && reloc_at(p, 1)->kind == BH_RELOC_CALL &&
		      reloc_at(p, 1)->target == 4);
		/* func_info: one FUNC per piece, at its new start */
		CHECK_EQ(p->nr_func_info, 3);
		for (i = 0; i < p->nr_func_info && i < 3; i++) {
			CHECK_EQ(p->func_info[i].insn, p->subprogs[i].start);
			CHECK_STR(bh_btf_type_by_id(s->btf, p->func_info[i].type_id)->name,
				  subprog_func(s, p, i)->name);
		}
		/* line_info remapped: add3's body says "return x + 3;" */
		CHECK(bh_prog_spec_line(p, 8) != NULL);
		if (bh_prog_spec_line(p, 8)) {
			CHECK_CONTAINS(bh_prog_spec_line(p, 8)->line, "return x + 3;");
			CHECK_CONTAINS(bh_prog_spec_line(p, 8)->file, "progs.bpf.c");
			CHECK_EQ(bh_prog_spec_line(p, 8)->line_num, 12);
		}
		CHECK(bh_prog_spec_line(p, 0) &&
		      strstr(bh_prog_spec_line(p, 0)->line, "return twice(ctx->ingress_ifindex)"));
	}

	/* xdp_second: bpf_loop callback by address, then add3 */
	p = bh_obj_spec_find_prog(s, "xdp_second");
	CHECK(p && p->nr_subprogs == 3);
	if (p) {
		for (i = 0; i < p->insn_cnt; i++) {
			const struct bh_reloc *r = reloc_at(p, i);

			if (p->insns[i].code == 0x18 && p->insns[i].src_reg == BH_PSEUDO_FUNC) {
				CHECK(r && r->kind == BH_RELOC_FUNC_ADDR);
				CHECK_STR(s->funcs[r->func].name, "loop_cb");
				CHECK_EQ(target_of(p, i), r->target);
				calls++;
			}
		}
		CHECK_EQ(calls, 1);
	}

	/* calls across sections: tc_main -> tc_helper (same section), twice (.text) */
	p = bh_obj_spec_find_prog(s, "tc_main");
	CHECK(p && p->nr_subprogs == 4);
	if (p && p->nr_subprogs == 4) {
		CHECK_STR(subprog_func(s, p, 1)->name, "tc_helper");
		CHECK_EQ(target_of(p, 0), p->subprogs[1].start);
		CHECK_STR(subprog_func(s, p, 2)->name, "twice");
		CHECK_STR(subprog_func(s, p, 3)->name, "add3");
	}
	/* socket -> tc_helper, a program of another section, appended as a subprogram */
	p = bh_obj_spec_find_prog(s, "sock_prog");
	CHECK(p && p->nr_subprogs == 2 && p->insn_cnt == 8);
	if (p && p->nr_subprogs == 2) {
		CHECK_STR(subprog_func(s, p, 1)->sec_name, "tc");
		CHECK_EQ(target_of(p, 0), 2);
		CHECK_EQ(memcmp(p->insns + 2, bh_obj_spec_find_prog(s, "tc_helper")->insns,
				6 * sizeof(*p->insns)),
			 0);
	}
out:
	bh_obj_spec_free(s);
	bh_log_free(&log);
}

TEST(loader_spec_btf_maps)
{
	struct bh_log log = BH_LOG_INIT;
	const struct bh_map_spec *m;
	const struct bh_prog_spec *p;
	struct bh_obj_spec *s;
	bool skip;
	uint32_t i;

	s = open_obj("maps", &log, &skip);
	if (skip)
		SKIP("%s", lt_why());
	if (!s)
		goto out;
	m = bh_obj_spec_find_map(s, "counters");
	CHECK(m != NULL);
	if (m) {
		CHECK_EQ(m->origin, BH_MAP_ORIGIN_BTF);
		CHECK_STR(m->sec_name, ".maps");
		CHECK_EQ(m->type, 1);
		CHECK_EQ(m->max_entries, 1024);
		CHECK_EQ(m->key_size, 4);
		CHECK_EQ(m->value_size, 16);
		CHECK_EQ(m->map_flags, 1);
		CHECK_EQ(m->pinning, BH_PIN_BY_NAME);
		CHECK_STR(bh_btf_type_by_id(s->btf, m->btf_value_type_id)->name, "pair");
		CHECK_STR(bh_btf_type_by_id(s->btf, m->btf_key_type_id)->name, "__u32");
	}
	m = bh_obj_spec_find_map(s, "sized");
	CHECK(m && m->type == 2 && m->key_size == 4 && m->value_size == 16 && m->max_entries == 4 &&
	      m->btf_key_type_id == 0 && m->pinning == 0);
	m = bh_obj_spec_find_map(s, "percpu");
	CHECK(m && m->type == 6 && m->key_size == 4 && m->value_size == 8);
	m = bh_obj_spec_find_map(s, "lru");
	CHECK(m && m->type == 9 && m->key_size == 8 && m->value_size == 4 && m->map_flags == 2);
	m = bh_obj_spec_find_map(s, "events");
	CHECK(m && m->type == 27 && m->max_entries == 4096 && m->key_size == 0);

	/* map-in-map with initialiser: outer[0] = inner_a, outer[2] = inner_b */
	m = bh_obj_spec_find_map(s, "outer");
	CHECK(m && m->inner && m->nr_init == 2);
	if (m && m->inner && m->nr_init == 2) {
		CHECK_EQ(m->type, 12);
		CHECK_EQ(m->value_size, 4);
		CHECK_STR(m->inner->name, "outer.inner");
		CHECK_EQ(m->inner->origin, BH_MAP_ORIGIN_INNER);
		CHECK(m->inner->type == 2 && m->inner->max_entries == 2 &&
		      m->inner->key_size == 4 && m->inner->value_size == 4);
		CHECK(m->init[0].slot == 0 && !m->init[0].is_prog);
		CHECK_STR(s->maps[m->init[0].index].name, "inner_a");
		CHECK(m->init[1].slot == 2 && !m->init[1].is_prog);
		CHECK_STR(s->maps[m->init[1].index].name, "inner_b");
	}
	/* map-in-map with an anonymous inner definition and no initialiser */
	m = bh_obj_spec_find_map(s, "outer_hash");
	CHECK(m && m->inner && m->nr_init == 0 && m->type == 13);
	if (m && m->inner)
		CHECK(m->inner->type == 1 && m->inner->max_entries == 16 &&
		      m->inner->value_size == 8);
	/* prog_array: jumps[1] = tail_a, jumps[2] = tail_b */
	m = bh_obj_spec_find_map(s, "jumps");
	CHECK(m && m->nr_init == 2 && m->type == 3 && m->value_size == 4);
	if (m && m->nr_init == 2) {
		CHECK(m->init[0].slot == 1 && m->init[0].is_prog);
		CHECK_STR(s->progs[m->init[0].index].name, "tail_a");
		CHECK(m->init[1].slot == 2 && m->init[1].is_prog);
		CHECK_STR(s->progs[m->init[1].index].name, "tail_b");
	}
	/* map loads in pseudo form, listed as MAP relocations */
	p = bh_obj_spec_find_prog(s, "entry");
	CHECK(p && p->nr_relocs == 6);
	for (i = 0; p && i < p->nr_relocs; i++) {
		const struct bh_reloc *r = &p->relocs[i];

		CHECK_EQ(r->kind, BH_RELOC_MAP);
		CHECK_EQ(p->insns[r->insn].code, 0x18);
		CHECK_EQ(p->insns[r->insn].src_reg, BH_PSEUDO_MAP_FD);
		CHECK_EQ(p->insns[r->insn].imm, (int32_t)r->map);
	}
	if (p && p->nr_relocs == 6) {
		CHECK_STR(s->maps[p->relocs[0].map].name, "counters");
		CHECK_STR(s->maps[p->relocs[5].map].name, "jumps");
	}
out:
	bh_obj_spec_free(s);
	bh_log_free(&log);
}

static const struct bh_reloc *value_reloc(const struct bh_obj_spec *s, const struct bh_prog_spec *p,
					  const char *map, uint32_t off)
{
	uint32_t i;

	for (i = 0; i < p->nr_relocs; i++)
		if (p->relocs[i].kind == BH_RELOC_MAP_VALUE &&
		    !strcmp(s->maps[p->relocs[i].map].name, map) && p->relocs[i].offset == off)
			return &p->relocs[i];
	return NULL;
}

TEST(loader_spec_global_data_and_printk)
{
	struct bh_log log = BH_LOG_INIT;
	const struct bh_map_spec *ro, *data, *bss, *m;
	const struct bh_prog_spec *p;
	struct bh_obj_spec *s;
	bool skip;
	uint32_t i, fmts = 0;

	s = open_obj("globals", &log, &skip);
	if (skip)
		SKIP("%s", lt_why());
	if (!s)
		goto out;
	CHECK_EQ(s->kern_version, 0x060100);
	ro = bh_obj_spec_find_map(s, "globals.rodata");
	data = bh_obj_spec_find_map(s, "globals.data");
	bss = bh_obj_spec_find_map(s, "globals.bss");
	CHECK(ro && data && bss);
	if (!ro || !data || !bss)
		goto out;
	CHECK(ro->origin == BH_MAP_ORIGIN_RODATA && ro->type == 2 && ro->key_size == 4 &&
	      ro->max_entries == 1);
	CHECK_EQ(ro->map_flags, BH_F_RDONLY_PROG | BH_F_MMAPABLE);
	CHECK_EQ(data->map_flags, BH_F_MMAPABLE);
	CHECK_EQ(bh_btf_type_by_id(s->btf, ro->btf_value_type_id)->kind, BH_BTF_KIND_DATASEC);
	/* initial values: cfg_limit = 42, cfg_name = "bpfhost", hits = 7, .bss zero */
	CHECK_EQ(ro->data[0], 42);
	CHECK_EQ(memcmp(ro->data + 4, "bpfhost", 8), 0);
	CHECK_EQ(data->value_size, 8);
	CHECK_EQ(data->data[0], 7);
	CHECK_EQ(bss->origin, BH_MAP_ORIGIN_BSS);
	CHECK_EQ(bss->value_size, 8);
	for (i = 0; i < bss->value_size; i++)
		CHECK_EQ(bss->data[i], 0);
	m = bh_obj_spec_find_map(s, ".data.custom");
	CHECK(m && m->origin == BH_MAP_ORIGIN_DATA && m->data[0] == 0xcd && m->data[1] == 0xab);
	m = bh_obj_spec_find_map(s, ".rodata.tbl");
	CHECK(m && m->origin == BH_MAP_ORIGIN_RODATA && m->data[0] == 0x34);

	p = bh_obj_spec_find_prog(s, "globals_prog");
	CHECK(p != NULL);
	if (!p)
		goto out;
	/* the static counter lives at offset 4 of .bss, reached via the section symbol */
	CHECK(value_reloc(s, p, "globals.bss", 4) != NULL);
	CHECK(value_reloc(s, p, "globals.data", 0) != NULL);
	/* bpf_printk format strings: MAP_VALUE loads into .rodata that point at them */
	for (i = 0; i < p->nr_relocs; i++) {
		const struct bh_reloc *r = &p->relocs[i];
		const struct bpfhost_insn *in = &p->insns[r->insn];

		if (r->kind != BH_RELOC_MAP_VALUE)
			continue;
		CHECK_EQ(in->src_reg, BH_PSEUDO_MAP_VALUE);
		CHECK_EQ(in->imm, (int32_t)r->map);
		CHECK_EQ(in[1].imm, (int32_t)r->offset);
		if (r->map == (uint32_t)(ro - s->maps) &&
		    (!strcmp((const char *)ro->data + r->offset, "len %u limit %u") ||
		     !strcmp((const char *)ro->data + r->offset, "name %s")))
			fmts++;
	}
	CHECK_EQ(fmts, 2);
out:
	bh_obj_spec_free(s);
	bh_log_free(&log);
}

TEST(loader_spec_legacy_maps_warn)
{
	struct bh_log log = BH_LOG_INIT;
	const struct bh_map_spec *m;
	const struct bh_prog_spec *p;
	struct bh_obj_spec *s;
	bool skip;

	s = open_obj("legacy", &log, &skip);
	if (skip)
		SKIP("%s", lt_why());
	if (!s)
		goto out;
	CHECK_CONTAINS(bh_log_text(&log), "section 'maps'");
	CHECK_CONTAINS(bh_log_text(&log), "legacy map definitions");
	m = bh_obj_spec_find_map(s, "old_hash");
	CHECK(m && m->origin == BH_MAP_ORIGIN_LEGACY && m->type == 1 && m->key_size == 4 &&
	      m->value_size == 8 && m->max_entries == 64 && m->map_flags == 1);
	m = bh_obj_spec_find_map(s, "old_array");
	CHECK(m && m->type == 2 && m->value_size == 4 && m->max_entries == 16);
	p = bh_obj_spec_find_prog(s, "legacy_prog");
	CHECK(p && p->nr_relocs == 2);
	if (p && p->nr_relocs == 2) {
		CHECK_STR(s->maps[p->relocs[0].map].name, "old_hash");
		CHECK_STR(s->maps[p->relocs[1].map].name, "old_array");
	}
out:
	bh_obj_spec_free(s);
	bh_log_free(&log);
}
