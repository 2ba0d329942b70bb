# A counted loop: exploration unrolls it until the counter decides.
# verdict: accept
# type: ctx
# r0: 45 45
mov %r0, 0
mov %r2, 0
loop:
add %r0, %r2
add %r2, 1
jlt %r2, 10, loop
exit
