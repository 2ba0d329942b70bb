/* SPDX-License-Identifier: MIT */
/*
 * Shared by the object API tests (tests/unit/test_object*.c): compiling
 * the BPF C sources of tests/object/ on first use, an instance with the
 * sample extension whose messages and trace output are captured.
 */
#ifndef BH_TESTS_OBJECT_UTIL_H
#define BH_TESTS_OBJECT_UTIL_H

#include <stddef.h>

#include <bpfhost/bpfhost.h>

/*
 * tests/object/NAME.bpf.c compiled with `clang -O2 -target bpf` plus flags
 * (normally "-g") into $BH_BUILD_DIR/object/NAME<variant>.bpf.o, rebuilt
 * when the source or tests/object/sample_ctx.h is newer; NULL with the
 * reason in ot_why() (no clang, no libbpf headers, compile error).
 */
const char *ot_obj_flags(const char *name, const char *variant, const char *flags);
static inline const char *ot_obj(const char *name)
{
	return ot_obj_flags(name, "", "-g");
}
const char *ot_why(void);

/* Instance with the sample extension registered; NULL if it is not linked. */
struct bpfhost *ot_rt(void);
/* The sample extension registered by the last ot_rt(). */
struct bpfhost_extension *ot_ext(void);
/* Messages of ot_rt() instances (print callback) and trace output. */
const char *ot_msgs(void);
const char *ot_trace(void);
void ot_clear(void);

/* Fresh empty directory under the build directory (for pin roots). */
const char *ot_tmpdir(const char *tag);

/* Test run of a program fd over data; returns the error, *ret = r0. */
int ot_run(int prog_fd, const void *data, unsigned len, unsigned long long *ret);

/* Lowest free bpfhost fd right now (a probe map is created and closed). */
int ot_probe_fd(struct bpfhost *rt);

#define NEED_OBJ(var, name)                   \
	do {                                  \
		(var) = ot_obj(name);         \
		if (!(var))                   \
			SKIP("%s", ot_why()); \
	} while (0)

#define NEED_RT(var)                                                                         \
	do {                                                                                 \
		(var) = ot_rt();                                                             \
		if (!(var))                                                                  \
			SKIP("sample extension not linked (include extensions/*/build.mk)"); \
	} while (0)

#endif /* BH_TESTS_OBJECT_UTIL_H */
