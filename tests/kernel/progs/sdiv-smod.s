# SPDX-License-Identifier: MIT
# Signed division truncates toward zero and the remainder takes the sign
# of the dividend; the overflowing INT_MIN / -1 gives INT_MIN and
# INT_MIN % -1 gives 0, in 64 and 32 bits, with register and immediate
# divisors. The dividend's sign comes from the packet.
# kernel: accept
ldxsb %r4, [%r1+0]
ldxsb %r5, [%r1+1]
or %r5, 1
mov %r0, %r4
sdiv %r0, %r5
mov %r7, %r4
smod %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
sdiv %r7, -7
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
smod %r7, -7
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
sdiv32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
smod32 %r7, -3
mul %r0, 0x01000193
xor %r0, %r7
# INT64_MIN / -1 and % -1 (register -1 from the packet: r6 | -1)
ldxb %r6, [%r1+2]
or %r6, -1
lddw %r7, 0x8000000000000000
sdiv %r7, %r6
mul %r0, 0x01000193
xor %r0, %r7
lddw %r7, 0x8000000000000000
smod %r7, %r6
mul %r0, 0x01000193
xor %r0, %r7
lddw %r7, 0x8000000000000000
sdiv %r7, -1
mul %r0, 0x01000193
xor %r0, %r7
# INT32_MIN / -1 and % -1 (upper half set to show zero-extension)
lddw %r7, 0x1234567880000000
sdiv32 %r7, %r6
mul %r0, 0x01000193
xor %r0, %r7
lddw %r7, 0x1234567880000000
smod32 %r7, %r6
mul %r0, 0x01000193
xor %r0, %r7
lddw %r7, 0x1234567880000000
sdiv32 %r7, -1
mul %r0, 0x01000193
xor %r0, %r7
lddw %r7, 0x1234567880000000
smod32 %r7, -1
mul %r0, 0x01000193
xor %r0, %r7
# unsigned division of the same bit patterns
mov %r7, %r4
div %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
mod32 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
exit
