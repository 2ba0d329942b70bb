/* SPDX-License-Identifier: MIT */
/*
 * Feature queries (feature.h): walk the registered program types and hooks
 * of an instance, the core helpers and the map type table.
 *
 * The registry keeps extensions newest first; the walk goes oldest first
 * (registration order) through a snapshot of the list taken under the
 * lock, which stays held while the callbacks run, so the descriptors they
 * see cannot go away under them.
 */
#include <errno.h>
#include <stdlib.h>

#include "maps/map.h"
#include "runtime/feature.h"
#include "runtime/runtime.h"

/* Highest Linux map type number probed (enum bpf_map_type ends near 33). */
#define MAP_TYPE_PROBE_MAX 64

/* Extensions of rt, oldest first; rt->lock held. NULL + *n = 0 if none. */
static struct bpfhost_extension **ext_snapshot_locked(struct bpfhost *rt, size_t *n, int *err)
{
	struct bpfhost_extension **v, *e;
	size_t i = 0;

	*n = 0;
	*err = 0;
	for (e = rt->exts; e; e = e->next)
		(*n)++;
	if (!*n)
		return NULL;
	v = calloc(*n, sizeof(*v));
	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	for (e = rt->exts; e; e = e->next)
		v[*n - 1 - i++] = e;
	return v;
}

int bpfhost__for_each_prog_type(struct bpfhost *rt, bpfhost_prog_type_cb cb, void *ctx)
{
	struct bpfhost_extension **exts;
	size_t n, i, j;
	int ret = 0;

	if (!rt || !cb)
		return -EINVAL;
	pthread_mutex_lock(&rt->lock);
	exts = ext_snapshot_locked(rt, &n, &ret);
	for (i = 0; i < n && !ret; i++)
		for (j = 0; j < exts[i]->nr_types && !ret; j++)
			ret = cb(exts[i]->name, &exts[i]->types[j]->desc, ctx);
	pthread_mutex_unlock(&rt->lock);
	free(exts);
	return ret;
}

int bpfhost__for_each_hook(struct bpfhost *rt, bpfhost_hook_cb cb, void *ctx)
{
	struct bpfhost_extension **exts;
	size_t n, i, j;
	int ret = 0;

	if (!rt || !cb)
		return -EINVAL;
	pthread_mutex_lock(&rt->lock);
	exts = ext_snapshot_locked(rt, &n, &ret);
	for (i = 0; i < n && !ret; i++)
		for (j = 0; j < exts[i]->nr_hooks && !ret; j++)
			ret = cb(exts[i]->name, &exts[i]->hooks[j]->desc, ctx);
	pthread_mutex_unlock(&rt->lock);
	free(exts);
	return ret;
}

static int by_id(const void *a, const void *b)
{
	uint32_t x = (*(const struct bpfhost_helper_proto *const *)a)->id;
	uint32_t y = (*(const struct bpfhost_helper_proto *const *)b)->id;

	return x < y ? -1 : x > y;
}

int bpfhost_for_each_core_helper(bpfhost_helper_cb cb, void *ctx)
{
	size_t i, n = bh_core_helper_count();
	const struct bpfhost_helper_proto **v;
	int ret = 0;

	if (!cb)
		return -EINVAL;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		v[i] = bh_core_helper_at(i);
	qsort(v, n, sizeof(*v), by_id);
	for (i = 0; i < n && !ret; i++)
		ret = cb(v[i], ctx);
	free(v);
	return ret;
}

int bpfhost_for_each_map_type(bpfhost_map_type_cb cb, void *ctx)
{
	uint32_t t;
	int ret = 0;

	if (!cb)
		return -EINVAL;
	for (t = 1; t < MAP_TYPE_PROBE_MAX && !ret; t++)
		if (bh_map_type_ops(t))
			ret = cb(t, bh_map_type_name(t), ctx);
	return ret;
}
