/* SPDX-License-Identifier: MIT */
/*
 * Core helper table (Linux ids, names, well-formed prototypes) and the
 * helpers about time, the calling thread, randomness and the attach cookie.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers/helpers.h"
#include "../lib/harness.h"

#define CALL0(name) bh_helper_##name(0, 0, 0, 0, 0, NULL)

/* The ids of <linux/bpf.h> (__BPF_FUNC_MAPPER) for every core helper. */
static const struct {
	uint32_t id;
	const char *name;
} linux_ids[] = {
	{ 1, "bpf_map_lookup_elem" },
	{ 2, "bpf_map_update_elem" },
	{ 3, "bpf_map_delete_elem" },
	{ 5, "bpf_ktime_get_ns" },
	{ 6, "bpf_trace_printk" },
	{ 7, "bpf_get_prandom_u32" },
	{ 8, "bpf_get_smp_processor_id" },
	{ 14, "bpf_get_current_pid_tgid" },
	{ 25, "bpf_perf_event_output" },
	{ 87, "bpf_map_push_elem" },
	{ 88, "bpf_map_pop_elem" },
	{ 89, "bpf_map_peek_elem" },
	{ 118, "bpf_jiffies64" },
	{ 125, "bpf_ktime_get_boot_ns" },
	{ 130, "bpf_ringbuf_output" },
	{ 131, "bpf_ringbuf_reserve" },
	{ 132, "bpf_ringbuf_submit" },
	{ 133, "bpf_ringbuf_discard" },
	{ 134, "bpf_ringbuf_query" },
	{ 160, "bpf_ktime_get_coarse_ns" },
	{ 164, "bpf_for_each_map_elem" },
	{ 165, "bpf_snprintf" },
	{ 174, "bpf_get_attach_cookie" },
	{ 177, "bpf_trace_vprintk" },
	{ 181, "bpf_loop" },
	{ 182, "bpf_strncmp" },
};

TEST(helpers_table_ids_are_linux)
{
	for (size_t i = 0; i < sizeof(linux_ids) / sizeof(linux_ids[0]); i++) {
		const struct bpfhost_helper_proto *p = bh_core_helper_find(linux_ids[i].id);

		CHECK_MSG(p, "helper id %u (%s) missing", linux_ids[i].id, linux_ids[i].name);
		if (p)
			CHECK_STR(p->name, linux_ids[i].name);
	}
	/* tail_call is the runtime's; 0 and unknown ids are absent */
	CHECK(!bh_core_helper_find(12));
	CHECK(!bh_core_helper_find(0));
	CHECK(!bh_core_helper_find(4));
	CHECK(!bh_core_helper_find(BPFHOST_HELPER_EXT_BASE));
}

TEST(helpers_table_well_formed)
{
	CHECK_EQ(bh_core_helper_cnt, sizeof(linux_ids) / sizeof(linux_ids[0]));
	for (size_t i = 0; i < bh_core_helper_cnt; i++) {
		const struct bpfhost_helper_proto *p = &bh_core_helpers[i];
		bool ended = false;

		CHECK_EQ(p->version, BPFHOST_HELPER_PROTO_VERSION);
		CHECK_EQ(p->size, sizeof(*p));
		CHECK(p->fn);
		CHECK(p->name && !strncmp(p->name, "bpf_", 4));
		CHECK(p->id > 0 && p->id < BPFHOST_HELPER_EXT_BASE);
		CHECK(p->ret < BPFHOST_RET__COUNT);
		if (i)
			CHECK_MSG(bh_core_helpers[i - 1].id < p->id, "ids not sorted at %s",
				  p->name);
		CHECK(bh_core_helper_find(p->id) == p);
		for (int a = 0; a < 5; a++) {
			CHECK(p->args[a] < BPFHOST_ARG__COUNT);
			if (p->args[a] == BPFHOST_ARG_NONE)
				ended = true;
			else
				CHECK_MSG(!ended, "%s: argument %d after NONE", p->name, a + 1);
			/* a size argument follows a memory argument */
			if (p->args[a] == BPFHOST_ARG_CONST_SIZE ||
			    p->args[a] == BPFHOST_ARG_CONST_SIZE_OR_ZERO)
				CHECK_MSG(a > 0 &&
						  (p->args[a - 1] == BPFHOST_ARG_PTR_TO_MEM ||
						   p->args[a - 1] == BPFHOST_ARG_PTR_TO_UNINIT_MEM),
					  "%s: size argument %d without memory", p->name, a + 1);
		}
	}
}

static uint64_t now_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

