/* SPDX-License-Identifier: MIT */
/*
 * Creation of maps of maps from bpfhost fds (src/runtime/map_in_map.c).
 */
#ifndef BH_RUNTIME_MAP_IN_MAP_H
#define BH_RUNTIME_MAP_IN_MAP_H

#include "common/log.h"

struct bpfhost;
struct bh_map_def;

/*
 * Create an ARRAY_OF_MAPS / HASH_OF_MAPS map of definition def whose inner
 * maps must match the map of inner_map_fd, and install an fd for it in rt.
 * Returns the fd, or -EINVAL (no or bad template, pin_path set, bad
 * definition), -EBADF (inner_map_fd is not an fd), ...; messages in log.
 */
int bh_mim_create_fd(struct bpfhost *rt, const struct bh_map_def *def, int inner_map_fd,
		     const char *pin_path, struct bh_log *log);

#endif /* BH_RUNTIME_MAP_IN_MAP_H */
