/* SPDX-License-Identifier: MIT */
/*
 * The pcap replay driver: captures written by the test itself with
 * libpcap (pcap_dump), replayed through the xdp hook; verdict counts,
 * the output capture (selected verdicts, bytes as the programs left them,
 * timestamps, wire lengths adjusted), batch sizes, truncated and oversized
 * packets, and every refusal (missing file, not a capture, not Ethernet,
 * bad options, unwritable output, not the net extension).
 */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../extensions/sample/sample.h"
#include "../net/net_testutil.h"

#pragma weak bpfhost_sample_extension

struct tpkt {
	uint32_t caplen, len;
	uint16_t ethertype;
};

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char paths[4][128];
	static int slot;
	char *p = paths[slot++ % 4];

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/bh_net_pcap_XXXXXX");
		if (!mkdtemp(tmpdir))
			snprintf(tmpdir, sizeof(tmpdir), "/tmp");
	}
	snprintf(p, sizeof(paths[0]), "%s/%s", tmpdir, name);
	return p;
}

/* Remove the directory of this test's files (they are unlinked already). */
static void tmp_done(void)
{
	if (tmpdir[0] && strcmp(tmpdir, "/tmp"))
		rmdir(tmpdir);
	tmpdir[0] = '\0';
}

/* Write packets i = 0.. with timestamps (1000 + i).(10 * i) and net_eth bytes. */
static int write_pcap(const char *path, int dlt, int snaplen, const struct tpkt *pk, size_t n)
{
	pcap_t *dead = pcap_open_dead(dlt, snaplen);
	pcap_dumper_t *d;
	static uint8_t data[80000];
	size_t i;

	if (!dead)
		return -1;
	d = pcap_dump_open(dead, path);
	if (!d) {
		pcap_close(dead);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct pcap_pkthdr h = { .caplen = pk[i].caplen, .len = pk[i].len };

		h.ts.tv_sec = 1000 + (long)i;
		h.ts.tv_usec = 10 * (long)i;
		net_eth(data, pk[i].caplen, pk[i].ethertype);
		data[0] = (uint8_t)i; /* tells the packets apart */
		pcap_dump((u_char *)d, &h, data);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}

/* 3 IPv4 and 1 truncated IPv4 (PASS), 2 ARP (TX), 2 IPv6 (DROP), 1 other, 1 too short. */
static const struct tpkt mix[] = {
	{ 60, 60, 0x0800 }, { 42, 42, 0x0806 },	 { 74, 74, 0x86dd }, { 1514, 1514, 0x0800 },
	{ 10, 10, 0 },	    { 60, 60, 0x88cc },	 { 42, 42, 0x0806 }, { 100, 100, 0x86dd },
	{ 64, 64, 0x0800 }, { 50, 120, 0x0800 },
};
#define MIX_N (sizeof(mix) / sizeof(mix[0]))

static struct bpfhost *setup(struct bpfhost_extension **ext, const char *prog)
{
	struct bpfhost *rt = net_rt(ext);
	char log[1024] = "";
	int p;

	if (!rt)
		return NULL;
	p = net_load(rt, "pcap_prog", prog, log, sizeof(log));
	CHECK_MSG(p > 0, "load: %d %s", p, log);
	CHECK(bpfhost_link_create(p, bpfhost_extension__hook(*ext, "xdp"), NULL) > 0);
	return rt;
}

TEST(ext_net_pcap_replay_counts_and_output)
{
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_net_pcap_stats st = { .sz = sizeof(st) };
	struct bpfhost_hook_stats hs = { .sz = sizeof(hs) };
	const char *in = tmp_path("mix.pcap"), *out = tmp_path("mix_out.pcap");
	BPFHOST_OPTS_INIT(bpfhost_net_pcap_opts, o, .out_path = out);
	static const size_t written[] = { 0, 1, 3, 6, 8, 9 }; /* PASS and TX, in order */
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct bpfhost *rt;
	size_t i, n = 0;
	pcap_t *rd;

	NEED_NET();
	CHECK_EQ(write_pcap(in, DLT_EN10MB, 65535, mix, MIX_N), 0);
	rt = setup(&ext, net_prog_ethertype);
	if (!rt)
		return;
	CHECK_EQ(bpfhost_net_pcap_replay(ext, in, &o, &st), 0);
	CHECK_U64(st.packets, MIX_N);
	CHECK_U64(st.verdicts[BPFHOST_NET_XDP_PASS], 4);
	CHECK_U64(st.verdicts[BPFHOST_NET_XDP_TX], 2);
	CHECK_U64(st.verdicts[BPFHOST_NET_XDP_DROP], 2);
	CHECK_U64(st.verdicts[BPFHOST_NET_XDP_ABORTED], 2);
	CHECK_U64(st.verdicts[BPFHOST_NET_XDP_REDIRECT], 0);
	CHECK_U64(st.other, 0);
	CHECK_U64(st.written, 6);
	CHECK_U64(st.truncated, 1);
	CHECK_U64(st.skipped, 0);
	CHECK_U64(st.bytes_in, 60 + 42 + 74 + 1514 + 10 + 60 + 42 + 100 + 64 + 50);
	CHECK_U64(st.bytes_out, 60 + 42 + 1514 + 42 + 64 + 50);
	CHECK_EQ(bpfhost_hook__stats(bpfhost_extension__hook(ext, "xdp"), &hs), 0);
	CHECK_U64(hs.invocations, MIX_N);

	/* the output: PASS and TX packets in order, bytes and timestamps kept */
	rd = pcap_open_offline(out, errbuf);
	CHECK_MSG(rd != NULL, "%s", errbuf);
	if (rd) {
		CHECK_EQ(pcap_datalink(rd), DLT_EN10MB);
		while (pcap_next_ex(rd, &h, &data) == 1 && n < 6) {
			i = written[n++];
			CHECK_EQ(h->caplen, mix[i].caplen);
			CHECK_EQ(h->len, mix[i].len);
			CHECK_EQ(h->ts.tv_sec, 1000 + (long)i);
			CHECK_EQ(h->ts.tv_usec, 10 * (long)i);
			CHECK_EQ(data[0], i);
		}
		pcap_close(rd);
	}
	CHECK_EQ(n, 6);

	/* another selection, one packet per invocation: the same counts */
	o.out_verdicts = 1u << BPFHOST_NET_XDP_DROP;
	o.batch = 1;
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	CHECK_EQ(bpfhost_net_pcap_replay(ext, in, &o, &st), 0);
	CHECK_U64(st.packets, MIX_N);
	CHECK_U64(st.verdicts[BPFHOST_NET_XDP_PASS], 4);
	CHECK_U64(st.written, 2);
	CHECK_U64(st.bytes_out, 74 + 100);

	/* no output, no stats: just runs */
	CHECK_EQ(bpfhost_net_pcap_replay(ext, in, NULL, NULL), 0);

	/* a caller with an older, shorter stats struct gets only its fields */
	{
		struct {
			size_t sz;
			uint64_t packets;
			uint64_t guard;
		} small = { .sz = sizeof(size_t) + sizeof(uint64_t), .guard = 77 };

		CHECK_EQ(bpfhost_net_pcap_replay(ext, in, NULL,
						 (struct bpfhost_net_pcap_stats *)&small),
			 0);
		CHECK_U64(small.packets, MIX_N);
		CHECK_U64(small.guard, 77);
	}
	bpfhost__free(rt);
	unlink(in);
	unlink(out);
	tmp_done();
}

/* Strip the Ethernet header of packets of 15+ bytes and pass; drop the others. */
static const char *prog_strip = "mov %r6, %r1\n"
				"@data %r2, %r6\n"
				"@data_end %r3, %r6\n"
				"mov %r0, 1\n"
				"mov %r4, %r2\n"
				"add %r4, 15\n"
				"jgt %r4, %r3, out\n"
				"mov %r1, %r6\n"
				"mov %r2, 14\n"
				"call 44\n"
				"mov %r1, %r0\n"
				"mov %r0, 0\n"
				"jne %r1, 0, out\n"
				"mov %r0, 2\n"
				"out:\n"
				"exit\n";

TEST(ext_net_pcap_replay_adjusted_packets)
{
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_net_pcap_stats st = { .sz = sizeof(st) };
	const char *in = tmp_path("strip.pcap"), *out = tmp_path("strip_out.pcap");
	BPFHOST_OPTS_INIT(bpfhost_net_pcap_opts, o, .out_path = out, .ingress_ifindex = 3);
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct bpfhost *rt;
	size_t i, n = 0;
	pcap_t *rd;

	NEED_NET();
	CHECK_EQ(write_pcap(in, DLT_EN10MB, 65535, mix, MIX_N), 0);
	rt = setup(&ext, prog_strip);
	if (!rt)
		return;
	CHECK_EQ(bpfhost_net_pcap_replay(ext, in, &o, &st), 0);
	CHECK_U64(st.verdicts[BPFHOST_NET_XDP_PASS], MIX_N - 1);
	CHECK_U64(st.verdicts[BPFHOST_NET_XDP_DROP], 1);
	CHECK_U64(st.written, MIX_N - 1);
	rd = pcap_open_offline(out, errbuf);
	CHECK_MSG(rd != NULL, "%s", errbuf);
	if (rd) {
		for (i = 0; i < MIX_N; i++) {
			if (mix[i].caplen < 15)
				continue;
			if (pcap_next_ex(rd, &h, &data) != 1)
				break;
			n++;
			/* the header is gone; the wire length shrinks by as much */
			CHECK_EQ(h->caplen, mix[i].caplen - 14);
			CHECK_EQ(h->len, mix[i].len - 14);
			CHECK_EQ(data[0], 14);
		}
		pcap_close(rd);
	}
	CHECK_EQ(n, MIX_N - 1);
	bpfhost__free(rt);
	unlink(in);
	unlink(out);
	tmp_done();
}

TEST(ext_net_pcap_replay_oversized)
{
	static const struct tpkt pk[] = { { 60, 60, 0x0800 },
					  { 70000, 70000, 0x0800 },
					  { 9000, 9000, 0x0800 } };
	struct bpfhost_extension *ext = NULL;
	struct bpfhost_net_pcap_stats st = { .sz = sizeof(st) };
	const char *in = tmp_path("big.pcap");
	struct bpfhost *rt;

	NEED_NET();
	CHECK_EQ(write_pcap(in, DLT_EN10MB, 262144, pk, 3), 0);
	rt = setup(&ext, net_prog_ethertype);
	if (!rt)
		return;
	/* a jumbo frame runs in a frame large enough; above 65535 bytes is skipped */
	CHECK_EQ(bpfhost_net_pcap_replay(ext, in, NULL, &st), 0);
	CHECK_U64(st.packets, 2);
	CHECK_U64(st.skipped, 1);
	CHECK_U64(st.verdicts[BPFHOST_NET_XDP_PASS], 2);
	bpfhost__free(rt);
	unlink(in);
	tmp_done();
}

TEST(ext_net_pcap_replay_refusals)
{
	struct bpfhost_extension *ext = NULL, *sample;
	const char *in = tmp_path("ok.pcap"), *raw = tmp_path("raw.pcap"),
		   *text = tmp_path("text.pcap");
	BPFHOST_OPTS_INIT(bpfhost_net_pcap_opts, o);
	struct bpfhost *rt;
	FILE *f;

	NEED_NET();
	CHECK_EQ(write_pcap(in, DLT_EN10MB, 65535, mix, 2), 0);
	CHECK_EQ(write_pcap(raw, DLT_RAW, 65535, mix, 2), 0);
	f = fopen(text, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("this is not a capture file at all\n", f);
		fclose(f);
	}
	rt = setup(&ext, net_prog_ethertype);
	if (!rt)
		return;

	CHECK_EQ(bpfhost_net_pcap_replay(ext, "/nonexistent/in.pcap", NULL, NULL), -ENOENT);
	CHECK_CONTAINS(bpfhost_net_last_error(), "cannot open '/nonexistent/in.pcap'");
	CHECK_EQ(bpfhost_net_pcap_replay(ext, text, NULL, NULL), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "is not a capture libpcap reads");
	CHECK_EQ(bpfhost_net_pcap_replay(ext, raw, NULL, NULL), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "Ethernet (DLT_EN10MB)");
	CHECK_EQ(bpfhost_net_pcap_replay(ext, NULL, NULL, NULL), -EINVAL);

	o.batch = BPFHOST_NET_XDP_BATCH + 1;
	CHECK_EQ(bpfhost_net_pcap_replay(ext, in, &o, NULL), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "batch 33 is above 32");
	o.batch = 0;
	o.out_verdicts = 1u << 5;
	CHECK_EQ(bpfhost_net_pcap_replay(ext, in, &o, NULL), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "out_verdicts 0x20");
	o.out_verdicts = 0;
	o.sz = 8;
	CHECK_EQ(bpfhost_net_pcap_replay(ext, in, &o, NULL), -EINVAL);
	CHECK_CONTAINS(bpfhost_net_last_error(), "smaller than version 1");
	{
		struct {
			struct bpfhost_net_pcap_opts o;
			uint64_t more;
		} big = { .o = { .sz = sizeof(big) }, .more = 1 };

		CHECK_EQ(bpfhost_net_pcap_replay(ext, in, &big.o, NULL), -EINVAL);
		CHECK_CONTAINS(bpfhost_net_last_error(), "is not zero");
		big.more = 0;
		CHECK_EQ(bpfhost_net_pcap_replay(ext, in, &big.o, NULL), 0);
	}
	o.sz = sizeof(o);
	o.out_path = "/nonexistent/dir/out.pcap";
	CHECK_EQ(bpfhost_net_pcap_replay(ext, in, &o, NULL), -EIO);
	CHECK_CONTAINS(bpfhost_net_last_error(), "cannot write '/nonexistent/dir/out.pcap'");

	if (bpfhost_sample_extension) {
		sample = bpfhost_extension__register(rt, bpfhost_sample_extension());
		CHECK(sample != NULL);
		CHECK_EQ(bpfhost_net_pcap_replay(sample, in, NULL, NULL), -ENODEV);
	}
	bpfhost__free(rt);
	unlink(in);
	unlink(raw);
	unlink(text);
	tmp_done();
}
