/* SPDX-License-Identifier: MIT */
/*
 * Map layer basics: type table, CPU numbering, definition checks of every
 * implemented type (errno and message), region header, reference counts.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "maps/map.h"
#include "../lib/harness.h"

static int create(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags,
		  const char *name, struct bh_map **out, char *msg, size_t msgsz)
{
	struct bh_map_def def = { .type = type,
				  .key_size = ks,
				  .value_size = vs,
				  .max_entries = max,
				  .map_flags = flags };
	struct bh_log log = BH_LOG_INIT;
	int err;

	if (name)
		memcpy(def.name, name, strnlen(name, BH_MAP_NAME_LEN));
	err = bh_map_create(&def, NULL, out, NULL, &log);
	snprintf(msg, msgsz, "%s", bh_log_text(&log));
	bh_log_free(&log);
	return err;
}

TEST(maps_type_names_cover_the_enum)
{
	static const struct {
		uint32_t type;
		const char *name;
		bool implemented;
	} t[] = {
		{ BPFHOST_MAP_TYPE_UNSPEC, "unspec", false },
		{ BPFHOST_MAP_TYPE_HASH, "hash", true },
		{ BPFHOST_MAP_TYPE_ARRAY, "array", true },
		{ BPFHOST_MAP_TYPE_PROG_ARRAY, "prog_array", true },
		{ BPFHOST_MAP_TYPE_PERF_EVENT_ARRAY, "perf_event_array", true },
		{ BPFHOST_MAP_TYPE_PERCPU_HASH, "percpu_hash", true },
		{ BPFHOST_MAP_TYPE_PERCPU_ARRAY, "percpu_array", true },
		{ BPFHOST_MAP_TYPE_LRU_HASH, "lru_hash", true },
		{ BPFHOST_MAP_TYPE_LRU_PERCPU_HASH, "lru_percpu_hash", true },
		{ BPFHOST_MAP_TYPE_LPM_TRIE, "lpm_trie", true },
		{ BPFHOST_MAP_TYPE_ARRAY_OF_MAPS, "array_of_maps", false },
		{ BPFHOST_MAP_TYPE_HASH_OF_MAPS, "hash_of_maps", false },
		{ BPFHOST_MAP_TYPE_QUEUE, "queue", true },
		{ BPFHOST_MAP_TYPE_STACK, "stack", true },
		{ BPFHOST_MAP_TYPE_RINGBUF, "ringbuf", true },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_STR(bh_map_type_name(t[i].type), t[i].name);
		if (t[i].implemented)
			CHECK_MSG(bh_map_type_ops(t[i].type), "%s has no ops", t[i].name);
	}
	/* map-in-map types may be registered later; unknown numbers never are */
	CHECK(!bh_map_type_ops(BPFHOST_MAP_TYPE_UNSPEC));
	CHECK(!bh_map_type_name(7));
	CHECK(!bh_map_type_name(1000));
	CHECK(!bh_map_type_ops(1000));
}

TEST(maps_ncpus_and_this_cpu)
{
	struct bh_map *m = NULL;
	char msg[256];
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	int i;

	CHECK(bh_map_ncpus() >= 1);
	if (conf > 0 && conf <= 4096)
		CHECK_EQ(bh_map_ncpus(), conf);
	CHECK_EQ(create(BPFHOST_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL, &m, msg, sizeof(msg)), 0);
	if (!m)
		return;
	CHECK_EQ(m->ncpus, bh_map_ncpus());
	for (i = 0; i < 100; i++)
		CHECK(bh_map_this_cpu(m) < m->ncpus);
	bh_map_put(m);
}

TEST(maps_region_header_and_refcount)
{
	struct bh_map *m = NULL;
	const struct bh_map_region_hdr *hdr;
	char msg[256];
	uint32_t k = 0;
	uint64_t v[2] = { 7, 0 }; /* value_size 12 */

	CHECK_EQ(create(BPFHOST_MAP_TYPE_ARRAY, 4, 12, 3, BPFHOST_F_RDONLY_PROG, "cfg.v1", &m, msg,
			sizeof(msg)),
		 0);
	if (!m)
		return;
	hdr = m->region;
	CHECK_U64(hdr->magic, BH_MAP_REGION_MAGIC);
	CHECK_EQ(hdr->version, BH_MAP_REGION_VERSION);
	CHECK_EQ(hdr->ncpus, bh_map_ncpus());
	CHECK_EQ(hdr->total_size, m->region_size);
	CHECK_EQ(hdr->def.type, BPFHOST_MAP_TYPE_ARRAY);
	CHECK_EQ(hdr->def.value_size, 12);
	CHECK_EQ(hdr->def.map_flags, BPFHOST_F_RDONLY_PROG);
	CHECK_STR(hdr->def.name, "cfg.v1");
	CHECK_EQ(hdr->ready, 1);
	CHECK_EQ(m->value_stride, 16);
	CHECK(!m->shared);
	CHECK_EQ(m->shm_fd, -1);
	CHECK_EQ(m->refcnt, 1);
	bh_map_get(m);
	CHECK_EQ(m->refcnt, 2);
	bh_map_put(m);
	/* still alive and usable */
	CHECK_EQ(m->ops->update(m, &k, v, BPFHOST_ANY), 0);
	CHECK_U64(*(uint64_t *)m->ops->lookup(m, &k), 7);
	bh_map_put(m);
	bh_map_put(NULL);
}

