# verdict: refuse
# type: ctx
# rule: ptr-arith
# error: xor on a pointer is not allowed
mov %r2, %r10
xor %r2, 1
mov %r0, 0
exit
