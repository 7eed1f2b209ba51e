#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Corrupted copies of real images, bytes poked in place (QEMU iotests 060 style):
# every case must give qemu-img check's exact JSON and exit code.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img qemu-io python3
cd "$TS_TMP" || exit 1

qemu-img create -q -f qcow2 b.qcow2 16M
qemu-io -c 'write -P 1 0 256k' -c 'write -c -P 2 1M 64k' -c 'write -P 3 8M 64k' b.qcow2 >/dev/null
L1=$(q2_l1_offset b.qcow2) L2=$(q2_l2_table b.qcow2 0) RT=$(q2_reftable_offset b.qcow2)
RB=$(q2_refblock b.qcow2 0)
l1e=$(q2_hdr64 b.qcow2 "$L1") e0=$(q2_hdr64 b.qcow2 "$L2") e16=$(q2_hdr64 b.qcow2 $((L2 + 16 * 8)))

# t NAME CMD...: copy b.qcow2 to NAME.qcow2, run CMD (with @ replaced by the copy), compare.
t() {
	local n=$1 a args=()
	shift
	cp b.qcow2 "$n.qcow2"
	for a in "$@"; do args+=("${a//@/$n.qcow2}"); done
	"${args[@]}"
	q2_oracle "$n" "$n.qcow2"
}
t clean true
t l2-copied-clear q2_poke64 @ "$L2" $((e0 & ~(1 << 63)))
t l2-unaligned q2_poke64 @ "$L2" $((e0 + 512))
t l2-past-eof q2_poke64 @ "$L2" $(((1 << 63) | 0x10000000))
t l2-reserved q2_poke64 @ "$L2" $((e0 | 2))
t l2-duplicate q2_poke64 @ $((L2 + 8 * 5)) "$e0"
t l2-zero-unaligned q2_poke64 @ "$L2" $(((e0 + 512) | 1))
t l2-unalloc-copied q2_poke64 @ $((L2 + 8 * 100)) $((1 << 63))
t compressed-copied q2_poke64 @ $((L2 + 16 * 8)) $((e16 | (1 << 63)))
t compressed-past-eof q2_poke64 @ $((L2 + 16 * 8)) $(((1 << 62) | 0x30000000))
t l1-reserved q2_poke64 @ "$L1" $((l1e | (1 << 56)))
t l1-copied-clear q2_poke64 @ "$L1" $((l1e & ~(1 << 63)))
t l1-unaligned q2_poke64 @ "$L1" $((l1e + 512))
t refcount-zero q2_poke16 @ $((RB + 2 * 5)) 0
t refcount-two q2_poke16 @ $((RB + 2 * 5)) 2
t refcount-leak q2_poke16 @ $((RB + 2 * 200)) 1
t reftable-reserved q2_poke64 @ "$RT" $((RB | 1))
t reftable-unaligned q2_poke64 @ "$RT" $((RB + 512))
t reftable-outside q2_poke64 @ $((RT + 8)) $((0x100000000))
t refblock-shared q2_poke64 @ $((RT + 8)) "$RB"
t truncated-cluster truncate -s -65536 @
t truncated-partial truncate -s -100000 @
t grown truncate -s +300000 @
t dirty-bit q2_poke64 @ 72 1
t corrupt-bit q2_poke64 @ 72 2
t nb-snapshots q2_poke32 @ 60 3

# snapshots
qemu-img create -q -f qcow2 sn.qcow2 16M
qemu-io -c 'write -P 1 0 1M' sn.qcow2 >/dev/null
qemu-img snapshot -c s1 sn.qcow2
qemu-io -c 'write -P 2 0 64k' sn.qcow2 >/dev/null
qemu-img snapshot -c s2 sn.qcow2
SO=$(q2_snap_offset sn.qcow2) SL1=$(q2_hdr64 sn.qcow2 "$SO")
ts() { local n=$1; shift; cp sn.qcow2 "$n.qcow2"; "$@" "$n.qcow2"; q2_oracle "$n" "$n.qcow2"; }
poke_at() { q2_poke"$1" "$4" "$2" "$3"; }
ts snap-l1-unaligned poke_at 64 "$SO" $((SL1 + 512))
ts snap-l1-too-big poke_at 32 $((SO + 8)) $((1 << 23))
ts snap-extra-short poke_at 32 $((SO + 36)) 8
ts snap-extra-huge poke_at 32 $((SO + 36)) 5000
ts snap-count-short poke_at 32 60 1
ts snap-l1-zeroed poke_at 64 "$SL1" 0
ts snap-table-unaligned poke_at 64 64 $((SO + 8))
ts snap-count-huge poke_at 32 60 70000

