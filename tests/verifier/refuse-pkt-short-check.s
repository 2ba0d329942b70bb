# The check proves 13 bytes; the access needs 14.
# verdict: refuse
# type: xdp
# rule: pkt-bounds
# error: proven: 13 bytes
ldxdw %r2, [%r1+0]
ldxdw %r3, [%r1+8]
mov %r0, 1
mov %r4, %r2
add %r4, 13
jgt %r4, %r3, out
ldxh %r5, [%r2+12]
out:
exit
