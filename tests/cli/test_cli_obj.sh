#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Tests of the bpfhost commands that work on eBPF objects and pinned maps
# (btf dump, prog load/show/dump/run, map ...):
#   tests/cli/test_cli_obj.sh BUILD_DIR [FILTER]
# run from the repository root. Same conventions as tests/cli/test_cli.sh:
# each test_* function is one test, checks record failures and the test goes
# on, the last line is "N passed, N failed, N skipped"; VERBOSE=1 lists
# passing tests; FILTER runs only the tests whose name contains it.
#
# The BPF C objects are compiled here with clang (tests/cli/cli_obj.bpf.c
# and small sources written below); without clang or the libbpf headers the
# tests that need them are skipped with the reason. Programs of the
# "sample" program type need the sample extension
# ($BUILD/extensions/libbpfhost_sample.so, built by `make tests`).
set -uo pipefail

BUILD=${1:-build}
FILTER=${2:-}
BPFHOST=$BUILD/bpfhost
SAMPLE_SO=$BUILD/extensions/libbpfhost_sample.so
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# pinned maps of these tests live here, never in the system pin root
export BPFHOST_PIN_ROOT=$T/pins

# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"

# run with the sample extension loaded
runx() {
	run --ext "$SAMPLE_SO" "$@"
}

# ---- fixtures ----
OBJ=$T/cli_obj.o
NOBTF=$T/nobtf.o
PLAIN=$T/plain.o
BADSEC=$T/badsec.o
OBJ_WHY=""

# compile SRC OUT [FLAGS...]
compile_bpf() {
	local src=$1 dst=$2 ma
	shift 2
	ma=$(gcc -print-multiarch 2>/dev/null || cc -print-multiarch 2>/dev/null)
	clang -O2 -target bpf ${ma:+-I/usr/include/$ma} "$@" -c "$src" -o "$dst" \
		>"$T/clang.log" 2>&1
}

