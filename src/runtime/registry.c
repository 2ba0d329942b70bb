/* SPDX-License-Identifier: MIT */
/*
 * Extension registry: checking, copying and registering what an extension
 * describes, and unregistering it with rundown.
 *
 * Everything an extension hands over is checked before anything is
 * registered; the first problem refuses the whole extension with a message
 * "extension 'E': program type 'T': reason" (or hook 'H') through the
 * instance's print callback and a negative errno that tells the class of
 * problem (docs/extensions.md has the table):
 *
 *   -EPROTO           a descriptor's version is unknown or its size is
 *                     smaller than the first published one
 *   -EPROTONOSUPPORT  a program type or hook lacks BPFHOST_CAP_CONTEXT_HEADER
 *   -EEXIST           a name (extension, program type, hook) or helper id is
 *                     already taken
 *   -ENOENT           a hook names a program type nobody registered
 *   -EINVAL           anything else malformed (missing names, NULL arrays
 *                     with counts, offsets outside the context, ...)
 *   -ENOMEM
 *
 * Descriptors are copied into runtime-owned memory (strings and arrays
 * included), so the extension's data need not outlive the call and the
 * context descriptor slot 1 points at is the runtime's. A descriptor with
 * a size between the first published one and ours reads as zero beyond its
 * size; a bigger one (a newer extension, same version) is read up to ours.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

#define NAME_MAX_LEN 64
#define MAX_PREFIXES 64

/* Sizes of the first published version of each descriptor. */
#define EXT_DESC_V1_SIZE 40u
#define TYPE_DESC_V1_SIZE 104u
#define CTX_DESC_V1_SIZE 56u
#define HOOK_DESC_V1_SIZE 48u
#define PROTO_V1_SIZE 56u

struct reg {
	struct bpfhost *rt;
	const char *ext;  /* extension name for messages */
	const char *what; /* "program type 'x'" / "hook 'y'" / NULL */
};

__attribute__((format(printf, 3, 4))) static int refuse(const struct reg *r, int err,
							const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	bh_rt_pr(r->rt, BPFHOST_WARN, "extension '%s': %s%s%s (refused)\n", r->ext,
		 r->what ? r->what : "", r->what ? ": " : "", buf);
	return err;
}

/* Version and size check of a {version, size} descriptor; copies it. */
static int read_desc(const struct reg *r, const char *kind, const void *src, uint32_t known_ver,
		     uint32_t v1_size, void *dst, size_t dst_size)
{
	uint32_t ver, size;

	memcpy(&ver, src, 4);
	memcpy(&size, (const char *)src + 4, 4);
	if (ver == 0 || ver > known_ver)
		return refuse(r, -EPROTO, "%s version %u is unknown (this runtime knows %u)", kind,
			      ver, known_ver);
	if (size < v1_size)
		return refuse(r, -EPROTO, "%s size %u is smaller than version 1's %u bytes", kind,
			      size, v1_size);
	memset(dst, 0, dst_size);
	memcpy(dst, src, size < dst_size ? size : dst_size);
	return 0;
}

static int check_name(const struct reg *r, const char *kind, const char *name)
{
	if (!name || !*name)
		return refuse(r, -EINVAL, "%s has no name", kind);
	if (strnlen(name, NAME_MAX_LEN) >= NAME_MAX_LEN)
		return refuse(r, -EINVAL, "%s name is longer than %d characters", kind,
			      NAME_MAX_LEN - 1);
	return 0;
}

static bool field_ok(int32_t off, uint32_t ctx_size)
{
	return off == -1 || (off >= 0 && (uint64_t)off + 8 <= ctx_size);
}

