/* SPDX-License-Identifier: MIT */
/*
 * QUEUE (FIFO) and STACK (LIFO).
 *
 * A ring of max_entries + 1 value slots in the region, with head (next slot
 * to write) and tail (oldest element) indices and one spinlock guarding all
 * three; one slot stays empty so head == tail means empty. A push into a
 * full map fails with -E2BIG unless BPFHOST_EXIST is given, which drops the
 * oldest element (for a stack: the bottom). Queue pops and peeks at tail,
 * stack pops and peeks at head - 1. Keys do not exist: key_size must be 0,
 * the user-view update is a push, lookup a peek and lookup-and-delete a pop.
 */
#include <errno.h>

#include "maps/map.h"

struct qs_hdr {
	uint32_t lock;
	uint32_t head;
	uint32_t tail;
	uint32_t pad;
};

#define QS_SLOTS_OFF (BH_MAP_HDR_SIZE + 64)

static int qs_check_def(const struct bh_map_def *def, struct bh_log *log)
{
	if (def->key_size) {
		bh_map_log(log, def, "key_size %u: queues and stacks have no keys (must be 0)",
			   def->key_size);
		return -EINVAL;
	}
	if (!def->value_size) {
		bh_map_log(log, def, "value_size 0: must be at least 1");
		return -EINVAL;
	}
	if (def->value_size > BH_MAP_MAX_VALUE_SIZE) {
		bh_map_log(log, def, "value_size %u: larger than the limit of %u bytes",
			   def->value_size, BH_MAP_MAX_VALUE_SIZE);
		return -E2BIG;
	}
	if (!def->max_entries) {
		bh_map_log(log, def, "max_entries 0: must be at least 1");
		return -EINVAL;
	}
	if (def->map_flags & (BPFHOST_F_NO_PREALLOC | BPFHOST_F_NO_COMMON_LRU)) {
		bh_map_log(log, def, "map_flags 0x%x: only F_RDONLY_PROG and F_WRONLY_PROG apply",
			   def->map_flags);
		return -EINVAL;
	}
	return 0;
}

static uint64_t ring_size(const struct bh_map *map)
{
	return (uint64_t)map->def.max_entries + 1;
}

static size_t qs_region_size(const struct bh_map_def *def, unsigned ncpus)
{
	uint64_t stride = ((uint64_t)def->value_size + 7) & ~7ull;

	return QS_SLOTS_OFF + ((uint64_t)def->max_entries + 1) * stride;
}

static inline struct qs_hdr *qs(struct bh_map *map)
{
	return bh_map_ptr(map, BH_MAP_HDR_SIZE);
}

static inline void *qs_slot(struct bh_map *map, uint64_t i)
{
	return bh_map_ptr(map, QS_SLOTS_OFF + i * map->value_stride);
}

static inline uint32_t advance(const struct bh_map *map, uint32_t i)
{
	return (uint64_t)i + 1 >= ring_size(map) ? 0 : i + 1;
}

/* Lock and read head and tail; -EUCLEAN (lock released) if corrupted. */
static int qs_lock(struct bh_map *map, uint32_t *head, uint32_t *tail)
{
	struct qs_hdr *q = qs(map);

	bh_spin_lock(&q->lock);
	*head = __atomic_load_n(&q->head, __ATOMIC_RELAXED);
	*tail = __atomic_load_n(&q->tail, __ATOMIC_RELAXED);
	if (*head >= ring_size(map) || *tail >= ring_size(map)) {
		bh_spin_unlock(&q->lock);
		return -EUCLEAN;
	}
	return 0;
}

static void qs_unlock(struct bh_map *map, uint32_t head, uint32_t tail)
{
	struct qs_hdr *q = qs(map);

	__atomic_store_n(&q->head, head, __ATOMIC_RELAXED);
	__atomic_store_n(&q->tail, tail, __ATOMIC_RELAXED);
	bh_spin_unlock(&q->lock);
}

