/* SPDX-License-Identifier: MIT */
/*
 * The kernel oracle tier: bpfhost against the Linux kernel (see
 * docs/kernel-oracle.md and tests/lib/kernel_oracle.h).
 *
 * Corpora, each its own test with its own summary line:
 *  1. the hand-written bodies of tests/kernel/progs/ (*.s), each over a fixed
 *     set of packets, with the kernel's verdict logged per program and
 *     checked against the "# kernel: accept|refuse TEXT|diverges TEXT" line
 *     of the file ("diverges": a reproducer of a known kernel bug);
 *  2. random straight-line and branching bodies from tests/lib/kernel_gen.c,
 *     deterministic from BH_ORACLE_SEED (printed, fixed by default);
 *  3. the C examples as whole XDP programs from their ELF objects, in
 *     test_kernel_oracle_examples.c; the accept/refuse agreement of the two
 *     verifiers is recorded by test_kernel_oracle_verdicts.c.
 * The comparing tests skip with one line when the kernel cannot serve as
 * oracle (not root, bpf() refused, no ISA v4); BH_KERNEL_ORACLE=require
 * turns that skip into a failure. The generator and the .s files are also
 * checked without a kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <bpfhost/isa.h>
#include "isa/isa.h"
#include "../lib/harness.h"
#include "../lib/kernel_gen.h"
#include "../lib/kernel_oracle.h"

#define PROGS_DIR "tests/kernel/progs"
#define MAX_PROGS 128
#define DEFAULT_SEED 0x6f7261636c65ull /* "oracle" */
#define DEFAULT_COUNT 2000
#define RANDOM_PKTS 3

static bool oracle_required(void)
{
	const char *e = getenv("BH_KERNEL_ORACLE");

	return e && !strcmp(e, "require");
}

#define OPEN_ORACLE(o)                                                                      \
	do {                                                                                \
		char why_[320];                                                             \
		if (bh_koracle_open((o), why_, sizeof(why_))) {                             \
			if (oracle_required()) {                                            \
				CHECK_MSG(0,                                                \
					  "BH_KERNEL_ORACLE=require but the kernel cannot " \
					  "serve: %s",                                      \
					  why_);                                            \
				return;                                                     \
			}                                                                   \
			SKIP("kernel oracle: %s", why_);                                    \
		}                                                                           \
	} while (0)

/* ---- corpus 1: hand-written bodies ---- */

enum verdict {
	EXPECT_ACCEPT,	/* "# kernel: accept" (the default) */
	EXPECT_REFUSE,	/* "# kernel: refuse TEXT": TEXT is part of the reason */
	EXPECT_DIVERGE, /* "# kernel: diverges TEXT": accepted, a known kernel bug */
};