static int check_ctx_desc(const struct reg *r, const struct bpfhost_ctx_desc *d)
{
	uint32_t i;

	if (d->ctx_size == 0 || d->ctx_size > BPFHOST_CTX_SIZE_MAX)
		return refuse(r, -EINVAL, "context size %u is not in 1..%u", d->ctx_size,
			      BPFHOST_CTX_SIZE_MAX);
	if (!field_ok(d->data_off, d->ctx_size) || !field_ok(d->data_end_off, d->ctx_size) ||
	    !field_ok(d->data_meta_off, d->ctx_size))
		return refuse(r, -EINVAL,
			      "data/data_end/data_meta offsets %d/%d/%d: each must be -1 or an "
			      "8-byte field inside the %u-byte context",
			      d->data_off, d->data_end_off, d->data_meta_off, d->ctx_size);
	if ((d->data_off < 0) != (d->data_end_off < 0))
		return refuse(r, -EINVAL, "data and data_end offsets must both be set or both -1");
	if (d->data_meta_off >= 0 && d->data_off < 0)
		return refuse(r, -EINVAL, "data_meta offset without data offset");
	if (d->nr_writable && !d->writable)
		return refuse(r, -EINVAL, "%u writable ranges but no array", d->nr_writable);
	for (i = 0; i < d->nr_writable; i++)
		if ((uint64_t)d->writable[i].off + d->writable[i].size > d->ctx_size ||
		    !d->writable[i].size)
			return refuse(r, -EINVAL,
				      "writable range %u [%u, +%u) is empty or outside the context",
				      i, d->writable[i].off, d->writable[i].size);
	if (d->nr_view_fields && (!d->view || !d->linux_ctx_size))
		return refuse(r, -EINVAL, "%u Linux view fields but no array or Linux context size",
			      d->nr_view_fields);
	for (i = 0; i < d->nr_view_fields; i++) {
		const struct bpfhost_ctx_view_field *f = &d->view[i];
		bool sz_ok = (f->linux_size == 1 || f->linux_size == 2 || f->linux_size == 4 ||
			      f->linux_size == 8) &&
			     (f->real_size == 1 || f->real_size == 2 || f->real_size == 4 ||
			      f->real_size == 8);

		if (!sz_ok || (uint64_t)f->linux_off + f->linux_size > d->linux_ctx_size ||
		    (uint64_t)f->real_off + f->real_size > d->ctx_size)
			return refuse(r, -EINVAL,
				      "Linux view field %u (%u+%u -> %u+%u) has a bad size or lies "
				      "outside its context",
				      i, f->linux_off, f->linux_size, f->real_off, f->real_size);
	}
	return 0;
}

static int check_proto(const struct reg *r, const struct bpfhost_helper_proto *p)
{
	bool ended = false;
	int i;

	if (!p->name || !*p->name)
		return refuse(r, -EINVAL, "helper %u has no name", p->id);
	if (strnlen(p->name, sizeof(((struct bh_prog_dep *)0)->name_buf)) >=
	    sizeof(((struct bh_prog_dep *)0)->name_buf))
		return refuse(r, -EINVAL, "helper %u: name is too long", p->id);
	if (!p->fn)
		return refuse(r, -EINVAL, "helper %u (%s) has no function", p->id, p->name);
	if (!p->id)
		return refuse(r, -EINVAL, "helper '%s' has id 0", p->name);
	if (p->ret >= BPFHOST_RET__COUNT)
		return refuse(r, -EINVAL, "helper %u (%s): unknown return type %u", p->id, p->name,
			      p->ret);
	if (p->flags & ~BPFHOST_HELPER_F_KNOWN)
		return refuse(r, -EINVAL, "helper %u (%s): unknown flags 0x%x", p->id, p->name,
			      p->flags);
	for (i = 0; i < 5; i++) {
		if (p->args[i] >= BPFHOST_ARG__COUNT)
			return refuse(r, -EINVAL, "helper %u (%s): argument %d has unknown type %u",
				      p->id, p->name, i + 1, p->args[i]);
		if (ended && p->args[i] != BPFHOST_ARG_NONE)
			return refuse(r, -EINVAL, "helper %u (%s): argument %d follows a NONE",
				      p->id, p->name, i + 1);
		ended |= p->args[i] == BPFHOST_ARG_NONE;
	}
	return 0;
}

static void free_type(struct bpfhost_prog_type *t)
{
	size_t i;

	if (!t)
		return;
	free(t->name);
	if (t->prefixes)
		for (i = 0; t->prefixes[i]; i++)
			free(t->prefixes[i]);
	free(t->prefixes);
	if (t->helpers)
		for (i = 0; i < t->nr_helpers; i++)
			free((char *)t->helpers[i].name);
	free(t->helpers);
	free((void *)t->ctx_desc.writable);
	free((void *)t->ctx_desc.view);
	if (t->ext)
		bh_extension_put(t->ext);
	free(t);
}

static void *dup_mem(const void *src, size_t n)
{
	void *p;

	if (!n)
		return NULL;
	p = malloc(n);
	if (p)
		memcpy(p, src, n);
	return p;
}

/* Check and copy one program type (not yet registered). */
static int build_type(struct reg *r, const struct bpfhost_prog_type_desc *src,
		      struct bpfhost_prog_type **out)
{
	struct bpfhost_prog_type_desc d;
	struct bpfhost_prog_type *t;
	struct bpfhost_ctx_desc cd;
	uint32_t i, j, stride = 0;
	int err;

