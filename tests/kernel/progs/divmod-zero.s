# SPDX-License-Identifier: MIT
# Division and modulo by a zero register (the verifier only refuses an
# immediate zero): division yields 0, modulo leaves the dividend in ALU64
# and its low half, zero-extended, in ALU32; a register whose low half is
# zero is a zero divisor for ALU32. Signed forms alike. Divisors come from
# the packet so the value is not known at load time.
# kernel: accept
ldxdw %r4, [%r1+0]
lddw %r6, 0xffffffff00000000
or %r4, %r6
ldxb %r5, [%r1+8]
rsh %r5, 8
# r5 = 0
mov %r0, %r4
div %r0, %r5
mov %r7, %r4
mod %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
div32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
mod32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
sdiv %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
smod %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
sdiv32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
smod32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
# divisor with a zero low half but nonzero upper half
mov %r8, %r5
or %r8, %r6
mov %r7, %r4
div32 %r7, %r8
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
mod32 %r7, %r8
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
smod32 %r7, %r8
mul %r0, 0x01000193
xor %r0, %r7
# ... which is not zero for ALU64
mov %r7, %r4
div %r7, %r8
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
mod %r7, %r8
mul %r0, 0x01000193
xor %r0, %r7
# divisors the verifier cannot know: packet bytes (zero in some packets)
ldxb %r8, [%r1+9]
mov %r7, %r4
div %r7, %r8
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
mod32 %r7, %r8
mul %r0, 0x01000193
xor %r0, %r7
ldxsb %r8, [%r1+10]
mov %r7, %r4
sdiv %r7, %r8
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
smod32 %r7, %r8
mul %r0, 0x01000193
xor %r0, %r7
exit
