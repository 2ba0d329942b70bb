# SPDX-License-Identifier: MIT
# Stack spill and fill with partial reads (little-endian layout of a
# spilled word), and atomic operations on stack slots: add/or/and/xor,
# fetch forms (32-bit fetches zero-extend the old value), xchg and cmpxchg
# both when the compare succeeds and when it fails.
# kernel: accept
ldxdw %r4, [%r1+0]
ldxdw %r5, [%r1+6]
stxdw [%r10-8], %r4
stxdw [%r10-16], %r5
stw [%r10-24], -1
stw [%r10-20], 7
ldxw %r9, [%r10-8]
ldxh %r7, [%r10-6]
mul %r9, 0x01000193
xor %r9, %r7
ldxsb %r7, [%r10-1]
mul %r9, 0x01000193
xor %r9, %r7
lock add [%r10-8], %r5
lock or32 [%r10-12], %r4
lock and [%r10-24], %r4
lock xor32 [%r10-20], %r5
mov %r6, %r5
lock fetch add [%r10-16], %r6
mul %r9, 0x01000193
xor %r9, %r6
lddw %r6, 0xffffffff00000001
lock fetch or32 [%r10-24], %r6
mul %r9, 0x01000193
xor %r9, %r6
mov %r6, %r4
lock fetch xor [%r10-8], %r6
mul %r9, 0x01000193
xor %r9, %r6
mov %r6, 0x55
lock fetch and32 [%r10-4], %r6
mul %r9, 0x01000193
xor %r9, %r6
mov %r6, %r4
lock xchg [%r10-16], %r6
mul %r9, 0x01000193
xor %r9, %r6
lddw %r6, 0xabcdef0012345678
lock xchg32 [%r10-20], %r6
mul %r9, 0x01000193
xor %r9, %r6
# cmpxchg that succeeds (r0 = current value) and one that fails
ldxdw %r0, [%r10-8]
lock cmpxchg [%r10-8], %r5
mul %r9, 0x01000193
xor %r9, %r0
mov %r0, 1
lock cmpxchg [%r10-16], %r4
mul %r9, 0x01000193
xor %r9, %r0
ldxw %r0, [%r10-24]
lock cmpxchg32 [%r10-24], %r4
mul %r9, 0x01000193
xor %r9, %r0
# fold the slots
ldxdw %r7, [%r10-8]
mul %r9, 0x01000193
xor %r9, %r7
ldxdw %r7, [%r10-16]
mul %r9, 0x01000193
xor %r9, %r7
ldxdw %r7, [%r10-24]
mul %r9, 0x01000193
xor %r9, %r7
mov %r0, %r9
exit
