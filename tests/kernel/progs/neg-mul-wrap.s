# SPDX-License-Identifier: MIT
# Wrapping arithmetic: neg and neg32 (of INT_MIN too), mul and mul32
# overflow, unsigned division and modulo of values with the top bit set,
# arsh of negative values, sub below zero. Operands come from the packet.
# kernel: accept
ldxdw %r4, [%r1+0]
ldxw %r5, [%r1+8]
or %r5, 1
mov %r0, %r4
neg %r0
mov %r7, %r4
neg32 %r7
mul %r0, 0x01000193
xor %r0, %r7
lddw %r7, 0x8000000000000000
neg %r7
mul %r0, 0x01000193
xor %r0, %r7
lddw %r7, 0x0000000180000000
neg32 %r7
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
mul %r7, %r4
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
mul32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
mul %r7, -3
mul %r0, 0x01000193
xor %r0, %r7
lddw %r6, 0x8000000000000000
or %r6, %r4
mov %r7, %r6
div %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r6
mod %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r6
div %r7, -2
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r6
arsh %r7, 17
mul %r0, 0x01000193
xor %r0, %r7
mov32 %r7, %r6
or32 %r7, 0x80000000
arsh32 %r7, 9
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r5
sub %r7, %r4
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r5
sub32 %r7, %r4
mul %r0, 0x01000193
xor %r0, %r7
exit
