# SPDX-License-Identifier: MIT
# Signed against unsigned comparisons of sign-extended packet bytes and
# half words: each outcome sets one bit of r0, so a single wrong branch
# shows. Covers jgt/jge/jlt/jle and jsgt/jsge/jslt/jsle, immediate and
# register forms, and jset.
# kernel: accept
ldxsb %r4, [%r1+0]
ldxsh %r5, [%r1+1]
ldxb %r6, [%r1+3]
mov %r0, 0
jgt %r4, 100, l1
or %r0, 0x1
l1:
jsgt %r4, 100, l2
or %r0, 0x2
l2:
jge %r4, %r5, l3
or %r0, 0x4
l3:
jsge %r4, %r5, l4
or %r0, 0x8
l4:
jlt %r4, -1, l5
or %r0, 0x10
l5:
jslt %r4, -1, l6
or %r0, 0x20
l6:
jle %r5, %r6, l7
or %r0, 0x40
l7:
jsle %r5, %r6, l8
or %r0, 0x80
l8:
jslt %r5, -32768, l9
or %r0, 0x100
l9:
jsle %r5, -32768, l10
or %r0, 0x200
l10:
jgt %r5, -32769, l11
or %r0, 0x400
l11:
jset %r4, 0x80, l12
or %r0, 0x800
l12:
jset %r4, %r6, l13
or %r0, 0x1000
l13:
jeq %r4, %r6, l14
or %r0, 0x2000
l14:
jne %r5, -1, l15
or %r0, 0x4000
l15:
exit
