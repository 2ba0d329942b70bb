# verdict: refuse
# type: ctx
# rule: stack-bounds
# error: outside the frame [-512, 0)
stdw [%r10-520], 0
mov %r0, 0
exit
