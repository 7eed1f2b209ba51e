#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What vhv-qcow2 verify adds to qemu-img check: never writes (bytes and mtime
# unchanged), refuses an image a running QEMU holds (-U overrides), warnings and
# --strict, --deep decompression, human output naming the structure and the
# guest range.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img qemu-io
cd "$TS_TMP" || exit 1

qemu-img create -q -f qcow2 b.qcow2 16M
qemu-io -c 'write -P 1 0 256k' -c 'write -c -P 2 1M 64k' -c 'write -c -P 3 2M 64k' b.qcow2 >/dev/null
L2=$(q2_l2_table b.qcow2 0)

# 1. read-only: a dirty, corrupted image keeps its bytes and its mtime
cp b.qcow2 ro.qcow2
q2_poke64 ro.qcow2 72 1
q2_poke16 ro.qcow2 $(($(q2_refblock ro.qcow2 0) + 10)) 0
touch -d '2001-02-03 04:05:06' ro.qcow2
sum0=$(sha256sum <ro.qcow2) m0=$(stat -c %Y ro.qcow2)
ts_expect_rc 2 vhv-qcow2 verify ro.qcow2
ts_expect_rc 0 vhv-qcow2 info ro.qcow2
ts_expect_rc 2 vhv-qcow2 verify --deep --strict --output=json ro.qcow2
ts_assert_eq "image bytes after verify" "$(sha256sum <ro.qcow2)" "$sum0"
ts_assert_eq "image mtime after verify" "$(stat -c %Y ro.qcow2)" "$m0"
chmod 0444 ro.qcow2
ts_expect_rc 2 vhv-qcow2 verify ro.qcow2

# 2. an image held by a running QEMU (OFD locks) is refused, like qemu-img does
cp b.qcow2 lk.qcow2
q2_hold lk.qcow2
qpid=$Q2_HOLD_PID
ts_expect_rc 1 vhv-qcow2 verify lk.qcow2
ts_assert_grep 'Failed to get shared "write" lock' "$TS_ERR" "stderr of a locked verify"
ts_expect_rc 1 vhv-qcow2 info lk.qcow2
ts_expect_rc 0 vhv-qcow2 verify -U lk.qcow2
ts_expect_rc 0 vhv-qcow2 verify --force-share --output=json lk.qcow2
kill "$qpid" 2>/dev/null
wait "$qpid" 2>/dev/null
ts_expect_rc 0 vhv-qcow2 verify lk.qcow2
# a read-only user (qemu-io -r) does not hold the write lock
qemu-io -r -c 'sleep 20000' lk.qcow2 >/dev/null 2>&1 &
qpid=$!
sleep 0.5
ts_expect_rc 0 vhv-qcow2 verify lk.qcow2
kill "$qpid" 2>/dev/null
wait "$qpid" 2>/dev/null

# 3. warnings: counted only with --strict; qemu's keys keep their meaning
cp b.qcow2 w.qcow2
q2_poke64 w.qcow2 $((L2 + 8 * 100)) $((1 << 63))       # COPIED on an unallocated entry
q2_poke64 w.qcow2 72 2                                  # corrupt bit
q2_oracle warn w.qcow2
ts_assert_eq "exit code without --strict" "$Q2_RC" 0
ts_golden warn-strict vhv-qcow2 verify --strict --output=json w.qcow2
ts_golden warn-human vhv-qcow2 verify w.qcow2

# every kind of warning, each alone: exit 0 (qemu's counts), exit 2 with --strict
warn_case() {	# NAME PATTERN IMG
	q2_oracle "$1" "$3"
	ts_assert_eq "$1: exit code without --strict" "$Q2_RC" 0
	ts_expect_rc 2 vhv-qcow2 verify --strict --output=json "$3"
	ts_assert_grep "$2" "$TS_OUT" "$1: --strict warnings"
}
qemu-img create -q -f qcow2 -o compat=0.10 v2.qcow2 16M
qemu-io -c 'write -P 1 0 64k' v2.qcow2 >/dev/null
q2_poke64 v2.qcow2 $(($(q2_l2_table v2.qcow2 0) + 8 * 5)) 1
warn_case v2-zero-flag "zero flag set in a version 2 image" v2.qcow2
cp b.qcow2 dirty.qcow2
q2_poke64 dirty.qcow2 72 1
warn_case dirty-no-lazy "dirty bit set but lazy refcounts are not enabled" dirty.qcow2
qemu-img create -q -f qcow2 sn.qcow2 16M
qemu-img snapshot -c a sn.qcow2
qemu-img snapshot -c b sn.qcow2
so=$(q2_snap_offset sn.qcow2)
# entry 2 starts 8-aligned after entry 1 (40 + 24 extra + id "1" + name "a" = 66 -> 72)
q2_poke sn.qcow2 $((so + 72 + 40 + 24)) 31
warn_case duplicate-snapshot-id "2 snapshots share the id '1'" sn.qcow2
qemu-img create -q -f qcow2 bm.qcow2 16M
qemu-img bitmap --add bm.qcow2 b0
bd=$(vhv-qcow2 info --output=json bm.qcow2 | sed -n '/"bitmap-directory"/,/}/s/.*"offset": \([0-9]*\).*/\1/p')
q2_poke32 bm.qcow2 $((bd + 12)) 3
warn_case bitmap-in-use "bitmap 'b0': left in use" bm.qcow2
qemu-img create -q -f qcow2 -o data_file=dfr.raw,data_file_raw=on dfr.qcow2 16M
qemu-io -c 'write -P 1 0 256k' dfr.qcow2 >/dev/null
dl2=$(q2_l2_table dfr.qcow2 0)
q2_poke64 dfr.qcow2 $((dl2 + 24)) "$(q2_hdr64 dfr.qcow2 $((dl2 + 8)))"
warn_case raw-data-file-offset "raw external data file, but host offset" dfr.qcow2

