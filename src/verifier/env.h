/* SPDX-License-Identifier: MIT */
/*
 * Internal structures of the verifier, shared by its files.
 *
 * An abstract state (struct bh_vstate) is what the verifier knows at one
 * instruction on one path: a stack of frames (bpf-to-bpf calls and
 * callbacks), each with eleven registers and its stack slots, the packet
 * length proven so far, and the references (ring buffer records) held.
 *
 * A register (struct bh_reg) is either not initialised, a scalar (s), or a
 * pointer of some type: base of its region + off (constant) + s (variable
 * part, a scalar; the constant 0 for most pointers). Packet pointers whose
 * variable part is not constant carry an id shared by copies and a range:
 * bytes [base, base + range) are known to lie in the packet. Constant-offset
 * packet pointers use the state's pkt_range instead (bytes [data, data +
 * pkt_range) exist). "Or null" pointers carry an id shared by copies, so a
 * NULL check of one copy settles all of them; acquired references (ring
 * buffer records) a ref_id that must be released exactly once.
 *
 * Stack slots are 8 bytes; slot i covers [r10 - 8*(i+1), r10 - 8*i). Each
 * byte is INVALID (never written), MISC (some scalar), ZERO, or SPILL: a
 * register stored by one aligned store of spill_size bytes at the slot's
 * start is kept precisely in `spill` (pointers only as full 8-byte spills).
 */
#ifndef BH_VERIFIER_ENV_H
#define BH_VERIFIER_ENV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa/isa.h"
#include "verifier/verifier.h"

#define BH_NREGS BPFHOST_NR_REGS
#define BH_MAX_FRAMES BPFHOST_MAX_CALL_DEPTH
#define BH_STACK BPFHOST_STACK_SIZE
#define BH_SLOTS (BH_STACK / 8)
/* Largest constant or variable pointer offset the verifier tracks. */
#define BH_MAX_VAR_OFF (1ll << 29)
/* Largest size a helper memory argument may have. */
#define BH_MAX_MEM_ARG (1u << 29)

enum bh_rtype {
	BH_RT_NOT_INIT = 0,
	BH_RT_SCALAR,
	BH_RT_CTX,
	BH_RT_PKT,
	BH_RT_PKT_END,
	BH_RT_PKT_META,
	BH_RT_STACK,
	BH_RT_MAP_PTR,
	BH_RT_MAP_VALUE,
	BH_RT_MAP_VALUE_OR_NULL,
	BH_RT_RINGBUF_REC,
	BH_RT_RINGBUF_REC_OR_NULL,
	BH_RT_MEM,
	BH_RT_FUNC,
	BH_RT_MAP_PTR_OR_NULL, /* inner map of a map-in-map lookup */
	BH_RT__COUNT,
};

/* A map as the verifier sees it (one per lddw that names it). */
struct bh_vmap {
	struct bh_map_def def;
	const void *rodata;
	const struct bh_vmap *inner; /* map-in-map: the inner maps' definition */
};

struct bh_reg {
	struct bh_scalar s; /* scalar value, or a pointer's variable offset */
	int32_t off;	    /* pointer: constant offset */
	uint8_t type;	    /* enum bh_rtype */
	uint8_t frameno;    /* STACK: frame pointed into */
	uint8_t rdonly;	    /* MEM: programs may only read it (map keys) */
	uint8_t precise;    /* checkpoints: this scalar's value matters (precise.c) */
	uint16_t subprog;   /* FUNC: subprogram index */
	uint8_t prop;	    /* live scalar: marking it precise would find nothing new */
	uint8_t pad2;
	uint32_t id;	   /* OR_NULL copies; PKT with variable offset */
	uint32_t ref_id;   /* RINGBUF_REC(_OR_NULL): reference held */
	uint32_t range;	   /* PKT/PKT_META with id: proven bytes from the base */
	uint32_t mem_size; /* MEM, RINGBUF_REC(_OR_NULL): bytes */
	uint32_t released; /* NOT_INIT since a release at insn released - 1 */
	const struct bh_vmap *map;
};

enum bh_sbyte {
	BH_SB_INVALID = 0,
	BH_SB_MISC,
	BH_SB_ZERO,
	BH_SB_SPILL,
};

