# SPDX-License-Identifier: MIT
# Sign-extending loads (ISA v4) from the packet at odd and even offsets,
# and the same bytes loaded zero-extended, including a load past the
# guaranteed bytes behind a check. Results are also stored back into the
# packet at the same offsets, to compare the output packet.
# kernel: accept
ldxsb %r0, [%r1+1]
ldxsh %r7, [%r1+3]
mul %r0, 0x01000193
xor %r0, %r7
ldxsw %r7, [%r1+5]
mul %r0, 0x01000193
xor %r0, %r7
ldxb %r7, [%r1+1]
mul %r0, 0x01000193
xor %r0, %r7
ldxh %r7, [%r1+3]
mul %r0, 0x01000193
xor %r0, %r7
ldxw %r7, [%r1+5]
mul %r0, 0x01000193
xor %r0, %r7
mov %r4, %r1
add %r4, 40
jgt %r4, %r3, out
ldxsw %r7, [%r1+36]
mul %r0, 0x01000193
xor %r0, %r7
ldxsh %r7, [%r1+37]
stxdw [%r1+30], %r7
mul %r0, 0x01000193
xor %r0, %r7
out:
exit
