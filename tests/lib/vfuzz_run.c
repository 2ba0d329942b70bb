/* SPDX-License-Identifier: MIT */
/*
 * Running accepted programs for the verifier soundness fuzzer (see vfuzz.h):
 * guarded objects, the fake maps and helpers, and vfuzz_check().
 *
 * Every object lives in its own pages between two PROT_NONE guard pages
 * and is placed, run by run, against the lower guard (its first byte is the
 * first of a page) or against the upper one (its last byte is the last of a
 * page). In ASan builds the rest of its pages is poisoned as well. The
 * stack is the interpreter's, moved into such pages (bh_vm_run_on_stack):
 * 512 bytes for a program without bpf-to-bpf calls, otherwise the 8 frames
 * of 512 bytes (one page) against the upper guard.
 *
 * The helpers are the fuzzer's own, with the ids and prototypes of the core
 * helpers: each touches exactly the memory its prototype promises (so a
 * size the verifier got wrong faults) and checks what it is given (a map of
 * a type the helper takes, a live ringbuf record); what it finds wrong is
 * a verifier bug reported by vfuzz_check(). They reach the run in progress
 * through one static pointer: one fuzzer per process.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfuzz.h"
#include "vm/vm_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define VF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VF_ASAN 1
#endif
#endif
#ifdef VF_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define VF_RECS 4
#define VF_CTX_SIZE 40
#define VF_MARK_OFF 32 /* the writable field of the "xdp" test types */
#define VF_MAPS 8
#define VF_MAP_MAGIC 0x4d50414du

struct gobj {
	uint8_t *base; /* the first byte after the lower guard page */
	size_t span;   /* bytes between the guard pages */
	uint8_t *p;    /* the object now */
	size_t size;
};

struct vf_map {
	uint32_t magic;
	int fd;
	const struct bh_map_def *def;
};

/* the objects: memory, context, packet, stack, map values, ringbuf records */
enum {
	O_MEM,
	O_CTX,
	O_PKT,
	O_PKT2, /* where bpf_xdp_adjust_head/tail move the packet */
	O_STACK,
	O_ARR,		      /* 4 values of map "arr" */
	O_HASH = O_ARR + 4,   /* 2 values of map "hash" */
	O_GLOB = O_HASH + 2,  /* map "glob" */
	O_RODATA,	      /* map ".rodata": against the lower, the upper guard */
	O_REC = O_RODATA + 2, /* ringbuf records */
	O__COUNT = O_REC + VF_RECS,
};

struct vfuzz_env {
	size_t pg;
	struct gobj o[O__COUNT];
	struct vf_map maps[VF_MAPS];
	struct bpfhost_insn code[VFUZZ_PROG_MAX];
	/* the run in progress */
	int tail;
	int pkt;	   /* O_PKT or O_PKT2: the packet now */
	int pkt_noaccess;  /* the packet object made PROT_NONE by an adjust, or -1 */
	uint8_t *ctx_copy; /* what the context must hold outside writable fields */
	uint64_t rs;
	bool rec_live[VF_RECS];
	long helper_calls;
	enum vfuzz_outcome bad; /* VFUZZ_OK, or what a helper found */
	char why[512];
};

static struct vfuzz_env *cur;

/* ---- guarded objects --------------------------------------------------- */

