# The same pointer on the path where the check held: the 4 bytes in front
# of it are inside the packet, since its variable part is at least 38.
# verdict: accept
# type: xdp
ldxdw %r7, [%r1+0]
ldxdw %r8, [%r1+8]
mov %r0, 0
ldxw %r5, [%r1+24]
and %r5, 63
or %r5, 38
mov %r2, %r7
add %r2, %r5
mov %r3, %r2
add %r3, 54
jgt %r3, %r8, out
ldxw %r0, [%r2-4]
and %r0, 1
out:
exit
