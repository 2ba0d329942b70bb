/* SPDX-License-Identifier: MIT */
/*
 * The helpers every program type gets: the core table of src/helpers
 * (bh_core_helpers[], bh_core_helper_cnt) plus the runtime's own
 * bpf_tail_call. Program types add theirs on top (registry.c refuses type
 * helpers whose id is already taken here).
 */
#include <stddef.h>

#include "helpers/helpers.h"
#include "runtime/runtime.h"

size_t bh_core_helper_count(void)
{
	return bh_core_helper_cnt + 1;
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
