# verdict: refuse
# type: xdp
# rule: ptr-compare
# error: pointers into different regions
ldxdw %r2, [%r1+0]
mov %r0, 0
jgt %r2, %r10, out
out:
exit
