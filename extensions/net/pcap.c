/* SPDX-License-Identifier: MIT */
/*
 * The pcap replay driver: a real packet source that needs no network.
 * libpcap reads an Ethernet capture; every packet is copied into a frame
 * laid out like Linux's XDP frames (packet at 256, 40 bytes reserved at
 * the front, 320 at the end; 4096 bytes unless the packet needs more) and
 * runs through the xdp hook, BPFHOST_NET_XDP_BATCH packets per
 * bpfhost_hook_invoke_batch call. Verdicts are counted; the packets whose
 * verdict the caller selected are written, as the programs left them
 * (without metadata), to an output capture with the input's timestamps.
 *
 * Timestamps are kept at microsecond precision (libpcap's default); the
 * output's snapshot length is the input's. Packets captured longer than
 * BPFHOST_NET_PCAP_MAX_DATA bytes are skipped and counted.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

#define OPTS_V1_SIZE (offsetof(struct bpfhost_net_pcap_opts, batch) + sizeof(uint32_t))
#define ALL_VERDICTS ((1u << BPFHOST_NET_XDP_ACTIONS) - 1)

struct replay {
	struct bpfhost_prog_type *type;
	struct bpfhost_hook *hook;
	pcap_t *in;
	pcap_t *dead;
	pcap_dumper_t *out;
	uint32_t mask, batch, slot_size;
	uint32_t ifindex, rxq;
	uint8_t *slots;
	struct bh_net_xdp_wrap wraps[BPFHOST_NET_XDP_BATCH];
	struct pcap_pkthdr hdrs[BPFHOST_NET_XDP_BATCH];
	struct bpfhost_net_pcap_stats st;
	const char *in_path;
};

static int check_opts(const struct bpfhost_net_pcap_opts *o)
{
	size_t i;

	if (!o)
		return 0;
	if (o->sz < OPTS_V1_SIZE)
		return bh_net_err(-EINVAL,
				  "pcap replay: opts.sz %zu is smaller than version 1 (%zu)", o->sz,
				  OPTS_V1_SIZE);
	for (i = sizeof(*o); i < o->sz; i++)
		if (((const uint8_t *)o)[i])
			return bh_net_err(-EINVAL,
					  "pcap replay: opts byte %zu is not zero (this version "
					  "knows %zu bytes)",
					  i, sizeof(*o));
	if (o->out_verdicts & ~ALL_VERDICTS)
		return bh_net_err(-EINVAL,
				  "pcap replay: out_verdicts 0x%x has bits beyond XDP_REDIRECT "
				  "(mask 0x%x)",
				  o->out_verdicts, ALL_VERDICTS);
	if (o->batch > BPFHOST_NET_XDP_BATCH)
		return bh_net_err(-EINVAL, "pcap replay: batch %u is above %u", o->batch,
				  BPFHOST_NET_XDP_BATCH);
	return 0;
}

static int open_input(struct replay *r)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	FILE *f = fopen(r->in_path, "rb");
	int err;

	if (!f) {
		err = -errno;
		return bh_net_err(err, "pcap replay: cannot open '%s': %s", r->in_path,
				  strerror(-err));
	}
	r->in = pcap_fopen_offline(f, errbuf);
	if (!r->in) {
		fclose(f);
		return bh_net_err(-EINVAL, "pcap replay: '%s' is not a capture libpcap reads: %s",
				  r->in_path, errbuf);
	}
	if (pcap_datalink(r->in) != DLT_EN10MB)
		return bh_net_err(-EINVAL,
				  "pcap replay: '%s' has link type %d (%s); xdp programs need "
				  "Ethernet (DLT_EN10MB)",
				  r->in_path, pcap_datalink(r->in),
				  pcap_datalink_val_to_name(pcap_datalink(r->in))
					  ? pcap_datalink_val_to_name(pcap_datalink(r->in))
					  : "unknown");
	return 0;
}

static int open_output(struct replay *r, const char *path)
{
	int snaplen = pcap_snapshot(r->in);

	r->dead = pcap_open_dead(DLT_EN10MB, snaplen > 0 ? snaplen : 262144);
	if (!r->dead)
		return bh_net_err(-ENOMEM, "pcap replay: out of memory");
	r->out = pcap_dump_open(r->dead, path);
	if (!r->out)
		return bh_net_err(-EIO, "pcap replay: cannot write '%s': %s", path,
				  pcap_geterr(r->dead));
	return 0;
}

/* Frame end for a packet of len bytes: 4096, or what the packet needs. */
static uint32_t frame_size(uint32_t len)
{
	uint32_t need = BPFHOST_NET_XDP_HEADROOM + len + BPFHOST_NET_XDP_TAIL_RESERVED;

	return need > BPFHOST_NET_XDP_FRAME_SIZE ? need : BPFHOST_NET_XDP_FRAME_SIZE;
}

