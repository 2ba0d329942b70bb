/* SPDX-License-Identifier: MIT */
/*
 * Object API: opening, closing, lookup, iteration and the accessors of
 * objects and programs.
 *
 * Opening reads the file (or copies nothing: the spec layer copies what it
 * keeps), parses it into a struct bh_obj_spec and wraps every program and
 * map of the spec in its public handle; nothing touches the runtime until
 * __load (object_load.c). The open options are copied, except the log
 * buffer, which is the caller's and is written again by __load.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/object.h"
#include "runtime/runtime.h"

int bh_object_log_finish(struct bpfhost_object *obj, struct bh_log *log,
			 enum bpfhost_print_level level)
{
	return bh_rt_log_finish(obj->rt, log, obj->log_buf, obj->log_size, obj->log_true_size,
				level);
}

/* Largest object file accepted (objects are small; this bounds the read). */
#define MAX_OBJECT_FILE (1ull << 30)

static void *read_file(const char *path, size_t *size, struct bh_log *log)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		bh_logf(log, "cannot open object file '%s': %s\n", path, strerror(err));
		errno = err;
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = errno ? errno : EINVAL;
		if (!S_ISREG(st.st_mode))
			err = EINVAL;
		bh_logf(log, "object file '%s' is not a regular file\n", path);
		close(fd);
		errno = err;
		return NULL;
	}
	if ((unsigned long long)st.st_size > MAX_OBJECT_FILE) {
		bh_logf(log, "object file '%s' is larger than 1 GiB\n", path);
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			bh_logf(log, "cannot read object file '%s': %s\n", path,
				n < 0 ? strerror(err) : "file shrank while reading");
			free(buf);
			close(fd);
			errno = err;
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	*size = got;
	return buf;
}

static char *pin_root_of(const struct bpfhost_object_open_opts *opts)
{
	const char *root = BH_OPTS_GET(opts, pin_root_path, NULL);

	if (!root || !*root)
		root = getenv("BPFHOST_PIN_ROOT");
	if (!root || !*root)
		root = BPFHOST_PIN_ROOT_DEFAULT;
	return strdup(root);
}

static int init_handles(struct bpfhost_object *obj)
{
	struct bh_obj_spec *spec = obj->spec;
	uint32_t i;

	obj->progs = calloc(spec->nr_progs ? spec->nr_progs : 1, sizeof(*obj->progs));
	obj->maps = calloc(spec->nr_maps ? spec->nr_maps : 1, sizeof(*obj->maps));
	if (!obj->progs || !obj->maps)
		return -ENOMEM;
	for (i = 0; i < spec->nr_progs; i++) {
		obj->progs[i].obj = obj;
		obj->progs[i].spec = &spec->progs[i];
		obj->progs[i].fd = -1;
	}
	for (i = 0; i < spec->nr_maps; i++) {
		struct bpfhost_map *m = &obj->maps[i];
		const struct bh_map_spec *ms = &spec->maps[i];

		m->obj = obj;
		m->spec = ms;
		m->fd = -1;
		if (ms->data) {
			m->init_value = malloc(ms->value_size ? ms->value_size : 1);
			if (!m->init_value)
				return -ENOMEM;
			memcpy(m->init_value, ms->data, ms->value_size);
		}
		if (ms->pinning == BH_PIN_BY_NAME) {
			size_t n = strlen(obj->pin_root) + strlen(ms->name) + 2;

			m->pin_path = malloc(n);
			if (!m->pin_path)
				return -ENOMEM;
			snprintf(m->pin_path, n, "%s/%s", obj->pin_root, ms->name);
		}
	}
	return 0;
}

static void free_handles(struct bpfhost_object *obj)
{
	uint32_t i;

	if (obj->progs && obj->spec) {
		for (i = 0; i < obj->spec->nr_progs; i++) {
			free(obj->progs[i].type_name);
			free(obj->progs[i].insns);
		}
	}
	if (obj->maps && obj->spec) {
		for (i = 0; i < obj->spec->nr_maps; i++) {
			free(obj->maps[i].pin_path);
			free(obj->maps[i].init_value);
		}
	}
	free(obj->progs);
	free(obj->maps);
}

static void object_free(struct bpfhost_object *obj)
{
	free_handles(obj);
	bh_obj_spec_free(obj->spec);
	free(obj->pin_root);
	free(obj);
}

