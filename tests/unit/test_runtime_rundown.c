/* SPDX-License-Identifier: MIT */
/*
 * Rundown: unregistering an extension and detaching links while other
 * threads invoke. Nothing may crash or touch freed memory (run under ASan /
 * TSan), and once unregister returns no program of the extension runs.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_runtime_util.h"

struct inv {
	struct bpfhost_hook *hook;
	struct bpfhost_prog_type *type;
	int stop;
	int started;
	long ok, enodev, bad;
};

static void *invoker(void *arg)
{
	struct inv *iv = arg;
	struct tctx *ctx = bpfhost_ctx_alloc(iv->type, 0, 0);
	long ok = 0, enodev = 0, bad = 0;
	uint64_t v;

	if (!ctx)
		return NULL;
	while (!__atomic_load_n(&iv->stop, __ATOMIC_ACQUIRE)) {
		int err = bpfhost_hook_invoke(iv->hook, ctx, &v);

		if (err == -ENODEV) {
			enodev++;
			break;
		}
		if (err || (v != 0 && v != 1))
			bad++;
		else
			ok++;
		if (bpfhost_ctx_header(ctx)->slot[BPFHOST_CTX_SLOT_STATE])
			bad++;
		if (ok + bad == 1)
			__atomic_fetch_add(&iv->started, 1, __ATOMIC_RELEASE);
	}
	__atomic_fetch_add(&iv->ok, ok, __ATOMIC_RELAXED);
	__atomic_fetch_add(&iv->enodev, enodev, __ATOMIC_RELAXED);
	__atomic_fetch_add(&iv->bad, bad, __ATOMIC_RELAXED);
	bpfhost_ctx_free(ctx);
	return NULL;
}

/* Wait until n invoker threads have completed an invocation. */
static void wait_started(struct inv *iv, int n)
{
	while (__atomic_load_n(&iv->started, __ATOMIC_ACQUIRE) < n)
		sched_yield();
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* counter[0] += 1 (atomically) after a short loop; r0 = 1 */
static int load_counter(struct bpfhost *rt, int map)
{
	char text[512], log[1024];
	int fd;

	snprintf(text, sizeof(text),
		 "mov %%r6, 0\nloop:\nadd %%r6, 1\njlt %%r6, 200, loop\n"
		 "stw [%%r10-4], 0\nlddw %%r1, 0x%x\nmov %%r2, %%r10\nadd %%r2, -4\ncall 1\n"
		 "jeq %%r0, 0, out\nmov %%r1, 1\nlock add [%%r0], %%r1\nout:\nmov %%r0, 1\nexit\n",
		 0x7fff0000 + map);
	fd = rt_load(rt, "tprog", "cnt", text, log, sizeof(log));
	if (fd < 0)
		printf("  load failed: %s\n", log);
	return fd;
}

static uint64_t counter(int map)
{
	uint32_t k = 0;
	uint64_t v = 0;

	bpfhost_map_lookup_elem(map, &k, &v);
	return v;
}

TEST(runtime_rundown_unregister_while_invoking)
{
	struct bpfhost *rt = rt_new();
	struct text t;
	struct bpfhost_extension *ext;
	struct inv iv = { 0 };
	pthread_t th[4];
	uint64_t c1, c2;
	int i, map, p;

	text_init(&t, "rd");
	ext = bpfhost_extension__register(rt, &t.ext);
	iv.hook = bpfhost_extension__hook(ext, "thook");
	iv.type = bpfhost_extension__prog_type(ext, "tprog");
	map = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "c", 4, 8, 1, NULL);
	p = load_counter(rt, map);
	CHECK(bpfhost_link_create(p, iv.hook, NULL) > 0);
	CHECK(bpfhost_link_create(p, iv.hook, NULL) > 0);
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, invoker, &iv);
	wait_started(&iv, 4);
	sleep_ms(10);
	CHECK_EQ(bpfhost_extension__unregister(ext), 0);
	/* rundown: whatever was in flight has finished */
	c1 = counter(map);
	sleep_ms(20);
	c2 = counter(map);
	CHECK_U64(c1, c2);
	__atomic_store_n(&iv.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK(iv.ok > 0);
	CHECK_EQ(iv.enodev, 4); /* every thread saw the hook go away */
	CHECK_EQ(iv.bad, 0);
	CHECK(c2 > 0);
	bpfhost__free(rt);
}

TEST(runtime_rundown_attach_detach_while_invoking)
{
	struct bpfhost *rt = rt_new();
	struct text t;
	struct bpfhost_extension *ext;
	struct inv iv = { 0 };
	pthread_t th[3];
	int i, map, p, l;

	text_init(&t, "rd2");
	ext = bpfhost_extension__register(rt, &t.ext);
	iv.hook = bpfhost_extension__hook(ext, "thook");
	iv.type = bpfhost_extension__prog_type(ext, "tprog");
	map = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "c", 4, 8, 1, NULL);
	p = load_counter(rt, map);
	for (i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, invoker, &iv);
	wait_started(&iv, 3);
	for (i = 0; i < 200; i++) {
		l = bpfhost_link_create(p, iv.hook, NULL);
		CHECK(l > 0);
		/* closing the program fd: the link keeps the program alive */
		if (i == 100)
			CHECK_EQ(bpfhost_close(p), 0);
		CHECK_EQ(bpfhost_close(l), 0);
		if (i == 100) {
			p = load_counter(rt, map);
			CHECK(p > 0);
		}
	}
	__atomic_store_n(&iv.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	CHECK(iv.ok > 0);
	CHECK_EQ(iv.bad, 0);
	bpfhost__free(rt);
}

TEST(runtime_rundown_free_instance_while_linked)
{
	struct bpfhost *rt = rt_new();
	struct text t;
	struct bpfhost_extension *ext;
	struct bpfhost_hook *hook;
	int map, p;

	text_init(&t, "rd3");
	ext = bpfhost_extension__register(rt, &t.ext);
	hook = bpfhost_extension__hook(ext, "thook");
	map = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "c", 4, 8, 1, NULL);
	p = load_counter(rt, map);
	CHECK(bpfhost_link_create(p, hook, NULL) > 0);
	/* links, programs, maps, extensions: all released (LeakSanitizer checks) */
	bpfhost__free(rt);
	CHECK_EQ(bpfhost_close(p), -EBADF);
}

/* A child forked while another thread is inside an invocation can still
 * detach links (its grace period does not wait for the missing thread). */
TEST(runtime_rundown_fork_child)
{
	struct bpfhost *rt = rt_new();
	struct text t;
	struct bpfhost_extension *ext;
	struct inv iv = { 0 };
	pthread_t th;
	pid_t pid;
	int map, p, l, status = -1;

	text_init(&t, "rd4");
	ext = bpfhost_extension__register(rt, &t.ext);
	iv.hook = bpfhost_extension__hook(ext, "thook");
	iv.type = bpfhost_extension__prog_type(ext, "tprog");
	map = bpfhost_map_create(rt, BPFHOST_MAP_TYPE_ARRAY, "c", 4, 8, 1, NULL);
	p = load_counter(rt, map);
	l = bpfhost_link_create(p, iv.hook, NULL);
	CHECK(l > 0);
	pthread_create(&th, NULL, invoker, &iv);
	wait_started(&iv, 1);
	pid = fork();
	if (pid == 0) {
		alarm(10);
		_exit(bpfhost_close(l) == 0 && bpfhost_extension__unregister(ext) == 0 ? 0 : 1);
	}
	CHECK(pid > 0);
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	__atomic_store_n(&iv.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	CHECK_EQ(iv.bad, 0);
	bpfhost__free(rt);
}