static int gobj_init(struct gobj *o, size_t bytes, size_t pg)
{
	size_t span = bytes ? (bytes + pg - 1) / pg * pg : pg;
	uint8_t *m = mmap(NULL, span + 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	if (m == MAP_FAILED)
		return -errno;
	if (mprotect(m, pg, PROT_NONE) || mprotect(m + pg + span, pg, PROT_NONE)) {
		int err = -errno;

		munmap(m, span + 2 * pg);
		return err;
	}
	o->base = m + pg;
	o->span = span;
	o->p = o->base;
	o->size = span;
	return 0;
}

static void gobj_fini(struct gobj *o, size_t pg)
{
	if (!o->base)
		return;
	UNPOISON(o->base, o->span);
	munmap(o->base - pg, o->span + 2 * pg);
	o->base = NULL;
}

/* size bytes against the lower (tail 0) or the upper guard page */
static uint8_t *gobj_place(struct gobj *o, size_t size, int tail)
{
	if (size > o->span)
		size = o->span;
	UNPOISON(o->base, o->span);
	o->p = tail ? o->base + o->span - size : o->base;
	o->size = size;
	POISON(o->base, (size_t)(o->p - o->base));
	POISON(o->p + size, o->span - size - (size_t)(o->p - o->base));
	return o->p;
}

static uint64_t run_rnd(void)
{
	cur->rs ^= cur->rs << 13;
	cur->rs ^= cur->rs >> 7;
	cur->rs ^= cur->rs << 17;
	return cur->rs;
}

/* 0: zeros, 1: all ones, 2: random bytes */
static void fill(uint8_t *p, size_t n, int content)
{
	size_t i;

	if (content < 2) {
		memset(p, content ? 0xff : 0, n);
		return;
	}
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)run_rnd();
}

/* ---- the helpers ------------------------------------------------------- */

static void bug(enum vfuzz_outcome what, const char *fmt, ...)
{
	va_list ap;

	if (cur->bad != VFUZZ_OK)
		return; /* the first one only */
	cur->bad = what;
	va_start(ap, fmt);
	vsnprintf(cur->why, sizeof(cur->why), fmt, ap);
	va_end(ap);
}

/* read / write exactly n bytes (a guard page or ASan catches a wrong n) */
static void touch_read(uint64_t addr, uint64_t n)
{
	const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)addr;
	uint64_t i;

	for (i = 0; i < n; i++)
		(void)p[i];
}

static void touch_write(uint64_t addr, uint64_t n)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;
	uint64_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(0xa5 ^ i);
}

static const struct vf_map *map_of(uint64_t r1, const char *helper)
{
	const struct vf_map *m = (const struct vf_map *)(uintptr_t)r1;
	size_t i;

	for (i = 1; i < VF_MAPS; i++)
		if (m == &cur->maps[i] && m->magic == VF_MAP_MAGIC)
			return m;
	bug(VFUZZ_HELPER, "%s: argument 1 (0x%llx) is not a map", helper, (unsigned long long)r1);
	return NULL;
}

static bool map_type_is(const struct vf_map *m, uint32_t a, uint32_t b, const char *helper)
{
	if (m->def->type == a || m->def->type == b)
		return true;
	bug(VFUZZ_HELPER, "%s on map '%s' of type %u", helper, m->def->name, m->def->type);
	return false;
}

static bool is_kv_map(const struct vf_map *m, const char *helper)
{
	return map_type_is(m, BPFHOST_MAP_TYPE_HASH, BPFHOST_MAP_TYPE_ARRAY, helper);
}

#define HELPER(name)                                                                          \
	static uint64_t name(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, \
			     void *ctx)

HELPER(h_lookup)
{
	const struct vf_map *m = map_of(r1, "map_lookup_elem");
	uint32_t key;

	cur->helper_calls++;
	if (!m || !is_kv_map(m, "map_lookup_elem"))
		return 0;
	touch_read(r2, m->def->key_size);
	memcpy(&key, (const void *)(uintptr_t)r2, sizeof(key));
	switch (m->fd) {
	case 1: /* hash: some keys are absent */
		return key % 3 == 2 ? 0 : (uint64_t)(uintptr_t)cur->o[O_HASH + key % 3].p;
	case 2:
		return key < 4 ? (uint64_t)(uintptr_t)cur->o[O_ARR + key].p : 0;
	case 4:
		return key == 0 ? (uint64_t)(uintptr_t)cur->o[O_RODATA + cur->tail].p : 0;
	case 7:
		return key == 0 ? (uint64_t)(uintptr_t)cur->o[O_GLOB].p : 0;
	default:
		return 0;
	}
}

