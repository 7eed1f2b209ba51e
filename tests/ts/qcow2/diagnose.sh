#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verify's diagnosis (issue 16): what happened, from the shape of the damage.
# Real images made by qemu-img/qemu-io, damaged the way each story goes (a
# structure copied over another, guest bytes over a table, a truncation, two
# entries mapping one cluster, clusters allocated at the end and never linked),
# each with its expected diagnosis (JSON ids + a golden of the human report),
# and qemu-img check's own counts and exit code for the same file.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img qemu-io python3
cd "$TS_TMP" || exit 1

qemu-img create -q -f qcow2 b.qcow2 16M
qemu-io -c 'write -P 1 0 256k' -c 'write -c -P 2 1M 64k' -c 'write -P 3 8M 64k' b.qcow2 >/dev/null
L1=$(q2_l1_offset b.qcow2) L2=$(q2_l2_table b.qcow2 0) RB=$(q2_refblock b.qcow2 0)
CS=$(q2_cluster_size b.qcow2)
e0=$(q2_hdr64 b.qcow2 "$L2")
# a data cluster of guest 0 (the byte 0x01 repeated)
D0=$((e0 & 0x00fffffffffffe00))

# cluster_copy IMG FROM TO: the cluster at file offset FROM written over the one at TO
cluster_copy() {
	dd if="$1" of="$1" bs="$CS" skip=$(($2 / CS)) seek=$(($3 / CS)) count=1 conv=notrunc \
		status=none
}
# bytes IMG OFF N BYTE: N bytes of the value BYTE (guest data) at OFF
bytes() {
	python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2]));
f.write(bytes([int(sys.argv[4], 0)]) * int(sys.argv[3]))' "$@"
}

CASES=()
# case NAME IDS CMD...: copy b.qcow2 to NAME.qcow2, damage it with CMD (@ = the copy);
# the JSON diagnoses must be IDS, and the counts qemu-img check's.
case_() {
	local n=$1 ids=$2 a args=()
	shift 2
	cp b.qcow2 "$n.qcow2"
	for a in "$@"; do args+=("${a//@/$n.qcow2}"); done
	"${args[@]}"
	q2_oracle "$n" "$n.qcow2"
	ts_assert_eq "$n: diagnoses" "$(q2_diag_ids "$n.qcow2")" "$ids"
	CASES+=("$n")
}

case_ clean ""
# a refcount block written over an L2 table: the table's bytes are 16-bit refcounts
case_ l2-refcount "l2.overwritten leak.orphaned" cluster_copy @ "$RB" "$L2"
# guest data written over an L2 table (a data cluster allocated on it)
case_ l2-guest "l2.overwritten leak.orphaned" cluster_copy @ "$D0" "$L2"
# an L2 table written over the refcount block
case_ refblock-l2 "refblock.overwritten" cluster_copy @ "$L2" "$RB"
# a refcount block zeroed
case_ refblock-zero "refblock.overwritten" bytes @ "$RB" "$CS" 0
# guest bytes over the L1 table
case_ l1-guest "l1.overwritten leak.orphaned" bytes @ "$L1" 512 0xab
# truncations: a whole cluster, and inside a cluster
case_ truncated "file.truncated" truncate -s -65536 @
case_ truncated-partial "file.truncated" truncate -s -100000 @
# one entry pointing far away is not a truncation
case_ wild "entry.wild" q2_poke64 @ "$L2" $(((1 << 63) | 0x10000000))
# two guest ranges mapping one cluster; guest data on a refcount block
case_ twice "cluster.shared" q2_poke64 @ $((L2 + 8 * 5)) "$e0"
case_ data-on-refblock "cluster.shared" q2_poke64 @ $((L2 + 8 * 2)) $(((1 << 63) | RB))
# an interrupted write: clusters allocated (refcount 1) at the end, never linked
size=$(stat -c %s b.qcow2)
ileak() {
	truncate -s $((size + 3 * CS)) "$1"
	for i in 0 1 2; do q2_poke16 "$1" $((RB + 2 * (size / CS + i))) 1; done
}
case_ interrupted "leak.tail" ileak @
# the leaks of two unrelated places are no story
ileak2() {
	truncate -s $((size + 3 * CS)) "$1"
	q2_poke16 "$1" $((RB + 2 * (size / CS))) 1
	q2_poke16 "$1" $((RB + 2 * (size / CS + 2))) 1
}
case_ leaks-scattered "" ileak2 @

# an L2 table lost with the tail: the last clusters of the file are an L2 table
# (guest 512 MiB..1 GiB) and its data
qemu-img create -q -f qcow2 t.qcow2 1G
qemu-io -c 'write -P 1 0 64k' -c 'write -P 2 600M 64k' t.qcow2 >/dev/null
cp t.qcow2 tail-l2.qcow2
truncate -s -$((2 * CS)) tail-l2.qcow2
q2_oracle tail-l2 tail-l2.qcow2
ts_assert_eq "tail-l2: diagnoses" "$(q2_diag_ids tail-l2.qcow2)" "file.truncated"
CASES+=(tail-l2)

# The human reports, the diagnosis under qemu-img's counts.
reports() {
	local n
	for n in "${CASES[@]}"; do
		echo "== $n"
		vhv-qcow2 verify -q --max-messages 3 "$n.qcow2"
		echo "(exit $?)"
	done
}
ts_golden - reports
ts_finalize
