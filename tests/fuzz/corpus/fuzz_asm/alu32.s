mov32 %r0, 1
add32 %r0, 0x7fffffff
sub32 %r0, %r0
mul32 %r2, 9
div32 %r2, %r3
sdiv32 %r2, -1
mod32 %r2, 4
smod32 %r2, %r4
or32 %r2, 1
and32 %r2, 0xffff
xor32 %r2, %r5
lsh32 %r2, 31
rsh32 %r2, %r1
arsh32 %r2, 7
neg32 %r2
movsx832 %r0, %r2
movsx1632 %r0, %r3
exit
