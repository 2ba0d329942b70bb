mov %r0, 7
mov %r1, -3
add %r0, %r1
sub %r0, 2
mul %r0, %r1
div %r0, 3
sdiv %r0, %r1
mod %r0, 5
smod %r0, -2
or %r0, 0x10
and %r0, %r1
xor %r0, 0xff
lsh %r0, 3
rsh %r0, %r1
arsh %r0, 1
neg %r0
exit
