# A program compiled for Linux reads struct xdp_md's 32-bit data and
# data_end; the verifier rewrites the loads to the real 64-bit pointers.
# verdict: accept
# type: xdp_md
ldxw %r2, [%r1+0]
ldxw %r3, [%r1+4]
ldxw %r6, [%r1+12]
mov %r0, 1
mov %r4, %r2
add %r4, 14
jgt %r4, %r3, out
ldxh %r5, [%r2+12]
mov %r0, 2
out:
exit
