#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bpfhost demo (what `make demo` runs): the C examples, compiled by clang
# into $BUILD/examples, loaded and run over packets this script writes:
#
#   1. xdp_filter.bpf.o through the bpfhost CLI: load (maps pinned in a
#      temporary pin root), block an address with `map update`, run four
#      packets with `prog run`, read the per-rule counters with `map dump`;
#   2. the same object through a libbpf-style C loader that sets its
#      .rodata configuration before load (examples/user/xdp_filter_user.c);
#   3. xdp_events.bpf.o: events read from its ring buffer by a C loader
#      (examples/user/xdp_events_user.c);
#   4. xdp_tailcall.bpf.o: a dispatcher tail-calling per-protocol programs;
#   5. the two hand-written assembly examples, one line each.
#
# Usage: examples/demo.sh [BUILD_DIR]. Every result is checked: the exit
# status is non-zero, with the reason on stderr, if one is not as expected.
set -euo pipefail

BUILD=${1:-build}
BPFHOST=$BUILD/bpfhost
NET=$BUILD/extensions/libbpfhost_net.so
EX=$BUILD/examples
HERE=$(cd "$(dirname "$0")" && pwd)

for f in "$BPFHOST" "$NET" "$EX/xdp_filter.bpf.o" "$EX/xdp_events.bpf.o" \
	"$EX/xdp_tailcall.bpf.o" "$EX/xdp_filter_user" "$EX/xdp_events_user"; do
	if [ ! -e "$f" ]; then
		echo "demo: $f not found; build it first (make BUILD=$BUILD)" >&2
		exit 1
	fi
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PIN=$WORK/pins
export BPFHOST_PIN_ROOT=$PIN

die() {
	echo "demo: $*" >&2
	exit 1
}

bh() {
	"$BPFHOST" --ext "$NET" "$@"
}

# ---- packets (60-byte Ethernet frames) ----
ip_bytes() { # A.B.C.D -> \xAA\xBB\xCC\xDD
	local IFS=. a
	read -r -a a <<<"$1"
	printf '\\x%02x\\x%02x\\x%02x\\x%02x' "${a[0]}" "${a[1]}" "${a[2]}" "${a[3]}"
}

# frame_ipv4 FILE PROTO SRC DST DPORT: Ethernet, IPv4, TCP/UDP ports, zeros
frame_ipv4() {
	{
		printf '\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00'
		printf '\x45\x00\x00\x2e\x00\x01\x00\x00\x40'
		printf "\\x$(printf %02x "$2")\\x00\\x00$(ip_bytes "$3")$(ip_bytes "$4")"
		printf "\\x9c\\x40\\x$(printf %02x $(($5 >> 8)))\\x$(printf %02x $(($5 & 255)))"
		head -c 8 /dev/zero
		printf '\x50'
		head -c 13 /dev/zero
	} >"$1"
}

frame_arp() { # FILE
	{
		printf '\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x06'
		head -c 46 /dev/zero
	} >"$1"
}

VERDICTS=(XDP_ABORTED XDP_DROP XDP_PASS XDP_TX XDP_REDIRECT)

# retval of one test run: run_xdp OBJ FILE [name NAME]
run_xdp() {
	local obj=$1 data=$2 out
	shift 2
	out=$(bh prog run "$obj" "$@" data_in "$data") || die "prog run $obj failed"
	sed -n 's/^Return value: \([0-9]*\),.*/\1/p' <<<"$out"
}

expect_verdict() { # GOT WANT WHAT
	[ "$1" = "$2" ] || die "$3: ${VERDICTS[$1]:-$1}, expected ${VERDICTS[$2]}"
}

