# Internet checksum (RFC 1071) of the input bytes.
#
# In:  r1 = pointer to the bytes, r2 = their length.
# Out: r0 = the 16-bit one's-complement checksum, as the number a header's
#      checksum field holds (big-endian on the wire). Run over a header whose
#      checksum field is already filled in, the result is 0 when it is right.
#
# The bytes are summed as big-endian 16-bit words (an odd last byte is the
# high half of a word padded with zero), the carries are folded back into
# the low 16 bits and the sum is complemented.
#
#   bpfhost asm examples/checksum.s -o checksum.bin
#   bpfhost prog run checksum.bin data_in header.bin

	mov %r0, 0		# running sum
words:
	jlt %r2, 2, odd		# fewer than two bytes left
	ldxh %r3, [%r1+0]
	be16 %r3		# the word in network byte order
	add %r0, %r3
	add %r1, 2
	sub %r2, 2
	ja words
odd:
	jeq %r2, 0, fold
	ldxb %r3, [%r1+0]	# last odd byte: high half of a word
	lsh %r3, 8
	add %r0, %r3
fold:
	mov %r3, %r0
	rsh %r3, 16		# carries out of the low 16 bits
	and %r0, 0xffff
	add %r0, %r3
	jgt %r0, 0xffff, fold	# the addition carried again
	xor %r0, 0xffff		# one's complement
	exit