setup_objects() {
	if ! command -v clang >/dev/null 2>&1; then
		OBJ_WHY="clang is not installed"
		return
	fi
	if [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
		OBJ_WHY="the libbpf headers (libbpf-dev) are missing"
		return
	fi
	if ! compile_bpf tests/cli/cli_obj.bpf.c "$OBJ" -g; then
		OBJ_WHY="clang failed on tests/cli/cli_obj.bpf.c: $(cat "$T/clang.log")"
		return
	fi
	# without -g: no .BTF
	compile_bpf tests/cli/cli_obj.bpf.c "$NOBTF" || OBJ_WHY="clang failed without -g"
	cat >"$T/badsec.bpf.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("frobnicate/x")
int odd(void *ctx)
{
	return 1;
}
char LICENSE[] SEC("license") = "GPL";
C
	compile_bpf "$T/badsec.bpf.c" "$BADSEC" -g || OBJ_WHY="clang failed on badsec.bpf.c"
	# no maps, no BTF
	cat >"$T/plain.bpf.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("sample")
int ret_seven(void *ctx)
{
	return 7;
}
C
	compile_bpf "$T/plain.bpf.c" "$PLAIN" || OBJ_WHY="clang failed on plain.bpf.c"
}
setup_objects

# needs_obj: skip the current test (return 1) when the objects are missing
needs_obj() {
	if [ -n "$OBJ_WHY" ]; then
		skip "$OBJ_WHY"
		return 1
	fi
	return 0
}

needs_sample() {
	needs_obj || return 1
	if [ ! -f "$SAMPLE_SO" ]; then
		skip "$SAMPLE_SO not built (make tests)"
		return 1
	fi
	return 0
}

printf 'hello, world' >"$T/text.txt"
: >"$T/empty"

# ---- btf dump ----
test_btf_dump_text() {
	needs_obj || return
	run btf dump file "$OBJ"
	expect_ok
	contains "$out" "[1] PTR '(anon)' type_id=3" "first type"
	contains "$out" "STRUCT 'sample_ctx' size=24 vlen=4" "context struct"
	contains "$out" "	'mark' type_id=" "member line"
	contains "$out" "FUNC 'count_first' type_id=" "function"
	contains "$out" "DATASEC '.maps' size=0 vlen=3" "DATASEC as stored (size 0)"
	# abbreviations
	run b d f "$OBJ" fo r
	expect_ok
	contains "$out" "FUNC 'ret_seven'" "abbreviated command"
}

test_btf_dump_same_as_bpftool() {
	needs_obj || return
	if ! command -v bpftool >/dev/null 2>&1 || ! bpftool btf dump file "$OBJ" >"$T/bt.txt" 2>/dev/null; then
		skip "bpftool is not available"
		return
	fi
	run btf dump file "$OBJ"
	expect_ok
	equals "$out" "$(cat "$T/bt.txt")" "text dump against bpftool"
	if have_python && bpftool -j btf dump file "$OBJ" >"$T/bt.json" 2>/dev/null; then
		run -j btf dump file "$OBJ"
		expect_ok
		equals "$(json_get "$out" 'j')" "$(json_get "$(cat "$T/bt.json")" 'j')" \
			"JSON dump against bpftool"
	fi
}

test_btf_dump_json() {
	needs_obj || return
	have_python || {
		skip "python3 not available to parse JSON"
		return
	}
	run -j btf dump file "$OBJ"
	expect_ok
	expect_json
	equals "$(json_get "$out" 'j["types"][0]')" \
		"{'id': 1, 'kind': 'PTR', 'name': '(anon)', 'type_id': 3}" "first type"
	equals "$(json_get "$out" '[m["name"] for t in j["types"] if t["name"] == "sample_ctx" for m in t["members"]]')" \
		"['data', 'data_end', 'len', 'mark']" "members"
	equals "$(json_get "$out" '[t["linkage"] for t in j["types"] if t["name"] == "count_first"]')" \
		"['global']" "FUNC linkage"
	equals "$(json_get "$out" '[len(t["vars"]) for t in j["types"] if t["kind"] == "DATASEC" and t["name"] == ".maps"]')" \
		"[3]" "DATASEC vars"
	run -p btf dump file "$OBJ"
	expect_ok
	expect_json
	[ "$(wc -l <<<"$out")" -gt 10 ] || fail "--pretty output is not multi-line"
}

test_btf_dump_raw_blob() {
	if [ ! -r /sys/kernel/btf/vmlinux ]; then
		skip "/sys/kernel/btf/vmlinux is not readable"
		return
	fi
	"$BPFHOST" btf dump file /sys/kernel/btf/vmlinux >"$T/vmlinux.txt" 2>"$T/err"
	equals "$?" 0 "exit status ($(cat "$T/err"))"
	head -n 1 "$T/vmlinux.txt" | grep -q "^\[1\] " || fail "no type [1] in the vmlinux dump"
	grep -q "^\[[0-9]*\] STRUCT 'task_struct' size=" "$T/vmlinux.txt" ||
		fail "task_struct missing from the vmlinux dump"
}

test_btf_dump_errors() {
	run btf dump file "$T/nonexistent.o"
	expect_error "cannot open '$T/nonexistent.o'"
	run btf dump file "$T/text.txt"
	expect_error "no ELF magic at offset 0"
	contains "$err" "$T/text.txt" "error names the file"
	run btf dump file "$T/empty"
	expect_error "$T/empty"
	run btf dump
	expect_error "expected 'file FILE'"
	run btf dump file
	expect_error "expected 'file FILE'"
	run btf dump id 1
	expect_error "'id' is not supported"
	run btf dump file "$T/text.txt" format c
	expect_error "format c is not supported"
	run btf dump file "$T/text.txt" format bogus
	expect_error "unknown btf dump format 'bogus'"
	run btf dump file "$T/text.txt" format
	expect_error "needs a value"
	run btf dump file "$T/text.txt" colour raw
	expect_error "unknown btf dump keyword 'colour'"
	run btf frobnicate
	expect_error "unknown btf command 'frobnicate'"
	# a corrupted BTF blob: the error names the type or header field
	printf '\x9f\xeb\x01\x00\x18\x00\x00\x00\x00\x00\x00\x00\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' \
		>"$T/bad.btf"
	run btf dump file "$T/bad.btf"
	expect_error "$T/bad.btf"
	if have_python; then
		run -j btf dump file "$T/nonexistent.o"
		expect_json_error "nonexistent.o"
	fi
	needs_obj || return
	run btf dump file "$NOBTF"
	expect_error "has no .BTF section"
}

test_btf_help() {
	run btf help
	expect_ok
	contains "$out" "btf dump file FILE" "help"
	run btf
	expect_ok
	contains "$out" "Usage:" "btf without command"
	run help
	contains "$out" "btf dump file" "top-level help"
}

# ---- prog show ----
test_prog_show_nothing_loaded() {
	run prog show
	expect_ok
	equals "$out" "" "stdout"
	contains "$err" "no programs are loaded in this bpfhost invocation" "note on stderr"
	if have_python; then
		run -j prog show
		expect_ok
		equals "$out" "[]" "JSON"
		equals "$err" "" "stderr in JSON mode"
	fi
}

test_prog_show_obj() {
	needs_obj || return
	# without the extension the section's program type is unknown
	run prog show "$OBJ"
	expect_ok
	contains "$out" "0: unknown  name count_first  section sample  license 'GPL'" "first program"
	contains "$out" "maps hits,scratch,cli_obj.rodata" "maps used"
	contains "$out" "1: unknown  name ret_seven  section sample" "second program"
	needs_sample || return
	runx prog show "$OBJ"
	expect_ok
	contains "$out" "0: sample  name count_first" "resolved type"
	if ! [[ "$out" =~ xlated\ [0-9]+B\ \ insns\ [0-9]+ ]]; then
		fail "no instruction count: $out"
	fi
	runx prog show "$OBJ" name ret_seven
	expect_ok
	equals "$out" "$(printf "1: sample  name ret_seven  section sample  license 'GPL'\n\txlated 16B  insns 2")" "one program"
	# the type can be forced (not checked before a load)
	run prog show "$OBJ" type other name ret_seven
	expect_ok
	contains "$out" "1: other  name ret_seven" "forced type"
	if have_python; then
		runx -j prog show "$OBJ"
		expect_ok
		expect_json
		equals "$(json_get "$out" '[p["name"] for p in j]')" "['count_first', 'ret_seven']" "names"
		equals "$(json_get "$out" 'j[0]["maps"]')" "['hits', 'scratch', 'cli_obj.rodata']" "maps"
		equals "$(json_get "$out" 'j[1]["insn_cnt"]')" "2" "insn_cnt"
		equals "$(json_get "$out" 'j[1]["type"]')" "sample" "type"
		run -j prog show "$OBJ" name ret_seven
		expect_ok
		equals "$(json_get "$out" 'j["type"]')" "None" "JSON type without a provider"
	fi
}

test_prog_show_errors() {
	run prog show "$T/nonexistent.o"
	expect_error "cannot open '$T/nonexistent.o'"
	run prog show "$T/text.txt"
	expect_error "is not an ELF object: give 'type TYPE'"
	needs_obj || return
	run prog show "$OBJ" name nope
	expect_error "has no program named 'nope' (programs: count_first, ret_seven)"
	run prog show "$OBJ" colour 1
	expect_error "unknown prog show keyword 'colour'"
}

# ---- prog load ----
test_prog_load_pins_by_name() {
	needs_sample || return
	rm -rf "$BPFHOST_PIN_ROOT"
	runx prog load "$OBJ"
	expect_ok
	contains "$out" "Loaded '$OBJ' (object cli_obj, license 'GPL'): 2 programs, 4 maps" "summary"
	contains "$out" "prog count_first  type sample  section sample  insns " "program line"
	contains "$out" "map hits  type hash  key 4B  value 8B  max_entries 16  flags 0x0  pinned $BPFHOST_PIN_ROOT/hits (created)" "pinned map"
	contains "$out" "map scratch  type array  key 4B  value 8B  max_entries 1  flags 0x0" "map not pinned"
	[ -f "$BPFHOST_PIN_ROOT/hits" ] || fail "hits not pinned"
	[ -f "$BPFHOST_PIN_ROOT/pcpu" ] || fail "pcpu not pinned"
	[ -e "$BPFHOST_PIN_ROOT/scratch" ] && fail "scratch pinned without pinning"
	# a second load attaches to the pinned maps
	runx prog load "$OBJ"
	expect_ok
	contains "$out" "pinned $BPFHOST_PIN_ROOT/hits (attached)" "second load"
	if have_python; then
		runx -j prog load "$OBJ"
		expect_ok
		expect_json
		equals "$(json_get "$out" 'j["object"]')" "cli_obj" "object"
		equals "$(json_get "$out" '[p["name"] for p in j["programs"]]')" "['count_first', 'ret_seven']" "programs"
		equals "$(json_get "$out" '[(m["name"], m["pinned"] is not None) for m in j["maps"]]')" \
			"[('hits', True), ('scratch', False), ('pcpu', True), ('cli_obj.rodata', False)]" "maps"
		equals "$(json_get "$out" '[m["pin"] for m in j["maps"] if m["name"] == "hits"][0]')" \
			"attached" "pin state"
	fi
}

test_prog_load_pinmaps() {
	needs_sample || return
	runx prog load "$OBJ" pinmaps "$T/pm"
	expect_ok
	local m
	for m in hits pcpu scratch cli_obj.rodata; do
		[ -f "$T/pm/$m" ] || fail "map $m not pinned under pinmaps DIR"
		contains "$out" "pinned $T/pm/$m (created)" "map $m"
	done
}

test_prog_load_raw() {
	needs_sample || return
	printf 'mov %%r0, 42\nexit\n' >"$T/ret42.s"
	runx prog load "$T/ret42.s" type sample
	expect_ok
	equals "$out" "$(printf "Loaded '$T/ret42.s' (raw instructions): 1 program\nprog ret42  type sample  insns 2")" "output"
	runx prog load "$T/ret42.s" type sample name answer
	expect_ok
	contains "$out" "prog answer  type sample" "named"
	run prog load "$T/ret42.s"
	expect_error "is not an ELF object: give 'type TYPE'"
	run prog load "$T/ret42.s" type nosuch
	expect_error "program type 'nosuch' is not registered"
	runx prog load "$T/ret42.s" type sample pinmaps "$T/x"
	expect_error "have no maps to pin"
	runx prog load "$T/ret42.s" type sample name waytoolongforaname
	expect_error "longer than 15 characters"
	if have_python; then
		runx -j prog load "$T/ret42.s" type sample
		expect_ok
		equals "$(json_get "$out" 'j["programs"][0]["insn_cnt"]')" "2" "JSON insn_cnt"
	fi
}

test_prog_load_errors() {
	run prog load
	expect_error "expected an object FILE"
	run prog load "$T/nonexistent.o"
	expect_error "cannot open '$T/nonexistent.o'"
	needs_obj || return
	# no provider for the section: named, with a hint
	run prog load "$OBJ"
	expect_error "program 'count_first' in section 'sample': no registered program type"
	contains "$err" "--ext" "hint"
	run prog load "$BADSEC"
	expect_error "section 'frobnicate/x'"
	# .maps without BTF
	run prog load "$NOBTF"
	expect_error "BTF is required for BTF-defined maps"
	# a truncated object: the error names the offset
	head -c 200 "$OBJ" >"$T/trunc.o"
	run prog load "$T/trunc.o"
	expect_error "offset"
	run prog load "$OBJ" name x
	expect_error "'name' is for raw instruction files"
	run prog load "$OBJ" pinmaps ""
	expect_error "pinmaps needs a directory"
	run prog load "$OBJ" type nosuch
	expect_error "nosuch"
	if have_python; then
		run -j prog load "$OBJ"
		expect_json_error "no registered program type"
	fi
}

test_prog_load_failure_leaves_nothing() {
	needs_sample || return
	# 'pcpu' pinned with another definition: hits is created first, then
	# pcpu fails, and the load must remove the hits file it created
	cat >"$T/conflict.bpf.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u64);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pcpu SEC(".maps");
SEC("sample")
int other(void *ctx)
{
	return 0;
}
C
	if ! compile_bpf "$T/conflict.bpf.c" "$T/conflict.o" -g; then
		fail "clang failed: $(cat "$T/clang.log")"
		return
	fi
	runx prog load "$T/conflict.o" pinmaps "$T/cf"
	expect_ok
	runx prog load "$OBJ" pinmaps "$T/cf"
	expect_error "pcpu"
	contains "$err" "existing map has type 1, requested 6" "reason"
	[ -e "$T/cf/hits" ] && fail "a failed load left $T/cf/hits behind"
	[ -f "$T/cf/pcpu" ] || fail "the failed load removed the map it did not create"
}

# ---- prog dump ----
test_prog_dump_xlated() {
	needs_obj || return
	run prog dump xlated "$OBJ" name count_first
	expect_ok
	local first
	first=$(head -n 3 <<<"$out")
	equals "$first" "$(printf 'int count_first(struct sample_ctx * ctx):\n; int count_first(struct sample_ctx *ctx)\n   0: (bf) r6 = r1')" "first lines"
	contains "$out" "; cnt = bpf_map_lookup_elem(&hits, &key);" "source line"
	contains "$out" "(18) r1 = map[name:hits]" "map reference"
	contains "$out" "(85) call bpf_map_lookup_elem#1" "helper name"
	contains "$out" "int add_bonus(int x):" "subprogram prototype"
	contains "$out" "r2 = map[name:cli_obj.rodata][0]+0" "global data reference"
	not_contains "$out" "ret_seven" "only the named program"
	# linum: file, line and column as bpftool prints them
	run prog dump xlated "$OBJ" name ret_seven linum
	expect_ok
	contains "$out" "; return 7; [file:" "linum"
	if ! [[ "$out" =~ cli_obj\.bpf\.c\ line_num:[0-9]+\ line_col:2\] ]]; then
		fail "linum format: $out"
	fi
	# every program without a name, separated by a blank line
	run p d x "$OBJ"
	expect_ok
	contains "$out" "int ret_seven(void * ctx):" "second program"
	contains "$out" "$(printf '\n\nint ret_seven')" "blank line between programs"
}

