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

passed=0
failed=0
skipped=0
cur=""
cur_fail=0
cur_skip=""

fail() {
	echo "  FAIL $cur: $*"
	cur_fail=$((cur_fail + 1))
}

skip() {
	cur_skip="$*"
}

# run ARGS...: run bpfhost; sets $out, $err, $rc
run() {
	"$BPFHOST" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# run with the sample extension loaded
runx() {
	run --ext "$SAMPLE_SO" "$@"
}

expect_ok() {
	if [ "$rc" -ne 0 ]; then
		fail "expected success, got exit $rc (stderr: $err)"
	fi
}

# a clean failure: status 1, "Error: ..." on stderr, nothing on stdout
expect_error() { # [substring]
	if [ "$rc" -eq 0 ]; then
		fail "expected failure, got exit 0 (stdout: $out)"
	elif [ "$rc" -ge 128 ]; then
		fail "crashed with exit $rc (stderr: $err)"
	elif [ "${err#Error: }" = "$err" ]; then
		fail "stderr does not start with 'Error: ': $err"
	elif [ -n "$out" ]; then
		fail "failure printed to stdout: $out"
	elif [ $# -gt 0 ] && [[ "$err" != *"$1"* ]]; then
		fail "error does not mention '$1': $err"
	fi
}

# the same failure in JSON mode: {"error": ...} on stdout, stderr empty
expect_json_error() { # substring
	if [ "$rc" -eq 0 ] || [ "$rc" -ge 128 ]; then
		fail "expected a clean failure, got exit $rc"
	fi
	expect_json
	contains "$(json_get "$out" 'j["error"]')" "$1" "JSON error"
	equals "$err" "" "stderr in JSON mode"
}

contains() { # haystack needle what
	if [[ "$1" != *"$2"* ]]; then
		fail "$3 does not contain '$2': $1"
	fi
}

not_contains() { # haystack needle what
	if [[ "$1" == *"$2"* ]]; then
		fail "$3 contains '$2': $1"
	fi
}

equals() { # got want what
	if [ "$1" != "$2" ]; then
		fail "$3: got '$1', want '$2'"
	fi
}

have_python() {
	command -v python3 >/dev/null 2>&1
}

# json_get JSON EXPR: evaluate a python expression on the parsed value j
json_get() {
	python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" \
		2>/dev/null
}

expect_json() { # valid JSON on stdout
	if ! python3 -c 'import json,sys; json.loads(sys.stdin.read())' <<<"$out" 2>/dev/null; then
		fail "stdout is not valid JSON: $out"
	fi
}

hex() { # file -> "b7 00 ..."
	od -An -v -tx1 "$1" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'
}

# ---- fixtures ----
OBJ=$T/cli_obj.o
NOBTF=$T/nobtf.o
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

# ---- runner ----
if [ ! -x "$BPFHOST" ]; then
	echo "FAIL: $BPFHOST not found (build it first)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
	name=${t#test_}
	if [ -n "$FILTER" ] && [[ "$name" != *"$FILTER"* ]]; then
		continue
	fi
	cur=$name
	cur_fail=0
	cur_skip=""
	"$t"
	if [ "$cur_fail" -gt 0 ]; then
		echo "FAIL $name ($cur_fail checks failed)"
		failed=$((failed + 1))
	elif [ -n "$cur_skip" ]; then
		echo "  SKIP $name: $cur_skip"
		skipped=$((skipped + 1))
	else
		[ -n "${VERBOSE:-}" ] && echo "ok   $name"
		passed=$((passed + 1))
	fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
