/* SPDX-License-Identifier: MIT */
/*
 * bpf(2) wrappers of the kernel oracle tier (see kernel_bpf.h). Each call
 * zeroes a union bpf_attr, fills the fields of its command and passes the
 * whole union: the kernel requires every byte past the command's fields to
 * be zero.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "kernel_bpf.h"

static int sys_bpf(int cmd, union bpf_attr *attr)
{
#ifdef __NR_bpf
	long r;
	int tries = 0;

	/* a load interrupted by a signal may ask to be retried: a few times */
	do
		r = syscall(__NR_bpf, cmd, attr, sizeof(*attr));
	while (r < 0 && (errno == EAGAIN || errno == EINTR) && ++tries < 5);
	return r < 0 ? -errno : (int)r;
#else
	return -ENOSYS;
#endif
}

int bh_kbpf_array_create(uint32_t value_size, uint32_t max_entries)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = sizeof(uint32_t);
	a.value_size = value_size;
	a.max_entries = max_entries;
	return sys_bpf(BPF_MAP_CREATE, &a);
}

int bh_kbpf_map_update(int map_fd, uint32_t key, const void *value)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = (uint64_t)(uintptr_t)&key;
	a.value = (uint64_t)(uintptr_t)value;
	a.flags = BPF_ANY;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

int bh_kbpf_map_lookup(int map_fd, uint32_t key, void *value)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = (uint64_t)(uintptr_t)&key;
	a.value = (uint64_t)(uintptr_t)value;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a);
}

int bh_kbpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
		       uint32_t map_flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = key_size;
	a.value_size = value_size;
	a.max_entries = max_entries;
	a.map_flags = map_flags;
	return sys_bpf(BPF_MAP_CREATE, &a);
}

int bh_kbpf_map_update_key(int map_fd, const void *key, const void *value, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)value;
	a.flags = flags;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

int bh_kbpf_map_lookup_key(int map_fd, const void *key, void *value)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)value;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a);
}

int bh_kbpf_map_next_key(int map_fd, const void *key, void *next)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = (uint64_t)(uintptr_t)key;
	a.next_key = (uint64_t)(uintptr_t)next;
	return sys_bpf(BPF_MAP_GET_NEXT_KEY, &a);
}

int bh_kbpf_map_freeze(int map_fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	return sys_bpf(BPF_MAP_FREEZE, &a);
}

int bh_kbpf_prog_load(uint32_t prog_type, const struct bpfhost_insn *insns, size_t insn_cnt,
		      const char *license, uint32_t log_level, char *log, size_t log_sz)
{
	union bpf_attr a;

	if (insn_cnt > UINT32_MAX || log_sz > UINT32_MAX)
		return -E2BIG;
	memset(&a, 0, sizeof(a));
	a.prog_type = prog_type;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)insn_cnt;
	a.license = (uint64_t)(uintptr_t)(license ? license : "");
	if (log_level && log && log_sz) {
		log[0] = '\0';
		a.log_level = log_level;
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = (uint32_t)log_sz;
	}
	return sys_bpf(BPF_PROG_LOAD, &a);
}

int bh_kbpf_prog_load_xdp(const struct bpfhost_insn *insns, size_t insn_cnt, uint32_t log_level,
			  char *log, size_t log_sz)
{
	return bh_kbpf_prog_load(BPF_PROG_TYPE_XDP, insns, insn_cnt, "GPL", log_level, log, log_sz);
}

int bh_kbpf_test_run(int prog_fd, struct bh_kbpf_run *run)
{
	union bpf_attr a;
	int err;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)prog_fd;
	a.test.data_in = (uint64_t)(uintptr_t)run->data_in;
	a.test.data_size_in = run->size_in;
	a.test.data_out = (uint64_t)(uintptr_t)run->data_out;
	a.test.data_size_out = run->size_out;
	a.test.repeat = 1;
	err = sys_bpf(BPF_PROG_TEST_RUN, &a);
	if (err < 0)
		return err;
	run->size_out = a.test.data_size_out;
	run->retval = a.test.retval;
	run->duration = a.test.duration;
	return 0;
}
