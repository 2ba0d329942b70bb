/* SPDX-License-Identifier: MIT */
/*
 * Loading programs of a registered program type.
 *
 * bpfhost_prog_load validates the encoding, resolves what the engine cannot
 * resolve itself and records what the program depends on:
 *  - lddw src=1 (BPF_PSEUDO_MAP_FD): the bpfhost map fd becomes the map's
 *    address (helpers receive struct bh_map *); the program holds a map
 *    reference. A prog array is claimed for the program's type.
 *  - lddw src=2 (BPF_PSEUDO_MAP_VALUE): address of the value of a
 *    single-entry array map plus the offset in the second slot (Linux's
 *    rules for direct value access).
 *  - lddw src=4 (BPF_PSEUDO_FUNC): a callback subprogram for bpf_loop and
 *    bpf_for_each_map_elem (callback.c builds its entry image).
 *  - other pseudo lddw forms (BTF ids, map indices) need the loader and
 *    verifier issues and are refused with a message.
 *  - helper calls resolve against the program type's helpers, then the
 *    runtime's (tail_call) and the core table; an unknown id is refused
 *    naming the instruction. The prototypes of the helpers called are
 *    copied into the program, as are the context descriptor's data,
 *    data_end, data_meta offsets and size: bpfhost_link_create compares
 *    them with the provider registered when the program is attached.
 *
 * Before any of that, the program is verified (prog_verify.c) on the forms
 * the caller gave; when the verifier rewrote Linux context-view accesses to
 * the real layout, the rewritten program is what gets resolved and loaded.
 * opts->trusted skips verification (no view rewriting then: trusted
 * programs must use the real layout) and says so loudly (BPFHOST_WARN).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"
#include "maps/map.h"
#include "maps/prog_array.h"
#include "runtime/prog_verify.h"
#include "runtime/runtime.h"
#include "vm/vm_internal.h"

static uint32_t next_prog_id;

const char *bh_prog_name(const struct bh_prog *prog)
{
	return prog ? prog->name : "";
}

const struct bpfhost_prog_type *bh_prog_type_of(const struct bh_prog *prog)
{
	return prog ? prog->type : NULL;
}

void bh_prog_get(struct bh_prog *prog)
{
	__atomic_fetch_add(&prog->refcnt, 1, __ATOMIC_RELAXED);
}

static void prog_free(struct bh_prog *prog)
{
	size_t i;

	bpfhost_vm__free(prog->vm);
	bh_prog_free_cbs(prog);
	for (i = 0; i < prog->nr_maps; i++)
		bh_map_put(prog->maps[i]);
	free(prog->maps);
	free(prog->deps);
	if (prog->type)
		bh_prog_type_put(prog->type);
	free(prog);
}

void bh_prog_put(struct bh_prog *prog)
{
	if (prog && !__atomic_sub_fetch(&prog->refcnt, 1, __ATOMIC_ACQ_REL))
		prog_free(prog);
}

static int add_map(struct bh_prog *prog, struct bh_map *map)
{
	struct bh_map **nm;
	size_t i;

	for (i = 0; i < prog->nr_maps; i++) {
		if (prog->maps[i] == map) {
			bh_map_put(map); /* already held */
			return 0;
		}
	}
	nm = realloc(prog->maps, (prog->nr_maps + 1) * sizeof(*nm));
	if (!nm) {
		bh_map_put(map);
		return -ENOMEM;
	}
	prog->maps = nm;
	prog->maps[prog->nr_maps++] = map;
	return 0;
}

static void set_imm64(struct bpfhost_insn *in, uint64_t v)
{
	in[0].src_reg = 0;
	in[0].imm = (int32_t)(uint32_t)v;
	in[1].imm = (int32_t)(uint32_t)(v >> 32);
}

static int resolve_map(struct bh_prog *prog, struct bpfhost_insn *in, size_t i, bool value,
		       struct bh_log *log)
{
	struct bh_map *map;
	const char *owner = NULL;
	int err;

