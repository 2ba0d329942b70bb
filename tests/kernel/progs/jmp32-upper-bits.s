# SPDX-License-Identifier: MIT
# JMP32 compares only the low 32 bits: operands whose upper halves differ
# (packet words with constant upper halves ORed in) must compare like
# their lower halves, signed and unsigned, while the same 64-bit compares
# see the upper halves. One bit of r0 per outcome.
# kernel: accept
ldxw %r4, [%r1+0]
ldxw %r5, [%r1+4]
lddw %r6, 0x8000000100000000
or %r4, %r6
lddw %r6, 0x0000000200000000
or %r5, %r6
mov %r0, 0
jgt32 %r4, %r5, l1
or %r0, 0x1
l1:
jgt %r4, %r5, l2
or %r0, 0x2
l2:
jsgt32 %r4, %r5, l3
or %r0, 0x4
l3:
jsgt %r4, %r5, l4
or %r0, 0x8
l4:
jeq32 %r4, %r4, l5
or %r0, 0x10
l5:
jne32 %r4, 0, l6
or %r0, 0x20
l6:
jslt32 %r5, 0, l7
or %r0, 0x40
l7:
jslt %r5, 0, l8
or %r0, 0x80
l8:
jset32 %r4, 0x80000000, l9
or %r0, 0x100
l9:
jset %r4, %r6, l10
or %r0, 0x200
l10:
jle32 %r4, 0xffff, l11
or %r0, 0x400
l11:
jsge32 %r5, -1, l12
or %r0, 0x800
l12:
jlt32 %r4, %r5, l13
or %r0, 0x1000
l13:
jsle32 %r4, %r5, l14
or %r0, 0x2000
l14:
jge32 %r4, %r5, l15
or %r0, 0x4000
l15:
exit
