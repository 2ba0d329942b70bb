/* SPDX-License-Identifier: MIT */
/*
 * Minimal test harness: TEST(name) defines a test that registers itself;
 * CHECK* macros record failures with file:line and keep going; SKIP() marks a
 * test skipped with a reason. main() (harness.c) runs every test, or those
 * whose name contains argv[1], and ends with "N passed, N failed, N skipped".
 */
#ifndef BH_TESTS_HARNESS_H
#define BH_TESTS_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct bh_test {
	const char *name;
	void (*fn)(void);
	struct bh_test *next;
};

void bh_test_register(struct bh_test *t);
void bh_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bh_test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Directory of the shared conformance suite, or NULL (reason in *why). */
const char *bh_test_conformance_dir(const char **why);
/* Path of the build directory (for tools under test); from BH_BUILD_DIR. */
const char *bh_test_build_dir(void);
/* Read a whole file; returns malloc'ed NUL-terminated buffer or NULL. */
char *bh_test_read_file(const char *path, size_t *len);

#define TEST(NAME)                                                            \
	static void test_##NAME(void);                                        \
	static struct bh_test test_rec_##NAME = { #NAME, test_##NAME, NULL }; \
	__attribute__((constructor)) static void test_reg_##NAME(void)        \
	{                                                                     \
		bh_test_register(&test_rec_##NAME);                           \
	}                                                                     \
	static void test_##NAME(void)

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond))                                                  \
			bh_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

#define CHECK_MSG(cond, ...)                                           \
	do {                                                           \
		if (!(cond))                                           \
			bh_test_fail(__FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#define CHECK_EQ(a, b)                                                                          \
	do {                                                                                    \
		long long va_ = (long long)(a), vb_ = (long long)(b);                           \
		if (va_ != vb_)                                                                 \
			bh_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, va_, \
				     vb_);                                                      \
	} while (0)

#define CHECK_U64(a, b)                                                                           \
	do {                                                                                      \
		uint64_t va_ = (uint64_t)(a), vb_ = (uint64_t)(b);                                \
		if (va_ != vb_)                                                                   \
			bh_test_fail(__FILE__, __LINE__, "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64, \
				     #a, #b, va_, vb_);                                           \
	} while (0)

#define CHECK_STR(a, b)                                                                        \
	do {                                                                                   \
		const char *sa_ = (a), *sb_ = (b);                                             \
		if (!sa_ || !sb_ || strcmp(sa_, sb_))                                          \
			bh_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
				     sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");              \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                        \
	do {                                                                               \
		const char *h_ = (hay), *n_ = (needle);                                    \
		if (!h_ || !strstr(h_, n_))                                                \
			bh_test_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", \
				     h_ ? h_ : "(null)", n_);                              \
	} while (0)

#define SKIP(...)                          \
	do {                               \
		bh_test_skip(__VA_ARGS__); \
		return;                    \
	} while (0)

#endif /* BH_TESTS_HARNESS_H */
