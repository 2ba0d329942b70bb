/* SPDX-License-Identifier: MIT */
/*
 * Where the `prog` commands get their programs from: ELF objects, opened
 * and loaded through the object API into the CLI's runtime instance
 * (cli_rt), or raw instruction files (little-endian bytes, or assembly
 * when the name ends in .s/.asm) loaded as the program type named with
 * `type NAME`. A file is ELF when it starts with the ELF magic; anything
 * else is raw.
 *
 * The object API writes its messages (errors, warnings and, with -d, the
 * program load logs) into a log buffer of ours: a failure becomes one
 * `Error: ...` with the log, warnings of a success go to stderr (never in
 * JSON mode).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"
#include "maps/map.h"

/* Room for the object API's messages; with -d the load logs too. */
#define OBJ_LOG_SIZE (1u << 20)
#define OBJ_LOG_SIZE_DEBUG (16u << 20)

int file_is_elf(const char *path)
{
	unsigned char magic[4];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		p_err("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	n = fread(magic, 1, sizeof(magic), f);
	fclose(f);
	return n == 4 && !memcmp(magic, "\177ELF", 4);
}

/* Warnings of an operation that succeeded: stderr, text mode only. */
static void show_warnings(const char *log)
{
	size_t len = log ? strlen(log) : 0;

	if (!len || json_output)
		return;
	fprintf(stderr, "%s%s", log, log[len - 1] == '\n' ? "" : "\n");
}

int cli_obj_open(struct cli_obj *o, const char *path, const char *pin_root)
{
	BPFHOST_OPTS_INIT(bpfhost_object_open_opts, opts);
	char prefix[512];

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->log_size = cli_debug ? OBJ_LOG_SIZE_DEBUG : OBJ_LOG_SIZE;
	o->log = calloc(1, o->log_size);
	if (!o->log) {
		p_err("out of memory");
		return -1;
	}
	opts.pin_root_path = pin_root;
	opts.log_buf = o->log;
	opts.log_size = o->log_size;
	opts.log_level = cli_debug ? 1 : 0;
	o->obj = bpfhost_object__open_file(cli_rt, path, &opts);
	if (!o->obj) {
		int err = errno;

		snprintf(prefix, sizeof(prefix), "'%s': ", path);
		p_err_log(prefix, o->log, "cannot open '%s' (%s)", path, strerror(err));
		cli_obj_close(o);
		return -1;
	}
	show_warnings(o->log);
	o->log[0] = '\0';
	return 0;
}

int cli_obj_set_type(struct cli_obj *o, const char *type)
{
	struct bpfhost_program *p;

	bpfhost_object__for_each_program(p, o->obj)
	{
		int err = bpfhost_program__set_type(p, type);

		if (err) {
			p_err("'%s': cannot set the type of program '%s' to '%s': %s", o->path,
			      bpfhost_program__name(p), type, strerror(-err));
			return -1;
		}
	}
	return 0;
}

int cli_obj_load(struct cli_obj *o)
{
	char prefix[512];
	int err;

	o->log[0] = '\0';
	err = bpfhost_object__load(o->obj);
	if (err) {
		snprintf(prefix, sizeof(prefix), "'%s': ", o->path);
		if (err == -ENOSPC && !o->log[0])
			p_err("'%s': cannot load: its log does not fit in %zu bytes", o->path,
			      o->log_size);
		else if (strstr(o->log, "no registered program type"))
			p_err("'%s': %s; load the extension that provides it with --ext PATH.so, "
			      "or give 'type TYPE'",
			      o->path, strtok(o->log, "\n"));
		else
			p_err_log(prefix, o->log, "cannot load '%s' (%s)", o->path, strerror(-err));
		return -1;
	}
	show_warnings(o->log);
	o->log[0] = '\0';
	return 0;
}

void cli_obj_close(struct cli_obj *o)
{
	bpfhost_object__close(o->obj);
	o->obj = NULL;
	free(o->log);
	o->log = NULL;
}

size_t cli_obj_nr_progs(const struct cli_obj *o)
{
	struct bpfhost_program *p;
	size_t n = 0;

	bpfhost_object__for_each_program(p, o->obj) n++;
	return n;
}

struct bpfhost_program *cli_obj_prog(struct cli_obj *o, const char *name)
{
	struct bpfhost_program *p, *only = NULL;
	char list[256] = "";
	size_t n = 0, off = 0;

	if (name) {
		p = bpfhost_object__find_program_by_name(o->obj, name);
		if (!p) {
			bpfhost_object__for_each_program(p, o->obj) if (off < sizeof(list)) off +=
				(size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						 off ? ", " : "", bpfhost_program__name(p));
			p_err("'%s' has no program named '%s' (programs: %s)", o->path, name,
			      off ? list : "none");
		}
		return p;
	}
	bpfhost_object__for_each_program(p, o->obj)
	{
		only = p;
		n++;
		if (off < sizeof(list))
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						off ? ", " : "", bpfhost_program__name(p));
	}
	if (n == 1)
		return only;
	if (!n)
		p_err("'%s' contains no programs", o->path);
	else
		p_err("'%s' has %zu programs (%s): choose one with 'name NAME'", o->path, n, list);
	return NULL;
}

