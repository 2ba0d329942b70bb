/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: arbitrary bytes as an eBPF ELF object.
 *
 * The input is copied into an exactly-sized heap buffer (so AddressSanitizer
 * catches any read past it), opened into an object specification, which is
 * then walked completely (programs, relocations, line info, maps, BTF dump)
 * and freed; the input copy is poisoned and freed before the walk, so any
 * pointer the spec kept into it is caught too. The BTF parser also gets the
 * raw bytes directly, as a stand-alone blob.
 *
 * Beyond "no crash, no leak", it checks what must hold: a refusal always
 * has a message and a negative errno; an accepted spec's relocations,
 * subprograms and line info point inside its programs and maps.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/obj_spec.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	bpfhost_set_print(NULL);
	devnull = fopen("/dev/null", "w");
	return 0;
}

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_elf: %s\n", what);
	abort();
}

static void walk(const struct bh_obj_spec *s)
{
	uint32_t i, j;

	for (i = 0; i < s->nr_progs; i++) {
		const struct bh_prog_spec *p = &s->progs[i];
		unsigned sum = 0;

		if (!p->insn_cnt || !p->nr_subprogs || p->subprogs[0].start)
			fail("program without code or entry subprogram");
		for (j = 0; j < p->insn_cnt; j++)
			sum += p->insns[j].code;
		for (j = 0; j < p->nr_subprogs; j++)
			if (p->subprogs[j].func >= s->nr_funcs ||
			    p->subprogs[j].start + p->subprogs[j].insn_cnt > p->insn_cnt)
				fail("subprogram outside the program");
		for (j = 0; j < p->nr_relocs; j++) {
			const struct bh_reloc *r = &p->relocs[j];

			if (r->insn >= p->insn_cnt)
				fail("relocation outside the program");
			if ((r->kind == BH_RELOC_MAP || r->kind == BH_RELOC_MAP_VALUE) &&
			    (r->map >= s->nr_maps || r->insn + 1 >= p->insn_cnt))
				fail("map relocation to a missing map or cut lddw");
			if ((r->kind == BH_RELOC_CALL || r->kind == BH_RELOC_FUNC_ADDR) &&
			    (r->func >= s->nr_funcs || r->target >= p->insn_cnt ||
			     (int64_t)r->insn + p->insns[r->insn].imm + 1 != r->target))
				fail("call relocation does not match the instruction");
		}
		for (j = 0; j < p->nr_line_info; j++) {
			if (p->line_info[j].insn >= p->insn_cnt)
				fail("line info outside the program");
			sum += (unsigned)strlen(p->line_info[j].file) +
			       (unsigned)strlen(p->line_info[j].line);
		}
		for (j = 0; j < p->nr_func_info; j++)
			if (p->func_info[j].insn >= p->insn_cnt)
				fail("func info outside the program");
		if (bh_prog_spec_line(p, p->insn_cnt - 1))
			sum++;
		if (devnull)
			fprintf(devnull, "%s %s %u\n", p->name, p->sec_name, sum);
	}
	for (i = 0; i < s->nr_maps; i++) {
		const struct bh_map_spec *m = &s->maps[i];

		if (m->data && m->value_size)
			fprintf(devnull ? devnull : stderr, "%s %02x %02x\n", m->name, m->data[0],
				m->data[m->value_size - 1]);
		for (j = 0; j < m->nr_init; j++)
			if (m->init[j].index >= (m->init[j].is_prog ? s->nr_progs : s->nr_maps))
				fail("values initialiser to a missing program or map");
	}
	if (s->btf && devnull)
		bh_btf_dump(s->btf, devnull);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bh_log log = BH_LOG_INIT;
	struct bh_obj_spec *spec = NULL;
	uint8_t *copy = malloc(size ? size : 1);
	struct bh_btf *btf;
	int err;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	err = bh_obj_spec_open_mem(copy, size, "fuzz.bpf.o", &spec, &log);
	memset(copy, 0xa5, size);
	free(copy);
	if (err) {
		if (err > 0 || spec)
			fail("bad return on failure");
		if (!log.len)
			fail("refusal without a message");
	} else {
		if (!spec)
			fail("success without a spec");
		walk(spec);
		bh_obj_spec_free(spec);
	}
	bh_log_free(&log);

	/* the same bytes as a raw BTF blob */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	btf = bh_btf_new(copy, size, "fuzz", &log);
	if (!btf && !log.len)
		fail("BTF refusal without a message");
	if (btf && devnull)
		bh_btf_dump(btf, devnull);
	bh_btf_free(btf);
	bh_log_free(&log);
	free(copy);
	return 0;
}
