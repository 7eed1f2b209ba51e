#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile and broken headers: a clear message, qemu-img check's exit code (1 for a
# qcow2 it cannot open, 63 for something that is not qcow2), never a crash, and
# memory bounded before any allocation the image controls.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img qemu-io
cd "$TS_TMP" || exit 1

qemu-img create -q -f qcow2 b.qcow2 16M
qemu-io -c 'write -P 1 0 256k' b.qcow2 >/dev/null

# t NAME FIELD-POKE...: poke, then compare exit codes with qemu-img and keep our stderr golden.
t() {
	local n=$1 qrc
	shift
	cp b.qcow2 "$n.qcow2"
	[ $# -gt 0 ] && "$@" "$n.qcow2"
	qemu-img check "$n.qcow2" >/dev/null 2>&1
	qrc=$?
	ts_run vhv-qcow2 verify "$n.qcow2"
	[ "$TS_RC" = "$qrc" ] || ts_fail "$n: exit $TS_RC, qemu-img check exits $qrc"
	printf '%s: exit %s: %s\n' "$n" "$TS_RC" "$(grep -v '^Is another' "$TS_ERR" | head -n 1)" >>results
}
p64() { q2_poke64 "$3" "$1" "$2"; }
p32() { q2_poke32 "$3" "$1" "$2"; }
trunc() { truncate -s "$1" "$2"; }
t magic p32 0 0x12345678
t version-4 p32 4 4
t version-0 p32 4 0
t cluster-bits-8 p32 20 8
t cluster-bits-22 p32 20 22
t cluster-bits-huge p32 20 0xffffffff
t header-length-short p32 100 72
t header-length-huge p32 100 0x7fffffff
t backing-offset-huge p64 8 0x100000000
t backing-name-long bash -c "$(declare -f q2_poke q2_poke64 q2_poke32); q2_poke64 \$0 8 512; q2_poke32 \$0 16 4000"
t refcount-order-7 p32 96 7
t incompat-unknown p64 72 $((1 << 40))
t compression-zstd-no-bit p64 104 $((1 << 56))
t compression-type-9 bash -c "$(declare -f q2_poke q2_poke64 q2_poke8); q2_poke64 \$0 72 8; q2_poke8 \$0 104 9"
t l1-size-huge p32 36 0x7fffffff
t l1-size-small p32 36 0
t l1-offset-unaligned p64 40 $((0x30000 + 8))
t l1-offset-wraps p64 40 0xfffffffffff00000
t reftable-clusters-huge p32 56 0x7fffffff
t reftable-offset-unaligned p64 48 $((0x10000 + 512))
t nb-snapshots-huge p32 60 0xffffffff
t snapshots-offset-wraps bash -c "$(declare -f q2_poke q2_poke64 q2_poke32); q2_poke32 \$0 60 1; q2_poke64 \$0 64 0xffffffffffff0000"
t extension-too-long bash -c "$(declare -f q2_poke q2_poke32); q2_poke32 \$0 112 0x6803f857; q2_poke32 \$0 116 0x7fffffff"
t bitmaps-ext-bad-len bash -c "$(declare -f q2_poke q2_poke32 q2_poke64); q2_poke64 \$0 88 1; q2_poke32 \$0 112 0x23852875; q2_poke32 \$0 116 16"
t size-huge p64 24 0x7fffffffffffffff
t data-file-bit-no-name p64 72 4
t data-file-raw-no-file p64 88 2
t truncated-100 trunc 100
t truncated-48 trunc 48
t empty trunc 0
t tiny trunc 3
# more host clusters than QEMU handles (INT_MAX): "Check failed: File too large"
qemu-img create -q -f qcow2 -o cluster_size=512 huge.qcow2 1M
truncate -s 2T huge.qcow2
q2_oracle file-too-large huge.qcow2
ts_assert_eq "file too large exit code" "$Q2_RC" 1
ts_assert_grep "File too large" "$TS_TMP/file-too-large.vhv.err"
rm -f huge.qcow2
ts_run vhv-qcow2 verify no-such-file.qcow2
ts_assert_eq "missing file exit code" "$TS_RC" 1
sed "s|$TS_TMP|@TMP@|g" results >results.f
ts_compare "results" results.f "$TS_EXPECTED.out"
ts_finalize