TEST(helpers_time)
{
	uint64_t before = now_ns(CLOCK_MONOTONIC);
	uint64_t k = CALL0(ktime_get_ns);
	uint64_t after = now_ns(CLOCK_MONOTONIC);
	uint64_t res, coarse, j;
	struct timespec r;

	CHECK(before <= k && k <= after);
	CHECK(CALL0(ktime_get_ns) >= k);

	before = now_ns(CLOCK_BOOTTIME);
	k = CALL0(ktime_get_boot_ns);
	after = now_ns(CLOCK_BOOTTIME);
	CHECK(before <= k && k <= after);
	CHECK(k >= CALL0(ktime_get_ns) - 1000000000ull); /* boot time includes suspend */

	clock_getres(CLOCK_MONOTONIC_COARSE, &r);
	res = (uint64_t)r.tv_sec * 1000000000ull + (uint64_t)r.tv_nsec;
	before = now_ns(CLOCK_MONOTONIC_COARSE);
	coarse = CALL0(ktime_get_coarse_ns);
	after = now_ns(CLOCK_MONOTONIC_COARSE);
	CHECK(before <= coarse && coarse <= after);
	CHECK(coarse <= CALL0(ktime_get_ns));
	CHECK(CALL0(ktime_get_ns) - coarse <= res + 100000000ull);

	/* jiffies at 1000 Hz from the coarse clock */
	before = now_ns(CLOCK_MONOTONIC_COARSE) / 1000000;
	j = CALL0(jiffies64);
	after = now_ns(CLOCK_MONOTONIC_COARSE) / 1000000;
	CHECK(before <= j && j <= after);
}

static void *thread_pid_tgid(void *arg)
{
	*(uint64_t *)arg = CALL0(get_current_pid_tgid);
	return NULL;
}

TEST(helpers_pid_tgid)
{
	uint64_t v = CALL0(get_current_pid_tgid), other = 0;
	pthread_t t;
	pid_t child;
	int st = 0;

	CHECK_EQ(v >> 32, getpid());
	CHECK_EQ((uint32_t)v, gettid());
	CHECK_U64(CALL0(get_current_pid_tgid), v); /* cached, same answer */

	CHECK_EQ(pthread_create(&t, NULL, thread_pid_tgid, &other), 0);
	pthread_join(t, NULL);
	CHECK_EQ(other >> 32, getpid());
	CHECK((uint32_t)other != (uint32_t)v);

	/* the cache does not survive fork */
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		uint64_t c = CALL0(get_current_pid_tgid);

		_exit(c >> 32 == (uint64_t)getpid() && (uint32_t)c == (uint32_t)gettid() ? 0 : 1);
	}
	waitpid(child, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

TEST(helpers_smp_processor_id)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	cpu_set_t old, one;
	uint64_t cpu = CALL0(get_smp_processor_id);

	CHECK((long)cpu < ncpu);
	if (sched_getaffinity(0, sizeof(old), &old))
		SKIP("sched_getaffinity failed");
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &old))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue;
		CHECK_EQ(CALL0(get_smp_processor_id), c);
	}
	sched_setaffinity(0, sizeof(old), &old);
}

static void *thread_prandom(void *arg)
{
	uint64_t *out = arg;

	for (int i = 0; i < 4; i++)
		out[i] = CALL0(get_prandom_u32);
	return NULL;
}

TEST(helpers_prandom)
{
	uint32_t all_or = 0, all_and = 0xffffffff;
	uint64_t a[4], b[4], v;
	pthread_t t1, t2;
	int same = 0, pipefd[2], st = 0;
	pid_t child;

	for (int i = 0; i < 2000; i++) {
		v = CALL0(get_prandom_u32);
		CHECK(v <= 0xffffffffull);
		all_or |= (uint32_t)v;
		all_and &= (uint32_t)v;
	}
	CHECK_U64(all_or, 0xffffffff); /* every bit seen set ... */
	CHECK_U64(all_and, 0);	       /* ... and clear */

	/* threads are seeded independently */
	pthread_create(&t1, NULL, thread_prandom, a);
	pthread_create(&t2, NULL, thread_prandom, b);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	for (int i = 0; i < 4; i++)
		same += a[i] == b[i];
	CHECK(same < 4);

	/* a forked child does not replay the parent's sequence */
	CHECK_EQ(pipe(pipefd), 0);
	child = fork();
	if (child == 0) {
		uint64_t c[4];

		for (int i = 0; i < 4; i++)
			c[i] = CALL0(get_prandom_u32);
		_exit(write(pipefd[1], c, sizeof(c)) == sizeof(c) ? 0 : 1);
	}
	for (int i = 0; i < 4; i++)
		a[i] = CALL0(get_prandom_u32);
	waitpid(child, &st, 0);
	CHECK_EQ(read(pipefd[0], b, sizeof(b)), (long)sizeof(b));
	close(pipefd[0]);
	close(pipefd[1]);
	same = 0;
	for (int i = 0; i < 4; i++)
		same += a[i] == b[i];
	CHECK(same < 4);
}

TEST(helpers_attach_cookie)
{
	uint64_t mem[8 + 4] = { 0 };
	void *ctx = &mem[8];

	mem[BPFHOST_CTX_SLOT_COOKIE] = 0xfeedfacecafebeefull;
	CHECK_U64(bh_helper_get_attach_cookie((uint64_t)(uintptr_t)ctx, 0, 0, 0, 0, ctx),
		  0xfeedfacecafebeefull);
	mem[BPFHOST_CTX_SLOT_COOKIE] = 0;
	CHECK_U64(bh_helper_get_attach_cookie((uint64_t)(uintptr_t)ctx, 0, 0, 0, 0, ctx), 0);
	CHECK_U64(bh_helper_get_attach_cookie(0, 0, 0, 0, 0, NULL), 0);
}
