# verdict: refuse
# type: ctx
# rule: map-type
# error: cannot be used with map 'hash'
lddw %r2, map_fd 1
mov %r3, 0
call 12
mov %r0, 0
exit
