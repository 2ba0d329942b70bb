# A map key on the stack must be written before the lookup reads it.
# verdict: refuse
# type: ctx
# rule: stack-uninit
# error: uninitialised stack
lddw %r1, map_fd 1
mov %r2, %r10
add %r2, -4
call 1
mov %r0, 0
exit
