#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Tests of the bpfhost command-line tool: tests/cli/test_cli.sh BUILD_DIR
# (run from the repository root; tests/run.sh does). Each test_* function
# is one test; checks record failures and the test goes on. Ends with
# "N passed, N failed, N skipped". VERBOSE=1 lists passing tests too; an
# argument after BUILD_DIR runs only the tests whose name contains it.
set -uo pipefail

BUILD=${1:-build}
FILTER=${2:-}
BPFHOST=$BUILD/bpfhost
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"

# ---- fixtures ----
printf 'mov %%r0, 42\nexit\n' >"$T/ret42.s"
printf 'mov %%r0, 1\nbogus %%r1\nexit\n' >"$T/bad.s"
printf 'mov %%r0, 1\nadd %%r0\nmov %%r0, 99999999999\nexit\n' >"$T/bad2.s"
# r0 = data[0] + 1, stored back; returns the new byte + 256 * r2 (length)
cat >"$T/incr.s" <<'S'
ldxb %r0, [%r1+0]
add %r0, 1
and %r0, 0xff
stxb [%r1+0], %r0
mov %r3, %r2
lsh %r3, 8
add %r0, %r3
exit
S
# loads through r1, which is 0 without data_in
printf 'ldxdw %%r0, [%%r1+0]\nexit\n' >"$T/fault.s"
# loads from an unmapped page
printf 'lddw %%r1, 0x1000\nldxdw %%r0, [%%r1+0]\nexit\n' >"$T/wild.s"
# jump outside the program: encodes, but does not validate
printf '\x05\x00\x05\x00\x00\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00' >"$T/badjump.bin"
# unknown opcode 0xff
printf '\xff\x00\x00\x00\x00\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00' >"$T/badop.bin"
printf '\xb7\x00\x00\x00\x2a\x00\x00\x00\x95\x00\x00\x00' >"$T/odd.bin"
: >"$T/empty.bin"
printf '\x05\x00\x00\x00' >"$T/data4.bin"

# ---- general ----
test_version() {
	run -V
	expect_ok
	contains "$out" "bpfhost v" "-V output"
	run --version
	expect_ok
	run version
	expect_ok
	contains "$out" "libbpfhost" "version output"
	if have_python; then
		run -j version
		expect_ok
		expect_json
		equals "$(json_get "$out" 'j["version"].count(".")')" "1" "JSON version"
	fi
}

test_help() {
	local a
	for a in help --help -h "" "prog help" "prog" "asm help" "disasm help" "prog run help"; do
		# shellcheck disable=SC2086
		run $a
		expect_ok
		contains "$out" "Usage:" "'bpfhost $a'"
	done
	run help
	contains "$out" "prog run FILE" "help text"
	if have_python; then
		run -j help
		expect_ok
		expect_json
	fi
}

test_unknown_command() {
	run frobnicate
	expect_error "unknown command 'frobnicate'"
	contains "$err" "asm, disasm, prog" "list of commands"
	run prog frobnicate
	expect_error "unknown prog command 'frobnicate'"
}

test_error_in_json_mode() {
	have_python || {
		skip "python3 not available to parse JSON"
		return
	}
	run -j frobnicate
	if [ "$rc" -eq 0 ] || [ "$rc" -ge 128 ]; then
		fail "exit $rc"
	fi
	expect_json
	contains "$(json_get "$out" 'j["error"]')" "frobnicate" "JSON error"
	equals "$err" "" "stderr in JSON mode"
	run -p prog run "$T/nonexistent.bin"
	expect_json
	contains "$(json_get "$out" 'j["error"]')" "nonexistent.bin" "JSON error"
	# -j given after the error-causing word still applies
	run --bogus-option -j
	expect_json
	contains "$(json_get "$out" 'j["error"]')" "--bogus-option" "JSON error"
}

test_unknown_options() {
	run -x version
	expect_error "unknown option '-x'"
	run --frobnicate version
	expect_error "'--frobnicate'"
	run --output
	expect_error "needs an argument"
	run --debug=1 version
	expect_error "takes no argument"
	run -o "$T/x.bin" disasm "$T/odd.bin"
	expect_error "not used by 'disasm'"
	run version extra
	expect_error "extra"
}

test_abbreviations() {
	run asm "$T/ret42.s" -o "$T/ret42.bin"
	expect_ok
	run p r "$T/ret42.bin"
	expect_ok
	contains "$out" "Return value: 42" "'p r' output"
	run d "$T/ret42.bin" s u
	expect_ok
	contains "$out" "exit" "'d FILE s u' output"
	run pr ru "$T/incr.s" data_i "$T/data4.bin" rep 2
	expect_ok
	contains "$out" "Return value: 1031" "abbreviated keywords"
}

