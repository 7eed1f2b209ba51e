#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verify --repair-plan (issue 16): what qemu-img check -r leaks / -r all would
# write, said without writing; compared with what qemu-img itself repairs on a
# copy of each image.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img qemu-io python3
cd "$TS_TMP" || exit 1

qemu-img create -q -f qcow2 b.qcow2 16M
qemu-io -c 'write -P 1 0 1M' b.qcow2 >/dev/null
rb=$(q2_refblock b.qcow2 0)
# plan NAME IMG KEY: the repair-plan value KEY of verify --repair-plan --output=json
plan() {
	vhv-qcow2 verify --repair-plan --output=json "$2" >"$1.json"
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))["repair-plan"][sys.argv[2]]; print(str(v).lower())' "$1.json" "$3"
}
# repaired MODE IMG: qemu-img check -r MODE on a copy; its "Repairing cluster" lines
repaired() {
	cp "$2" "r-$2"
	qemu-img check -r "$1" "r-$2" >"r-$2.out" 2>&1
	echo $? >"r-$2.rc"
	grep -c '^Repairing cluster' "r-$2.out"
}

# 1. a leak nothing references (a cluster added past the data, refcount 1): -r leaks frees it
cp b.qcow2 leak.qcow2
size=$(stat -c %s leak.qcow2)
truncate -s $((size + 65536)) leak.qcow2
q2_poke16 leak.qcow2 $((rb + 2 * (size / 65536))) 1
ts_assert_eq "leak: rebuild" "$(plan leak leak.qcow2 rebuild)" false
ts_assert_eq "leak: freed" "$(plan leak leak.qcow2 leaks-freed)" 1
ts_assert_eq "leak: qemu -r leaks repairs" "$(repaired leaks leak.qcow2)" 1
ts_assert_eq "leak: qemu -r leaks exit" "$(cat r-leak.qcow2.rc)" 0
ts_expect_rc 0 vhv-qcow2 verify r-leak.qcow2
ts_golden leak vhv-qcow2 verify -q --repair-plan leak.qcow2

# 2. a cluster mapped twice (refcount 1, referenced 2 times): -r all raises it
cp b.qcow2 twice.qcow2
l2=$(q2_l2_table twice.qcow2 0)
q2_poke64 twice.qcow2 $((l2 + 8 * 9)) "$(q2_hdr64 twice.qcow2 "$l2")"
# (the entry it overwrote leaves its cluster leaked: qemu repairs both)
ts_assert_eq "twice: raised" "$(plan twice twice.qcow2 refcounts-raised)" 1
ts_assert_eq "twice: lowered" "$(plan twice twice.qcow2 leaks-lowered)" 1
ts_assert_eq "twice: qemu -r all repairs" "$(repaired all twice.qcow2)" 2
ts_golden twice vhv-qcow2 verify -q --repair-plan twice.qcow2
ts_expect_rc 0 vhv-qcow2 verify r-twice.qcow2

# 3. a cluster in use with refcount 0: qemu must rebuild the refcount structure
#    (-r leaks fails, -r all rebuilds)
cp b.qcow2 zero.qcow2
q2_poke16 zero.qcow2 $((rb + 2 * 7)) 0
ts_assert_eq "zero: rebuild" "$(plan zero zero.qcow2 rebuild)" true
repaired leaks zero.qcow2 >/dev/null
ts_assert_eq "zero: qemu -r leaks fails" "$(cat r-zero.qcow2.rc)" 1
ts_assert_grep "need to rebuild refcount structures" r-zero.qcow2.out "zero: qemu -r leaks"
repaired all zero.qcow2 >/dev/null
ts_assert_grep "Rebuilding refcount structure" r-zero.qcow2.out "zero: qemu -r all"
ts_expect_rc 0 vhv-qcow2 verify r-zero.qcow2
ts_golden zero vhv-qcow2 verify -q --repair-plan zero.qcow2

# 4. nothing to repair
ts_assert_eq "clean: rebuild" "$(plan clean b.qcow2 rebuild)" false
ts_assert_eq "clean: lowered" "$(plan clean b.qcow2 leaks-lowered)" 0
ts_finalize
