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

# 4. The COPIED flags -r all rewrites: the plan's count must equal the flags that
#    qemu-img check -r all changed in a copy, entry by entry (q2flags.py).
# copied NAME IMG: the plan's copied-flags-rewritten against qemu-img's changes
copied() {
	local want got
	cp "$2" "c-$2"
	qemu-img check -r all "c-$2" >"c-$2.out" 2>&1
	got=$(python3 "$VHV_SRC/tests/images/q2flags.py" "$2" "c-$2" |
		awk '{ print $2 + $4 }')
	want=$(plan "$1" "$2" copied-flags-rewritten)
	ts_assert_eq "$1: COPIED flags qemu-img -r all rewrote" "$got" "$want"
	ts_assert_eq "$1: plan exact" "$(plan "$1" "$2" copied-flags-exact)" true
}
copied twice twice.qcow2    # refcount raised to 2: both entries lose COPIED
copied zero zero.qcow2      # rebuilt: the refcount is 1 again, the flag stays
copied leak leak.qcow2
# a refcount 2 where one entry references it: lowered to 1, the flag stays
cp b.qcow2 high.qcow2
q2_poke16 high.qcow2 $((rb + 2 * 6)) 2
ts_assert_eq "high: disagreeing today" "$(plan high high.qcow2 copied-flags-disagreeing)" 1
copied high high.qcow2
# an L2 table written over the refcount block: rebuilt; the flags today's
# garbage refcounts disagree with are right after the rebuild
cp b.qcow2 rbl2.qcow2
l2=$(q2_l2_table rbl2.qcow2 0)
dd if=rbl2.qcow2 of=rbl2.qcow2 bs=65536 skip=$((l2 / 65536)) seek=$((rb / 65536)) count=1 \
	conv=notrunc status=none
copied rbl2 rbl2.qcow2
# an entry pointing past the end: its flag is cleared
cp b.qcow2 wild.qcow2
q2_poke64 wild.qcow2 $((l2 + 8 * 3)) $(((1 << 63) | 0x10000000))
copied wild wild.qcow2
# internal snapshots: shared clusters (refcount 2, COPIED clear), one lowered to 1
qemu-img create -q -f qcow2 sn.qcow2 16M
qemu-io -c 'write -P 1 0 1M' sn.qcow2 >/dev/null
qemu-img snapshot -c s1 sn.qcow2
qemu-io -c 'write -P 2 0 64k' sn.qcow2 >/dev/null
cp sn.qcow2 snlow.qcow2
q2_poke16 snlow.qcow2 $(($(q2_refblock sn.qcow2 0) + 2 * 8)) 1
copied snlow snlow.qcow2

# 5. nothing to repair
ts_assert_eq "clean: rebuild" "$(plan clean b.qcow2 rebuild)" false
ts_assert_eq "clean: lowered" "$(plan clean b.qcow2 leaks-lowered)" 0
ts_finalize
