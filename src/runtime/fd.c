/* SPDX-License-Identifier: MIT */
/*
 * bpfhost's own file descriptors: a process-wide table of small integers
 * from 1 up (not kernel fds), each naming one map, program or link and
 * owning one reference to it. The lowest free number is reused, as POSIX
 * does. One mutex protects the table; lookups take a reference on the
 * object under it, so a concurrent close never frees what a caller uses.
 *
 * A map's "user" references are its fds: when the last fd of a prog array
 * closes, the array is cleared (Linux does the same when the last user
 * reference goes), which breaks program <-> prog array reference cycles.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "maps/map.h"
#include "maps/prog_array.h"
#include "runtime/runtime.h"

struct fd_entry {
	enum bh_fd_kind kind; /* 0: free */
	struct bpfhost *rt;
	void *obj;
};

static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fd_entry *fd_tab; /* index = fd - 1 */
static size_t fd_cap;

#define FD_MAX (1u << 20)

const char *bh_fd_kind_name(enum bh_fd_kind kind)
{
	switch (kind) {
	case BH_FD_MAP:
		return "map";
	case BH_FD_PROG:
		return "program";
	case BH_FD_LINK:
		return "link";
	default:
		return "unused";
	}
}

int bh_fd_install(struct bpfhost *rt, enum bh_fd_kind kind, void *obj)
{
	size_t i;
	int fd = -EMFILE;

	pthread_mutex_lock(&fd_lock);
	for (i = 0; i < fd_cap; i++)
		if (!fd_tab[i].kind)
			break;
	if (i == fd_cap) {
		size_t ncap = fd_cap ? fd_cap * 2 : 64;
		struct fd_entry *nt;

		if (ncap > FD_MAX)
			goto out;
		nt = realloc(fd_tab, ncap * sizeof(*nt));
		if (!nt) {
			fd = -ENOMEM;
			goto out;
		}
		for (size_t j = fd_cap; j < ncap; j++)
			nt[j] = (struct fd_entry){ 0 };
		fd_tab = nt;
		fd_cap = ncap;
	}
	fd_tab[i] = (struct fd_entry){ kind, rt, obj };
	fd = (int)i + 1;
out:
	pthread_mutex_unlock(&fd_lock);
	return fd;
}

/* Under fd_lock: the entry of fd, or NULL. */
static struct fd_entry *entry_locked(int fd)
{
	if (fd < 1 || (size_t)fd > fd_cap || !fd_tab[fd - 1].kind)
		return NULL;
	return &fd_tab[fd - 1];
}

enum bh_fd_kind bh_fd_kind_of(int fd)
{
	struct fd_entry *e;
	enum bh_fd_kind k = 0;

	pthread_mutex_lock(&fd_lock);
	e = entry_locked(fd);
	if (e)
		k = e->kind;
	pthread_mutex_unlock(&fd_lock);
	return k;
}

static void *get_obj(int fd, enum bh_fd_kind kind, int *err)
{
	struct fd_entry *e;
	void *obj = NULL;

	pthread_mutex_lock(&fd_lock);
	e = entry_locked(fd);
	if (!e) {
		*err = -EBADF;
	} else if (e->kind != kind) {
		*err = -EINVAL;
	} else {
		obj = e->obj;
		if (kind == BH_FD_MAP)
			bh_map_get(obj);
		else if (kind == BH_FD_PROG)
			bh_prog_get(obj);
		*err = 0;
	}
	pthread_mutex_unlock(&fd_lock);
	return obj;
}

struct bh_map *bh_fd_map(int fd, int *err)
{
	return get_obj(fd, BH_FD_MAP, err);
}

struct bh_prog *bh_fd_prog(int fd, int *err)
{
	return get_obj(fd, BH_FD_PROG, err);
}

/* Under fd_lock: does another fd name the same object? */
static bool shared_locked(const struct fd_entry *e)
{
	size_t i;

	for (i = 0; i < fd_cap; i++)
		if (&fd_tab[i] != e && fd_tab[i].kind == e->kind && fd_tab[i].obj == e->obj)
			return true;
	return false;
}

static void release(enum bh_fd_kind kind, void *obj, bool last_user)
{
	switch (kind) {
	case BH_FD_MAP: {
		struct bh_map *map = obj;

		if (last_user && map->def.type == BPFHOST_MAP_TYPE_PROG_ARRAY)
			bh_prog_array_clear(map);
		bh_map_put(map);
		break;
	}
	case BH_FD_PROG:
		bh_prog_put(obj);
		break;
	case BH_FD_LINK:
		bh_link_destroy(obj);
		break;
	}
}

int bpfhost_close(int fd)
{
	struct fd_entry *e, old;
	bool last_user;

	pthread_mutex_lock(&fd_lock);
	e = entry_locked(fd);
	if (!e) {
		pthread_mutex_unlock(&fd_lock);
		return -EBADF;
	}
	old = *e;
	last_user = !shared_locked(e);
	*e = (struct fd_entry){ 0 };
	pthread_mutex_unlock(&fd_lock);
	release(old.kind, old.obj, last_user);
	return 0;
}

/* Detach one entry of rt of the given kind; false when none is left. */
static bool close_one(struct bpfhost *rt, enum bh_fd_kind kind)
{
	struct fd_entry old = { 0 };
	bool last_user = false;
	size_t i;

	pthread_mutex_lock(&fd_lock);
	for (i = 0; i < fd_cap; i++) {
		if (fd_tab[i].kind == kind && fd_tab[i].rt == rt) {
			old = fd_tab[i];
			last_user = !shared_locked(&fd_tab[i]);
			fd_tab[i] = (struct fd_entry){ 0 };
			break;
		}
	}
	pthread_mutex_unlock(&fd_lock);
	if (!old.kind)
		return false;
	release(old.kind, old.obj, last_user);
	return true;
}

void bh_fd_close_all(struct bpfhost *rt)
{
	static const enum bh_fd_kind order[] = { BH_FD_LINK, BH_FD_PROG, BH_FD_MAP };
	size_t k;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		while (close_one(rt, order[k]))
			;
}
