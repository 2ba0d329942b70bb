/* SPDX-License-Identifier: MIT */
/*
 * Loads, stores and atomics, per memory region.
 *
 * An access [p + k, p + k + size) through pointer p = base + off + var is
 * safe when every possible address lies in the region:
 *   ctx       constant offset, inside [0, ctx_size) (or the Linux view):
 *             ctx_view.c; negative offsets would reach the context header
 *   stack     inside the frame [-512, 0); reads only of initialised bytes;
 *             8-byte aligned stores of a pointer are spilled precisely,
 *             scalars stored at a slot start too (any size), anything else
 *             becomes "some scalar" (MISC) or ZERO
 *   packet    [data, data + pkt_range) proven by comparisons with data_end
 *             (or the pointer's own range for variable offsets, jmp.c)
 *   map value [0, value_size); stores refused for read-only maps
 *   mem, ring buffer record   [0, size)
 * Pointers may be stored only on the stack (a pointer stored into a map,
 * the context, the packet or other memory would leak the address). Loads
 * give scalars of the access width (sign-extended for ldxs*), except spilled
 * registers, which come back exactly, the packet pointers of the context
 * (ctx_view.c) and constant reads of frozen read-only maps.
 */
#include <errno.h>
#include <string.h>

#include "verifier/env.h"

#define REGBIT(n) (1u << (n))

static const char *region_name(uint8_t t)
{
	switch (t) {
	case BH_RT_PKT:
		return "packet";
	case BH_RT_PKT_META:
		return "packet metadata";
	case BH_RT_MAP_VALUE:
		return "map value";
	case BH_RT_MEM:
		return "memory";
	case BH_RT_RINGBUF_REC:
		return "ring buffer record";
	case BH_RT_CTX:
		return "context";
	default:
		return "stack";
	}
}

static struct bh_scalar width_scalar(unsigned size, bool sign_ext)
{
	struct bh_scalar s = bh_scalar_unknown();

	return sign_ext ? bh_scalar_sext(&s, size) : bh_scalar_zext(&s, size);
}

/* ---- bounded regions (packet, map value, mem, record) ---- */

static int check_bounds(struct bh_venv *env, uint32_t regno, const struct bh_reg *p, int64_t k,
			uint64_t size, enum bh_acc acc)
{
	int64_t lo = (int64_t)p->off + k + p->s.smin;
	int64_t hi = (int64_t)p->off + k + p->s.smax + (int64_t)size;
	bool var = !bh_scalar_is_const(&p->s);
	const char *what = acc == BH_ACC_READ || acc == BH_ACC_HELPER_READ ? "read" : "write";
	int64_t limit;

	switch (p->type) {
	case BH_RT_PKT:
	case BH_RT_PKT_META: {
		int64_t st_range =
			p->type == BH_RT_PKT ? env->cur->pkt_range : env->cur->meta_range;
		bool ok = lo >= 0 && hi <= st_range;

		/*
		 * A pointer with a variable offset: range > 0 proves that its
		 * bytes up to off + range exist (jmp.c never records 0, so 0
		 * proves nothing, not even bytes in front of the pointer).
		 */
		if (!ok && p->id && p->range > 0)
			ok = lo >= 0 && (int64_t)p->off + k + (int64_t)size <= (int64_t)p->range;
		if (ok)
			return 0;
		if (lo < 0)
			return bh_verr(env, -EACCES, BH_VR_PKT_BOUNDS, REGBIT(regno),
				       var ? "use an unsigned index, or check that it is not "
					     "negative"
					   : NULL,
				       "%s of %s at offset %lld, before its start", what,
				       region_name(p->type), (long long)lo);
		{
			char hint[160];

			snprintf(hint, sizeof(hint),
				 "compare %s + %lld against %s before the access (for example "
				 "if (p + %lld > end) return)",
				 p->type == BH_RT_PKT ? "data" : "data_meta", (long long)hi,
				 p->type == BH_RT_PKT ? "data_end" : "data", (long long)hi);
			return bh_verr(
				env, -EACCES, BH_VR_PKT_BOUNDS, REGBIT(regno), hint,
				"%s of %s bytes [%lld, %lld) is not proven to be inside "
				"the packet (proven: %lld bytes)",
				what, region_name(p->type), (long long)lo, (long long)hi,
				(long long)(p->id && p->range > st_range ? p->range : st_range));
		}
	}
	case BH_RT_MAP_VALUE:
		limit = p->map->def.value_size;
		if (lo >= 0 && hi <= limit)
			return 0;
		return bh_verr(env, -EACCES, BH_VR_MAP_BOUNDS, REGBIT(regno),
			       var ? "bound the index so that index + size <= value_size" : NULL,
			       "%s of map value bytes [%lld, %lld) is outside the %lld-byte value",
			       what, (long long)lo, (long long)hi, (long long)limit);
	default: /* MEM, RINGBUF_REC */
		limit = p->mem_size;
		if (lo >= 0 && hi <= limit)
			return 0;
		return bh_verr(env, -EACCES, BH_VR_MEM_BOUNDS, REGBIT(regno),
			       var ? "bound the index so that index + size <= the size" : NULL,
			       "%s of %s bytes [%lld, %lld) is outside its %lld bytes", what,
			       region_name(p->type), (long long)lo, (long long)hi,
			       (long long)limit);
	}
}

