/* SPDX-License-Identifier: MIT */
/*
 * Batch map operations: cursor semantics across calls (array and hash),
 * -ENOENT at the end with *count set, an exactly filled last batch, the
 * cursor buffer shared between in_batch and out_batch, draining a hash
 * with lookup_and_delete, per-CPU value layouts, partial updates/deletes
 * with *count at the failing element, flag and option refusals, map types
 * without batches, and maps of maps (fds in, ids out).
 */
#include <stdarg.h>
#include <stdlib.h>

#include "maps/map.h"
#include "runtime/map_in_map.h"
#include "runtime/runtime.h"
#include "test_runtime_util.h"

static char mb_buf[2048];
static size_t mb_len;

static int mb_capture(enum bpfhost_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (mb_len >= sizeof(mb_buf) - 1)
		return 0;
	n = vsnprintf(mb_buf + mb_len, sizeof(mb_buf) - mb_len, fmt, ap);
	if (n > 0)
		mb_len += (size_t)n < sizeof(mb_buf) - mb_len ? (size_t)n
							      : sizeof(mb_buf) - mb_len - 1;
	return n;
}

static void mb_clear(void)
{
	mb_buf[0] = '\0';
	mb_len = 0;
}

TEST(batch_array_cursor)
{
	struct bpfhost *rt = rt_new();
	bpfhost_print_fn_t old;
	uint32_t keys[8], cursor, count, k, seen = 0;
	uint64_t vals[8], v;
	int fd, err, calls = 0;

	fd = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "arr", 4, 8, 10, NULL);
	CHECK(fd > 0);
	for (k = 0; k < 10; k++) {
		v = 1000 + k;
		CHECK_EQ(bpfhost_map_update_elem(fd, &k, &v, BPFHOST_ANY), 0);
	}
	/* batches of 4: 4, 4, then 2 with -ENOENT */
	count = 4;
	err = bpfhost_map_lookup_batch(fd, NULL, &cursor, keys, vals, &count, NULL);
	CHECK_EQ(err, 0);
	CHECK_EQ(count, 4);
	CHECK_EQ(keys[0], 0);
	CHECK_EQ(keys[3], 3);
	CHECK_U64(vals[3], 1003);
	CHECK_EQ(cursor, 3);
	count = 4;
	/* in_batch and out_batch may be the same buffer */
	err = bpfhost_map_lookup_batch(fd, &cursor, &cursor, keys, vals, &count, NULL);
	CHECK_EQ(err, 0);
	CHECK_EQ(count, 4);
	CHECK_EQ(keys[0], 4);
	CHECK_U64(vals[0], 1004);
	count = 4;
	err = bpfhost_map_lookup_batch(fd, &cursor, &cursor, keys, vals, &count, NULL);
	CHECK_EQ(err, -ENOENT);
	CHECK_EQ(count, 2);
	CHECK_EQ(keys[1], 9);
	CHECK_U64(vals[1], 1009);

	/* batches of 5 fill exactly: the third call finds the end with nothing */
	err = 0;
	for (calls = 0; calls < 5 && !err; calls++) {
		count = 5;
		err = bpfhost_map_lookup_batch(fd, calls ? &cursor : NULL, &cursor, keys, vals,
					       &count, NULL);
		for (k = 0; k < count; k++) {
			CHECK_U64(vals[k], 1000 + keys[k]);
			seen |= 1u << keys[k];
		}
		if (calls == 2)
			CHECK_EQ(count, 0);
	}
	CHECK_EQ(err, -ENOENT);
	CHECK_EQ(calls, 3);
	CHECK_EQ(seen, 0x3ff);

	/* count 0 does nothing */
	count = 0;
	CHECK_EQ(bpfhost_map_lookup_batch(fd, NULL, &cursor, NULL, NULL, &count, NULL), 0);
	CHECK_EQ(count, 0);
	/* arrays have no lookup_and_delete (the message goes to the print callback) */
	old = bpfhost_set_print(mb_capture);
	mb_clear();
	count = 4;
	CHECK_EQ(bpfhost_map_lookup_and_delete_batch(fd, NULL, &cursor, keys, vals, &count, NULL),
		 -EOPNOTSUPP);
	CHECK_EQ(count, 0);
	CHECK_CONTAINS(mb_buf,
		       "map_lookup_and_delete_batch: map 'arr' (array) does not support it");
	bpfhost_set_print(old);
	bpfhost__free(rt);
}

