# verdict: refuse
# type: ctx
# rule: infinite-loop
# error: infinite loop
mov %r0, 0
loop:
ldxw %r2, [%r1+0]
jne %r2, 0, loop
exit
