# The classic XDP bounds check before reading the Ethernet header.
# verdict: accept
# type: xdp
# r0: 1 2
ldxdw %r2, [%r1+0]
ldxdw %r3, [%r1+8]
mov %r0, 1
mov %r4, %r2
add %r4, 14
jgt %r4, %r3, out
ldxh %r5, [%r2+12]
mov %r0, 2
out:
exit
