# SPDX-License-Identifier: MIT
# A packet rewrite: swap the Ethernet destination and source addresses
# (bytes 0-5 and 6-11) with word and half-word loads and stores, bump the
# byte after the header when the packet has one, and return the EtherType
# in host order.
# kernel: accept
ldxw %r4, [%r1+0]
ldxh %r5, [%r1+4]
ldxw %r6, [%r1+6]
ldxh %r7, [%r1+10]
stxw [%r1+0], %r6
stxh [%r1+4], %r7
stxw [%r1+6], %r4
stxh [%r1+10], %r5
ldxh %r0, [%r1+12]
be16 %r0
mov %r4, %r1
add %r4, 15
jgt %r4, %r3, out
ldxb %r5, [%r1+14]
add32 %r5, 1
stxb [%r1+14], %r5
out:
exit
