/* SPDX-License-Identifier: MIT */
/*
 * The process default instance (bpfhost_default), for code written against
 * libbpf's instance-less calls (include/bpfhost/libbpf_compat.h).
 *
 * Created once (pthread_once) with default options; the extension shared
 * objects named in $BPFHOST_EXTENSIONS (':'-separated) are loaded into it,
 * which is how a libbpf-style program gets its program types and hooks
 * without code of ours. The first failure is the answer for the life of
 * the process: it is not retried. The instance is never freed (objects of
 * the program may be in use until exit).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "loader/object.h"
#include "runtime/runtime.h"

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static struct bpfhost *default_rt;
static int default_err;

static int load_extensions(struct bpfhost *rt, const char *list)
{
	char *copy = strdup(list), *save = NULL, *path;
	int err = 0;

	if (!copy)
		return ENOMEM;
	for (path = strtok_r(copy, ":", &save); path && !err; path = strtok_r(NULL, ":", &save)) {
		if (!bpfhost_extension__load(rt, path)) {
			err = errno ? errno : EINVAL;
			bh_pr(BPFHOST_WARN,
			      "bpfhost default instance: cannot load extension '%s' (from "
			      "BPFHOST_EXTENSIONS): %s\n",
			      path, strerror(err));
		}
	}
	free(copy);
	return err;
}

static void create_default(void)
{
	const char *list = getenv("BPFHOST_EXTENSIONS");
	struct bpfhost *rt = bpfhost__new(NULL);

	if (!rt) {
		default_err = errno ? errno : ENOMEM;
		return;
	}
	if (list && *list) {
		default_err = load_extensions(rt, list);
		if (default_err) {
			bpfhost__free(rt);
			return;
		}
	}
	default_rt = rt;
}

struct bpfhost *bpfhost_default(void)
{
	pthread_once(&default_once, create_default);
	if (!default_rt)
		errno = default_err;
	return default_rt;
}
