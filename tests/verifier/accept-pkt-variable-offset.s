# A header length read from the packet, bounded, then checked again.
# verdict: accept
# type: xdp
ldxdw %r2, [%r1+0]
ldxdw %r3, [%r1+8]
mov %r0, 1
mov %r4, %r2
add %r4, 1
jgt %r4, %r3, out
ldxb %r5, [%r2+0]
and %r5, 0x3c
mov %r6, %r2
add %r6, %r5
mov %r7, %r6
add %r7, 2
jgt %r7, %r3, out
ldxh %r0, [%r6+0]
and %r0, 3
out:
exit
