/* SPDX-License-Identifier: MIT */
/*
 * Tail calls and PROG_ARRAY maps: slot semantics from user space, the
 * same-program-type rule, the trampoline (the target runs after the caller
 * returns), failing tail calls that continue, the 33-call limit, prog array
 * clearing when its last fd closes, replacing slots while invoking.
 */
#include <pthread.h>
#include <sched.h>

#include "test_runtime_util.h"

struct tenv {
	struct bpfhost *rt;
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	struct text t, u;
};

static void tenv_init(struct tenv *e)
{
	struct bpfhost_extension *ext;

	e->rt = rt_new();
	text_init(&e->t, "tail");
	ext = bpfhost_extension__register(e->rt, &e->t.ext);
	e->hook = bpfhost_extension__hook(ext, "thook");
	e->type = bpfhost_extension__prog_type(ext, "tprog");
	/* a second program type */
	text_init(&e->u, "tail2");
	e->u.type.name = "other";
	e->u.hooks[0].name = "ohook";
	e->u.hooks[0].prog_type = "other";
	bpfhost_extension__register(e->rt, &e->u.ext);
}

static int load(struct bpfhost *rt, const char *type, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int load(struct bpfhost *rt, const char *type, const char *name, const char *fmt, ...)
{
	char text[1024], log[1024];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fd = rt_load(rt, type, name, text, log, sizeof(log));
	if (fd < 0)
		printf("  load %s: %s\n", name, log);
	return fd;
}

static int set_slot(int map, uint32_t idx, int prog)
{
	uint32_t v = (uint32_t)prog;

	return bpfhost_map_update_elem(map, &idx, &v, BPFHOST_ANY);
}

TEST(runtime_prog_array_user_view)
{
	struct tenv e;
	uint32_t k, v, next;
	int pa, p, q, m;

	tenv_init(&e);
	pa = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "pa", 4, 4, 4, NULL);
	CHECK(pa > 0);
	CHECK(bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "bad", 4, 8, 4, NULL) < 0);
	p = load(e.rt, "tprog", "p", "mov %%r0, 1\nexit\n");
	q = load(e.rt, "other", "q", "mov %%r0, 1\nexit\n");
	m = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_ARRAY, "m", 4, 4, 1, NULL);

	k = 1;
	CHECK_EQ(bpfhost_map_lookup_elem(pa, &k, &v), -ENOENT);
	CHECK_EQ(set_slot(pa, 1, p), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(pa, &k, &v), 0);
	CHECK(v > 0); /* the program's id */
	v = (uint32_t)p;
	CHECK_EQ(bpfhost_map_update_elem(pa, &k, &v, BPFHOST_NOEXIST), -EEXIST);
	CHECK_EQ(bpfhost_map_update_elem(pa, &k, &v, 9), -EINVAL);
	CHECK_EQ(set_slot(pa, 4, p), -E2BIG);
	CHECK_EQ(set_slot(pa, 0, 999), -EBADF);
	CHECK_EQ(set_slot(pa, 0, m), -EINVAL);
	/* programs of another type are refused */
	rt_msgs_clear();
	CHECK_EQ(set_slot(pa, 0, q), -EINVAL);
	CHECK_CONTAINS(rt_msgs, "prog_array 'pa': program 'q' is of type 'other' but the array "
				"holds programs of type 'tprog'");
	CHECK_EQ(bpfhost_map_get_next_key(pa, NULL, &next), 0);
	CHECK_EQ(next, 0);
	k = 3;
	CHECK_EQ(bpfhost_map_get_next_key(pa, &k, &next), -ENOENT);
	k = 1;
	CHECK_EQ(bpfhost_map_delete_elem(pa, &k), 0);
	CHECK_EQ(bpfhost_map_delete_elem(pa, &k), -ENOENT);
	k = 7;
	CHECK_EQ(bpfhost_map_delete_elem(pa, &k), -E2BIG);
	bpfhost__free(e.rt);
}

