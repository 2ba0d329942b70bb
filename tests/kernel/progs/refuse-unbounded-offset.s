# SPDX-License-Identifier: MIT
# A packet pointer moved by an unbounded value.
# kernel: refuse unbounded min value
ldxdw %r4, [%r1+0]
add %r4, %r1
ldxb %r0, [%r4+0]
exit
