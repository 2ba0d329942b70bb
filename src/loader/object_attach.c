/* SPDX-License-Identifier: MIT */
/*
 * Section names: which program type loads a program, which hook
 * bpfhost_program__attach attaches it to; and the links it returns.
 *
 * Program type (libbpf's matching): a provider's section prefix P matches
 * section S when S == P or S starts with P followed by '/'. Of several
 * matching prefixes the longest wins; two different types matching with
 * the same (longest) prefix is an error naming both.
 *
 * Hook, for a program of type T in section S (P the prefix that matched):
 *  - S == "P/NAME": the hook named NAME, which must run programs of T;
 *  - S == "P": the only hook running programs of T; none or several is an
 *    error listing them, pointing at SEC("P/<hook>") and
 *    bpfhost_program__attach_hook.
 * A program whose type was set with bpfhost_program__set_type and whose
 * section matches none of T's prefixes attaches by the second rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/object.h"
#include "runtime/runtime.h"

/* Length of prefix p if it matches section sec, else 0. */
static size_t prefix_match(const char *p, const char *sec)
{
	size_t n = strlen(p);

	if (!n || strncmp(p, sec, n))
		return 0;
	return sec[n] == '\0' || sec[n] == '/' ? n : 0;
}

/* Longest prefix of type t matching sec (0: none). */
static size_t type_match(const struct bpfhost_prog_type *t, const char *sec)
{
	size_t i, best = 0, n;

	if (!t->prefixes)
		return 0;
	for (i = 0; t->prefixes[i]; i++) {
		n = prefix_match(t->prefixes[i], sec);
		if (n > best)
			best = n;
	}
	return best;
}

char *bh_object_type_for_section(struct bpfhost *rt, const char *sec, int *err, struct bh_log *log)
{
	const struct bpfhost_prog_type *best = NULL, *tie = NULL;
	struct bpfhost_extension *e;
	size_t i, n, best_len = 0;
	char *name = NULL;

	pthread_mutex_lock(&rt->lock);
	for (e = rt->exts; e; e = e->next) {
		for (i = 0; i < e->nr_types; i++) {
			n = type_match(e->types[i], sec);
			if (!n)
				continue;
			if (n > best_len) {
				best = e->types[i];
				best_len = n;
				tie = NULL;
			} else if (n == best_len) {
				tie = e->types[i];
			}
		}
	}
	if (!best) {
		bh_logf(log, "no registered program type handles section '%s'", sec);
		*err = -ENOENT;
	} else if (tie) {
		bh_logf(log,
			"section '%s' matches program types '%s' and '%s' equally (prefix '%.*s'): "
			"set the type with bpfhost_program__set_type",
			sec, best->name, tie->name, (int)best_len, sec);
		*err = -EINVAL;
	} else {
		name = strdup(best->name);
		*err = name ? 0 : -ENOMEM;
	}
	pthread_mutex_unlock(&rt->lock);
	return name;
}

/* Registered hook called name (len bytes), under rt->lock. */
static struct bpfhost_hook *hook_named_locked(struct bpfhost *rt, const char *name, size_t len)
{
	struct bpfhost_extension *e;
	size_t i;

	for (e = rt->exts; e; e = e->next)
		for (i = 0; i < e->nr_hooks; i++)
			if (strlen(e->hooks[i]->name) == len &&
			    !strncmp(e->hooks[i]->name, name, len))
				return e->hooks[i];
	return NULL;
}

static const char *hook_type_name(const struct bpfhost_hook *h)
{
	return h->type ? h->type->name : h->desc.prog_type ? h->desc.prog_type : "";
}

/*
 * The hook for prog by the rules above, under rt->lock; NULL with *err and
 * the reason in why.
 */
