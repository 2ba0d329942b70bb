/* SPDX-License-Identifier: MIT */
/*
 * Kernel oracle, corpus 3: the C examples (examples/NAME.bpf.c) as whole XDP
 * programs, the same ELF object in the Linux kernel and in bpfhost.
 *
 * Kernel: the object parsed by the loader (struct bh_obj_spec) is
 * instantiated with raw bpf() calls (tests/lib/kernel_obj.c: maps, global
 * data, lddw patched to kernel maps, programs as XDP, prog_arrays filled).
 * bpfhost: the same file through the object API on an instance with the net
 * extension (pinned maps under a fresh directory). Both get the same
 * blocklist entry, then every program runs over the same frames in the same
 * order (BPF_PROG_TEST_RUN / bpfhost_prog_test_run_opts); retval and
 * data_out must agree, and afterwards the contents of every array and hash
 * map (the counters). Needs root and bpf(); skips with one line otherwise
 * (BH_KERNEL_ORACLE=require makes that a failure).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "../net/net_testutil.h"
#include "../lib/kernel_bpf.h"
#include "../lib/kernel_obj.h"
#include "../lib/kernel_oracle.h"
#include "../../examples/frames.h"

static const char *const examples[] = { "xdp_filter", "xdp_events", "xdp_tailcall" };

/* the source address the blocklist holds, and its rule id */
#define BLOCKED_SRC "10.0.0.66"
#define BLOCKED_RULE 3
#define MAX_FRAMES 16
#define FRAME_CAP 1600

struct frame {
	const char *what;
	uint8_t data[FRAME_CAP];
	uint32_t len;
};

static bool ex_required(void)
{
	const char *e = getenv("BH_KERNEL_ORACLE");

	return e && !strcmp(e, "require");
}

/* The frames every program runs over, in this order. */
static size_t make_frames(struct frame *f)
{
	size_t n = 0;

	f[n].what = "IPv4/UDP 10.0.0.1:1234 -> 10.0.0.2:53";
	f[n].len = (uint32_t)frame_ipv4(f[n].data, "10.0.0.1", "10.0.0.2", 17, 1234, 53);
	n++;
	f[n].what = "IPv4/TCP 10.0.0.1:40000 -> 10.0.0.2:80";
	f[n].len = (uint32_t)frame_ipv4(f[n].data, "10.0.0.1", "10.0.0.2", 6, 40000, 80);
	n++;
	f[n].what = "IPv4/TCP to port 23 (telnet)";
	f[n].len = (uint32_t)frame_ipv4(f[n].data, "10.0.0.7", "10.0.0.2", 6, 40001, 23);
	n++;
	f[n].what = "IPv4/UDP from the blocked " BLOCKED_SRC;
	f[n].len = (uint32_t)frame_ipv4(f[n].data, BLOCKED_SRC, "10.0.0.2", 17, 5, 53);
	n++;
	f[n].what = "IPv4/TCP from the blocked " BLOCKED_SRC;
	f[n].len = (uint32_t)frame_ipv4(f[n].data, BLOCKED_SRC, "10.0.0.2", 6, 6, 443);
	n++;
	f[n].what = "IPv4/ICMP 10.0.0.3";
	f[n].len = (uint32_t)frame_ipv4(f[n].data, "10.0.0.3", "10.0.0.2", 1, 0, 0);
	n++;
	f[n].what = "ARP";
	f[n].len = (uint32_t)frame_other(f[n].data, 0x0806);
	n++;
	f[n].what = "IPv6 EtherType";
	f[n].len = (uint32_t)frame_other(f[n].data, 0x86dd);
	n++;
	f[n].what = "14-byte IPv4 EtherType, no IP header";
	frame_ipv4(f[n].data, "10.0.0.1", "10.0.0.2", 17, 1, 2);
	f[n++].len = 14;
	f[n].what = "33-byte truncated IPv4 header from the blocked source";
	frame_ipv4(f[n].data, BLOCKED_SRC, "10.0.0.2", 17, 1, 2);
	f[n++].len = 33;
	f[n].what = "34-byte IPv4 header only, TCP";
	frame_ipv4(f[n].data, "10.0.0.1", "10.0.0.2", 6, 1, 23);
	f[n++].len = 34;
	f[n].what = "IPv4 with options (ihl 6) from the blocked source";
	frame_ipv4(f[n].data, BLOCKED_SRC, "10.0.0.2", 17, 1, 2);
	f[n].data[14] = 0x46;
	f[n++].len = 60;
	f[n].what = "1500-byte IPv4/TCP to port 23";
	frame_ipv4(f[n].data, "10.0.0.9", "10.0.0.2", 6, 7, 23);
	memset(f[n].data + 60, 0xa5, 1500 - 60);
	f[n++].len = 1500;
	return n;
}

