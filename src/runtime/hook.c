/* SPDX-License-Identifier: MIT */
/*
 * Hooks: invoking the programs attached to an attach point.
 *
 * bpfhost_hook_invoke checks the context header with one compare (slot 2,
 * the self-description word, and slot 1, the descriptor pointer, against
 * what the hook expects for its program type, folded into one branch):
 * a mismatch runs nothing, returns -EBADMSG and counts in bad_header. Then
 * it enters a read-side section (rcu.h), takes the published
 * link array, points slot 0 at an execution state on its own stack and,
 * for every link in attach order, writes the link's cookie into slot 3 and
 * runs the program with its tail-call chain. Verdicts combine by the hook's
 * rule. Slots 0 and 3 are cleared before the call returns, so a context
 * that lives on never points into a dead stack frame.
 *
 * The link array is immutable once published: attaching or detaching
 * builds a new one under the registry lock, publishes it, waits for a
 * grace period of the hook and frees the old one.
 *
 * Retiring (extension unregistered): `dead` is set, a grace period waits
 * for in-flight invocations, the links become orphans (re-attached if a
 * compatible hook of the same name registers later). The hook object stays
 * allocated until the instance is freed, answering -ENODEV.
 *
 * bpfhost_hook_invoke_batch2 reports how many contexts completed before an
 * error (the plain batch call is it without that count); a caller can then
 * tell which verdicts are valid and which context failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "vm/vm_internal.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

struct bpfhost_hook *bh_hook_new(struct bpfhost *rt, struct bpfhost_extension *ext,
				 const struct bpfhost_hook_desc *desc,
				 struct bpfhost_prog_type *type)
{
	size_t sz = (sizeof(struct bpfhost_hook) + BH_CACHELINE - 1) & ~(size_t)(BH_CACHELINE - 1);
	struct bpfhost_hook *h = aligned_alloc(BH_CACHELINE, sz);

	if (!h)
		return NULL;
	memset(h, 0, sz);
	h->name = strdup(desc->name);
	if (!h->name) {
		free(h);
		return NULL;
	}
	h->desc = *desc;
	h->desc.size = sizeof(h->desc);
	h->desc.name = h->name;
	h->desc.prog_type = type->name;
	h->self = type->self;
	h->desc_word = (uint64_t)(uintptr_t)&type->ctx_desc;
	h->pass_value = desc->pass_value;
	h->rule = desc->verdict_rule;
	h->rt = rt;
	h->ext = ext;
	h->type = type;
	bh_prog_type_get(type);
	h->stat_slot = bh_rcu_stat_alloc();
	return h;
}

void bh_hook_free(struct bpfhost_hook *hook)
{
	if (!hook)
		return;
	bh_rcu_stat_free(hook->stat_slot);
	free(hook->links);
	if (hook->type)
		bh_prog_type_put(hook->type);
	free(hook->name);
	free(hook);
}

struct bh_link_array *bh_hook_publish_locked(struct bpfhost_hook *hook, int *err)
{
	struct bh_link_array *arr = NULL, *old;
	struct bh_link *l;
	size_t n = 0;

	*err = 0;
	for (l = hook->attached; l; l = l->next)
		n++;
	if (n) {
		arr = malloc(sizeof(*arr) + n * sizeof(arr->s[0]));
		if (!arr) {
			*err = -ENOMEM;
			return NULL;
		}
		arr->n = 0;
		for (l = hook->attached; l; l = l->next)
			arr->s[arr->n++] = (struct bh_link_slot){ l->prog->vm, l->prog, l->cookie };
	}
	old = hook->links;
	__atomic_store_n(&hook->links, arr, __ATOMIC_SEQ_CST);
	return old;
}

void bh_hook_retire(struct bpfhost_hook *hook)
{
	struct bpfhost *rt = hook->rt;
	struct bh_link_array *old;
	struct bh_link *l;

	__atomic_store_n(&hook->dead, 1, __ATOMIC_SEQ_CST);
	bh_rcu_synchronize(); /* in-flight invocations end */
	pthread_mutex_lock(&rt->lock);
	old = hook->links;
	__atomic_store_n(&hook->links, NULL, __ATOMIC_SEQ_CST);
	while ((l = hook->attached)) {
		hook->attached = l->next;
		l->hook = NULL;
		l->state = BH_LINK_ORPHANED;
		l->next = rt->orphans;
		rt->orphans = l;
		bh_rt_pr(rt, BPFHOST_INFO,
			 "link of program '%s': hook '%s' unregistered; detached until a hook of "
			 "that name registers again\n",
			 l->prog->name, hook->name);
	}
	hook->ext = NULL;
	pthread_mutex_unlock(&rt->lock);
	free(old); /* no reader since the grace period: dead was already set */
	bh_prog_type_put(hook->type);
	hook->type = NULL;
}

