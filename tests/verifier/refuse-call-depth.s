# verdict: refuse
# type: ctx
# rule: call-depth
# error: at most 8 frames may be active
mov %r0, 0
call local f
exit
f:
call local f
exit
