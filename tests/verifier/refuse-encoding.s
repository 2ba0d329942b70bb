# The encoding is checked first (here: a write to r10).
# verdict: refuse
# type: ctx
# rule: encoding
# error: r10
mov %r10, 0
mov %r0, 0
exit