/* ---- stack ---- */

static struct bh_slot *slot_at(struct bh_frame *f, int64_t addr, unsigned *byte)
{
	uint32_t i = (uint32_t)((-addr - 1) / 8);

	*byte = (unsigned)(addr + (int64_t)(i + 1) * 8);
	return i < f->nslots ? &f->stack[i] : NULL;
}

/* Forget a precise spill in slot s: its bytes become plain data or unusable. */
static void break_spill(struct bh_slot *s)
{
	unsigned b;
	uint8_t k;

	if (s->kind[0] != BH_SB_SPILL)
		return;
	/*
	 * Never hand out parts of an address. A spilled scalar's bytes become
	 * plain data even when it was 0: ZERO bytes read back as a known 0,
	 * and precision tracking cannot follow that back to the spilled value.
	 */
	k = s->spill.type != BH_RT_SCALAR ? BH_SB_INVALID : BH_SB_MISC;
	for (b = 0; b < s->spill_size; b++)
		s->kind[b] = k;
	s->spill_size = 0;
}

static int stack_bounds(struct bh_venv *env, uint32_t regno, const struct bh_reg *p, int64_t k,
			uint64_t size, int64_t *lo, int64_t *hi)
{
	*lo = (int64_t)p->off + k + p->s.smin;
	*hi = (int64_t)p->off + k + p->s.smax + (int64_t)size;
	if (*lo < -BH_STACK || *hi > 0)
		return bh_verr(env, -EACCES, BH_VR_STACK_BOUNDS, REGBIT(regno),
			       "each function has 512 bytes of stack, from r10 - 512 to r10 - 1",
			       "stack access [%lld, %lld) from the frame pointer is outside the "
			       "frame [-512, 0)",
			       (long long)*lo, (long long)*hi);
	if (!bh_frame_grow(env, env->cur->frames[p->frameno], (uint32_t)((-*lo + 7) / 8)))
		return bh_verr(env, -ENOMEM, BH_VR_NOMEM, 0, NULL, "out of memory");
	return 0;
}

/* Every byte of [lo, hi) initialised, and no part of a spilled pointer unless whole. */
static int stack_check_read(struct bh_venv *env, uint32_t regno, struct bh_frame *f, int64_t lo,
			    int64_t hi, bool allow_ptr_slot)
{
	int64_t a;

	for (a = lo; a < hi; a++) {
		unsigned b;
		struct bh_slot *s = slot_at(f, a, &b);

		if (!s || s->kind[b] == BH_SB_INVALID)
			return bh_verr(env, -EACCES, BH_VR_STACK_UNINIT, REGBIT(regno),
				       "write the stack bytes (e.g. initialise the variable) "
				       "before reading or passing them",
				       "read of uninitialised stack byte at fp%lld (access [%lld, "
				       "%lld))",
				       (long long)a, (long long)lo, (long long)hi);
		if (s->kind[b] == BH_SB_SPILL && s->spill.type != BH_RT_SCALAR && !allow_ptr_slot)
			return bh_verr(env, -EACCES, BH_VR_STACK_SPILL, REGBIT(regno),
				       "read a spilled pointer back with one aligned 8-byte load",
				       "access [%lld, %lld) reads part of a spilled pointer (%s) "
				       "as data",
				       (long long)lo, (long long)hi, bh_rtype_name(s->spill.type));
	}
	return 0;
}