TEST(batch_hash_walk_and_drain)
{
	struct bpfhost *rt = rt_new();
	enum { N = 100 };
	uint64_t keys[32], cursor = 0, k;
	uint32_t vals[32], count, v, total = 0, i;
	unsigned char seen[N] = { 0 };
	int fd, err = 0, calls;

	fd = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_HASH, "h", 8, 4, 128, NULL);
	CHECK(fd > 0);
	for (k = 0; k < N; k++) {
		uint64_t key = k * 7919;

		v = (uint32_t)k + 1;
		CHECK_EQ(bpfhost_map_update_elem(fd, &key, &v, BPFHOST_NOEXIST), 0);
	}
	for (calls = 0; calls < 50 && !err; calls++) {
		count = 16;
		err = bpfhost_map_lookup_batch(fd, calls ? &cursor : NULL, &cursor, keys, vals,
					       &count, NULL);
		CHECK(err == 0 || err == -ENOENT);
		for (i = 0; i < count; i++) {
			k = keys[i] / 7919;
			CHECK(keys[i] % 7919 == 0 && k < N);
			if (k < N) {
				CHECK_EQ(vals[i], k + 1);
				seen[k]++;
			}
		}
		total += count;
	}
	CHECK_EQ(err, -ENOENT);
	CHECK_EQ(total, N);
	for (k = 0; k < N; k++)
		CHECK_EQ(seen[k], 1);

	/* drain it */
	memset(seen, 0, sizeof(seen));
	total = 0;
	err = 0;
	for (calls = 0; calls < 50 && !err; calls++) {
		count = 32;
		err = bpfhost_map_lookup_and_delete_batch(fd, calls ? &cursor : NULL, &cursor, keys,
							  vals, &count, NULL);
		for (i = 0; i < count; i++) {
			k = keys[i] / 7919;
			if (k < N) {
				CHECK_EQ(vals[i], k + 1);
				seen[k]++;
			}
		}
		total += count;
	}
	CHECK_EQ(err, -ENOENT);
	CHECK_EQ(total, N);
	for (k = 0; k < N; k++)
		CHECK_EQ(seen[k], 1);
	CHECK_EQ(bpfhost_map_get_next_key(fd, NULL, &k), -ENOENT);
	/* an empty map: -ENOENT at once */
	count = 4;
	CHECK_EQ(bpfhost_map_lookup_batch(fd, NULL, &cursor, keys, vals, &count, NULL), -ENOENT);
	CHECK_EQ(count, 0);
	bpfhost__free(rt);
}

TEST(batch_update_delete)
{
	struct bpfhost *rt = rt_new();
	uint32_t keys[6] = { 0, 1, 2, 7, 3, 4 }, vals[6] = { 10, 11, 12, 17, 13, 14 };
	uint32_t hk[5] = { 5, 6, 7, 8, 9 }, count, v, k;
	int arr, h;

	arr = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "arr", 4, 4, 5, NULL);
	h = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_HASH, "h", 4, 4, 3, NULL);
	CHECK(arr > 0 && h > 0);

	/* key 7 is out of range: stops there with *count = 3 */
	count = 6;
	CHECK_EQ(bpfhost_map_update_batch(arr, keys, vals, &count, NULL), -E2BIG);
	CHECK_EQ(count, 3);
	k = 2;
	CHECK_EQ(bpfhost_map_lookup_elem(arr, &k, &v), 0);
	CHECK_EQ(v, 12);
	k = 3;
	CHECK_EQ(bpfhost_map_lookup_elem(arr, &k, &v), 0);
	CHECK_EQ(v, 0);
	/* arrays cannot delete (Linux: -EINVAL) */
	count = 2;
	CHECK_EQ(bpfhost_map_delete_batch(arr, keys, &count, NULL), -EINVAL);
	CHECK_EQ(count, 0);

	/* the hash holds 3: the fourth update is -E2BIG */
	count = 5;
	CHECK_EQ(bpfhost_map_update_batch(h, hk, vals, &count, NULL), -E2BIG);
	CHECK_EQ(count, 3);
	/* update is BPF_ANY: existing keys are overwritten */
	count = 3;
	CHECK_EQ(bpfhost_map_update_batch(h, hk, vals + 3, &count, NULL), 0);
	CHECK_EQ(count, 3);
	k = 6;
	CHECK_EQ(bpfhost_map_lookup_elem(h, &k, &v), 0);
	CHECK_EQ(v, 13);
	/* delete 5, 6, 7, then 8 is missing */
	count = 5;
	CHECK_EQ(bpfhost_map_delete_batch(h, hk, &count, NULL), -ENOENT);
	CHECK_EQ(count, 3);
	CHECK_EQ(bpfhost_map_get_next_key(h, NULL, &k), -ENOENT);
	count = 0;
	CHECK_EQ(bpfhost_map_delete_batch(h, NULL, &count, NULL), 0);
	CHECK_EQ(bpfhost_map_update_batch(h, NULL, NULL, &count, NULL), 0);
	count = 1;
	CHECK_EQ(bpfhost_map_update_batch(h, NULL, NULL, &count, NULL), -EINVAL);
	CHECK_EQ(count, 0);
	count = 1;
	CHECK_EQ(bpfhost_map_delete_batch(h, NULL, &count, NULL), -EINVAL);
	bpfhost__free(rt);
}

