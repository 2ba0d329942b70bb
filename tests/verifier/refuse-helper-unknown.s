# verdict: refuse
# type: ctx
# rule: helper-unknown
# error: unknown helper 4242
call 4242
exit
