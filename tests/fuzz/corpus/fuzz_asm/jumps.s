mov %r0, 0
mov %r1, 5
top:
add %r0, 1
jeq %r0, 3, skip
jne %r0, %r1, +1
jgt %r0, 10, done
skip:
jge %r0, %r1, done
jlt %r0, 2, top
jle %r0, %r1, top
jsgt %r0, -1, next
next:
jsge32 %r0, 0, n2
n2:
jslt %r0, %r1, n3
n3:
jsle %r0, 100, n4
n4:
jset %r0, 1, n5
n5:
jeq32 %r0, %r1, done
ja32 done
done:
exit
