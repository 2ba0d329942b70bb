/* SPDX-License-Identifier: MIT */
/*
 * Raw bpf(2) system-call wrappers for the kernel oracle tier.
 *
 * The tier needs few things from the kernel: create maps, read, write and
 * walk their elements, freeze read-only global data, load an XDP program
 * and run it once with BPF_PROG_TEST_RUN. They are issued here directly through syscall(2) with
 * the UAPI structs of <linux/bpf.h>, so the tier depends on no libbpf. Every
 * function returns a file descriptor or 0 on success and a negative errno on
 * failure; the caller closes the descriptors it gets.
 */
#ifndef BH_TESTS_KERNEL_BPF_H
#define BH_TESTS_KERNEL_BPF_H

#include <stddef.h>
#include <stdint.h>

#include <bpfhost/isa.h>

/* ARRAY map with 4-byte keys: a map fd or -errno. */
int bh_kbpf_array_create(uint32_t value_size, uint32_t max_entries);
int bh_kbpf_map_update(int map_fd, uint32_t key, const void *value);
int bh_kbpf_map_lookup(int map_fd, uint32_t key, void *value);

/* Any map type; map_flags as in BPF_MAP_CREATE. A map fd or -errno. */
int bh_kbpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
		       uint32_t map_flags);
/* Element access with keys of the map's key size; flags: BPF_ANY, ... */
int bh_kbpf_map_update_key(int map_fd, const void *key, const void *value, uint64_t flags);
int bh_kbpf_map_lookup_key(int map_fd, const void *key, void *value);
/* Next key after key (NULL: the first); -ENOENT after the last. */
int bh_kbpf_map_next_key(int map_fd, const void *key, void *next);
/* BPF_MAP_FREEZE: no more writes from user space. */
int bh_kbpf_map_freeze(int map_fd);

/*
 * Load a program of any type with a license: a program fd or -errno; the
 * verifier log as for bh_kbpf_prog_load_xdp.
 */
int bh_kbpf_prog_load(uint32_t prog_type, const struct bpfhost_insn *insns, size_t insn_cnt,
		      const char *license, uint32_t log_level, char *log, size_t log_sz);

/*
 * Load an XDP program: a program fd or -errno. With log_level 0 no log is
 * requested; otherwise log (log_sz bytes) receives the verifier log.
 */
int bh_kbpf_prog_load_xdp(const struct bpfhost_insn *insns, size_t insn_cnt, uint32_t log_level,
			  char *log, size_t log_sz);

struct bh_kbpf_run {
	const void *data_in;
	uint32_t size_in;
	void *data_out;
	/* in: capacity of data_out; out: bytes the kernel wrote there */
	uint32_t size_out;
	uint32_t retval;
	uint32_t duration;
};
/* BPF_PROG_TEST_RUN with repeat 1: 0 or -errno. */
int bh_kbpf_test_run(int prog_fd, struct bh_kbpf_run *run);

#endif /* BH_TESTS_KERNEL_BPF_H */
