/* SPDX-License-Identifier: MIT */
/*
 * Feature queries (src/runtime/feature.h): the registered program types
 * and hooks of an instance in registration order with the runtime's copies
 * of their descriptors, the core helpers by id, the map type table, early
 * stop, argument errors.
 */
#include "test_runtime_util.h"
#include "runtime/feature.h"

struct seen {
	int n;
	char names[8][64];
	char exts[8][64];
	uint64_t caps[8];
	uint32_t ctx_size[8];
	int stop_at;
};

static int type_cb(const char *ext, const struct bpfhost_prog_type_desc *d, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", d->name);
		snprintf(s->exts[s->n], sizeof(s->exts[0]), "%s", ext);
		s->caps[s->n] = d->capabilities;
		s->ctx_size[s->n] = d->ctx_desc->ctx_size;
	}
	s->n++;
	return s->stop_at && s->n == s->stop_at ? 42 : 0;
}

static int hook_cb(const char *ext, const struct bpfhost_hook_desc *d, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s>%s", d->name, d->prog_type);
		snprintf(s->exts[s->n], sizeof(s->exts[0]), "%s", ext);
		s->caps[s->n] = d->capabilities;
	}
	s->n++;
	return 0;
}

TEST(issue3_feature_prog_types_and_hooks)
{
	struct bpfhost *rt = rt_new();
	struct bpfhost_extension *a, *b;
	struct seen s = { 0 };
	struct text ta, tb;

	CHECK_EQ(bpfhost__for_each_prog_type(rt, type_cb, &s), 0);
	CHECK_EQ(s.n, 0);
	text_init(&ta, "first");
	a = bpfhost_extension__register(rt, &ta.ext);
	text_init(&tb, "second");
	tb.type.name = "otype";
	tb.cd.ctx_size = 40;
	tb.hooks[0].name = "ohook";
	tb.hooks[0].prog_type = "tprog"; /* another extension's type */
	b = bpfhost_extension__register(rt, &tb.ext);
	CHECK(a && b);

	CHECK_EQ(bpfhost__for_each_prog_type(rt, type_cb, &s), 0);
	CHECK_EQ(s.n, 2);
	CHECK_STR(s.names[0], "tprog"); /* registration order */
	CHECK_STR(s.exts[0], "first");
	CHECK_U64(s.caps[0], BPFHOST_CAP_CONTEXT_HEADER);
	CHECK_EQ(s.ctx_size[0], sizeof(struct tctx));
	CHECK_STR(s.names[1], "otype");
	CHECK_STR(s.exts[1], "second");
	CHECK_EQ(s.ctx_size[1], 40);

	memset(&s, 0, sizeof(s));
	CHECK_EQ(bpfhost__for_each_hook(rt, hook_cb, &s), 0);
	CHECK_EQ(s.n, 2);
	CHECK_STR(s.names[0], "thook>tprog");
	CHECK_STR(s.names[1], "ohook>tprog");
	CHECK_STR(s.exts[1], "second");
	CHECK_U64(s.caps[1], BPFHOST_CAP_CONTEXT_HEADER);

	/* a non-zero return stops the walk and is returned */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	CHECK_EQ(bpfhost__for_each_prog_type(rt, type_cb, &s), 42);
	CHECK_EQ(s.n, 1);

	/* unregistered extensions are gone from the lists */
	CHECK_EQ(bpfhost_extension__unregister(b), 0);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(bpfhost__for_each_hook(rt, hook_cb, &s), 0);
	CHECK_EQ(s.n, 1);
	CHECK_STR(s.names[0], "thook>tprog");

	CHECK_EQ(bpfhost__for_each_prog_type(NULL, type_cb, &s), -EINVAL);
	CHECK_EQ(bpfhost__for_each_hook(rt, NULL, &s), -EINVAL);
	bpfhost__free(rt);
}

struct ids {
	int n;
	uint32_t last;
	bool sorted, tail_call, map_lookup, has_ringbuf, has_lpm;
};

static int helper_cb(const struct bpfhost_helper_proto *p, void *ctx)
{
	struct ids *s = ctx;

	if (s->n && p->id <= s->last)
		s->sorted = false;
	s->last = p->id;
	s->n++;
	s->tail_call |= p->id == 12 && !strcmp(p->name, "bpf_tail_call");
	s->map_lookup |= p->id == 1 && !strcmp(p->name, "bpf_map_lookup_elem");
	return 0;
}

static int map_type_cb(uint32_t type, const char *name, void *ctx)
{
	struct ids *s = ctx;

	if (s->n && type <= s->last)
		s->sorted = false;
	s->last = type;
	s->n++;
	s->has_ringbuf |= type == BPFHOST_MAP_TYPE_RINGBUF && name && !strcmp(name, "ringbuf");
	s->has_lpm |= type == BPFHOST_MAP_TYPE_LPM_TRIE && name && !strcmp(name, "lpm_trie");
	return 0;
}

TEST(issue3_feature_core_helpers_and_map_types)
{
	struct ids s = { .sorted = true };

	CHECK_EQ(bpfhost_for_each_core_helper(helper_cb, &s), 0);
	CHECK(s.n >= 27); /* the issue's list, bpf_tail_call included */
	CHECK(s.sorted);
	CHECK(s.tail_call);
	CHECK(s.map_lookup);
	CHECK(s.last < BPFHOST_HELPER_EXT_BASE); /* core helpers keep Linux ids */

	memset(&s, 0, sizeof(s));
	s.sorted = true;
	CHECK_EQ(bpfhost_for_each_map_type(map_type_cb, &s), 0);
	CHECK(s.n >= 12);
	CHECK(s.sorted);
	CHECK(s.has_ringbuf);
	CHECK(s.has_lpm);

	CHECK_EQ(bpfhost_for_each_core_helper(NULL, NULL), -EINVAL);
	CHECK_EQ(bpfhost_for_each_map_type(NULL, NULL), -EINVAL);
}