	*out = NULL;
	if (!src)
		return refuse(r, -EINVAL, "program type descriptor is NULL");
	err = read_desc(r, "program type descriptor", src, BPFHOST_PROG_TYPE_DESC_VERSION,
			TYPE_DESC_V1_SIZE, &d, sizeof(d));
	if (err)
		return err;
	err = check_name(r, "program type", d.name);
	if (err)
		return err;
	char what[NAME_MAX_LEN + 32];
	snprintf(what, sizeof(what), "program type '%s'", d.name);
	r->what = what;
	if (!(d.capabilities & BPFHOST_CAP_CONTEXT_HEADER))
		return refuse(r, -EPROTONOSUPPORT,
			      "does not declare BPFHOST_CAP_CONTEXT_HEADER (capabilities 0x%llx); "
			      "every context must be preceded by the bpfhost context header",
			      (unsigned long long)d.capabilities);
	if (!d.ctx_desc)
		return refuse(r, -EINVAL, "has no context descriptor");
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->refcnt = 1;
	err = read_desc(r, "context descriptor", d.ctx_desc, BPFHOST_CTX_DESC_VERSION,
			CTX_DESC_V1_SIZE, &cd, sizeof(cd));
	if (err)
		goto fail;
	err = check_ctx_desc(r, &cd);
	if (err)
		goto fail;
	/* deep copies: the descriptor slot 1 points at is the runtime's */
	t->ctx_desc = cd;
	t->ctx_desc.writable = dup_mem(cd.writable, cd.nr_writable * sizeof(*cd.writable));
	t->ctx_desc.view = dup_mem(cd.view, cd.nr_view_fields * sizeof(*cd.view));
	if ((cd.nr_writable && !t->ctx_desc.writable) || (cd.nr_view_fields && !t->ctx_desc.view)) {
		err = -ENOMEM;
		goto fail;
	}
	t->ctx_desc.version = BPFHOST_CTX_DESC_VERSION;
	t->ctx_desc.size = sizeof(t->ctx_desc);
	t->self = BPFHOST_CTX_SELF(cd.ctx_size);

	if (d.nr_helpers && !d.helpers) {
		err = refuse(r, -EINVAL, "%u helpers but no array", d.nr_helpers);
		goto fail;
	}
	if (d.nr_helpers) {
		stride = d.helpers[0].size;
		t->helpers = calloc(d.nr_helpers, sizeof(*t->helpers));
		if (!t->helpers) {
			err = -ENOMEM;
			goto fail;
		}
	}
	for (i = 0; i < d.nr_helpers; i++) {
		const void *hp = (const char *)d.helpers + (size_t)i * stride;
		struct bpfhost_helper_proto *p = &t->helpers[i];
		const struct bpfhost_helper_proto *core;

		err = read_desc(r, "helper prototype", hp, BPFHOST_HELPER_PROTO_VERSION,
				PROTO_V1_SIZE, p, sizeof(*p));
		if (!err && ((const struct bpfhost_helper_proto *)hp)->size != stride)
			err = refuse(r, -EPROTO,
				     "helper prototype %u has size %u, the first one %u: all "
				     "entries of the array must have the same size",
				     i, ((const struct bpfhost_helper_proto *)hp)->size, stride);
		if (err) {
			p->name = NULL;
			goto fail;
		}
		err = check_proto(r, p);
		if (err) {
			p->name = NULL;
			goto fail;
		}
		core = bh_core_find_helper(p->id);
		if (core) {
			p->name = NULL;
			err = refuse(r, -EEXIST, "helper id %u (%s) is the core helper %s",
				     ((const struct bpfhost_helper_proto *)hp)->id,
				     ((const struct bpfhost_helper_proto *)hp)->name, core->name);
			goto fail;
		}
		for (j = 0; j < i; j++) {
			if (t->helpers[j].id == p->id) {
				p->name = NULL;
				err = refuse(r, -EEXIST, "helper id %u is defined twice", p->id);
				goto fail;
			}
		}
		p->name = strdup(p->name);
		t->nr_helpers = i + 1;
		if (!p->name) {
			err = -ENOMEM;
			goto fail;
		}
		p->size = sizeof(*p);
	}
	if (d.section_prefixes) {
		size_t n = 0;

		while (n < MAX_PREFIXES && d.section_prefixes[n])
			n++;
		if (n == MAX_PREFIXES) {
			err = refuse(r, -EINVAL,
				     "more than %d section prefixes (missing NULL end?)",
				     MAX_PREFIXES - 1);
			goto fail;
		}
		t->prefixes = calloc(n + 1, sizeof(char *));
		if (!t->prefixes) {
			err = -ENOMEM;
			goto fail;
		}
		for (i = 0; i < n; i++) {
			t->prefixes[i] = strdup(d.section_prefixes[i]);
			if (!t->prefixes[i]) {
				err = -ENOMEM;
				goto fail;
			}
		}
	}
	t->name = strdup(d.name);
	if (!t->name) {
		err = -ENOMEM;
		goto fail;
	}
	t->desc = d;
	t->desc.size = sizeof(d);
	t->desc.name = t->name;
	t->desc.ctx_desc = &t->ctx_desc;
	t->desc.helpers = t->helpers;
	t->desc.nr_helpers = (uint32_t)t->nr_helpers;
	t->desc.section_prefixes = (const char *const *)t->prefixes;
	r->what = NULL;
	*out = t;
	return 0;
fail:
	r->what = NULL;
	free_type(t);
	return err;
}

