/* SPDX-License-Identifier: MIT */
/*
 * Runtime internals: instances, extensions, program types, hooks, programs
 * and links, and how they own each other.
 *
 *  - struct bpfhost (instance): registry lock, registered extensions,
 *    program types and hooks, hooks retired by unregistration (kept until
 *    the instance is freed, because callers hold raw hook pointers and a
 *    retired hook must keep answering -ENODEV), links whose hook went away.
 *  - struct bpfhost_extension: reference counted; the registration holds
 *    one, every program type object one. Holds the dlopen handle, closed
 *    only when the last reference goes (programs of its types may still
 *    run helpers from its code).
 *  - struct bpfhost_prog_type: runtime-owned deep copy of the provider's
 *    description (slot 1 of every context points at its ctx_desc copy).
 *    Reference counted: the registry holds one while registered, each
 *    program one.
 *  - struct bpfhost_hook: hot fields first (expected header words, link
 *    array, rule), read-side counters on their own cache lines.
 *  - struct bh_prog: loaded program, reference counted (fd, links, prog
 *    array slots each hold one); records what it depends on.
 *  - struct bh_link: owned by its fd.
 *
 * Lock order: rt->lock, then the fd table lock. Grace periods
 * (bh_rcu_synchronize) are never waited for by a reader.
 */
#ifndef BH_RUNTIME_RUNTIME_H
#define BH_RUNTIME_RUNTIME_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpfhost/bpfhost.h>
#include "common/log.h"
#include "runtime/exec_state.h"
#include "runtime/rcu.h"

struct bh_map;
struct bh_link;

struct bpfhost {
	bpfhost_print_fn_t print;
	bpfhost_trace_fn_t trace;
	void *trace_ctx;
	pthread_mutex_t lock; /* registry */
	struct bpfhost_extension *exts;
	struct bpfhost_hook *retired_hooks;
	struct bh_link *orphans; /* links waiting for their hook to come back */
};

struct bpfhost_extension {
	int refcnt;
	struct bpfhost *rt; /* valid while registered */
	char *name;
	void *dl; /* dlopen handle or NULL */
	bool registered;
	struct bpfhost_prog_type **types;
	size_t nr_types;
	struct bpfhost_hook **hooks;
	size_t nr_hooks;
	struct bpfhost_extension *next;
};

struct bpfhost_prog_type {
	int refcnt;
	bool registered;
	struct bpfhost_extension *ext; /* reference */
	char *name;
	uint64_t self;			      /* BPFHOST_CTX_SELF(ctx_size) */
	struct bpfhost_prog_type_desc desc;   /* copy; pointers into owned memory */
	struct bpfhost_ctx_desc ctx_desc;     /* copy; slot 1 of contexts */
	struct bpfhost_helper_proto *helpers; /* the type's own, copied */
	size_t nr_helpers;
	char **prefixes;
};

struct bh_link_slot {
	const struct bpfhost_vm *vm;
	const struct bh_prog *prog;
	uint64_t cookie;
};

struct bh_link_array {
	size_t n;
	struct bh_link_slot s[];
};

struct bpfhost_hook {
	/* read by every invocation */
	uint64_t self;	    /* expected slot 2 */
	uint64_t desc_word; /* expected slot 1 */
	struct bh_link_array *links;
	uint64_t pass_value;
	uint32_t rule;
	int dead;
	struct bpfhost *rt;
	/* control */
	struct bpfhost_prog_type *type; /* reference while registered */
	struct bpfhost_extension *ext;	/* while registered */
	char *name;
	struct bpfhost_hook_desc desc;
	struct bh_link *attached; /* attach order, under rt->lock */
	struct bpfhost_hook *next;
	int stat_slot;	      /* invocation counts in the per-thread readers (rcu.h), or -1 */
	uint64_t invocations; /* used when stat_slot is -1 */
	uint64_t bad_header __attribute__((aligned(BH_CACHELINE)));
};

/*
 * A BPF subprogram used as a callback (lddw src=4): a second engine image
 * of the program, entered through a stub that loads r1..r5 from an
 * argument block and calls the subprogram (see callback.c).
 */
struct bh_prog_cb {
	uint32_t target; /* instruction index of the subprogram */
	struct bpfhost_vm *vm;
};

/* Value a `lddw rX, func` leaves in rX: tag | instruction index. */
#define BH_CB_TAG 0xcb00000000000000ull
/* Callbacks nested inside callbacks, at most. */
#define BH_MAX_CB_DEPTH 8

/* What verification at load found (prog_verify.c); zero for trusted loads. */
struct bh_prog_vstats {
	bool verified;
	uint64_t insns_processed;
	uint64_t states;      /* checkpoints stored for pruning */
	uint64_t peak_states; /* most checkpoints alive at once */
	size_t peak_bytes;    /* most memory held for states at once */
	uint64_t ns;	      /* time bh_verify took */
	int64_t r0_min, r0_max;
};

/* A helper the program calls, as recorded at load. */
struct bh_prog_dep {
	struct bpfhost_helper_proto proto; /* name points into name_buf */
	char name_buf[48];
};

struct bh_prog {
	int refcnt;
	uint32_t id;
	char name[16];
	struct bpfhost *rt; /* instance it was loaded into; valid while it has an fd */
	struct bpfhost_prog_type *type;
	struct bpfhost_vm *vm;
	struct bh_map **maps;
	size_t nr_maps;
	/* what the program depends on, checked when it is attached */
	int32_t data_off, data_end_off, data_meta_off;
	uint32_t ctx_size;
	struct bh_prog_dep *deps;
	size_t nr_deps;
	bool uses_callx;
	char license[64]; /* as given at load ("" if none) */
	uint32_t kern_version;
	struct bh_prog_cb *cbs;
	size_t nr_cbs;
	struct bh_prog_vstats vstats;
};