static int qs_push(struct bh_map *map, const void *value, uint64_t flags)
{
	uint32_t head, tail;
	int err;

	if (flags != BPFHOST_ANY && flags != BPFHOST_EXIST)
		return -EINVAL;
	err = qs_lock(map, &head, &tail);
	if (err)
		return err;
	if (advance(map, head) == tail) {
		if (flags != BPFHOST_EXIST) {
			qs_unlock(map, head, tail);
			return -E2BIG;
		}
		tail = advance(map, tail); /* drop the oldest */
	}
	bh_map_copy_in(qs_slot(map, head), value, map->def.value_size);
	qs_unlock(map, advance(map, head), tail);
	return 0;
}

/* Queue: oldest element, at tail. */
static int queue_get(struct bh_map *map, void *value, bool remove)
{
	uint32_t head, tail;
	int err = qs_lock(map, &head, &tail);

	if (err)
		return err;
	if (head == tail) {
		qs_unlock(map, head, tail);
		return -ENOENT;
	}
	bh_map_copy_out(value, qs_slot(map, tail), map->def.value_size);
	qs_unlock(map, head, remove ? advance(map, tail) : tail);
	return 0;
}

/* Stack: newest element, just below head. */
static int stack_get(struct bh_map *map, void *value, bool remove)
{
	uint32_t head, tail, top;
	int err = qs_lock(map, &head, &tail);

	if (err)
		return err;
	if (head == tail) {
		qs_unlock(map, head, tail);
		return -ENOENT;
	}
	top = head ? head - 1 : (uint32_t)(ring_size(map) - 1);
	bh_map_copy_out(value, qs_slot(map, top), map->def.value_size);
	qs_unlock(map, remove ? top : head, tail);
	return 0;
}

static int queue_pop(struct bh_map *map, void *value)
{
	return queue_get(map, value, true);
}

static int queue_peek(struct bh_map *map, void *value)
{
	return queue_get(map, value, false);
}

static int stack_pop(struct bh_map *map, void *value)
{
	return stack_get(map, value, true);
}

static int stack_peek(struct bh_map *map, void *value)
{
	return stack_get(map, value, false);
}

/* Element-keyed operations do not exist on queues and stacks (Linux: -EINVAL). */
static void *qs_lookup(struct bh_map *map, const void *key)
{
	return NULL;
}

static int qs_update(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	return -EINVAL;
}

static int qs_delete(struct bh_map *map, const void *key)
{
	return -EINVAL;
}

static int qs_get_next_key(struct bh_map *map, const void *key, void *next_key)
{
	return -EINVAL;
}

static int qs_update_user(struct bh_map *map, const void *key, const void *value, uint64_t flags)
{
	if (!value)
		return -EINVAL;
	return qs_push(map, value, flags);
}

static int queue_lookup_user(struct bh_map *map, const void *key, void *value, uint64_t flags)
{
	if (!value || flags)
		return -EINVAL;
	return queue_peek(map, value);
}

static int stack_lookup_user(struct bh_map *map, const void *key, void *value, uint64_t flags)
{
	if (!value || flags)
		return -EINVAL;
	return stack_peek(map, value);
}

static int queue_lookup_and_delete_user(struct bh_map *map, const void *key, void *value)
{
	if (!value)
		return -EINVAL;
	return queue_pop(map, value);
}

static int stack_lookup_and_delete_user(struct bh_map *map, const void *key, void *value)
{
	if (!value)
		return -EINVAL;
	return stack_pop(map, value);
}

const struct bh_map_ops bh_queue_map_ops = {
	.check_def = qs_check_def,
	.region_size = qs_region_size,
	.lookup = qs_lookup,
	.update = qs_update,
	.delete = qs_delete,
	.push = qs_push,
	.pop = queue_pop,
	.peek = queue_peek,
	.lookup_user = queue_lookup_user,
	.update_user = qs_update_user,
	.lookup_and_delete_user = queue_lookup_and_delete_user,
	.get_next_key = qs_get_next_key,
};

const struct bh_map_ops bh_stack_map_ops = {
	.check_def = qs_check_def,
	.region_size = qs_region_size,
	.lookup = qs_lookup,
	.update = qs_update,
	.delete = qs_delete,
	.push = qs_push,
	.pop = stack_pop,
	.peek = stack_peek,
	.lookup_user = stack_lookup_user,
	.update_user = qs_update_user,
	.lookup_and_delete_user = stack_lookup_and_delete_user,
	.get_next_key = qs_get_next_key,
};
