mov %r1, 1
call 5
call local fn
exit
fn:
mov %r0, %r1
add %r0, 2
exit