enum bh_link_state {
	BH_LINK_ATTACHED,
	BH_LINK_ORPHANED, /* hook unregistered: re-attached when it comes back */
	BH_LINK_DEFUNCT,  /* permanently detached */
};

struct bh_link {
	struct bpfhost *rt;
	struct bh_prog *prog;
	struct bpfhost_hook *hook; /* while attached */
	char *hook_name;
	char *prog_type;
	uint64_t cookie;
	enum bh_link_state state;
	struct bh_link *next; /* in hook->attached or rt->orphans */
};

/* ---- instance ---- */
/* Message through the instance's print callback (or the process one). */
__attribute__((format(printf, 3, 4))) void
bh_rt_pr(struct bpfhost *rt, enum bpfhost_print_level level, const char *fmt, ...);
/* bh_log_finish, but without a caller buffer the text goes to rt's print. */
int bh_rt_log_finish(struct bpfhost *rt, struct bh_log *log, char *ubuf, size_t usize,
		     size_t *true_size, enum bpfhost_print_level level);

/* ---- fd table ---- */
enum bh_fd_kind {
	BH_FD_MAP = 1,
	BH_FD_PROG,
	BH_FD_LINK,
};
/* Install obj (its reference moves to the table); returns the fd or -errno. */
int bh_fd_install(struct bpfhost *rt, enum bh_fd_kind kind, void *obj);
/* Map / program of an fd with a reference taken, or NULL + *err. */
struct bh_map *bh_fd_map(int fd, int *err);
struct bh_prog *bh_fd_prog(int fd, int *err);
/* Kind of an fd's object, 0 if none. */
enum bh_fd_kind bh_fd_kind_of(int fd);
const char *bh_fd_kind_name(enum bh_fd_kind kind);
/* Close every fd owned by rt (links, then programs, then maps). */
void bh_fd_close_all(struct bpfhost *rt);

/* ---- programs ---- */
void bh_prog_get(struct bh_prog *prog);
void bh_prog_put(struct bh_prog *prog);
/*
 * Run prog on ctx (header slot 0 already pointing at st) and every program
 * it tail-calls; returns the last program's r0 in *ret, or a negative
 * errno from the engine.
 */
int bh_run_chain(struct bh_exec_state *st, const struct bh_prog *prog, void *ctx, uint64_t *ret);

/* ---- program types and extensions ---- */
void bh_prog_type_get(struct bpfhost_prog_type *type);
void bh_prog_type_put(struct bpfhost_prog_type *type);
void bh_extension_get(struct bpfhost_extension *ext);
void bh_extension_put(struct bpfhost_extension *ext);
/* Register (dl: the dlopen handle the extension then owns, or NULL). */
struct bpfhost_extension *
bh_extension_register(struct bpfhost *rt, const struct bpfhost_extension_desc *desc, void *dl);
void bh_extension_dlclose(void *dl);
/* Registered program type / hook by name, under rt->lock. */
struct bpfhost_prog_type *bh_find_prog_type_locked(struct bpfhost *rt, const char *name);
struct bpfhost_hook *bh_find_hook_locked(struct bpfhost *rt, const char *name);
/* All helpers available to programs of a type: type's, tail_call, core. */
const struct bpfhost_helper_proto *bh_type_find_helper(const struct bpfhost_prog_type *type,
						       uint32_t id);
/* Core helper table (src/helpers) plus the runtime's tail_call. */
const struct bpfhost_helper_proto *bh_core_find_helper(uint32_t id);
size_t bh_core_helper_count(void);
const struct bpfhost_helper_proto *bh_core_helper_at(size_t i);

/* ---- hooks and links ---- */
struct bpfhost_hook *bh_hook_new(struct bpfhost *rt, struct bpfhost_extension *ext,
				 const struct bpfhost_hook_desc *desc,
				 struct bpfhost_prog_type *type);
/* Mark dead, wait for readers, orphan its links, drop its type reference. */
void bh_hook_retire(struct bpfhost_hook *hook);
void bh_hook_free(struct bpfhost_hook *hook);
/* After a hook registered: re-attach (or finally detach) rt's orphans. */
void bh_hook_adopt_orphans_locked(struct bpfhost_hook *hook);
/* Close a link: detach and free. */
void bh_link_destroy(struct bh_link *link);
/*
 * Can prog run on hook now? 0, or -EPROTONOSUPPORT (hook lacks the
 * context-header capability), -EINVAL (other program type), -ESTALE (the
 * provider registered now differs from what the program was loaded
 * against); the reason is written to why.
 */
int bh_link_check(const struct bh_prog *prog, const struct bpfhost_hook *hook, char *why,
		  size_t why_size);
/* Rebuild and publish hook's link array from hook->attached (rt->lock held). */
struct bh_link_array *bh_hook_publish_locked(struct bpfhost_hook *hook, int *err);

/* ---- callbacks (callback.c) ---- */
/* Record a callback target; 0 or -ENOMEM. */
int bh_prog_add_cb(struct bh_prog *prog, uint32_t target);
/* Build the callback images once the program's code is final. */
int bh_prog_build_cbs(struct bh_prog *prog, const struct bpfhost_insn *code, size_t cnt,
		      struct bpfhost_vm_opts *vo, struct bh_log *log);
void bh_prog_free_cbs(struct bh_prog *prog);

/* ---- tail calls ---- */
extern const struct bpfhost_helper_proto bh_tail_call_proto;

#endif /* BH_RUNTIME_RUNTIME_H */
