/* SPDX-License-Identifier: MIT */
/*
 * Time helpers: bpf_ktime_get_ns, bpf_ktime_get_boot_ns,
 * bpf_ktime_get_coarse_ns and bpf_jiffies64.
 *
 * They read the same clocks Linux uses for them, through the vDSO (no
 * system call): CLOCK_MONOTONIC (time since boot, not counting suspend),
 * CLOCK_BOOTTIME (counting suspend) and CLOCK_MONOTONIC_COARSE (last tick,
 * cheaper, a few ms resolution). bpf_jiffies64 counts ticks of a
 * BH_JIFFIES_HZ (1000 Hz, like CONFIG_HZ=1000) clock derived from
 * CLOCK_MONOTONIC_COARSE, starting at 0 at boot; it advances in steps of the
 * coarse clock's resolution.
 */
#include <time.h>

#include "helpers/helpers.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

BH_HELPER(ktime_get_ns)
{
	return clock_ns(CLOCK_MONOTONIC);
}

BH_HELPER(ktime_get_boot_ns)
{
	return clock_ns(CLOCK_BOOTTIME);
}

BH_HELPER(ktime_get_coarse_ns)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

BH_HELPER(jiffies64)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE) / (1000000000ull / BH_JIFFIES_HZ);
}
