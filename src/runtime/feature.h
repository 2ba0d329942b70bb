/* SPDX-License-Identifier: MIT */
/*
 * Feature queries: what a runtime instance has registered (program types,
 * hooks) and what the library implements for every instance (core helpers,
 * map types). Used by the CLI's `feature` command and by embedders that
 * want to show or check what an extension brought in.
 *
 * These are public API functions (exported, bpfhost_* names). Their
 * declarations belong in include/bpfhost/bpfhost.h; they live here until
 * that header takes them over (then this file only includes it).
 *
 * The instance callbacks run under the instance's registry lock, in
 * registration order: they see the runtime's own copies of the descriptors
 * (valid during the call only) and must not call back into the instance
 * (register, unregister, load, attach). A non-zero return stops the walk
 * and is returned.
 */
#ifndef BH_RUNTIME_FEATURE_H
#define BH_RUNTIME_FEATURE_H

#include <bpfhost/bpfhost.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*bpfhost_prog_type_cb)(const char *ext_name, const struct bpfhost_prog_type_desc *desc,
				    void *ctx);
typedef int (*bpfhost_hook_cb)(const char *ext_name, const struct bpfhost_hook_desc *desc,
			       void *ctx);
typedef int (*bpfhost_helper_cb)(const struct bpfhost_helper_proto *proto, void *ctx);
typedef int (*bpfhost_map_type_cb)(uint32_t type, const char *name, void *ctx);

/*
 * Every registered program type (desc->helpers lists the type's own
 * helpers; the core ones come on top) / every registered hook (desc->
 * prog_type names its program type). 0, the callback's non-zero value,
 * -EINVAL (NULL argument) or -ENOMEM.
 */
BPFHOST_API int bpfhost__for_each_prog_type(struct bpfhost *rt, bpfhost_prog_type_cb cb, void *ctx);
BPFHOST_API int bpfhost__for_each_hook(struct bpfhost *rt, bpfhost_hook_cb cb, void *ctx);
/* The helpers every program type gets (Linux ids, bpf_tail_call included), by id. */
BPFHOST_API int bpfhost_for_each_core_helper(bpfhost_helper_cb cb, void *ctx);
/* The map types this library creates (Linux numbers), by number. */
BPFHOST_API int bpfhost_for_each_map_type(bpfhost_map_type_cb cb, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* BH_RUNTIME_FEATURE_H */