/* examples/NAME.bpf.c compiled: $BH_BUILD_DIR/examples/NAME.bpf.o if current, else here. */
static const char *example_obj(const char *name, char *why, size_t why_sz)
{
	static char path[512];
	char src[256], cmd[2048];
	struct stat ss, os;

	snprintf(src, sizeof(src), "examples/%s.bpf.c", name);
	if (stat(src, &ss)) {
		snprintf(why, why_sz, "%s not found (run from the repository root)", src);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/examples/%s.bpf.o", bh_test_build_dir(), name);
	if (!stat(path, &os) && os.st_mtime >= ss.st_mtime)
		return path;
	snprintf(path, sizeof(path), "%s/oracle-examples/%s.bpf.o", bh_test_build_dir(), name);
	if (!stat(path, &os) && os.st_mtime >= ss.st_mtime)
		return path;
	if (system("command -v clang >/dev/null 2>&1")) {
		snprintf(why, why_sz, "clang is not installed");
		return NULL;
	}
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/oracle-examples && clang -O2 -g -Wall -target bpf "
		 "-I/usr/include/$(gcc -print-multiarch 2>/dev/null) -Iexamples -c %s -o %s "
		 "2>%s.err",
		 bh_test_build_dir(), src, path, path);
	if (system(cmd)) {
		snprintf(why, why_sz, "compiling %.200s failed (see %.200s.err)", src, path);
		return NULL;
	}
	return path;
}

/* A fresh, empty pin root for one object's bpfhost maps. */
static const char *pin_dir(const char *name)
{
	static char dir[512];
	char cmd[1200];

	snprintf(dir, sizeof(dir), "%s/oracle-examples/pins-%s-%d", bh_test_build_dir(), name,
		 (int)getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", dir, dir);
	return system(cmd) ? NULL : dir;
}

static void rm_dir(const char *dir)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("  could not remove %s\n", dir);
}

struct ex_stats {
	unsigned int programs, packets, runs, agree, mismatch, maps, map_mismatch;
	unsigned int k_refused, u_refused;
};

static void hex_line(const char *label, const uint8_t *b, uint32_t n, uint32_t from)
{
	uint32_t i;

	printf("      %s (%u bytes) from %u:", label, n, from);
	for (i = from; i < n && i < from + 32; i++)
		printf(" %02x", b[i]);
	printf("\n");
}

/* Run program pi of the object on both sides over every frame. */
static void run_prog(const struct bh_kobj *ko, struct bpfhost_program *up, uint32_t pi,
		     const struct frame *fr, size_t nfr, struct ex_stats *st)
{
	static uint8_t kout[FRAME_CAP + 512], uout[FRAME_CAP + 512];
	const char *name = ko->spec->progs[pi].name;
	size_t i;

	st->programs++;
	for (i = 0; i < nfr; i++) {
		struct bh_kbpf_run kr = { fr[i].data, fr[i].len, kout, sizeof(kout), 0, 0 };
		BPFHOST_OPTS_INIT(bpfhost_test_run_opts, uo, .data_in = fr[i].data,
				  .data_size_in = fr[i].len, .data_out = uout,
				  .data_size_out = sizeof(uout));
		int kerr, uerr, bad;
		uint32_t d = 0;

		memset(kout, 0, sizeof(kout));
		memset(uout, 0, sizeof(uout));
		kerr = bh_kbpf_test_run(ko->prog_fds[pi], &kr);
		uerr = bpfhost_prog_test_run_opts(bpfhost_program__fd(up), &uo);
		st->runs++;
		bad = kerr != uerr ||
		      (!kerr && (kr.retval != uo.retval || kr.size_out != uo.data_size_out ||
				 memcmp(kout, uout, kr.size_out)));
		if (!bad) {
			st->agree++;
			continue;
		}
		st->mismatch++;
		CHECK_MSG(0,
			  "%s/%s on \"%s\": kernel err %d retval %u out %u bytes; bpfhost err %d "
			  "retval %llu out %u bytes",
			  ko->spec->name, name, fr[i].what, kerr, kr.retval, kr.size_out, uerr,
			  (unsigned long long)uo.retval, (unsigned int)uo.data_size_out);
		while (d < kr.size_out && d < uo.data_size_out && kout[d] == uout[d])
			d++;
		hex_line("kernel  out", kout, kr.size_out, d);
		hex_line("bpfhost out", uout, (uint32_t)uo.data_size_out, d);
	}
}