# 4. --deep: a compressed cluster whose data is garbage
cp b.qcow2 d.qcow2
coff=$(($(q2_hdr64 d.qcow2 $((L2 + 16 * 8))) & ((1 << 54) - 1)))
q2_poke d.qcow2 "$coff" 0123456789abcdef0123456789abcdef0123456789abcdef
q2_oracle deep-off d.qcow2
ts_assert_eq "exit code without --deep" "$Q2_RC" 0
ts_golden deep vhv-qcow2 verify --deep d.qcow2
ts_expect_rc 0 vhv-qcow2 verify --deep b.qcow2
qemu-img create -q -f qcow2 -o compression_type=zstd zs.qcow2 16M
qemu-io -c 'write -c -P 3 0 64k' -c 'write -c -P 4 128k 64k' zs.qcow2 >/dev/null
ts_expect_rc 0 vhv-qcow2 verify --deep zs.qcow2
zl2=$(q2_l2_table zs.qcow2 0)
coff=$(($(q2_hdr64 zs.qcow2 $((zl2 + 8 * 2))) & ((1 << 54) - 1)))
q2_poke zs.qcow2 "$coff" 00000000000000000000000000000000
ts_expect_rc 2 vhv-qcow2 verify --deep zs.qcow2

# 5. human output names the structure and the guest range
cp b.qcow2 h.qcow2
q2_poke64 h.qcow2 $((L2 + 8 * 3)) $(((1 << 63) | 0x10000000))
q2_poke16 h.qcow2 $(($(q2_refblock h.qcow2 0) + 2 * 200)) 1
ts_golden human vhv-qcow2 verify h.qcow2
ts_golden human-quiet vhv-qcow2 verify -q --max-messages 1 h.qcow2
# an over-referenced cluster is described with whatever references it
cp b.qcow2 r.qcow2
q2_poke64 r.qcow2 $((L2 + 8 * 9)) "$(q2_hdr64 r.qcow2 "$L2")"
q2_poke16 r.qcow2 $(($(q2_refblock r.qcow2 0) + 2 * 6)) 0
q2_oracle referrers r.qcow2
ts_golden human-referrers vhv-qcow2 verify r.qcow2
# with a cap on messages, those kept are the ones named (the COPIED error, cluster 5)
ts_golden human-referrers-max2 vhv-qcow2 verify --max-messages 2 r.qcow2


# 6. only the named image: neither the backing file nor the data file is needed
qemu-img create -q -f qcow2 base.qcow2 16M
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 top.qcow2
qemu-io -c 'write -P 2 1M 64k' top.qcow2 >/dev/null
qemu-img create -q -f qcow2 -o data_file=df.raw df.qcow2 16M
qemu-io -c 'write -P 1 0 1M' df.qcow2 >/dev/null
rm -f base.qcow2 df.raw
ts_expect_rc 0 vhv-qcow2 verify top.qcow2
ts_expect_rc 0 vhv-qcow2 verify df.qcow2
ts_expect_rc 0 vhv-qcow2 info df.qcow2

# 7. progress only on a terminal
ts_run vhv-qcow2 verify b.qcow2
grep -q '/100%)' "$TS_ERR" && ts_fail "progress printed to a non-terminal"
if command -v script >/dev/null; then
	script -qc "vhv-qcow2 verify b.qcow2" /dev/null >pty.out 2>&1
	grep -q '/100%)' pty.out || ts_fail "no progress on a terminal"
	script -qc "vhv-qcow2 verify --no-progress b.qcow2" /dev/null >pty.out 2>&1
	grep -q '/100%)' pty.out && ts_fail "progress despite --no-progress"
fi
ts_finalize
