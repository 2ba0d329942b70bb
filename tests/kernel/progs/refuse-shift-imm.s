# SPDX-License-Identifier: MIT
# A shift by an immediate equal to the width (ISA: undefined; Linux refuses).
# kernel: refuse invalid shift 64
ldxb %r0, [%r1+0]
lsh %r0, 64
exit