int bh_run_chain(struct bh_exec_state *st, const struct bh_prog *prog, void *ctx, uint64_t *ret)
{
	int err;

	st->tail_calls = 0;
	for (;;) {
		st->prog = prog;
		st->tail_next = NULL;
		err = bh_interp_run(prog->vm, (uint64_t)(uintptr_t)ctx, 0, ret, NULL, NULL);
		if (unlikely(err) || likely(!st->tail_next))
			break;
		prog = st->tail_next;
		st->tail_calls++;
	}
	st->tail_next = NULL;
	st->prog = NULL;
	return err;
}

/* Header check: one branch over slots 1 and 2. */
static inline bool header_ok(const struct bpfhost_hook *hook, const struct bpfhost_ctx_header *hdr)
{
	return !((hdr->slot[BPFHOST_CTX_SLOT_SELF] ^ hook->self) |
		 (hdr->slot[BPFHOST_CTX_SLOT_DESC] ^ hook->desc_word));
}

/* Run every link on one context whose header was checked. */
static inline int run_links(const struct bpfhost_hook *hook, const struct bh_link_array *arr,
			    struct bpfhost_ctx_header *hdr, void *ctx, uint64_t *verdict)
{
	struct bh_exec_state st = { .rt = hook->rt };
	uint64_t v = hook->pass_value, r0 = 0;
	size_t i, n = arr ? arr->n : 0;
	int err = 0;

	if (n && hook->rule == BPFHOST_VERDICT_ALL_NONZERO)
		v = 1;
	hdr->slot[BPFHOST_CTX_SLOT_STATE] = (uint64_t)(uintptr_t)&st;
	for (i = 0; i < n; i++) {
		hdr->slot[BPFHOST_CTX_SLOT_COOKIE] = arr->s[i].cookie;
		err = bh_run_chain(&st, arr->s[i].prog, ctx, &r0);
		if (unlikely(err))
			break;
		if (hook->rule == BPFHOST_VERDICT_UNTIL_NOT_PASS) {
			if (r0 != hook->pass_value) {
				v = r0;
				break;
			}
		} else if (hook->rule == BPFHOST_VERDICT_ALL_NONZERO) {
			if (!r0)
				v = 0;
		} else {
			v = r0;
		}
	}
	hdr->slot[BPFHOST_CTX_SLOT_STATE] = 0;
	hdr->slot[BPFHOST_CTX_SLOT_COOKIE] = 0;
	if (likely(!err))
		*verdict = v;
	return err;
}

static inline void count(struct bpfhost_hook *hook, struct bh_rcu_reader *r, uint64_t n)
{
	if (likely(hook->stat_slot >= 0))
		bh_rcu_stat_add(r, hook->stat_slot, n);
	else
		__atomic_fetch_add(&hook->invocations, n, __ATOMIC_RELAXED);
}

