/* SPDX-License-Identifier: MIT */
/*
 * Object layer internals: a parsed object specification (obj_spec.h)
 * instantiated in one runtime instance.
 *
 * struct bpfhost_object owns its spec and one struct bpfhost_program /
 * struct bpfhost_map per spec entry (same indices). Opening only parses;
 * __load creates the maps, rewrites each program's symbolic map
 * references into the runtime's fds and loads the programs. The object
 * keeps a reference on every map and program it created next to the fd,
 * so closing never closes an fd that was meanwhile reused for something
 * else (e.g. after bpfhost__free closed the instance's fds).
 *
 * Files: object.c (open, close, lookup, iteration, accessors),
 * object_load.c (load and rollback), object_map.c (map creation, pinning,
 * element calls), object_attach.c (section -> program type / hook rules,
 * links), object_default.c (the process default instance).
 */
#ifndef BH_LOADER_OBJECT_H
#define BH_LOADER_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include <bpfhost/bpfhost.h>
#include "common/log.h"
#include "loader/obj_spec.h"

struct bh_map;
struct bh_map_def;
struct bh_prog;

struct bpfhost_program {
	struct bpfhost_object *obj;
	const struct bh_prog_spec *spec;
	char *type_name; /* set with __set_type; else resolved at load */
	/* after load: the instructions given to bpfhost_prog_load */
	struct bpfhost_insn *insns;
	int fd; /* -1 until loaded */
	struct bh_prog *ref;
};

struct bpfhost_map {
	struct bpfhost_object *obj;
	const struct bh_map_spec *spec;
	char *pin_path;	     /* where the map lives when pinned, else NULL */
	uint8_t *init_value; /* global data: initial value (value_size bytes) */
	int fd;		     /* -1 until created */
	bool pin_created;    /* this load created the pinned file */
	bool pin_attached;   /* this load attached to an existing pinned file */
	struct bh_map *ref;
};

struct bpfhost_object {
	struct bpfhost *rt;
	struct bh_obj_spec *spec;
	char *pin_root;
	char *log_buf; /* the caller's, from the open options */
	size_t log_size;
	size_t *log_true_size;
	uint32_t log_level;
	bool loaded;
	bool load_failed;
	struct bpfhost_program *progs;
	struct bpfhost_map *maps;
};

struct bpfhost_link {
	int fd;
};

/* Deliver an operation's log the way the object's options ask. */
int bh_object_log_finish(struct bpfhost_object *obj, struct bh_log *log,
			 enum bpfhost_print_level level);

/* ---- object_map.c ---- */
/* The runtime definition name of a map (truncated to what maps accept). */
void bh_object_map_def(const struct bh_map_spec *ms, struct bh_map_def *def);
/* Create map i (and pin/attach it), initialise global data; 0 or -errno. */
int bh_object_create_map(struct bpfhost_object *obj, uint32_t i, struct bh_log *log);
/* Fill the map-in-map `values` initialisers of map i. */
int bh_object_init_map_slots(struct bpfhost_object *obj, uint32_t i, struct bh_log *log);
/* Fill the prog_array `values` initialisers of map i (programs loaded). */
int bh_object_init_prog_slots(struct bpfhost_object *obj, uint32_t i, struct bh_log *log);
/* Close map i; remove its pinned file if this (failed) load created it. */
void bh_object_map_unload(struct bpfhost_map *m, bool unpin_created);

/* ---- object_attach.c ---- */
/*
 * Program type for a section name among rt's registered providers:
 * libbpf's rule (the name equals a prefix, or continues it with '/'); the
 * longest matching prefix wins. Returns a malloc'ed type name, or NULL
 * with -ENOENT (no match), -EINVAL (two types claim the same prefix) or
 * -ENOMEM in *err and the reason in log.
 */
char *bh_object_type_for_section(struct bpfhost *rt, const char *sec, int *err, struct bh_log *log);

#endif /* BH_LOADER_OBJECT_H */
