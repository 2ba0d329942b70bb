/* SPDX-License-Identifier: MIT */
/*
 * Grace periods and reader registration for rcu.h.
 *
 * The registry (all readers, the statistics slots, counts of exited
 * threads) is protected by one mutex, which bh_rcu_synchronize also holds:
 * threads exit and register around a grace period, never during one. A
 * forked child keeps only its own reader.
 * Waiting spins briefly, then yields, then sleeps.
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/rcu.h"

__thread struct bh_rcu_reader *bh_rcu_self __attribute__((tls_model("initial-exec")));
uint64_t bh_rcu_gp = 2;
bool bh_rcu_fenced_readers;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bh_rcu_reader *readers;
static uint64_t exited_stat[BH_RCU_STAT_SLOTS];
static bool slot_used[BH_RCU_STAT_SLOTS];
static pthread_key_t reader_key;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static long membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

static void thread_exit(void *arg)
{
	struct bh_rcu_reader *r = arg;
	size_t i;

	pthread_mutex_lock(&registry_lock);
	if (r->prev)
		r->prev->next = r->next;
	else
		readers = r->next;
	if (r->next)
		r->next->prev = r->prev;
	for (i = 0; i < BH_RCU_STAT_SLOTS; i++)
		if (slot_used[i])
			exited_stat[i] += r->stat[i];
	pthread_mutex_unlock(&registry_lock);
	bh_rcu_self = NULL;
	free(r);
}

/*
 * fork: the child has only the forking thread. Hold the registry across
 * fork so it is consistent, and drop the readers of threads the child does
 * not have (a grace period would wait for them forever).
 */
static void fork_prepare(void)
{
	pthread_mutex_lock(&registry_lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&registry_lock);
}

static void fork_child(void)
{
	struct bh_rcu_reader *r = readers, *next;

	readers = NULL;
	for (; r; r = next) {
		next = r->next;
		if (r == bh_rcu_self) {
			r->prev = r->next = NULL;
			readers = r;
		} else {
			free(r);
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

static void init(void)
{
	pthread_key_create(&reader_key, thread_exit);
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	/*
	 * Readers need no fence only if writers can make every thread run one.
	 * BPFHOST_RCU_FENCED_READERS=1 forces the fallback (to test it).
	 */
	const char *force = getenv("BPFHOST_RCU_FENCED_READERS");

	bh_rcu_fenced_readers = (force && *force == '1') ||
				membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0;
}

struct bh_rcu_reader *bh_rcu_register(void)
{
	struct bh_rcu_reader *r;

	pthread_once(&init_once, init);
	r = aligned_alloc(BH_CACHELINE, sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	pthread_mutex_lock(&registry_lock);
	r->next = readers;
	if (readers)
		readers->prev = r;
	readers = r;
	pthread_mutex_unlock(&registry_lock);
	pthread_setspecific(reader_key, r);
	bh_rcu_self = r;
	return r;
}

static void backoff(unsigned *spins)
{
	if (++*spins < 64)
		return;
	if (*spins < 256) {
		sched_yield();
	} else {
		struct timespec ts = { 0, 50000 };

		nanosleep(&ts, NULL);
	}
}

void bh_rcu_synchronize(void)
{
	struct bh_rcu_reader *r;
	uint64_t g, s;

	pthread_once(&init_once, init);
	pthread_mutex_lock(&registry_lock);
	g = __atomic_load_n(&bh_rcu_gp, __ATOMIC_RELAXED) + 2;
	__atomic_store_n(&bh_rcu_gp, g, __ATOMIC_SEQ_CST);
	if (!bh_rcu_fenced_readers && membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)) {
		/* cannot happen once registered; stay correct if it does */
		__atomic_store_n(&bh_rcu_fenced_readers, true, __ATOMIC_SEQ_CST);
		membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
	}
	for (r = readers; r; r = r->next) {
		unsigned spins = 0;

		while ((s = __atomic_load_n(&r->ctr, __ATOMIC_SEQ_CST)) && s != g)
			backoff(&spins);
	}
	pthread_mutex_unlock(&registry_lock);
}

int bh_rcu_stat_alloc(void)
{
	struct bh_rcu_reader *r;
	int i, slot = -1;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < BH_RCU_STAT_SLOTS; i++) {
		if (!slot_used[i]) {
			slot = i;
			break;
		}
	}
	if (slot >= 0) {
		slot_used[slot] = true;
		exited_stat[slot] = 0;
		for (r = readers; r; r = r->next)
			__atomic_store_n(&r->stat[slot], 0, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&registry_lock);
	return slot;
}

void bh_rcu_stat_free(int slot)
{
	if (slot < 0 || slot >= BH_RCU_STAT_SLOTS)
		return;
	pthread_mutex_lock(&registry_lock);
	slot_used[slot] = false;
	pthread_mutex_unlock(&registry_lock);
}

uint64_t bh_rcu_stat_sum(int slot)
{
	struct bh_rcu_reader *r;
	uint64_t sum;

	if (slot < 0 || slot >= BH_RCU_STAT_SLOTS)
		return 0;
	pthread_mutex_lock(&registry_lock);
	sum = exited_stat[slot];
	for (r = readers; r; r = r->next)
		sum += __atomic_load_n(&r->stat[slot], __ATOMIC_RELAXED);
	pthread_mutex_unlock(&registry_lock);
	return sum;
}
