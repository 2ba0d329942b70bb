# Stepping back with arithmetic does not reach the header either: context
# fields are accessed through the unmodified r1 only.
# verdict: refuse
# type: ctx
# rule: ctx-modified
# error: modified context pointer
sub %r1, 64
ldxdw %r0, [%r1+8]
exit