struct bpfhost_map *cli_obj_map_at(const struct cli_obj *o, uint32_t idx)
{
	struct bpfhost_map *m;
	uint32_t i = 0;

	bpfhost_object__for_each_map(m, o->obj) if (i++ == idx) return m;
	return NULL;
}

const char *map_type_str(uint32_t type)
{
	const char *s = bh_map_type_name(type);

	return s ? s : "unknown";
}

/* ---- raw programs ---- */

/* Default program name: the file's base name up to its first '.'. */
static void default_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i + 1 < size && base[i] && base[i] != '.'; i++) {
		char c = base[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_';

		name[i] = ok ? c : '_';
	}
	name[i] = '\0';
	if (!i)
		snprintf(name, size, "prog");
}

int raw_prog_read(struct raw_prog *r, const char *path, const char *type, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->type = type;
	r->fd = -1;
	if (name) {
		if (strlen(name) >= sizeof(r->name)) {
			p_err("program name '%s' is longer than %zu characters", name,
			      sizeof(r->name) - 1);
			return -1;
		}
		snprintf(r->name, sizeof(r->name), "%s", name);
	} else {
		default_name(path, r->name, sizeof(r->name));
	}
	return read_prog_file(path, &r->insns, &r->cnt);
}

int raw_prog_load(struct raw_prog *r)
{
	size_t log_size = 64 * 1024;
	char *log = NULL, prefix[512];
	int fd;

	for (;;) {
		BPFHOST_OPTS_INIT(bpfhost_prog_load_opts, opts);
		char *nl = realloc(log, log_size);

		if (!nl) {
			p_err("out of memory loading '%s'", r->path);
			free(log);
			return -1;
		}
		log = nl;
		log[0] = '\0';
		opts.log_buf = log;
		opts.log_size = log_size;
		opts.log_level = cli_debug ? 1 : 0;
		fd = bpfhost_prog_load(cli_rt, r->type, r->name, r->insns, r->cnt, &opts);
		if (fd == -ENOSPC && opts.log_true_size > log_size) {
			log_size = opts.log_true_size;
			continue;
		}
		break;
	}
	if (fd < 0) {
		snprintf(prefix, sizeof(prefix), "'%s': ", r->path);
		p_err_log(prefix, log, "cannot load '%s' as a program of type '%s' (%s)", r->path,
			  r->type, strerror(-fd));
		free(log);
		return -1;
	}
	/* a success logs only that nothing is verified yet: shown with -d */
	if (cli_debug)
		show_warnings(log);
	free(log);
	r->fd = fd;
	return 0;
}

void raw_prog_free(struct raw_prog *r)
{
	if (r->fd >= 0)
		bpfhost_close(r->fd);
	r->fd = -1;
	free(r->insns);
	r->insns = NULL;
}
