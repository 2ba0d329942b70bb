# verdict: refuse
# type: xdp
# rule: bad-access
# error: memory access through the packet end pointer
ldxdw %r3, [%r1+8]
ldxb %r0, [%r3-1]
exit