HELPER(h_update)
{
	const struct vf_map *m = map_of(r1, "map_update_elem");

	cur->helper_calls++;
	if (!m || !is_kv_map(m, "map_update_elem"))
		return (uint64_t)-EINVAL;
	if (m->def->map_flags & BPFHOST_F_RDONLY_PROG)
		bug(VFUZZ_HELPER, "map_update_elem on read-only map '%s'", m->def->name);
	touch_read(r2, m->def->key_size);
	touch_read(r3, m->def->value_size);
	return 0;
}

HELPER(h_delete)
{
	const struct vf_map *m = map_of(r1, "map_delete_elem");

	cur->helper_calls++;
	if (!m || !is_kv_map(m, "map_delete_elem"))
		return (uint64_t)-EINVAL;
	touch_read(r2, m->def->key_size);
	return m->def->type == BPFHOST_MAP_TYPE_ARRAY ? (uint64_t)-EINVAL : 0;
}

HELPER(h_push)
{
	const struct vf_map *m = map_of(r1, "map_push_elem");

	cur->helper_calls++;
	if (!m || !map_type_is(m, BPFHOST_MAP_TYPE_QUEUE, BPFHOST_MAP_TYPE_STACK, "map_push_elem"))
		return (uint64_t)-EINVAL;
	touch_read(r2, m->def->value_size);
	return 0;
}

static uint64_t pop_peek(uint64_t r1, uint64_t r2, const char *helper)
{
	const struct vf_map *m = map_of(r1, helper);

	cur->helper_calls++;
	if (!m || !map_type_is(m, BPFHOST_MAP_TYPE_QUEUE, BPFHOST_MAP_TYPE_STACK, helper))
		return (uint64_t)-EINVAL;
	touch_write(r2, m->def->value_size); /* written on success and failure alike */
	return run_rnd() & 1 ? 0 : (uint64_t)-ENOENT;
}

HELPER(h_pop)
{
	return pop_peek(r1, r2, "map_pop_elem");
}

HELPER(h_peek)
{
	return pop_peek(r1, r2, "map_peek_elem");
}

HELPER(h_ringbuf_output)
{
	const struct vf_map *m = map_of(r1, "ringbuf_output");

	cur->helper_calls++;
	if (!m ||
	    !map_type_is(m, BPFHOST_MAP_TYPE_RINGBUF, BPFHOST_MAP_TYPE_RINGBUF, "ringbuf_output"))
		return (uint64_t)-EINVAL;
	touch_read(r2, r3);
	return 0;
}

HELPER(h_reserve)
{
	const struct vf_map *m = map_of(r1, "ringbuf_reserve");
	unsigned i;

	cur->helper_calls++;
	if (!m ||
	    !map_type_is(m, BPFHOST_MAP_TYPE_RINGBUF, BPFHOST_MAP_TYPE_RINGBUF, "ringbuf_reserve"))
		return 0;
	if (r2 == 0 || r2 > m->def->max_entries / 2 || (run_rnd() & 3) == 0)
		return 0; /* too large, or the ring is full */
	for (i = 0; i < VF_RECS; i++) {
		if (!cur->rec_live[i]) {
			uint8_t *p = gobj_place(&cur->o[O_REC + i], r2, cur->tail);

			fill(p, r2, 2);
			cur->rec_live[i] = true;
			return (uint64_t)(uintptr_t)p;
		}
	}
	return 0;
}

static void release(uint64_t rec, const char *helper)
{
	unsigned i;

	cur->helper_calls++;
	for (i = 0; i < VF_RECS; i++) {
		if (cur->rec_live[i] && rec == (uint64_t)(uintptr_t)cur->o[O_REC + i].p) {
			touch_read(rec, cur->o[O_REC + i].size);
			cur->rec_live[i] = false;
			return;
		}
	}
	bug(VFUZZ_REF, "%s(0x%llx): not a live ringbuf record (released twice, or not one)", helper,
	    (unsigned long long)rec);
}

HELPER(h_submit)
{
	release(r1, "ringbuf_submit");
	return 0;
}

