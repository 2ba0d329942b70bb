# Bytes [16, 24) of the "ctx" type are writable.
# verdict: accept
# type: ctx
stdw [%r1+16], 1
mov %r0, 0
exit