/* Mark [lo, hi) as written with some data (ZERO if zero). */
static void stack_mark(struct bh_frame *f, int64_t lo, int64_t hi, bool zero, bool certain)
{
	int64_t a;

	for (a = lo; a < hi; a++) {
		unsigned b;
		struct bh_slot *s = slot_at(f, a, &b);

		if (!s)
			continue;
		if (s->kind[b] == BH_SB_SPILL)
			break_spill(s);
		if (certain)
			s->kind[b] = zero ? BH_SB_ZERO : BH_SB_MISC;
		else if (s->kind[b] != BH_SB_INVALID)
			s->kind[b] = BH_SB_MISC;
	}
}

void bh_stack_widen(struct bh_vstate *st, const struct bh_cbwrite *w, uint32_t nframes)
{
	uint32_t f;
	int64_t a;

	for (f = 0; f < nframes; f++) {
		struct bh_frame *fr = st->frames[f];

		for (a = -BH_STACK; a < 0; a++) {
			unsigned b;
			struct bh_slot *s;

			if (!w->bytes[f][BH_STACK + a])
				continue;
			s = slot_at(fr, a, &b);
			if (!s)
				continue;
			if (s->kind[b] == BH_SB_SPILL && s->spill.type != BH_RT_SCALAR) {
				memset(s->kind, BH_SB_INVALID, 8);
				s->spill_size = 0;
				continue;
			}
			break_spill(s);
			if (s->kind[b] != BH_SB_INVALID)
				s->kind[b] = BH_SB_MISC;
		}
	}
}

void bh_cb_note_write(struct bh_venv *env, uint32_t frameno, int64_t off, uint64_t size)
{
	struct bh_cbwrite *w;
	int64_t a;

	if (!env->cb_depth)
		return;
	w = env->cbw[env->cb_depth - 1];
	if (frameno >= env->cb_frame[env->cb_depth - 1])
		return;
	for (a = off; a < off + (int64_t)size && a < 0; a++) {
		if (a < -BH_STACK)
			continue;
		if (!w->bytes[frameno][BH_STACK + a]) {
			w->bytes[frameno][BH_STACK + a] = 1;
			w->grew = true;
		}
	}
}

