#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Run every test tier and print one combined summary line.
#
# Called by `make check` from the repository root with BUILD, CC and SANITIZE
# in the environment (the build is already done). Tiers:
#   unit  $BUILD/tests/unit_tests (BH_BUILD_DIR=$BUILD)
#   cli   tests/cli/test_cli.sh $BUILD (the bpfhost tool and the examples)
#   fuzz  `make fuzz` with clang into build/fuzz, then each target for
#         BH_FUZZ_SECONDS (default 15) over its seed corpus in
#         tests/fuzz/corpus/<target>/; skipped when clang/libFuzzer is missing
#   vfuzz $BUILD/tests/vfuzz: verifier soundness fuzzer for BH_VFUZZ_SECONDS
#         (default 60) from the fixed seed BH_VFUZZ_SEED (default 0xb9f1, so
#         a red run replays; `make fuzz-verifier` draws a new seed each run)
# Each tier ends with "N passed, N failed, N skipped"; a tier that crashes,
# times out or prints no such line counts as one failure. The last line is
# the sum over all tiers; the exit status is non-zero if anything failed.
# BH_TIERS="unit cli" runs only the tiers named.
set -uo pipefail

BUILD=${BUILD:-build}
CC=${CC:-cc}
SANITIZE=${SANITIZE:-}
FUZZ_SECONDS=${BH_FUZZ_SECONDS:-15}
VFUZZ_SECONDS=${BH_VFUZZ_SECONDS:-60}
TIERS=${BH_TIERS:-unit cli fuzz vfuzz}
# generous per-tier limit: a hang must not stall CI
TIER_TIMEOUT=${BH_TIER_TIMEOUT:-900}

LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"

total_pass=0
total_fail=0
total_skip=0
SUMMARY_RE='^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'

add_counts() { # pass fail skip
	total_pass=$((total_pass + $1))
	total_fail=$((total_fail + $2))
	total_skip=$((total_skip + $3))
}

wanted() {
	case " $TIERS " in
	*" $1 "*) return 0 ;;
	*) return 1 ;;
	esac
}

# run_tier NAME CMD...: run, show output, add the tier's summary
run_tier() {
	local name=$1 log="$LOGDIR/$1.log" rc line p f s
	shift
	echo "== tier $name: $*"
	timeout -k 10 "$TIER_TIMEOUT" "$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	line=$(grep -E "$SUMMARY_RE" "$log" | tail -n 1)
	if [ -z "$line" ]; then
		if [ "$rc" -eq 124 ]; then
			echo "tier $name: timed out after ${TIER_TIMEOUT}s (counted as 1 failure)"
		else
			echo "tier $name: exit status $rc and no summary line (counted as 1 failure)"
		fi
		add_counts 0 1 0
		return
	fi
	read -r p f s <<<"$(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/')"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "tier $name: exit status $rc although no test failed (counted as 1 failure)"
		f=1
	fi
	echo "tier $name: $p passed, $f failed, $s skipped"
	add_counts "$p" "$f" "$s"
}

# ---- unit ----
if wanted unit; then
	if [ -x "$BUILD/tests/unit_tests" ]; then
		BH_BUILD_DIR=$BUILD UBSAN_OPTIONS=print_stacktrace=1 \
			run_tier unit "$BUILD/tests/unit_tests"
	else
		echo "== tier unit: $BUILD/tests/unit_tests is missing (counted as 1 failure)"
		add_counts 0 1 0
	fi
fi

# ---- cli ----
if wanted cli; then
	UBSAN_OPTIONS=print_stacktrace=1 run_tier cli bash tests/cli/test_cli.sh "$BUILD"
	UBSAN_OPTIONS=print_stacktrace=1 run_tier cli-obj bash tests/cli/test_cli_obj.sh "$BUILD"
	UBSAN_OPTIONS=print_stacktrace=1 run_tier examples bash tests/cli/test_examples.sh "$BUILD"
fi

# ---- fuzz smoke ----
fuzz_tier() {
	local fcc=${FUZZ_CC:-clang} targets=() t name p=0 f=0 s=0 probe tmp
	for t in tests/fuzz/fuzz_*.c; do
		[ -e "$t" ] && targets+=("$(basename "$t" .c)")
	done
	if [ "${#targets[@]}" -eq 0 ]; then
		echo "0 passed, 0 failed, 0 skipped"
		return 0
	fi
	# libFuzzer is part of clang's compiler-rt: probe it with a tiny target
	tmp=$(mktemp -d)
	probe="$tmp/probe.c"
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' >"$probe"
	if ! command -v "$fcc" >/dev/null 2>&1; then
		echo "SKIP fuzz: $fcc not found (install clang, see scripts/install-deps.sh)"
		rm -rf "$tmp"
		echo "0 passed, 0 failed, ${#targets[@]} skipped"
		return 0
	fi
	if ! "$fcc" -fsanitize=fuzzer,address,undefined "$probe" -o "$tmp/probe" >/dev/null 2>&1; then
		echo "SKIP fuzz: $fcc cannot link -fsanitize=fuzzer (libclang-rt-14-dev missing?)"
		rm -rf "$tmp"
		echo "0 passed, 0 failed, ${#targets[@]} skipped"
		return 0
	fi
	echo "building fuzz targets: make fuzz FUZZ_CC=$fcc"
	# a make of its own: not the caller's flags (BUILD, SANITIZE, jobserver)
	if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -j2 fuzz \
		FUZZ_CC="$fcc" >"$tmp/build.log" 2>&1; then
		tail -n 40 "$tmp/build.log"
		echo "FAIL fuzz: make fuzz failed"
		rm -rf "$tmp"
		echo "0 passed, ${#targets[@]} failed, 0 skipped"
		return 1
	fi
	mkdir -p build/fuzz/artifacts
	for name in "${targets[@]}"; do
		local corpus="tests/fuzz/corpus/$name" work="$tmp/corpus-$name"
		mkdir -p "$work"
		[ -d "$corpus" ] || corpus=""
		# new inputs go to the scratch dir; the committed seeds are read only
		if build/fuzz/"$name" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
			-rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
			-artifact_prefix="build/fuzz/artifacts/$name-" \
			"$work" ${corpus:+"$corpus"} >"$tmp/$name.log" 2>&1; then
			echo "ok   fuzz $name: $(grep -E 'stat::number_of_executed_units' "$tmp/$name.log" |
				awk '{print $2}') runs in ${FUZZ_SECONDS}s, no failure"
			p=$((p + 1))
		else
			tail -n 60 "$tmp/$name.log"
			echo "FAIL fuzz $name: crashing input saved under build/fuzz/artifacts/"
			f=$((f + 1))
		fi
	done
	rm -rf "$tmp"
	echo "$p passed, $f failed, $s skipped"
	[ "$f" -eq 0 ]
}

if wanted fuzz; then
	export FUZZ_SECONDS
	export -f fuzz_tier
	run_tier fuzz bash -c fuzz_tier
fi

# ---- verifier soundness fuzzer ----
if wanted vfuzz; then
	if [ -x "$BUILD/tests/vfuzz" ]; then
		UBSAN_OPTIONS=print_stacktrace=1 run_tier vfuzz "$BUILD/tests/vfuzz" \
			--seconds "$VFUZZ_SECONDS" --seed "${BH_VFUZZ_SEED:-0xb9f1}"
	else
		echo "== tier vfuzz: $BUILD/tests/vfuzz is missing (counted as 1 failure)"
		add_counts 0 1 0
	fi
fi

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
