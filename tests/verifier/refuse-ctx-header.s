# The 64-byte context header sits in front of the context; a program that
# reaches back from r1 would read the runtime's private state.
# verdict: refuse
# type: ctx
# rule: ctx-header
# error: the context header in front of the context is not accessible to programs
ldxdw %r0, [%r1-8]
exit
