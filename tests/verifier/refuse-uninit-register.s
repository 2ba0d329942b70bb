# verdict: refuse
# type: ctx
# rule: uninit-reg
# error: r2 is read but not initialised
mov %r0, %r2
exit
