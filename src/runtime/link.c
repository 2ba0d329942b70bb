/* SPDX-License-Identifier: MIT */
/*
 * Links: attaching programs to hooks, detaching them, and re-attaching the
 * links of a hook that went away when a hook of the same name comes back.
 *
 * Attaching checks, in this order, each refusal with its own errno and a
 * message naming the program, the hook and its extension:
 *   -EPROTONOSUPPORT  the hook provider lacks BPFHOST_CAP_CONTEXT_HEADER
 *                     (registration refuses such hooks; checked again here
 *                     because attaching is where a program meets the hook)
 *   -EMEDIUMTYPE      the program is of another program type
 *   -ESTALE           the provider of the program type registered now is
 *                     not what the program was loaded against: data,
 *                     data_end, data_meta offsets differ, its context is
 *                     smaller than the one the program was checked
 *                     against, or a helper the program calls is missing or
 *                     has another prototype (contexts may grow; nothing
 *                     else may change under a loaded program)
 *   -ENODEV           the hook was unregistered
 *   -EBADF            the fd is not a program
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

static bool proto_equal(const struct bpfhost_helper_proto *a, const struct bpfhost_helper_proto *b)
{
	return a->id == b->id && a->flags == b->flags && a->ret == b->ret &&
	       !memcmp(a->args, b->args, sizeof(a->args)) && a->name && b->name &&
	       !strcmp(a->name, b->name);
}

int bh_link_check(const struct bh_prog *prog, const struct bpfhost_hook *hook, char *why,
		  size_t why_size)
{
	const struct bpfhost_prog_type *t = hook->type;
	const struct bpfhost_ctx_desc *cd;
	size_t i;

	if (!(hook->desc.capabilities & BPFHOST_CAP_CONTEXT_HEADER)) {
		snprintf(why, why_size,
			 "the hook provider does not declare BPFHOST_CAP_CONTEXT_HEADER");
		return -EPROTONOSUPPORT;
	}
	if (!t || strcmp(prog->type->name, t->name)) {
		snprintf(why, why_size,
			 "the program is of type '%s', the hook runs programs of type '%s'",
			 prog->type->name, t ? t->name : "?");
		return -EMEDIUMTYPE;
	}
	cd = &t->ctx_desc;
	if (prog->data_off != cd->data_off || prog->data_end_off != cd->data_end_off ||
	    prog->data_meta_off != cd->data_meta_off) {
		snprintf(why, why_size,
			 "the program was loaded against data/data_end/data_meta offsets "
			 "%d/%d/%d, the provider of '%s' registered now has %d/%d/%d",
			 prog->data_off, prog->data_end_off, prog->data_meta_off, t->name,
			 cd->data_off, cd->data_end_off, cd->data_meta_off);
		return -ESTALE;
	}
	if (prog->ctx_size > cd->ctx_size) {
		snprintf(why, why_size,
			 "the program was checked against a %u-byte context, the provider of "
			 "'%s' registered now has %u bytes",
			 prog->ctx_size, t->name, cd->ctx_size);
		return -ESTALE;
	}
	for (i = 0; i < prog->nr_deps; i++) {
		const struct bpfhost_helper_proto *want = &prog->deps[i].proto;
		const struct bpfhost_helper_proto *have = bh_type_find_helper(t, want->id);

		if (!have) {
			snprintf(why, why_size,
				 "the program calls helper %u (%s), which the provider of '%s' "
				 "registered now does not offer",
				 want->id, want->name, t->name);
			return -ESTALE;
		}
		if (!proto_equal(want, have)) {
			snprintf(why, why_size,
				 "the prototype of helper %u (%s) differs from the one the program "
				 "was loaded against",
				 want->id, want->name);
			return -ESTALE;
		}
	}
	return 0;
}

static void append_locked(struct bpfhost_hook *hook, struct bh_link *link)
{
	struct bh_link **pp = &hook->attached;

	while (*pp)
		pp = &(*pp)->next;
	link->next = NULL;
	*pp = link;
	link->hook = hook;
	link->state = BH_LINK_ATTACHED;
}

static void unlink_from(struct bh_link **head, struct bh_link *link)
{
	struct bh_link **pp;

	for (pp = head; *pp; pp = &(*pp)->next) {
		if (*pp == link) {
			*pp = link->next;
			break;
		}
	}
	link->next = NULL;
}

static void free_link(struct bh_link *link)
{
	if (link->prog)
		bh_prog_put(link->prog);
	free(link->hook_name);
	free(link->prog_type);
	free(link);
}

int bpfhost_link_create(int prog_fd, struct bpfhost_hook *hook, struct bpfhost_link_opts *opts)
{
	struct bh_log log = BH_LOG_INIT;
	struct bh_link_array *old = NULL;
	struct bh_link *link = NULL;
	struct bh_prog *prog = NULL;
	struct bpfhost *rt;
	char why[384];
	int err, fd;

	if (!hook)
		return -EINVAL;
	rt = hook->rt;
	if (!BH_OPTS_VALID(opts, bpfhost_link_opts, &log)) {
		bh_rt_log_finish(rt, &log, NULL, 0, NULL, BPFHOST_WARN);
		return -EINVAL;
	}
	bh_log_free(&log);
	prog = bh_fd_prog(prog_fd, &err);
	if (!prog) {
		bh_rt_pr(rt, BPFHOST_WARN, "link to hook '%s': fd %d is %s, not a program\n",
			 hook->name, prog_fd,
			 err == -EBADF ? "not open" : bh_fd_kind_name(bh_fd_kind_of(prog_fd)));
		return -EBADF;
	}
	link = calloc(1, sizeof(*link));
	if (link) {
		link->hook_name = strdup(hook->name);
		link->prog_type = strdup(prog->type->name);
	}
	if (!link || !link->hook_name || !link->prog_type) {
		err = -ENOMEM;
		goto fail;
	}
	link->rt = rt;
	link->prog = prog;
	link->cookie = BH_OPTS_GET(opts, cookie, 0);

	pthread_mutex_lock(&rt->lock);
	if (__atomic_load_n(&hook->dead, __ATOMIC_RELAXED)) {
		pthread_mutex_unlock(&rt->lock);
		bh_rt_pr(rt, BPFHOST_WARN,
			 "link of program '%s' to hook '%s': the hook was unregistered\n",
			 prog->name, hook->name);
		err = -ENODEV;
		goto fail;
	}
	err = bh_link_check(prog, hook, why, sizeof(why));
	if (err) {
		const char *ext = hook->ext ? hook->ext->name : "?";

		pthread_mutex_unlock(&rt->lock);
		bh_rt_pr(rt, BPFHOST_WARN,
			 "link of program '%s' to hook '%s' (extension '%s') refused: %s\n",
			 prog->name, hook->name, ext, why);
		goto fail;
	}
	append_locked(hook, link);
	old = bh_hook_publish_locked(hook, &err);
	if (err) {
		unlink_from(&hook->attached, link);
		pthread_mutex_unlock(&rt->lock);
		goto fail;
	}
	pthread_mutex_unlock(&rt->lock);
	bh_rcu_synchronize();
	free(old);
	fd = bh_fd_install(rt, BH_FD_LINK, link);
	if (fd < 0)
		bh_link_destroy(link);
	return fd;
fail:
	if (link)
		free_link(link); /* drops the program reference */
	else
		bh_prog_put(prog);
	return err;
}

