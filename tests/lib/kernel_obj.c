/* SPDX-License-Identifier: MIT */
/*
 * A parsed ELF object loaded into the Linux kernel (see kernel_obj.h).
 *
 * Maps first (global data gets its initial bytes, .rodata is frozen after),
 * then each program: a copy of its instructions with every map relocation
 * pointed at the kernel map, loaded as XDP; a refusal is retried with a log
 * to keep the verifier's reason. Last, prog_arrays receive the programs of
 * their `values` slots (a slot whose program was refused stays empty).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "kernel_bpf.h"
#include "kernel_obj.h"
#include "kernel_oracle.h"

#define KOBJ_LOG_SZ (1u << 20)

static int create_map(const struct bh_map_spec *m, char *why, size_t why_sz)
{
	uint32_t key = 0;
	int fd, err;

	fd = bh_kbpf_map_create(m->type, m->key_size, m->value_size, m->max_entries, m->map_flags);
	if (fd < 0) {
		snprintf(why, why_sz, "kernel map '%s' (type %u, key %u, value %u, max %u): %s",
			 m->name, m->type, m->key_size, m->value_size, m->max_entries,
			 strerror(-fd));
		return fd;
	}
	if (!m->data)
		return fd;
	err = bh_kbpf_map_update_key(fd, &key, m->data, BPF_ANY);
	if (!err && m->origin == BH_MAP_ORIGIN_RODATA)
		err = bh_kbpf_map_freeze(fd);
	if (err) {
		snprintf(why, why_sz, "kernel map '%s': initial value: %s", m->name,
			 strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

/* The program's instructions with its map relocations pointed at ko's maps. */
static struct bpfhost_insn *patched(const struct bh_kobj *ko, const struct bh_prog_spec *p)
{
	struct bpfhost_insn *insns = malloc((p->insn_cnt ? p->insn_cnt : 1) * sizeof(*insns));
	uint32_t i;

	if (!insns)
		return NULL;
	memcpy(insns, p->insns, p->insn_cnt * sizeof(*insns));
	for (i = 0; i < p->nr_relocs; i++) {
		const struct bh_reloc *r = &p->relocs[i];

		if (r->kind != BH_RELOC_MAP && r->kind != BH_RELOC_MAP_VALUE)
			continue;
		if (r->insn + 1 >= p->insn_cnt || r->map >= ko->spec->nr_maps)
			continue;
		insns[r->insn].imm = ko->map_fds[r->map];
		if (r->kind == BH_RELOC_MAP) {
			insns[r->insn].src_reg = BPF_PSEUDO_MAP_FD;
		} else {
			insns[r->insn].src_reg = BPF_PSEUDO_MAP_VALUE;
			insns[r->insn + 1].imm = (int32_t)r->offset;
		}
	}
	return insns;
}

static int load_prog(struct bh_kobj *ko, uint32_t idx, char *vlog)
{
	const struct bh_prog_spec *p = &ko->spec->progs[idx];
	const char *license = ko->spec->license ? ko->spec->license : "";
	struct bpfhost_insn *insns = patched(ko, p);
	int fd, again;

	if (!insns) {
		snprintf(ko->reasons[idx], BH_KOBJ_REASON_SZ, "out of memory");
		return -ENOMEM;
	}
	fd = bh_kbpf_prog_load(BPF_PROG_TYPE_XDP, insns, p->insn_cnt, license, 0, NULL, 0);
	if (fd < 0) {
		again = bh_kbpf_prog_load(BPF_PROG_TYPE_XDP, insns, p->insn_cnt, license, 1, vlog,
					  KOBJ_LOG_SZ);
		if (again >= 0) {
			close(again);
			snprintf(ko->reasons[idx], BH_KOBJ_REASON_SZ,
				 "refused only without a log: %s", strerror(-fd));
		} else {
			bh_koracle_verifier_reason(vlog, ko->reasons[idx], BH_KOBJ_REASON_SZ);
		}
	}
	free(insns);
	return fd;
}

static int fill_prog_arrays(struct bh_kobj *ko, char *why, size_t why_sz)
{
	uint32_t i, j;

	for (i = 0; i < ko->spec->nr_maps; i++) {
		const struct bh_map_spec *m = &ko->spec->maps[i];

		for (j = 0; j < m->nr_init; j++) {
			const struct bh_map_init *in = &m->init[j];
			int fd, err;

			if (!in->is_prog || in->index >= ko->spec->nr_progs)
				continue;
			fd = ko->prog_fds[in->index];
			if (fd < 0)
				continue;
			err = bh_kbpf_map_update_key(ko->map_fds[i], &in->slot, &fd, BPF_ANY);
			if (err) {
				snprintf(why, why_sz, "kernel map '%s' slot %u <- program '%s': %s",
					 m->name, in->slot, ko->spec->progs[in->index].name,
					 strerror(-err));
				return err;
			}
		}
	}
	return 0;
}

/* n descriptors, all -EBADF (never 0, which close() would take for stdin). */
static int *fd_array(uint32_t n)
{
	int *fds = malloc((n + 1) * sizeof(int));
	uint32_t i;

	for (i = 0; fds && i <= n; i++)
		fds[i] = -EBADF;
	return fds;
}

int bh_kobj_load(struct bh_kobj *ko, const struct bh_obj_spec *spec, char *why, size_t why_sz)
{
	char *vlog = NULL;
	uint32_t i;
	int err = 0;

	memset(ko, 0, sizeof(*ko));
	ko->spec = spec;
	ko->map_fds = fd_array(spec->nr_maps);
	ko->prog_fds = fd_array(spec->nr_progs);
	ko->reasons = calloc(spec->nr_progs + 1, sizeof(*ko->reasons));
	vlog = malloc(KOBJ_LOG_SZ);
	if (!ko->map_fds || !ko->prog_fds || !ko->reasons || !vlog) {
		snprintf(why, why_sz, "out of memory");
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < spec->nr_maps; i++) {
		if (spec->maps[i].origin == BH_MAP_ORIGIN_INNER)
			continue;
		ko->map_fds[i] = create_map(&spec->maps[i], why, why_sz);
		if (ko->map_fds[i] < 0) {
			err = ko->map_fds[i];
			goto out;
		}
	}
	for (i = 0; i < spec->nr_progs; i++)
		ko->prog_fds[i] = load_prog(ko, i, vlog);
	err = fill_prog_arrays(ko, why, why_sz);
out:
	free(vlog);
	if (err)
		bh_kobj_close(ko);
	return err;
}

void bh_kobj_close(struct bh_kobj *ko)
{
	uint32_t i;

	for (i = 0; ko->spec && ko->map_fds && i < ko->spec->nr_maps; i++)
		if (ko->map_fds[i] >= 0)
			close(ko->map_fds[i]);
	for (i = 0; ko->spec && ko->prog_fds && i < ko->spec->nr_progs; i++)
		if (ko->prog_fds[i] >= 0)
			close(ko->prog_fds[i]);
	free(ko->map_fds);
	free(ko->prog_fds);
	free(ko->reasons);
	memset(ko, 0, sizeof(*ko));
}

int bh_kobj_map_index(const struct bh_kobj *ko, const char *name)
{
	uint32_t i;

	for (i = 0; i < ko->spec->nr_maps; i++)
		if (!strcmp(ko->spec->maps[i].name, name))
			return (int)i;
	return -1;
}

int bh_kobj_prog_index(const struct bh_kobj *ko, const char *name)
{
	uint32_t i;

	for (i = 0; i < ko->spec->nr_progs; i++)
		if (!strcmp(ko->spec->progs[i].name, name))
			return (int)i;
	return -1;
}
