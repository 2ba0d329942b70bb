#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Tests of the C examples (examples/*.bpf.c, examples/user/*.c, built by
# `make` into BUILD/examples): tests/cli/test_examples.sh BUILD_DIR [FILTER]
# from the repository root. Each test_* function is one test; it ends with
# "N passed, N failed, N skipped". The tests that run programs skip, with
# the reason, when the build does not verify programs at load (then the
# struct xdp_md accesses of the examples are not rewritten and they cannot
# run) or the CLI has no map commands; opening, loading and dumping the
# objects is tested in every build.
set -uo pipefail

BUILD=${1:-build}
FILTER=${2:-}
BPFHOST=$BUILD/bpfhost
NET=$BUILD/extensions/libbpfhost_net.so
EX=$BUILD/examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export BPFHOST_PIN_ROOT=$T/pins

BPFHOST_ARGS=(--ext "$NET")
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"

retval() {
	sed -n 's/^Return value: \([0-9]*\),.*/\1/p' <<<"$out"
}

# Ethernet + IPv4 (PROTO, SRC, DST) + ports 40000 -> DPORT, 60 bytes
frame_ipv4() { # FILE PROTO SRC DST DPORT
	local IFS=. s d
	read -r -a s <<<"$3"
	read -r -a d <<<"$4"
	{
		printf '\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00'
		printf '\x45\x00\x00\x2e\x00\x01\x00\x00\x40'
		printf '%b' "\\x$(printf %02x "$2")\\x00\\x00"
		printf '%b' "$(printf '\\x%02x' "${s[@]}" "${d[@]}")"
		printf '%b' "\\x9c\\x40\\x$(printf %02x $(($5 >> 8)))\\x$(printf %02x $(($5 & 255)))"
		head -c 22 /dev/zero
	} >"$1"
}

frame_arp() { # FILE
	{
		printf '\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x06'
		head -c 46 /dev/zero
	} >"$1"
}

# Why programs cannot run in this build (empty: they can). An unverified
# load accepts this out-of-bounds context read; a verified one refuses it.
why_no_runs() {
	printf 'ldxw %%r0, [%%r1+200]\nexit\n' >"$T/probe.s"
	if "$BPFHOST" --ext "$NET" prog load "$T/probe.s" type xdp >/dev/null 2>&1; then
		echo "programs are loaded without verification, so the examples' struct xdp_md accesses are not rewritten"
	elif ! "$BPFHOST" map help >/dev/null 2>&1; then
		echo "the CLI has no map commands"
	fi
}
NO_RUNS=""

# ---- tests ----
test_examples_built() {
	local o
	for o in xdp_filter xdp_events xdp_tailcall; do
		[ -s "$EX/$o.bpf.o" ] || fail "$EX/$o.bpf.o was not built"
	done
	for o in xdp_filter_user xdp_events_user; do
		[ -x "$EX/$o" ] || fail "$EX/$o was not built"
	done
}

test_examples_show() {
	run prog show "$EX/xdp_tailcall.bpf.o"
	expect_ok
	local p
	for p in xdp_dispatch xdp_tcp xdp_udp xdp_other; do
		contains "$out" "xdp  name $p  section xdp" "prog show"
	done
	contains "$out" "maps handlers" "prog show (xdp_dispatch)"
}

test_examples_load() {
	run prog load "$EX/xdp_filter.bpf.o"
	expect_ok
	contains "$out" "prog xdp_filter  type xdp  section xdp" "prog load"
	contains "$out" "map blocklist  type hash  key 4B  value 4B  max_entries 1024" "prog load"
	contains "$out" "pinned $BPFHOST_PIN_ROOT/blocklist (created)" "prog load"
	contains "$out" "map rule_hits  type array  key 4B  value 8B  max_entries 16" "prog load"
	contains "$out" "map .rodata.config  type array  key 4B  value 8B" "prog load"
	run prog load "$EX/xdp_filter.bpf.o"
	expect_ok
	contains "$out" "pinned $BPFHOST_PIN_ROOT/blocklist (attached)" "second prog load"
	run prog load "$EX/xdp_events.bpf.o"
	expect_ok
	contains "$out" "map events  type ringbuf" "prog load xdp_events"
	run prog load "$EX/xdp_tailcall.bpf.o"
	expect_ok
	contains "$out" "map handlers  type prog_array  key 4B  value 4B  max_entries 3" "prog load"
}

