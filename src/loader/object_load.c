/* SPDX-License-Identifier: MIT */
/*
 * bpfhost_object__load: instantiate an opened object in its runtime.
 *
 * Order (each step only starts when the previous one fully succeeded):
 *  1. every program's SEC() name is resolved to a registered program type
 *     (unless set with __set_type), so an unknown section fails before
 *     anything is created;
 *  2. maps are created in object order (pinned ones created or attached),
 *     global data initialised, then map-in-map `values` stored;
 *  3. each program's symbolic map references are rewritten: lddw src 1
 *     (map) gets the map's fd, lddw src 2 (global data) the fd of the
 *     single-element array and the offset in the second slot; every
 *     relocation is checked (instruction, form, map, offset) and a map
 *     reference without a relocation is refused. The program is loaded
 *     with bpfhost_prog_load under its name (first 15 characters), which
 *     verifies it; refusals quote the C source line from BTF line_info;
 *  4. prog_array `values` are stored.
 * Any failure undoes everything (object_map.c removes pinned files this
 * load created) and names the program, map or section; the object can
 * then only be closed, as with libbpf.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/object.h"
#include "runtime/runtime.h"

#define LDDW 0x18

static void unload_progs(struct bpfhost_object *obj)
{
	uint32_t i;

	for (i = 0; i < obj->spec->nr_progs; i++) {
		struct bpfhost_program *p = &obj->progs[i];
		struct bh_prog *cur;
		int err;

		if (p->fd >= 0) {
			cur = bh_fd_prog(p->fd, &err);
			if (cur == p->ref)
				bpfhost_close(p->fd);
			if (cur)
				bh_prog_put(cur);
		}
		bh_prog_put(p->ref);
		p->ref = NULL;
		p->fd = -1;
		free(p->insns);
		p->insns = NULL;
	}
}

static void rollback(struct bpfhost_object *obj)
{
	uint32_t i;

	unload_progs(obj);
	for (i = 0; i < obj->spec->nr_maps; i++)
		bh_object_map_unload(&obj->maps[i], true);
}

static int resolve_types(struct bpfhost_object *obj, struct bh_log *log)
{
	uint32_t i;
	int err;

	for (i = 0; i < obj->spec->nr_progs; i++) {
		struct bpfhost_program *p = &obj->progs[i];
		struct bh_log sub = BH_LOG_INIT;

		if (p->type_name)
			continue;
		p->type_name = bh_object_type_for_section(obj->rt, p->spec->sec_name, &err, &sub);
		if (!p->type_name) {
			bh_logf(log, "program '%s' in section '%s': %s\n", p->spec->name,
				p->spec->sec_name, bh_log_text(&sub));
			bh_log_free(&sub);
			return err;
		}
		bh_log_free(&sub);
	}
	return 0;
}

static bool is_global_data(const struct bh_map_spec *ms)
{
	return ms->origin == BH_MAP_ORIGIN_DATA || ms->origin == BH_MAP_ORIGIN_RODATA ||
	       ms->origin == BH_MAP_ORIGIN_BSS;
}

/* Rewrite one MAP / MAP_VALUE relocation of program p into insns. */
static int apply_reloc(struct bpfhost_object *obj, const struct bpfhost_program *p,
		       struct bpfhost_insn *insns, const struct bh_reloc *r, bool *done,
		       struct bh_log *log)
{
	const struct bh_prog_spec *ps = p->spec;
	bool value = r->kind == BH_RELOC_MAP_VALUE;
	const struct bh_map_spec *ms;
	struct bpfhost_insn *in;

#define BAD(...)                                                                                   \
	do {                                                                                       \
		bh_logf(log,                                                                       \
			"program '%s' (section '%s'): instruction %u: bad relocation: ", ps->name, \
			ps->sec_name, r->insn);                                                    \
		bh_logf(log, __VA_ARGS__);                                                         \
		bh_logf(log, "\n");                                                                \
		return -EINVAL;                                                                    \
	} while (0)

	if ((uint64_t)r->insn + 1 >= ps->insn_cnt)
		BAD("past the end of the program's %u instructions", ps->insn_cnt);
	in = &insns[r->insn];
	if (in->code != LDDW)
		BAD("map reference on an instruction with opcode 0x%02x, not lddw", in->code);
	if (in->src_reg != (value ? BH_PSEUDO_MAP_VALUE : BH_PSEUDO_MAP_FD))
		BAD("lddw has src %u, the relocation is a %s reference", in->src_reg,
		    value ? "map value" : "map");
	if (r->map >= obj->spec->nr_maps)
		BAD("map index %u, the object has %u maps", r->map, obj->spec->nr_maps);
	ms = &obj->spec->maps[r->map];
	if (obj->maps[r->map].fd < 0)
		BAD("map '%s' was not created", ms->name);
	if (value) {
		if (!is_global_data(ms))
			BAD("address of a value of map '%s', which is not global data", ms->name);
		if (r->offset >= ms->value_size)
			BAD("offset %u is outside the %u bytes of '%s'", r->offset, ms->value_size,
			    ms->name);
		in[1].imm = (int32_t)r->offset;
	}
	in->imm = obj->maps[r->map].fd;
	done[r->insn] = true;
	return 0;
#undef BAD
}