static bool compared_map(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_HASH;
}

/* Element by element: kernel map mi against bpfhost's map of the same name. */
static void compare_map(const struct bh_kobj *ko, uint32_t mi, const struct bpfhost_map *um,
			struct ex_stats *st)
{
	const struct bh_map_spec *m = &ko->spec->maps[mi];
	uint8_t *key = calloc(1, m->key_size + 8), *next = calloc(1, m->key_size + 8);
	uint8_t *kv = calloc(1, m->value_size + 8), *uv = calloc(1, m->value_size + 8);
	unsigned int kn = 0, un = 0, diff = 0;
	int err;

	st->maps++;
	if (!key || !next || !kv || !uv) {
		CHECK_MSG(0, "out of memory");
		goto out;
	}
	/* every kernel key, looked up on both sides */
	for (err = bh_kbpf_map_next_key(ko->map_fds[mi], NULL, next); !err;
	     err = bh_kbpf_map_next_key(ko->map_fds[mi], key, next)) {
		memcpy(key, next, m->key_size);
		kn++;
		if (bh_kbpf_map_lookup_key(ko->map_fds[mi], key, kv) ||
		    bpfhost_map__lookup_elem(um, key, m->key_size, uv, m->value_size, 0) ||
		    memcmp(kv, uv, m->value_size)) {
			if (!diff++) {
				hex_line("key", key, m->key_size, 0);
				hex_line("kernel  value", kv, m->value_size, 0);
				hex_line("bpfhost value", uv, m->value_size, 0);
			}
		}
	}
	/* and as many keys in bpfhost */
	for (err = bpfhost_map__get_next_key(um, NULL, next, m->key_size); !err;
	     err = bpfhost_map__get_next_key(um, key, next, m->key_size)) {
		memcpy(key, next, m->key_size);
		un++;
	}
	if (diff || kn != un) {
		st->map_mismatch++;
		CHECK_MSG(0,
			  "%s: map %s differs after the runs: %u of %u kernel elements, %u keys in "
			  "bpfhost",
			  ko->spec->name, m->name, diff, kn, un);
	}
out:
	free(key);
	free(next);
	free(kv);
	free(uv);
}

/* The blocklist entry, in both. */
static void block_source(const struct bh_kobj *ko, struct bpfhost_object *uo)
{
	struct bpfhost_map *um = bpfhost_object__find_map_by_name(uo, "blocklist");
	int mi = bh_kobj_map_index(ko, "blocklist");
	uint32_t key, rule = BLOCKED_RULE;

	if (!um || mi < 0)
		return;
	inet_pton(AF_INET, BLOCKED_SRC, &key);
	CHECK_EQ(bh_kbpf_map_update_key(ko->map_fds[mi], &key, &rule, BPF_ANY), 0);
	CHECK_EQ(bpfhost_map__update_elem(um, &key, sizeof(key), &rule, sizeof(rule), 0), 0);
}

/* One example object on both sides; 0, or -1 if it could not be set up (reported). */
static int compare_example(struct bpfhost *rt, const char *name, const struct frame *fr, size_t nfr,
			   struct ex_stats *st)
{
	char why[512] = "", ulog[8192] = "";
	struct bh_log log = BH_LOG_INIT;
	struct bh_obj_spec *spec = NULL;
	struct bpfhost_object *uo = NULL;
	struct bh_kobj ko;
	const char *path, *pins = NULL;
	size_t len = 0;
	uint32_t i;
	char *buf;
	int err;

