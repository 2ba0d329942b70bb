# verdict: accept
# type: mem:4096
# r0: 0 255
# Regression (found by `vfuzz --seed 0x5eed`, program 19564447): r0 is stored
# unaligned with a 4-byte store and one byte of it is read back; r0 is 0 on
# the path that skips the call and not 0 through it. Pruning at L20 must
# keep them apart, so the byte read back is not a known 0.
mov %r0, 0
mov %r5, 0
mov %r6, %r1
mov %r3, %r1
mov %r4, %r10
add %r4, -64
stdw [%r10-8], 1
stdw [%r10-16], 2
stdw [%r10-24], 3
stdw [%r10-32], 4
stdw [%r10-40], 5
stdw [%r10-48], 6
stdw [%r10-56], 7
stdw [%r10-64], 8
ldxh %r5, [%r3+68]
jset %r5, 2, L20
add %r2, -1
call local L29
mov %r1, %r6
mov %r3, %r6
L20:
mov %r4, %r10
mov %r5, 0
mov %r2, 4096
and %r5, 8191
mov %r3, %r1
add %r3, %r5
stxw [%r4-505], %r0
ldxb %r0, [%r4-505]
exit
L29:
mov %r0, %r2
or %r0, 3
ldxw %r5, [%r1+1214]
add %r0, %r5
exit
