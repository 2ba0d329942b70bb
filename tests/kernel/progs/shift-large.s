# SPDX-License-Identifier: MIT
# Shifts by register counts the program does not bound: the count is
# masked to 6 bits (ALU64) or 5 bits (ALU32), for lsh, rsh and arsh. Counts
# are packet bytes (0-255), so most exceed the width.
# kernel: accept
ldxdw %r4, [%r1+0]
ldxb %r5, [%r1+8]
ldxb %r6, [%r1+9]
lddw %r8, 0x8000000000000000
or %r4, %r8
mov %r0, %r4
lsh %r0, %r5
mov %r7, %r4
rsh %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
arsh %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
lsh32 %r7, %r6
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
rsh32 %r7, %r6
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
arsh32 %r7, %r6
mul %r0, 0x01000193
xor %r0, %r7
# counts of exactly 32, 63, 64 and 255 in registers
mov %r5, 64
mov %r7, %r4
lsh %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r5, 32
mov %r7, %r4
rsh32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r5, 255
mov %r7, %r4
arsh %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r5, 63
mov %r7, %r4
arsh32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
# a count with upper bits set: only the low bits count
lddw %r5, 0xffffffff00000003
mov %r7, %r4
lsh %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
rsh32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
# largest immediate counts
mov %r7, %r4
arsh %r7, 63
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
arsh32 %r7, 31
mul %r0, 0x01000193
xor %r0, %r7
exit
