/* SPDX-License-Identifier: MIT */
/*
 * String helpers: bpf_strncmp and bpf_snprintf.
 *
 * bpf_strncmp(s1, s1_sz, s2) compares at most s1_sz bytes as unsigned
 * characters and, like the kernel's strncmp, answers -1, 0 or 1.
 * bpf_snprintf(str, str_size, fmt, data, data_len) formats with the rules
 * of bprintf.c; data holds data_len / 8 u64 arguments (at most 12). It
 * returns the length of the whole formatted string including its NUL
 * (which may exceed str_size: str then holds a truncated, NUL-terminated
 * prefix), or -EINVAL for a bad format, a data_len that is not a multiple
 * of 8 or too large, or data missing.
 */
#include <errno.h>
#include <string.h>

#include "helpers/helpers.h"

BH_HELPER(strncmp)
{
	const unsigned char *s1 = (const unsigned char *)(uintptr_t)r1;
	const unsigned char *s2 = (const unsigned char *)(uintptr_t)r3;
	uint32_t n = (uint32_t)r2;

	if (!s1 || !s2)
		return (uint64_t)-EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		if (s1[i] != s2[i])
			return s1[i] < s2[i] ? (uint64_t)-1 : 1;
		if (!s1[i])
			break;
	}
	return 0;
}

BH_HELPER(snprintf)
{
	char *str = (char *)(uintptr_t)r1;
	uint32_t str_size = (uint32_t)r2;
	const char *fmt = (const char *)(uintptr_t)r3;
	const void *data = (const void *)(uintptr_t)r4;
	uint32_t data_len = (uint32_t)r5;
	uint64_t args[BH_BPRINTF_MAX_ARGS];
	int n;

	if (data_len % 8 || data_len > sizeof(args) || (data_len && !data) || !fmt)
		return (uint64_t)-EINVAL;
	if (data_len)
		memcpy(args, data, data_len);
	/* the verifier guarantees fmt is a NUL-terminated read-only string */
	n = bh_bprintf(str, str ? str_size : 0, fmt, strlen(fmt) + 1, args, data_len / 8);
	if (n < 0)
		return (uint64_t)(int64_t)n;
	return (uint64_t)n + 1;
}