test_examples_dump() {
	run prog dump xlated "$EX/xdp_filter.bpf.o" linum
	expect_ok
	contains "$out" "int xdp_filter(struct xdp_md * ctx):" "prog dump"
	contains "$out" "; rulep = bpf_map_lookup_elem(&blocklist, &saddr);" "prog dump"
	contains "$out" "map[name:blocklist]" "prog dump"
	contains "$out" "file:" "prog dump linum"
	run prog dump xlated "$EX/xdp_tailcall.bpf.o" name xdp_dispatch
	expect_ok
	contains "$out" "call bpf_tail_call#12" "prog dump xdp_dispatch"
}

test_examples_filter() {
	[ -z "$NO_RUNS" ] || { skip "$NO_RUNS"; return; }
	local pins=$T/filter
	BPFHOST_PIN_ROOT=$pins run prog load "$EX/xdp_filter.bpf.o"
	expect_ok
	"$BPFHOST" map update pinned "$pins/blocklist" key 10 0 0 66 value 3 0 0 0 ||
		fail "map update failed"
	frame_ipv4 "$T/pass" 6 10.0.0.1 10.0.0.2 80
	frame_ipv4 "$T/drop" 17 10.0.0.66 10.0.0.2 53
	frame_arp "$T/arp"
	BPFHOST_PIN_ROOT=$pins run prog run "$EX/xdp_filter.bpf.o" data_in "$T/pass"
	expect_ok
	equals "$(retval)" 2 "10.0.0.1 (XDP_PASS)"
	BPFHOST_PIN_ROOT=$pins run prog run "$EX/xdp_filter.bpf.o" data_in "$T/drop" repeat 3
	expect_ok
	equals "$(retval)" 1 "10.0.0.66 (XDP_DROP)"
	BPFHOST_PIN_ROOT=$pins run prog run "$EX/xdp_filter.bpf.o" data_in "$T/arp"
	expect_ok
	equals "$(retval)" 2 "ARP with the default configuration (XDP_PASS)"
	run map lookup pinned "$pins/rule_hits" key 3 0 0 0
	expect_ok
	equals "$out" "key: 03 00 00 00  value: 03 00 00 00 00 00 00 00" "rule 3 counter"
	run map lookup pinned "$pins/rule_hits" key 0 0 0 0
	equals "$out" "key: 00 00 00 00  value: 00 00 00 00 00 00 00 00" "rule 0 counter"
	# a runt (the Ethernet minimum is what test runs accept) and a bad ctx
	head -c 13 /dev/zero >"$T/runt"
	BPFHOST_PIN_ROOT=$pins run prog run "$EX/xdp_filter.bpf.o" data_in "$T/runt"
	[ "$rc" -eq 1 ] || fail "13-byte frame: exit $rc, expected 1 ($err)"
	contains "$err" "Error: " "13-byte frame"
}

test_examples_filter_loader() {
	[ -z "$NO_RUNS" ] || { skip "$NO_RUNS"; return; }
	out=$(BPFHOST_EXTENSIONS=$NET "$EX/xdp_filter_user" "$EX/xdp_filter.bpf.o" \
		"$T/loader" 2>&1)
	rc=$?
	equals "$rc" 0 "xdp_filter_user exit status ($out)"
	contains "$out" "frame 3, an ARP request: XDP_DROP" "xdp_filter_user (drop_non_ipv4)"
	contains "$out" "xdp_filter: dropped a packet from 10.0.0.66 (rule 5)" "bpf_printk"
	contains "$out" "xdp_filter: dropped a frame of EtherType 0x0806" "bpf_printk"
	contains "$out" "rule 5 counted 2 more drops" "xdp_filter_user"
	# the blocklist entry it added is in the pinned map
	run map lookup pinned "$T/loader/blocklist" key 10 0 0 66
	expect_ok
	equals "$out" "key: 0a 00 00 42  value: 05 00 00 00" "pinned blocklist entry"
	# a second run attaches to the same counters and still checks out
	out=$(BPFHOST_EXTENSIONS=$NET "$EX/xdp_filter_user" "$EX/xdp_filter.bpf.o" \
		"$T/loader" 2>&1)
	equals "$?" 0 "second xdp_filter_user run ($out)"
	run map lookup pinned "$T/loader/rule_hits" key 5 0 0 0
	equals "$out" "key: 05 00 00 00  value: 04 00 00 00 00 00 00 00" "rule 5 after two runs"
}