TEST(runtime_prog_array_owner_from_load)
{
	struct tenv e;
	char log[1024], text[256];
	int pa, q;

	tenv_init(&e);
	pa = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "pa", 4, 4, 2, NULL);
	/* the first program that refers to the array claims it for its type */
	CHECK(load(e.rt, "tprog", "p", "lddw %%r2, 0x%x\nmov %%r0, 0\nexit\n", 0x7fff0000 + pa) >
	      0);
	snprintf(text, sizeof(text), "lddw %%r2, 0x%x\nmov %%r0, 0\nexit\n", 0x7fff0000 + pa);
	CHECK_EQ(rt_load(e.rt, "other", "q", text, log, sizeof(log)), -EINVAL);
	CHECK_CONTAINS(log, "insn 0: prog_array 'pa' holds programs of type 'tprog', not 'other'");
	q = load(e.rt, "other", "q", "mov %%r0, 1\nexit\n");
	CHECK_EQ(set_slot(pa, 0, q), -EINVAL);
	bpfhost__free(e.rt);
}

/* r1 = ctx kept in r6; r0 = tail_call(ctx, pa, idx); then `ret` */
#define TAIL_CALLER \
	"mov %%r6, %%r1\nmov %%r1, %%r6\nlddw %%r2, 0x%x\nmov %%r3, %d\ncall 12\n%s\nexit\n"

TEST(runtime_tail_call_trampoline)
{
	struct tenv e;
	struct tctx *ctx;
	uint64_t v;
	int pa, a, b;

	tenv_init(&e);
	ctx = bpfhost_ctx_alloc(e.type, 0, 0);
	pa = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "pa", 4, 4, 4, NULL);
	/* a: sets mark bit 1, tail-calls slot 2, then sets bit 2 and returns 7 */
	a = load(e.rt, "tprog", "a",
		 "mov %%r6, %%r1\nmov %%r2, 1\nstxw [%%r6+20], %%r2\nlddw %%r2, 0x%x\n"
		 "mov %%r1, %%r6\nmov %%r3, 2\ncall 12\nmov %%r7, %%r0\nldxw %%r2, [%%r6+20]\n"
		 "or %%r2, 2\nstxw [%%r6+20], %%r2\nmov %%r0, 7\njeq %%r7, 0, done\n"
		 "mov %%r0, %%r7\ndone:\nexit\n",
		 0x7fff0000 + pa);
	/* b: r0 = 42 + mark */
	b = load(e.rt, "tprog", "b", "ldxw %%r0, [%%r1+20]\nadd %%r0, 40\nexit\n");
	CHECK(a > 0 && b > 0);
	CHECK(bpfhost_link_create(a, e.hook, NULL) > 0);

	/* empty slot: the call fails with -ENOENT and the program goes on */
	ctx->mark = 0;
	CHECK_EQ(bpfhost_hook_invoke(e.hook, ctx, &v), 0);
	CHECK_U64(v, (uint64_t)-ENOENT);
	CHECK_EQ(ctx->mark, 3);

	/* taken: a runs to its end (trampoline), then b runs; b's r0 counts */
	CHECK_EQ(set_slot(pa, 2, b), 0);
	ctx->mark = 0;
	CHECK_EQ(bpfhost_hook_invoke(e.hook, ctx, &v), 0);
	CHECK_U64(v, 43);
	CHECK_EQ(ctx->mark, 3);
	CHECK_U64(bpfhost_ctx_header(ctx)->slot[BPFHOST_CTX_SLOT_STATE], 0);

	/* out of range index (u32 compare, like Linux) */
	bpfhost_ctx_free(ctx);
	bpfhost__free(e.rt);
}