test_ambiguous_keyword() {
	run prog run "$T/ret42.s" data "$T/data4.bin"
	expect_error "ambiguous"
	contains "$err" "data_in, data_out" "ambiguity list"
}

# ---- asm ----
test_asm_bytes() {
	run asm "$T/ret42.s" -o "$T/a.bin"
	expect_ok
	equals "$out" "" "asm stdout"
	equals "$(hex "$T/a.bin")" "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00" "bytes"
}

test_asm_default_output() {
	cp "$T/ret42.s" "$T/def.s"
	cp "$T/ret42.s" "$T/def2.asm"
	run asm "$T/def.s"
	expect_ok
	[ -f "$T/def.bin" ] || fail "FILE.s did not give FILE.bin"
	run asm "$T/def2.asm"
	expect_ok
	[ -f "$T/def2.bin" ] || fail "FILE.asm did not give FILE.bin"
}

test_asm_stdout_and_stdin() {
	"$BPFHOST" asm "$T/ret42.s" -o - >"$T/pipe.bin" 2>"$T/err"
	equals "$?" 0 "asm -o - exit status"
	equals "$(hex "$T/pipe.bin")" "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00" "stdout bytes"
	"$BPFHOST" asm - -o "$T/stdin.bin" <"$T/ret42.s" 2>"$T/err"
	equals "$?" 0 "asm from stdin exit status"
	cmp -s "$T/stdin.bin" "$T/pipe.bin" || fail "asm from stdin gave other bytes"
	run asm -
	expect_error "needs an output file"
}

test_asm_json() {
	have_python || {
		skip "python3 not available to parse JSON"
		return
	}
	run -j asm "$T/ret42.s" -o "$T/j.bin"
	expect_ok
	expect_json
	equals "$(json_get "$out" 'j["insn_cnt"]')" "2" "insn_cnt"
	equals "$(json_get "$out" 'j["output"]')" "$T/j.bin" "output"
	run -j asm "$T/ret42.s" -o -
	expect_json
	contains "$(json_get "$out" 'j["error"]')" "stdout" "JSON error"
}

test_asm_errors_name_file_and_line() {
	run asm "$T/bad.s" -o "$T/never.bin"
	expect_error "$T/bad.s:2:"
	[ -e "$T/never.bin" ] && fail "output written despite errors"
	# several errors: each on its own line with its line number
	run asm "$T/bad2.s" -o "$T/never.bin"
	expect_error
	contains "$err" "$T/bad2.s:2:" "first error"
	contains "$err" "$T/bad2.s:3:" "second error"
}

test_asm_bad_arguments() {
	run asm
	expect_error "expected a source FILE"
	run asm "$T/nonexistent.s"
	expect_error "nonexistent.s"
	run asm "$T/ret42.s" extra
	expect_error "unexpected argument 'extra'"
	run asm "$T/ret42.s" -o "$T/ret42.s"
	expect_error "overwrite"
	run asm "$T/ret42.s" -o "$T/no/such/dir/x.bin"
	expect_error "cannot create"
	run asm "$T"
	expect_error "cannot read"
}

# ---- disasm ----
test_disasm_linux() {
	run asm "$T/ret42.s" -o "$T/d.bin"
	run disasm "$T/d.bin"
	expect_ok
	equals "$out" "$(printf '   0: (b7) r0 = 42\n   1: (95) exit')" "listing"
	run disasm "$T/d.bin" syntax linux
	expect_ok
	equals "$out" "$(printf '   0: (b7) r0 = 42\n   1: (95) exit')" "explicit linux listing"
}

test_disasm_ubpf_roundtrip() {
	local f
	for f in "$T/incr.s" examples/checksum.s examples/parse_eth.s; do
		run asm "$f" -o "$T/rt1.bin"
		expect_ok
		run disasm "$T/rt1.bin" syntax ubpf
		expect_ok
		printf '%s\n' "$out" >"$T/rt.s"
		run asm "$T/rt.s" -o "$T/rt2.bin"
		expect_ok
		cmp -s "$T/rt1.bin" "$T/rt2.bin" || fail "$f: ubpf disassembly does not reassemble"
	done
}

