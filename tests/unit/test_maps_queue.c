/* SPDX-License-Identifier: MIT */
/* QUEUE and STACK semantics, both views. */
#include <errno.h>
#include <stdlib.h>

#include "maps/map.h"
#include "../lib/harness.h"

static struct bh_map *mk(uint32_t type, uint32_t vs, uint32_t max)
{
	struct bh_map_def def = { .type = type, .value_size = vs, .max_entries = max };
	struct bh_log log = BH_LOG_INIT;
	struct bh_map *m = NULL;
	int err = bh_map_create(&def, NULL, &m, NULL, &log);

	CHECK_MSG(!err, "create: %d %s", err, bh_log_text(&log));
	bh_log_free(&log);
	return m;
}

TEST(maps_queue_fifo)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_QUEUE, 4, 3);
	uint32_t v, i;

	if (!m)
		return;
	CHECK_EQ(m->ops->pop(m, &v), -ENOENT);
	CHECK_EQ(m->ops->peek(m, &v), -ENOENT);
	for (i = 1; i <= 3; i++)
		CHECK_EQ(m->ops->push(m, &i, BPFHOST_ANY), 0);
	CHECK_EQ(m->ops->push(m, &i, BPFHOST_ANY), -E2BIG);
	CHECK_EQ(m->ops->peek(m, &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(m->ops->peek(m, &v), 0);
	CHECK_EQ(v, 1);
	/* full + BPFHOST_EXIST: the oldest goes */
	i = 4;
	CHECK_EQ(m->ops->push(m, &i, BPFHOST_EXIST), 0);
	for (i = 2; i <= 4; i++) {
		CHECK_EQ(m->ops->pop(m, &v), 0);
		CHECK_EQ(v, i);
	}
	CHECK_EQ(m->ops->pop(m, &v), -ENOENT);
	/* BPFHOST_EXIST on a queue that is not full is a plain push */
	CHECK_EQ(m->ops->push(m, &i, BPFHOST_EXIST), 0);
	CHECK_EQ(m->ops->pop(m, &v), 0);
	CHECK_EQ(v, 5);
	CHECK_EQ(m->ops->push(m, &i, BPFHOST_NOEXIST), -EINVAL);
	CHECK_EQ(m->ops->push(m, &i, 3), -EINVAL);
	CHECK_EQ(m->ops->push(m, &i, 8), -EINVAL);
	bh_map_put(m);
}

TEST(maps_stack_lifo)
{
	struct bh_map *m = mk(BPFHOST_MAP_TYPE_STACK, 4, 3);
	uint32_t v, i;

	if (!m)
		return;
	CHECK_EQ(m->ops->pop(m, &v), -ENOENT);
	CHECK_EQ(m->ops->peek(m, &v), -ENOENT);
	for (i = 1; i <= 3; i++)
		CHECK_EQ(m->ops->push(m, &i, BPFHOST_ANY), 0);
	CHECK_EQ(m->ops->push(m, &i, BPFHOST_ANY), -E2BIG);
	CHECK_EQ(m->ops->peek(m, &v), 0);
	CHECK_EQ(v, 3);
	/* full + BPFHOST_EXIST: the bottom goes */
	i = 4;
	CHECK_EQ(m->ops->push(m, &i, BPFHOST_EXIST), 0);
	for (i = 4; i >= 2; i--) {
		CHECK_EQ(m->ops->pop(m, &v), 0);
		CHECK_EQ(v, i);
	}
	CHECK_EQ(m->ops->pop(m, &v), -ENOENT);
	CHECK_EQ(m->ops->push(m, &i, BPFHOST_NOEXIST), -EINVAL);
	bh_map_put(m);
}

TEST(maps_queue_stack_wrap_around)
{
	struct bh_map *q = mk(BPFHOST_MAP_TYPE_QUEUE, 3, 5);
	struct bh_map *s = mk(BPFHOST_MAP_TYPE_STACK, 3, 5);
	unsigned char v[3], out[4];
	uint32_t i, j, next_pop = 0, pushed = 0;

	if (!q || !s)
		goto out;
	/* push 3, pop 2, many times: indices wrap around the ring */
	for (i = 0; i < 200; i++) {
		for (j = 0; j < 3; j++) {
			v[0] = (unsigned char)pushed;
			v[1] = (unsigned char)(pushed >> 8);
			v[2] = 0x77;
			if (q->ops->push(q, v, BPFHOST_ANY) == -E2BIG) {
				CHECK_EQ(q->ops->push(q, v, BPFHOST_EXIST), 0);
				next_pop++; /* the oldest was dropped */
			}
			pushed++;
		}
		for (j = 0; j < 2; j++) {
			out[3] = 0xee;
			CHECK_EQ(q->ops->pop(q, out), 0);
			CHECK_EQ(out[0] | out[1] << 8, next_pop & 0xffff);
			CHECK_EQ(out[2], 0x77);
			CHECK_EQ(out[3], 0xee);
			next_pop++;
		}
	}
	/* a stack pushed and popped in a wrapped ring keeps LIFO order */
	for (i = 0; i < 7; i++) {
		v[0] = (unsigned char)i;
		s->ops->push(s, v, BPFHOST_EXIST);
		if (i % 2) {
			CHECK_EQ(s->ops->pop(s, out), 0);
			CHECK_EQ(out[0], i);
		}
	}
	/* left: 0 2 4 6, minus nothing (never full) */
	for (i = 0; i < 4; i++) {
		CHECK_EQ(s->ops->pop(s, out), 0);
		CHECK_EQ(out[0], 6 - 2 * i);
	}
	CHECK_EQ(s->ops->pop(s, out), -ENOENT);
out:
	bh_map_put(q);
	bh_map_put(s);
}

TEST(maps_queue_stack_user_view_and_keyed_ops)
{
	uint32_t types[] = { BPFHOST_MAP_TYPE_QUEUE, BPFHOST_MAP_TYPE_STACK };
	int t;

	for (t = 0; t < 2; t++) {
		struct bh_map *m = mk(types[t], 8, 2);
		uint64_t v = 11, out = 0;

		if (!m)
			continue;
		CHECK_EQ(m->ops->lookup_user(m, NULL, &out, 0), -ENOENT);
		CHECK_EQ(m->ops->lookup_and_delete_user(m, NULL, &out), -ENOENT);
		CHECK_EQ(m->ops->update_user(m, NULL, &v, BPFHOST_ANY), 0);
		v = 12;
		CHECK_EQ(m->ops->update_user(m, NULL, &v, BPFHOST_ANY), 0);
		CHECK_EQ(m->ops->update_user(m, NULL, &v, BPFHOST_ANY), -E2BIG);
		CHECK_EQ(m->ops->update_user(m, NULL, &v, BPFHOST_NOEXIST), -EINVAL);
		CHECK_EQ(m->ops->lookup_user(m, NULL, &out, 0), 0);
		CHECK_U64(out, t ? 12 : 11);
		CHECK_EQ(m->ops->lookup_user(m, NULL, &out, BPFHOST_F_LOCK), -EINVAL);
		CHECK_EQ(m->ops->lookup_and_delete_user(m, NULL, &out), 0);
		CHECK_U64(out, t ? 12 : 11);
		CHECK_EQ(m->ops->lookup_and_delete_user(m, NULL, &out), 0);
		CHECK_U64(out, t ? 11 : 12);
		/* keyed operations do not exist (Linux: NULL / -EINVAL) */
		CHECK(!m->ops->lookup(m, NULL));
		CHECK_EQ(m->ops->update(m, NULL, &v, BPFHOST_ANY), -EINVAL);
		CHECK_EQ(m->ops->delete (m, NULL), -EINVAL);
		CHECK_EQ(m->ops->get_next_key(m, NULL, &out), -EINVAL);
		CHECK(!m->ops->for_each);
		bh_map_put(m);
	}
}