TEST(runtime_tail_call_limit_33)
{
	struct tenv e;
	struct tctx *ctx;
	uint32_t k = 0;
	uint64_t v, cnt;
	int pa, cm, self, l;

	tenv_init(&e);
	ctx = bpfhost_ctx_alloc(e.type, 0, 0);
	pa = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "pa", 4, 4, 1, NULL);
	cm = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_ARRAY, "cnt", 4, 8, 1, NULL);
	/* count one run, then tail-call itself; r0 = the tail call's result */
	self = load(e.rt, "tprog", "self",
		    "mov %%r6, %%r1\nstw [%%r10-4], 0\nlddw %%r1, 0x%x\nmov %%r2, %%r10\n"
		    "add %%r2, -4\ncall 1\njeq %%r0, 0, skip\nmov %%r1, 1\n"
		    "lock add [%%r0], %%r1\nskip:\nmov %%r1, %%r6\nlddw %%r2, 0x%x\nmov %%r3, 0\n"
		    "call 12\nexit\n",
		    0x7fff0000 + cm, 0x7fff0000 + pa);
	CHECK(self > 0);
	CHECK_EQ(set_slot(pa, 0, self), 0);
	l = bpfhost_link_create(self, e.hook, NULL);
	CHECK(l > 0);
	CHECK_EQ(bpfhost_hook_invoke(e.hook, ctx, &v), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(cm, &k, &cnt), 0);
	CHECK_U64(cnt, 34);		/* the first run and exactly 33 tail calls */
	CHECK_U64(v, (uint64_t)-E2BIG); /* the 34th tail call failed */
	/* every invocation has its own count */
	CHECK_EQ(bpfhost_hook_invoke(e.hook, ctx, &v), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(cm, &k, &cnt), 0);
	CHECK_U64(cnt, 68);

	/* closing the array's last fd empties it (breaks the program <-> array cycle) */
	CHECK_EQ(bpfhost_close(pa), 0);
	CHECK_EQ(bpfhost_close(self), 0);
	CHECK_EQ(bpfhost_hook_invoke(e.hook, ctx, &v), 0);
	CHECK_EQ(bpfhost_map_lookup_elem(cm, &k, &cnt), 0);
	CHECK_U64(cnt, 69);
	CHECK_U64(v, (uint64_t)-ENOENT);
	bpfhost_ctx_free(ctx);
	bpfhost__free(e.rt); /* LeakSanitizer: nothing of the cycle is left */
}

struct swap_race {
	struct tenv *e;
	int stop;
	long bad, runs;
};

static void *swap_invoker(void *arg)
{
	struct swap_race *s = arg;
	struct tctx *ctx = bpfhost_ctx_alloc(s->e->type, 0, 0);
	uint64_t v;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		if (bpfhost_hook_invoke(s->e->hook, ctx, &v) ||
		    (v != 100 && v != 200 && v != (uint64_t)-ENOENT))
			__atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->runs, 1, __ATOMIC_RELAXED);
	}
	bpfhost_ctx_free(ctx);
	return NULL;
}

TEST(runtime_tail_call_replace_while_invoking)
{
	struct tenv e;
	struct swap_race s = { .e = &e };
	pthread_t th[3];
	uint32_t k = 0;
	int pa, caller, i;

	tenv_init(&e);
	pa = bpfhost_map_create(e.rt, BPFHOST_MAP_TYPE_PROG_ARRAY, "pa", 4, 4, 1, NULL);
	caller = load(e.rt, "tprog", "caller", TAIL_CALLER, 0x7fff0000 + pa, 0, "");
	CHECK(bpfhost_link_create(caller, e.hook, NULL) > 0);
	for (i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, swap_invoker, &s);
	while (__atomic_load_n(&s.runs, __ATOMIC_RELAXED) < 3)
		sched_yield();
	for (i = 0; i < 100; i++) {
		/* a fresh program each time; the old one is freed once no chain runs it */
		int t = load(e.rt, "tprog", "t", "mov %%r0, %d\nexit\n", i % 2 ? 100 : 200);

		CHECK_EQ(set_slot(pa, 0, t), 0);
		CHECK_EQ(bpfhost_close(t), 0);
		if (i % 10 == 9)
			bpfhost_map_delete_elem(pa, &k);
	}
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	CHECK_EQ(s.bad, 0);
	CHECK(s.runs > 0);
	bpfhost__free(e.rt);
}