static int stack_write(struct bh_venv *env, uint32_t regno, const struct bh_reg *p, int64_t k,
		       unsigned size, const struct bh_reg *val, int vregno)
{
	struct bh_frame *f;
	int64_t lo, hi;
	int err = stack_bounds(env, regno, p, k, size, &lo, &hi);
	bool var = !bh_scalar_is_const(&p->s);
	uint32_t inv = REGBIT(regno) | (vregno >= 0 ? REGBIT(vregno) : 0);

	if (err)
		return err;
	f = env->cur->frames[p->frameno];
	if (env->cb_depth && p->frameno < env->cb_frame[env->cb_depth - 1] &&
	    val->type != BH_RT_SCALAR)
		return bh_verr(env, -EACCES, BH_VR_CALLBACK, inv, NULL,
			       "a callback may not store pointers into its caller's stack");
	bh_cb_note_write(env, p->frameno, lo, (uint64_t)(hi - lo));
	if (var) {
		if (val->type != BH_RT_SCALAR)
			return bh_verr(env, -EACCES, BH_VR_STACK_SPILL, inv,
				       "spill pointers at constant offsets from r10",
				       "store of a pointer at a variable stack offset");
		for (int64_t a = lo; a < hi; a++) {
			unsigned b;
			struct bh_slot *s = slot_at(f, a, &b);

			if (s && s->kind[b] == BH_SB_SPILL && s->spill.type != BH_RT_SCALAR)
				return bh_verr(env, -EACCES, BH_VR_STACK_SPILL, inv, NULL,
					       "variable-offset store [%lld, %lld) may overwrite a "
					       "spilled pointer",
					       (long long)lo, (long long)hi);
		}
		stack_mark(f, lo, hi, false, false);
		return 0;
	}
	if (lo % 8 == 0) {
		err = bh_hist_stack(env, env->cur->insn_idx, p->frameno, (uint32_t)((-lo - 1) / 8));
		if (err)
			return err;
	}
	if (val->type != BH_RT_SCALAR) {
		unsigned b;
		struct bh_slot *s = slot_at(f, lo, &b);

		if (size != 8 || b != 0)
			return bh_verr(
				env, -EACCES, BH_VR_STACK_SPILL, inv,
				"spill pointers with 8-byte stores at 8-byte aligned offsets",
				"%u-byte store of a pointer at fp%lld: only aligned 8-byte "
				"spills keep a pointer",
				size, (long long)lo);
		if (val->type == BH_RT_STACK && val->frameno > p->frameno)
			return bh_verr(env, -EACCES, BH_VR_PTR_LEAK, inv, NULL,
				       "a pointer to a callee's stack stored into its caller's "
				       "frame would outlive the callee");
		memset(s->kind, BH_SB_SPILL, 8);
		s->spill_size = 8;
		s->spill = *val;
		bh_stack_write_mark(env, p->frameno, lo, hi);
		return 0;
	}
	{
		uint64_t mask = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
		/*
		 * ZERO bytes (read back as a known 0 at any width) only from an
		 * immediate 0: a register's 0 is a value precision tracking
		 * would have to follow through reads of other widths.
		 */
		bool zero = vregno < 0 && bh_scalar_is_const(&val->s) && !(val->s.var.value & mask);
		unsigned b;
		struct bh_slot *s;

		stack_mark(f, lo, hi, zero, true);
		bh_stack_write_mark(env, p->frameno, lo, hi);
		s = slot_at(f, lo, &b);
		if (b == 0) { /* precise scalar spill at the slot start */
			memset(s->kind, BH_SB_SPILL, size);
			s->spill_size = (uint8_t)size;
			s->spill = *val;
		}
	}
	return 0;
}

static int stack_read(struct bh_venv *env, uint32_t regno, const struct bh_reg *p, int64_t k,
		      unsigned size, bool sign_ext, struct bh_reg *out)
{
	struct bh_frame *f;
	int64_t lo, hi, a;
	int err = stack_bounds(env, regno, p, k, size, &lo, &hi);
	bool var = !bh_scalar_is_const(&p->s), zero = true;
	unsigned b;
	struct bh_slot *s;

	if (err)
		return err;
	bh_stack_read_mark(env, p->frameno, lo, hi);
	f = env->cur->frames[p->frameno];
	s = slot_at(f, lo, &b);
	if (!var && b == 0) {
		err = bh_hist_stack(env, env->cur->insn_idx, p->frameno, (uint32_t)((-lo - 1) / 8));
		if (err)
			return err;
	}
	if (!var && b == 0 && s && s->kind[0] == BH_SB_SPILL && s->spill_size == size) {
		if (s->spill.type != BH_RT_SCALAR) {
			*out = s->spill;
			return 0;
		}
		if (size == 8) {
			*out = s->spill;
		} else {
			bh_reg_scalar(out, sign_ext ? bh_scalar_sext(&s->spill.s, size)
						    : bh_scalar_zext(&s->spill.s, size));
			out->prop = s->spill.prop;
		}
		return 0;
	}
	err = stack_check_read(env, regno, f, lo, hi, false);
	if (err)
		return err;
	/*
	 * Only ZERO bytes give a known 0: pruning compares them exactly. A
	 * narrower read of a spilled constant would depend on the spill's
	 * value, which precision tracking does not follow through a read of
	 * another width (a pruned path could hold another value there).
	 */
	for (a = lo; a < hi && zero; a++) {
		s = slot_at(f, a, &b);
		zero = s->kind[b] == BH_SB_ZERO;
	}
	if (zero && !var)
		bh_reg_const(out, 0);
	else
		bh_reg_scalar(out, width_scalar(size, sign_ext));
	return 0;
}

