# Writing into the header (slot 7, offset -8) is refused as well.
# verdict: refuse
# type: xdp
# rule: ctx-header
# error: context access at offset -8
mov %r0, 0
stdw [%r1-8], 0
exit
