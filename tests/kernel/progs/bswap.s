# SPDX-License-Identifier: MIT
# Byte swaps of a packet word: le16/le32/le64 truncate (and zero-extend) on
# this little-endian machine, be16/be32/be64 swap then truncate, and the
# unconditional bswap16/32/64 swap. Each result is folded into r0.
# kernel: accept
ldxdw %r4, [%r1+3]
mov %r0, 0
mov %r5, %r4
le16 %r5
add %r0, %r5
mov %r5, %r4
le32 %r5
mul %r0, 0x01000193
xor %r0, %r5
mov %r5, %r4
le64 %r5
mul %r0, 0x01000193
xor %r0, %r5
mov %r5, %r4
be16 %r5
mul %r0, 0x01000193
xor %r0, %r5
mov %r5, %r4
be32 %r5
mul %r0, 0x01000193
xor %r0, %r5
mov %r5, %r4
be64 %r5
mul %r0, 0x01000193
xor %r0, %r5
mov %r5, %r4
bswap16 %r5
mul %r0, 0x01000193
xor %r0, %r5
mov %r5, %r4
bswap32 %r5
mul %r0, 0x01000193
xor %r0, %r5
mov %r5, %r4
bswap64 %r5
mul %r0, 0x01000193
xor %r0, %r5
# write a swapped half word back into the packet
ldxh %r6, [%r1+12]
be16 %r6
stxh [%r1+12], %r6
exit