/* Stack bytes a helper reads ([lo, hi) must be initialised) or writes. */
static int stack_helper(struct bh_venv *env, uint32_t regno, const struct bh_reg *p, int64_t k,
			uint64_t size, enum bh_acc acc, bool certain)
{
	struct bh_frame *f;
	int64_t lo, hi;
	int err = stack_bounds(env, regno, p, k, size, &lo, &hi);

	if (err)
		return err;
	f = env->cur->frames[p->frameno];
	if (acc == BH_ACC_HELPER_READ) {
		bh_stack_read_mark(env, p->frameno, lo, hi);
		return stack_check_read(env, regno, f, lo, hi, false);
	}
	bh_cb_note_write(env, p->frameno, lo, (uint64_t)(hi - lo));
	certain = certain && bh_scalar_is_const(&p->s);
	stack_mark(f, lo, hi, false, certain);
	if (certain)
		bh_stack_write_mark(env, p->frameno, lo, hi);
	return 0;
}

/* ---- dispatch ---- */

static int bad_pointer(struct bh_venv *env, uint32_t regno, const struct bh_reg *p)
{
	switch (p->type) {
	case BH_RT_SCALAR:
		if (bh_scalar_is_const(&p->s) && p->s.var.value == 0)
			return bh_verr(env, -EACCES, BH_VR_NOT_PTR, REGBIT(regno),
				       "this path has r%u == NULL: check the pointer before use",
				       "memory access through r%u, which is NULL (a scalar 0)",
				       regno);
		return bh_verr(env, -EACCES, BH_VR_NOT_PTR, REGBIT(regno),
			       "only pointers the verifier tracks (context, stack, packet, map "
			       "values, records) can be dereferenced",
			       "memory access through r%u, which is a scalar, not a pointer",
			       regno);
	case BH_RT_MAP_VALUE_OR_NULL:
	case BH_RT_RINGBUF_REC_OR_NULL:
	case BH_RT_MAP_PTR_OR_NULL:
		return bh_verr(env, -EACCES, BH_VR_NULL_CHECK, REGBIT(regno),
			       "compare the pointer with 0 (if (!p) return ...) before using it",
			       "memory access through r%u (%s), which may be NULL", regno,
			       bh_rtype_name(p->type));
	case BH_RT_PKT_END:
		return bh_verr(env, -EACCES, BH_VR_BAD_ACCESS, REGBIT(regno),
			       "data_end marks the end of the packet; read through data",
			       "memory access through the packet end pointer r%u", regno);
	default:
		return bh_verr(env, -EACCES, BH_VR_BAD_ACCESS, REGBIT(regno), NULL,
			       "memory access through r%u (%s) is not allowed", regno,
			       bh_rtype_name(p->type));
	}
}

int bh_check_region(struct bh_venv *env, uint32_t regno, int64_t off, uint64_t size,
		    enum bh_acc acc, bool zero_ok)
{
	const struct bh_reg *p = &bh_regs(env)[regno];
	bool write = acc == BH_ACC_HELPER_WRITE;

	(void)zero_ok;
	switch (p->type) {
	case BH_RT_STACK:
		return stack_helper(env, regno, p, off, size, acc, true);
	case BH_RT_MEM:
		if (write && p->rdonly)
			return bh_verr(env, -EACCES, BH_VR_BAD_ACCESS, REGBIT(regno), NULL,
				       "a helper would write into read-only memory (r%u)", regno);
		/* fall through */
	case BH_RT_PKT:
	case BH_RT_PKT_META:
	case BH_RT_RINGBUF_REC:
		return check_bounds(env, regno, p, off, size, acc);
	case BH_RT_MAP_VALUE:
		if (write && (p->map->def.map_flags & BPFHOST_F_RDONLY_PROG))
			return bh_verr(env, -EACCES, BH_VR_MAP_RDONLY, REGBIT(regno), NULL,
				       "a helper would write into the value of a read-only map");
		return check_bounds(env, regno, p, off, size, acc);
	default:
		return bad_pointer(env, regno, p);
	}
}

