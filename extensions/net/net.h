/* SPDX-License-Identifier: MIT */
/*
 * The net extension: the XDP program type and hook, and a pcap replay
 * driver that runs captured packets through the hook.
 *
 * Written like a third-party extension, against <bpfhost/extension.h>
 * only; built as a static archive (libbpfhost_net.a, linked with -lpcap)
 * and as a shared object (libbpfhost_net.so, loaded with
 * bpfhost_extension__load or the CLI's --ext). docs/net-extension.md is
 * the full description; the short version:
 *
 *  - program type "xdp" (Linux BPF_PROG_TYPE_XDP, section prefix "xdp"):
 *    the context is struct bpfhost_net_xdp_ctx (64-bit packet pointers,
 *    read-only); programs compiled for Linux use the struct xdp_md view
 *    (struct bpfhost_net_xdp_md), which the verifier rewrites at load.
 *    Return values XDP_ABORTED..XDP_REDIRECT (0..4). Helpers on top of the
 *    core ones: bpf_xdp_adjust_head (44), bpf_xdp_adjust_meta (54),
 *    bpf_xdp_adjust_tail (65), with Linux's bounds and errors.
 *  - hook "xdp": attached programs run in attach order while they return
 *    XDP_PASS; the first other verdict ends the chain.
 *  - test runs follow Linux's BPF_PROG_TEST_RUN for XDP (frame geometry,
 *    xdp_md in ctx_in/ctx_out, metadata in front of the packet).
 *
 * Errors are negative errno values; the message explaining the last
 * failure of a call of this extension in the calling thread is returned by
 * bpfhost_net_last_error().
 */
#ifndef BPFHOST_NET_H
#define BPFHOST_NET_H

#include <stddef.h>
#include <stdint.h>

#include <bpfhost/extension.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BPFHOST_NET_EXTENSION "net"
#define BPFHOST_NET_PROG_TYPE_XDP "xdp"
#define BPFHOST_NET_HOOK_XDP "xdp"

/* Linux numbers: enum bpf_prog_type, enum bpf_attach_type. */
#define BPFHOST_NET_LINUX_PROG_TYPE_XDP 6
#define BPFHOST_NET_LINUX_ATTACH_XDP 37

/* XDP verdicts (enum xdp_action). */
enum bpfhost_net_xdp_action {
	BPFHOST_NET_XDP_ABORTED = 0,
	BPFHOST_NET_XDP_DROP = 1,
	BPFHOST_NET_XDP_PASS = 2,
	BPFHOST_NET_XDP_TX = 3,
	BPFHOST_NET_XDP_REDIRECT = 4,
};
#define BPFHOST_NET_XDP_ACTIONS 5

/* Helper ids (Linux's). */
#define BPFHOST_NET_HELPER_XDP_ADJUST_HEAD 44
#define BPFHOST_NET_HELPER_XDP_ADJUST_META 54
#define BPFHOST_NET_HELPER_XDP_ADJUST_TAIL 65

/*
 * Frame geometry of test runs and of the pcap driver, as in Linux's XDP
 * test runs: a 4096-byte frame, the packet at 256 (XDP_PACKET_HEADROOM),
 * the first 40 bytes kept for the frame descriptor (struct xdp_frame) and
 * the last 320 for struct skb_shared_info, so at most 3520 packet bytes.
 */
#define BPFHOST_NET_XDP_FRAME_SIZE 4096u
#define BPFHOST_NET_XDP_HEADROOM 256u
#define BPFHOST_NET_XDP_FRAME_RESERVED 40u
#define BPFHOST_NET_XDP_TAIL_RESERVED 320u
#define BPFHOST_NET_XDP_MAX_DATA \
	(BPFHOST_NET_XDP_FRAME_SIZE - BPFHOST_NET_XDP_HEADROOM - BPFHOST_NET_XDP_TAIL_RESERVED)
/*
 * Metadata: a multiple of 4 bytes, at most 255 (skb_shared_info.meta_len
 * is a u8), so 252: Linux's rule since 6.2 (32 before).
 */
#define BPFHOST_NET_XDP_META_MAX 252u
/* adjust_head/adjust_tail keep at least an Ethernet header. */
#define BPFHOST_NET_ETH_HLEN 14u

/*
 * The real context of program type "xdp" (r1 points here; 40 bytes,
 * read-only for programs). data_meta <= data <= data_end; data_meta ==
 * data when there is no metadata.
 */
struct bpfhost_net_xdp_ctx {
	uint64_t data;		  /* first packet byte */
	uint64_t data_end;	  /* one past the last packet byte */
	uint64_t data_meta;	  /* first metadata byte */
	uint32_t ingress_ifindex; /* as the application supplied it */
	uint32_t rx_queue_index;
	uint32_t egress_ifindex; /* always 0 (no device maps) */
	uint32_t reserved;	 /* 0; not readable through the view */
};

/*
 * The Linux UAPI struct xdp_md (24 bytes): what programs compiled for
 * Linux read (the verifier rewrites their accesses to the real context),
 * and what test runs take in ctx_in / give back in ctx_out, where data,
 * data_end and data_meta are offsets from the start of data_out (Linux's
 * convention: data = metadata length, data_end = metadata + packet).
 */
struct bpfhost_net_xdp_md {
	uint32_t data;
	uint32_t data_end;
	uint32_t data_meta;
	uint32_t ingress_ifindex;
	uint32_t rx_queue_index;
	uint32_t egress_ifindex;
};

