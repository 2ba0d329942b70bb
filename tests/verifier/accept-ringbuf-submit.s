# verdict: accept
# type: ctx
lddw %r1, map_fd 3
mov %r2, 16
mov %r3, 0
call 131
jeq %r0, 0, out
stdw [%r0+0], 42
mov %r1, %r0
mov %r2, 0
call 132
out:
mov %r0, 0
exit
