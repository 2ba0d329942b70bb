/* SPDX-License-Identifier: MIT */
/*
 * Tests of the format engine behind bpf_trace_printk/trace_vprintk/
 * bpf_snprintf (Linux's rules), of bpf_snprintf and bpf_strncmp, and of the
 * fault-safe reads they rely on (including the pipe fallback, forced in a
 * child by a seccomp filter that refuses process_vm_readv).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/helpers.h"
#include "../lib/harness.h"

#define U(p) ((uint64_t)(uintptr_t)(p))
/* a string literal and its size */
#define FS(s) s, sizeof(s)

/* Format with up to 12 arguments into a 256-byte buffer. */
static int fmt(char *out, const char *f, uint32_t n, ...)
{
	uint64_t a[BH_BPRINTF_MAX_ARGS] = { 0 };
	va_list ap;

	va_start(ap, n);
	for (uint32_t i = 0; i < n; i++)
		a[i] = va_arg(ap, uint64_t);
	va_end(ap);
	strcpy(out, "untouched");
	return bh_bprintf(out, 256, f, strlen(f) + 1, a, n);
}

#define CHECK_FMT(expect, f, n, ...)                     \
	do {                                             \
		char out_[256];                          \
		int r_ = fmt(out_, f, n, ##__VA_ARGS__); \
		CHECK_STR(out_, expect);                 \
		CHECK_EQ(r_, (long long)strlen(expect)); \
	} while (0)

#define CHECK_FMT_ERR(err, f, n, ...)                          \
	do {                                                   \
		char out_[256];                                \
		CHECK_EQ(fmt(out_, f, n, ##__VA_ARGS__), err); \
		CHECK_STR(out_, "untouched");                  \
	} while (0)

/* A page that is mapped but unreadable, after a readable one. */
static char *guarded_pages(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	mprotect(p + pg, pg, PROT_NONE);
	return p;
}

static void free_guarded(char *p)
{
	munmap(p, 2 * sysconf(_SC_PAGESIZE));
}

TEST(bprintf_integers)
{
	CHECK_FMT("-8 9 96 -424242 1337 DABBAD00", "%d %u %x %li %llu %lX", 6, (uint64_t)-8, 9ull,
		  150ull, (uint64_t)-424242, 1337ull, 0xDABBAD00ull);
	/* without l the argument is cut to 32 bits */
	CHECK_FMT("5 -1 4294967295 ffffffff", "%d %i %u %x", 4, 0x100000005ull, 0xffffffffull,
		  (uint64_t)-1, (uint64_t)-1);
	CHECK_FMT("-1 18446744073709551615 ffffffffffffffff", "%lld %llu %llx", 3, (uint64_t)-1,
		  (uint64_t)-1, (uint64_t)-1);
	CHECK_FMT("-9223372036854775808", "%lld", 1, 0x8000000000000000ull);
	CHECK_FMT("-2147483648", "%d", 1, 0x80000000ull);
	CHECK_FMT("0 0", "%d %x", 2, 0ull, 0ull);
}

TEST(bprintf_flags_and_width)
{
	CHECK_FMT("[   42]", "[%5d]", 1, 42ull);
	CHECK_FMT("[42   ]", "[%-5d]", 1, 42ull);
	CHECK_FMT("[-0042]", "[%05d]", 1, (uint64_t)-42);
	CHECK_FMT("[-42  ]", "[%-05d]", 1, (uint64_t)-42);
	CHECK_FMT("[+42] [ 42] [42]", "[%+d] [% d] [%+u]", 3, 42ull, 42ull, 42ull);
	CHECK_FMT("[  +42]", "[%+5d]", 1, 42ull);
	CHECK_FMT("[0000beef] [BEEF]", "[%08x] [%X]", 2, 0xbeefull, 0xbeefull);
	CHECK_FMT("[0000000000000042]", "[%016llx]", 1, 0x42ull);
	CHECK_FMT("[12]", "[%1d]", 1, 12ull);
	CHECK_FMT("[  A] [A  ] [B]", "[%3c] [%-3c] [%c]", 3, (uint64_t)'A', (uint64_t)'A',
		  0x142ull);
	CHECK_FMT("100% sure", "100%% sure", 0);
}

TEST(bprintf_width_is_clamped_and_counted)
{
	char small[8];
	uint64_t a = 1;
	int n;

	n = bh_bprintf(small, sizeof(small), FS("%8388607d"), &a, 1);
	CHECK_EQ(n, 8388607);
	CHECK_STR(small, "       ");
	/* wider than Linux's field width limit: clamped to it */
	n = bh_bprintf(small, sizeof(small), FS("%99999999999d"), &a, 1);
	CHECK_EQ(n, 8388607);
}

TEST(bprintf_strings)
{
	char *g = guarded_pages();
	long pg = sysconf(_SC_PAGESIZE);

	CHECK_FMT("hello world", "%s %s", 2, U("hello"), U("world"));
	CHECK_FMT("[  abc] [abc  ]", "[%5s] [%-5s]", 2, U("abc"), U("abc"));
	CHECK_FMT("kernel user", "%pks %pus", 2, U("kernel"), U("user"));
	/* unreadable memory prints as the empty string, never faults */
	CHECK_FMT("[] []", "[%s] [%s]", 2, 0ull, 16ull);
	CHECK(g);
	if (!g)
		return;
	CHECK_FMT("[]", "[%s]", 1, U(g + pg));
	/* a string ending right before the unreadable page is fine... */
	memcpy(g + pg - 4, "end", 4);
	CHECK_FMT("[end]", "[%s]", 1, U(g + pg - 4));
	/* ...one running into it is not */
	memcpy(g + pg - 4, "endX", 4);
	CHECK_FMT("[]", "[%s]", 1, U(g + pg - 4));
	free_guarded(g);
}

TEST(bprintf_pointers)
{
	CHECK_FMT("0000000000001234 0000000000001234 0000000000001234", "%p %px %pK", 3, 0x1234ull,
		  0x1234ull, 0x1234ull);
	CHECK_FMT("0x00000000deadbeef 0x00000000deadbeef 0x00000000deadbeef", "%ps %pS %pB", 3,
		  0xdeadbeefull, 0xdeadbeefull, 0xdeadbeefull);
	CHECK_FMT("[    1234]", "[%8p]", 1, 0x1234ull);
	/* plain %p followed by punctuation: the punctuation is text */
	CHECK_FMT("(0000000000000001)", "(%p)", 1, 1ull);
	CHECK_FMT("0000000000000000", "%p", 1, 0ull);
}

TEST(bprintf_ip_addresses)
{
	uint8_t v4[4] = { 127, 0, 0, 1 };
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	CHECK_FMT("127.0.0.1 127.000.000.001", "%pI4 %pi4", 2, U(v4), U(v4));
	CHECK_FMT("2001:0db8:0000:0000:0000:0000:0000:0001", "%pI6", 1, U(v6));
	CHECK_FMT("20010db8000000000000000000000001", "%pi6", 1, U(v6));
	CHECK_FMT("[  127.0.0.1]", "[%11pI4]", 1, U(v4));
	/* unreadable: zeros */
	CHECK_FMT("0.0.0.0", "%pI4", 1, 8ull);
}

TEST(bprintf_bad_formats)
{
	CHECK_FMT_ERR(-EINVAL, "%lc", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%llc", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%--------", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "\x01", 0);
	CHECK_FMT_ERR(-EINVAL, "%\x80", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%p%", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%s%", 1, U("x"));
	CHECK_FMT_ERR(-EINVAL, "%sx", 1, U("x"));
	CHECK_FMT_ERR(-EINVAL, "%q", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%.3d", 1, 1ull); /* no precision in Linux's subset */
	CHECK_FMT_ERR(-EINVAL, "%#x", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%*d", 2, 1ull, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%hd", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%lf", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%pZ", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%pI5", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "trailing %", 1, 1ull);
	/* more specifiers than arguments */
	CHECK_FMT_ERR(-EINVAL, "%d %d", 1, 1ull);
	CHECK_FMT_ERR(-EINVAL, "%d", 0);
	/* fewer is fine */
	CHECK_FMT("1", "%d", 3, 1ull, 2ull, 3ull);
	/* white space and bytes >= 0x80 in plain text are accepted */
	CHECK_FMT("a\tb\n\xc3\xa9", "a\tb\n\xc3\xa9", 0);
}

TEST(bprintf_fmt_must_end_within_its_size)
{
	char out[16] = "untouched";
	const char f[4] = { 'a', 'b', 'c', 'd' };

	CHECK_EQ(bh_bprintf(out, sizeof(out), f, sizeof(f), NULL, 0), -EINVAL);
	CHECK_STR(out, "untouched");
	CHECK_EQ(bh_bprintf(out, sizeof(out), "abc\0def", 8, NULL, 0), 3);
	CHECK_STR(out, "abc");
	CHECK_EQ(bh_bprintf(out, sizeof(out), NULL, 8, NULL, 0), -EINVAL);
	CHECK_EQ(bh_bprintf(out, sizeof(out), "%d", 3, NULL, 1), -EINVAL);
	CHECK_EQ(bh_bprintf(out, sizeof(out), "x", 2, NULL, BH_BPRINTF_MAX_ARGS + 1), -EINVAL);
}

TEST(bprintf_truncation)
{
	char out[4];

	CHECK_EQ(bh_bprintf(out, sizeof(out), "hello", 6, NULL, 0), 5);
	CHECK_STR(out, "hel");
	CHECK_EQ(bh_bprintf(NULL, 0, "hello", 6, NULL, 0), 5);
	out[0] = 'x';
	CHECK_EQ(bh_bprintf(out, 1, "hello", 6, NULL, 0), 5);
	CHECK_EQ(out[0], 0);
}

TEST(bprintf_argument_space)
{
	static char s100[101];
	uint64_t a[8];
	char out[1024];
	int n;

	memset(s100, 'x', 100);
	for (int i = 0; i < 8; i++)
		a[i] = U(s100);
	/* 5 strings take 505 bytes; the 6th gets what is left (6 chars) */
	n = bh_bprintf(out, sizeof(out), FS("%s%s%s%s%s%s"), a, 6);
	CHECK_EQ(n, 506);
	/* nothing left for a 7th */
	CHECK_EQ(bh_bprintf(out, sizeof(out), FS("%s%s%s%s%s%s%s"), a, 7), -ENOSPC);
	/* 505 used, aligned to 508: a 64-bit integer does not fit, a 32-bit one does */
	a[5] = 7;
	CHECK_EQ(bh_bprintf(out, sizeof(out), FS("%s%s%s%s%s%lld"), a, 6), -ENOSPC);
	CHECK_EQ(bh_bprintf(out, sizeof(out), FS("%s%s%s%s%s%d"), a, 6), 501);
}

TEST(helper_snprintf)
{
	uint64_t data[3] = { 42, U("str"), (uint64_t)'c' };
	char out[32];
	const char *f = "%d-%s-%c";

	CHECK_EQ((int64_t)bh_helper_snprintf(U(out), sizeof(out), U(f), U(data), 24, NULL), 9);
	CHECK_STR(out, "42-str-c");
	/* truncated: returns the size needed, output NUL-terminated */
	CHECK_EQ((int64_t)bh_helper_snprintf(U(out), 4, U(f), U(data), 24, NULL), 9);
	CHECK_STR(out, "42-");
	/* size 0 (buffer may be NULL) */
	CHECK_EQ((int64_t)bh_helper_snprintf(0, 0, U(f), U(data), 24, NULL), 9);
	CHECK_EQ((int64_t)bh_helper_snprintf(U(out), sizeof(out), U("plain"), 0, 0, NULL), 6);
	/* data_len rules */
	CHECK_EQ((int64_t)bh_helper_snprintf(U(out), sizeof(out), U(f), U(data), 23, NULL),
		 -EINVAL);
	CHECK_EQ((int64_t)bh_helper_snprintf(U(out), sizeof(out), U(f), U(data), 13 * 8, NULL),
		 -EINVAL);
	CHECK_EQ((int64_t)bh_helper_snprintf(U(out), sizeof(out), U(f), 0, 24, NULL), -EINVAL);
	/* bad format, too many specifiers */
	CHECK_EQ((int64_t)bh_helper_snprintf(U(out), sizeof(out), U("%d %d %d %d"), U(data), 24,
					     NULL),
		 -EINVAL);
	CHECK_EQ((int64_t)bh_helper_snprintf(U(out), sizeof(out), U("%y"), U(data), 8, NULL),
		 -EINVAL);
	/* twelve arguments */
	{
		uint64_t d12[12];

		for (int i = 0; i < 12; i++)
			d12[i] = (uint64_t)i;
		CHECK_EQ((int64_t)bh_helper_snprintf(U(out), sizeof(out),
						     U("%d%d%d%d%d%d%d%d%d%d%d%d"), U(d12), 96,
						     NULL),
			 15);
		CHECK_STR(out, "01234567891011");
	}
}

TEST(helper_strncmp)
{
#define SC(a, n, b) ((int64_t)bh_helper_strncmp(U(a), (n), U(b), 0, 0, NULL))
	CHECK_EQ(SC("abc", 3, "abc"), 0);
	CHECK_EQ(SC("abd", 3, "abc"), 1);
	CHECK_EQ(SC("abc", 3, "abd"), -1);
	CHECK_EQ(SC("abcdef", 3, "abc"), 0); /* only s1_sz bytes of s1 count */
	CHECK_EQ(SC("abc", 4, "abcd"), -1);
	CHECK_EQ(SC("ab", 5, "abc"), -1);
	CHECK_EQ(SC("\xff", 1, "a"), 1); /* unsigned characters */
	CHECK_EQ(SC("x", 0, "y"), 0);
	CHECK_EQ(SC("same", 100, "same"), 0);
	/* s1_sz is a u32 */
	CHECK_EQ(SC("abd", 0x100000002ull, "abc"), 0);
#undef SC
}

TEST(probe_read)
{
	char *g = guarded_pages();
	long pg = sysconf(_SC_PAGESIZE);
	char buf[16];

	CHECK_EQ(bh_probe_read(buf, "0123456789", 11), 0);
	CHECK_STR(buf, "0123456789");
	CHECK_EQ(bh_probe_read(buf, NULL, 4), -EFAULT);
	CHECK_EQ(bh_probe_read(buf, "x", 0), 0);
	CHECK_EQ(bh_probe_read_str(buf, "hello", sizeof(buf)), 6);
	CHECK_STR(buf, "hello");
	CHECK_EQ(bh_probe_read_str(buf, "0123456789abcdefXYZ", 8), 8);
	CHECK_STR(buf, "0123456");
	CHECK_EQ(bh_probe_read_str(buf, "x", 0), -EINVAL);
	CHECK(g);
	if (!g)
		return;
	memset(buf, 'q', sizeof(buf));
	CHECK_EQ(bh_probe_read(buf, g + pg - 4, 8), -EFAULT);
	CHECK_EQ(buf[0], 0); /* zeroed on failure */
	CHECK_EQ(buf[7], 0);
	memcpy(g + pg - 3, "ab", 3);
	CHECK_EQ(bh_probe_read_str(buf, g + pg - 3, sizeof(buf)), 3);
	memcpy(g + pg - 3, "abc", 3);
	CHECK_EQ(bh_probe_read_str(buf, g + pg - 3, sizeof(buf)), -EFAULT);
	CHECK_EQ(buf[0], 0);
	/* limit reached exactly at the page end: no read of the next page */
	CHECK_EQ(bh_probe_read_str(buf, g + pg - 3, 4), 4);
	CHECK_STR(buf, "abc");
	free_guarded(g);
}

/* In a child: refuse process_vm_readv with EPERM, then check the fallback. */
static int child_probe_without_vm_readv(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_readv, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	char buf[16];
	char out[64];
	uint64_t a[2] = { U("ok"), 8 };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return 3; /* cannot install the filter: skip */
	if (bh_probe_read_str(buf, "fallback", sizeof(buf)) != 9 || strcmp(buf, "fallback"))
		return 1;
	if (bh_probe_read(buf, (void *)8, 4) != -EFAULT)
		return 1;
	if (bh_bprintf(out, sizeof(out), FS("%s [%s]"), a, 2) != 5 || strcmp(out, "ok []"))
		return 1;
	return 0;
}

TEST(probe_read_pipe_fallback)
{
	pid_t pid = fork();
	int st = 0;

	CHECK(pid >= 0);
	if (pid == 0)
		_exit(child_probe_without_vm_readv());
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		SKIP("seccomp filters unavailable");
	CHECK_EQ(WEXITSTATUS(st), 0);
}
