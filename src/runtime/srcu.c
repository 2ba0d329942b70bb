/* SPDX-License-Identifier: MIT */
/*
 * Grace periods for the read-side scheme of srcu.h: flip the index and
 * wait for the old counter to drain, twice, so both counters are seen at
 * zero after the grace period began. Waiting spins briefly, then yields, then
 * sleeps, so a writer never burns a core while a long invocation runs.
 */
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "runtime/srcu.h"

static pthread_mutex_t domains_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bh_srcu *domains;

void bh_srcu_init(struct bh_srcu *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_lock(&domains_lock);
	s->next = domains;
	if (domains)
		domains->prev = s;
	domains = s;
	pthread_mutex_unlock(&domains_lock);
}

void bh_srcu_destroy(struct bh_srcu *s)
{
	pthread_mutex_lock(&domains_lock);
	if (s->prev)
		s->prev->next = s->next;
	else if (domains == s)
		domains = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	pthread_mutex_unlock(&domains_lock);
	pthread_mutex_destroy(&s->lock);
}

/*
 * Wait until every reader counted on idx has left. exit is read before
 * enter: exit never exceeds enter, so equal values mean every section
 * begun before the exit load had ended by then.
 */
static bool drained(struct bh_srcu *s, unsigned idx)
{
	uint64_t out = __atomic_load_n(&s->ctr[idx].exit, __ATOMIC_SEQ_CST);

	return __atomic_load_n(&s->ctr[idx].enter, __ATOMIC_SEQ_CST) == out;
}

static void wait_drained(struct bh_srcu *s, unsigned idx)
{
	unsigned spins = 0;

	while (!drained(s, idx)) {
		if (++spins < 64) {
			continue;
		} else if (spins < 256) {
			sched_yield();
		} else {
			struct timespec ts = { 0, 50000 };

			nanosleep(&ts, NULL);
		}
	}
}

void bh_srcu_synchronize(struct bh_srcu *s)
{
	unsigned old, round;

	pthread_mutex_lock(&s->lock);
	/*
	 * Two rounds: each counter must be seen at zero after the call began.
	 * One round is not enough: a reader that counted on the other index
	 * after an earlier grace period may have loaded a pointer that was
	 * unpublished just now.
	 */
	for (round = 0; round < 2; round++) {
		old = __atomic_load_n(&s->idx, __ATOMIC_SEQ_CST) & 1;
		__atomic_store_n(&s->idx, old ^ 1, __ATOMIC_SEQ_CST);
		wait_drained(s, old);
	}
	pthread_mutex_unlock(&s->lock);
}

void bh_srcu_synchronize_all(void)
{
	struct bh_srcu *s;

	pthread_mutex_lock(&domains_lock);
	for (s = domains; s; s = s->next)
		bh_srcu_synchronize(s);
	pthread_mutex_unlock(&domains_lock);
}
