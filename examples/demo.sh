#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bpfhost demo: assemble two example eBPF programs and run them on the
# interpreter over input bytes written by this script, saying in plain
# words what each step did. Usage: examples/demo.sh [BUILD_DIR] (what
# `make demo` runs). Exits non-zero if any result is not the expected one.
set -euo pipefail

BUILD=${1:-build}
BPFHOST=$BUILD/bpfhost
WORK=$BUILD/demo
HERE=$(cd "$(dirname "$0")" && pwd)

if [ ! -x "$BPFHOST" ]; then
	echo "demo: $BPFHOST not found; build it first (make)" >&2
	exit 1
fi
mkdir -p "$WORK"

# r0 of one run: bpfhost prog run PROG data_in DATA
run_prog() {
	local out
	out=$("$BPFHOST" prog run "$1" data_in "$2")
	sed -n 's/^Return value: \([0-9]*\),.*/\1/p' <<<"$out"
}

# the file's size in instructions (8 bytes each)
insn_count() {
	echo $(($(wc -c <"$1") / 8))
}

echo "== 1. Internet checksum (examples/checksum.s)"
"$BPFHOST" asm "$HERE/checksum.s" -o "$WORK/checksum.bin"
echo "Assembled examples/checksum.s into $(insn_count "$WORK/checksum.bin") eBPF" \
	"instructions ($WORK/checksum.bin). The first ones, disassembled:"
"$BPFHOST" disasm "$WORK/checksum.bin" >"$WORK/checksum.txt"
head -n 5 "$WORK/checksum.txt"

# IPv4 header, 10.0.0.1 -> 10.0.0.2, ICMP, TTL 64, checksum field zero
printf '\x45\x00\x00\x54\x12\x34\x40\x00\x40\x01\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02' \
	>"$WORK/ipv4-header.bin"
csum=$(run_prog "$WORK/checksum.bin" "$WORK/ipv4-header.bin")
printf 'Ran it over a 20-byte IPv4 header (10.0.0.1 -> 10.0.0.2, ICMP) whose checksum\n'
printf 'field is zero: the program computed the header checksum 0x%04x.\n' "$csum"

# the same header with that checksum stored in bytes 10-11
{
	head -c 10 "$WORK/ipv4-header.bin"
	printf "\\x$(printf '%02x' $((csum >> 8)))\\x$(printf '%02x' $((csum & 0xff)))"
	tail -c 8 "$WORK/ipv4-header.bin"
} >"$WORK/ipv4-header-fixed.bin"
check=$(run_prog "$WORK/checksum.bin" "$WORK/ipv4-header-fixed.bin")
if [ "$check" != 0 ]; then
	echo "demo: checking the filled-in header gave $check, expected 0" >&2
	exit 1
fi
echo "Stored it in the header and ran the program again: the sum is now 0, so the"
echo "header checks out as a receiver would verify it."
echo

echo "== 2. Ethernet frame classifier (examples/parse_eth.s)"
"$BPFHOST" asm "$HERE/parse_eth.s" -o "$WORK/parse_eth.bin"
echo "Assembled examples/parse_eth.s into $(insn_count "$WORK/parse_eth.bin") eBPF instructions."

classes=("too short" "ARP" "IPv4 (other protocol)" "IPv4 / TCP" "IPv4 / UDP" "IPv4 / ICMP"
	"IPv6" "another EtherType")
MACS='\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01'
IPV4_UDP='\x45\x00\x00\x1c\x00\x01\x00\x00\x40\x11\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02'
UDP='\x30\x39\x00\x35\x00\x08\x00\x00'
frames=(
	"a UDP datagram in IPv4|${MACS}\\x08\\x00${IPV4_UDP}${UDP}|4"
	"an ARP request|${MACS}\\x08\\x06\\x00\\x01\\x08\\x00\\x06\\x04\\x00\\x01|1"
	"IPv6 behind a VLAN tag|${MACS}\\x81\\x00\\x00\\x64\\x86\\xdd\\x60\\x00\\x00\\x00|6"
	"a 10-byte runt|\\x02\\x00\\x00\\x00\\x00\\x02\\x02\\x00\\x00\\x00|0"
)
i=0
for f in "${frames[@]}"; do
	IFS='|' read -r what bytes want <<<"$f"
	i=$((i + 1))
	printf "$bytes" >"$WORK/frame$i.bin"
	got=$(run_prog "$WORK/parse_eth.bin" "$WORK/frame$i.bin")
	printf 'Frame %d, %s (%d bytes): classified as %s (r0 = %s).\n' "$i" "$what" \
		"$(wc -c <"$WORK/frame$i.bin")" "${classes[$got]:-unknown}" "$got"
	if [ "$got" != "$want" ]; then
		echo "demo: frame $i classified as $got, expected $want" >&2
		exit 1
	fi
done
echo
echo "Each run: '$BPFHOST prog run PROGRAM data_in FILE' gives the program r1 ="
echo "a copy of the bytes and r2 = their length; see docs/cli.md."
