# A pointer with a variable offset moved back 4 bytes, on the path where the
# bounds check failed: nothing is proven, not even the bytes in front of it
# (found by the soundness fuzzer, seed 0x5a17: a map key read there).
# verdict: refuse
# type: xdp
# rule: pkt-bounds
# error: proven: 0 bytes
ldxdw %r7, [%r1+0]
ldxdw %r8, [%r1+8]
mov %r0, 0
ldxw %r5, [%r1+24]
and %r5, 63
or %r5, 38
mov %r2, %r7
add %r2, %r5
mov %r3, %r2
add %r3, 54
jgt %r3, %r8, out
exit
out:
ldxw %r0, [%r2-4]
and %r0, 1
exit
