# SPDX-License-Identifier: MIT
# Writes at a variable packet offset: the last byte (data + length - 1,
# with the length bounded so the verifier can follow it) is overwritten by
# the first byte plus the length, and a word at a packet-chosen offset in
# the first 64 bytes is stored when it fits. Returns the bytes replaced.
# kernel: accept
mov %r0, 0
mov %r4, %r2
sub %r4, 1
and %r4, 0x7ff
add %r4, %r1
mov %r5, %r4
add %r5, 1
jgt %r5, %r3, skip1
ldxb %r0, [%r4+0]
ldxb %r6, [%r1+0]
add %r6, %r2
stxb [%r4+0], %r6
skip1:
ldxb %r6, [%r1+13]
and %r6, 63
add %r6, %r1
mov %r5, %r6
add %r5, 4
jgt %r5, %r3, out
ldxw %r7, [%r6+0]
lsh %r0, 32
or %r0, %r7
stw [%r6+0], 0x5a5aa5a5
out:
exit