static struct bpfhost_object *open_common(struct bpfhost *rt, const void *buf, size_t size,
					  const char *label,
					  const struct bpfhost_object_open_opts *opts,
					  struct bh_log *log)
{
	struct bpfhost_object *obj;
	int err;

	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	obj->rt = rt;
	obj->log_buf = BH_OPTS_GET(opts, log_buf, NULL);
	obj->log_size = BH_OPTS_GET(opts, log_size, 0);
	obj->log_level = BH_OPTS_GET(opts, log_level, 0);
	obj->log_true_size = BH_OPTS_GET(opts, log_true_size, NULL);
	obj->pin_root = pin_root_of(opts);
	if (!obj->pin_root) {
		free(obj);
		errno = ENOMEM;
		return NULL;
	}
	err = bh_obj_spec_open_mem(buf, size, label, &obj->spec, log);
	if (!err)
		err = init_handles(obj);
	if (err) {
		if (err == -ENOMEM)
			bh_logf(log, "object '%s': out of memory\n", label ? label : "(memory)");
		object_free(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

/* Finish an open: deliver the log (through rt's print when no buffer). */
static struct bpfhost_object *open_finish(struct bpfhost *rt, struct bpfhost_object *obj,
					  const struct bpfhost_object_open_opts *opts,
					  struct bh_log *log)
{
	int err = obj ? 0 : errno;
	int lerr;

	lerr = bh_rt_log_finish(rt, log, BH_OPTS_GET(opts, log_buf, NULL),
				BH_OPTS_GET(opts, log_size, 0),
				BH_OPTS_GET(opts, log_true_size, NULL), BPFHOST_WARN);
	if (obj && lerr) {
		object_free(obj);
		obj = NULL;
		err = -lerr;
	}
	if (!obj)
		errno = err ? err : EINVAL;
	return obj;
}

static bool check_args(struct bpfhost *rt, const struct bpfhost_object_open_opts *opts,
		       const char *what, struct bh_log *log)
{
	if (!BH_OPTS_VALID(opts, bpfhost_object_open_opts, log))
		return false;
	if (!rt) {
		bh_logf(log, "%s: no runtime instance\n", what);
		return false;
	}
	if (BH_OPTS_GET(opts, log_buf, NULL) && !BH_OPTS_GET(opts, log_size, 0)) {
		bh_logf(log, "%s: log_buf without log_size\n", what);
		return false;
	}
	return true;
}

struct bpfhost_object *bpfhost_object__open_file(struct bpfhost *rt, const char *path,
						 const struct bpfhost_object_open_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_object *obj = NULL;
	const char *name;
	void *buf;
	size_t size = 0;

	errno = EINVAL;
	if (!check_args(rt, opts, "bpfhost_object__open_file", &log))
		return open_finish(rt, NULL, opts, &log);
	if (!path || !*path) {
		bh_logf(&log, "bpfhost_object__open_file: no path\n");
		return open_finish(rt, NULL, opts, &log);
	}
	buf = read_file(path, &size, &log);
	if (buf) {
		name = BH_OPTS_GET(opts, object_name, NULL);
		obj = open_common(rt, buf, size, name ? name : path, opts, &log);
		free(buf);
	}
	return open_finish(rt, obj, opts, &log);
}

struct bpfhost_object *bpfhost_object__open_mem(struct bpfhost *rt, const void *buf, size_t size,
						const struct bpfhost_object_open_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bpfhost_object *obj = NULL;

	errno = EINVAL;
	if (!check_args(rt, opts, "bpfhost_object__open_mem", &log))
		return open_finish(rt, NULL, opts, &log);
	if (!buf || !size) {
		bh_logf(&log, "bpfhost_object__open_mem: empty buffer\n");
		return open_finish(rt, NULL, opts, &log);
	}
	obj = open_common(rt, buf, size, BH_OPTS_GET(opts, object_name, NULL), opts, &log);
	return open_finish(rt, obj, opts, &log);
}

void bpfhost_object__close(struct bpfhost_object *obj)
{
	uint32_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->spec->nr_progs; i++) {
		struct bpfhost_program *p = &obj->progs[i];
		struct bh_prog *cur;
		int err;

		if (p->fd < 0)
			continue;
		cur = bh_fd_prog(p->fd, &err);
		if (cur == p->ref)
			bpfhost_close(p->fd);
		if (cur)
			bh_prog_put(cur);
		bh_prog_put(p->ref);
	}
	for (i = 0; i < obj->spec->nr_maps; i++)
		bh_object_map_unload(&obj->maps[i], false);
	object_free(obj);
}

const char *bpfhost_object__name(const struct bpfhost_object *obj)
{
	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	return obj->spec->name;
}

const char *bpfhost_object__license(const struct bpfhost_object *obj)
{
	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	return obj->spec->license ? obj->spec->license : "";
}

struct bpfhost *bpfhost_object__runtime(const struct bpfhost_object *obj)
{
	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	return obj->rt;
}

struct bpfhost_program *bpfhost_object__find_program_by_name(const struct bpfhost_object *obj,
							     const char *name)
{
	uint32_t i;

	if (!obj || !name) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < obj->spec->nr_progs; i++)
		if (!strcmp(obj->spec->progs[i].name, name))
			return &obj->progs[i];
	errno = ENOENT;
	return NULL;
}

struct bpfhost_map *bpfhost_object__find_map_by_name(const struct bpfhost_object *obj,
						     const char *name)
{
	uint32_t i;

	if (!obj || !name) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < obj->spec->nr_maps; i++)
		if (!strcmp(obj->spec->maps[i].name, name))
			return &obj->maps[i];
	errno = ENOENT;
	return NULL;
}

