# verdict: refuse
# type: ctx
# rule: unsupported
# error: legacy packet loads
ldabsw 0
exit