test_prog_dump_json() {
	needs_obj || return
	have_python || {
		skip "python3 not available to parse JSON"
		return
	}
	run -j prog dump xlated "$OBJ" name ret_seven linum
	expect_ok
	expect_json
	equals "$(json_get "$out" 'j[0]["proto"]')" "int ret_seven(void * ctx)" "proto"
	equals "$(json_get "$out" 'j[0]["src"]')" "return 7;" "src"
	equals "$(json_get "$out" 'j[0]["line_col"]')" "2" "line_col"
	equals "$(json_get "$out" '[(i["idx"], i["code"], i["insn"]) for i in j]')" \
		"[(0, '0xb7', 'r0 = 7'), (1, '0x95', 'exit')]" "instructions"
	run -j prog dump xlated "$OBJ"
	expect_ok
	expect_json
	equals "$(json_get "$out" '[(p["name"], p["section"]) for p in j]')" \
		"[('count_first', 'sample'), ('ret_seven', 'sample')]" "programs"
	equals "$(json_get "$out" '[i["insn"] for i in j[0]["insns"] if i["code"] == "0x18"][0]')" \
		"r1 = map[name:hits]" "lddw entry"
	equals "$(json_get "$out" '"file" in j[0]["insns"][0]')" "False" "no file without linum"
}