test_disasm_json() {
	have_python || {
		skip "python3 not available to parse JSON"
		return
	}
	printf 'lddw %%r1, 0x100000002\nmov %%r0, 1\nexit\n' >"$T/lddw.s"
	run asm "$T/lddw.s" -o "$T/lddw.bin"
	run -j disasm "$T/lddw.bin"
	expect_ok
	expect_json
	equals "$(json_get "$out" 'len(j)')" "3" "entries (lddw counts once)"
	equals "$(json_get "$out" '[e["idx"] for e in j]')" "[0, 2, 3]" "idx"
	equals "$(json_get "$out" 'j[1]["code"]')" "0xb7" "code"
	equals "$(json_get "$out" 'j[1]["insn"]')" "r0 = 1" "insn"
	run -p disasm "$T/lddw.bin" syntax ubpf
	expect_ok
	expect_json
	equals "$(json_get "$out" 'j[2]["insn"]')" "exit" "ubpf insn"
	[ "$(wc -l <<<"$out")" -gt 3 ] || fail "--pretty output is not multi-line"
}

test_disasm_bad_input() {
	run disasm "$T/odd.bin"
	expect_error "12 bytes"
	run disasm "$T/empty.bin"
	expect_error "empty"
	run disasm "$T/badop.bin"
	expect_error "insn 0"
	run disasm "$T/ret42.s"
	expect_error "assembly"
	run disasm
	expect_error "expected a FILE"
	run disasm "$T/nonexistent.bin"
	expect_error "nonexistent.bin"
}

test_disasm_bad_keywords() {
	run asm "$T/ret42.s" -o "$T/k.bin"
	run disasm "$T/k.bin" syntax
	expect_error "needs a value"
	run disasm "$T/k.bin" syntax intel
	expect_error "unknown syntax 'intel'"
	run disasm "$T/k.bin" flavour linux
	expect_error "unknown disasm keyword 'flavour'"
}

# ---- prog run ----
test_run_return_value() {
	run prog run "$T/ret42.s"
	expect_ok
	if ! [[ "$out" =~ ^Return\ value:\ 42,\ duration\ \(average\):\ [0-9]+ns$ ]]; then
		fail "unexpected output: $out"
	fi
	run asm "$T/ret42.s" -o "$T/r.bin"
	run prog run "$T/r.bin" repeat 100
	expect_ok
	contains "$out" "Return value: 42," "raw program"
}

test_run_json() {
	have_python || {
		skip "python3 not available to parse JSON"
		return
	}
	run -j prog run "$T/ret42.s" repeat 10
	expect_ok
	expect_json
	equals "$(json_get "$out" 'j["retval"]')" "42" "retval"
	equals "$(json_get "$out" 'type(j["duration"]).__name__')" "int" "duration type"
}

# JSON mode: the runtime's warnings are folded into the error object, never
# free text on stderr (here the net extension's test-run refusal reason)
test_run_json_warnings_folded() {
	have_python || {
		skip "python3 not available to parse JSON"
		return
	}
	[ -f "$NET_SO" ] || {
		skip "$NET_SO not built"
		return
	}
	printf 'ab' >"$T/short.bin"
	printf 'mov %%r0, 2\nexit\n' >"$T/pass.s"
	run -j --ext "$NET_SO" prog run "$T/pass.s" type xdp data_in "$T/short.bin"
	equals "$rc" "1" "exit status"
	equals "$err" "" "stderr in JSON mode"
	expect_json
	contains "$(json_get "$out" 'j["error"]')" "test run of program" "error"
	contains "$(json_get "$out" 'j["warnings"][0]')" \
		"ctx_create of type 'xdp' failed (-22): xdp test run: data_in has 2 bytes" "warning"
	# text mode: the same reason as a line on stderr
	run --ext "$NET_SO" prog run "$T/pass.s" type xdp data_in "$T/short.bin"
	contains "$err" "ctx_create of type 'xdp' failed (-22): xdp test run: data_in has 2 bytes" \
		"text-mode message"
}

test_run_data_in_out() {
	run prog run "$T/incr.s" data_in "$T/data4.bin" data_out "$T/out4.bin"
	expect_ok
	contains "$out" "Return value: 1030," "r0 (new byte + 256 * length)"
	equals "$(hex "$T/out4.bin")" "06 00 00 00" "data_out"
	equals "$(hex "$T/data4.bin")" "05 00 00 00" "data_in untouched"
	# repeat: changes accumulate over the runs
	run prog run "$T/incr.s" data_in "$T/data4.bin" data_out "$T/out4.bin" repeat 3
	expect_ok
	equals "$(hex "$T/out4.bin")" "08 00 00 00" "data_out after 3 runs"
}

