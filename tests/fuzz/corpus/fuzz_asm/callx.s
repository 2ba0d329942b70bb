mov %r2, 5
call %r2
exit
