/* SPDX-License-Identifier: MIT */
/*
 * Read-side sections and grace periods (an SRCU-like scheme).
 *
 * Every hook (and the test-run path) owns a struct bh_srcu. An invocation
 * brackets its use of published data (the hook's link array, programs
 * reached through prog arrays) with bh_srcu_read_lock/unlock: one atomic
 * increment of the `enter` counter selected by the domain's current index,
 * and one of the matching `exit` counter. A writer that unpublished
 * something calls bh_srcu_synchronize(): it flips the index, so new readers
 * count on the other pair, and waits until the old pair's exits catch up
 * with its enters. After that no reader can still hold
 * what was unpublished before the call, and it may be freed (the flip is
 * done twice so that both counters are seen at zero; see srcu.c).
 *
 * Ordering: the reader's increment and its loads of published pointers are
 * sequentially consistent, as are the writer's publish, flip and counter
 * loads. If the writer's load of the old counter does not see a reader's
 * increment, that increment comes later in the single total order, so the
 * reader's following loads see the new pointers. Two counters (instead of
 * one) mean a steady stream of new readers cannot starve a writer.
 *
 * Each counter pair sits on its own cache line. The exit counters, which
 * only grow, double as the count of completed invocations (statistics).
 *
 * All domains of the process are linked into one list so that a writer
 * that cannot know which hook a program runs under (a program removed from
 * a prog array may be in a tail-call chain of any hook) can wait for all of
 * them: bh_srcu_synchronize_all().
 */
#ifndef BH_RUNTIME_SRCU_H
#define BH_RUNTIME_SRCU_H

#include <pthread.h>
#include <stdint.h>

#define BH_CACHELINE 64

struct bh_srcu_ctr {
	uint64_t enter; /* read sections begun with this index */
	uint64_t exit;	/* read sections ended with this index */
} __attribute__((aligned(BH_CACHELINE)));

struct bh_srcu {
	struct bh_srcu_ctr ctr[2];
	unsigned idx __attribute__((aligned(BH_CACHELINE)));
	pthread_mutex_t lock; /* serialises grace periods of this domain */
	struct bh_srcu *prev, *next;
};

static inline unsigned bh_srcu_read_lock(struct bh_srcu *s)
{
	unsigned idx = __atomic_load_n(&s->idx, __ATOMIC_RELAXED) & 1;

	__atomic_fetch_add(&s->ctr[idx].enter, 1, __ATOMIC_SEQ_CST);
	return idx;
}

static inline void bh_srcu_read_unlock(struct bh_srcu *s, unsigned idx)
{
	__atomic_fetch_add(&s->ctr[idx].exit, 1, __ATOMIC_RELEASE);
}

/* Read sections completed so far (statistics). */
static inline uint64_t bh_srcu_completed(const struct bh_srcu *s)
{
	return __atomic_load_n(&s->ctr[0].exit, __ATOMIC_RELAXED) +
	       __atomic_load_n(&s->ctr[1].exit, __ATOMIC_RELAXED);
}

/* Set up a domain and link it into the process-wide list. */
void bh_srcu_init(struct bh_srcu *s);
/* Unlink; the caller guarantees there are no readers left. */
void bh_srcu_destroy(struct bh_srcu *s);
/* Wait until every read section that began before the call has ended. */
void bh_srcu_synchronize(struct bh_srcu *s);
/* Same for every domain of the process. */
void bh_srcu_synchronize_all(void);

#endif /* BH_RUNTIME_SRCU_H */
