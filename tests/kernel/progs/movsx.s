# SPDX-License-Identifier: MIT
# Sign-extending moves (ISA v4): movsx 8/16/32 to 64 bits and 8/16 to 32
# bits (the 32-bit forms zero the upper half after extending), applied to
# packet words whose sign bits vary.
# kernel: accept
ldxdw %r4, [%r1+0]
ldxdw %r5, [%r1+5]
movsx864 %r0, %r4
movsx1664 %r7, %r4
mul %r0, 0x01000193
xor %r0, %r7
movsx3264 %r7, %r4
mul %r0, 0x01000193
xor %r0, %r7
movsx832 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
movsx1632 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
movsx3264 %r7, %r5
mul %r0, 0x01000193
xor %r0, %r7
# the same register as source and destination
mov %r7, %r5
movsx864 %r7, %r7
mul %r0, 0x01000193
xor %r0, %r7
mov %r7, %r4
movsx1632 %r7, %r7
mul %r0, 0x01000193
xor %r0, %r7
exit
