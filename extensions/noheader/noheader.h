/* SPDX-License-Identifier: MIT */
/*
 * A test extension WITHOUT context-header support, which the runtime must
 * refuse: bpfhost_noheader_extension() describes a program type and a hook
 * that do not declare BPFHOST_CAP_CONTEXT_HEADER;
 * bpfhost_noheader_hook_extension() only a hook (running the sample
 * extension's program type) that does not declare it.
 */
#ifndef BPFHOST_NOHEADER_H
#define BPFHOST_NOHEADER_H

#include <bpfhost/extension.h>

const struct bpfhost_extension_desc *bpfhost_noheader_extension(void);
const struct bpfhost_extension_desc *bpfhost_noheader_hook_extension(void);

#endif /* BPFHOST_NOHEADER_H */
