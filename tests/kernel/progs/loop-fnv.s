# SPDX-License-Identifier: MIT
# FNV-1a (64-bit) over the first 48 bytes of the packet, or all of it if
# shorter: a loop with a constant bound that the verifier walks trip by
# trip, each byte read behind a check against the packet end.
# kernel: accept
lddw %r0, 0xcbf29ce484222325
lddw %r7, 0x100000001b3
mov %r6, 0
loop:
jge %r6, 48, done
mov %r4, %r1
add %r4, %r6
add %r4, 1
jgt %r4, %r3, done
ldxb %r5, [%r4-1]
xor %r0, %r5
mul %r0, %r7
add %r6, 1
ja loop
done:
exit
