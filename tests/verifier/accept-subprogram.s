# verdict: accept
# type: ctx
# r0: 21 21
mov %r1, 7
call local triple
exit
triple:
mov %r0, %r1
mul %r0, 3
exit