test_run_bad_numbers() {
	local n
	for n in 0 -1 abc 1x "" 0x 4294967296 99999999999999999999999; do
		run prog run "$T/ret42.s" repeat "$n"
		expect_error "repeat count '$n'"
	done
	run prog run "$T/ret42.s" repeat 0x10
	expect_ok
}

test_run_bad_keywords() {
	run prog run "$T/ret42.s" frobnicate 1
	expect_error "unknown prog run keyword 'frobnicate'"
	run prog run "$T/ret42.s" repeat
	expect_error "needs a value"
	run prog run "$T/ret42.s" repeat 1 repeat 2
	expect_error "more than once"
	run prog run "$T/ret42.s" data_out "$T/x.bin"
	expect_error "data_out needs data_in"
	run prog run
	expect_error "expected a program FILE"
}

test_run_bad_files() {
	run prog run "$T/nonexistent.bin"
	expect_error "nonexistent.bin"
	run prog run "$T/ret42.s" data_in "$T/nonexistent.dat"
	expect_error "nonexistent.dat"
	run prog run "$T/odd.bin"
	expect_error "12 bytes"
	run prog run "$T/bad.s"
	expect_error "bad.s:2:"
	run prog run "$T/incr.s" data_in "$T/data4.bin" data_out "$T/no/such/dir/out"
	expect_error "cannot create"
	# an endless file stops at the size limit
	run disasm /dev/zero
	expect_error "larger than the limit"
}

test_run_invalid_program_names_insn() {
	run prog run "$T/badjump.bin"
	expect_error "insn 0"
	contains "$err" "badjump.bin" "error"
	run prog run "$T/badop.bin"
	expect_error "insn 0"
	contains "$err" "0xff" "error"
}

test_run_fault_is_an_error() {
	run prog run "$T/wild.s"
	expect_error "invalid memory access at address 0x1000"
	# a NULL load is undefined behaviour that UBSan stops on by design
	if [ -z "${SANITIZE:-}" ]; then
		run prog run "$T/fault.s"
		expect_error "invalid memory access at address 0x0"
	fi
}

