# verdict: refuse
# type: ctx
# rule: unreachable
# error: unreachable insn 2
mov %r0, 0
exit
mov %r0, 1
exit
