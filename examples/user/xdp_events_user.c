// SPDX-License-Identifier: MIT
/*
 * Loader for examples/xdp_events.bpf.c written with libbpf's names only:
 * the one change from a libbpf program is <bpfhost/libbpf_compat.h> in
 * place of <bpf/libbpf.h> and <bpf/bpf.h>. The "xdp" program type comes
 * from the net extension, named in $BPFHOST_EXTENSIONS (the default
 * instance loads it).
 *
 *   BPFHOST_EXTENSIONS=build/extensions/libbpfhost_net.so \
 *           build/examples/xdp_events_user build/examples/xdp_events.bpf.o
 *
 * Runs four embedded frames through the program with
 * bpf_prog_test_run_opts, then reads the ring buffer with
 * ring_buffer__poll and prints one line per event. Each event and verdict
 * is checked against the frame it came from: the exit status is 0 only
 * when all match.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpfhost/libbpf_compat.h>

#include "frames.h"
#include "xdp_events.h"

#define NFRAMES 4

struct expect {
	const char *what;
	const char *src, *dst;
	uint8_t proto;
	uint16_t ethertype;
};

static const struct expect frames[NFRAMES] = {
	{ "TCP", "10.0.0.1", "10.0.0.2", 6, 0x0800 },
	{ "UDP", "192.168.1.10", "192.168.1.1", 17, 0x0800 },
	{ "ICMP", "10.0.0.7", "10.0.0.1", 1, 0x0800 },
	{ "ARP", NULL, NULL, 0, 0x0806 },
};

struct seen {
	int n, bad;
};

static int on_event(void *ctx, void *data, size_t size)
{
	const struct expect *x;
	struct seen *s = ctx;
	struct xdp_event e;
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	struct in_addr want_src = { 0 }, want_dst = { 0 };

	if (size != sizeof(e) || s->n >= NFRAMES) {
		fprintf(stderr, "xdp_events_user: unexpected record of %zu bytes\n", size);
		s->bad++;
		return 0;
	}
	memcpy(&e, data, sizeof(e));
	x = &frames[s->n++];
	inet_ntop(AF_INET, &e.saddr, src, sizeof(src));
	inet_ntop(AF_INET, &e.daddr, dst, sizeof(dst));
	if (e.eth_proto == 0x0800)
		printf("event %d: %u-byte IPv4 frame, protocol %u, %s -> %s\n", s->n, e.len,
		       e.ip_proto, src, dst);
	else
		printf("event %d: %u-byte frame of EtherType 0x%04x (not IPv4)\n", s->n, e.len,
		       e.eth_proto);
	if (x->src) {
		inet_pton(AF_INET, x->src, &want_src);
		inet_pton(AF_INET, x->dst, &want_dst);
	}
	if (e.len != 60 || e.eth_proto != x->ethertype || e.ip_proto != x->proto ||
	    e.saddr != want_src.s_addr || e.daddr != want_dst.s_addr) {
		fprintf(stderr, "xdp_events_user: event %d does not describe the %s frame sent\n",
			s->n, x->what);
		s->bad++;
	}
	return 0;
}

static int run(const char *path)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct ring_buffer *rb;
	struct seen seen = { 0 };
	uint8_t pkt[FRAME_MAX];
	int i, n, err = 1;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "xdp_events_user: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "xdp_events_user: cannot load %s: %s\n", path, strerror(errno));
		goto out;
	}
	prog = bpf_object__find_program_by_name(obj, "xdp_events");
	rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), on_event, &seen,
			      NULL);
	if (!prog || !rb) {
		fprintf(stderr, "xdp_events_user: program or ring buffer missing\n");
		goto out_rb;
	}
	for (i = 0; i < NFRAMES; i++) {
		const struct expect *x = &frames[i];
		size_t len = x->src ? frame_ipv4(pkt, x->src, x->dst, x->proto, 1234, 80)
				    : frame_other(pkt, x->ethertype);
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = len,
			    .repeat = 1);

		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &topts)) {
			fprintf(stderr, "xdp_events_user: test run %d failed: %s\n", i + 1,
				strerror(errno));
			goto out_rb;
		}
		if (topts.retval != XDP_PASS) {
			fprintf(stderr,
				"xdp_events_user: frame %d: verdict %u, expected XDP_PASS\n", i + 1,
				topts.retval);
			goto out_rb;
		}
	}
	printf("ran %d frames through xdp_events (all XDP_PASS); the ring buffer holds:\n",
	       NFRAMES);
	n = ring_buffer__poll(rb, 100);
	if (n != NFRAMES || seen.n != NFRAMES || seen.bad) {
		fprintf(stderr, "xdp_events_user: %d events read (%d bad), expected %d\n", n,
			seen.bad, NFRAMES);
		goto out_rb;
	}
	err = 0;
out_rb:
	ring_buffer__free(rb);
out:
	bpf_object__close(obj);
	return err;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr,
			"usage: BPFHOST_EXTENSIONS=.../libbpfhost_net.so %s xdp_events.bpf.o\n",
			argv[0]);
		return 2;
	}
	return run(argv[1]);
}