# ---- examples ----
test_examples_assemble() {
	local f
	for f in examples/*.s; do
		rm -f "$T/ex.bin"
		run asm "$f" -o "$T/ex.bin"
		expect_ok
		local size
		size=$(wc -c <"$T/ex.bin" 2>/dev/null || echo 0)
		if [ "$size" -eq 0 ] || [ $((size % 8)) -ne 0 ]; then
			fail "$f: output has $size bytes"
		fi
	done
}

test_example_checksum() {
	# IPv4 header with a zero checksum field; expected sum computed here
	printf '\x45\x00\x00\x3c\x1c\x46\x40\x00\x40\x06\x00\x00\xac\x10\x0a\x63\xac\x10\x0a\x0c' \
		>"$T/hdr.bin"
	local words=(0x4500 0x003c 0x1c46 0x4000 0x4006 0x0000 0xac10 0x0a63 0xac10 0x0a0c)
	local sum=0 w
	for w in "${words[@]}"; do
		sum=$((sum + w))
	done
	while [ "$sum" -gt 65535 ]; do
		sum=$(((sum & 0xffff) + (sum >> 16)))
	done
	run prog run examples/checksum.s data_in "$T/hdr.bin"
	expect_ok
	contains "$out" "Return value: $((~sum & 0xffff))," "checksum"
	# odd length: the last byte is padded
	printf '\x01\x02\x03' >"$T/odd3.bin"
	run prog run examples/checksum.s data_in "$T/odd3.bin"
	contains "$out" "Return value: $((~(0x0102 + 0x0300) & 0xffff))," "odd-length checksum"
}

test_example_demo() {
	local demo_out rc_demo
	demo_out=$(bash examples/demo.sh "$BUILD" 2>&1)
	rc_demo=$?
	equals "$rc_demo" 0 "demo exit status ($demo_out)"
	contains "$demo_out" "header checksum 0x1473" "demo output"
	contains "$demo_out" "classified as IPv4 / UDP" "demo output"
}

# ---- extensions (--ext) and feature ----
SAMPLE_SO=$BUILD/extensions/libbpfhost_sample.so
NET_SO=$BUILD/extensions/libbpfhost_net.so
NOHEADER_SO=$BUILD/extensions/libbpfhost_noheader.so

test_feature_without_extensions() {
	run feature
	expect_ok
	contains "$out" "Program types: none" "feature output"
	contains "$out" "Hooks: none" "feature output"
	contains "$out" "12      bpf_tail_call" "core helpers"
	contains "$out" "27  ringbuf" "map types"
	run feature extra
	expect_error "feature takes no arguments, got 'extra'"
	run feature help
	expect_ok
	contains "$out" "Usage:" "feature help"
	if have_python; then
		run -j feature
		expect_ok
		expect_json
		equals "$(json_get "$out" 'len(j["prog_types"]) + len(j["hooks"])')" "0" "JSON lists"
		equals "$(json_get "$out" '[h["name"] for h in j["helpers"] if h["id"] == 12][0]')" \
			"bpf_tail_call" "JSON core helper"
		equals "$(json_get "$out" '[m["name"] for m in j["map_types"] if m["id"] == 1][0]')" \
			"hash" "JSON map type"
	fi
}

test_ext_sample_feature() {
	if [ ! -f "$SAMPLE_SO" ]; then
		skip "$SAMPLE_SO not built"
		return
	fi
	run --ext "$SAMPLE_SO" feature
	expect_ok
	contains "$out" "Program types (1):" "feature output"
	contains "$out" "sample: extension 'sample', Linux program type 0, context 24 bytes (data 0, data_end 8, data_meta -1), context header: yes" "program type line"
	contains "$out" "sample_hook: extension 'sample', program type 'sample', verdict rule until_not_pass (pass value 1), context header: yes" "hook line"
	contains "$out" "65537   bpfhost_sample_get_secret (program type 'sample', context passed implicitly)" "extension helper"
	# the option may come anywhere, also as --ext=PATH
	run feature "--ext=$SAMPLE_SO"
	expect_ok
	contains "$out" "sample_hook" "feature output"
	# loaded twice: the second registration is refused by name
	run --ext "$SAMPLE_SO" --ext "$SAMPLE_SO" feature
	expect_error "extension 'sample': an extension of this name is already registered (refused)"
	contains "$err" "$SAMPLE_SO" "error names the file"
	# -d shows the runtime's info messages
	run -d --ext "$SAMPLE_SO" version
	expect_ok
	contains "$err" "extension 'sample': registered (1 program types, 1 hooks)" "debug output"
	if have_python; then
		run -j --ext "$SAMPLE_SO" feature
		expect_ok
		expect_json
		equals "$(json_get "$out" 'j["prog_types"][0]["name"]')" "sample" "JSON type"
		equals "$(json_get "$out" 'j["prog_types"][0]["context_header"]')" "True" "JSON type cap"
		equals "$(json_get "$out" 'j["prog_types"][0]["ctx_size"]')" "24" "JSON ctx size"
		equals "$(json_get "$out" 'j["hooks"][0]["prog_type"]')" "sample" "JSON hook type"
		equals "$(json_get "$out" 'j["hooks"][0]["context_header"]')" "True" "JSON hook cap"
		equals "$(json_get "$out" '[h["prog_type"] for h in j["helpers"] if h["id"] == 65537][0]')" \
			"sample" "JSON extension helper"
	fi
}

test_ext_refusals() {
	run --ext "$T/nonexistent.so" feature
	expect_error "extension $T/nonexistent.so: No such file or directory"
	# on any command, before it runs
	run --ext "$T/nonexistent.so" version
	expect_error "No such file or directory"
	printf 'not an ELF file\n' >"$T/text.so"
	run --ext "$T/text.so" feature
	expect_error "extension $T/text.so: cannot load:"
	if [ -f "$BUILD/libbpfhost.so" ]; then
		run --ext "$BUILD/libbpfhost.so" feature
		expect_error "extension $BUILD/libbpfhost.so: no symbol bpfhost_extension_entry"
	fi
	run --ext
	expect_error "option '--ext' needs an argument"
	run --ext "" feature
	expect_error "option --ext needs a shared object path"
	if [ ! -f "$NOHEADER_SO" ]; then
		skip "$NOHEADER_SO not built"
		return
	fi
	run --ext "$NOHEADER_SO" feature
	expect_error "$NOHEADER_SO: extension 'noheader': program type 'noheader': does not declare BPFHOST_CAP_CONTEXT_HEADER (capabilities 0x0); every context must be preceded by the bpfhost context header (refused)"
	if have_python; then
		run -j --ext "$NOHEADER_SO" feature
		expect_json
		contains "$(json_get "$out" 'j["error"]')" "does not declare BPFHOST_CAP_CONTEXT_HEADER" "JSON error"
		equals "$err" "" "stderr in JSON mode"
	fi
}

# ---- runner ----
if [ ! -x "$BPFHOST" ]; then
	echo "FAIL: $BPFHOST not found (build it first)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
run_tests