test_prog_dump_without_btf_and_raw() {
	needs_obj || return
	run prog dump xlated "$PLAIN"
	expect_ok
	equals "$out" "$(printf 'ret_seven:\n   0: (b7) r0 = 7\n   1: (95) exit')" "no BTF: name header, no source"
	printf 'mov %%r0, 42\ncall 1\nexit\n' >"$T/call.s"
	run prog dump xlated "$T/call.s"
	expect_ok
	equals "$out" "$(printf '   0: (b7) r0 = 42\n   1: (85) call bpf_map_lookup_elem#1\n   2: (95) exit')" "raw listing"
}

test_prog_dump_errors() {
	run prog dump
	expect_error "expected 'xlated OBJ'"
	run prog dump jited "$T/x"
	expect_error "no JIT output"
	run prog dump visual "$T/x"
	expect_error "unknown prog dump kind 'visual'"
	run prog dump xlated
	expect_error "expected an object FILE"
	run prog dump xlated "$T/nonexistent.o"
	expect_error "nonexistent.o"
	printf '\xff\x00\x00\x00\x00\x00\x00\x00' >"$T/badop.bin"
	run prog dump xlated "$T/badop.bin"
	expect_error "insn 0"
	run prog dump xlated "$T/badop.bin" name x
	expect_error "'name' selects a program of an ELF object"
	needs_obj || return
	run prog dump xlated "$OBJ" name nope
	expect_error "no program named 'nope'"
	run prog dump xlated "$OBJ" linum linum
	expect_error "more than once"
}

