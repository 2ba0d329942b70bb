# Reading half of a spilled pointer would expose address bits.
# verdict: refuse
# type: ctx
# rule: stack-spill
# error: reads part of a spilled pointer
stxdw [%r10-8], %r1
ldxw %r0, [%r10-4]
exit