static int check_hook(struct reg *r, const struct bpfhost_hook_desc *src,
		      struct bpfhost_hook_desc *d, char *what, size_t what_sz)
{
	int err;

	if (!src)
		return refuse(r, -EINVAL, "hook descriptor is NULL");
	err = read_desc(r, "hook descriptor", src, BPFHOST_HOOK_DESC_VERSION, HOOK_DESC_V1_SIZE, d,
			sizeof(*d));
	if (err)
		return err;
	err = check_name(r, "hook", d->name);
	if (err)
		return err;
	snprintf(what, what_sz, "hook '%s'", d->name);
	r->what = what;
	if (!(d->capabilities & BPFHOST_CAP_CONTEXT_HEADER))
		return refuse(r, -EPROTONOSUPPORT,
			      "does not declare BPFHOST_CAP_CONTEXT_HEADER (capabilities 0x%llx); "
			      "the runtime invokes programs only on header-prefixed contexts",
			      (unsigned long long)d->capabilities);
	if (!d->prog_type || !*d->prog_type)
		return refuse(r, -EINVAL, "names no program type");
	if (d->verdict_rule > BPFHOST_VERDICT_LAST)
		return refuse(r, -EINVAL, "unknown verdict rule %u", d->verdict_rule);
	return 0;
}

struct bpfhost_prog_type *bh_find_prog_type_locked(struct bpfhost *rt, const char *name)
{
	struct bpfhost_extension *e;
	size_t i;

	for (e = rt->exts; e; e = e->next)
		for (i = 0; i < e->nr_types; i++)
			if (!strcmp(e->types[i]->name, name))
				return e->types[i];
	return NULL;
}

struct bpfhost_hook *bh_find_hook_locked(struct bpfhost *rt, const char *name)
{
	struct bpfhost_extension *e;
	size_t i;

	for (e = rt->exts; e; e = e->next)
		for (i = 0; i < e->nr_hooks; i++)
			if (!strcmp(e->hooks[i]->name, name))
				return e->hooks[i];
	return NULL;
}

static struct bpfhost_extension *find_ext_locked(struct bpfhost *rt, const char *name)
{
	struct bpfhost_extension *e;

