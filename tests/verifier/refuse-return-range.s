# XDP-like programs return an action in [0, 4].
# verdict: refuse
# type: xdp
# rule: return-range
# error: outside the range [0, 4]
mov %r0, 5
exit
