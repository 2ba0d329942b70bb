# SPDX-License-Identifier: MIT
# bpf-to-bpf calls inside the body (two levels below the body): arguments
# in r1-r5 including the packet pointer, r6-r9 preserved across calls,
# each frame with its own stack slots at the same offsets.
# kernel: accept
ldxb %r6, [%r1+0]
ldxh %r7, [%r1+2]
stxdw [%r10-8], %r7
mov %r2, 5
call local f
mul %r0, 0x01000193
xor %r0, %r6
mul %r0, 0x01000193
xor %r0, %r7
ldxdw %r5, [%r10-8]
mul %r0, 0x01000193
xor %r0, %r5
exit
# f(pkt, k): g(pkt) * k + packet[1], its own slot at r10-8
f:
stdw [%r10-8], 99
mov %r6, %r2
mov %r7, %r1
call local g
mul %r0, %r6
ldxb %r5, [%r7+1]
add %r0, %r5
ldxdw %r5, [%r10-8]
add %r0, %r5
mov %r7, 0
exit
# g(pkt): packet[4..7] as a big-endian word
g:
mov %r6, -1
ldxw %r0, [%r1+4]
be32 %r0
exit