	for (e = rt->exts; e; e = e->next)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

void bh_prog_type_get(struct bpfhost_prog_type *type)
{
	__atomic_fetch_add(&type->refcnt, 1, __ATOMIC_RELAXED);
}

void bh_prog_type_put(struct bpfhost_prog_type *type)
{
	if (type && !__atomic_sub_fetch(&type->refcnt, 1, __ATOMIC_ACQ_REL))
		free_type(type);
}

void bh_extension_put(struct bpfhost_extension *ext)
{
	if (!ext || __atomic_sub_fetch(&ext->refcnt, 1, __ATOMIC_ACQ_REL))
		return;
	free(ext->types);
	free(ext->hooks);
	free(ext->name);
	bh_extension_dlclose(ext->dl);
	free(ext);
}

/* Undo a half-built extension (nothing registered, no hook published). */
static void discard(struct bpfhost_extension *ext)
{
	size_t i;

	for (i = 0; i < ext->nr_hooks; i++)
		bh_hook_free(ext->hooks[i]);
	ext->nr_hooks = 0;
	for (i = 0; i < ext->nr_types; i++)
		bh_prog_type_put(ext->types[i]);
	ext->nr_types = 0;
	ext->dl = NULL; /* the caller closes it */
	bh_extension_put(ext);
}

struct bpfhost_extension *bh_extension_register(struct bpfhost *rt,
						const struct bpfhost_extension_desc *src, void *dl)
{
	struct reg r = { rt, "?", NULL };
	struct bpfhost_extension_desc d;
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_hook_desc *hds = NULL;
	size_t i, j;
	int err;

	if (!rt) {
		errno = EINVAL;
		return NULL;
	}
	if (!src) {
		err = refuse(&r, -EINVAL, "extension descriptor is NULL");
		goto fail;
	}
	err = read_desc(&r, "extension descriptor", src, BPFHOST_EXTENSION_DESC_VERSION,
			EXT_DESC_V1_SIZE, &d, sizeof(d));
	if (err)
		goto fail;
	err = check_name(&r, "extension", d.name);
	if (err)
		goto fail;
	r.ext = d.name;
	if ((d.nr_prog_types && !d.prog_types) || (d.nr_hooks && !d.hooks)) {
		err = refuse(&r, -EINVAL, "%u program types / %u hooks announced but no array",
			     d.nr_prog_types, d.nr_hooks);
		goto fail;
	}
	if (!d.nr_prog_types && !d.nr_hooks) {
		err = refuse(&r, -EINVAL, "describes no program type and no hook");
		goto fail;
	}
	ext = calloc(1, sizeof(*ext));
	if (ext) {
		ext->refcnt = 1;
		ext->name = strdup(d.name);
		ext->types = calloc(d.nr_prog_types + 1, sizeof(*ext->types));
		ext->hooks = calloc(d.nr_hooks + 1, sizeof(*ext->hooks));
	}
	hds = calloc(d.nr_hooks + 1, sizeof(*hds));
	if (!ext || !ext->name || !ext->types || !ext->hooks || !hds) {
		err = -ENOMEM;
		goto fail;
	}
	/* program types: check and copy */
	for (i = 0; i < d.nr_prog_types; i++) {
		struct bpfhost_prog_type *t;

		err = build_type(&r, d.prog_types[i], &t);
		if (err)
			goto fail;
		ext->types[ext->nr_types++] = t;
		bh_extension_get(ext);
		t->ext = ext;
		for (j = 0; j < i; j++) {
			if (!strcmp(ext->types[j]->name, t->name)) {
				r.what = NULL;
				err = refuse(&r, -EEXIST, "program type '%s' is described twice",
					     t->name);
				goto fail;
			}
		}
	}
	/* hooks: check (their program types may be this extension's) */
	for (i = 0; i < d.nr_hooks; i++) {
		char what[NAME_MAX_LEN + 16];

		err = check_hook(&r, d.hooks[i], &hds[i], what, sizeof(what));
		if (err)
			goto fail;
		for (j = 0; j < i; j++) {
			if (!strcmp(hds[j].name, hds[i].name)) {
				err = refuse(&r, -EEXIST, "is described twice");
				goto fail;
			}
		}
		r.what = NULL;
	}

	pthread_mutex_lock(&rt->lock);
	if (find_ext_locked(rt, ext->name)) {
		err = refuse(&r, -EEXIST, "an extension of this name is already registered");
		goto fail_locked;
	}
	for (i = 0; i < ext->nr_types; i++) {
		if (bh_find_prog_type_locked(rt, ext->types[i]->name)) {
			err = refuse(&r, -EEXIST,
				     "program type '%s' is already registered by another extension",
				     ext->types[i]->name);
			goto fail_locked;
		}
	}
	for (i = 0; i < d.nr_hooks; i++) {
		struct bpfhost_prog_type *t = NULL;
		char what[NAME_MAX_LEN + 16];

		snprintf(what, sizeof(what), "hook '%s'", hds[i].name);
		r.what = what;
		if (bh_find_hook_locked(rt, hds[i].name)) {
			err = refuse(&r, -EEXIST, "a hook of this name is already registered");
			goto fail_locked;
		}
		for (j = 0; j < ext->nr_types; j++)
			if (!strcmp(ext->types[j]->name, hds[i].prog_type))
				t = ext->types[j];
		if (!t)
			t = bh_find_prog_type_locked(rt, hds[i].prog_type);
		if (!t) {
			err = refuse(&r, -ENOENT, "runs program type '%s', which is not registered",
				     hds[i].prog_type);
			goto fail_locked;
		}
		ext->hooks[i] = bh_hook_new(rt, ext, &hds[i], t);
		if (!ext->hooks[i]) {
			err = -ENOMEM;
			goto fail_locked;
		}
		ext->nr_hooks = i + 1;
		r.what = NULL;
	}
	/* commit */
	for (i = 0; i < ext->nr_types; i++)
		ext->types[i]->registered = true;
	ext->rt = rt;
	ext->dl = dl;
	ext->registered = true;
	ext->next = rt->exts;
	rt->exts = ext;
	for (i = 0; i < ext->nr_hooks; i++)
		bh_hook_adopt_orphans_locked(ext->hooks[i]);
	pthread_mutex_unlock(&rt->lock);
	free(hds);
	bh_rt_pr(rt, BPFHOST_INFO, "extension '%s': registered (%zu program types, %zu hooks)\n",
		 ext->name, ext->nr_types, ext->nr_hooks);
	return ext;

fail_locked:
	pthread_mutex_unlock(&rt->lock);
fail:
	if (err == -ENOMEM)
		bh_rt_pr(rt, BPFHOST_WARN, "extension '%s': out of memory (refused)\n", r.ext);
	free(hds);
	if (ext)
		discard(ext);
	errno = -err;
	return NULL;
}

struct bpfhost_extension *bpfhost_extension__register(struct bpfhost *rt,
						      const struct bpfhost_extension_desc *desc)
{
	return bh_extension_register(rt, desc, NULL);
}

void bh_extension_get(struct bpfhost_extension *ext)
{
	__atomic_fetch_add(&ext->refcnt, 1, __ATOMIC_RELAXED);
}

int bpfhost_extension__unregister(struct bpfhost_extension *ext)
{
	struct bpfhost_extension **pp;
	struct bpfhost *rt;
	size_t i;

	if (!ext || !ext->registered || !ext->rt)
		return -EINVAL;
	rt = ext->rt;
	pthread_mutex_lock(&rt->lock);
	for (pp = &rt->exts; *pp && *pp != ext; pp = &(*pp)->next)
		;
	if (!*pp || !ext->registered) {
		pthread_mutex_unlock(&rt->lock);
		return -EINVAL;
	}
	*pp = ext->next;
	ext->registered = false;
	for (i = 0; i < ext->nr_types; i++)
		ext->types[i]->registered = false;
	pthread_mutex_unlock(&rt->lock);

	/* rundown: new invocations fail, in-flight ones finish, links orphaned */
	for (i = 0; i < ext->nr_hooks; i++) {
		struct bpfhost_hook *h = ext->hooks[i];

		bh_hook_retire(h);
		pthread_mutex_lock(&rt->lock);
		h->next = rt->retired_hooks;
		rt->retired_hooks = h;
		pthread_mutex_unlock(&rt->lock);
	}
	ext->nr_hooks = 0;
	bh_rt_pr(rt, BPFHOST_INFO, "extension '%s': unregistered\n", ext->name);
	for (i = 0; i < ext->nr_types; i++)
		bh_prog_type_put(ext->types[i]); /* the registry's reference */
	ext->nr_types = 0;
	ext->rt = NULL;
	bh_extension_put(ext); /* the registration's reference */
	return 0;
}

struct bpfhost_hook *bpfhost_extension__hook(struct bpfhost_extension *ext, const char *name)
{
	size_t i;

	if (ext && name)
		for (i = 0; i < ext->nr_hooks; i++)
			if (!strcmp(ext->hooks[i]->name, name))
				return ext->hooks[i];
	errno = ENOENT;
	return NULL;
}

struct bpfhost_prog_type *bpfhost_extension__prog_type(struct bpfhost_extension *ext,
						       const char *name)
{
	size_t i;

	if (ext && name)
		for (i = 0; i < ext->nr_types; i++)
			if (!strcmp(ext->types[i]->name, name))
				return ext->types[i];
	errno = ENOENT;
	return NULL;
}

void *bpfhost_prog_type__priv(const struct bpfhost_prog_type *type)
{
	return type ? type->desc.priv : NULL;
}

struct bpfhost_hook *bpfhost_hook__find(struct bpfhost *rt, const char *name)
{
	struct bpfhost_hook *h = NULL;

	if (rt && name) {
		pthread_mutex_lock(&rt->lock);
		h = bh_find_hook_locked(rt, name);
		pthread_mutex_unlock(&rt->lock);
	}
	if (!h)
		errno = ENOENT;
	return h;
}