struct bh_slot {
	uint8_t kind[8]; /* per byte, byte 0 at the lowest address */
	uint8_t spill_size;
	struct bh_reg spill;
};

struct bh_frame {
	struct bh_reg regs[BH_NREGS];
	int32_t callsite; /* insn of the call that made this frame; -1: main */
	uint32_t subprog;
	uint32_t nslots; /* slots allocated (the rest are INVALID) */
	uint32_t cap;
	bool callback; /* called by a helper (callsite is that helper call) */
	struct bh_slot *stack;
};

struct bh_ref {
	uint32_t id;
	uint32_t insn;	/* where it was acquired */
	uint32_t frame; /* callback frame that acquired it, or 0 */
};

/* One entry of a path segment's history (precise.c). */
enum bh_hist_kind {
	BH_HIST_JUMP,  /* arrived at idx from prev (not the next instruction) */
	BH_HIST_STACK, /* insn idx accessed stack slot `slot` of frame `frame` */
};

struct bh_hist {
	uint32_t idx;
	uint32_t prev;
	uint16_t slot;
	uint8_t frame;
	uint8_t kind;
};

struct bh_vstate {
	struct bh_frame *frames[BH_MAX_FRAMES];
	uint32_t curframe;
	uint32_t insn_idx;
	uint32_t pkt_range;  /* bytes from data known to lie before data_end */
	uint32_t meta_range; /* bytes from data_meta known to lie before data */
	uint32_t nrefs, refs_cap;
	struct bh_ref *refs;
	/* exploration */
	uint32_t cb_token;	  /* callback exploration this state belongs to (0: none) */
	struct bh_vstate *parent; /* last checkpoint this path passed */
	uint32_t branches;	  /* checkpoint: unfinished paths through it */
	uint32_t hit, miss;
	bool all_precise;	/* checkpoint: it and its ancestors are all precise */
	struct bh_vstate *next; /* explored list / pending stack */
	size_t bytes;		/* memory held (accounting) */
	/* path since the parent checkpoint: starts at seg_start */
	uint32_t seg_start;
	bool hist_dropped;     /* too long: everything above was marked precise */
	uint64_t cp_processed; /* env->processed when this path last stored a checkpoint */
	/* stack liveness (state.c): slots fully written in this segment, and
	 * for checkpoints the slots some descendant read before writing */
	uint64_t written[BH_MAX_FRAMES];
	uint64_t read[BH_MAX_FRAMES];
	uint32_t nhist, hist_cap;
	struct bh_hist *hist;
};

/* Registers and spilled stack slots whose value must be kept precise. */
struct bh_prec {
	uint16_t regs[BH_MAX_FRAMES];
	uint64_t slots[BH_MAX_FRAMES];
};

struct bh_vaux {
	int16_t op;	  /* enum bh_op, -1 for the second slot of lddw */
	uint8_t prune;	  /* checkpoint before this instruction (2: loop head) */
	uint8_t mem_type; /* pointer type first used by this memory access */
	uint16_t live;	  /* registers live before this instruction */
	uint16_t subprog;
	int32_t map;	 /* lddw of a map: index in env->maps, else -1 */
	uint32_t nexp;	 /* checkpoints in explored[insn] */
	uint8_t reached; /* processed at least once */
	uint8_t ctx_rewritten;
	uint8_t exit_dist; /* instructions to an exit without a branch (255: far) */
};

struct bh_subprog {
	uint32_t start, end; /* [start, end) */
	bool reachable;
};

/* Bytes of caller frames a callback may write (its may-write set). */
struct bh_cbwrite {
	uint8_t bytes[BH_MAX_FRAMES][BH_STACK];
	bool grew;
};

struct bh_venv {
	const struct bh_verifier_input *in;
	const struct bpfhost_insn *insns;
	size_t cnt;
	struct bh_vaux *aux;
	struct bh_subprog *subprogs;
	uint32_t nsubprogs;
	struct bh_vmap *maps;
	size_t nmaps;
	const struct bpfhost_ctx_desc *ctx;
	struct bpfhost_insn *rewritten; /* copy made on the first view rewrite */

