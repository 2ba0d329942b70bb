# Reading the packet without comparing against data_end first.
# verdict: refuse
# type: xdp
# rule: pkt-bounds
# error: compare data + 14 against data_end before the access
ldxdw %r2, [%r1+0]
ldxh %r0, [%r2+12]
exit
