# xdp_md.egress_ifindex (offset 20) does not exist on this runtime.
# verdict: refuse
# type: xdp_md
# rule: ctx-view
# error: not a field of the Linux context view
ldxw %r0, [%r1+20]
exit
