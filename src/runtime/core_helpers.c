/* SPDX-License-Identifier: MIT */
/*
 * The helpers every program type gets: the core table of src/helpers
 * (bh_core_helpers[], bh_core_helper_cnt) plus the runtime's own
 * bpf_tail_call. Program types add theirs on top (registry.c refuses type
 * helpers whose id is already taken here).
 *
 * The table is referenced weakly so the runtime links (with no core
 * helpers) into binaries built without src/helpers; with it, the table is
 * what the library exports.
 */
#include <stddef.h>

#include "runtime/runtime.h"

extern const struct bpfhost_helper_proto bh_core_helpers[] __attribute__((weak));
extern const size_t bh_core_helper_cnt __attribute__((weak));

size_t bh_core_helper_count(void)
{
	size_t n = &bh_core_helper_cnt && bh_core_helpers ? bh_core_helper_cnt : 0;

	return n + 1;
}

const struct bpfhost_helper_proto *bh_core_helper_at(size_t i)
{
	if (i == 0)
		return &bh_tail_call_proto;
	if (i < bh_core_helper_count())
		return &bh_core_helpers[i - 1];
	return NULL;
}

const struct bpfhost_helper_proto *bh_core_find_helper(uint32_t id)
{
	size_t i, n = bh_core_helper_count();

	for (i = 0; i < n; i++) {
		const struct bpfhost_helper_proto *p = bh_core_helper_at(i);

		if (p->id == id)
			return p;
	}
	return NULL;
}

const struct bpfhost_helper_proto *bh_type_find_helper(const struct bpfhost_prog_type *type,
						       uint32_t id)
{
	size_t i;

	for (i = 0; i < type->nr_helpers; i++)
		if (type->helpers[i].id == id)
			return &type->helpers[i];
	return bh_core_find_helper(id);
}