static uint64_t rodata_bytes(const struct bh_vmap *m, int64_t off, unsigned size)
{
	const uint8_t *d = (const uint8_t *)m->rodata + off;
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)d[i] << (8 * i);
	return v;
}

static int load(struct bh_venv *env, const struct bpfhost_insn *insn, size_t idx, bool sign_ext,
		struct bh_reg *out)
{
	uint32_t regno = insn->src_reg;
	const struct bh_reg *p = &bh_regs(env)[regno];
	unsigned size = bh_mem_size(insn->code);
	int err;

	switch (p->type) {
	case BH_RT_CTX:
		return bh_check_ctx_access(env, insn, idx, regno, size, false, sign_ext, out);
	case BH_RT_STACK:
		return stack_read(env, regno, p, insn->off, size, sign_ext, out);
	case BH_RT_MAP_VALUE:
		err = check_bounds(env, regno, p, insn->off, size, BH_ACC_READ);
		if (err)
			return err;
		if (p->map->rodata && bh_scalar_is_const(&p->s)) {
			int64_t off = (int64_t)p->off + insn->off + (int64_t)p->s.var.value;
			struct bh_scalar c = bh_scalar_const(rodata_bytes(p->map, off, size));

			bh_reg_scalar(out, sign_ext ? bh_scalar_sext(&c, size) : c);
			return 0;
		}
		bh_reg_scalar(out, width_scalar(size, sign_ext));
		return 0;
	case BH_RT_PKT:
	case BH_RT_PKT_META:
	case BH_RT_MEM:
	case BH_RT_RINGBUF_REC:
		err = check_bounds(env, regno, p, insn->off, size, BH_ACC_READ);
		if (err)
			return err;
		bh_reg_scalar(out, width_scalar(size, sign_ext));
		return 0;
	default:
		return bad_pointer(env, regno, p);
	}
}

static int leak(struct bh_venv *env, uint32_t preg, int vregno, const struct bh_reg *p,
		const struct bh_reg *v)
{
	return bh_verr(env, -EACCES, BH_VR_PTR_LEAK, REGBIT(preg) | REGBIT(vregno),
		       "only the stack may hold pointers; store a scalar instead",
		       "storing a pointer (r%d, %s) into the %s would leak the address", vregno,
		       bh_rtype_name(v->type), region_name(p->type));
}

static int store(struct bh_venv *env, const struct bpfhost_insn *insn, size_t idx,
		 const struct bh_reg *val, int vregno)
{
	uint32_t regno = insn->dst_reg;
	const struct bh_reg *p = &bh_regs(env)[regno];
	unsigned size = bh_mem_size(insn->code);

	if (p->type == BH_RT_STACK)
		return stack_write(env, regno, p, insn->off, size, val, vregno);
	if (val->type != BH_RT_SCALAR &&
	    (p->type == BH_RT_CTX || p->type == BH_RT_PKT || p->type == BH_RT_PKT_META ||
	     p->type == BH_RT_MAP_VALUE || p->type == BH_RT_MEM || p->type == BH_RT_RINGBUF_REC))
		return leak(env, regno, vregno, p, val);
	switch (p->type) {
	case BH_RT_CTX:
		return bh_check_ctx_access(env, insn, idx, regno, size, true, false, NULL);
	case BH_RT_MAP_VALUE:
		if (p->map->def.map_flags & BPFHOST_F_RDONLY_PROG)
			return bh_verr(env, -EACCES, BH_VR_MAP_RDONLY, REGBIT(regno),
				       "the map was created with BPF_F_RDONLY_PROG (or is frozen "
				       ".rodata)",
				       "store into the value of read-only map '%s'",
				       p->map->def.name);
		return check_bounds(env, regno, p, insn->off, size, BH_ACC_WRITE);
	case BH_RT_MEM:
		if (p->rdonly)
			return bh_verr(env, -EACCES, BH_VR_BAD_ACCESS, REGBIT(regno),
				       "map keys handed to a callback are read-only",
				       "store into read-only memory (r%u)", regno);
		/* fall through */
	case BH_RT_PKT:
	case BH_RT_PKT_META:
	case BH_RT_RINGBUF_REC:
		return check_bounds(env, regno, p, insn->off, size, BH_ACC_WRITE);
	default:
		return bad_pointer(env, regno, p);
	}
}

