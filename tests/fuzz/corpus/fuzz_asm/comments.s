# a comment line

	mov %r0, 1	# trailing comment
label_with_long_name_0123:
	jeq %r0, 1, label_with_long_name_0123   # backward jump
	exit
