# verdict: refuse
# type: ctx
# rule: ptr-leak
# error: into the map value would leak the address
stw [%r10-4], 0
lddw %r1, map_fd 1
mov %r2, %r10
add %r2, -4
call 1
jeq %r0, 0, miss
stxdw [%r0+0], %r10
miss:
mov %r0, 0
exit
