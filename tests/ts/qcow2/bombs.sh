#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reference bombs (issue 17): tiny images whose metadata fakes billions of
# references. Verify work must be bounded by the file's size: each L2 table is
# read once and counts once per referrer, each snapshot L1 entry once however
# many snapshots share or overlap its table; the counts stay qemu-img check's
# (compared on every image qemu-img finishes in seconds). Also: an image that is
# not a regular file or block device (a FIFO) is refused at once, never waited on.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img python3
cd "$TS_TMP" || exit 1

bomb() { python3 "$VHV_SRC/tests/images/q2bomb.py" "$@"; }
# A bound on CPU time far above what these files need (milliseconds), so that
# unbounded work fails here instead of hanging the suite for days.
guard() { (ulimit -t 120; exec "$@"); }
# work NAME IMG L1-READ L1-REFS L2-READ L2-REFS: what -v says was read, and stood for
work() {
	guard vhv-qcow2 -v verify -q --no-progress "$2" >/dev/null 2>"$1.work"
	ts_assert_grep "read $3 L1 entries standing for $4, and $5 L2 tables standing for $6\$" \
		"$1.work" "$1: metadata read"
}
# json_has NAME KEY VALUE: vhv's JSON for NAME holds "KEY": VALUE
json_has() {
	ts_assert_grep "\"$2\": $3,?\$" "$1.vhv.json" "$1: $2"
}
# big NAME IMG RC: verify a bomb qemu-img cannot finish (days), guarded; JSON in NAME.vhv.json
big() {
	guard vhv-qcow2 verify --output=json "$2" >"$1.vhv.json" 2>"$1.vhv.err"
	local rc=$?
	ts_assert_eq "$1: exit code" "$rc" "$3"
}

# 1. The recipe: a 384 KiB image, 2048 L1 entries all pointing at one L2 table of
#    8192 copies of one entry (16,777,216 references to one data cluster), its
#    refcounts exact in 64 bits: clean. qemu-img check finishes this one.
read -r l2refs refs < <(bomb b.qcow2)
ts_assert_eq "recipe size" "$(stat -c %s b.qcow2)" 393216
q2_oracle recipe b.qcow2
ts_assert_eq "recipe: exit code" "$Q2_RC" 0
json_has recipe allocated-clusters "$refs"
json_has recipe fragmented-clusters $((2048 * 8191))
work recipe b.qcow2 2048 2048 1 "$l2refs"

# 2. The same in 16-bit refcounts: every reference past 65535 is an overflow,
#    one corruption each in qemu-img's count. Compared with qemu-img on a 64x
#    smaller version (qemu-img prints two lines per overflow); the full one exact.
bomb b16s.qcow2 --l1 32 --refcount-order 4 >/dev/null
q2_oracle recipe16-small b16s.qcow2
ts_assert_eq "recipe16-small: exit code" "$Q2_RC" 2
read -r _ refs < <(bomb b16.qcow2 --refcount-order 4)
big recipe16 b16.qcow2 2
json_has recipe16 corruptions $((refs - 65535))
ts_run vhv-qcow2 verify b16.qcow2
ts_assert_grep "reference count overflows the 16-bit refcount width \\($((refs - 65535)) times\\)" \
	"$TS_OUT" "recipe16: one message for the overflowing cluster"

# 3. 65,535 internal snapshots sharing that L1 table (8.8e12 references walked one
#    by one: days). qemu-img compared on a version with 40 snapshots and 64 entries.
bomb sns.qcow2 --l1 64 --snapshots 40 >/dev/null
q2_oracle snapshots-small sns.qcow2
ts_assert_eq "snapshots-small: exit code" "$Q2_RC" 0
read -r l2refs refs < <(bomb sn.qcow2 --snapshots 65535)
big snapshots sn.qcow2 0
json_has snapshots allocated-clusters 16777216
json_has snapshots fragmented-clusters $((2048 * 8191))
ts_assert_grep '"check-errors": 0' snapshots.vhv.json "snapshots: check errors"
work snapshots sn.qcow2 4096 "$l2refs" 1 "$l2refs"

# 4. Snapshots whose L1 tables are distinct but overlap (each starts a few
#    clusters into the previous one's): the union of the tables is read once.
bomb ovs.qcow2 --cluster-bits 9 --l1 1024 --snapshots 50 --overlap 7 --refcount-order 5 >/dev/null
q2_oracle overlap-small ovs.qcow2
bomb ovs2.qcow2 --cluster-bits 9 --l1 640 --snapshots 300 --overlap 9 --refcount-order 2 >/dev/null
q2_oracle overlap-small-4bit ovs2.qcow2
ts_assert_eq "overlap-small-4bit: exit code" "$Q2_RC" 2
read -r l2refs refs < <(bomb ov.qcow2 --cluster-bits 9 --l1 65536 --snapshots 4096 --overlap 1024)
big overlap ov.qcow2 0
json_has overlap allocated-clusters 4194304
work overlap ov.qcow2 131072 "$l2refs" 1 "$l2refs"

# 5. A corrupted entry in a shared table: counted once per referrer, as qemu-img
#    does, and said once with how often it counts.
bomb sh.qcow2 --l1 8 --snapshots 3 >/dev/null
l2=$(q2_l2_table sh.qcow2 0)
q2_poke64 sh.qcow2 $((l2 + 16)) $((($(q2_hdr64 sh.qcow2 "$l2") & ~(1 << 63)) | 2))
q2_oracle shared-corrupt sh.qcow2
ts_assert_eq "shared-corrupt: exit code" "$Q2_RC" 2
ts_golden shared-corrupt vhv-qcow2 verify sh.qcow2

# 6. Not a file: a FIFO (no writer would ever come), a directory, a character device.
mkfifo fifo.qcow2
ts_run timeout 20 vhv-qcow2 verify fifo.qcow2
ts_assert_eq "FIFO: exit code" "$TS_RC" 1
ts_assert_grep "not a regular file or block device \\(a FIFO\\)" "$TS_ERR" "FIFO: stderr"
ts_run timeout 20 vhv-qcow2 info --output=json fifo.qcow2
ts_assert_eq "FIFO info: exit code" "$TS_RC" 1
ts_assert_grep '"error": ".*a FIFO' "$TS_OUT" "FIFO info: JSON error"
mkdir dir.qcow2
ts_run timeout 20 vhv-qcow2 verify dir.qcow2
ts_assert_eq "directory: exit code" "$TS_RC" 1
ts_run timeout 20 vhv-qcow2 verify /dev/zero
ts_assert_eq "character device: exit code" "$TS_RC" 1
ts_assert_grep "a character device" "$TS_ERR" "character device: stderr"
ts_finalize
