#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Does the soundness fuzzer find verifier bugs? Breaks the verifier on
# purpose, one rule at a time (each mutant below is a one-line change: a
# bound one byte too generous, a check switched off), builds the fuzzer
# against the broken verifier and runs it. Every mutant must be caught.
#
#   tests/vfuzz/mutants.sh [SECONDS per mutant (20)] [SEED (7)]
#
# Works on a copy of the tree in a temporary folder (the checkout is not
# touched); takes about a minute per mutant. Not part of `make check`.
set -u
SECS=${1:-20}
SEED=${2:-7}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bh-mutants.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -a "$SRC/." "$WORK/src" && rm -rf "$WORK/src/build"
cd "$WORK/src" || exit 2
B="$WORK/build"
make -j2 BUILD="$B" "$B/tests/vfuzz" >/dev/null 2>&1 || {
	echo "cannot build the fuzzer"
	exit 2
}
caught=0 missed=0

# mutant NAME FILE OLD NEW: replace the first OLD by NEW in FILE, fuzz, restore
mutant() {
	local name=$1 f=$2 out n first
	cp "$f" "$WORK/orig"
	if ! python3 - "$f" "$3" "$4" <<'PY'; then
import sys
path, old, new = sys.argv[1:4]
s = open(path).read()
if old not in s:
    sys.exit(1)
open(path, 'w').write(s.replace(old, new, 1))
PY
		echo "$name: the text to change is not in $f (update this script)"
		missed=$((missed + 1))
		return
	fi
	if ! make -j2 BUILD="$B" "$B/tests/vfuzz" >/dev/null 2>&1; then
		echo "$name: does not build"
		missed=$((missed + 1))
	else
		out=$("$B/tests/vfuzz" --seconds "$SECS" --seed "$SEED" 2>&1)
		n=$(grep -c "^FAIL vfuzz" <<<"$out")
		first=$(grep -m1 "^FAIL vfuzz" <<<"$out" | sed 's/^FAIL vfuzz: //')
		if [ "$n" -gt 0 ]; then
			echo "$name: caught ($n programs; first: $first)"
			caught=$((caught + 1))
		else
			echo "$name: MISSED"
			missed=$((missed + 1))
		fi
	fi
	cp "$WORK/orig" "$f"
}

M=src/verifier/memory.c
V=src/verifier/ctx_view.c
C=src/verifier/calls.c
mutant packet-end $M "bool ok = lo >= 0 && hi <= st_range;" \
	"bool ok = lo >= 0 && hi <= st_range + 1;"
mutant packet-start $M "bool ok = lo >= 0 && hi <= st_range;" \
	"bool ok = lo >= -1 && hi <= st_range;"
mutant map-value-end $M "		if (lo >= 0 && hi <= limit)
			return 0;
		return bh_verr(env, -EACCES, BH_VR_MAP_BOUNDS" "		if (lo >= 0 && hi <= limit + 1)
			return 0;
		return bh_verr(env, -EACCES, BH_VR_MAP_BOUNDS"
mutant memory-end $M "		limit = p->mem_size;
		if (lo >= 0 && hi <= limit)" "		limit = p->mem_size;
		if (lo >= 0 && hi <= limit + 1)"
mutant stack-top $M "if (*lo < -BH_STACK || *hi > 0)" "if (*lo < -BH_STACK || *hi > 1)"
mutant stack-bottom $M "if (*lo < -BH_STACK || *hi > 0)" "if (*lo < -BH_STACK - 1 || *hi > 0)"
mutant rodata-store $M "		if (p->map->def.map_flags & BPFHOST_F_RDONLY_PROG)
			return bh_verr(env, -EACCES, BH_VR_MAP_RDONLY, REGBIT(regno),
				       \"the map was created" "		if (0)
			return bh_verr(env, -EACCES, BH_VR_MAP_RDONLY, REGBIT(regno),
				       \"the map was created"
mutant ctx-header $V "	if (off < 0)
		return bh_verr(env, -EACCES, BH_VR_CTX_HEADER" "	if (off < -8)
		return bh_verr(env, -EACCES, BH_VR_CTX_HEADER"
mutant ctx-end $V "if (off + size > c->ctx_size)" "if (off + size > c->ctx_size + 4)"
mutant ctx-write $V "off + size <= (int64_t)c->writable[i].off + c->writable[i].size;" \
	"off + size <= (int64_t)c->writable[i].off + c->writable[i].size + 1;"
mutant helper-mem-size $C "return bh_check_region(env, (uint32_t)mreg, 0, r->s.umax," \
	"return bh_check_region(env, (uint32_t)mreg, 0, r->s.umax - 1,"
mutant helper-key-size $C "sz = key ? m->map->def.key_size : m->map->def.value_size;" \
	"sz = key ? m->map->def.key_size - 1 : m->map->def.value_size;"
mutant helper-map-type $C "		if (!map_type_ok(m->p->id, r->map->def.type))" \
	"		if (!map_type_ok(m->p->id, r->map->def.type) && 0)"
mutant ringbuf-leak $C "	for (i = 0; i < st->nrefs; i++)
		if (st->refs[i].frame >= from_frame)" "	for (i = 0; i < st->nrefs && 0; i++)
		if (st->refs[i].frame >= from_frame)"
mutant packet-invalidation $C "	if (p->flags & BPFHOST_HELPER_F_CHANGES_PKT_DATA)
		bh_state_for_each_reg" "	if (0)
		bh_state_for_each_reg"
echo "mutants: $caught caught, $missed missed"
[ "$missed" -eq 0 ]
