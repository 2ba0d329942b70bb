/* SPDX-License-Identifier: MIT */
/*
 * Helpers about the caller: bpf_get_current_pid_tgid,
 * bpf_get_smp_processor_id, bpf_get_prandom_u32, bpf_get_attach_cookie.
 *
 * In user space "the current task" is the calling thread: pid_tgid is
 * (process id << 32) | thread id, the same numbers Linux would report for
 * it. Both ids are cached per thread (getpid/gettid are system calls); a
 * pthread_atfork handler drops the cache in the child. The CPU is the one
 * the thread runs on right now (sched_getcpu; unlike Linux the thread may
 * migrate while the program runs). The pseudo-random generator is a
 * per-thread splitmix64 seeded from getrandom() on first use in a thread
 * and reseeded in a forked child; like Linux's, it is not cryptographic.
 */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "helpers/helpers.h"

struct task_cache {
	uint64_t pid_tgid;
	uint64_t rnd;
	bool have_ids;
	bool seeded;
};

static __thread struct task_cache task_cache;

static void task_cache_drop(void)
{
	task_cache.have_ids = false;
	task_cache.seeded = false;
}

__attribute__((constructor)) static void task_cache_init(void)
{
	pthread_atfork(NULL, NULL, task_cache_drop);
}

BH_HELPER(get_current_pid_tgid)
{
	struct task_cache *tc = &task_cache;

	if (!tc->have_ids) {
		tc->pid_tgid = (uint64_t)(uint32_t)getpid() << 32 | (uint32_t)gettid();
		tc->have_ids = true;
	}
	return tc->pid_tgid;
}

BH_HELPER(get_smp_processor_id)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : (uint64_t)cpu;
}

static void prandom_seed(struct task_cache *tc)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
		       ((uint64_t)gettid() << 40) ^ (uint64_t)(uintptr_t)tc;
	}
	tc->rnd = seed;
	tc->seeded = true;
}

BH_HELPER(get_prandom_u32)
{
	struct task_cache *tc = &task_cache;
	uint64_t z;

	if (!tc->seeded)
		prandom_seed(tc);
	/* splitmix64 */
	z = (tc->rnd += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z >> 32;
}

/* bpf_get_attach_cookie(ctx): header slot 3, written per link on invoke. */
BH_HELPER(get_attach_cookie)
{
	void *pctx = (void *)(uintptr_t)r1;

	if (!pctx)
		return 0;
	return bpfhost_ctx_header(pctx)->slot[BPFHOST_CTX_SLOT_COOKIE];
}