# refcount overflow: 1- and 2-bit refcounts, one cluster mapped several times
for rb in 1 2; do
	qemu-img create -q -f qcow2 -o refcount_bits=$rb,cluster_size=4k r$rb.qcow2 8M
	qemu-io -c 'write -P 1 0 100k' r$rb.qcow2 >/dev/null
	l2=$(q2_l2_table r$rb.qcow2 0) e=$(q2_hdr64 r$rb.qcow2 "$(q2_l2_table r$rb.qcow2 0)")
	for i in 3 4 5 6 7; do q2_poke64 r$rb.qcow2 $((l2 + 8 * i)) "$e"; done
	q2_oracle overflow-$rb r$rb.qcow2
done

# extended L2: subcluster bitmaps
qemu-img create -q -f qcow2 -o extended_l2=on x.qcow2 16M
qemu-io -c 'write -P 1 0 4k' -c 'write -P 1 100k 8k' -c 'write -z 1M 64k' x.qcow2 >/dev/null
XL2=$(q2_l2_table x.qcow2 0) xb=$(q2_hdr64 x.qcow2 $(($(q2_l2_table x.qcow2 0) + 8)))
tx() { local n=$1; shift; cp x.qcow2 "$n.qcow2"; "$@" "$n.qcow2"; q2_oracle "$n" "$n.qcow2"; }
tx xl2-alloc-and-zero poke_at 64 $((XL2 + 8)) $((xb | (xb << 32)))
tx xl2-unalloc-bitmap poke_at 64 $((XL2 + 16 * 3 + 8)) 255
tx xl2-compressed-bitmap bash -c "$(declare -f q2_poke q2_poke64); q2_poke64 \$0 $((XL2 + 48)) $(((1 << 62) | 0x10000)); q2_poke64 \$0 $((XL2 + 56)) 1"
tx xl2-zero-flag-ignored poke_at 64 "$XL2" $(($(q2_hdr64 x.qcow2 "$XL2") | 1))

# long runs of consecutive clusters (preallocation=metadata): the bulk paths
qemu-img create -q -f qcow2 -o preallocation=metadata pm.qcow2 64M
PL2=$(q2_l2_table pm.qcow2 0) PRB=$(q2_refblock pm.qcow2 0)
pe=$(q2_hdr64 pm.qcow2 $((PL2 + 8 * 40)))
tp() { local n=$1; shift; cp pm.qcow2 "$n.qcow2"; "$@" "$n.qcow2"; q2_oracle "$n" "$n.qcow2"; }
tp run-clean true
tp run-refcount-two poke_at 16 $((PRB + 2 * ((pe & 0xffffffffffff) >> 16))) 2
tp run-refcount-zero poke_at 16 $((PRB + 2 * ((pe & 0xffffffffffff) >> 16))) 0
tp run-copied-clear poke_at 64 $((PL2 + 8 * 40)) $((pe & ~(1 << 63)))
tp run-duplicate poke_at 64 $((PL2 + 8 * 900)) "$pe"
tp run-leak-after poke_at 16 $((PRB + 2 * 1500)) 1
tp run-truncated truncate -s 40M