static struct bpfhost_hook *section_hook_locked(const struct bpfhost_program *prog,
						const char *tname, char *why, size_t why_size,
						int *err)
{
	struct bpfhost *rt = prog->obj->rt;
	const char *sec = prog->spec->sec_name;
	const struct bpfhost_prog_type *t = bh_find_prog_type_locked(rt, tname);
	struct bpfhost_hook *found = NULL;
	struct bpfhost_extension *e;
	size_t n = t ? type_match(t, sec) : 0, i, count = 0, off = 0;

	if (!t) {
		snprintf(why, why_size, "program type '%s' is not registered", tname);
		*err = -ENOENT;
		return NULL;
	}
	if (n && sec[n] == '/') {
		const char *hname = sec + n + 1;
		struct bpfhost_hook *h = hook_named_locked(rt, hname, strlen(hname));

		if (!h) {
			snprintf(why, why_size,
				 "section '%s' names hook '%s', which is not registered", sec,
				 hname);
			*err = -ENOENT;
			return NULL;
		}
		if (strcmp(hook_type_name(h), tname)) {
			snprintf(why, why_size,
				 "section '%s' names hook '%s', which runs programs of type '%s', "
				 "not '%s'",
				 sec, hname, hook_type_name(h), tname);
			*err = -EINVAL;
			return NULL;
		}
		return h;
	}
	for (e = rt->exts; e; e = e->next) {
		for (i = 0; i < e->nr_hooks; i++) {
			if (strcmp(hook_type_name(e->hooks[i]), tname))
				continue;
			count++;
			found = e->hooks[i];
		}
	}
	if (count == 1)
		return found;
	if (!count) {
		snprintf(why, why_size, "no registered hook runs programs of type '%s'", tname);
		*err = -ENOENT;
		return NULL;
	}
	off = (size_t)snprintf(why, why_size,
			       "section '%s' does not name a hook and program type '%s' has %zu "
			       "hooks (",
			       sec, tname, count);
	count = 0;
	for (e = rt->exts; e; e = e->next) {
		for (i = 0; i < e->nr_hooks && off < why_size; i++) {
			if (strcmp(hook_type_name(e->hooks[i]), tname))
				continue;
			off += (size_t)snprintf(why + off, why_size - off, "%s%s",
						count++ ? ", " : "", e->hooks[i]->name);
		}
	}
	if (off < why_size)
		snprintf(why + off, why_size - off,
			 "): use SEC(\"%.*s/<hook>\") or bpfhost_program__attach_hook",
			 (int)(n ? n : strlen(sec)), sec);
	*err = -EINVAL;
	return NULL;
}

static struct bpfhost_link *do_attach(const struct bpfhost_program *prog, struct bpfhost_hook *hook,
				      const struct bpfhost_link_opts *opts)
{
	BPFHOST_OPTS_INIT(bpfhost_link_opts, lo);
	struct bpfhost_link *link;
	int fd;

	if (opts) {
		if (!BH_OPTS_VALID(opts, bpfhost_link_opts, NULL)) {
			bh_rt_pr(prog->obj->rt, BPFHOST_WARN,
				 "program '%s': attach: invalid bpfhost_link_opts (sz %zu)\n",
				 prog->spec->name, opts->sz);
			errno = EINVAL;
			return NULL;
		}
		lo.cookie = BH_OPTS_GET(opts, cookie, 0);
	}
	link = calloc(1, sizeof(*link));
	if (!link) {
		errno = ENOMEM;
		return NULL;
	}
	fd = bpfhost_link_create(prog->fd, hook, &lo);
	if (fd < 0) {
		free(link);
		errno = -fd;
		return NULL;
	}
	link->fd = fd;
	return link;
}

static bool attachable(const struct bpfhost_program *prog)
{
	if (!prog) {
		errno = EINVAL;
		return false;
	}
	if (prog->fd < 0) {
		bh_rt_pr(prog->obj->rt, BPFHOST_WARN,
			 "program '%s' (section '%s'): cannot attach: not loaded\n",
			 prog->spec->name, prog->spec->sec_name);
		errno = EINVAL;
		return false;
	}
	return true;
}

struct bpfhost_link *bpfhost_program__attach(const struct bpfhost_program *prog)
{
	struct bpfhost *rt;
	struct bpfhost_hook *hook;
	char why[512];
	int err = 0;

	if (!attachable(prog))
		return NULL;
	rt = prog->obj->rt;
	pthread_mutex_lock(&rt->lock);
	hook = section_hook_locked(prog, prog->type_name, why, sizeof(why), &err);
	pthread_mutex_unlock(&rt->lock);
	/*
	 * A hook unregistered right here is retired, not freed, while rt
	 * lives: bpfhost_link_create then answers -ENODEV.
	 */
	if (!hook) {
		bh_rt_pr(rt, BPFHOST_WARN, "program '%s' (section '%s'): cannot attach: %s\n",
			 prog->spec->name, prog->spec->sec_name, why);
		errno = -err;
		return NULL;
	}
	return do_attach(prog, hook, NULL);
}

struct bpfhost_link *bpfhost_program__attach_hook(const struct bpfhost_program *prog,
						  struct bpfhost_hook *hook,
						  const struct bpfhost_link_opts *opts)
{
	if (!attachable(prog))
		return NULL;
	if (!hook) {
		bh_rt_pr(prog->obj->rt, BPFHOST_WARN, "program '%s': attach: no hook given\n",
			 prog->spec->name);
		errno = EINVAL;
		return NULL;
	}
	return do_attach(prog, hook, opts);
}

int bpfhost_link__fd(const struct bpfhost_link *link)
{
	return link ? link->fd : -EINVAL;
}

int bpfhost_link__destroy(struct bpfhost_link *link)
{
	int err;

	if (!link)
		return 0; /* as libbpf */
	err = bpfhost_close(link->fd);
	free(link);
	return err;
}