# ---- prog run ----
test_prog_run_obj() {
	needs_sample || return
	printf '\x05\x00\x00\x00' >"$T/d4.bin"
	runx prog run "$OBJ" name count_first data_in "$T/d4.bin" data_out "$T/o4.bin" ctx_out "$T/c4.bin"
	expect_ok
	if ! [[ "$out" =~ ^Return\ value:\ 104,\ duration\ \(average\):\ [0-9]+ns$ ]]; then
		fail "unexpected output: $out"
	fi
	equals "$(hex "$T/o4.bin")" "06 00 00 00" "data_out (first byte incremented)"
	equals "$(hex "$T/c4.bin")" "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 04 00 00 00 05 00 00 00" \
		"ctx_out (len 4, mark 5)"
	# repeat: the same context, changes accumulate
	runx prog run "$OBJ" name count_first data_in "$T/d4.bin" data_out "$T/o4.bin" repeat 3
	expect_ok
	equals "$(hex "$T/o4.bin")" "08 00 00 00" "data_out after 3 runs"
	# ctx_in: the sample type takes mark from it
	printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x09\0\0\0' >"$T/ctx.bin"
	runx prog run "$OBJ" name ret_seven ctx_in "$T/ctx.bin" ctx_out "$T/c2.bin"
	expect_ok
	contains "$out" "Return value: 7," "ret_seven"
	equals "$(hex "$T/c2.bin")" "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 09 00 00 00" \
		"ctx_out keeps mark"
	if have_python; then
		runx -j prog run "$OBJ" name ret_seven repeat 5
		expect_ok
		expect_json
		equals "$(json_get "$out" 'j["retval"]')" "7" "retval"
		equals "$(json_get "$out" 'type(j["duration"]).__name__')" "int" "duration"
	fi
}

test_prog_run_raw_typed() {
	needs_sample || return
	printf 'mov %%r0, 42\nexit\n' >"$T/ret42.s"
	runx prog run "$T/ret42.s" type sample
	expect_ok
	contains "$out" "Return value: 42," "typed raw run"
	# r1 is the context: *(u32 *)(ctx + 16) is len
	printf 'ldxw %%r0, [%%r1+16]\nexit\n' >"$T/len.s"
	printf 'abcdefg' >"$T/d7.bin"
	runx prog run "$T/len.s" type sample data_in "$T/d7.bin"
	expect_ok
	contains "$out" "Return value: 7," "context length"
	# without type: the stand-alone engine (r2 = length)
	printf 'mov %%r0, %%r2\nexit\n' >"$T/r2.s"
	run prog run "$T/r2.s" data_in "$T/d7.bin"
	expect_ok
	contains "$out" "Return value: 7," "stand-alone engine"
}

