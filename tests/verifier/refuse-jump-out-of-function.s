# verdict: refuse
# type: ctx
# rule: jump-out
# error: leaves the function
call local f
exit
f:
mov %r0, 0
ja -4
