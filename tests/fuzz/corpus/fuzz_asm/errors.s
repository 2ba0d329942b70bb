mov %r11, 1
add %r0
ldxw %r0, [%r1+40000]
ja nowhere
mov %r0, 0x100000000
bogus
exit