TEST(maps_create_rejects_bad_arguments)
{
	struct bh_map_def def = {
		.type = BPFHOST_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1
	};
	struct bh_map *m = (struct bh_map *)&def;
	bool created = true;
	char msg[256];

	CHECK_EQ(bh_map_create(NULL, NULL, &m, &created, NULL), -EINVAL);
	CHECK(!m);
	CHECK(!created);
	CHECK_EQ(bh_map_create(&def, NULL, NULL, NULL, NULL), -EINVAL);

	CHECK_EQ(create(BPFHOST_MAP_TYPE_UNSPEC, 4, 4, 1, 0, NULL, &m, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "unknown map type 0");
	CHECK_EQ(create(99, 4, 4, 1, 0, "x", &m, msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "map 'x' (type 99): unknown map type 99");
	CHECK(!m);
	/* a known type bpfhost does not implement (here) */
	if (!bh_map_type_ops(BPFHOST_MAP_TYPE_HASH_OF_MAPS)) {
		CHECK_EQ(create(BPFHOST_MAP_TYPE_HASH_OF_MAPS, 4, 4, 1, 0, NULL, &m, msg,
				sizeof(msg)),
			 -EOPNOTSUPP);
		CHECK_CONTAINS(msg, "hash_of_maps is not supported");
	}

	CHECK_EQ(create(BPFHOST_MAP_TYPE_ARRAY, 4, 4, 1, 0, "bad-name", &m, msg, sizeof(msg)),
		 -EINVAL);
	CHECK_CONTAINS(msg, "name: character 3 (0x2d)");
	CHECK_EQ(create(BPFHOST_MAP_TYPE_ARRAY, 4, 4, 1, 0, "0123456789abcdef", &m, msg,
			sizeof(msg)),
		 -EINVAL);
	CHECK_CONTAINS(msg, "longer than 15 characters");
	CHECK_EQ(create(BPFHOST_MAP_TYPE_ARRAY, 4, 4, 1, 1u << 3, NULL, &m, msg, sizeof(msg)),
		 -EINVAL);
	CHECK_CONTAINS(msg, "map_flags 0x8: unknown bits 0x8");
	CHECK_EQ(create(BPFHOST_MAP_TYPE_ARRAY, 4, 4, 1,
			BPFHOST_F_RDONLY_PROG | BPFHOST_F_WRONLY_PROG, NULL, &m, msg, sizeof(msg)),
		 -EINVAL);
	CHECK_CONTAINS(msg, "exclude each other");
	CHECK_EQ(create(BPFHOST_MAP_TYPE_ARRAY, 4, 4, 1, BPFHOST_F_WRONLY_PROG, NULL, &m, msg,
			sizeof(msg)),
		 0);
	bh_map_put(m);
}

struct def_case {
	uint32_t type, ks, vs, max, flags;
	int err;
	const char *msg;
};

#define H BPFHOST_MAP_TYPE_HASH
#define PH BPFHOST_MAP_TYPE_PERCPU_HASH
#define LH BPFHOST_MAP_TYPE_LRU_HASH
#define LPH BPFHOST_MAP_TYPE_LRU_PERCPU_HASH
#define A BPFHOST_MAP_TYPE_ARRAY
#define PA BPFHOST_MAP_TYPE_PERCPU_ARRAY
#define Q BPFHOST_MAP_TYPE_QUEUE
#define S BPFHOST_MAP_TYPE_STACK
#define T BPFHOST_MAP_TYPE_LPM_TRIE
#define NP BPFHOST_F_NO_PREALLOC
#define NC BPFHOST_F_NO_COMMON_LRU

static const struct def_case def_cases[] = {
	/* hashes */
	{ H, 0, 4, 1, 0, -EINVAL, "key_size 0: must be at least 1" },
	{ H, 513, 4, 1, 0, -E2BIG, "key_size 513: larger than the limit of 512" },
	{ H, 512, 4, 1, 0, 0, NULL },
	{ H, 4, 0, 1, 0, -EINVAL, "value_size 0" },
	{ H, 4, (1u << 20) + 1, 1, 0, -E2BIG, "value_size 1048577: larger than the limit" },
	{ H, 4, 4, 0, 0, -EINVAL, "max_entries 0" },
	{ H, 4, 4, (1u << 30) + 1, 0, -E2BIG, "max_entries 1073741825: larger than the limit" },
	{ H, 4, 4, 1, NC, -EINVAL, "F_NO_COMMON_LRU is only valid for LRU hashes" },
	{ H, 4, 4, 1, NP, 0, NULL },
	{ PH, 4, (32u << 10) + 1, 1, 0, -E2BIG,
	  "value_size 32769: larger than the limit of "
	  "32768 bytes per CPU" },
	{ PH, 4, 32u << 10, 1, 0, 0, NULL },
	{ LH, 4, 4, 1, NP, -EOPNOTSUPP, "LRU maps are always preallocated" },
	{ LH, 4, 4, 1, NC, 0, NULL },
	{ LPH, 4, 4, 1, NC, 0, NULL },
	{ LPH, 0, 4, 1, 0, -EINVAL, "key_size 0" },
	/* arrays */
	{ A, 8, 4, 1, 0, -EINVAL, "key_size 8: array keys are 4-byte indices" },
	{ A, 4, 0, 1, 0, -EINVAL, "value_size 0" },
	{ A, 4, (1u << 20) + 1, 1, 0, -E2BIG, "value_size 1048577" },
	{ A, 4, 4, 0, 0, -EINVAL, "max_entries 0" },
	{ A, 4, 4, 1, NP, -EINVAL, "F_NO_PREALLOC is not valid for arrays" },
	{ A, 4, 4, 1, NC, -EINVAL, "F_NO_COMMON_LRU" },
	{ A, 4, 1u << 20, 0xffffffffu, 0, -E2BIG, "needs more than 1099511627776 bytes" },
	{ PA, 4, (32u << 10) + 1, 1, 0, -E2BIG, "per CPU" },
	{ PA, 2, 4, 1, 0, -EINVAL, "key_size 2" },
	/* queue and stack */
	{ Q, 4, 4, 1, 0, -EINVAL, "key_size 4: queues and stacks have no keys" },
	{ S, 0, 0, 1, 0, -EINVAL, "value_size 0" },
	{ Q, 0, (1u << 20) + 1, 1, 0, -E2BIG, "value_size 1048577" },
	{ S, 0, 4, 0, 0, -EINVAL, "max_entries 0" },
	{ Q, 0, 4, 1, NP, -EINVAL, "only F_RDONLY_PROG and F_WRONLY_PROG apply" },
	{ S, 0, 4, 1, BPFHOST_F_RDONLY_PROG, 0, NULL },
	/* LPM trie */
	{ T, 8, 4, 1, 0, -EINVAL, "LPM tries require F_NO_PREALLOC" },
	{ T, 4, 4, 1, NP, -EINVAL, "key_size 4: LPM keys are a 4-byte prefixlen" },
	{ T, 261, 4, 1, NP, -EINVAL, "key_size 261" },
	{ T, 260, 4, 1, NP, 0, NULL },
	{ T, 8, 0, 1, NP, -EINVAL, "value_size 0: must be 1.." },
	{ T, 8, 4, 0, NP, -EINVAL, "max_entries 0" },
	{ T, 8, 4, 1, NP | NC, -EINVAL, "F_NO_COMMON_LRU" },
};

TEST(maps_definition_checks_per_type)
{
	size_t i;

	for (i = 0; i < sizeof(def_cases) / sizeof(def_cases[0]); i++) {
		const struct def_case *c = &def_cases[i];
		struct bh_map *m = NULL;
		char msg[512];
		int err =
			create(c->type, c->ks, c->vs, c->max, c->flags, "d", &m, msg, sizeof(msg));

		CHECK_MSG(err == c->err, "case %zu (%s): got %d, want %d (%s)", i,
			  bh_map_type_name(c->type), err, c->err, msg);
		if (c->msg) {
			CHECK_CONTAINS(msg, c->msg);
			CHECK_CONTAINS(msg, "map 'd' (");
			CHECK_CONTAINS(msg, bh_map_type_name(c->type));
		}
		if (!c->err)
			CHECK_MSG(m, "case %zu: no map", i);
		else
			CHECK(!m);
		bh_map_put(m);
	}
}
