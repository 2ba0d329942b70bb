# SPDX-License-Identifier: MIT
# A packet byte past the bytes the prolog guarantees, read without a check.
# kernel: refuse outside of the packet
ldxb %r0, [%r1+20]
exit
