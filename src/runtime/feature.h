/* SPDX-License-Identifier: MIT */
/*
 * Feature queries (program types, hooks, core helpers, map types): public
 * API declared in include/bpfhost/bpfhost.h ("feature queries"); this
 * internal header only includes it for the files that used to include it.
 */
#ifndef BH_RUNTIME_FEATURE_H
#define BH_RUNTIME_FEATURE_H

#include <bpfhost/bpfhost.h>

#endif /* BH_RUNTIME_FEATURE_H */