TEST(batch_percpu_layout)
{
	struct bpfhost *rt = rt_new();
	unsigned ncpus = bh_map_ncpus(), c, i;
	size_t stride = 8 * (size_t)ncpus; /* value_size 4, rounded up to 8, per CPU */
	unsigned char *vals = calloc(3, stride), *out = calloc(4, stride);
	uint32_t keys[3] = { 0, 1, 2 }, okeys[4], count, cursor, w;
	int pa, ph;

	CHECK(vals && out);
	if (!vals || !out)
		goto out;
	for (i = 0; i < 3; i++)
		for (c = 0; c < ncpus; c++) {
			w = i * 1000 + c;
			memcpy(vals + i * stride + c * 8, &w, 4);
		}
	pa = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_PERCPU_ARRAY, "pa", 4, 4, 3, NULL);
	ph = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_PERCPU_HASH, "ph", 4, 4, 8, NULL);
	CHECK(pa > 0 && ph > 0);
	count = 3;
	CHECK_EQ(bpfhost_map_update_batch(pa, keys, vals, &count, NULL), 0);
	count = 3;
	CHECK_EQ(bpfhost_map_update_batch(ph, keys, vals, &count, NULL), 0);
	/* single-element lookups see the same layout */
	CHECK_EQ(bpfhost_map_lookup_elem(pa, &keys[2], out), 0);
	CHECK(!memcmp(out, vals + 2 * stride, stride));

	count = 4;
	CHECK_EQ(bpfhost_map_lookup_batch(pa, NULL, &cursor, okeys, out, &count, NULL), -ENOENT);
	CHECK_EQ(count, 3);
	for (i = 0; i < count; i++)
		CHECK(!memcmp(out + i * stride, vals + okeys[i] * stride, stride));
	count = 4;
	memset(out, 0, 4 * stride);
	CHECK_EQ(bpfhost_map_lookup_and_delete_batch(ph, NULL, &cursor, okeys, out, &count, NULL),
		 -ENOENT);
	CHECK_EQ(count, 3);
	for (i = 0; i < count && i < 3; i++) {
		CHECK(okeys[i] < 3);
		if (okeys[i] < 3)
			CHECK(!memcmp(out + i * stride, vals + okeys[i] * stride, stride));
	}
out:
	free(vals);
	free(out);
	bpfhost__free(rt);
}

