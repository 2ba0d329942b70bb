# Tail calls go through a program array of the same program type.
# verdict: accept
# type: ctx
lddw %r2, map_fd 5
mov %r3, 0
call 12
mov %r0, 0
exit
