# verdict: refuse
# type: ctx
# rule: map-rdonly
# error: read-only map
lddw %r1, map_value 4, 0
stb [%r1+0], 0
mov %r0, 0
exit
