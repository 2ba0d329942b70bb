# SPDX-License-Identifier: MIT
# Internet checksum (one's complement sum of big-endian 16-bit words) over
# the first 64 bytes of the packet, or all of it if shorter, with a
# trailing odd byte as the high half of a word. A bounded loop (32 trips at
# most); each word is read behind a check against the packet end (r3). The
# result is written into bytes 12-13 and returned.
# kernel: accept
mov %r0, 0
mov %r6, 0
loop:
jge %r6, 64, fold
mov %r4, %r1
add %r4, %r6
add %r4, 2
jgt %r4, %r3, tail
ldxh %r5, [%r4-2]
be16 %r5
add %r0, %r5
add %r6, 2
ja loop
tail:
# one byte left?
mov %r4, %r1
add %r4, %r6
add %r4, 1
jgt %r4, %r3, fold
ldxb %r5, [%r4-1]
lsh %r5, 8
add %r0, %r5
fold:
mov %r5, %r0
rsh %r5, 16
and %r0, 0xffff
add %r0, %r5
mov %r5, %r0
rsh %r5, 16
and %r0, 0xffff
add %r0, %r5
xor %r0, 0xffff
mov %r5, %r0
be16 %r5
stxh [%r1+12], %r5
exit
