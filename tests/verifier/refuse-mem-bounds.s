# "mem:16": r1 points to 16 bytes of memory.
# verdict: refuse
# type: mem:16
# rule: mem-bounds
# error: outside its 16 bytes
ldxdw %r0, [%r1+12]
exit