/*
 * Index after prev in an object's array base[0..n) of elem-byte entries
 * (prev NULL: 0); -EINVAL when prev is not an entry of that array.
 */
static int next_index(const void *prev, const void *base, size_t elem, size_t n, size_t *i)
{
	uintptr_t p = (uintptr_t)prev, b = (uintptr_t)base;

	if (!prev) {
		*i = 0;
	} else {
		if (p < b || p >= b + n * elem || (p - b) % elem)
			return -EINVAL;
		*i = (p - b) / elem + 1;
	}
	return *i < n ? 0 : -ENOENT;
}

struct bpfhost_program *bpfhost_object__next_program(const struct bpfhost_object *obj,
						     struct bpfhost_program *prev)
{
	size_t i;
	int err = !obj || (prev && prev->obj != obj)
			  ? -EINVAL
			  : next_index(prev, obj->progs, sizeof(*obj->progs), obj->spec->nr_progs,
				       &i);

	if (err) {
		errno = -err;
		return NULL;
	}
	return &obj->progs[i];
}

struct bpfhost_map *bpfhost_object__next_map(const struct bpfhost_object *obj,
					     struct bpfhost_map *prev)
{
	size_t i;
	int err = !obj || (prev && prev->obj != obj)
			  ? -EINVAL
			  : next_index(prev, obj->maps, sizeof(*obj->maps), obj->spec->nr_maps, &i);

	if (err) {
		errno = -err;
		return NULL;
	}
	return &obj->maps[i];
}

/* ---- programs ---- */

int bpfhost_program__fd(const struct bpfhost_program *prog)
{
	if (!prog || prog->fd < 0)
		return -EINVAL;
	return prog->fd;
}

const char *bpfhost_program__name(const struct bpfhost_program *prog)
{
	if (!prog) {
		errno = EINVAL;
		return NULL;
	}
	return prog->spec->name;
}

const char *bpfhost_program__section_name(const struct bpfhost_program *prog)
{
	if (!prog) {
		errno = EINVAL;
		return NULL;
	}
	return prog->spec->sec_name;
}

const char *bpfhost_program__type_name(const struct bpfhost_program *prog)
{
	struct bpfhost_program *p = (struct bpfhost_program *)prog;
	int err;

	if (!prog) {
		errno = EINVAL;
		return NULL;
	}
	if (!p->type_name) {
		/* resolved now and cached: a later registration can not change it */
		p->type_name =
			bh_object_type_for_section(p->obj->rt, p->spec->sec_name, &err, NULL);
		if (!p->type_name) {
			errno = -err;
			return NULL;
		}
	}
	return p->type_name;
}

int bpfhost_program__set_type(struct bpfhost_program *prog, const char *type_name)
{
	char *t;

	if (!prog || !type_name || !*type_name)
		return -EINVAL;
	if (prog->obj->loaded || prog->obj->load_failed)
		return -EBUSY;
	t = strdup(type_name);
	if (!t)
		return -ENOMEM;
	free(prog->type_name);
	prog->type_name = t;
	return 0;
}

const struct bpfhost_insn *bpfhost_program__insns(const struct bpfhost_program *prog)
{
	if (!prog) {
		errno = EINVAL;
		return NULL;
	}
	return prog->insns ? prog->insns : prog->spec->insns;
}

size_t bpfhost_program__insn_cnt(const struct bpfhost_program *prog)
{
	return prog ? prog->spec->insn_cnt : 0;
}

int bpfhost_program__line_info(const struct bpfhost_program *prog, size_t insn_idx,
			       struct bpfhost_line_info *info)
{
	const struct bh_btf_line_info *l;

	if (!prog || !info || insn_idx >= prog->spec->insn_cnt)
		return -EINVAL;
	l = bh_prog_spec_line(prog->spec, (uint32_t)insn_idx);
	if (!l)
		return -ENOENT;
	info->file = l->file;
	info->source = l->line;
	info->line = l->line_num;
	info->col = l->col;
	return 0;
}

const char *bpfhost_program__func_name(const struct bpfhost_program *prog, size_t insn_idx)
{
	const struct bh_prog_spec *ps;
	uint32_t i;

	if (!prog) {
		errno = EINVAL;
		return NULL;
	}
	ps = prog->spec;
	for (i = 0; i < ps->nr_subprogs; i++) {
		if (ps->subprogs[i].start == insn_idx &&
		    ps->subprogs[i].func < prog->obj->spec->nr_funcs)
			return prog->obj->spec->funcs[ps->subprogs[i].func].name;
	}
	errno = ENOENT;
	return NULL;
}
