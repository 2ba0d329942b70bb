/* SPDX-License-Identifier: MIT */
/*
 * bpfhost: an embeddable eBPF runtime for Linux user space.
 *
 * This is the umbrella header. The instruction-set layer (validation,
 * assembler, disassembler, stand-alone engine) is in <bpfhost/isa.h>; the
 * runtime and object API are declared here as they land.
 */
#ifndef BPFHOST_BPFHOST_H
#define BPFHOST_BPFHOST_H

#include <bpfhost/isa.h>

#define BPFHOST_VERSION_MAJOR 0
#define BPFHOST_VERSION_MINOR 1

#ifdef __cplusplus
extern "C" {
#endif

/* Library version as "MAJOR.MINOR". */
BPFHOST_API const char *bpfhost_version(void);

#ifdef __cplusplus
}
#endif

#endif /* BPFHOST_BPFHOST_H */
