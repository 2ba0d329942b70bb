# The loop ends only when a counter meets an unknown value: no bound.
# verdict: refuse
# type: ctx
# rule: too-complex
# error: too complex
ldxdw %r2, [%r1+0]
mov %r0, 0
loop:
add %r0, 1
jne %r0, %r2, loop
exit
