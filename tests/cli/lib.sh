# SPDX-License-Identifier: MIT
#
# Shared harness of the CLI test scripts (test_cli.sh, test_cli_obj.sh,
# test_examples.sh), sourced after they set BPFHOST, T (scratch directory),
# FILTER and, optionally, BPFHOST_ARGS (arguments put before every command,
# e.g. --ext PATH.so). Each test_* function is one test; checks record
# failures and the test goes on; run_tests ends with
# "N passed, N failed, N skipped".

passed=0
failed=0
skipped=0
cur=""
cur_fail=0
cur_skip=""
BPFHOST_ARGS=("${BPFHOST_ARGS[@]+"${BPFHOST_ARGS[@]}"}")

fail() {
	echo "  FAIL $cur: $*"
	cur_fail=$((cur_fail + 1))
}

skip() {
	cur_skip="$*"
}

# run ARGS...: run bpfhost; sets $out, $err, $rc
run() {
	"$BPFHOST" "${BPFHOST_ARGS[@]}" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
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

# run_tests: every test_* function (name containing $FILTER), then the summary
run_tests() {
	local t name
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
}
