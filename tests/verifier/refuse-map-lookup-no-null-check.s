# bpf_map_lookup_elem returns NULL for a missing key.
# verdict: refuse
# type: ctx
# rule: null-check
# error: which may be NULL
stw [%r10-4], 0
lddw %r1, map_fd 1
mov %r2, %r10
add %r2, -4
call 1
ldxdw %r0, [%r0+0]
exit
