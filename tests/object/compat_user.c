// SPDX-License-Identifier: MIT
/*
 * A loader written with libbpf's names only: the one change from a libbpf
 * program is the include of <bpfhost/libbpf_compat.h> instead of
 * <bpf/libbpf.h> and <bpf/bpf.h>. Built and run by
 * tests/unit/test_object_compat.c with $BPFHOST_EXTENSIONS naming the
 * sample extension (the program type of compat.bpf.c).
 *
 * Opens and loads the object, fills the weights map (object-map and
 * fd-based calls), runs the program with bpf_prog_test_run_opts, reads
 * the events from the ring buffer with ring_buffer__poll, attaches the
 * program, and checks every result. Exit status 0 when all is well; the
 * first failure is printed with its step.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpfhost/libbpf_compat.h>

struct event {
	__u32 len;
	__u32 first;
	__u64 weight;
};

struct seen {
	int n;
	struct event ev[4];
};

static int warnings;
static char last_warning[512];

/* libbpf-style print callback: keeps the last warning, drops the rest */
static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	warnings++;
	return vsnprintf(last_warning, sizeof(last_warning), fmt, ap);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;

	if (size != sizeof(struct event) || s->n >= 4)
		return -EINVAL;
	memcpy(&s->ev[s->n++], data, sizeof(struct event));
	return 0;
}

#define FAIL(...)                                             \
	do {                                                  \
		fprintf(stderr, "compat_user: " __VA_ARGS__); \
		fprintf(stderr, " (errno %d)\n", errno);      \
		return 1;                                     \
	} while (0)

static int run(const char *path)
{
	unsigned char pkt[10] = { 7, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct bpf_object *obj;
	struct bpf_program *prog, *p;
	struct bpf_map *weights, *m;
	struct ring_buffer *rb;
	struct bpf_link *link;
	struct seen seen = { 0 };
	__u32 key;
	__u64 val;
	int nprogs = 0, nmaps = 0, n;

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		FAIL("bpf_object__open_file(%s) failed", path);
	if (bpf_object__load(obj))
		FAIL("bpf_object__load failed");
	bpf_object__for_each_program(p, obj) nprogs++;
	bpf_object__for_each_map(m, obj) nmaps++;
	if (nprogs != 1 || nmaps != 2)
		FAIL("%d programs, %d maps; expected 1 and 2", nprogs, nmaps);
	prog = bpf_object__find_program_by_name(obj, "weigh");
	weights = bpf_object__find_map_by_name(obj, "weights");
	if (!prog || !weights)
		FAIL("program or map not found");
	if (strcmp(bpf_program__section_name(prog), "sample") || bpf_program__insn_cnt(prog) == 0)
		FAIL("program accessors");
	if (bpf_map__type(weights) != BPF_MAP_TYPE_HASH || bpf_map__key_size(weights) != 4 ||
	    bpf_map__value_size(weights) != 8)
		FAIL("map accessors");

	key = 7;
	val = 1000;
	if (bpf_map__update_elem(weights, &key, sizeof(key), &val, sizeof(val), BPF_ANY))
		FAIL("bpf_map__update_elem");
	key = 8;
	val = 5;
	if (bpf_map_update_elem(bpf_map__fd(weights), &key, &val, BPF_ANY))
		FAIL("bpf_map_update_elem");
	if (bpf_map__lookup_elem(weights, &key, 2, &val, sizeof(val), 0) != -EINVAL ||
	    errno != EINVAL)
		FAIL("wrong key size accepted");
	if (warnings != 1 || !strstr(last_warning, "key size 2, the map's key_size is 4"))
		FAIL("no message for the wrong key size (%d warnings: %s)", warnings, last_warning);
	warnings = 0;

	rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), on_event, &seen,
			      NULL);
	if (!rb)
		FAIL("ring_buffer__new");

	{
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = sizeof(pkt),
			    .repeat = 1);

		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &topts))
			FAIL("bpf_prog_test_run_opts");
		if (topts.retval != 1010)
			FAIL("retval %u, expected 1010", topts.retval);
		pkt[0] = 8;
		topts.data_size_in = 4;
		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &topts))
			FAIL("bpf_prog_test_run_opts (2)");
		if (topts.retval != 9)
			FAIL("retval %u, expected 9", topts.retval);
	}

	n = ring_buffer__poll(rb, 100);
	if (n != 2 || seen.n != 2)
		FAIL("ring_buffer__poll: %d records, %d seen", n, seen.n);
	if (seen.ev[0].len != 10 || seen.ev[0].first != 7 || seen.ev[0].weight != 1000 ||
	    seen.ev[1].len != 4 || seen.ev[1].first != 8 || seen.ev[1].weight != 5)
		FAIL("event contents");
	if (ring_buffer__consume(rb) != 0)
		FAIL("ring buffer not empty");
	ring_buffer__free(rb);

	key = 7;
	if (bpf_map_lookup_elem(bpf_map__fd(weights), &key, &val) || val != 1000)
		FAIL("bpf_map_lookup_elem");
	if (bpf_map_delete_elem(bpf_map__fd(weights), &key) ||
	    bpf_map_lookup_elem(bpf_map__fd(weights), &key, &val) != -ENOENT)
		FAIL("bpf_map_delete_elem");

	link = bpf_program__attach(prog);
	if (!link || bpf_link__fd(link) <= 0)
		FAIL("bpf_program__attach");
	if (bpf_link__destroy(link))
		FAIL("bpf_link__destroy");
	bpf_object__close(obj);
	return 0;
}

int main(int argc, char **argv)
{
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJECT\n", argv[0]);
		return 2;
	}
	libbpf_set_print(print_fn);
	err = run(argv[1]);
	if (!err && warnings) {
		fprintf(stderr, "compat_user: unexpected warning: %s\n", last_warning);
		err = 1;
	}
	if (!err)
		printf("compat_user: ok\n");
	return err;
}