	struct bh_vstate *cur;
	struct bh_vstate *pending; /* paths waiting to be explored */
	uint32_t npending, max_pending;
	uint32_t stop_frame;	     /* exit of this frame ends a path */
	struct bh_vstate **explored; /* per insn */
	uint32_t next_id;
	uint64_t processed, budget;
	uint64_t states, live_states, peak_states, pruned;
	size_t bytes, peak_bytes;

	/* callbacks being verified (innermost last), and the caller's state */
	uint32_t cb_depth;
	struct bh_vstate *cb_outer[BH_MAX_FRAMES];
	struct bh_cbwrite *cbw[BH_MAX_FRAMES];
	uint32_t cb_frame[BH_MAX_FRAMES];

	/* r0 at exit of the main program, joined over paths */
	struct bh_scalar r0;
	bool r0_seen;
	uint32_t ctx_access_end;

	/* first error */
	struct bh_log *log;
	int err;
	enum bh_vrule rule;
	long err_insn;
	char msg[512];
	bool trace; /* log_level >= 2 */
};

/* ---- errors and log (log.c) ---- */
/*
 * Record the first error: rule broken, instruction (env->cur's), registers
 * involved (bit mask; their state is printed), an optional hint. Returns err.
 */
__attribute__((format(printf, 6, 7))) int bh_verr(struct bh_venv *env, int err, enum bh_vrule rule,
						  uint32_t regs, const char *hint, const char *fmt,
						  ...);
/* Same for an error found before exploration (no state), at insn idx. */
__attribute__((format(printf, 5, 6))) int bh_verr_at(struct bh_venv *env, long idx, int err,
						     enum bh_vrule rule, const char *fmt, ...);
/* "ctx(off=8)", "scalar(smin=..)" etc. */
char *bh_reg_str(const struct bh_venv *env, const struct bh_reg *r, char *buf, size_t sz);
const char *bh_rtype_name(enum bh_rtype t);
/* The whole state (registers, stack: m = data, z = zero, ? = unset), level 2. */
void bh_vdump_state(struct bh_venv *env, const struct bh_vstate *st);
/* Trace line for log_level 2 after processing insn idx. */
void bh_vtrace(struct bh_venv *env, size_t idx, uint32_t regs_written);
/* Fill res->summary (the stable one-line result). */
void bh_vsummary(const struct bh_venv *env, struct bh_verifier_result *res);
void bh_vfinish_log(struct bh_venv *env, const struct bh_verifier_result *res);

/* ---- control-flow graph (cfg.c) ---- */
int bh_cfg_check(struct bh_venv *env);

/* ---- states (state.c) ---- */
struct bh_vstate *bh_state_new(struct bh_venv *env);
struct bh_vstate *bh_state_copy(struct bh_venv *env, const struct bh_vstate *st);
void bh_state_free(struct bh_venv *env, struct bh_vstate *st);
struct bh_frame *bh_frame_new(struct bh_venv *env, int32_t callsite, uint32_t subprog);
/* Make sure frame f has at least n slots; false on ENOMEM. */
bool bh_frame_grow(struct bh_venv *env, struct bh_frame *f, uint32_t n);
/*
 * At a checkpoint: 1 if an explored state covers cur (prune the path), 0 to
 * continue (a checkpoint is added), negative errno (infinite loop / ENOMEM).
 */
int bh_state_visit(struct bh_venv *env);
/* A path ended: update the branch counts of its checkpoints. */
void bh_state_path_done(struct bh_venv *env, struct bh_vstate *st);
void bh_state_free_all(struct bh_venv *env);
/* Stack liveness: slots [lo, hi) of frame f are read / fully written by cur. */
void bh_stack_read_mark(struct bh_venv *env, uint32_t f, int64_t lo, int64_t hi);
void bh_stack_write_mark(struct bh_venv *env, uint32_t f, int64_t lo, int64_t hi);
int bh_ref_acquire(struct bh_venv *env, struct bh_vstate *st, uint32_t insn);
bool bh_ref_release(struct bh_vstate *st, uint32_t id);