# first little-endian u32/u64 of a `map lookup`/`map dump` value line
le_value() { # LINE
	local v=${1#*value: } n=0 i b
	read -r -a b <<<"$v"
	for ((i = ${#b[@]} - 1; i >= 0; i--)); do
		n=$((n * 256 + 16#${b[i]}))
	done
	echo "$n"
}

# The C examples read struct xdp_md as Linux defines it (32-bit data and
# data_end): they run only when bpfhost_prog_load verifies every program,
# which rewrites those accesses to the real context. A build where it does
# not (an unverified load accepts a context read out of bounds) or where
# the CLI has no map commands gets the assembly part of the demo only.
can_run_c() {
	printf 'ldxw %%r0, [%%r1+200]\nexit\n' >"$WORK/probe.s"
	! bh prog load "$WORK/probe.s" type xdp >/dev/null 2>&1 &&
		"$BPFHOST" map help >/dev/null 2>&1
}

show_loads() {
	echo "note: this build loads programs without verifying them (or its CLI has no"
	echo "'map' commands), so the C examples cannot run yet; they only load here:"
	for o in xdp_filter xdp_events xdp_tailcall; do
		bh prog load "$EX/$o.bpf.o" | head -n 1 | sed 's/^/  /'
	done
	echo
}

demo_filter_cli() {
	echo "== 1. Packet filter: examples/xdp_filter.bpf.c with the bpfhost CLI"
	echo "\$ bpfhost --ext libbpfhost_net.so prog load $EX/xdp_filter.bpf.o"
	bh prog load "$EX/xdp_filter.bpf.o" | sed -n '/^prog\|^map blocklist\|^map rule_hits/s/^/  /p'
	bh map update pinned "$PIN/blocklist" key 10 0 0 66 value 3 0 0 0 >/dev/null
	echo "\$ bpfhost map update pinned \$PIN/blocklist key 10 0 0 66 value 3 0 0 0"
	echo "  (blocks source 10.0.0.66 as rule 3; \$PIN is a temporary pin root)"
	frame_ipv4 "$WORK/f1" 6 10.0.0.1 10.0.0.2 80
	frame_ipv4 "$WORK/f2" 17 10.0.0.66 10.0.0.2 53
	frame_arp "$WORK/f3"
	frame_ipv4 "$WORK/f4" 6 10.0.0.66 10.0.0.2 22
	filter_packets=(
		"f1|TCP 10.0.0.1 -> 10.0.0.2:80|10.0.0.1|2"
		"f2|UDP 10.0.0.66 -> 10.0.0.2:53|10.0.0.66|1"
		"f3|ARP request (not IPv4)||2"
		"f4|TCP 10.0.0.66 -> 10.0.0.2:22|10.0.0.66|1"
	)
	i=0
	for p in "${filter_packets[@]}"; do
		IFS='|' read -r file what src want <<<"$p"
		i=$((i + 1))
		got=$(run_xdp "$EX/xdp_filter.bpf.o" "$WORK/$file")
		expect_verdict "$got" "$want" "filter, packet $i ($what)"
		if [ "$got" = 1 ]; then
			line=$(bh map lookup pinned "$PIN/blocklist" key ${src//./ })
			how="dropped by rule $(le_value "$line")"
		else
			how="passed"
		fi
		printf '  packet %d, %s: %s (%s)\n' "$i" "$what" "$how" "${VERDICTS[$got]}"
	done
	echo "\$ bpfhost map dump pinned \$PIN/rule_hits    (counters not zero)"
	dump=$(bh map dump pinned "$PIN/rule_hits")
	grep -v ' 00 00 00 00 00 00 00 00$' <<<"$dump" | sed 's/^/  /'
	hits=$(le_value "$(grep '^key: 03 00 00 00 ' <<<"$dump")")
	[ "$hits" = 2 ] || die "rule 3 counted $hits drops, expected 2"
	echo "  rule 3 counted the 2 drops."
	echo
}

demo_filter_loader() {
	echo "== 2. The same filter through a libbpf-style loader (examples/user/xdp_filter_user.c)"
	echo "It sets the .rodata configuration (drop non-IPv4 frames, print each drop)"
	echo "before load; bpf_printk lines are prefixed with the program name:"
	BPFHOST_EXTENSIONS=$NET "$EX/xdp_filter_user" "$EX/xdp_filter.bpf.o" "$PIN/loader" 2>&1 |
		sed 's/^/  /' || die "xdp_filter_user failed"
	echo
}

demo_events() {
	echo "== 3. Ring buffer events: examples/xdp_events.bpf.c (examples/user/xdp_events_user.c)"
	BPFHOST_EXTENSIONS=$NET "$EX/xdp_events_user" "$EX/xdp_events.bpf.o" 2>&1 |
		sed 's/^/  /' || die "xdp_events_user failed"
	echo
}

demo_tailcall() {
	echo "== 4. Tail calls: examples/xdp_tailcall.bpf.c"
	echo "xdp_dispatch tail-calls xdp_tcp, xdp_udp or xdp_other through the prog_array"
	echo "'handlers' (filled by its BTF 'values' initialiser); xdp_tcp drops telnet:"
	frame_ipv4 "$WORK/t1" 6 10.0.0.1 10.0.0.2 80
	frame_ipv4 "$WORK/t2" 6 10.0.0.1 10.0.0.2 23
	frame_ipv4 "$WORK/t3" 17 10.0.0.1 10.0.0.2 53
	frame_arp "$WORK/t4"
	tail_packets=("t1|TCP to port 80|2" "t2|TCP to port 23|1" "t3|UDP to port 53|2" "t4|ARP request|2")
	for p in "${tail_packets[@]}"; do
		IFS='|' read -r file what want <<<"$p"
		got=$(run_xdp "$EX/xdp_tailcall.bpf.o" "$WORK/$file" name xdp_dispatch)
		expect_verdict "$got" "$want" "tail calls, $what"
		printf '  %s: %s\n' "$what" "${VERDICTS[$got]}"
	done
	dump=$(bh map dump pinned "$PIN/proto_count")
	counts=()
	for k in 00 01 02; do
		counts+=("$(le_value "$(grep "^key: $k 00 00 00 " <<<"$dump")")")
	done
	echo "  proto_count (map dump): tcp ${counts[0]}, udp ${counts[1]}, other ${counts[2]}"
	[ "${counts[*]}" = "2 1 1" ] || die "proto_count is ${counts[*]}, expected 2 1 1"
	echo
}

demo_asm() {
	echo "== 5. Hand-written assembly (examples/checksum.s, examples/parse_eth.s)"
	"$BPFHOST" asm "$HERE/checksum.s" -o "$WORK/checksum.bin"
	"$BPFHOST" asm "$HERE/parse_eth.s" -o "$WORK/parse_eth.bin"
	# IPv4 header 10.0.0.1 -> 10.0.0.2, ICMP, checksum field zero
	printf '\x45\x00\x00\x54\x12\x34\x40\x00\x40\x01\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02' \
		>"$WORK/hdr.bin"
	csum=$("$BPFHOST" prog run "$WORK/checksum.bin" data_in "$WORK/hdr.bin" |
		sed -n 's/^Return value: \([0-9]*\),.*/\1/p')
	[ "$csum" = $((0x1473)) ] || die "checksum.s computed $csum, expected 0x1473"
	printf '  checksum.s: IPv4 header checksum 0x%04x\n' "$csum"
	frame_ipv4 "$WORK/udp" 17 10.0.0.1 10.0.0.2 53
	cls=$("$BPFHOST" prog run "$WORK/parse_eth.bin" data_in "$WORK/udp" |
		sed -n 's/^Return value: \([0-9]*\),.*/\1/p')
	[ "$cls" = 4 ] || die "parse_eth.s classified a UDP frame as $cls, expected 4"
	echo "  parse_eth.s: a UDP datagram in IPv4 classified as IPv4 / UDP"
	echo
}

if can_run_c; then
	demo_filter_cli
	demo_filter_loader
	demo_events
	demo_tailcall
else
	show_loads
fi
demo_asm
echo "All results as expected. Commands: docs/cli.md; the examples: docs/examples.md."
