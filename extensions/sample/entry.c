/* SPDX-License-Identifier: MIT */
/*
 * Entry point of the shared-object build (libbpfhost_sample.so): the one
 * exported symbol bpfhost_extension__load looks up. The static archive
 * leaves it out, so several extensions can be linked into one program.
 */
#include "sample.h"

BPFHOST_API const struct bpfhost_extension_desc *bpfhost_extension_entry(void);

const struct bpfhost_extension_desc *bpfhost_extension_entry(void)
{
	return bpfhost_sample_extension();
}
