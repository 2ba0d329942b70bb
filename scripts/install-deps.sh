#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Install what a fresh Debian 12 lacks to build and test bpfhost.
#
#   scripts/install-deps.sh            install missing packages (as root)
#   scripts/install-deps.sh --check    only report; exit 1 if any is missing
#   scripts/install-deps.sh --quiet    print nothing when all is present
#
# It asks dpkg what is installed and does nothing at all (no apt-get update)
# when every package is there, so it is cheap to run before every build and
# safe to run twice. Installing needs root; as another user it lists the
# missing packages and exits non-zero. Never interactive.
set -euo pipefail

# Build: compiler, make, ar. Second compiler and sanitizer/libFuzzer runtime:
# clang 14 and its compiler-rt. llvm-mc/llvm-objcopy (llvm) cross-check the
# assembler and handle BPF objects. clang-format: `make format-check`.
# python3: JSON checks in the CLI tests.
# For the coming runtime/loader work: libbpf and kernel UAPI headers, libpcap.
PACKAGES=(
	build-essential make gcc
	clang clang-14 libclang-rt-14-dev
	llvm llvm-14
	clang-format
	git python3
	libbpf-dev linux-libc-dev
	libpcap-dev
)

mode=install
quiet=0
for arg in "$@"; do
	case "$arg" in
	--check) mode=check ;;
	--quiet | -q) quiet=1 ;;
	-h | --help)
		sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "install-deps: unknown argument '$arg' (use --check, --quiet or --help)" >&2
		exit 2
		;;
	esac
done

say() {
	if [ "$quiet" = 0 ]; then
		echo "install-deps: $*"
	fi
}

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "install-deps: this is not a Debian-based system (no dpkg-query)." >&2
	echo "install-deps: install the equivalents of: ${PACKAGES[*]}" >&2
	exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != installed ]; then
		missing+=("$pkg")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	say "all ${#PACKAGES[@]} packages are installed"
	exit 0
fi

echo "install-deps: missing packages: ${missing[*]}" >&2
if [ "$mode" = check ]; then
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root to install them: sudo $0" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef
	-o Dpkg::Options::=--force-confold)
echo "install-deps: apt-get update" >&2
apt-get update -q </dev/null
echo "install-deps: apt-get install ${missing[*]}" >&2
apt-get install "${apt_opts[@]}" "${missing[@]}" </dev/null

# verify: a package that did not install is an error, not a silent skip
still=()
for pkg in "${missing[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != installed ]; then
		still+=("$pkg")
	fi
done
if [ "${#still[@]}" -ne 0 ]; then
	echo "install-deps: still missing after apt-get: ${still[*]}" >&2
	exit 1
fi
say "installed ${missing[*]}"
