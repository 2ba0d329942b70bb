/* SPDX-License-Identifier: MIT */
/*
 * The net extension's descriptor (program type "xdp", hook "xdp"), the
 * lookup of a registered instance's type and hook (or of the type behind
 * any hook that runs this extension's xdp programs), and the per-thread
 * message behind bpfhost_net_last_error().
 *
 * The hook runs programs in attach order while they return XDP_PASS, the
 * way a chain of XDP programs (libxdp's dispatcher) behaves: the first
 * DROP, TX, REDIRECT or ABORTED is the packet's fate.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>

#include "net_internal.h"

static __thread char last_error[256];

int bh_net_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

void bh_net_err_clear(void)
{
	last_error[0] = '\0';
}

const char *bpfhost_net_last_error(void)
{
	return last_error;
}

static const struct bpfhost_hook_desc xdp_hook = {
	.version = BPFHOST_HOOK_DESC_VERSION,
	.size = sizeof(struct bpfhost_hook_desc),
	.name = BPFHOST_NET_HOOK_XDP,
	.prog_type = BPFHOST_NET_PROG_TYPE_XDP,
	.linux_attach_type = BPFHOST_NET_LINUX_ATTACH_XDP,
	.verdict_rule = BPFHOST_VERDICT_UNTIL_NOT_PASS,
	.pass_value = BPFHOST_NET_XDP_PASS,
	.capabilities = BPFHOST_CAP_CONTEXT_HEADER,
};

static const struct bpfhost_prog_type_desc *const prog_types[] = { &bh_net_xdp_type };
static const struct bpfhost_hook_desc *const hooks[] = { &xdp_hook };

static const struct bpfhost_extension_desc extension = {
	.version = BPFHOST_EXTENSION_DESC_VERSION,
	.size = sizeof(struct bpfhost_extension_desc),
	.name = BPFHOST_NET_EXTENSION,
	.prog_types = prog_types,
	.nr_prog_types = 1,
	.nr_hooks = 1,
	.hooks = hooks,
};

const struct bpfhost_extension_desc *bh_net_extension_desc(void)
{
	return &extension;
}

const struct bpfhost_extension_desc *bpfhost_net_extension(void)
{
	return bh_net_extension_desc();
}

int bh_net_resolve(struct bpfhost_extension *net, struct bpfhost_prog_type **type,
		   struct bpfhost_hook **hook)
{
	if (!net)
		return bh_net_err(-EINVAL, "net: no extension given");
	*type = bpfhost_extension__prog_type(net, BPFHOST_NET_PROG_TYPE_XDP);
	*hook = bpfhost_extension__hook(net, BPFHOST_NET_HOOK_XDP);
	if (!*type || !*hook)
		return bh_net_err(-ENODEV,
				  "net: the extension has no program type '%s' and hook '%s' "
				  "(not the net extension, or unregistered)",
				  BPFHOST_NET_PROG_TYPE_XDP, BPFHOST_NET_HOOK_XDP);
	return 0;
}

int bh_net_resolve_hook(struct bpfhost_hook *hook, struct bpfhost_prog_type **type)
{
	if (!hook)
		return bh_net_err(-EINVAL, "net: no hook given");
	*type = bpfhost_hook__prog_type(hook);
	if (!*type)
		return bh_net_err(-ENODEV, "net: the hook was unregistered (%s)", strerror(errno));
	if (bpfhost_prog_type__priv(*type) != &bh_net_xdp_marker)
		return bh_net_err(-EINVAL,
				  "net: the hook does not run the net extension's '%s' programs",
				  BPFHOST_NET_PROG_TYPE_XDP);
	return 0;
}