test_prog_run_errors() {
	printf 'mov %%r0, 42\nexit\n' >"$T/ret42.s"
	run prog run "$T/ret42.s" ctx_in "$T/x"
	expect_error "'ctx_in' is for programs of a program type"
	run prog run "$T/ret42.s" name x
	expect_error "'name' is for programs of a program type"
	run prog run "$T/ret42.s" type nosuch
	expect_error "program type 'nosuch' is not registered"
	needs_sample || return
	runx prog run "$T/ret42.s" type sample repeat 4294967295
	expect_error "repeat count '4294967295'"
	runx prog run "$OBJ"
	expect_error "has 2 programs (count_first, ret_seven): choose one with 'name NAME'"
	runx prog run "$OBJ" name nope
	expect_error "has no program named 'nope'"
	run prog run "$OBJ" name ret_seven
	expect_error "no registered program type"
	runx prog run "$OBJ" name ret_seven data_in "$T/nonexistent.bin"
	expect_error "nonexistent.bin"
	# the sample type refuses a context with pointers set
	printf '\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0' >"$T/badctx.bin"
	runx prog run "$OBJ" name ret_seven ctx_in "$T/badctx.bin"
	# the runtime's own warning comes first on stderr (see the report)
	contains "$err" "Error: '$OBJ': test run of program 'ret_seven' failed: Invalid argument" "error"
	equals "$out" "" "stdout"
	[ "$rc" -eq 1 ] || fail "exit status $rc"
	# a wild load is refused by the verifier, naming the instruction
	printf 'lddw %%r1, 0x1000\nldxdw %%r0, [%%r1+0]\nexit\n' >"$T/wild.s"
	runx prog run "$T/wild.s" type sample
	expect_error "cannot load '$T/wild.s' as a program of type 'sample'"
	contains "$err" "insn 2" "verifier log"
	contains "$err" "which is a scalar, not a pointer" "verifier log"
	if have_python; then
		runx -j prog run "$OBJ"
		expect_json_error "choose one with 'name NAME'"
	fi
}

# ---- map ----
# load_maps DIR: pin the maps of the test objects under DIR, with hits = {5: 1}
load_maps() {
	local dir=$1
	rm -rf "$dir"
	printf '\x05' >"$T/d1.bin"
	BPFHOST_PIN_ROOT=$dir "$BPFHOST" --ext "$SAMPLE_SO" prog run "$OBJ" name count_first \
		data_in "$T/d1.bin" >/dev/null 2>&1 || fail "prog run to fill the maps failed"
	[ -f "$dir/hits" ] || fail "hits not pinned under $dir"
}

MAPS_EXTRA=$T/maps_extra.o
setup_maps_extra() {
	[ -f "$MAPS_EXTRA" ] && return 0
	cat >"$T/maps_extra.bpf.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct big_key {
	__u8 b[20];
};
struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 4);
	__uint(value_size, 4);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fifo SEC(".maps");
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events SEC(".maps");
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2);
	__type(key, struct big_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bigkeys SEC(".maps");
SEC("sample")
int nothing(void *ctx)
{
	return 0;
}
C
	compile_bpf "$T/maps_extra.bpf.c" "$MAPS_EXTRA" -g
}

test_map_show() {
	needs_sample || return
	load_maps "$T/ms"
	BPFHOST_PIN_ROOT=$T/ms run map show
	expect_ok
	equals "$out" "$(printf "hash  name hits  flags 0x0\n\tkey 4B  value 8B  max_entries 16  region %sB\n\tpinned $T/ms/hits\npercpu_array  name pcpu  flags 0x0\n\tkey 4B  value 4B  max_entries 2  region %sB\n\tpinned $T/ms/pcpu" \
		"$(stat -c %s "$T/ms/hits")" "$(stat -c %s "$T/ms/pcpu")")" "listing"
	run map show pinned "$T/ms/pcpu"
	expect_ok
	contains "$out" "percpu_array  name pcpu" "one map"
	not_contains "$out" "hits" "one map"
	# other files under the pin root are skipped with a note
	echo junk >"$T/ms/zz_junk"
	BPFHOST_PIN_ROOT=$T/ms run map show
	expect_ok
	contains "$err" "skipping $T/ms/zz_junk: not a bpfhost map" "note"
	# no pin root yet: nothing pinned
	BPFHOST_PIN_ROOT=$T/none run map show
	expect_ok
	equals "$out" "" "empty listing"
	if have_python; then
		BPFHOST_PIN_ROOT=$T/ms run -j map show
		expect_ok
		expect_json
		equals "$(json_get "$out" '[(m["name"], m["type"], m["bytes_key"], m["bytes_value"], m["max_entries"]) for m in j]')" \
			"[('hits', 'hash', 4, 8, 16), ('pcpu', 'percpu_array', 4, 4, 2)]" "JSON maps"
		equals "$(json_get "$out" 'j[0]["pinned"]')" "['$T/ms/hits']" "JSON pinned"
		BPFHOST_PIN_ROOT=$T/none run -j map show
		equals "$out" "[]" "JSON empty listing"
	fi
}

