# SPDX-License-Identifier: MIT
# A Linux verifier bug found by this tier (kernel 6.18): precision is not
# carried from the value an atomic fetch (here xchg) reads from a stack
# slot back to that slot. The path on which byte 0 is non-zero reaches the
# xchg with the slot holding the constant 530001190, so the verifier
# decides the jle below is never taken; the path on which byte 0 is zero
# (slot 0) is then pruned at the xchg as equivalent, and the taken side of
# the jle is treated as dead code. Running it, Linux returns 1 where the
# ISA says 2 (byte 0 zero: the slot holds 0, xchg fetches 0, 0 <= 32768).
# bpfhost returns 2. The random generator keeps fetching atomics out of
# branching bodies for this reason.
# kernel: diverges atomic fetch from a stack slot loses precision tracking
ldxb %r2, [%r1+0]
stdw [%r10-16], 530001190
mov %r5, 0
mov %r7, 2
loop:
add %r7, -1
jne %r7, 0, loop
jeq %r2, 0, zero
ja join
zero:
stxdw [%r10-16], %r2
join:
jne %r2, 7, fetch
fetch:
lock xchg [%r10-16], %r5
jle %r5, 32768, small
mov %r0, 1
exit
small:
mov %r0, 2
exit
