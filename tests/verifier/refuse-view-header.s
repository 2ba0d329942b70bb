# Through the view, negative offsets still reach only the header.
# verdict: refuse
# type: xdp_md
# rule: ctx-header
# error: context header
ldxw %r0, [%r1-4]
exit
