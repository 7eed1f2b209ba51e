#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verify == qemu-img check (the oracle) on real images covering every feature:
# v2/v3, cluster sizes 512 B..2 MiB, refcount widths 1..64, extended L2,
# zlib/zstd compression, internal snapshots, bitmaps, external data files (raw
# and not), backing chains, lazy refcounts with the dirty bit, preallocation.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img qemu-io
cd "$TS_TMP" || exit 1

mk() { qemu-img create -q -f qcow2 "$@" || ts_fail "qemu-img create $*"; }
io() { qemu-io "$@" >/dev/null || ts_fail "qemu-io $*"; }

for v in 0.10 1.1; do
	mk -o compat=$v v$v.qcow2 16M
	io -c 'write -P 1 0 200k' -c 'write -z 1M 128k' -c 'write -P 2 4M 64k' v$v.qcow2
	q2_oracle compat-$v v$v.qcow2
done
for cs in 512 4k 64k 2M; do
	mk -o cluster_size=$cs c$cs.qcow2 8M
	io -c 'write -P 1 0 70k' -c 'write -P 2 3M 1k' -c "write -c -P 3 6M $cs" c$cs.qcow2
	q2_oracle cluster-$cs c$cs.qcow2
done
for rb in 1 2 4 8 16 32 64; do
	mk -o refcount_bits=$rb,cluster_size=4k r$rb.qcow2 8M
	io -c 'write -P 1 0 100k' -c 'write -P 1 5M 12k' r$rb.qcow2
	q2_oracle refcount-bits-$rb r$rb.qcow2
done
for cs in 64k 2M; do
	mk -o extended_l2=on,cluster_size=$cs x$cs.qcow2 32M
	io -c 'write -P 1 0 4k' -c 'write -P 1 100k 8k' -c 'write -z 1M 64k' -c 'discard 8M 4M' x$cs.qcow2
	q2_oracle extended-l2-$cs x$cs.qcow2
done
for ct in zlib zstd; do
	mk -o compression_type=$ct z$ct.qcow2 16M
	io -c 'write -c -P 3 0 64k' -c 'write -c -P 4 128k 64k' -c 'write -P 5 1M 64k' z$ct.qcow2
	q2_oracle compressed-$ct z$ct.qcow2
done
# L2 tables allocated in reverse guest order (the reader sorts them by offset)
mk -o cluster_size=4k rev.qcow2 16M
io -c 'write -P 1 14M 8k' -c 'write -P 2 9M 8k' -c 'write -P 3 5M 4k' -c 'write -P 4 0 4k' rev.qcow2
q2_oracle reverse-l2 rev.qcow2
qemu-img snapshot -c s1 rev.qcow2
io -c 'write -P 5 13M 4k' -c 'write -P 6 3M 4k' rev.qcow2
q2_oracle reverse-l2-snapshot rev.qcow2
# internal snapshots, with copy-on-write between them
mk sn.qcow2 16M
io -c 'write -P 1 0 1M' sn.qcow2
qemu-img snapshot -c s1 sn.qcow2
io -c 'write -P 2 0 64k' sn.qcow2
qemu-img snapshot -c s2 sn.qcow2
qemu-img snapshot -c s3 sn.qcow2
io -c 'write -P 5 512k 64k' sn.qcow2
q2_oracle snapshots sn.qcow2
qemu-img snapshot -d s2 sn.qcow2
q2_oracle snapshot-deleted sn.qcow2
# persistent bitmaps
mk bm.qcow2 16M
io -c 'write -P 1 0 1M' bm.qcow2
qemu-img bitmap --add bm.qcow2 b0
qemu-img bitmap --add -g 512 bm.qcow2 b1
qemu-img bitmap --add --disable bm.qcow2 b2
q2_oracle bitmaps bm.qcow2
# external data files, raw and not
mk -o data_file=df.raw df.qcow2 16M
io -c 'write -P 1 0 1M' -c 'write -z 2M 64k' df.qcow2
q2_oracle data-file df.qcow2
mk -o data_file=dfr.raw,data_file_raw=on dfr.qcow2 16M
io -c 'write -P 1 0 1M' dfr.qcow2
q2_oracle data-file-raw dfr.qcow2
# a backing chain: only the named image is checked
mk base.qcow2 16M
io -c 'write -P 1 0 2M' base.qcow2
mk -b base.qcow2 -F qcow2 top.qcow2
io -c 'write -P 2 1M 64k' top.qcow2
q2_oracle backing-top top.qcow2
# lazy refcounts, process killed: dirty bit set, refcounts stale (iotests 039)
mk -o lazy_refcounts=on lazy.qcow2 16M
qemu-io -c 'write -P 1 0 1M' -c "sigraise $(kill -l KILL)" lazy.qcow2 >/dev/null 2>&1
[ "$(($(q2_hdr64 lazy.qcow2 72) & 1))" = 1 ] || ts_fail "lazy.qcow2: dirty bit not set"
q2_oracle lazy-dirty lazy.qcow2
# preallocation
for p in metadata falloc full; do
	mk -o preallocation=$p p$p.qcow2 64M
	q2_oracle prealloc-$p p$p.qcow2
done
mk -o preallocation=metadata,cluster_size=512 pm512.qcow2 16M
q2_oracle prealloc-metadata-512 pm512.qcow2
ts_finalize
