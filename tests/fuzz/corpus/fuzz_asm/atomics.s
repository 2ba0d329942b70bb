stdw [%r10-8], 0
mov %r1, 3
lock add [%r10-8], %r1
lock fetch add [%r10-8], %r1
lock and32 [%r10-8], %r1
lock fetch or [%r10-8], %r1
lock xor [%r10-8], %r1
lock xchg [%r10-8], %r1
lock xchg32 [%r10-8], %r1
lock cmpxchg [%r10-8], %r1
lock cmpxchg32 [%r10-8], %r1
ldxdw %r0, [%r10-8]
exit
