# verdict: refuse
# type: ctx
# rule: ptr-leak
# error: into the context would leak the address
stxdw [%r1+16], %r1
mov %r0, 0
exit
