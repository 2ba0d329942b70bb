# A checked index into memory of known size.
# verdict: accept
# type: mem:64
ldxb %r3, [%r1+0]
jge %r3, 60, out
add %r1, %r3
ldxw %r0, [%r1+0]
exit
out:
mov %r0, 0
exit
