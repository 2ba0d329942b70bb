/* SPDX-License-Identifier: MIT */
/*
 * Read-side sections and grace periods: per-thread reader state with
 * asymmetric fences (membarrier), in the manner of user-space RCU.
 *
 * Readers are invocations (bpfhost_hook_invoke, test runs). Each thread has
 * a struct bh_rcu_reader of its own (cache-line aligned, registered on the
 * thread's first invocation, removed when the thread exits). Entering a
 * section stores the current grace-period counter into the reader's `ctr`;
 * leaving stores 0 with release semantics. Neither is an atomic
 * read-modify-write nor a hardware fence: on x86 both are plain moves.
 *
 * A writer that unpublished something (a link array, a program in a prog
 * array) calls bh_rcu_synchronize(): it advances the counter to g, runs
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) — every thread of the process
 * executes a full barrier — and waits until each reader's ctr is 0 or g.
 *  - A reader whose ctr store came before its barrier is seen by the scan,
 *    which waits for its release store of 0.
 *  - A reader whose store came after its barrier loads pointers after the
 *    barrier too, so it sees the new state; a reader entering after the
 *    barrier reads g, so a stream of new sections cannot starve the writer.
 *  - A reader that read g (acquire) before the barrier also reads the new
 *    state: the writer published it before storing g (release).
 * Where membarrier is unavailable, readers enter with an atomic exchange (a
 * full barrier) instead and the same argument holds with sequential
 * consistency.
 *
 * One domain serves the whole process: a grace period waits for every
 * invocation in flight, on any hook. Sections nest (an invocation inside an
 * invocation). A section must not wait for a grace period (no link close,
 * unregister or prog array update from inside an invocation).
 *
 * Statistics ride on the same per-thread structure: each hook owns a slot in
 * every reader's stat[] array and counts its invocations there with a plain
 * (relaxed) increment of the running thread's own counter.
 */
#ifndef BH_RUNTIME_RCU_H
#define BH_RUNTIME_RCU_H

#include <stdbool.h>
#include <stdint.h>

#define BH_CACHELINE 64
#define BH_RCU_STAT_SLOTS 256

struct bh_rcu_reader {
	uint64_t ctr;  /* 0 outside a section, else the counter read on entry */
	unsigned nest; /* section depth (this thread only) */
	struct bh_rcu_reader *prev, *next;
	uint64_t stat[BH_RCU_STAT_SLOTS]; /* per-hook invocation counts of this thread */
} __attribute__((aligned(BH_CACHELINE)));

extern __thread struct bh_rcu_reader *bh_rcu_self __attribute__((tls_model("initial-exec")));
extern uint64_t bh_rcu_gp;
extern bool bh_rcu_fenced_readers;

/* Register the calling thread (first section); NULL when out of memory. */
struct bh_rcu_reader *bh_rcu_register(void);

/* Enter a section; NULL (nothing entered) only when out of memory. */
static inline struct bh_rcu_reader *bh_rcu_read_lock(void)
{
	struct bh_rcu_reader *r = bh_rcu_self;

	if (__builtin_expect(!r, 0)) {
		r = bh_rcu_register();
		if (!r)
			return NULL;
	}
	if (__builtin_expect(r->nest++ == 0, 1)) {
		uint64_t g = __atomic_load_n(&bh_rcu_gp, __ATOMIC_ACQUIRE);

		if (__builtin_expect(!__atomic_load_n(&bh_rcu_fenced_readers, __ATOMIC_RELAXED),
				     1)) {
			__atomic_store_n(&r->ctr, g, __ATOMIC_RELAXED);
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
		} else {
			__atomic_exchange_n(&r->ctr, g, __ATOMIC_SEQ_CST);
		}
	}
	return r;
}

static inline void bh_rcu_read_unlock(struct bh_rcu_reader *r)
{
	if (__builtin_expect(--r->nest == 0, 1))
		__atomic_store_n(&r->ctr, 0, __ATOMIC_RELEASE);
}

/* Wait until every section that began before the call has ended. */
void bh_rcu_synchronize(void);

/* Statistics slots (one per hook); -1 when all are taken. */
int bh_rcu_stat_alloc(void);
void bh_rcu_stat_free(int slot);
/* Sum of a slot over every thread, exited ones included. */
uint64_t bh_rcu_stat_sum(int slot);

static inline void bh_rcu_stat_add(struct bh_rcu_reader *r, int slot, uint64_t n)
{
	uint64_t *c = &r->stat[slot];

	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

#endif /* BH_RUNTIME_RCU_H */
