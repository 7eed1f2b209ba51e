#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ts: heavy
# Big sparse images with every L2 table present (preallocation=metadata), clean
# and with a refcount corrupted near the end: verify == qemu-img check.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img
cd "$TS_TMP" || exit 1

for spec in "64k 1T" "2M 1T" "512 512M"; do
	read -r cs size <<<"$spec"
	img=big-$size-$cs.qcow2
	qemu-img create -q -f qcow2 -o cluster_size=$cs,preallocation=metadata "$img" "$size" ||
		{ ts_fail "cannot create $img"; continue; }
	q2_oracle "$size-$cs" "$img"
	# the refcount of the last cluster of the file (16-bit refcounts)
	bits=$(q2_hdr32 "$img" 20)
	last=$((($(stat -c %s "$img") - 1) >> bits)) per_rb=$((1 << (bits - 1)))
	rb=$(q2_refblock "$img" $((last / per_rb)))
	q2_poke16 "$img" $((rb + 2 * (last % per_rb))) 7
	q2_oracle "$size-$cs-corrupt" "$img"
	[ "$Q2_RC" = 0 ] && ts_fail "$img: the corruption was not found"
	rm -f "$img"
done
ts_finalize