HELPER(h_discard)
{
	release(r1, "ringbuf_discard");
	return 0;
}

HELPER(h_trace_printk)
{
	cur->helper_calls++;
	touch_read(r1, r2);
	return r2;
}

HELPER(h_strncmp)
{
	const volatile char *s2 = (const volatile char *)(uintptr_t)r3;
	size_t i;

	cur->helper_calls++;
	touch_read(r1, r2);
	for (i = 0; s2[i]; i++) /* up to the NUL the verifier proved */
		;
	return 0;
}

HELPER(h_random)
{
	cur->helper_calls++;
	return run_rnd();
}

/*
 * bpf_xdp_adjust_head/tail(ctx, delta): the packet moves to the other packet
 * object (placed like every object) whether the call succeeds or not, and
 * the pages it was in become PROT_NONE until the next run: a packet pointer
 * the verifier failed to invalidate faults when used.
 */
static uint64_t adjust(uint64_t r1, uint64_t r2, bool head, const char *helper)
{
	uint8_t *c = cur->o[O_CTX].p, *np;
	int64_t delta = (int64_t)r2, len, nlen, mlen;
	uint64_t data, end, meta;
	int old = cur->pkt, nw = old == O_PKT ? O_PKT2 : O_PKT;
	bool ok;

	cur->helper_calls++;
	if (r1 != (uint64_t)(uintptr_t)c) {
		bug(VFUZZ_HELPER, "%s: argument 1 (0x%llx) is not the context", helper,
		    (unsigned long long)r1);
		return (uint64_t)-EINVAL;
	}
	memcpy(&data, c + 0, 8);
	memcpy(&end, c + 8, 8);
	memcpy(&meta, c + 16, 8);
	len = (int64_t)(end - data);
	mlen = (int64_t)(data - meta);
	nlen = head ? len - delta : len + delta;
	ok = delta >= -512 && delta <= 512 && nlen >= 0 && nlen <= 4000;
	if (!ok)
		nlen = len;
	if (cur->pkt_noaccess == nw) {
		mprotect(cur->o[nw].base, cur->o[nw].span, PROT_READ | PROT_WRITE);
		cur->pkt_noaccess = -1;
	}
	np = gobj_place(&cur->o[nw], (size_t)(mlen + nlen), cur->tail);
	memcpy(np, (const void *)(uintptr_t)meta, (size_t)(mlen + (nlen < len ? nlen : len)));
	if (nlen > len)
		fill(np + mlen + len, (size_t)(nlen - len), 2);
	if (mprotect(cur->o[old].base, cur->o[old].span, PROT_NONE) == 0)
		cur->pkt_noaccess = old;
	cur->pkt = nw;
	meta = (uint64_t)(uintptr_t)np;
	data = meta + (uint64_t)mlen;
	end = data + (uint64_t)nlen;
	memcpy(c + 0, &data, 8);
	memcpy(c + 8, &end, 8);
	memcpy(c + 16, &meta, 8);
	memcpy(cur->ctx_copy, c, 24);
	return ok ? 0 : (uint64_t)-EINVAL;
}

HELPER(h_adjust_head)
{
	return adjust(r1, r2, true, "bpf_xdp_adjust_head");
}

HELPER(h_adjust_tail)
{
	return adjust(r1, r2, false, "bpf_xdp_adjust_tail");
}

static const struct bpfhost_helper_def helpers[] = {
	{ 1, "map_lookup_elem", h_lookup },	  { 2, "map_update_elem", h_update },
	{ 3, "map_delete_elem", h_delete },	  { 5, "ktime_get_ns", h_random },
	{ 6, "trace_printk", h_trace_printk },	  { 7, "get_prandom_u32", h_random },
	{ 44, "xdp_adjust_head", h_adjust_head }, { 65, "xdp_adjust_tail", h_adjust_tail },
	{ 87, "map_push_elem", h_push },	  { 88, "map_pop_elem", h_pop },
	{ 89, "map_peek_elem", h_peek },	  { 130, "ringbuf_output", h_ringbuf_output },
	{ 131, "ringbuf_reserve", h_reserve },	  { 132, "ringbuf_submit", h_submit },
	{ 133, "ringbuf_discard", h_discard },	  { 182, "strncmp", h_strncmp },
};

