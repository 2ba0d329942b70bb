/* SPDX-License-Identifier: MIT */
/*
 * Test frames for the example loaders in examples/user/: Ethernet II
 * frames carrying an option-less IPv4 header and a TCP or UDP header (or
 * just an EtherType and zero bytes), built in a caller buffer. Only what
 * the example programs look at is filled in; the IPv4 checksum is left 0.
 * User-space code, not for BPF programs.
 */
#ifndef BPFHOST_EXAMPLES_FRAMES_H
#define BPFHOST_EXAMPLES_FRAMES_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#define FRAME_MAX 128

/* 60 bytes (the Ethernet minimum): Ethernet + IPv4 + TCP/UDP header */
static inline size_t frame_ipv4(uint8_t *f, const char *src, const char *dst, uint8_t proto,
				uint16_t sport, uint16_t dport)
{
	uint16_t tot = htons(60 - 14), p16;
	struct in_addr a;

	memset(f, 0, 60);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	f[14] = 0x45;
	memcpy(f + 16, &tot, 2);
	f[22] = 64; /* TTL */
	f[23] = proto;
	inet_pton(AF_INET, src, &a);
	memcpy(f + 26, &a, 4);
	inet_pton(AF_INET, dst, &a);
	memcpy(f + 30, &a, 4);
	p16 = htons(sport);
	memcpy(f + 34, &p16, 2);
	p16 = htons(dport);
	memcpy(f + 36, &p16, 2);
	if (proto == 6)
		f[46] = 0x50; /* TCP data offset: 5 words */
	return 60;
}

/* 60 bytes: an Ethernet frame of another EtherType (e.g. 0x0806 ARP) */
static inline size_t frame_other(uint8_t *f, uint16_t ethertype)
{
	memset(f, 0, 60);
	memcpy(f, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01", 12);
	f[12] = (uint8_t)(ethertype >> 8);
	f[13] = (uint8_t)ethertype;
	return 60;
}

#endif