test_map_dump_lookup() {
	needs_sample || return
	load_maps "$BPFHOST_PIN_ROOT"
	run map dump name hits
	expect_ok
	equals "$out" "$(printf 'key: 05 00 00 00  value: 01 00 00 00 00 00 00 00\nFound 1 element')" "dump"
	run map lookup name hits key 5 0 0 0
	expect_ok
	equals "$out" "key: 05 00 00 00  value: 01 00 00 00 00 00 00 00" "lookup"
	run map lookup pinned "$BPFHOST_PIN_ROOT/hits" key hex 05 00 00 00
	expect_ok
	contains "$out" "value: 01 00 00 00 00 00 00 00" "hex key, pinned PATH"
	run m loo n hits k 0x05 0 00 0
	expect_ok
	contains "$out" "key: 05 00 00 00" "abbreviations and mixed number syntax"
	# a missing key: bpftool's "Not found" and a failure status
	run map lookup name hits key 9 0 0 0
	equals "$rc" 1 "status of a missing key"
	equals "$out" "$(printf 'key:\n09 00 00 00\n\nNot found')" "not found"
	if have_python; then
		run -j map dump name hits
		expect_ok
		equals "$(json_get "$out" 'j')" \
			"[{'key': ['0x05', '0x00', '0x00', '0x00'], 'value': ['0x01', '0x00', '0x00', '0x00', '0x00', '0x00', '0x00', '0x00']}]" \
			"JSON dump"
		run -j map lookup name hits key 9 0 0 0
		equals "$out" "null" "JSON not found"
		run -j map lookup name hits key 5 0 0 0
		expect_ok
		equals "$(json_get "$out" 'j["value"][0]')" "0x01" "JSON lookup"
	fi
}

test_map_update_delete_getnext() {
	needs_sample || return
	load_maps "$BPFHOST_PIN_ROOT"
	run map update name hits key 7 0 0 0 value 0x10 0 0 0 0 0 0 0
	expect_ok
	equals "$out" "" "update prints nothing"
	run map update name hits key 7 0 0 0 value 1 2 3 4 5 6 7 8 noexist
	expect_error "the key exists (noexist)"
	run map update name hits key 8 0 0 0 value 1 2 3 4 5 6 7 8 exist
	expect_error "the key does not exist (exist)"
	run map update name hits key 7 0 0 0 value hex 11 22 33 44 55 66 77 88 exist
	expect_ok
	run map lookup name hits key 7 0 0 0
	equals "$out" "key: 07 00 00 00  value: 11 22 33 44 55 66 77 88" "updated value"
	run map dump name hits
	contains "$out" "Found 2 elements" "count"
	# a program run in another process sees the update
	printf '\x07' >"$T/d7.bin"
	runx prog run "$OBJ" name count_first data_in "$T/d7.bin"
	expect_ok
	run map lookup name hits key 7 0 0 0
	equals "$out" "key: 07 00 00 00  value: 12 22 33 44 55 66 77 88" "incremented by the program"
	# getnext walks the keys
	run map getnext name hits
	expect_ok
	contains "$out" "key: None" "first key"
	local k1 k2
	k1=$(sed -n 3p <<<"$out")
	# shellcheck disable=SC2086
	run map getnext name hits key $k1
	expect_ok
	k2=$(sed -n 4p <<<"$out")
	[ -n "$k2" ] && [ "$k2" != "$k1" ] || fail "getnext did not advance ($k1 -> $k2)"
	# shellcheck disable=SC2086
	run map getnext name hits key $k2
	expect_error "no key after the given one"
	if have_python; then
		run -j map getnext name hits
		expect_ok
		equals "$(json_get "$out" 'j["key"]')" "None" "JSON key"
		equals "$(json_get "$out" 'len(j["next_key"])')" "4" "JSON next_key"
		run -j map update name hits key 7 0 0 0 value 0 0 0 0 0 0 0 0
		equals "$out" "null" "JSON update"
	fi
	run map delete name hits key 7 0 0 0
	expect_ok
	run map delete name hits key 7 0 0 0
	expect_error "the key is not in the map"
	run map dump name hits
	contains "$out" "Found 1 element" "after delete"
	# arrays: fixed elements
	run map delete name pcpu key 0 0 0 0
	expect_error "elements of array maps cannot be deleted"
	run map update name pcpu key 2 0 0 0 value 1 0 0 0
	expect_error "index past max_entries 2"
}

test_map_percpu() {
	needs_sample || return
	load_maps "$BPFHOST_PIN_ROOT"
	run map update name pcpu key 1 0 0 0 value 9 0 0 0
	expect_ok
	run map lookup name pcpu key 1 0 0 0
	expect_ok
	local ncpu
	ncpu=$(getconf _NPROCESSORS_CONF)
	contains "$out" "$(printf 'key:\n01 00 00 00\nvalue (CPU 00): 09 00 00 00')" "per-CPU lookup"
	equals "$(grep -c '^value (CPU' <<<"$out")" "$ncpu" "one line per CPU"
	run map dump name pcpu
	contains "$out" "Found 2 elements" "per-CPU dump"
	run map update name pcpu key 1 0 0 0 value 9 0 0 0 0 0 0 0
	expect_error "value has 8 bytes, map 'pcpu' expects 4 (one value, stored for every CPU)"
	if have_python; then
		run -j map lookup name pcpu key 1 0 0 0
		expect_ok
		equals "$(json_get "$out" '[(v["cpu"], v["value"][0]) for v in j["values"]][0]')" \
			"(0, '0x09')" "JSON per-CPU values"
		equals "$(json_get "$out" 'len(j["values"])')" "$ncpu" "JSON CPU count"
	fi
}