/* ---- the environment --------------------------------------------------- */

void vfuzz_env_free(struct vfuzz_env *env)
{
	size_t i;

	if (!env)
		return;
	for (i = 0; i < O__COUNT; i++) {
		if (env->o[i].base && (i == O_RODATA || i == O_RODATA + 1))
			mprotect(env->o[i].base, env->o[i].span, PROT_READ | PROT_WRITE);
		gobj_fini(&env->o[i], env->pg);
	}
	if (cur == env)
		cur = NULL;
	free(env);
}

struct vfuzz_env *vfuzz_env_new(void)
{
	struct vfuzz_env *e = calloc(1, sizeof(*e));
	long pg = sysconf(_SC_PAGESIZE);
	size_t i;
	int err = 0;

	if (!e)
		return NULL;
	e->pg = pg > 0 ? (size_t)pg : 4096;
	e->pkt_noaccess = -1;
	for (i = 0; i < O__COUNT && !err; i++)
		err = gobj_init(&e->o[i], VFUZZ_PAGE, e->pg);
	for (i = 0; i < 2 && !err; i++) {
		/* the read-only map's value, against either guard, in a read-only page */
		memcpy(gobj_place(&e->o[O_RODATA + i], 16, (int)i), vt_rodata(), 16);
		if (mprotect(e->o[O_RODATA + i].base, e->o[O_RODATA + i].span, PROT_READ))
			err = -errno;
	}
	if (err) {
		vfuzz_env_free(e);
		errno = -err;
		return NULL;
	}
	for (i = 1; i < VF_MAPS; i++) {
		e->maps[i].magic = VF_MAP_MAGIC;
		e->maps[i].fd = (int)i;
		e->maps[i].def = vt_map((int)i);
	}
	return e;
}

/* ---- one program ------------------------------------------------------- */

/* the program with its lddw map forms resolved for this placement; 0 or -1 (why set) */
static int resolve(struct vfuzz_env *e, const struct bpfhost_insn *insns, size_t cnt)
{
	size_t i;

	memcpy(e->code, insns, cnt * sizeof(*insns));
	for (i = 0; i + 1 < cnt; i++) {
		struct bpfhost_insn *in = &e->code[i];
		int32_t fd = in->imm;
		uint64_t v;

		if (in->code != 0x18 || in->src_reg == 0)
			continue;
		if (fd <= 0 || fd >= VF_MAPS || !e->maps[fd].def) {
			snprintf(e->why, sizeof(e->why),
				 "insn %zu: lddw of unknown map %d accepted", i, fd);
			return -1;
		}
		if (in->src_reg == 1) {
			v = (uint64_t)(uintptr_t)&e->maps[fd];
		} else if (in->src_reg == 2 && (fd == 7 || fd == 4)) {
			uint8_t *val = fd == 7 ? e->o[O_GLOB].p : e->o[O_RODATA + e->tail].p;

			v = (uint64_t)(uintptr_t)val + (uint64_t)(int64_t)e->code[i + 1].imm;
		} else {
			snprintf(
				e->why, sizeof(e->why),
				"insn %zu: lddw src %u of map %d accepted (the fuzzer has no value "
				"for it)",
				i, in->src_reg, fd);
			return -1;
		}
		in->src_reg = 0;
		in->imm = (int32_t)(uint32_t)v;
		e->code[i + 1].imm = (int32_t)(uint32_t)(v >> 32);
		i++;
	}
	return 0;
}

static bool has_local_calls(const struct bpfhost_insn *p, size_t cnt)
{
	size_t i;

	for (i = 0; i < cnt; i++)
		if (p[i].code == 0x85 && p[i].src_reg == 1)
			return true;
	return false;
}

