/* SPDX-License-Identifier: MIT */
/*
 * Extensions in shared objects: dlopen the file, call its entry symbol
 * (BPFHOST_EXTENSION_ENTRY_SYMBOL, C linkage) and register what it
 * returns. The handle belongs to the extension object and is closed only
 * when the last reference to the extension goes (programs of its types may
 * still call helpers in its code after it was unregistered).
 *
 * The object resolves the bpfhost_* functions it calls (bpfhost_ctx_alloc,
 * ...) against the process: link the executable with the library's
 * symbols exported (libbpfhost.so, or -rdynamic with the static archive).
 */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "runtime/runtime.h"

void bh_extension_dlclose(void *dl)
{
	if (dl)
		dlclose(dl);
}

struct bpfhost_extension *bpfhost_extension__load(struct bpfhost *rt, const char *path)
{
	const struct bpfhost_extension_desc *desc;
	struct bpfhost_extension *ext;
	bpfhost_extension_entry_fn entry;
	void *dl;
	int err;

	if (!rt || !path) {
		errno = EINVAL;
		return NULL;
	}
	if (access(path, R_OK)) {
		err = errno;
		bh_rt_pr(rt, BPFHOST_WARN, "extension %s: %s\n", path, strerror(err));
		errno = err;
		return NULL;
	}
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		const char *e = dlerror();

		bh_rt_pr(rt, BPFHOST_WARN, "extension %s: cannot load: %s\n", path,
			 e ? e : "unknown error");
		errno = ENOEXEC;
		return NULL;
	}
	*(void **)&entry = dlsym(dl, BPFHOST_EXTENSION_ENTRY_SYMBOL);
	if (!entry) {
		bh_rt_pr(rt, BPFHOST_WARN, "extension %s: no symbol %s\n", path,
			 BPFHOST_EXTENSION_ENTRY_SYMBOL);
		dlclose(dl);
		errno = ENOEXEC;
		return NULL;
	}
	desc = entry();
	if (!desc) {
		bh_rt_pr(rt, BPFHOST_WARN, "extension %s: %s() returned NULL\n", path,
			 BPFHOST_EXTENSION_ENTRY_SYMBOL);
		dlclose(dl);
		errno = EINVAL;
		return NULL;
	}
	ext = bh_extension_register(rt, desc, dl);
	if (!ext) {
		err = errno;
		dlclose(dl);
		errno = err;
	}
	return ext;
}