test_map_other_types() {
	needs_sample || return
	if ! setup_maps_extra; then
		fail "clang failed: $(cat "$T/clang.log")"
		return
	fi
	runx prog load "$MAPS_EXTRA" pinmaps "$T/mx"
	expect_ok
	# queue: no keys; update pushes, lookup peeks
	run map update pinned "$T/mx/fifo" value 1 0 0 0
	expect_ok
	run map update pinned "$T/mx/fifo" value 2 0 0 0
	expect_ok
	run map lookup pinned "$T/mx/fifo"
	expect_ok
	equals "$out" "value: 01 00 00 00" "queue peek"
	run map dump pinned "$T/mx/fifo"
	expect_error "has no keys to iterate"
	run map lookup pinned "$T/mx/fifo" key 1
	expect_error "map 'fifo' (queue) has no keys"
	run map delete pinned "$T/mx/fifo" key 1
	expect_error "has no keys"
	# ringbuf: no element access
	run map lookup pinned "$T/mx/events"
	expect_error "not supported by this map type"
	# keys longer than 16 bytes go on lines of their own
	run map update pinned "$T/mx/bigkeys" key hex 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 value 1 0 0 0
	expect_ok
	run map dump pinned "$T/mx/bigkeys"
	expect_ok
	equals "$out" "$(printf 'key:\n01 02 03 04 05 06 07 08  09 0a 0b 0c 0d 0e 0f 10\n11 12 13 14\nvalue:\n01 00 00 00\nFound 1 element')" \
		"long key layout"
	run map update pinned "$T/mx/bigkeys" key hex 02 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 value 1 0 0 0
	expect_ok
	run map update pinned "$T/mx/bigkeys" key hex 03 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 value 1 0 0 0
	expect_error "the map is full (max_entries 2)"
}

test_map_errors() {
	run map lookup name nope key 1 0 0 0
	expect_error "no map named 'nope' is pinned under $BPFHOST_PIN_ROOT"
	run map lookup pinned "$T/nonexistent" key 1
	expect_error "cannot open pinned map $T/nonexistent"
	run map dump pinned "$T/text.txt"
	expect_error "not a bpfhost map region"
	run map dump pinned "$T"
	expect_error "not a regular file"
	run map dump id 3
	expect_error "maps have no ids in bpfhost"
	run map dump
	expect_error "expected a map: 'pinned PATH' or 'name NAME'"
	run map dump name a/b
	expect_error "is not a file name"
	run map frobnicate
	expect_error "unknown map command 'frobnicate'"
	run map help
	expect_ok
	contains "$out" "MAP := { pinned PATH | name NAME }" "help"
	needs_sample || return
	load_maps "$BPFHOST_PIN_ROOT"
	run map lookup name hits key 5 0 0
	expect_error "key has 3 bytes, map 'hits' expects 4"
	run map lookup name hits key 5 0 0 0 0
	expect_error "key has 5 bytes, map 'hits' expects 4"
	run map lookup name hits
	expect_error "map 'hits' needs 'key DATA' (4 bytes)"
	run map lookup name hits key 5 0 0 0x100
	expect_error "invalid byte '0x100' in key"
	run map lookup name hits key 5 0 0 -1
	expect_error "invalid byte '-1' in key"
	run map lookup name hits key 0xzz 0 0 0
	expect_error "invalid byte '0xzz' in key"
	run map lookup name hits key hex 05 00 00 zz
	expect_error "invalid hex byte 'zz' in key"
	run map lookup name hits key hex 005 00 00 00
	expect_error "invalid hex byte '005' in key"
	run map lookup name hits key 5 0 0 0 colour 1
	expect_error "unknown map lookup keyword 'colour'"
	run map lookup name hits key 5 0 0 0 key 5 0 0 0
	expect_error "'key' given more than once"
	run map update name hits key 5 0 0 0
	expect_error "needs 'value DATA' (8 bytes)"
	run map update name hits key 5 0 0 0 value 1
	expect_error "value has 1 byte, map 'hits' expects 8"
	run map update name hits key 5 0 0 0 value 1 0 0 0 0 0 0 0 any exist
	expect_error "more than one of any, exist, noexist"
	run map delete name hits
	expect_error "needs 'key DATA'"
	run map delete name hits key 5 0 0 0 value 1
	expect_error "unknown map delete keyword 'value'"
	run map dump name hits extra
	expect_error "unexpected argument 'extra'"
	if have_python; then
		run -j map lookup name hits key 5 0 0
		expect_json_error "key has 3 bytes, map 'hits' expects 4"
		run -j map lookup name nope key 1
		expect_json_error "no map named 'nope'"
	fi
}

# ---- runner ----
if [ ! -x "$BPFHOST" ]; then
	echo "FAIL: $BPFHOST not found (build it first)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
run_tests