static int relocate(struct bpfhost_object *obj, struct bpfhost_program *p, struct bh_log *log)
{
	const struct bh_prog_spec *ps = p->spec;
	struct bpfhost_insn *insns;
	bool *done;
	uint32_t i;
	int err = 0;

	insns = malloc((ps->insn_cnt ? ps->insn_cnt : 1) * sizeof(*insns));
	done = calloc(ps->insn_cnt ? ps->insn_cnt : 1, sizeof(*done));
	if (!insns || !done) {
		free(insns);
		free(done);
		return -ENOMEM;
	}
	memcpy(insns, ps->insns, ps->insn_cnt * sizeof(*insns));
	for (i = 0; i < ps->nr_relocs && !err; i++) {
		const struct bh_reloc *r = &ps->relocs[i];

		if (r->kind == BH_RELOC_MAP || r->kind == BH_RELOC_MAP_VALUE)
			err = apply_reloc(obj, p, insns, r, done, log);
	}
	/* a pseudo map lddw that no relocation covered would carry an index as fd */
	for (i = 0; i + 1 < ps->insn_cnt && !err; i++) {
		if (insns[i].code != LDDW)
			continue;
		if ((insns[i].src_reg == BH_PSEUDO_MAP_FD ||
		     insns[i].src_reg == BH_PSEUDO_MAP_VALUE) &&
		    !done[i]) {
			bh_logf(log,
				"program '%s' (section '%s'): instruction %u: map reference "
				"without "
				"a relocation\n",
				ps->name, ps->sec_name, i);
			err = -EINVAL;
		}
		i++;
	}
	free(done);
	if (err) {
		free(insns);
		return err;
	}
	p->insns = insns;
	return 0;
}

/* C source line of an instruction from BTF line_info, for verifier messages. */
static const char *prog_source_line(void *ctx, size_t insn_idx)
{
	struct bpfhost_line_info li;

	if (bpfhost_program__line_info(ctx, insn_idx, &li) || !li.source || !*li.source)
		return NULL;
	return li.source;
}

static int load_prog(struct bpfhost_object *obj, struct bpfhost_program *p, struct bh_log *log)
{
	const struct bh_prog_spec *ps = p->spec;
	size_t size = 16384;
	char name[16];
	char *buf = NULL;
	int fd, err, tries;

	err = relocate(obj, p, log);
	if (err)
		return err;
	snprintf(name, sizeof(name), "%s", ps->name);
	for (tries = 0; tries < 3; tries++) {
		BPFHOST_OPTS_INIT(bpfhost_prog_load_opts, o, .log_level = obj->log_level,
				  .license = obj->spec->license,
				  .kern_version = obj->spec->kern_version,
				  .source_line = prog_source_line, .source_line_ctx = p);
		char *nb = realloc(buf, size);

		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		buf[0] = '\0';
		o.log_buf = buf;
		o.log_size = size;
		fd = bpfhost_prog_load(obj->rt, p->type_name, name, p->insns, ps->insn_cnt, &o);
		/* a log that did not fit: load again with room for all of it */
		if (fd == -ENOSPC && o.log_true_size > size) {
			size = o.log_true_size;
			continue;
		}
		break;
	}
	if (fd < 0 || obj->log_level) {
		const char *t = buf, *nl;

		if (fd < 0)
			bh_logf(log, "program '%s' (section '%s', type '%s'): load failed: %s\n",
				ps->name, ps->sec_name, p->type_name, strerror(-fd));
		while (*t) {
			nl = strchr(t, '\n');
			bh_logf(log, "program '%s': %.*s\n", ps->name,
				(int)(nl ? nl - t : (ptrdiff_t)strlen(t)), t);
			if (!nl)
				break;
			t = nl + 1;
		}
	}
	free(buf);
	if (fd < 0)
		return fd;
	p->fd = fd;
	p->ref = bh_fd_prog(fd, &err);
	return p->ref ? 0 : err;
}

int bpfhost_object__load(struct bpfhost_object *obj)
{
	struct bh_log log = BH_LOG_INIT;
	uint32_t i;
	int err = 0, lerr;

	if (!obj)
		return -EINVAL;
	if (obj->loaded || obj->load_failed) {
		bh_logf(&log, "object '%s': %s\n", obj->spec->name,
			obj->loaded ? "already loaded"
				    : "a previous load failed; the object can only be closed");
		bh_object_log_finish(obj, &log, BPFHOST_WARN);
		return -EINVAL;
	}
	err = resolve_types(obj, &log);
	for (i = 0; i < obj->spec->nr_maps && !err; i++)
		err = bh_object_create_map(obj, i, &log);
	for (i = 0; i < obj->spec->nr_maps && !err; i++)
		err = bh_object_init_map_slots(obj, i, &log);
	for (i = 0; i < obj->spec->nr_progs && !err; i++)
		err = load_prog(obj, &obj->progs[i], &log);
	for (i = 0; i < obj->spec->nr_maps && !err; i++)
		err = bh_object_init_prog_slots(obj, i, &log);
	if (err && !log.len)
		bh_logf(&log, "object '%s': load failed: %s\n", obj->spec->name, strerror(-err));
	lerr = bh_object_log_finish(obj, &log, err ? BPFHOST_WARN : BPFHOST_INFO);
	if (!err)
		err = lerr;
	if (err) {
		rollback(obj);
		obj->load_failed = true;
		return err;
	}
	obj->loaded = true;
	return 0;
}