	map = bh_fd_map(in->imm, &err);
	if (!map) {
		bh_logf(log, "insn %zu: lddw %s: fd %d is %s, not a map\n", i,
			value ? "map_value" : "map_fd", in->imm,
			err == -EBADF ? "not open" : bh_fd_kind_name(bh_fd_kind_of(in->imm)));
		return -EBADF;
	}
	err = add_map(prog, map); /* the program now owns the reference */
	if (err)
		return err;
	if (map->def.type == BPFHOST_MAP_TYPE_PROG_ARRAY) {
		if (value) {
			bh_logf(log, "insn %zu: lddw map_value: prog_array '%s' has no values\n", i,
				map->def.name);
			return -EINVAL;
		}
		err = bh_prog_array_set_owner(map, prog->type->name, &owner);
		if (err == -EINVAL)
			bh_logf(log,
				"insn %zu: prog_array '%s' holds programs of type '%s', not '%s'\n",
				i, map->def.name, owner, prog->type->name);
		if (err)
			return err;
	}
	if (!value) {
		set_imm64(in, (uint64_t)(uintptr_t)map);
		return 0;
	}
	/* Linux: direct value access only for single-entry arrays */
	{
		uint32_t off = (uint32_t)in[1].imm, key = 0;
		char *base;

		if (map->def.type != BPFHOST_MAP_TYPE_ARRAY || map->def.max_entries != 1 ||
		    !map->ops->lookup) {
			bh_logf(log,
				"insn %zu: lddw map_value: map '%s' is not a single-entry array "
				"(direct value access needs one)\n",
				i, map->def.name);
			return -EINVAL;
		}
		if (off >= map->def.value_size) {
			bh_logf(log,
				"insn %zu: lddw map_value: offset %u is outside the %u-byte value "
				"of "
				"map '%s'\n",
				i, off, map->def.value_size, map->def.name);
			return -EINVAL;
		}
		base = map->ops->lookup(map, &key);
		if (!base) {
			bh_logf(log, "insn %zu: lddw map_value: map '%s' has no element 0\n", i,
				map->def.name);
			return -EINVAL;
		}
		set_imm64(in, (uint64_t)(uintptr_t)(base + off));
	}
	return 0;
}

