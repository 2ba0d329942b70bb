/* SPDX-License-Identifier: MIT */
/*
 * Entry point of the shared-object build (libbpfhost_net.so): the symbol
 * bpfhost_extension__load looks up. It returns the descriptor through the
 * extension's internal (hidden) name, so that a process which also links
 * the static archive cannot interpose its own copy. The static archive
 * leaves this file out.
 */
#include "net_internal.h"

BPFHOST_API const struct bpfhost_extension_desc *bpfhost_extension_entry(void);

const struct bpfhost_extension_desc *bpfhost_extension_entry(void)
{
	return bh_net_extension_desc();
}
