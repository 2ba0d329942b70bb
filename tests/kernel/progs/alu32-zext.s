# SPDX-License-Identifier: MIT
# ALU32 results are zero-extended to 64 bits, whatever the upper half of
# the operands held: add/sub/mul wrap at 32 bits, mov32 clears the upper
# half, and every 32-bit operation is folded into r0 with its full 64 bits.
# kernel: accept
ldxdw %r4, [%r1+0]
ldxdw %r5, [%r1+6]
lddw %r6, 0xffffffff00000000
or %r4, %r6
mov %r0, %r4
add32 %r0, %r5
mov %r7, %r4
sub32 %r7, %r5
lsh %r0, 7
xor %r0, %r7
mov %r7, %r5
mul32 %r7, %r4
xor %r0, %r7
mov32 %r7, %r4
xor %r0, %r7
mov %r7, %r4
or32 %r7, 0x80000000
add %r0, %r7
mov %r7, %r4
and32 %r7, %r5
add %r0, %r7
mov %r7, %r5
xor32 %r7, -1
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
add32 %r7, 0x7fffffff
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
sub32 %r7, -2147483648
mul %r0, 0x01000193
xor %r0, %r7
exit
