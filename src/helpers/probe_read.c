/* SPDX-License-Identifier: MIT */
/*
 * Fault-safe reads of memory a program points at (%s, %pI4 in formats).
 *
 * Linux reads such memory with copy_from_kernel_nofault(); a user-space
 * runtime must not take SIGSEGV for a bad pointer either. We let the kernel
 * do the access on our behalf: process_vm_readv() on our own pid copies
 * bytes and answers EFAULT for unmapped memory. Where that system call is
 * unavailable (seccomp, ENOSYS) we fall back to writing the bytes into a
 * pipe and reading them back, which fails the same way. Reads are split at
 * page boundaries so a string ending just before an unmapped page is found.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "helpers/helpers.h"

#define PROBE_CHUNK 4096u

enum { PROBE_UNKNOWN = 0, PROBE_VM_READV = 1, PROBE_PIPE = 2 };
static int probe_mode = PROBE_UNKNOWN;

static int read_pipe(void *dst, const void *src, size_t len)
{
	int fds[2];
	int err = 0;

	/*
	 * len <= PROBE_CHUNK fits the pipe buffer: write never blocks. Raw
	 * system calls: the kernel checks src; a sanitizer's write() wrapper
	 * would object to reading past the object a string lives in, which
	 * a string probe does by design.
	 */
	if (pipe2(fds, O_CLOEXEC))
		return -EFAULT;
	if (syscall(SYS_write, fds[1], src, len) != (long)len ||
	    syscall(SYS_read, fds[0], dst, len) != (long)len)
		err = -EFAULT;
	close(fds[0]);
	close(fds[1]);
	return err;
}

/* Copy one chunk (len <= PROBE_CHUNK): 0 or -EFAULT. */
static int read_chunk(void *dst, const void *src, size_t len)
{
	int mode = __atomic_load_n(&probe_mode, __ATOMIC_RELAXED);
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)src, .iov_len = len };
	ssize_t n;

	if (!src)
		return -EFAULT;
	if (mode != PROBE_PIPE) {
		n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		if (n == (ssize_t)len) {
			if (mode == PROBE_UNKNOWN)
				__atomic_store_n(&probe_mode, PROBE_VM_READV, __ATOMIC_RELAXED);
			return 0;
		}
		if (n >= 0 || errno == EFAULT || errno == ESRCH)
			return -EFAULT;
		/* ENOSYS, EPERM (seccomp, LSM): use the pipe from now on */
		__atomic_store_n(&probe_mode, PROBE_PIPE, __ATOMIC_RELAXED);
	}
	return read_pipe(dst, src, len);
}

static size_t to_page_end(const void *p, size_t limit)
{
	size_t room = PROBE_CHUNK - ((uintptr_t)p & (PROBE_CHUNK - 1));

	return room < limit ? room : limit;
}

int bh_probe_read(void *dst, const void *src, size_t len)
{
	char *d = dst;
	const char *s = src;

	while (len) {
		size_t n = to_page_end(s, len);

		if (read_chunk(d, s, n)) {
			memset(dst, 0, (size_t)(d - (char *)dst) + len);
			return -EFAULT;
		}
		d += n;
		s += n;
		len -= n;
	}
	return 0;
}

long bh_probe_read_str(char *dst, const void *src, size_t size)
{
	const char *s = src;
	size_t done = 0;

	if (!size)
		return -EINVAL;
	while (done < size - 1) {
		size_t n = to_page_end(s + done, size - 1 - done);
		char *nul;

		if (read_chunk(dst + done, s + done, n)) {
			dst[0] = 0;
			return -EFAULT;
		}
		nul = memchr(dst + done, 0, n);
		if (nul)
			return (long)(nul - dst) + 1;
		done += n;
	}
	dst[done] = 0;
	return (long)done + 1;
}
