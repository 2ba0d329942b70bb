# verdict: accept
# type: mem:4096
# r0: 0 255
# Regression (found by `vfuzz --seed 0x5eed`): r0 is stored with a 4-byte
# store into a stack slot and read back with a 1-byte load. On the path that
# skips the call r0 is 0; through the call it is 4096 | 3. Pruning at L20
# must keep r0's value: the byte read back at exit depends on it.
mov %r0, 0
mov %r6, %r1
mov %r3, %r1
mov %r4, %r10
stdw [%r10-56], 7
stdw [%r10-64], 8
ldxh %r5, [%r3+68]
jset %r5, 2, L20
call local L29
L20:
mov %r4, %r10
stxw [%r4-504], %r0
ldxb %r0, [%r4-504]
exit
L29:
mov %r0, %r2
or %r0, 3
exit
