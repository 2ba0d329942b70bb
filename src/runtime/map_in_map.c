/* SPDX-License-Identifier: MIT */
/*
 * Runtime side of maps of maps (src/maps/map_in_map.c): what needs bpfhost
 * fds or the invocation machinery.
 *
 *  - fd translation: a user update stores an inner map *fd*; the map layer
 *    asks bh_mim_fd_to_map for the map behind it (a reference it drops).
 *  - grace periods: the map layer releases an inner map taken out of a
 *    slot after bh_rcu_synchronize, and refuses to wait from inside an
 *    invocation (bh_rcu_self->nest > 0), where waiting would deadlock.
 *  - creation: bh_mim_create_fd resolves inner_map_fd to its definition
 *    (the template), refuses a pin path (references to maps of this
 *    process cannot live in a region shared with other processes) and
 *    installs the new map's fd. bpfhost_map_create routes map-in-map types
 *    here.
 */
#include <errno.h>

#include "maps/map.h"
#include "maps/map_in_map.h"
#include "runtime/map_in_map.h"
#include "runtime/runtime.h"

struct bh_map *bh_mim_fd_to_map(uint32_t fd, int *err)
{
	if (fd > (uint32_t)INT32_MAX) {
		*err = -EBADF;
		return NULL;
	}
	return bh_fd_map((int)fd, err);
}

bool bh_mim_in_invocation(void)
{
	struct bh_rcu_reader *r = bh_rcu_self;

	return r && r->nest;
}

void bh_mim_synchronize(void)
{
	bh_rcu_synchronize();
}

int bh_mim_create_fd(struct bpfhost *rt, const struct bh_map_def *def, int inner_map_fd,
		     const char *pin_path, struct bh_log *log)
{
	struct bh_map *tmpl, *map = NULL;
	int err, fd;

	if (pin_path) {
		bh_map_log(log, def,
			   "holds maps of this process and cannot live in a shared region "
			   "(pin_path %s)",
			   pin_path);
		return -EINVAL;
	}
	if (inner_map_fd <= 0) {
		bh_map_log(log, def, "needs an inner map template (inner_map_fd)");
		return -EINVAL;
	}
	tmpl = bh_fd_map(inner_map_fd, &err);
	if (!tmpl) {
		bh_map_log(log, def, "inner_map_fd %d is not a bpfhost map fd", inner_map_fd);
		return err;
	}
	err = bh_mim_create(def, &tmpl->def, &map, log);
	bh_map_put(tmpl);
	if (err)
		return err;
	fd = bh_fd_install(rt, BH_FD_MAP, map);
	if (fd < 0) {
		bh_map_log(log, def, "no free bpfhost fd");
		bh_map_put(map);
	}
	return fd;
}
