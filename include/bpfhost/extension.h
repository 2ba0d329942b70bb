/* SPDX-License-Identifier: MIT */
/*
 * bpfhost extension ABI: the context header, program-type providers, hook
 * providers and helper prototypes.
 *
 * An extension describes itself with data: every structure below starts
 * with {uint32_t version; uint32_t size;} and only ever grows at the end.
 * The runtime accepts any size from the first published one upwards (fields
 * beyond what the extension was built with read as zero) and refuses unknown
 * versions with a message. Layouts are pinned by static assertions at the end
 * of this file. See docs/context-header.md and docs/extensions.md.
 *
 * THE CONTEXT HEADER. Every program context is immediately preceded by a
 * 64-byte struct bpfhost_ctx_header; r1 of the program points just past it.
 * The program can never reach it (the verifier bounds context accesses to
 * [0, ctx_size)); helpers find per-invocation state and the context
 * descriptor from ctx alone:
 *
 *   slot 0  per-invocation runtime state; written by the runtime when an
 *           invocation starts, cleared to 0 when it returns
 *   slot 1  pointer to the program type's struct bpfhost_ctx_desc
 *   slot 2  self-description: magic (bits 63..32), header version
 *           (bits 31..24), context size in bytes (bits 23..0)
 *   slot 3  attach cookie of the link being run (bpf_get_attach_cookie)
 *   slot 4  owned by the extension (its private pointer); never touched by
 *           the runtime after initialisation
 *   slot 5..7 reserved, zero. A later header version claims a reserved slot
 *           by incrementing BPFHOST_CTX_HEADER_VERSION and documenting the
 *           slot; a runtime accepts exactly the header versions it knows.
 *
 * Extensions never fill slots 1 and 2 themselves: they allocate contexts
 * with bpfhost_ctx_alloc() or initialise a header embedded in their own
 * structure with bpfhost_ctx_init() (see BPFHOST_CTX_HEADER_MEMBER).
 */
#ifndef BPFHOST_EXTENSION_H
#define BPFHOST_EXTENSION_H

#include <stddef.h>
#include <stdint.h>

#include <bpfhost/isa.h>

#ifdef __cplusplus
#define BPFHOST_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define BPFHOST_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- context header v1 ---- */

#define BPFHOST_CTX_HEADER_SIZE 64
#define BPFHOST_CTX_HEADER_VERSION 1
#define BPFHOST_CTX_MAGIC 0x62706878u /* "bphx" */
#define BPFHOST_CTX_SIZE_MAX ((1u << 24) - 1)

enum bpfhost_ctx_slot {
	BPFHOST_CTX_SLOT_STATE = 0,
	BPFHOST_CTX_SLOT_DESC = 1,
	BPFHOST_CTX_SLOT_SELF = 2,
	BPFHOST_CTX_SLOT_COOKIE = 3,
	BPFHOST_CTX_SLOT_EXT = 4,
	BPFHOST_CTX_SLOT_RESERVED5 = 5,
	BPFHOST_CTX_SLOT_RESERVED6 = 6,
	BPFHOST_CTX_SLOT_RESERVED7 = 7,
	BPFHOST_CTX_SLOTS = 8,
};

struct bpfhost_ctx_header {
	uint64_t slot[BPFHOST_CTX_SLOTS];
} __attribute__((aligned(8)));

/* The self-description word for a context of ctx_size bytes. */
#define BPFHOST_CTX_SELF(ctx_size)                                                            \
	(((uint64_t)BPFHOST_CTX_MAGIC << 32) | ((uint64_t)BPFHOST_CTX_HEADER_VERSION << 24) | \
	 ((uint64_t)(ctx_size)&BPFHOST_CTX_SIZE_MAX))

/* Header of a context pointer (the pointer programs receive in r1). */
static inline struct bpfhost_ctx_header *bpfhost_ctx_header(void *ctx)
{
	return (struct bpfhost_ctx_header *)((char *)ctx - BPFHOST_CTX_HEADER_SIZE);
}

/*
 * Embed a header in an extension's own context wrapper. The public context
 * member must follow it directly; check that with BPFHOST_CTX_CHECK_LAYOUT:
 *
 *   struct my_wrapper {
 *           BPFHOST_CTX_HEADER_MEMBER;
 *           struct my_ctx ctx;      // what programs see
 *           int private_state;      // reachable by helpers via container-of
 *   };
 *   BPFHOST_CTX_CHECK_LAYOUT(struct my_wrapper, ctx);
 */