/* place the objects of one run and fill them; r1 of the run */
static uint64_t setup_run(struct vfuzz_env *e, enum vfuzz_kind kind, int content, uint8_t *ctx_copy)
{
	static const uint32_t pkt_lens[] = { 0, 1, 13, 14, 20, 34, 54, 60, 64, 100, 1500, 4000 };
	static const uint32_t meta_lens[] = { 0, 0, 4, 8, 32 };
	uint32_t len, mlen, u32;
	uint8_t *c, *pkt;
	uint64_t v;
	size_t i;

	memset(e->rec_live, 0, sizeof(e->rec_live));
	if (e->pkt_noaccess >= 0) {
		mprotect(e->o[e->pkt_noaccess].base, e->o[e->pkt_noaccess].span,
			 PROT_READ | PROT_WRITE);
		e->pkt_noaccess = -1;
	}
	e->pkt = O_PKT;
	e->ctx_copy = ctx_copy;
	if (kind == VFUZZ_MEM) {
		uint8_t *m = gobj_place(&e->o[O_MEM], VFUZZ_PAGE, e->tail);

		fill(m, VFUZZ_PAGE, content);
		return (uint64_t)(uintptr_t)m;
	}
	for (i = 0; i < 4; i++)
		fill(gobj_place(&e->o[O_ARR + i], 16, e->tail), 16, content);
	for (i = 0; i < 2; i++)
		fill(gobj_place(&e->o[O_HASH + i], 8, e->tail), 8, content);
	fill(e->o[O_GLOB].p, 32, content); /* placed before the program was resolved */
	len = pkt_lens[run_rnd() % (sizeof(pkt_lens) / sizeof(pkt_lens[0]))];
	mlen = meta_lens[run_rnd() % (sizeof(meta_lens) / sizeof(meta_lens[0]))];
	pkt = gobj_place(&e->o[O_PKT], mlen + len, e->tail);
	fill(pkt, mlen + len, content);
	c = gobj_place(&e->o[O_CTX], VF_CTX_SIZE, e->tail);
	v = (uint64_t)(uintptr_t)(pkt + mlen);
	memcpy(c + 0, &v, 8); /* data */
	v += len;
	memcpy(c + 8, &v, 8); /* data_end */
	v = (uint64_t)(uintptr_t)pkt;
	memcpy(c + 16, &v, 8);			/* data_meta */
	for (i = 24; i < VF_CTX_SIZE; i += 4) { /* ifindex, rx_queue, mark, padding */
		u32 = content == 0 ? 0 : (uint32_t)run_rnd();
		memcpy(c + i, &u32, 4);
	}
	memcpy(ctx_copy, c, VF_CTX_SIZE);
	return (uint64_t)(uintptr_t)c;
}

static uint64_t *place_stack(struct vfuzz_env *e, bool calls)
{
	size_t bytes = calls ? (size_t)BPFHOST_MAX_CALL_DEPTH * BPFHOST_STACK_SIZE
			     : (size_t)BPFHOST_STACK_SIZE;
	uint8_t *s = gobj_place(&e->o[O_STACK], bytes, calls ? 1 : e->tail);

	fill(s, bytes, 2); /* what the program finds is not what it last wrote */
	return (uint64_t *)(void *)(s + bytes);
}

