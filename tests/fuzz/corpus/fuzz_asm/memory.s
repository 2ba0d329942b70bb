# loads and stores around the stack
mov %r2, %r10
stb [%r10-1], 0x7f
sth [%r10-4], -2
stw [%r10-8], 0x12345678
stdw [%r10-16], 1
stxb [%r10-17], %r2
stxh [%r10-20], %r2
stxw [%r10-24], %r2
stxdw [%r10-32], %r2
ldxb %r0, [%r10-1]
ldxh %r0, [%r10-4]
ldxw %r0, [%r10-8]
ldxdw %r0, [%r10-16]
ldxsb %r3, [%r10-1]
ldxsh %r3, [%r10-4]
ldxsw %r3, [%r10-8]
exit
