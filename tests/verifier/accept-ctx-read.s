# Reading context fields inside [0, ctx_size).
# verdict: accept
# type: ctx
ldxdw %r2, [%r1+0]
ldxw %r3, [%r1+28]
mov %r0, %r2
add %r0, %r3
exit
