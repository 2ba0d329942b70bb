# verdict: refuse
# type: ctx
# rule: r0-uninit
# error: r0 is not initialised at exit
exit
