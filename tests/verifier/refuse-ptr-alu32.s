# verdict: refuse
# type: ctx
# rule: ptr-alu32
# error: 32-bit add on a pointer
add32 %r1, 8
mov %r0, 0
exit