	path = example_obj(name, why, sizeof(why));
	if (!path) {
		printf("  %s not compared: %s\n", name, why);
		return -1;
	}
	buf = bh_test_read_file(path, &len);
	err = buf ? bh_obj_spec_open_mem(buf, len, name, &spec, &log) : -ENOENT;
	free(buf);
	CHECK_MSG(!err, "%s: %s", path, buf ? bh_log_text(&log) : "cannot read");
	bh_log_free(&log);
	if (err)
		return -1;
	err = bh_kobj_load(&ko, spec, why, sizeof(why));
	CHECK_MSG(!err, "%s: kernel: %s", name, why);
	if (err) {
		bh_obj_spec_free(spec);
		return -1;
	}
	pins = pin_dir(name);
	{
		BPFHOST_OPTS_INIT(bpfhost_object_open_opts, oo, .pin_root_path = pins,
				  .log_buf = ulog, .log_size = sizeof(ulog));

		uo = pins ? bpfhost_object__open_file(rt, path, &oo) : NULL;
	}
	CHECK_MSG(uo, "%s: bpfhost open: %s", name, ulog);
	err = uo ? bpfhost_object__load(uo) : -EINVAL;
	CHECK_MSG(!err, "%s: bpfhost load (%d): %s", name, err, ulog);
	if (err)
		goto out;
	block_source(&ko, uo);
	for (i = 0; i < spec->nr_progs; i++) {
		struct bpfhost_program *up =
			bpfhost_object__find_program_by_name(uo, spec->progs[i].name);

		if (ko.prog_fds[i] < 0) {
			st->k_refused++;
			printf("  %s/%s: kernel refuses it: %s\n", name, spec->progs[i].name,
			       ko.reasons[i]);
			continue;
		}
		if (!up || bpfhost_program__fd(up) < 0) {
			st->u_refused++;
			CHECK_MSG(0, "%s/%s: no bpfhost program", name, spec->progs[i].name);
			continue;
		}
		run_prog(&ko, up, i, fr, nfr, st);
	}
	/* the blocklist was exercised: the rule's counter moved in the kernel */
	if (bh_kobj_map_index(&ko, "rule_hits") >= 0) {
		uint32_t rule = BLOCKED_RULE;
		uint64_t hits = 0;

		CHECK_EQ(bh_kbpf_map_lookup_key(ko.map_fds[bh_kobj_map_index(&ko, "rule_hits")],
						&rule, &hits),
			 0);
		CHECK_MSG(hits > 0, "%s: rule %u never counted a drop", name, rule);
		printf("  %s: rule %u counted %llu drops\n", name, rule, (unsigned long long)hits);
	}
	for (i = 0; i < spec->nr_maps; i++) {
		struct bpfhost_map *um = bpfhost_object__find_map_by_name(uo, spec->maps[i].name);

		if (!compared_map(spec->maps[i].type))
			continue;
		CHECK_MSG(um, "%s: no bpfhost map %s", name, spec->maps[i].name);
		if (um)
			compare_map(&ko, i, um, st);
	}
out:
	bpfhost_object__close(uo);
	if (pins)
		rm_dir(pins);
	bh_kobj_close(&ko);
	bh_obj_spec_free(spec);
	return 0;
}

/* Root and a working bpf(): NULL, or why not. */
static const char *kernel_why(void)
{
	int fd;

	if (geteuid())
		return "not root (it needs the bpf() syscall as root)";
	fd = bh_kbpf_array_create(8, 1);
	if (fd < 0)
		return "bpf(BPF_MAP_CREATE) failed";
	close(fd);
	return NULL;
}

TEST(kernel_oracle_examples)
{
	static struct frame frames[MAX_FRAMES];
	struct ex_stats st = { 0 };
	const char *why = kernel_why();
	struct bpfhost *rt;
	size_t nfr, i;

	NEED_NET();
	if (why) {
		CHECK_MSG(!ex_required(),
			  "BH_KERNEL_ORACLE=require but the kernel cannot serve: %s", why);
		SKIP("kernel oracle: %s", why);
	}
	rt = net_rt(NULL);
	CHECK(rt);
	if (!rt)
		return;
	nfr = make_frames(frames);
	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		compare_example(rt, examples[i], frames, nfr, &st);
	printf("  kernel oracle (examples): %u programs x %zu packets compared, %u agree, %u "
	       "mismatch; %u maps compared after the runs, %u differ; %u refused by the kernel, "
	       "%u by bpfhost\n",
	       st.programs, nfr, st.agree, st.mismatch, st.maps, st.map_mismatch, st.k_refused,
	       st.u_refused);
	CHECK(st.programs > 0);
	CHECK_EQ(st.k_refused, 0);
	bpfhost__free(rt);
}
