# verdict: accept
# type: mem:4096
# r0: 0 65535
# Regression (found by `vfuzz --seed 0xb9f1`): fp-40 holds an 8-byte spill
# of 111113607 on one path and of 0 on the other; a 2-byte load reads it
# back. Pruning at L24 must not treat the two spills as equivalent, so the
# load cannot be a known 0.
mov %r5, 0
mov %r4, %r10
add %r4, -64
stdw [%r10-40], 5
ldxb %r1, [%r1+8]
stdw [%r4+24], 111113607
jslt %r1, 16, L24
stxdw [%r10-40], %r5
L24:
ldxh %r0, [%r10-40]
exit
