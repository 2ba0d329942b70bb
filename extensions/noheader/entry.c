/* SPDX-License-Identifier: MIT */
/*
 * Entry point of the noheader extension's shared object
 * (libbpfhost_noheader.so): bpfhost_extension__load, and the CLI's
 * `--ext`, must refuse what it returns, naming the missing capability.
 */
#include "noheader.h"

BPFHOST_API const struct bpfhost_extension_desc *bpfhost_extension_entry(void);

const struct bpfhost_extension_desc *bpfhost_extension_entry(void)
{
	return bpfhost_noheader_extension();
}