int bpfhost_hook_invoke(struct bpfhost_hook *hook, void *ctx, uint64_t *verdict)
{
	struct bpfhost_ctx_header *hdr;
	const struct bh_link_array *arr;
	struct bh_rcu_reader *r;
	int err;

	if (unlikely(!hook || !ctx || !verdict))
		return -EINVAL;
	hdr = bpfhost_ctx_header(ctx);
	if (unlikely(!header_ok(hook, hdr))) {
		__atomic_fetch_add(&hook->bad_header, 1, __ATOMIC_RELAXED);
		return -EBADMSG;
	}
	r = bh_rcu_read_lock();
	if (unlikely(!r))
		return -ENOMEM;
	if (unlikely(__atomic_load_n(&hook->dead, __ATOMIC_ACQUIRE))) {
		bh_rcu_read_unlock(r);
		return -ENODEV;
	}
	arr = __atomic_load_n(&hook->links, __ATOMIC_ACQUIRE);
	err = run_links(hook, arr, hdr, ctx, verdict);
	if (likely(!err))
		count(hook, r, 1);
	bh_rcu_read_unlock(r);
	return err;
}

int bpfhost_hook_invoke_batch2(struct bpfhost_hook *hook, void *const *ctxs, uint64_t *verdicts,
			       size_t n, size_t *done)
{
	const struct bh_link_array *arr;
	struct bh_rcu_reader *r;
	size_t i;
	int err = 0;

	if (done)
		*done = 0;
	if (!hook || (n && (!ctxs || !verdicts)))
		return -EINVAL;
	r = bh_rcu_read_lock();
	if (!r)
		return -ENOMEM;
	if (__atomic_load_n(&hook->dead, __ATOMIC_ACQUIRE)) {
		bh_rcu_read_unlock(r);
		return -ENODEV;
	}
	arr = __atomic_load_n(&hook->links, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++) {
		struct bpfhost_ctx_header *hdr;

		if (unlikely(!ctxs[i])) {
			err = -EINVAL;
			break;
		}
		hdr = bpfhost_ctx_header(ctxs[i]);
		if (unlikely(!header_ok(hook, hdr))) {
			__atomic_fetch_add(&hook->bad_header, 1, __ATOMIC_RELAXED);
			err = -EBADMSG;
			break;
		}
		err = run_links(hook, arr, hdr, ctxs[i], &verdicts[i]);
		if (unlikely(err))
			break;
	}
	count(hook, r, i);
	bh_rcu_read_unlock(r);
	if (done)
		*done = i;
	return err;
}

int bpfhost_hook_invoke_batch(struct bpfhost_hook *hook, void *const *ctxs, uint64_t *verdicts,
			      size_t n)
{
	return bpfhost_hook_invoke_batch2(hook, ctxs, verdicts, n, NULL);
}

struct bpfhost_prog_type *bpfhost_hook__prog_type(const struct bpfhost_hook *hook)
{
	struct bpfhost_prog_type *type = NULL;

	if (!hook) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&hook->rt->lock);
	if (!__atomic_load_n(&hook->dead, __ATOMIC_ACQUIRE))
		type = hook->type;
	pthread_mutex_unlock(&hook->rt->lock);
	if (!type)
		errno = ENODEV;
	return type;
}

int bpfhost_hook__stats(const struct bpfhost_hook *hook, struct bpfhost_hook_stats *stats)
{
	struct bpfhost_hook *h = (struct bpfhost_hook *)hook;
	struct bpfhost_hook_stats s = { 0 };
	struct bh_link *l;
	size_t sz;

	if (!hook || !stats || stats->sz < sizeof(size_t))
		return -EINVAL;
	sz = stats->sz < sizeof(s) ? stats->sz : sizeof(s);
	s.sz = stats->sz;
	s.invocations = h->stat_slot >= 0 ? bh_rcu_stat_sum(h->stat_slot)
					  : __atomic_load_n(&h->invocations, __ATOMIC_RELAXED);
	s.bad_header = __atomic_load_n(&h->bad_header, __ATOMIC_RELAXED);
	pthread_mutex_lock(&h->rt->lock);
	for (l = h->attached; l; l = l->next)
		s.links++;
	pthread_mutex_unlock(&h->rt->lock);
	memcpy(stats, &s, sz);
	return 0;
}
