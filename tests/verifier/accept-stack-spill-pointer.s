# An 8-byte aligned spill keeps a pointer.
# verdict: accept
# type: ctx
stxdw [%r10-16], %r1
mov %r1, 0
ldxdw %r2, [%r10-16]
ldxdw %r0, [%r2+8]
exit
