# SPDX-License-Identifier: MIT
# A store below the 512-byte stack frame.
# kernel: refuse invalid write to stack
stdw [%r10-520], 1
mov %r0, 0
exit
