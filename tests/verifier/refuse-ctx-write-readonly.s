# verdict: refuse
# type: ctx
# rule: ctx-write
# error: store to context bytes [0, 8), which are not writable
stdw [%r1+0], 1
mov %r0, 0
exit