/* ---- register helpers (state.c) ---- */
void bh_reg_not_init(struct bh_reg *r);
void bh_reg_scalar(struct bh_reg *r, struct bh_scalar s);
void bh_reg_unknown(struct bh_reg *r);
void bh_reg_const(struct bh_reg *r, uint64_t v);
void bh_reg_ptr(struct bh_reg *r, enum bh_rtype t);
bool bh_reg_is_ptr(const struct bh_reg *r);
/* Apply fn to every register and spilled register of every frame. */
void bh_state_for_each_reg(struct bh_vstate *st, void (*fn)(struct bh_reg *r, void *arg),
			   void *arg);

static inline struct bh_frame *bh_curframe(struct bh_venv *env)
{
	return env->cur->frames[env->cur->curframe];
}
static inline struct bh_reg *bh_regs(struct bh_venv *env)
{
	return bh_curframe(env)->regs;
}

/* ---- instructions (alu.c, jmp.c, memory.c, calls.c, ctx_view.c) ---- */
/* Refuse reading regno when it is not initialised (alu.c). */
int bh_check_reg_init(struct bh_venv *env, uint32_t regno);
/* Set a scalar register (and every copy linked to it by id) in st. */
void bh_set_scalar(struct bh_vstate *st, struct bh_reg *r, const struct bh_scalar *s);
int bh_check_alu(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op);
/* Conditional jump: may push the other branch; sets *next. */
int bh_check_cond_jmp(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op,
		      size_t idx, size_t *next);
/* Push a copy of cur to continue at insn idx later; returns it or NULL. */
struct bh_vstate *bh_push_branch(struct bh_venv *env, size_t idx);
int bh_check_lddw(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op, size_t idx);
int bh_check_mem(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op, size_t idx);

/* Kinds of access for region checks. */
enum bh_acc {
	BH_ACC_READ,
	BH_ACC_WRITE,
	BH_ACC_ATOMIC,
	BH_ACC_HELPER_READ,  /* helper reads initialised memory */
	BH_ACC_HELPER_WRITE, /* helper writes (may be uninitialised) */
};
/*
 * Check that [reg + off, reg + off + size) (size up to max_size for
 * variable sizes: pass size = max) is accessible for `acc` through regno.
 * For stack writes by helpers, marks the bytes initialised.
 */
int bh_check_region(struct bh_venv *env, uint32_t regno, int64_t off, uint64_t size,
		    enum bh_acc acc, bool zero_ok);
int bh_check_ctx_access(struct bh_venv *env, const struct bpfhost_insn *insn, size_t idx,
			uint32_t regno, unsigned size, bool write, bool sign_ext,
			struct bh_reg *loaded);
int bh_check_call(struct bh_venv *env, const struct bpfhost_insn *insn, enum bh_op op, size_t idx,
		  size_t *next);
/* exit: returns 1 when the path ends, 0 to continue at *next. */
int bh_check_exit(struct bh_venv *env, size_t idx, size_t *next);
/* Mark stack bytes [off, off+size) of frame f as written by a callback. */
void bh_cb_note_write(struct bh_venv *env, uint32_t frameno, int64_t off, uint64_t size);
/* Forget what st's frames [0, nframes) held in the bytes a callback may write. */
void bh_stack_widen(struct bh_vstate *st, const struct bh_cbwrite *w, uint32_t nframes);

/* ---- precision (precise.c) ---- */
/* Record in env->cur's history: a jump from prev to idx / a stack slot access. */
int bh_hist_jump(struct bh_venv *env, struct bh_vstate *st, uint32_t prev, uint32_t idx);
int bh_hist_stack(struct bh_venv *env, uint32_t idx, uint32_t frame, uint32_t slot);
/* The values of these registers (current frame) decide something: keep them precise. */
int bh_mark_precise(struct bh_venv *env, uint32_t regs);
/* After pruning cur against old: what old needed precise, cur's ancestors need too. */
int bh_propagate_precision(struct bh_venv *env, const struct bh_vstate *old);
/* A new segment starts at st (checkpoint or callback entry): values come from before it. */
void bh_prop_reset(struct bh_vstate *st);

/* ---- driver (verifier.c) ---- */
/*
 * Explore every path from st until each ends (exit of the main program, or
 * of frame stop_frame for callbacks). Takes ownership of st.
 */
int bh_explore(struct bh_venv *env, struct bh_vstate *st, uint32_t stop_frame);
uint32_t bh_new_id(struct bh_venv *env);

#endif /* BH_VERIFIER_ENV_H */
