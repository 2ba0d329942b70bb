# bpf_map_lookup_elem wants a map in r1.
# verdict: refuse
# type: ctx
# rule: helper-arg
# error: a map is expected
stw [%r10-4], 0
mov %r1, %r10
mov %r2, %r10
add %r2, -4
call 1
mov %r0, 0
exit
