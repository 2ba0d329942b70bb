# verdict: refuse
# type: ctx
# rule: map-bounds
# error: outside the 8-byte value
stw [%r10-4], 0
lddw %r1, map_fd 1
mov %r2, %r10
add %r2, -4
call 1
jeq %r0, 0, miss
ldxw %r0, [%r0+6]
exit
miss:
mov %r0, 0
exit
