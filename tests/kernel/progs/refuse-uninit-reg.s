# SPDX-License-Identifier: MIT
# A register read before anything was written to it.
# kernel: refuse R6 !read_ok
mov %r0, %r6
exit
