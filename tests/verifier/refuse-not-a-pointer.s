# verdict: refuse
# type: ctx
# rule: not-a-pointer
# error: which is a scalar, not a pointer
ldxdw %r2, [%r1+0]
ldxdw %r0, [%r2+0]
exit
