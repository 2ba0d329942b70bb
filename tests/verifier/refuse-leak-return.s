# verdict: refuse
# type: ctx
# rule: ptr-leak
# error: returning a pointer (fp) would leak its address
mov %r0, %r10
exit