static int add_dep(struct bh_prog *prog, const struct bpfhost_helper_proto *p)
{
	struct bh_prog_dep *nd;
	size_t i, n;

	for (i = 0; i < prog->nr_deps; i++)
		if (prog->deps[i].proto.id == p->id)
			return 0;
	nd = realloc(prog->deps, (prog->nr_deps + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	prog->deps = nd;
	nd = &prog->deps[prog->nr_deps++];
	memset(nd, 0, sizeof(*nd));
	nd->proto = *p;
	n = strlen(p->name);
	if (n >= sizeof(nd->name_buf))
		n = sizeof(nd->name_buf) - 1;
	memcpy(nd->name_buf, p->name, n);
	nd->proto.name = NULL; /* set below: deps may still move */
	return 0;
}

/* Every helper a program of this type can call (type's, tail_call, core). */
static struct bpfhost_helper_def *helper_defs(const struct bpfhost_prog_type *t, size_t *cnt)
{
	size_t i, n = 0, core = bh_core_helper_count();
	struct bpfhost_helper_def *defs = calloc(t->nr_helpers + core, sizeof(*defs));

	if (!defs)
		return NULL;
	for (i = 0; i < t->nr_helpers; i++)
		defs[n++] = (struct bpfhost_helper_def){ t->helpers[i].id, t->helpers[i].name,
							 t->helpers[i].fn };
	for (i = 0; i < core; i++) {
		const struct bpfhost_helper_proto *p = bh_core_helper_at(i);

		defs[n++] = (struct bpfhost_helper_def){ p->id, p->name, p->fn };
	}
	*cnt = n;
	return defs;
}

static int resolve(struct bh_prog *prog, struct bpfhost_insn *insns, const int16_t *ops, size_t cnt,
		   struct bh_log *log)
{
	size_t i;
	int err;

	for (i = 0; i < cnt; i++) {
		const struct bpfhost_helper_proto *p;

		if (ops[i] < 0)
			continue;
		switch ((enum bh_op)ops[i]) {
		case BH_OP_LDDW_MAP_FD:
			err = resolve_map(prog, &insns[i], i, false, log);
			break;
		case BH_OP_LDDW_MAP_VALUE:
			err = resolve_map(prog, &insns[i], i, true, log);
			break;
		case BH_OP_LDDW_BTF_ID:
			bh_logf(log, "insn %zu: lddw btf_id needs kernel BTF; not supported\n", i);
			err = -EOPNOTSUPP;
			break;
		case BH_OP_LDDW_FUNC: {
			int64_t t = (int64_t)i + 1 + insns[i].imm;

			if (t < 0 || t >= (int64_t)cnt || ops[t] < 0) {
				bh_logf(log,
					"insn %zu: lddw func: target %lld is not an instruction of "
					"the program\n",
					i, (long long)t);
				err = -EINVAL;
				break;
			}
			err = bh_prog_add_cb(prog, (uint32_t)t);
			set_imm64(&insns[i], BH_CB_TAG | (uint64_t)t);
			break;
		}
		case BH_OP_LDDW_MAP_IDX:
		case BH_OP_LDDW_MAP_IDX_VALUE:
			bh_logf(log,
				"insn %zu: lddw %s refers to a map by index into fd_array; raw "
				"loads take map fds (src 1/2)\n",
				i, bh_opinfo[ops[i]].opstr);
			err = -EINVAL;
			break;
		case BH_OP_CALL:
			p = bh_type_find_helper(prog->type, (uint32_t)insns[i].imm);
			if (!p) {
				bh_logf(log,
					"insn %zu: call to unknown helper %d: program type '%s' "
					"offers no helper with this id\n",
					i, insns[i].imm, prog->type->name);
				err = -EINVAL;
			} else {
				err = add_dep(prog, p);
			}
			break;
		case BH_OP_CALLX:
			prog->uses_callx = true;
			err = 0;
			break;
		default:
			err = 0;
			break;
		}
		if (err)
			return err;
	}
	if (prog->uses_callx) {
		/* the id is only known at run time: depend on every helper */
		size_t n = bh_core_helper_count();

		for (i = 0; i < prog->type->nr_helpers && !err; i++)
			err = add_dep(prog, &prog->type->helpers[i]);
		for (i = 0; i < n && !err; i++)
			err = add_dep(prog, bh_core_helper_at(i));
	}
	for (i = 0; i < prog->nr_deps; i++)
		prog->deps[i].proto.name = prog->deps[i].name_buf;
	return err;
}

static int check_prog_name(const char *name, struct bh_log *log)
{
	if (name && strlen(name) >= sizeof(((struct bh_prog *)0)->name)) {
		bh_logf(log, "program name '%s' is longer than %zu characters\n", name,
			sizeof(((struct bh_prog *)0)->name) - 1);
		return -EINVAL;
	}
	return 0;
}

int bpfhost_prog_load(struct bpfhost *rt, const char *prog_type, const char *name,
		      const struct bpfhost_insn *insns, size_t insn_cnt,
		      struct bpfhost_prog_load_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_prog_type *type = NULL;
	struct bh_prog *prog = NULL;
	struct bpfhost_insn *code = NULL;
	struct bpfhost_helper_def *defs = NULL;
	int16_t *ops = NULL;
	char vmlog[2048];
	size_t ndefs = 0;
	int err, lerr, fd = -1;

	if (!BH_OPTS_VALID(opts, bpfhost_prog_load_opts, &log)) {
		err = -EINVAL;
		goto out;
	}
	if (!rt || !prog_type || !insns) {
		bh_logf(&log, "bpfhost_prog_load: runtime, program type and instructions are "
			      "required\n");
		err = -EINVAL;
		goto out;
	}
	err = check_prog_name(name, &log);
	if (err)
		goto out;
	pthread_mutex_lock(&rt->lock);
	type = bh_find_prog_type_locked(rt, prog_type);
	if (type)
		bh_prog_type_get(type);
	pthread_mutex_unlock(&rt->lock);
	if (!type) {
		bh_logf(&log, "program type '%s' is not registered\n", prog_type);
		err = -ENOENT;
		goto out;
	}
	prog = calloc(1, sizeof(*prog));
	if (!prog) {
		bh_prog_type_put(type);
		err = -ENOMEM;
		goto out;
	}
	prog->refcnt = 1;
	prog->id = __atomic_add_fetch(&next_prog_id, 1, __ATOMIC_RELAXED);
	prog->rt = rt;
	prog->type = type;
	if (name)
		memcpy(prog->name, name, strlen(name));
	if (BH_OPTS_GET(opts, license, NULL))
		snprintf(prog->license, sizeof(prog->license), "%s", opts->license);
	prog->kern_version = BH_OPTS_GET(opts, kern_version, 0);
	prog->data_off = type->ctx_desc.data_off;
	prog->data_end_off = type->ctx_desc.data_end_off;
	prog->data_meta_off = type->ctx_desc.data_meta_off;
	prog->ctx_size = type->ctx_desc.ctx_size;

	if (insn_cnt && insn_cnt <= (size_t)BPFHOST_INSN_LIMIT_DEFAULT * 16) {
		ops = calloc(insn_cnt, sizeof(*ops));
		code = malloc(insn_cnt * sizeof(*code));
	}
	err = bh_validate(insns, insn_cnt, BH_OPTS_GET(opts, insn_limit, 0), ops, &log);
	if (err)
		goto out;
	if (!ops || !code) {
		err = -ENOMEM;
		goto out;
	}
	if (BH_OPTS_GET(opts, trusted, 0)) {
		memcpy(code, insns, insn_cnt * sizeof(*code));
		bh_logf(&log, "program '%s' loaded WITHOUT verification (trusted)\n", prog->name);
		bh_rt_pr(rt, BPFHOST_WARN,
			 "bpfhost: program '%s' (type '%s') loaded WITHOUT verification "
			 "(trusted)\n",
			 prog->name, type->name);
	} else {
		struct bpfhost_insn *rw;

		err = bh_prog_verify(prog, insns, ops, insn_cnt, opts, &rw, &log);
		if (err)
			goto out;
		if (rw) {
			free(code);
			code = rw;
		} else {
			memcpy(code, insns, insn_cnt * sizeof(*code));
		}
	}
	err = resolve(prog, code, ops, insn_cnt, &log);
	if (err)
		goto out;
	defs = helper_defs(type, &ndefs);
	if (!defs) {
		err = -ENOMEM;
		goto out;
	}
	{
		BPFHOST_OPTS_INIT(bpfhost_vm_opts, vo, .helpers = defs, .helper_cnt = ndefs,
				  .insn_limit = BH_OPTS_GET(opts, insn_limit, 0),
				  .engine = BH_OPTS_GET(opts, engine, BPFHOST_ENGINE_DEFAULT),
				  .log_buf = vmlog, .log_size = sizeof(vmlog));

		vmlog[0] = '\0';
		prog->vm = bpfhost_vm__load(code, insn_cnt, &vo);
		if (!prog->vm) {
			err = -errno;
			bh_logf(&log, "%s", vmlog);
			goto out;
		}
		err = bh_prog_build_cbs(prog, code, insn_cnt, &vo, &log);
		if (err)
			goto out;
	}
	fd = bh_fd_install(rt, BH_FD_PROG, prog);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	prog = NULL;
out:
	free(ops);
	free(code);
	free(defs);
	if (prog)
		bh_prog_put(prog);
	lerr = bh_rt_log_finish(rt, &log, BH_OPTS_GET(opts, log_buf, NULL),
				BH_OPTS_GET(opts, log_size, 0),
				BH_OPTS_HAS(opts, log_true_size) ? &opts->log_true_size : NULL,
				err ? BPFHOST_WARN : BPFHOST_INFO);
	if (err)
		return err;
	if (lerr) {
		bpfhost_close(fd);
		return lerr;
	}
	return fd;
}