#define BPFHOST_CTX_HEADER_MEMBER struct bpfhost_ctx_header bpfhost_hdr
#define BPFHOST_CTX_CHECK_LAYOUT(TYPE, MEMBER)                                \
	BPFHOST_STATIC_ASSERT(__builtin_offsetof(TYPE, MEMBER) ==             \
				      __builtin_offsetof(TYPE, bpfhost_hdr) + \
					      BPFHOST_CTX_HEADER_SIZE,        \
			      #TYPE "." #MEMBER " must directly follow its context header")

/* ---- context descriptor ---- */

struct bpfhost_ctx_range {
	uint32_t off;
	uint32_t size;
};

/* One field of a Linux UAPI view of the context (e.g. struct xdp_md). */
struct bpfhost_ctx_view_field {
	uint32_t linux_off;  /* offset in the Linux struct */
	uint32_t linux_size; /* access size programs use there */
	uint32_t real_off;   /* offset in the real context */
	uint32_t real_size;  /* size of the real field */
};

#define BPFHOST_CTX_DESC_VERSION 1
struct bpfhost_ctx_desc {
	uint32_t version; /* BPFHOST_CTX_DESC_VERSION */
	uint32_t size;	  /* sizeof(struct bpfhost_ctx_desc) */
	uint32_t ctx_size;
	int32_t data_off;      /* offset of the `data` pointer field, or -1 */
	int32_t data_end_off;  /* offset of the `data_end` pointer field, or -1 */
	int32_t data_meta_off; /* offset of the `data_meta` pointer field, or -1 */
	/* ranges of the context programs may write */
	const struct bpfhost_ctx_range *writable;
	uint32_t nr_writable;
	/* optional Linux UAPI view, rewritten to the real layout at load */
	uint32_t linux_ctx_size;
	const struct bpfhost_ctx_view_field *view;
	uint32_t nr_view_fields;
	uint32_t pad;
};

/* ---- helper prototypes: the type system the verifier consumes ---- */

enum bpfhost_arg_type {
	BPFHOST_ARG_NONE = 0,		      /* no argument */
	BPFHOST_ARG_ANYTHING,		      /* any initialised scalar */
	BPFHOST_ARG_CONST_SIZE,		      /* size of the preceding memory argument, > 0 */
	BPFHOST_ARG_CONST_SIZE_OR_ZERO,	      /* same, may be 0 */
	BPFHOST_ARG_PTR_TO_CTX,		      /* the program's context */
	BPFHOST_ARG_CONST_MAP_PTR,	      /* a map (lddw map fd/idx) */
	BPFHOST_ARG_PTR_TO_MAP_KEY,	      /* key_size readable bytes */
	BPFHOST_ARG_PTR_TO_MAP_VALUE,	      /* value_size readable bytes */
	BPFHOST_ARG_PTR_TO_MEM,		      /* readable memory, size in the next argument */
	BPFHOST_ARG_PTR_TO_UNINIT_MEM,	      /* writable memory, size in the next argument */
	BPFHOST_ARG_PTR_TO_RINGBUF_REC,	      /* record from ringbuf_reserve (released) */
	BPFHOST_ARG_PTR_TO_FUNC,	      /* callback function (lddw src=4) */
	BPFHOST_ARG_PTR_TO_STACK_OR_NULL,     /* stack memory or NULL (callback ctx) */
	BPFHOST_ARG_PTR_TO_CONST_STR,	      /* NUL-terminated string in read-only map */
	BPFHOST_ARG_PTR_TO_LONG,	      /* 8 writable bytes */
	BPFHOST_ARG_PTR_TO_UNINIT_MAP_VALUE,  /* value_size writable bytes (pop/peek) */
	BPFHOST_ARG_CONST_ALLOC_SIZE_OR_ZERO, /* a constant: size of the returned memory */
	BPFHOST_ARG__COUNT,
};

enum bpfhost_ret_type {
	BPFHOST_RET_INTEGER = 0,	 /* a scalar */
	BPFHOST_RET_VOID,		 /* r0 undefined after the call */
	BPFHOST_RET_MAP_VALUE_OR_NULL,	 /* pointer into the map argument's value or NULL */
	BPFHOST_RET_RINGBUF_REC_OR_NULL, /* reserved record (size from arg 2) or NULL */
	BPFHOST_RET__COUNT,
};

/* The helper receives the program context implicitly (its ctx parameter). */
#define BPFHOST_HELPER_F_IMPLICIT_CTX (1u << 0)
/*
 * The helper may move or resize the context's packet data (like Linux's
 * bpf_xdp_adjust_head): the verifier forgets every packet pointer and
 * bounds proven before the call.
 */
#define BPFHOST_HELPER_F_CHANGES_PKT_DATA (1u << 1)
/* Every flag this header version defines. */
#define BPFHOST_HELPER_F_KNOWN (BPFHOST_HELPER_F_IMPLICIT_CTX | BPFHOST_HELPER_F_CHANGES_PKT_DATA)

#define BPFHOST_HELPER_PROTO_VERSION 1
struct bpfhost_helper_proto {
	uint32_t version; /* BPFHOST_HELPER_PROTO_VERSION */
	uint32_t size;
	uint32_t id;
	uint32_t flags; /* BPFHOST_HELPER_F_* */
	const char *name;
	bpfhost_helper_fn fn;
	uint32_t ret;	  /* enum bpfhost_ret_type */
	uint32_t args[5]; /* enum bpfhost_arg_type, BPFHOST_ARG_NONE after the last */
};

/* Extension helpers use ids from this base up (Linux ids stay below it). */
#define BPFHOST_HELPER_EXT_BASE 0x10000u

/* ---- test runs ---- */

#define BPFHOST_TEST_CTX_VERSION 1
/*
 * What a test run hands a program type's ctx_create, and what ctx_destroy
 * fills back. priv_in lets a test supply the private state helpers read
 * (its layout is the program type's own, documented by the extension).
 *
 * log_buf/log_size (appended: present when size covers them, i.e. size >
 * BPFHOST_TEST_CTX_V1_SIZE; check with BPFHOST_TEST_CTX_HAS_LOG) is a
 * caller-provided buffer where ctx_create or ctx_destroy may write one
 * NUL-terminated line (no newline needed) saying why it failed or what
 * went wrong; the runtime's test run appends it to its own message. NULL
 * or 0 bytes: no room, write nothing.
 */
#define BPFHOST_TEST_CTX_V1_SIZE 72
struct bpfhost_test_ctx {
	uint32_t version; /* BPFHOST_TEST_CTX_VERSION */
	uint32_t size;
	const void *data_in;
	uint32_t data_size_in;
	uint32_t data_size_out; /* in: capacity of data_out; out: bytes produced */
	void *data_out;
	const void *ctx_in;
	uint32_t ctx_size_in;
	uint32_t ctx_size_out; /* in: capacity of ctx_out; out: bytes produced */
	void *ctx_out;
	const void *priv_in;
	uint32_t priv_size_in;
	uint32_t flags;
	/* ---- appended after BPFHOST_TEST_CTX_V1_SIZE ---- */
	char *log_buf;	   /* one-line reason from ctx_create/ctx_destroy, or NULL */
	uint32_t log_size; /* bytes at log_buf, including the NUL */
	uint32_t pad;
};
/* Does tc (whose size the caller set) carry log_buf and log_size? */
#define BPFHOST_TEST_CTX_HAS_LOG(tc) \
	((tc)->size >= __builtin_offsetof(struct bpfhost_test_ctx, log_size) + sizeof(uint32_t))

/* ---- program-type provider ---- */

/* The provider supports (requires) the context header. Mandatory. */
#define BPFHOST_CAP_CONTEXT_HEADER (1ull << 0)

struct bpfhost;
struct bpfhost_prog_type;

#define BPFHOST_PROG_TYPE_DESC_VERSION 1
struct bpfhost_prog_type_desc {
	uint32_t version; /* BPFHOST_PROG_TYPE_DESC_VERSION */
	uint32_t size;
	const char *name;
	uint32_t linux_prog_type; /* enum bpf_prog_type value, 0 if none applies */
	uint32_t pad;
	/* NULL-terminated section-name prefixes for the ELF loader ("xdp", ...) */
	const char *const *section_prefixes;
	const struct bpfhost_ctx_desc *ctx_desc;
	/* helpers this type offers on top of the runtime's core helpers */
	const struct bpfhost_helper_proto *helpers;
	uint32_t nr_helpers;
	uint32_t pad2;
	uint64_t capabilities; /* must include BPFHOST_CAP_CONTEXT_HEADER */
	/* range of r0 at exit the verifier enforces (min > max, or both 0: unrestricted) */
	int64_t ret_min;
	int64_t ret_max;
	/*
	 * Test runs: build a header-prefixed context from *in (use
	 * bpfhost_ctx_alloc/bpfhost_ctx_init on it) and return the context
	 * pointer in *ctx; ctx_destroy copies results into *out and frees.
	 * Either may be NULL: test runs of this type then answer -EOPNOTSUPP.
	 */
	int (*ctx_create)(struct bpfhost_prog_type *type, const struct bpfhost_test_ctx *in,
			  void **ctx);
	void (*ctx_destroy)(struct bpfhost_prog_type *type, void *ctx,
			    struct bpfhost_test_ctx *out);
	void *priv; /* the extension's, returned by bpfhost_prog_type__priv */
};

/* ---- hook provider (an attach point) ---- */

/* How bpfhost_hook_invoke combines the verdicts of the attached programs. */
enum bpfhost_verdict_rule {
	/*
	 * Run programs in attach order while each returns `pass_value`; the
	 * first other value is the verdict (later programs do not run). All
	 * pass: the verdict is pass_value. (XDP/TC-style chains.)
	 */
	BPFHOST_VERDICT_UNTIL_NOT_PASS = 0,
	/* Run all; the verdict is 1 if every program returned non-zero, else 0. */
	BPFHOST_VERDICT_ALL_NONZERO = 1,
	/* Run all; the verdict is the last program's r0. */
	BPFHOST_VERDICT_LAST = 2,
};

#define BPFHOST_HOOK_DESC_VERSION 1
struct bpfhost_hook_desc {
	uint32_t version; /* BPFHOST_HOOK_DESC_VERSION */
	uint32_t size;
	const char *name;      /* attach type name, unique in the runtime */
	const char *prog_type; /* name of the program type it runs */
	uint32_t linux_attach_type;
	uint32_t verdict_rule; /* enum bpfhost_verdict_rule */
	uint64_t pass_value;   /* for BPFHOST_VERDICT_UNTIL_NOT_PASS; also the verdict
				  when nothing is attached */
	uint64_t capabilities; /* must include BPFHOST_CAP_CONTEXT_HEADER */
};

/* ---- extension ---- */

#define BPFHOST_EXTENSION_DESC_VERSION 1
struct bpfhost_extension_desc {
	uint32_t version; /* BPFHOST_EXTENSION_DESC_VERSION */
	uint32_t size;
	const char *name;
	const struct bpfhost_prog_type_desc *const *prog_types;
	uint32_t nr_prog_types;
	uint32_t nr_hooks;
	const struct bpfhost_hook_desc *const *hooks;
};

/*
 * A shared-object extension exports this symbol (C linkage):
 *   const struct bpfhost_extension_desc *bpfhost_extension_entry(void);
 */
#define BPFHOST_EXTENSION_ENTRY_SYMBOL "bpfhost_extension_entry"
typedef const struct bpfhost_extension_desc *(*bpfhost_extension_entry_fn)(void);

struct bpfhost_extension;
struct bpfhost_hook;

/*
 * Register an extension: every program type and hook is checked (version,
 * size, CONTEXT_HEADER capability, names, descriptor sanity) and the whole
 * extension is refused on the first problem, with a message naming the
 * extension, the program type or hook, and the reason. Returns NULL + errno.
 */
BPFHOST_API struct bpfhost_extension *
bpfhost_extension__register(struct bpfhost *rt, const struct bpfhost_extension_desc *desc);
/* dlopen PATH and register what its entry symbol returns. */
BPFHOST_API struct bpfhost_extension *bpfhost_extension__load(struct bpfhost *rt, const char *path);
/*
 * Unregister: new invocations of its hooks fail with -ENODEV, in-flight
 * ones are waited for (rundown), links are detached, then its objects go.
 * Programs of its types stay loaded (they hold what they depend on) but can
 * not be attached until a compatible provider registers again.
 */
BPFHOST_API int bpfhost_extension__unregister(struct bpfhost_extension *ext);

BPFHOST_API struct bpfhost_hook *bpfhost_extension__hook(struct bpfhost_extension *ext,
							 const char *name);
BPFHOST_API struct bpfhost_prog_type *bpfhost_extension__prog_type(struct bpfhost_extension *ext,
								   const char *name);
BPFHOST_API void *bpfhost_prog_type__priv(const struct bpfhost_prog_type *type);

/*
 * Contexts. bpfhost_ctx_alloc returns a zeroed context of the type's
 * ctx_size plus `extra` private bytes after it, preceded by an initialised
 * header; free it with bpfhost_ctx_free. bpfhost_ctx_init initialises a
 * header embedded by the extension (see BPFHOST_CTX_HEADER_MEMBER).
 * ext_slot is stored in slot 4.
 */
BPFHOST_API void *bpfhost_ctx_alloc(const struct bpfhost_prog_type *type, size_t extra,
				    uint64_t ext_slot);
BPFHOST_API void bpfhost_ctx_free(void *ctx);
BPFHOST_API int bpfhost_ctx_init(struct bpfhost_ctx_header *hdr,
				 const struct bpfhost_prog_type *type, uint64_t ext_slot);

/*
 * Run every program attached to the hook on ctx (which must carry a valid
 * header initialised for the hook's program type) and combine the verdicts
 * by the hook's rule. Returns 0 and the verdict, or: -EBADMSG (bad header:
 * nothing ran, counted in the hook's bad_header counter), -ENODEV (hook
 * unregistered). The header's slot 0 is cleared again before returning.
 */
BPFHOST_API int bpfhost_hook_invoke(struct bpfhost_hook *hook, void *ctx, uint64_t *verdict);
/* Same for n contexts; stops at the first error, returning it. */
BPFHOST_API int bpfhost_hook_invoke_batch(struct bpfhost_hook *hook, void *const *ctxs,
					  uint64_t *verdicts, size_t n);
/*
 * bpfhost_hook_invoke_batch that also tells how far it got: *done (if not
 * NULL) receives the number of contexts that completed, n on success. On
 * an error, ctxs[0..*done) ran and their verdicts are valid, ctxs[*done]
 * is the one that failed (bad header, NULL, engine error) and nothing
 * after it ran; an error before the first context (-EINVAL arguments,
 * -ENODEV, -ENOMEM) leaves *done at 0.
 */
BPFHOST_API int bpfhost_hook_invoke_batch2(struct bpfhost_hook *hook, void *const *ctxs,
					   uint64_t *verdicts, size_t n, size_t *done);

/*
 * The program type a hook runs (the registered one its contexts must be
 * built for, e.g. with bpfhost_ctx_alloc). NULL + errno: EINVAL (no
 * hook), ENODEV (the hook's extension was unregistered).
 */
BPFHOST_API struct bpfhost_prog_type *bpfhost_hook__prog_type(const struct bpfhost_hook *hook);

struct bpfhost_hook_stats {
	size_t sz;
	uint64_t invocations; /* successful invocations */
	uint64_t bad_header;  /* refused: header self-description or descriptor wrong */
	uint64_t links;	      /* currently attached */
};
BPFHOST_API int bpfhost_hook__stats(const struct bpfhost_hook *hook,
				    struct bpfhost_hook_stats *stats);

/* ---- layout pins ---- */
BPFHOST_STATIC_ASSERT(sizeof(struct bpfhost_ctx_header) == BPFHOST_CTX_HEADER_SIZE,
		      "context header is 64 bytes");
BPFHOST_STATIC_ASSERT(__builtin_offsetof(struct bpfhost_ctx_desc, writable) == 24,
		      "ctx_desc layout");
BPFHOST_STATIC_ASSERT(sizeof(struct bpfhost_ctx_desc) == 56, "ctx_desc v1 size");
BPFHOST_STATIC_ASSERT(sizeof(struct bpfhost_ctx_view_field) == 16, "view field layout");
BPFHOST_STATIC_ASSERT(sizeof(struct bpfhost_helper_proto) == 56, "helper proto v1 size");
BPFHOST_STATIC_ASSERT(__builtin_offsetof(struct bpfhost_helper_proto, fn) == 24,
		      "helper proto layout");
BPFHOST_STATIC_ASSERT(__builtin_offsetof(struct bpfhost_prog_type_desc, capabilities) == 56,
		      "prog type desc layout");
BPFHOST_STATIC_ASSERT(__builtin_offsetof(struct bpfhost_test_ctx, log_buf) ==
			      BPFHOST_TEST_CTX_V1_SIZE,
		      "test ctx: log_buf appended after the v1 fields");
BPFHOST_STATIC_ASSERT(sizeof(struct bpfhost_test_ctx) == 88, "test ctx size (v1 + log)");
BPFHOST_STATIC_ASSERT(sizeof(struct bpfhost_prog_type_desc) == 104, "prog type desc v1 size");
BPFHOST_STATIC_ASSERT(sizeof(struct bpfhost_hook_desc) == 48, "hook desc v1 size");
BPFHOST_STATIC_ASSERT(sizeof(struct bpfhost_extension_desc) == 40, "extension desc v1 size");

#ifdef __cplusplus
}
#endif

#endif /* BPFHOST_EXTENSION_H */
