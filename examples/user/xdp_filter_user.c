// SPDX-License-Identifier: MIT
/*
 * Loader for examples/xdp_filter.bpf.c written with libbpf's names only
 * (<bpfhost/libbpf_compat.h>; the "xdp" type comes from the net extension
 * named in $BPFHOST_EXTENSIONS):
 *
 *   BPFHOST_EXTENSIONS=build/extensions/libbpfhost_net.so \
 *           build/examples/xdp_filter_user build/examples/xdp_filter.bpf.o PIN_DIR
 *
 * Before load it replaces the program's read-only configuration (the
 * ".rodata.config" map: drop non-IPv4 frames, print every drop), as a
 * skeleton sets `const volatile` globals. Its maps are pinned under
 * PIN_DIR, so it shares the blocklist with `bpfhost map ...` and with
 * other loads of the object. It blocks 10.0.0.66 as rule 5, runs four
 * embedded frames with bpf_prog_test_run_opts and prints each verdict
 * (the program's bpf_printk lines go to stderr), then reads rule 5's
 * counter. Exit status 0 only when every result is the expected one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpfhost/libbpf_compat.h>

#include "frames.h"
#include "xdp_filter.h"

#define RULE 5

struct frame {
	const char *what;
	const char *src; /* NULL: an ARP frame */
	uint8_t proto;
	unsigned int verdict;
};

static const struct frame frames[] = {
	{ "TCP from 10.0.0.1", "10.0.0.1", 6, XDP_PASS },
	{ "UDP from 10.0.0.66", "10.0.0.66", 17, XDP_DROP },
	{ "an ARP request", NULL, 0, XDP_DROP },
	{ "TCP from 10.0.0.66", "10.0.0.66", 6, XDP_DROP },
};

#define NFRAMES (int)(sizeof(frames) / sizeof(frames[0]))

static const char *verdict_name(unsigned int v)
{
	static const char *const names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					     "XDP_REDIRECT" };

	return v < 5 ? names[v] : "?";
}

static int run(const char *path, const char *pin_dir)
{
	struct xdp_filter_config cfg = { .drop_non_ipv4 = 1, .debug = 1 };
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .pin_root_path = pin_dir);
	struct bpf_map *conf, *blocklist, *hits;
	struct bpf_program *prog;
	struct bpf_object *obj;
	uint8_t pkt[FRAME_MAX];
	__u64 before = 0, after = 0;
	__u32 key, rule = RULE;
	struct in_addr a;
	int i, err = 1;

	obj = bpf_object__open_file(path, &oopts);
	if (!obj) {
		fprintf(stderr, "xdp_filter_user: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	conf = bpf_object__find_map_by_name(obj, ".rodata.config");
	if (!conf || bpf_map__set_initial_value(conf, &cfg, sizeof(cfg))) {
		fprintf(stderr, "xdp_filter_user: cannot set the configuration\n");
		goto out;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "xdp_filter_user: cannot load %s: %s\n", path, strerror(errno));
		goto out;
	}
	printf("loaded %s with drop_non_ipv4=1 debug=1; maps pinned under %s\n", path, pin_dir);
	prog = bpf_object__find_program_by_name(obj, "xdp_filter");
	blocklist = bpf_object__find_map_by_name(obj, "blocklist");
	hits = bpf_object__find_map_by_name(obj, "rule_hits");
	if (!prog || !blocklist || !hits) {
		fprintf(stderr, "xdp_filter_user: program or map missing\n");
		goto out;
	}
	inet_pton(AF_INET, "10.0.0.66", &a);
	key = a.s_addr;
	if (bpf_map__update_elem(blocklist, &key, sizeof(key), &rule, sizeof(rule), BPF_ANY)) {
		fprintf(stderr, "xdp_filter_user: blocklist update: %s\n", strerror(errno));
		goto out;
	}
	printf("blocked 10.0.0.66 as rule %d\n", RULE);
	key = RULE;
	if (bpf_map__lookup_elem(hits, &key, sizeof(key), &before, sizeof(before), 0))
		goto out;
	for (i = 0; i < NFRAMES; i++) {
		const struct frame *f = &frames[i];
		size_t len = f->src ? frame_ipv4(pkt, f->src, "10.0.0.2", f->proto, 40000, 443)
				    : frame_other(pkt, 0x0806);
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = len,
			    .repeat = 1);

		fflush(stdout); /* keep the program's stderr lines in order */
		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &topts)) {
			fprintf(stderr, "xdp_filter_user: test run %d: %s\n", i + 1,
				strerror(errno));
			goto out;
		}
		printf("frame %d, %s: %s\n", i + 1, f->what, verdict_name(topts.retval));
		if (topts.retval != f->verdict) {
			fprintf(stderr, "xdp_filter_user: frame %d: expected %s\n", i + 1,
				verdict_name(f->verdict));
			goto out;
		}
	}
	if (bpf_map__lookup_elem(hits, &key, sizeof(key), &after, sizeof(after), 0))
		goto out;
	printf("rule %d counted %llu more drops\n", RULE, (unsigned long long)(after - before));
	if (after - before != 2) {
		fprintf(stderr, "xdp_filter_user: rule %d counter moved by %llu, expected 2\n",
			RULE, (unsigned long long)(after - before));
		goto out;
	}
	err = 0;
out:
	fflush(stdout);
	bpf_object__close(obj);
	return err;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr,
			"usage: BPFHOST_EXTENSIONS=.../libbpfhost_net.so %s xdp_filter.bpf.o "
			"PIN_DIR\n",
			argv[0]);
		return 2;
	}
	return run(argv[1], argv[2]);
}
