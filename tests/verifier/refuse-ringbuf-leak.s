# The record must be submitted or discarded on every path.
# verdict: refuse
# type: ctx
# rule: ref-leak
# error: neither submitted nor discarded
lddw %r1, map_fd 3
mov %r2, 16
mov %r3, 0
call 131
jeq %r0, 0, out
stdw [%r0+0], 42
out:
mov %r0, 0
exit
