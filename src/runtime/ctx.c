/* SPDX-License-Identifier: MIT */
/*
 * Header-prefixed contexts. Extensions never fill the header themselves:
 * bpfhost_ctx_alloc allocates header + context (+ private bytes), and
 * bpfhost_ctx_init initialises a header the extension embedded in its own
 * wrapper (BPFHOST_CTX_HEADER_MEMBER). Both write:
 *   slot 0  0 (the invoke path sets and clears it)
 *   slot 1  the runtime's copy of the type's context descriptor
 *   slot 2  BPFHOST_CTX_SELF(ctx_size): magic, header version, size
 *   slot 3  0 (attach cookie, set per link while a program runs)
 *   slot 4  the extension's value
 *   slot 5..7 0 (reserved)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

int bpfhost_ctx_init(struct bpfhost_ctx_header *hdr, const struct bpfhost_prog_type *type,
		     uint64_t ext_slot)
{
	if (!hdr || !type)
		return -EINVAL;
	memset(hdr, 0, sizeof(*hdr));
	hdr->slot[BPFHOST_CTX_SLOT_DESC] = (uint64_t)(uintptr_t)&type->ctx_desc;
	hdr->slot[BPFHOST_CTX_SLOT_SELF] = type->self;
	hdr->slot[BPFHOST_CTX_SLOT_EXT] = ext_slot;
	return 0;
}

void *bpfhost_ctx_alloc(const struct bpfhost_prog_type *type, size_t extra, uint64_t ext_slot)
{
	size_t size;
	char *p;

	if (!type) {
		errno = EINVAL;
		return NULL;
	}
	size = BPFHOST_CTX_HEADER_SIZE + (size_t)type->ctx_desc.ctx_size;
	if (extra > SIZE_MAX - size - 8) {
		errno = EOVERFLOW;
		return NULL;
	}
	size += extra;
	p = calloc(1, size);
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	bpfhost_ctx_init((struct bpfhost_ctx_header *)p, type, ext_slot);
	return p + BPFHOST_CTX_HEADER_SIZE;
}

void bpfhost_ctx_free(void *ctx)
{
	if (ctx)
		free(bpfhost_ctx_header(ctx));
}