static int atomic(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op)
{
	uint32_t regno = insn->dst_reg;
	struct bh_reg *regs = bh_regs(env), *p = &regs[regno], *src = &regs[insn->src_reg];
	unsigned size = bh_mem_size(insn->code);
	bool is32 = size == 4;
	int err;

	err = bh_check_reg_init(env, insn->src_reg);
	if (err)
		return err;
	if (src->type != BH_RT_SCALAR)
		return bh_verr(env, -EACCES, BH_VR_PTR_LEAK, REGBIT(insn->src_reg), NULL,
			       "atomic operation with a pointer operand (r%u, %s)", insn->src_reg,
			       bh_rtype_name(src->type));
	if (op == BH_OP_ACMPXCHG32 || op == BH_OP_ACMPXCHG64) {
		err = bh_check_reg_init(env, 0);
		if (err)
			return err;
		if (regs[0].type != BH_RT_SCALAR)
			return bh_verr(env, -EACCES, BH_VR_PTR_LEAK, 1u, NULL,
				       "cmpxchg with a pointer in r0 (%s)",
				       bh_rtype_name(regs[0].type));
	}
	switch (p->type) {
	case BH_RT_STACK: {
		struct bh_frame *f;
		int64_t lo, hi;

		if (!bh_scalar_is_const(&p->s))
			return bh_verr(env, -EACCES, BH_VR_STACK_BOUNDS, REGBIT(regno),
				       "use a constant offset from r10",
				       "atomic operation at a variable stack offset");
		err = stack_bounds(env, regno, p, insn->off, size, &lo, &hi);
		if (err)
			return err;
		f = env->cur->frames[p->frameno];
		bh_stack_read_mark(env, p->frameno, lo, hi);
		err = stack_check_read(env, regno, f, lo, hi, false);
		if (err)
			return err;
		bh_cb_note_write(env, p->frameno, lo, size);
		stack_mark(f, lo, hi, false, true);
		break;
	}
	case BH_RT_MAP_VALUE:
		if (p->map->def.map_flags & BPFHOST_F_RDONLY_PROG)
			return bh_verr(env, -EACCES, BH_VR_MAP_RDONLY, REGBIT(regno), NULL,
				       "atomic operation on the value of read-only map '%s'",
				       p->map->def.name);
		/* fall through */
	case BH_RT_MEM:
		if (p->rdonly)
			return bh_verr(env, -EACCES, BH_VR_BAD_ACCESS, REGBIT(regno), NULL,
				       "atomic operation on read-only memory (r%u)", regno);
		/* fall through */
	case BH_RT_RINGBUF_REC:
		err = check_bounds(env, regno, p, insn->off, size, BH_ACC_ATOMIC);
		if (err)
			return err;
		break;
	case BH_RT_CTX:
	case BH_RT_PKT:
	case BH_RT_PKT_META:
		return bh_verr(env, -EACCES, BH_VR_BAD_ACCESS, REGBIT(regno), NULL,
			       "atomic operations on the %s are not allowed", region_name(p->type));
	default:
		return bad_pointer(env, regno, p);
	}
	if (op == BH_OP_ACMPXCHG32 || op == BH_OP_ACMPXCHG64)
		bh_reg_scalar(&regs[0], width_scalar(is32 ? 4 : 8, false));
	else if (insn->imm & 1) /* fetch forms and xchg */
		bh_reg_scalar(src, width_scalar(is32 ? 4 : 8, false));
	return 0;
}

/* An instruction rewritten for the context view must access the context only. */
static int check_mixed(struct bh_venv *env, size_t idx, uint32_t regno)
{
	uint8_t t = bh_regs(env)[regno].type, first = env->aux[idx].mem_type;

	if (first != BH_RT_CTX || t == BH_RT_CTX || t == BH_RT_NOT_INIT || !env->ctx ||
	    !env->ctx->nr_view_fields)
		return 0;
	return bh_verr(env, -EACCES, BH_VR_BAD_ACCESS, REGBIT(regno),
		       "use separate instructions for context and other memory",
		       "this instruction accesses the context on one path and %s on another",
		       bh_rtype_name(t));
}