# persistent bitmaps: directory and tables
qemu-img create -q -f qcow2 bm.qcow2 16M
qemu-io -c 'write -P 1 0 1M' bm.qcow2 >/dev/null
qemu-img bitmap --add bm.qcow2 b0
qemu-img bitmap --add -g 512 bm.qcow2 b1
qemu-io -c 'write 0 64k' bm.qcow2 >/dev/null 2>&1
BD=$(vhv-qcow2 info --output=json bm.qcow2 | sed -n '/"bitmap-directory"/,/}/s/.*"offset": \([0-9]*\).*/\1/p')
BT=$(q2_hdr64 bm.qcow2 "$BD") bte=$(q2_hdr64 bm.qcow2 "$(q2_hdr64 bm.qcow2 "$BD")")
tb() { local n=$1; shift; cp bm.qcow2 "$n.qcow2"; "$@" "$n.qcow2"; q2_oracle "$n" "$n.qcow2"; }
tb bm-clean true
tb bm-in-use poke_at 32 $((BD + 12)) 3
tb bm-entry-reserved poke_at 64 "$BT" $((bte | 2))
tb bm-entry-unaligned poke_at 64 "$BT" $((bte + 512))
tb bm-entry-all-ones poke_at 64 "$BT" $((bte | 1))
tb bm-entry-zeroed poke_at 64 "$BT" 0
tb bm-in-use-bad-entry bash -c "$(declare -f q2_poke q2_poke32 q2_poke64); q2_poke32 \$0 $((BD + 12)) 3; q2_poke64 \$0 $BT $((bte | 2))"
tb bm-table-unaligned poke_at 64 "$BD" $((BT + 512))
tb bm-flags-reserved poke_at 32 $((BD + 12)) 256
tb bm-granularity poke_at 8 $((BD + 17)) 40
tb bm-type poke_at 8 $((BD + 16)) 2
tb bm-autoclear-clear poke_at 64 88 0
tb bm-table-size-0 poke_at 32 $((BD + 8)) 0
tb bm-table-offset-0 poke_at 64 "$BD" 0
tb bm-table-size-huge poke_at 32 $((BD + 8)) $((0x9000000))
# a data cluster of the image that is also a bitmap's: both referrers are named
tb bm-data-shared poke_at 64 $(($(q2_l2_table bm.qcow2 0) + 8 * 3)) $(((1 << 63) | (bte & 0xfffffffffffe00)))
vhv-qcow2 verify bm-data-shared.qcow2 >bm-data-shared.out
ts_assert_grep "referenced 2 times, by .*L2 table.*entry 3 .*; bitmap 'b0' data cluster 0" \
	bm-data-shared.out "the referrers of a shared bitmap data cluster"
tb bm-table-size-2 poke_at 32 $((BD + 8)) 2
tb bm-extra-data poke_at 32 $((BD + 20)) 8
BX=$(vhv-qcow2 info --output=json bm.qcow2 | python3 -c 'import json, sys; print([e for e in json.load(sys.stdin)["extensions"] if e["name"] == "bitmaps"][0]["offset"])')
tb bm-dir-size-big poke_at 64 $((BX + 8)) 128
tb bm-count-low poke_at 32 "$BX" 1
tb bm-count-high poke_at 32 "$BX" 3

# external data file
qemu-img create -q -f qcow2 -o data_file=df.raw df.qcow2 16M
qemu-io -c 'write -P 1 0 1M' df.qcow2 >/dev/null
DL2=$(q2_l2_table df.qcow2 0) de=$(q2_hdr64 df.qcow2 "$(q2_l2_table df.qcow2 0)")
td() { local n=$1; shift; cp df.qcow2 "$n.qcow2"; "$@" "$n.qcow2"; q2_oracle "$n" "$n.qcow2"; }
td df-copied-clear poke_at 64 $((DL2 + 24)) $((de & ~(1 << 63)))
td df-compressed poke_at 64 $((DL2 + 8 * 40)) $(((1 << 62) | 0x10000))

# one data cluster referenced 73728 times (9 L1 entries x 8192 L2 entries):
# 16-bit refcounts overflow (one corruption per excess reference), 64-bit ones do not
for rb in 16 64; do
	qemu-img create -q -f qcow2 -o refcount_bits=$rb hot$rb.qcow2 8G
	qemu-io -c 'write -P 1 0 64k' hot$rb.qcow2 >/dev/null
	python3 - hot$rb.qcow2 "$(q2_l1_offset hot$rb.qcow2)" "$(q2_l2_table hot$rb.qcow2 0)" <<'PY'
import struct, sys
f, l1, l2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f, "r+b") as fh:
    fh.seek(l1); l1e = fh.read(8)
    fh.seek(l2); l2e = fh.read(8)
    fh.seek(l2); fh.write(l2e * 8192)
    fh.seek(l1); fh.write(l1e * 9)
PY
	q2_oracle hot-cluster-$rb hot$rb.qcow2
done

# many internal snapshots: every count above 15
qemu-img create -q -f qcow2 many.qcow2 16M
qemu-io -c 'write -P 1 0 2M' many.qcow2 >/dev/null
for i in $(seq 20); do qemu-img snapshot -c s$i many.qcow2; done
qemu-io -c 'write -P 2 0 64k' many.qcow2 >/dev/null
q2_oracle many-snapshots many.qcow2
q2_poke16 many.qcow2 $(($(q2_refblock many.qcow2 0) + 2 * 12)) 3
q2_oracle many-snapshots-refcount many.qcow2

# virtual sizes QEMU never creates: not a multiple of 512, and 0
for sz in 1000 0; do
	qemu-img create -q -f qcow2 -o cluster_size=512 odd$sz.qcow2 1M
	q2_poke64 odd$sz.qcow2 24 $sz
	q2_oracle virtual-size-$sz odd$sz.qcow2
done
ts_finalize
