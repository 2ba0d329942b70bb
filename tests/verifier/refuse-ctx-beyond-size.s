# verdict: refuse
# type: ctx
# rule: ctx-bounds
# error: beyond the 32-byte context
ldxw %r0, [%r1+32]
exit