int bh_check_mem(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op, size_t idx)
{
	struct bh_reg *regs = bh_regs(env);
	uint8_t fmt = bh_opinfo[op].fmt;
	struct bh_reg val;
	int err;

	err = check_mixed(env, idx, fmt == BH_FMT_LDX ? insn->src_reg : insn->dst_reg);
	if (err)
		return err;

	switch (fmt) {
	case BH_FMT_LDX: {
		bool sx = op == BH_OP_LDXSW || op == BH_OP_LDXSH || op == BH_OP_LDXSB;

		err = bh_check_reg_init(env, insn->src_reg);
		if (err)
			return err;
		err = load(env, insn, idx, sx, &val);
		if (err)
			return err;
		if (env->aux[idx].mem_type == BH_RT_NOT_INIT)
			env->aux[idx].mem_type = regs[insn->src_reg].type;
		regs[insn->dst_reg] = val;
		return 0;
	}
	case BH_FMT_ST:
		err = bh_check_reg_init(env, insn->dst_reg);
		if (err)
			return err;
		bh_reg_const(&val, (uint64_t)(int64_t)insn->imm);
		err = store(env, insn, idx, &val, -1);
		break;
	case BH_FMT_STX:
		err = bh_check_reg_init(env, insn->dst_reg);
		if (!err)
			err = bh_check_reg_init(env, insn->src_reg);
		if (err)
			return err;
		val = regs[insn->src_reg];
		err = store(env, insn, idx, &val, insn->src_reg);
		break;
	default:
		err = bh_check_reg_init(env, insn->dst_reg);
		if (err)
			return err;
		err = atomic(env, insn, op);
		break;
	}
	if (!err && env->aux[idx].mem_type == BH_RT_NOT_INIT)
		env->aux[idx].mem_type = regs[insn->dst_reg].type;
	return err;
}

int bh_check_lddw(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op, size_t idx)
{
	struct bh_reg *r = &bh_regs(env)[insn->dst_reg];
	const struct bh_vmap *m = env->aux[idx].map >= 0 ? &env->maps[env->aux[idx].map] : NULL;

	switch (op) {
	case BH_OP_LDDW:
		bh_reg_const(r, (uint64_t)(uint32_t)insn[0].imm | ((uint64_t)insn[1].imm << 32));
		return 0;
	case BH_OP_LDDW_MAP_FD:
	case BH_OP_LDDW_MAP_IDX:
		bh_reg_ptr(r, BH_RT_MAP_PTR);
		r->map = m;
		return 0;
	case BH_OP_LDDW_MAP_VALUE:
	case BH_OP_LDDW_MAP_IDX_VALUE: {
		uint32_t off = (uint32_t)insn[1].imm;

		if (m->def.type != BPFHOST_MAP_TYPE_ARRAY || m->def.max_entries != 1)
			return bh_verr(env, -EACCES, BH_VR_MAP_TYPE, 0, NULL,
				       "direct value access needs a single-entry array map; map "
				       "'%s' has type %u with %u entries",
				       m->def.name, m->def.type, m->def.max_entries);
		if (off >= m->def.value_size)
			return bh_verr(env, -EACCES, BH_VR_MAP_BOUNDS, 0, NULL,
				       "direct value offset %u is outside the %u-byte value of "
				       "map '%s'",
				       off, m->def.value_size, m->def.name);
		bh_reg_ptr(r, BH_RT_MAP_VALUE);
		r->map = m;
		r->off = (int32_t)off;
		return 0;
	}
	case BH_OP_LDDW_FUNC:
		bh_reg_ptr(r, BH_RT_FUNC);
		r->subprog = env->aux[idx + 1 + insn->imm].subprog;
		return 0;
	default:
		return bh_verr(env, -EINVAL, BH_VR_UNSUPPORTED, 0, NULL,
			       "lddw with src %u is not supported", insn->src_reg);
	}
}