test_examples_events() {
	[ -z "$NO_RUNS" ] || { skip "$NO_RUNS"; return; }
	out=$(BPFHOST_EXTENSIONS=$NET "$EX/xdp_events_user" "$EX/xdp_events.bpf.o" 2>&1)
	rc=$?
	equals "$rc" 0 "xdp_events_user exit status ($out)"
	contains "$out" "event 1: 60-byte IPv4 frame, protocol 6, 10.0.0.1 -> 10.0.0.2" "events"
	contains "$out" "event 4: 60-byte frame of EtherType 0x0806 (not IPv4)" "events"
	# without the extension the default instance has no xdp type
	out=$(BPFHOST_EXTENSIONS= "$EX/xdp_events_user" "$EX/xdp_events.bpf.o" 2>&1)
	rc=$?
	[ "$rc" -eq 1 ] || fail "without the net extension: exit $rc ($out)"
	contains "$out" "xdp_events_user: cannot load" "without the net extension"
}

test_examples_tailcall() {
	[ -z "$NO_RUNS" ] || { skip "$NO_RUNS"; return; }
	local pins=$T/tail f want
	frame_ipv4 "$T/t80" 6 10.0.0.1 10.0.0.2 80
	frame_ipv4 "$T/t23" 6 10.0.0.1 10.0.0.2 23
	frame_ipv4 "$T/u53" 17 10.0.0.1 10.0.0.2 53
	frame_arp "$T/arp"
	for f in t80:2 t23:1 u53:2 arp:2; do
		want=${f#*:}
		BPFHOST_PIN_ROOT=$pins run prog run "$EX/xdp_tailcall.bpf.o" name xdp_dispatch \
			data_in "$T/${f%:*}"
		expect_ok
		equals "$(retval)" "$want" "xdp_dispatch verdict for ${f%:*}"
	done
	run map dump pinned "$pins/proto_count"
	expect_ok
	contains "$out" "key: 00 00 00 00  value: 02 00 00 00 00 00 00 00" "tcp count"
	contains "$out" "key: 01 00 00 00  value: 01 00 00 00 00 00 00 00" "udp count"
	contains "$out" "key: 02 00 00 00  value: 01 00 00 00 00 00 00 00" "other count"
	# a per-protocol program run on its own is an ordinary program
	BPFHOST_PIN_ROOT=$pins run prog run "$EX/xdp_tailcall.bpf.o" name xdp_tcp data_in "$T/t23"
	equals "$(retval)" 1 "xdp_tcp run directly"
}

test_examples_demo() {
	out=$(bash examples/demo.sh "$BUILD" 2>&1)
	rc=$?
	equals "$rc" 0 "demo exit status ($out)"
	contains "$out" "All results as expected." "demo"
	contains "$out" "header checksum 0x1473" "demo"
	if [ -z "$NO_RUNS" ]; then
		contains "$out" "packet 2, UDP 10.0.0.66 -> 10.0.0.2:53: dropped by rule 3" "demo"
		contains "$out" "rule 3 counted the 2 drops." "demo"
		contains "$out" "event 3: 60-byte IPv4 frame, protocol 1" "demo"
		contains "$out" "proto_count (map dump): tcp 2, udp 1, other 1" "demo"
	else
		contains "$out" "the C examples cannot run yet" "demo"
	fi
}

# ---- runner ----
if [ ! -x "$BPFHOST" ] || [ ! -e "$NET" ]; then
	echo "FAIL: $BPFHOST or $NET missing (build first)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
NO_RUNS=$(why_no_runs)
run_tests
