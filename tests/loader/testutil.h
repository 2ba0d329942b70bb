/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the loader unit tests (tests/unit/test_loader*.c):
 * compiling the BPF C sources of tests/loader/ with clang into
 * $BH_BUILD_DIR/loader/ on first use, and reading files.
 */
#ifndef BH_TESTS_LOADER_TESTUTIL_H
#define BH_TESTS_LOADER_TESTUTIL_H

#include <stddef.h>

/*
 * Path of tests/loader/NAME.bpf.c compiled with `clang -O2 -g -target bpf`
 * (rebuilt when the source is newer), or NULL with the reason in
 * lt_why() (no clang, no libbpf headers, compile error).
 */
const char *lt_obj(const char *name);
const char *lt_why(void);
/* Whole file, malloc'ed; NULL on error. */
void *lt_read(const char *path, size_t *len);
/* Run a shell command; returns its exit status (-1 when it did not run). */
int lt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* BH_TESTS_LOADER_TESTUTIL_H */
