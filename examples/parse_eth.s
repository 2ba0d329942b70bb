# Classify an Ethernet frame.
#
# In:  r1 = pointer to the frame (from the destination MAC on), r2 = length.
# Out: r0 = its class:
#        0  too short (no complete Ethernet header, or a cut IPv4 header)
#        1  ARP
#        2  IPv4, another protocol
#        3  IPv4 carrying TCP
#        4  IPv4 carrying UDP
#        5  IPv4 carrying ICMP
#        6  IPv6
#        7  another EtherType
# One 802.1Q VLAN tag (EtherType 0x8100) in front of the real EtherType is
# skipped. Every read is preceded by a length check, as the kernel verifier
# would demand of an XDP program.
#
#   bpfhost asm examples/parse_eth.s -o parse_eth.bin
#   bpfhost prog run parse_eth.bin data_in frame.bin

	mov %r0, 0
	jlt %r2, 14, out	# shorter than an Ethernet header
	ldxh %r3, [%r1+12]	# EtherType
	be16 %r3
	mov %r4, 14		# offset of the network header
	jne %r3, 0x8100, ethertype
	jlt %r2, 18, out	# VLAN tag without the EtherType after it
	ldxh %r3, [%r1+16]
	be16 %r3
	mov %r4, 18
ethertype:
	mov %r0, 1
	jeq %r3, 0x0806, out	# ARP
	mov %r0, 6
	jeq %r3, 0x86dd, out	# IPv6
	mov %r0, 7
	jne %r3, 0x0800, out	# not IPv4 either
	mov %r0, 0
	mov %r5, %r4
	add %r5, 20		# end of a minimal IPv4 header
	jgt %r5, %r2, out	# cut IPv4 header
	add %r1, %r4
	ldxb %r3, [%r1+9]	# IPv4 protocol
	mov %r0, 3
	jeq %r3, 6, out		# TCP
	mov %r0, 4
	jeq %r3, 17, out	# UDP
	mov %r0, 5
	jeq %r3, 1, out		# ICMP
	mov %r0, 2
out:
	exit
