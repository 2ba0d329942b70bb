/* SPDX-License-Identifier: MIT */
/*
 * Context accesses and Linux context views.
 *
 * The context is reached only at constant offsets from the unmodified r1
 * (the offset is in the instruction), which makes each access a property of
 * the instruction alone, so it can be rewritten once for all paths.
 *
 * Real layout: the access must lie in [0, ctx_size). A negative offset
 * would reach the 64-byte context header the runtime keeps in front of every
 * context; it gets its own message. Stores must lie inside one writable
 * range of the descriptor. The data / data_end / data_meta fields hold
 * packet pointers: an aligned 8-byte load gives the pointer (packet, packet
 * end, metadata), anything else touching them is refused.
 *
 * Linux view: when the descriptor declares one (e.g. struct xdp_md, whose
 * data and data_end are 32-bit fields), the program was compiled for the
 * view and every context access is an access of a view field: it must lie
 * inside one field, and is rewritten (same instruction count, new offset and
 * width) into the access of the real field, which is then checked as above.
 * A field that the view does not list does not exist on this runtime.
 * Fields whose real width differs are loaded whole at the real width;
 * stores to them are refused (a partial store would change their meaning).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/env.h"

#define REGBIT(n) (1u << (n))

static const char *ptr_field_name(const struct bpfhost_ctx_desc *c, int32_t fo)
{
	if (fo == c->data_off)
		return "data";
	if (fo == c->data_end_off)
		return "data_end";
	return "data_meta";
}

static int real_access(struct bh_venv *env, uint32_t regno, int64_t off, unsigned size, bool write,
		       bool sign_ext, struct bh_reg *out)
{
	const struct bpfhost_ctx_desc *c = env->ctx;
	const int32_t pf[3] = { c->data_off, c->data_end_off, c->data_meta_off };
	static const uint8_t pt[3] = { BH_RT_PKT, BH_RT_PKT_END, BH_RT_PKT_META };
	uint32_t i;
	char hint[128];

	snprintf(hint, sizeof(hint), "context fields lie at offsets 0..%u from r1",
		 c->ctx_size ? c->ctx_size - 1 : 0);
	if (off < 0)
		return bh_verr(env, -EACCES, BH_VR_CTX_HEADER, REGBIT(regno), hint,
			       "context access at offset %lld (%u bytes): the context header in "
			       "front of the context is not accessible to programs",
			       (long long)off, size);
	if (off + size > c->ctx_size)
		return bh_verr(env, -EACCES, BH_VR_CTX_BOUNDS, REGBIT(regno), hint,
			       "context access [%lld, %lld) is beyond the %u-byte context",
			       (long long)off, (long long)off + size, c->ctx_size);
	for (i = 0; i < 3; i++) {
		int32_t fo = pf[i];

		if (fo < 0 || off >= fo + 8 || off + size <= fo)
			continue;
		if (write)
			return bh_verr(env, -EACCES, BH_VR_CTX_WRITE, REGBIT(regno), NULL,
				       "context bytes [%lld, %lld) hold the %s pointer, which "
				       "programs cannot write",
				       (long long)off, (long long)off + size,
				       ptr_field_name(c, fo));
		if (off != fo || size != 8)
			return bh_verr(env, -EACCES, BH_VR_CTX_BOUNDS, REGBIT(regno),
				       "load the pointer with one 8-byte load at its offset",
				       "partial read [%lld, %lld) of the %s pointer field at %d",
				       (long long)off, (long long)off + size, ptr_field_name(c, fo),
				       fo);
		bh_reg_ptr(out, (enum bh_rtype)pt[i]);
		goto done;
	}
	if (write) {
		bool ok = false;

		for (i = 0; i < c->nr_writable && !ok; i++)
			ok = c->writable[i].off <= off &&
			     off + size <= (int64_t)c->writable[i].off + c->writable[i].size;
		if (!ok)
			return bh_verr(
				env, -EACCES, BH_VR_CTX_WRITE, REGBIT(regno),
				c->nr_writable ? "only the program type's writable fields "
						 "may be stored to"
					       : "this program type's context is read-only",
				"store to context bytes [%lld, %lld), which are not writable",
				(long long)off, (long long)off + size);
		goto done;
	}
	{
		struct bh_scalar s = bh_scalar_unknown();

		bh_reg_scalar(out, sign_ext ? bh_scalar_sext(&s, size) : bh_scalar_zext(&s, size));
	}
done:
	if (off + size > env->ctx_access_end)
		env->ctx_access_end = (uint32_t)(off + size);
	return 0;
}

static uint8_t size_bits(unsigned size)
{
	return size == 4 ? 0x00 : size == 2 ? 0x08 : size == 1 ? 0x10 : 0x18;
}

static int rewrite(struct bh_venv *env, size_t idx, uint32_t regno, int64_t roff, unsigned rsize)
{
	const struct bpfhost_insn *in = &env->insns[idx];

	if (roff == in->off && rsize == bh_mem_size(in->code))
		return 0;
	if (roff > INT16_MAX)
		return bh_verr(env, -EACCES, BH_VR_CTX_VIEW, REGBIT(regno), NULL,
			       "the real field at offset %lld cannot be encoded in an instruction",
			       (long long)roff);
	if (!env->rewritten) {
		env->rewritten = malloc(env->cnt * sizeof(*env->rewritten));
		if (!env->rewritten)
			return bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
		memcpy(env->rewritten, env->insns, env->cnt * sizeof(*env->rewritten));
	}
	env->rewritten[idx].code = (uint8_t)((in->code & ~0x18) | size_bits(rsize));
	env->rewritten[idx].off = (int16_t)roff;
	env->aux[idx].ctx_rewritten = 1;
	return 0;
}

static bool is_ptr_field(const struct bpfhost_ctx_desc *c, uint32_t real_off)
{
	return (c->data_off >= 0 && (uint32_t)c->data_off == real_off) ||
	       (c->data_end_off >= 0 && (uint32_t)c->data_end_off == real_off) ||
	       (c->data_meta_off >= 0 && (uint32_t)c->data_meta_off == real_off);
}

static int view_access(struct bh_venv *env, size_t idx, uint32_t regno, int64_t off, unsigned size,
		       bool write, bool sign_ext, struct bh_reg *out)
{
	const struct bpfhost_ctx_desc *c = env->ctx;
	const struct bpfhost_ctx_view_field *f = NULL;
	int64_t roff;
	unsigned rsize;
	uint32_t i;
	int err;

	if (off < 0)
		return real_access(env, regno, off, size, write, sign_ext, out);
	if (off + size > c->linux_ctx_size)
		return bh_verr(env, -EACCES, BH_VR_CTX_BOUNDS, REGBIT(regno), NULL,
			       "context access [%lld, %lld) is beyond the %u-byte Linux context "
			       "view",
			       (long long)off, (long long)off + size, c->linux_ctx_size);
	for (i = 0; i < c->nr_view_fields && !f; i++)
		if (c->view[i].linux_off <= off &&
		    off + size <= (int64_t)c->view[i].linux_off + c->view[i].linux_size)
			f = &c->view[i];
	if (!f)
		return bh_verr(env, -EACCES, BH_VR_CTX_VIEW, REGBIT(regno),
			       "this runtime provides only the view fields its program type "
			       "declares",
			       "context access [%lld, %lld) is not a field of the Linux context "
			       "view: the field does not exist here",
			       (long long)off, (long long)off + size);
	if (f->real_size == f->linux_size) {
		roff = f->real_off + (off - f->linux_off);
		rsize = size;
	} else {
		if (write)
			return bh_verr(env, -EACCES, BH_VR_CTX_VIEW, REGBIT(regno), NULL,
				       "store to the view field at %u, whose real field has "
				       "another width (%u bytes, view %u)",
				       f->linux_off, f->real_size, f->linux_size);
		if (off != f->linux_off || size != f->linux_size || sign_ext)
			return bh_verr(env, -EACCES, BH_VR_CTX_VIEW, REGBIT(regno),
				       "read the whole field with an unsigned load of its size",
				       "partial or sign-extending read [%lld, %lld) of the view "
				       "field at %u (%u bytes)",
				       (long long)off, (long long)off + size, f->linux_off,
				       f->linux_size);
		roff = f->real_off;
		rsize = is_ptr_field(c, f->real_off) || f->real_size < f->linux_size
				? f->real_size
				: f->linux_size;
	}
	err = real_access(env, regno, roff, rsize, write, sign_ext, out);
	if (err)
		return err;
	return rewrite(env, idx, regno, roff, rsize);
}

int bh_check_ctx_access(struct bh_venv *env, const struct bpfhost_insn *insn, size_t idx,
			uint32_t regno, unsigned size, bool write, bool sign_ext,
			struct bh_reg *loaded)
{
	const struct bh_reg *p = &bh_regs(env)[regno];
	struct bh_reg dummy;

	if (!loaded)
		loaded = &dummy;
	if (!env->ctx)
		return bh_verr(env, -EACCES, BH_VR_BAD_ACCESS, REGBIT(regno), NULL,
			       "no context descriptor");
	if (p->off || !bh_scalar_is_const(&p->s) || p->s.var.value)
		return bh_verr(env, -EACCES, BH_VR_CTX_MODIFIED, REGBIT(regno),
			       "access context fields as *(r1 + offset) with the unmodified "
			       "context pointer",
			       "access through a modified context pointer (r%u = ctx + %d)", regno,
			       p->off);
	if (env->aux[idx].mem_type != BH_RT_NOT_INIT && env->aux[idx].mem_type != BH_RT_CTX)
		return bh_verr(env, -EACCES, BH_VR_BAD_ACCESS, REGBIT(regno),
			       "use separate instructions for context and other memory",
			       "this instruction accesses the context on one path and %s on "
			       "another",
			       bh_rtype_name(env->aux[idx].mem_type));
	if (env->ctx->nr_view_fields)
		return view_access(env, idx, regno, insn->off, size, write, sign_ext, loaded);
	return real_access(env, regno, insn->off, size, write, sign_ext, loaded);
}
