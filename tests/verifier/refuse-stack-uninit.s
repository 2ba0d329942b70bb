# verdict: refuse
# type: ctx
# rule: stack-uninit
# error: read of uninitialised stack byte at fp-8
ldxdw %r0, [%r10-8]
exit