TEST(batch_refusals)
{
	struct bpfhost *rt = rt_new();
	bpfhost_print_fn_t old = bpfhost_set_print(mb_capture);
	BPFHOST_OPTS_INIT(bpfhost_map_batch_opts, o);
	uint32_t keys[2] = { 0, 1 }, vals[2] = { 0 }, count, cursor;
	int arr, q;

	arr = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "arr", 4, 4, 2, NULL);
	q = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_QUEUE, "q", 0, 4, 2, NULL);
	CHECK(arr > 0 && q > 0);

	mb_clear();
	o.elem_flags = BPFHOST_F_LOCK;
	count = 2;
	CHECK_EQ(bpfhost_map_lookup_batch(arr, NULL, &cursor, keys, vals, &count, &o), -EINVAL);
	CHECK_CONTAINS(mb_buf, "map_lookup_batch: elem_flags BPF_F_LOCK needs a bpf_spin_lock");
	mb_clear();
	o.elem_flags = BPFHOST_NOEXIST;
	CHECK_EQ(bpfhost_map_update_batch(arr, keys, vals, &count, &o), -EINVAL);
	CHECK_CONTAINS(mb_buf, "map_update_batch: elem_flags 0x1: only BPF_F_LOCK is defined");
	mb_clear();
	o.elem_flags = 0;
	o.flags = 2;
	CHECK_EQ(bpfhost_map_delete_batch(arr, keys, &count, &o), -EINVAL);
	CHECK_CONTAINS(mb_buf, "map_delete_batch: flags 0x2: must be 0");
	o.flags = 0;
	CHECK_EQ(count, 2); /* refused before anything ran: untouched */
	mb_clear();
	CHECK_EQ(bpfhost_map_lookup_batch(arr, NULL, &cursor, keys, vals, NULL, &o), -EINVAL);
	CHECK_CONTAINS(mb_buf, "count is NULL");
	{
		struct {
			struct bpfhost_map_batch_opts o;
			uint32_t extra;
		} big = { { .sz = sizeof(big) }, 1 };

		mb_clear();
		CHECK_EQ(bpfhost_map_update_batch(arr, keys, vals, &count, &big.o), -EINVAL);
		CHECK_CONTAINS(mb_buf, "struct bpfhost_map_batch_opts: byte 24 is set");
	}
	/* options of an older, shorter size are fine */
	{
		struct bpfhost_map_batch_opts small = { .sz = sizeof(size_t) };

		count = 2;
		CHECK_EQ(bpfhost_map_update_batch(arr, keys, vals, &count, &small), 0);
		CHECK_EQ(count, 2);
	}

	count = 2;
	CHECK_EQ(bpfhost_map_lookup_batch(4321, NULL, &cursor, keys, vals, &count, NULL), -EBADF);
	CHECK_EQ(count, 0);
	count = 2;
	CHECK_EQ(bpfhost_map_lookup_batch(arr, NULL, NULL, keys, vals, &count, NULL), -EINVAL);
	/* maps without keys have no batches */
	mb_clear();
	count = 2;
	CHECK_EQ(bpfhost_map_lookup_batch(q, NULL, &cursor, keys, vals, &count, NULL), -EOPNOTSUPP);
	CHECK_CONTAINS(mb_buf, "map 'q' (queue) does not support it");
	count = 2;
	CHECK_EQ(bpfhost_map_update_batch(q, keys, vals, &count, NULL), -EOPNOTSUPP);
	CHECK_EQ(count, 0);
	count = 2;
	CHECK_EQ(bpfhost_map_delete_batch(q, keys, &count, NULL), -EOPNOTSUPP);
	bpfhost_set_print(old);
	bpfhost__free(rt);
}

TEST(batch_map_of_maps)
{
	struct bpfhost *rt = rt_new();
	struct bh_map_def def = { .type = BPFHOST_MAP_TYPE_ARRAY_OF_MAPS,
				  .key_size = 4,
				  .value_size = 4,
				  .max_entries = 3,
				  .name = "outer" };
	struct bh_log log = BH_LOG_INIT;
	uint32_t keys[3] = { 0, 1, 2 }, fds[3], ids[3], okeys[3], count, cursor, id;
	int in1, in2, outer;

	in1 = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_HASH, "in1", 4, 4, 2, NULL);
	in2 = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_HASH, "in2", 4, 4, 2, NULL);
	outer = bh_mim_create_fd(rt, &def, in1, NULL, &log);
	CHECK_MSG(outer > 0, "outer: %d %s", outer, bh_log_text(&log));
	bh_log_free(&log);
	fds[0] = (uint32_t)in1;
	fds[1] = (uint32_t)in2;
	fds[2] = (uint32_t)in1;
	count = 3;
	CHECK_EQ(bpfhost_map_update_batch(outer, keys, fds, &count, NULL), 0);
	count = 3;
	CHECK_EQ(bpfhost_map_lookup_batch(outer, NULL, &cursor, okeys, ids, &count, NULL), 0);
	CHECK_EQ(count, 3);
	CHECK(ids[0] && ids[1] && ids[0] != ids[1]);
	CHECK_EQ(ids[2], ids[0]);
	CHECK_EQ(bpfhost_map_lookup_elem(outer, &keys[1], &id), 0);
	CHECK_EQ(id, ids[1]);
	/* an empty slot is skipped by lookups */
	count = 1;
	CHECK_EQ(bpfhost_map_delete_batch(outer, &keys[1], &count, NULL), 0);
	count = 3;
	CHECK_EQ(bpfhost_map_lookup_batch(outer, NULL, &cursor, okeys, ids, &count, NULL), -ENOENT);
	CHECK_EQ(count, 2);
	CHECK_EQ(okeys[0], 0);
	CHECK_EQ(okeys[1], 2);
	bpfhost__free(rt);
}
