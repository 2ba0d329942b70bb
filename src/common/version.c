/* SPDX-License-Identifier: MIT */
/* Library version. */
#include <bpfhost/bpfhost.h>

#define BH_STR2(x) #x
#define BH_STR(x) BH_STR2(x)

const char *bpfhost_version(void)
{
	return BH_STR(BPFHOST_VERSION_MAJOR) "." BH_STR(BPFHOST_VERSION_MINOR);
}