static enum vfuzz_outcome run_checks(struct vfuzz_env *e, const struct vfuzz_prog *p, int err,
				     uint64_t r0, const struct vt_run *r, const uint8_t *ctx_copy)
{
	unsigned i;

	if (err) {
		snprintf(e->why, sizeof(e->why), "the run returned %d", err);
		return VFUZZ_RUN_ERROR;
	}
	if (e->bad != VFUZZ_OK)
		return e->bad;
	for (i = 0; i < VF_RECS; i++) {
		if (e->rec_live[i]) {
			snprintf(e->why, sizeof(e->why),
				 "a %zu-byte ringbuf record was reserved and never released",
				 e->o[O_REC + i].size);
			return VFUZZ_REF;
		}
	}
	if (!bh_scalar_contains(&r->res.r0, r0)) {
		snprintf(e->why, sizeof(e->why), "r0 0x%llx outside the verifier's range (%.400s)",
			 (unsigned long long)r0, r->res.summary);
		return VFUZZ_R0_RANGE;
	}
	if (p->kind != VFUZZ_MEM) {
		const uint8_t *c = e->o[O_CTX].p;

		for (i = 0; i < VF_CTX_SIZE; i++) {
			if ((i < VF_MARK_OFF || i >= VF_MARK_OFF + 4) && c[i] != ctx_copy[i]) {
				snprintf(e->why, sizeof(e->why),
					 "context byte %u changed (0x%02x -> 0x%02x); only "
					 "[%d, %d) is writable",
					 i, ctx_copy[i], c[i], VF_MARK_OFF, VF_MARK_OFF + 4);
				return VFUZZ_CTX_WRITE;
			}
		}
	}
	return VFUZZ_OK;
}

enum vfuzz_outcome vfuzz_check(struct vfuzz_env *e, const struct vfuzz_prog *p, struct vt_run *r,
			       struct vfuzz_stats *st, char *why, size_t why_size)
{
	static const char *const types[] = { "mem:4096", "xdp", "xdp_md" };
	BPFHOST_OPTS_INIT(bpfhost_vm_opts, o, .helpers = helpers,
			  .helper_cnt = sizeof(helpers) / sizeof(helpers[0]));
	enum vfuzz_outcome out = VFUZZ_OK;
	const struct bpfhost_insn *prog;
	uint8_t ctx_copy[VF_CTX_SIZE];
	bool calls;
	int t, c;

	cur = e;
	e->why[0] = 0;
	if (why_size)
		why[0] = 0;
	st->programs++;
	st->kind_programs[p->kind]++;
	vt_verify_insns(p->insns, p->cnt, types[p->kind], 0, r);
	if (r->err) {
		st->refusals[r->res.rule < BH_VR__COUNT ? r->res.rule : 0]++;
		return VFUZZ_REFUSED;
	}
	st->accepted++;
	st->kind_accepted[p->kind]++;
	prog = r->res.insns ? r->res.insns : p->insns; /* context views rewritten */
	calls = has_local_calls(prog, p->cnt);
	e->rs = vfuzz_rnd() | 1;
	/* against the lower guards with zeros and random bytes, the upper with ones and random */
	for (t = 0; t < 2 && out == VFUZZ_OK; t++) {
		struct bpfhost_vm *vm;

		e->tail = t;
		gobj_place(&e->o[O_GLOB], 32, t);
		if (resolve(e, prog, p->cnt)) {
			out = VFUZZ_LOAD_ERROR;
			break;
		}
		vm = bpfhost_vm__load(e->code, p->cnt, &o);
		if (!vm) {
			snprintf(e->why, sizeof(e->why), "the interpreter refused it: %s",
				 strerror(errno));
			out = VFUZZ_LOAD_ERROR;
			break;
		}
		for (c = 0; c < 2 && out == VFUZZ_OK; c++) {
			int content = c ? 2 : t;
			uint64_t r1 = setup_run(e, p->kind, content, ctx_copy), r0 = 0;
			uint64_t *top = place_stack(e, calls);
			int err;

			e->bad = VFUZZ_OK;
			e->helper_calls = 0;
			st->runs++;
			err = bh_vm_run_on_stack(vm, r1, p->kind == VFUZZ_MEM ? VFUZZ_PAGE : 0, &r0,
						 top);
			st->helper_calls += e->helper_calls;
			out = run_checks(e, p, err, r0, r, ctx_copy);
		}
		bpfhost_vm__free(vm);
	}
	if (out != VFUZZ_OK) {
		st->violations++;
		if (why_size)
			snprintf(why, why_size, "%s (objects against the %s guard pages)", e->why,
				 e->tail ? "upper" : "lower");
	}
	return out;
}