/* The extension's description, to pass to bpfhost_extension__register. */
BPFHOST_API const struct bpfhost_extension_desc *bpfhost_net_extension(void);

/* Message of the last failure in this thread ("" when none). */
BPFHOST_API const char *bpfhost_net_last_error(void);

/* ---- running packets through the xdp hook ---- */

/*
 * A packet in the application's buffer. The program sees the bytes
 * [data_off, data_off + data_len) of buf, the meta_len bytes before them
 * as metadata. adjust_head/adjust_meta may move the packet start down to
 * buf (the whole buffer in front of the packet is headroom) and
 * adjust_tail may grow the packet up to buf + buf_size; the run writes the
 * resulting data_off, data_len and meta_len back. The buffer never moves.
 */
struct bpfhost_net_xdp_buff {
	size_t sz; /* sizeof(struct bpfhost_net_xdp_buff) */
	void *buf;
	uint32_t buf_size;
	uint32_t data_off; /* in/out */
	uint32_t data_len; /* in/out */
	uint32_t meta_len; /* in/out: 0..252, a multiple of 4 */
	uint32_t ingress_ifindex;
	uint32_t rx_queue_index;
};

/*
 * Run the packet through the "xdp" hook of `net` (a registered net
 * extension). Returns 0 and the verdict (the first verdict that is not
 * XDP_PASS, XDP_PASS if every program passed or none is attached), or
 * -EINVAL (bad packet description), -ENODEV (hook unregistered), an engine
 * error; xb is updated in every case where a program ran.
 */
BPFHOST_API int bpfhost_net_xdp_run(struct bpfhost_extension *net, struct bpfhost_net_xdp_buff *xb,
				    uint32_t *verdict);

/*
 * The same for n packets, through bpfhost_hook_invoke_batch2 (in chunks of
 * BPFHOST_NET_XDP_BATCH). Every description is checked before anything
 * runs (-EINVAL names the index). On an error from the hook the run stops
 * at the failing packet, whose index the message names: the packets before
 * it have their verdicts, the failing one and those after it have none
 * (verdicts[] untouched there).
 */
#define BPFHOST_NET_XDP_BATCH 32
BPFHOST_API int bpfhost_net_xdp_run_batch(struct bpfhost_extension *net,
					  struct bpfhost_net_xdp_buff *xbs, uint32_t *verdicts,
					  size_t n);

/*
 * bpfhost_net_xdp_run / _batch through a given hook: any hook whose program
 * type is this extension's "xdp" (bpfhost_hook__prog_type), e.g. one found
 * with bpfhost_hook__find. -EINVAL when the hook runs another provider's
 * type (including the "xdp" type registered by another copy of this
 * extension, e.g. the shared object when called through the static
 * archive: use bpfhost_net_xdp_run with that extension then), -ENODEV when
 * it was unregistered; otherwise the same results.
 */
BPFHOST_API int bpfhost_net_xdp_hook_run(struct bpfhost_hook *hook, struct bpfhost_net_xdp_buff *xb,
					 uint32_t *verdict);
BPFHOST_API int bpfhost_net_xdp_hook_run_batch(struct bpfhost_hook *hook,
					       struct bpfhost_net_xdp_buff *xbs, uint32_t *verdicts,
					       size_t n);

/* ---- pcap replay driver ---- */

/* Options of bpfhost_net_pcap_replay (BPFHOST_OPTS_INIT). */
struct bpfhost_net_pcap_opts {
	size_t sz;
	/* write the packets whose verdict is in out_verdicts here (pcap) */
	const char *out_path;
	/* bit (1 << verdict); 0 means XDP_PASS and XDP_TX */
	uint32_t out_verdicts;
	uint32_t ingress_ifindex;
	uint32_t rx_queue_index;
	/* packets per batch invocation, 1..BPFHOST_NET_XDP_BATCH; 0: the maximum */
	uint32_t batch;
};

/* What a replay did (sz set by the caller; fields beyond it are not written). */
struct bpfhost_net_pcap_stats {
	size_t sz;
	uint64_t packets;			    /* run through the hook */
	uint64_t verdicts[BPFHOST_NET_XDP_ACTIONS]; /* per verdict 0..4 */
	uint64_t other;				    /* verdicts above XDP_REDIRECT */
	uint64_t written;			    /* packets written to out_path */
	uint64_t truncated;			    /* captured shorter than on the wire */
	uint64_t skipped;			    /* longer than BPFHOST_NET_PCAP_MAX_DATA */
	uint64_t bytes_in;			    /* captured bytes run */
	uint64_t bytes_out;			    /* bytes written */
};

/* Largest captured packet the driver runs (longer ones are skipped). */
#define BPFHOST_NET_PCAP_MAX_DATA 65535u

/*
 * Read the Ethernet (DLT_EN10MB) capture at in_path, run every packet
 * through net's "xdp" hook in a 4096-byte (larger for jumbo packets) frame
 * laid out like Linux's, count the verdicts, and optionally write the
 * selected packets, as the programs left them, to opts->out_path (same
 * timestamps; the wire length changes by what adjust_head/adjust_tail
 * added or removed). opts and stats may be NULL. Returns 0, or -ENOENT /
 * -EACCES (input not readable), -EINVAL (not a pcap file, not Ethernet,
 * bad options), -EIO (read or write error), a hook error; stats hold what
 * was done up to the error.
 */
BPFHOST_API int bpfhost_net_pcap_replay(struct bpfhost_extension *net, const char *in_path,
					const struct bpfhost_net_pcap_opts *opts,
					struct bpfhost_net_pcap_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* BPFHOST_NET_H */