void bh_link_destroy(struct bh_link *link)
{
	struct bpfhost *rt = link->rt;
	struct bh_link_array *old = NULL;
	struct bpfhost_hook *hook = NULL;
	int err;

	pthread_mutex_lock(&rt->lock);
	switch (link->state) {
	case BH_LINK_ATTACHED:
		hook = link->hook;
		unlink_from(&hook->attached, link);
		for (;;) {
			old = bh_hook_publish_locked(hook, &err);
			if (!err)
				break;
			/* cannot leave the program published: retry until memory frees up */
			pthread_mutex_unlock(&rt->lock);
			sched_yield();
			pthread_mutex_lock(&rt->lock);
		}
		break;
	case BH_LINK_ORPHANED:
		unlink_from(&rt->orphans, link);
		break;
	case BH_LINK_DEFUNCT:
		break;
	}
	link->hook = NULL;
	link->state = BH_LINK_DEFUNCT;
	pthread_mutex_unlock(&rt->lock);
	if (hook) {
		bh_rcu_synchronize();
		free(old);
	}
	free_link(link);
}

void bh_hook_adopt_orphans_locked(struct bpfhost_hook *hook)
{
	struct bpfhost *rt = hook->rt;
	struct bh_link **pp = &rt->orphans, *l;
	struct bh_link_array *old;
	bool any = false;
	char why[384];
	int err;

	while ((l = *pp)) {
		if (strcmp(l->hook_name, hook->name)) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		err = bh_link_check(l->prog, hook, why, sizeof(why));
		if (err) {
			l->state = BH_LINK_DEFUNCT;
			l->next = NULL;
			bh_rt_pr(rt, BPFHOST_WARN,
				 "link of program '%s' to hook '%s' detached for good: the hook "
				 "registered again with incompatible information: %s\n",
				 l->prog->name, hook->name, why);
			continue;
		}
		append_locked(hook, l);
		any = true;
		bh_rt_pr(rt, BPFHOST_INFO, "link of program '%s' re-attached to hook '%s'\n",
			 l->prog->name, hook->name);
	}
	if (!any)
		return;
	old = bh_hook_publish_locked(hook, &err);
	if (err) {
		/* no memory for the array: the links wait as orphans */
		while ((l = hook->attached)) {
			hook->attached = l->next;
			l->hook = NULL;
			l->state = BH_LINK_ORPHANED;
			l->next = rt->orphans;
			rt->orphans = l;
		}
		bh_rt_pr(rt, BPFHOST_WARN, "hook '%s': out of memory re-attaching links\n",
			 hook->name);
		return;
	}
	free(old); /* a new hook: nothing was published before */
}