struct hprog {
	char name[128];
	struct bpfhost_insn *insns;
	size_t cnt;
	enum verdict expect;
	char expect_text[128];
	char error[600]; /* why the file could not be used */
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The "# kernel: VERDICT [TEXT]" line, anywhere in the file. */
static void parse_expectation(struct hprog *p, const char *text)
{
	const char *line = strstr(text, "# kernel:");
	const char *s, *e;

	if (!line)
		return;
	s = line + strlen("# kernel:");
	while (*s == ' ' || *s == '\t')
		s++;
	if (!strncmp(s, "refuse", 6)) {
		p->expect = EXPECT_REFUSE;
		s += 6;
	} else if (!strncmp(s, "diverges", 8)) {
		p->expect = EXPECT_DIVERGE;
		s += 8;
	} else {
		return;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	e = strchr(s, '\n');
	if (!e)
		e = s + strlen(s);
	snprintf(p->expect_text, sizeof(p->expect_text), "%.*s", (int)(e - s), s);
}

/* Read and assemble every .s file, sorted by name; returns the count. */
static size_t load_progs(struct hprog *progs, size_t cap)
{
	char *names[MAX_PROGS];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(PROGS_DIR);

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < cap) {
		size_t len = strlen(de->d_name);

		if (len > 2 && !strcmp(de->d_name + len - 2, ".s"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (i = 0; i < n; i++) {
		struct hprog *p = &progs[i];
		char path[512];
		size_t len;
		char *text;

		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", names[i] ? names[i] : "?");
		snprintf(path, sizeof(path), "%s/%s", PROGS_DIR, p->name);
		text = names[i] ? bh_test_read_file(path, &len) : NULL;
		if (!text) {
			snprintf(p->error, sizeof(p->error), "cannot read %s", path);
		} else {
			BPFHOST_OPTS_INIT(bpfhost_asm_opts, ao, .filename = path,
					  .log_buf = p->error, .log_size = sizeof(p->error));

			parse_expectation(p, text);
			if (bpfhost_asm(text, len, &p->insns, &p->cnt, &ao)) {
				p->insns = NULL;
				p->cnt = 0;
			} else {
				p->error[0] = '\0';
			}
		}
		free(text);
		free(names[i]);
	}
	return n;
}

static void free_progs(struct hprog *progs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bpfhost_insns_free(progs[i].insns);
}

/*
 * The fixed packet set of the hand-written corpus: the extreme lengths the
 * bodies check against and patterned contents (seeded random bytes; one
 * packet 0, 1, 2, ...; the last two all 0xff and all 0x00).
 */
#define HAND_PKTS 14
static const uint32_t hand_lens[HAND_PKTS] = { 14, 15,	16,  20,  33,	60, 64,
					       65, 100, 128, 255, 1500, 64, 64 };

static size_t hand_packets_size(void)
{
	size_t i, n = 0;

	for (i = 0; i < HAND_PKTS; i++)
		n += hand_lens[i];
	return n;
}

static void hand_packets(uint8_t *buf, struct bh_kpacket *pkts)
{
	struct bh_krng rng = { 0x7061636b657473ull };
	uint8_t *p = buf;
	size_t i, j;

	for (i = 0; i < HAND_PKTS; i++) {
		for (j = 0; j < hand_lens[i]; j++) {
			if (i == HAND_PKTS - 2)
				p[j] = 0xff;
			else if (i == HAND_PKTS - 1)
				p[j] = 0x00;
			else if (i == 8)
				p[j] = (uint8_t)j;
			else
				p[j] = (uint8_t)bh_krng_next(&rng);
		}
		pkts[i].data = p;
		pkts[i].len = hand_lens[i];
		p += hand_lens[i];
	}
}

TEST(kernel_oracle_progs_assemble)
{
	static struct hprog progs[MAX_PROGS];
	size_t n = load_progs(progs, MAX_PROGS), i;

	if (!n)
		SKIP("no %s/*.s: run the tests from the repository root", PROGS_DIR);
	for (i = 0; i < n; i++) {
		char log[256] = "";
		BPFHOST_OPTS_INIT(bpfhost_validate_opts, vo, .log_buf = log,
				  .log_size = sizeof(log));

		CHECK_MSG(progs[i].insns, "%s: %s", progs[i].name, progs[i].error);
		if (!progs[i].insns)
			continue;
		CHECK_MSG(!bpfhost_insns_validate(progs[i].insns, progs[i].cnt, &vo), "%s: %s",
			  progs[i].name, log);
	}
	CHECK_MSG(n >= 10, "only %zu hand-written bodies in %s", n, PROGS_DIR);
	free_progs(progs, n);
}

TEST(kernel_oracle_progs)
{
	static struct hprog progs[MAX_PROGS];
	struct bh_kpacket pkts[HAND_PKTS];
	struct bh_koracle o;
	uint8_t *pkt_buf;
	size_t n, i;

	OPEN_ORACLE(&o);
	n = load_progs(progs, MAX_PROGS);
	pkt_buf = malloc(hand_packets_size());
	if (!n || !pkt_buf) {
		bh_koracle_close(&o);
		free(pkt_buf);
		SKIP("no %s/*.s: run the tests from the repository root", PROGS_DIR);
	}
	hand_packets(pkt_buf, pkts);
	for (i = 0; i < n; i++) {
		struct hprog *p = &progs[i];
		char reason[BH_KORACLE_REASON_SZ] = "";
		int r;

		if (!p->insns) {
			CHECK_MSG(0, "%s: %s", p->name, p->error);
			continue;
		}
		r = bh_koracle_compare(&o, stdout, p->name, p->insns, p->cnt, pkts, HAND_PKTS,
				       p->expect == EXPECT_DIVERGE ? BH_KORACLE_F_KNOWN_DIVERGENCE
								   : 0,
				       reason, sizeof(reason));
		CHECK_MSG(r >= 0, "%s: comparison failed: %s", p->name, strerror(-r));
		CHECK_MSG(r != BH_KORACLE_MISMATCH, "%s: bpfhost and the kernel disagree", p->name);
		if (r == BH_KORACLE_REFUSED) {
			printf("  verdict %-34s kernel refuses (%s): \"%s\"\n", p->name,
			       p->expect == EXPECT_REFUSE ? "expected" : "UNEXPECTED", reason);
			CHECK_MSG(p->expect == EXPECT_REFUSE, "%s: the kernel refuses it: %s",
				  p->name, reason);
			CHECK_MSG(p->expect != EXPECT_REFUSE || strstr(reason, p->expect_text),
				  "%s: refusal \"%s\" does not contain \"%s\"", p->name, reason,
				  p->expect_text);
		} else if (r >= 0) {
			printf("  verdict %-34s kernel accepts (%s), %s\n", p->name,
			       p->expect == EXPECT_REFUSE ? "UNEXPECTED" : "expected",
			       r == BH_KORACLE_AGREE ? "results agree"
			       : r == BH_KORACLE_KNOWN_DIVERGENCE
				       ? "results differ (known kernel bug)"
				       : "results differ");
			CHECK_MSG(p->expect != EXPECT_REFUSE,
				  "%s: the kernel accepts it, expected \"%s\"", p->name,
				  p->expect_text);
			/* not a failure: the kernel may have been fixed */
			if (p->expect == EXPECT_DIVERGE && r == BH_KORACLE_AGREE)
				printf("  note: %s no longer diverges: \"%s\" fixed in this "
				       "kernel?\n",
				       p->name, p->expect_text);
		}
	}
	bh_koracle_summary(&o, stdout, "hand-written bodies");
	bh_koracle_close(&o);
	free_progs(progs, n);
	free(pkt_buf);
}

/* ---- corpus 2: random bodies ---- */

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *e = getenv(name);
	char *end;
	uint64_t v;

	if (!e || !*e)
		return def;
	errno = 0;
	v = strtoull(e, &end, 0);
	return errno || *end ? def : v;
}

/* The generator's state for program i of a run. */
static struct bh_krng program_rng(uint64_t seed, uint64_t i)
{
	struct bh_krng r = { seed ^ (i * 0xd1b54a32d192ed03ull) };

	bh_krng_next(&r);
	return r;
}

static enum bh_kgen_shape program_shape(uint64_t i)
{
	return i % 2 ? BH_KGEN_BRANCHY : BH_KGEN_STRAIGHT;
}

TEST(kernel_oracle_gen_valid)
{
	static struct bpfhost_insn a[BH_KGEN_MAX_INSNS], b[BH_KGEN_MAX_INSNS];
	static uint8_t buf[RANDOM_PKTS * BH_KGEN_PKT_MAX], copy[BH_KGEN_PKT_MAX];
	struct bh_kpacket pkts[RANDOM_PKTS];
	uint64_t i;

	for (i = 0; i < 200; i++) {
		struct bh_krng r1 = program_rng(1, i), r2 = program_rng(1, i);
		size_t na = bh_kgen_body(&r1, program_shape(i), a);
		size_t nb = bh_kgen_body(&r2, program_shape(i), b);
		char log[256] = "";
		BPFHOST_OPTS_INIT(bpfhost_validate_opts, vo, .log_buf = log,
				  .log_size = sizeof(log));
		struct bpfhost_vm *vm;
		size_t k;

		CHECK_MSG(na == nb && !memcmp(a, b, na * sizeof(a[0])),
			  "program %" PRIu64 " differs between two generations", i);
		CHECK_MSG(na > 10 && na <= BH_KGEN_MAX_INSNS, "program %" PRIu64 ": %zu insns", i,
			  na);
		CHECK_MSG(!bpfhost_insns_validate(a, na, &vo), "program %" PRIu64 ": %s", i, log);
		/* safe by construction: runs clean in bpfhost (ASan watches) */
		bh_kgen_packets(&r1, buf, pkts, RANDOM_PKTS);
		vm = bh_koracle_user_load(a, na, log, sizeof(log));
		CHECK_MSG(vm, "program %" PRIu64 ": %s", i, log);
		for (k = 0; vm && k < RANDOM_PKTS; k++) {
			uint64_t r0;
			uint8_t *pkt = copy;

			CHECK(pkts[k].len >= BH_KORACLE_MIN_PKT && pkts[k].len <= BH_KGEN_PKT_MAX);
			memcpy(pkt, pkts[k].data, pkts[k].len);
			CHECK_EQ(bpfhost_vm__run(vm, (uint64_t)(uintptr_t)pkt, pkts[k].len, &r0),
				 0);
		}
		bpfhost_vm__free(vm);
	}
}

/*
 * Operations random bodies never contain: helper and runtime calls, and what
 * XDP or the engine refuses.
 */
static bool not_generated(int op)
{
	switch (bh_opinfo[op].fmt) {
	case BH_FMT_CALL:
	case BH_FMT_CALL_KFUNC:
	case BH_FMT_CALLX:
	case BH_FMT_LDABS:
	case BH_FMT_LDIND:
		return true;
	case BH_FMT_LDDW:
		return op != BH_OP_LDDW;
	default:
		return false;
	}
}

/* Every other operation of opcodes.def shows up in a default run. */
TEST(kernel_oracle_gen_coverage)
{
	static struct bpfhost_insn body[BH_KGEN_MAX_INSNS];
	static bool seen[BH_OP__COUNT];
	int op, covered = 0, wanted = 0;
	uint64_t i;
	size_t n, k;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < DEFAULT_COUNT; i++) {
		struct bh_krng rng = program_rng(DEFAULT_SEED, i);

		n = bh_kgen_body(&rng, program_shape(i), body);
		for (k = 0; k < n; k++) {
			op = bh_decode_op(&body[k]);
			CHECK_MSG(op >= 0, "program %" PRIu64 " insn %zu: undecodable", i, k);
			if (op < 0)
				break;
			seen[op] = true;
			if (bh_opinfo[op].fmt == BH_FMT_LDDW)
				k++;
		}
	}
	for (op = 0; op < BH_OP__COUNT; op++) {
		if (not_generated(op))
			continue;
		wanted++;
		covered += seen[op];
		CHECK_MSG(seen[op], "%s (0x%02x, \"%s\") never generated in %d bodies",
			  bh_opinfo[op].name, bh_opinfo[op].code, bh_opinfo[op].mnem,
			  DEFAULT_COUNT);
	}
	printf("  random bodies cover %d/%d operations (all but helper calls, pseudo lddw and "
	       "legacy packet loads)\n",
	       covered, wanted);
}

TEST(kernel_oracle_random)
{
	static struct bpfhost_insn body[BH_KGEN_MAX_INSNS];
	static uint8_t buf[RANDOM_PKTS * BH_KGEN_PKT_MAX];
	uint64_t seed = env_u64("BH_ORACLE_SEED", DEFAULT_SEED);
	uint64_t count = env_u64("BH_ORACLE_COUNT", DEFAULT_COUNT);
	uint64_t only = env_u64("BH_ORACLE_ONLY", UINT64_MAX), i;
	struct bh_kpacket pkts[RANDOM_PKTS];
	struct timespec t0, t1;
	struct bh_koracle o;
	char label[96];

	OPEN_ORACLE(&o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		struct bh_krng rng = program_rng(seed, i);
		enum bh_kgen_shape shape = program_shape(i);
		char name[160], reason[BH_KORACLE_REASON_SZ] = "";
		size_t n;
		int r;

		if (only != UINT64_MAX && i != only)
			continue;
		n = bh_kgen_body(&rng, shape, body);
		bh_kgen_packets(&rng, buf, pkts, RANDOM_PKTS);
		snprintf(name, sizeof(name),
			 "random %s body #%" PRIu64 " (replay: BH_ORACLE_SEED=0x%" PRIx64
			 " BH_ORACLE_ONLY=%" PRIu64 ")",
			 shape == BH_KGEN_BRANCHY ? "branching" : "straight-line", i, seed, i);
		r = bh_koracle_compare(&o, stdout, name, body, n, pkts, RANDOM_PKTS, 0, reason,
				       sizeof(reason));
		CHECK_MSG(r >= 0, "%s: comparison failed: %s", name, strerror(-r));
		CHECK_MSG(r != BH_KORACLE_MISMATCH, "%s: bpfhost and the kernel disagree", name);
		/* the generator emits only what Linux accepts: a refusal is its bug */
		CHECK_MSG(r != BH_KORACLE_REFUSED, "%s: generator bug, the kernel refuses it: %s",
			  name, reason);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snprintf(label, sizeof(label), "random bodies (seed 0x%" PRIx64 ", %.1fs)", seed,
		 (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	bh_koracle_summary(&o, stdout, label);
	bh_koracle_close(&o);
}

/* ---- the oracle itself: it must see a difference and a refusal ---- */

/* Open file descriptors of this process (kernel objects included). */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

TEST(kernel_oracle_self_check)
{
	/* r0 = r1: a packet address, which differs between the two sides */
	static const struct bpfhost_insn leak[] = {
		{ .code = 0xbf, .dst_reg = 0, .src_reg = 1 },
		{ .code = 0x95 },
	};
	/* r0 = packet[0]; exit */
	static const struct bpfhost_insn byte0[] = {
		{ .code = 0x71, .dst_reg = 0, .src_reg = 1 },
		{ .code = 0x95 },
	};
	/* r0 = r6, never written */
	static const struct bpfhost_insn uninit[] = {
		{ .code = 0xbf, .dst_reg = 0, .src_reg = 6 },
		{ .code = 0x95 },
	};
	static const uint8_t data[20] = { 0xab };
	struct bh_kpacket pkt = { data, sizeof(data) };
	char reason[BH_KORACLE_REASON_SZ] = "", *text;
	struct bh_koracle o;
	int r, fds_before;
	FILE *f;
	long len;

	fds_before = count_fds();
	OPEN_ORACLE(&o);
	f = tmpfile();
	CHECK(f);
	if (!f) {
		bh_koracle_close(&o);
		return;
	}
	CHECK_EQ(bh_koracle_compare(&o, f, "byte0", byte0, 2, &pkt, 1, 0, NULL, 0),
		 BH_KORACLE_AGREE);
	CHECK_EQ(bh_koracle_compare(&o, f, "leak", leak, 2, &pkt, 1, 0, NULL, 0),
		 BH_KORACLE_MISMATCH);
	r = bh_koracle_compare(&o, f, "uninit", uninit, 2, &pkt, 1, 0, reason, sizeof(reason));
	CHECK_EQ(r, BH_KORACLE_REFUSED);
	CHECK_CONTAINS(reason, "R6 !read_ok");
	/* the same difference, declared as a known kernel bug */
	CHECK_EQ(bh_koracle_compare(&o, f, "leak", leak, 2, &pkt, 1, BH_KORACLE_F_KNOWN_DIVERGENCE,
				    NULL, 0),
		 BH_KORACLE_KNOWN_DIVERGENCE);
	CHECK_EQ(o.programs, 4);
	CHECK_EQ(o.agree, 1);
	CHECK_EQ(o.mismatch, 1);
	CHECK_EQ(o.refused, 1);
	CHECK_EQ(o.known, 1);
	bh_koracle_summary(&o, f, "self-check");
	len = ftell(f);
	text = len > 0 ? calloc(1, (size_t)len + 1) : NULL;
	CHECK(text);
	if (text) {
		rewind(f);
		CHECK_EQ(fread(text, 1, (size_t)len, f), len);
		CHECK_CONTAINS(text, "MISMATCH leak, packet 0:");
		CHECK_CONTAINS(text, "known kernel divergence leak, packet 0:");
		CHECK_CONTAINS(text, "mov %r0, %r1");
		CHECK_CONTAINS(text, "packet in (20 bytes):");
		CHECK_CONTAINS(text, "self-check: kernel oracle: 4 programs compared, 1 agree, "
				     "1 mismatch, 1 refused by kernel (1 x \"R6 !read_ok\"); "
				     "1 known kernel divergence; 3 packet runs");
		free(text);
	}
	bh_koracle_close(&o);
	fclose(f);
	/* every map and program fd was closed */
	CHECK_EQ(count_fds(), fds_before);
}
