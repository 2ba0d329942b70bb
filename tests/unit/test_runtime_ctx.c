/* SPDX-License-Identifier: MIT */
/*
 * Header-prefixed contexts: what bpfhost_ctx_alloc / bpfhost_ctx_init
 * write into each slot, embedded headers, argument errors.
 */
#include "test_runtime_util.h"

struct twrap {
	BPFHOST_CTX_HEADER_MEMBER;
	struct tctx ctx;
	int secret;
};
BPFHOST_CTX_CHECK_LAYOUT(struct twrap, ctx);

TEST(runtime_ctx_self_word_layout)
{
	uint64_t w = BPFHOST_CTX_SELF(24);

	CHECK_U64(w >> 32, BPFHOST_CTX_MAGIC);
	CHECK_EQ((w >> 24) & 0xff, BPFHOST_CTX_HEADER_VERSION);
	CHECK_EQ(w & 0xffffff, 24);
	CHECK_EQ(sizeof(struct bpfhost_ctx_header), 64);
}

TEST(runtime_ctx_alloc_slots)
{
	struct bpfhost *rt = rt_new();
	struct text t;
	struct bpfhost_extension *ext;
	struct bpfhost_prog_type *type;
	struct bpfhost_ctx_header *hdr;
	const struct bpfhost_ctx_desc *cd;
	unsigned char *ctx;
	size_t i;
	int zero = 1;

	text_init(&t, "c");
	ext = bpfhost_extension__register(rt, &t.ext);
	type = bpfhost_extension__prog_type(ext, "tprog");
	ctx = bpfhost_ctx_alloc(type, 100, 0xabcdef);
	CHECK(ctx != NULL);
	if (!ctx)
		goto out;
	hdr = bpfhost_ctx_header(ctx);
	CHECK((unsigned char *)hdr + 64 == ctx);
	CHECK_EQ((uintptr_t)hdr % 8, 0);
	CHECK_U64(hdr->slot[0], 0);
	cd = (const struct bpfhost_ctx_desc *)(uintptr_t)hdr->slot[1];
	CHECK(cd != NULL && cd != &t.cd); /* the runtime's copy */
	CHECK_EQ(cd->ctx_size, sizeof(struct tctx));
	CHECK_U64(hdr->slot[2], BPFHOST_CTX_SELF(sizeof(struct tctx)));
	CHECK_U64(hdr->slot[3], 0);
	CHECK_U64(hdr->slot[4], 0xabcdef);
	CHECK_U64(hdr->slot[5] | hdr->slot[6] | hdr->slot[7], 0);
	for (i = 0; i < sizeof(struct tctx) + 100; i++)
		zero &= ctx[i] == 0;
	CHECK(zero);
	ctx[sizeof(struct tctx) + 99] = 1; /* the extra bytes are ours (ASan checks) */
	bpfhost_ctx_free(ctx);
	bpfhost_ctx_free(NULL);
out:
	bpfhost__free(rt);
}

TEST(runtime_ctx_init_embedded)
{
	struct bpfhost *rt = rt_new();
	struct text t;
	struct bpfhost_extension *ext;
	struct bpfhost_prog_type *type;
	struct twrap w;
	void *alloc;

	text_init(&t, "c");
	ext = bpfhost_extension__register(rt, &t.ext);
	type = bpfhost_extension__prog_type(ext, "tprog");
	memset(&w, 0x5a, sizeof(w));
	CHECK_EQ(bpfhost_ctx_init(&w.bpfhost_hdr, type, 42), 0);
	CHECK(bpfhost_ctx_header(&w.ctx) == &w.bpfhost_hdr);
	CHECK_U64(w.bpfhost_hdr.slot[0], 0);
	CHECK_U64(w.bpfhost_hdr.slot[2], BPFHOST_CTX_SELF(sizeof(struct tctx)));
	CHECK_U64(w.bpfhost_hdr.slot[3], 0);
	CHECK_U64(w.bpfhost_hdr.slot[4], 42);
	CHECK_U64(w.bpfhost_hdr.slot[5] | w.bpfhost_hdr.slot[6] | w.bpfhost_hdr.slot[7], 0);
	/* same descriptor as allocated contexts */
	alloc = bpfhost_ctx_alloc(type, 0, 0);
	CHECK_U64(w.bpfhost_hdr.slot[1], bpfhost_ctx_header(alloc)->slot[1]);
	bpfhost_ctx_free(alloc);

	CHECK_EQ(bpfhost_ctx_init(NULL, type, 0), -EINVAL);
	CHECK_EQ(bpfhost_ctx_init(&w.bpfhost_hdr, NULL, 0), -EINVAL);
	errno = 0;
	CHECK(bpfhost_ctx_alloc(NULL, 0, 0) == NULL);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK(bpfhost_ctx_alloc(type, SIZE_MAX - 16, 0) == NULL);
	CHECK(errno != 0);
	bpfhost__free(rt);
}