/* Read up to r->batch packets into the slots; the count, or -errno. */
static int fill(struct replay *r, uint32_t *n)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	*n = 0;
	while (*n < r->batch) {
		uint8_t *frame = r->slots + (size_t)*n * r->slot_size;

		rc = pcap_next_ex(r->in, &h, &data);
		if (rc == PCAP_ERROR_BREAK)
			break; /* end of the file */
		if (rc != 1)
			return bh_net_err(-EIO, "pcap replay: reading '%s' after %llu packets: %s",
					  r->in_path, (unsigned long long)r->st.packets + *n,
					  pcap_geterr(r->in));
		if (h->caplen > BPFHOST_NET_PCAP_MAX_DATA) {
			r->st.skipped++;
			continue;
		}
		if (h->caplen < h->len)
			r->st.truncated++;
		memcpy(frame + BPFHOST_NET_XDP_HEADROOM, data, h->caplen);
		rc = bh_net_wrap_init(
			&r->wraps[*n], r->type, frame + BPFHOST_NET_XDP_FRAME_RESERVED,
			frame + frame_size(h->caplen) - BPFHOST_NET_XDP_TAIL_RESERVED,
			frame + BPFHOST_NET_XDP_HEADROOM, h->caplen, 0, r->ifindex, r->rxq);
		if (rc)
			return bh_net_err(rc, "pcap replay: bpfhost_ctx_init failed (%d)", rc);
		r->hdrs[*n] = *h;
		r->st.bytes_in += h->caplen;
		(*n)++;
	}
	return 0;
}

static void emit(struct replay *r, uint32_t i)
{
	const struct bh_net_xdp_wrap *w = &r->wraps[i];
	struct pcap_pkthdr h = r->hdrs[i];
	uint32_t len = (uint32_t)(w->ctx.data_end - w->ctx.data);
	int64_t wire = (int64_t)h.len + ((int64_t)len - (int64_t)h.caplen);

	h.caplen = len;
	h.len = wire > (int64_t)len ? (uint32_t)wire : len;
	pcap_dump((u_char *)r->out, &h, (const u_char *)(uintptr_t)w->ctx.data);
	r->st.written++;
	r->st.bytes_out += len;
}

static int run(struct replay *r)
{
	void *ctxs[BPFHOST_NET_XDP_BATCH];
	uint64_t v[BPFHOST_NET_XDP_BATCH];
	uint32_t i, n;
	int err;

	for (;;) {
		err = fill(r, &n);
		if (err || !n)
			return err;
		for (i = 0; i < n; i++)
			ctxs[i] = &r->wraps[i].ctx;
		memset(v, 0, sizeof(v));
		err = bpfhost_hook_invoke_batch(r->hook, ctxs, v, n);
		if (err)
			return bh_net_err(err,
					  "pcap replay: the hook invocation failed (%d) in packets "
					  "%llu..%llu",
					  err, (unsigned long long)r->st.packets + 1,
					  (unsigned long long)r->st.packets + n);
		for (i = 0; i < n; i++) {
			r->st.packets++;
			if (v[i] < BPFHOST_NET_XDP_ACTIONS)
				r->st.verdicts[v[i]]++;
			else
				r->st.other++;
			if (r->out && v[i] < BPFHOST_NET_XDP_ACTIONS && (r->mask & (1u << v[i])))
				emit(r, i);
		}
	}
}

static void copy_stats(const struct replay *r, struct bpfhost_net_pcap_stats *stats)
{
	size_t sz;

	if (!stats || stats->sz < sizeof(size_t))
		return;
	sz = stats->sz < sizeof(r->st) ? stats->sz : sizeof(r->st);
	memcpy((char *)stats + sizeof(size_t), (const char *)&r->st + sizeof(size_t),
	       sz - sizeof(size_t));
}

int bpfhost_net_pcap_replay(struct bpfhost_extension *net, const char *in_path,
			    const struct bpfhost_net_pcap_opts *opts,
			    struct bpfhost_net_pcap_stats *stats)
{
	struct replay *r;
	int err;

	bh_net_err_clear();
	if (!in_path)
		return bh_net_err(-EINVAL, "pcap replay: no input path");
	err = check_opts(opts);
	if (err)
		return err;
	r = calloc(1, sizeof(*r));
	if (!r)
		return bh_net_err(-ENOMEM, "pcap replay: out of memory");
	r->in_path = in_path;
	r->batch = opts && opts->batch ? opts->batch : BPFHOST_NET_XDP_BATCH;
	r->mask = opts && opts->out_verdicts
			  ? opts->out_verdicts
			  : (1u << BPFHOST_NET_XDP_PASS) | (1u << BPFHOST_NET_XDP_TX);
	r->ifindex = opts ? opts->ingress_ifindex : 0;
	r->rxq = opts ? opts->rx_queue_index : 0;
	err = bh_net_resolve(net, &r->type, &r->hook);
	if (!err)
		err = open_input(r);
	if (!err && opts && opts->out_path)
		err = open_output(r, opts->out_path);
	if (!err) {
		/* room for the largest packet run, whatever the file header says */
		r->slot_size = frame_size(BPFHOST_NET_PCAP_MAX_DATA);
		r->slots = malloc((size_t)r->slot_size * r->batch);
		if (!r->slots)
			err = bh_net_err(-ENOMEM, "pcap replay: out of memory");
	}
	if (!err)
		err = run(r);
	if (r->out) {
		if (pcap_dump_flush(r->out) && !err)
			err = bh_net_err(-EIO, "pcap replay: writing '%s' failed", opts->out_path);
		pcap_dump_close(r->out);
	}
	if (r->dead)
		pcap_close(r->dead);
	if (r->in)
		pcap_close(r->in);
	copy_stats(r, stats);
	free(r->slots);
	free(r);
	return err;
}
