#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/qcow2-check.sh: vhv-qcow2 verify vs qemu-img check, side by side, on the
# same images, warm page cache: wall time (best of N runs) and peak RSS
# (/usr/bin/time -v), the ratios, and whether the JSON results are identical.
#
#   bench/qcow2-check.sh [--build DIR] [--dir SCRATCH] [--runs N] [--keep] [--quick]
#                        [--bombs [--qemu-limit S]]
#
# Images (sparse files, preallocation=metadata so every L2 table exists):
#   1 TiB, 64 KiB clusters;  8 TiB, 64 KiB clusters;  4 GiB, 512-byte clusters;
#   1 TiB, 64 KiB clusters with 2 internal snapshots (every L2 table shared:
#   refcounts of 3, the path off the bulk fast path).
# Then a backing chain of three layers of 1 TiB: that base, and two overlays
# with extended L2 entries and preallocation=metadata (qemu-img allows both
# together only so), every layer fully mapped: `verify --backing-chain TOP`
# against `qemu-img check` on each layer (qemu-img checks one file): summed
# wall time, the largest peak RSS, every layer's JSON compared.
# They need ~0.2 + 1.3 + 0.6 + 0.2 + 0.5 GB of real disk space and are
# removed at the end unless --keep. --quick uses 64 GiB / 512 GiB / 256 MiB /
# 64 GiB, and 64 GiB layers.
#
# --bombs instead times the reference bombs of issue 17 (tests/images/q2bomb.py:
# tiny files whose metadata claims 2^24 and more references) and the cost of
# messages (a 64 GiB image with one refcount block zeroed: 65,535 corruptions,
# --max-messages 16000). qemu-img runs at most --qemu-limit seconds (default
# 120) per image; a longer run is reported as ">LIMIT".
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build dir=${TMPDIR:-/var/tmp}/vhv-bench-qcow2 runs=3 keep=0 quick=0 bombs=0 qlimit=120
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--quick) quick=1; shift ;;
	--bombs) bombs=1; shift ;;
	--qemu-limit) qlimit=$2; shift 2 ;;
	-h|--help) sed -n '3,20p' "$0"; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 1 ;;
	esac
done
vhv=$(cd "$build" && pwd)/vhv-qcow2
[ -x "$vhv" ] || { echo "no $vhv: build first (make O=$build)" >&2; exit 1; }
for c in qemu-img /usr/bin/time python3; do
	command -v "$c" >/dev/null || { echo "$c is needed (scripts/install-deps.sh bench)" >&2; exit 1; }
done
mkdir -p "$dir"
[ "$keep" = 1 ] || trap 'rm -f "$dir"/bench-*.qcow2 "$dir"/bomb-*.qcow2 "$dir"/chain-*.qcow2 "$dir"/*.json "$dir"/*.time' EXIT

if [ "$quick" = 1 ]; then
	sets=("64k 64G" "64k 512G" "512 256M" "64k 64G 2") chain=64G
else
	sets=("64k 1T" "64k 8T" "512 4G" "64k 1T 2") chain=1T
fi

# measure OUT CMD...: best wall time (s) and its peak RSS (KiB) over $runs runs.
measure() {
	local out=$1 best= rss= i w m t0 t1
	shift
	"$@" >"$out" 2>/dev/null || true	# warm the page cache
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s.%N)
		/usr/bin/time -v -o "$dir/t.time" "$@" >"$out" 2>/dev/null || true
		t1=$(date +%s.%N)
		w=$(awk "BEGIN {print $t1 - $t0}")
		m=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/t.time")
		if [ -z "$best" ] || awk "BEGIN {exit !($w < $best)}"; then best=$w rss=$m; fi
	done
	echo "$best $rss"
}

if [ "$bombs" = 1 ]; then
	. "$src/tests/images/q2lib.sh"
	printf '%-34s %10s %9s %9s  %s\n' image "qemu s" "vhv s" speed counts
	# name | q2bomb.py arguments, or "msgs" for the message-cost image | vhv options
	for b in "recipe: 2048 x 8192, 64-bit|--l1 2048" "recipe, 16-bit refcounts|--refcount-order 4" \
		"recipe + 65,535 snapshots|--snapshots 65535" \
		"4,096 overlapping snapshot L1s|--cluster-bits 9 --l1 65536 --snapshots 4096 --overlap 1024" \
		"64G, 65,535 errors, 16,000 kept|msgs|--max-messages 16000"; do
		IFS='|' read -r name args vopt <<<"$b"
		img=$dir/bomb-$(echo "$name" | tr -c 'a-z0-9\n' _).qcow2
		if [ "$args" = msgs ]; then
			qemu-img create -q -f qcow2 -o preallocation=metadata "$img" 64G
			rb=$(q2_refblock "$img" 1)
			dd if=/dev/zero of="$img" bs=65536 seek=$((rb / 65536)) count=1 conv=notrunc status=none
		else
			# shellcheck disable=SC2086
			python3 "$src/tests/images/q2bomb.py" "$img" $args >/dev/null
		fi
		t0=$(date +%s.%N)
		qrc=0
		timeout "$qlimit" qemu-img check --output=json "$img" >"$dir/q.json" 2>/dev/null || qrc=$?
		t1=$(date +%s.%N)
		qw=$(awk "BEGIN {print $t1 - $t0}")
		t0=$(date +%s.%N)
		# shellcheck disable=SC2086
		"$vhv" verify --output=json --no-progress $vopt "$img" >"$dir/v.json" 2>/dev/null || true
		t1=$(date +%s.%N)
		vw=$(awk "BEGIN {print $t1 - $t0}")
		if [ "$qrc" = 124 ]; then
			printf '%-34s %10s %9.2f %8s  %s\n' "$name" ">$qlimit" "$vw" \
				">$(awk "BEGIN {printf \"%d\", $qlimit / ($vw > 0 ? $vw : 0.001)}")x" "qemu-img stopped"
		else
			same=identical
			# vhv's diagnoses are beside qemu-img's keys: compared without them
			sed -i '/^    "diagnoses": \[$/,/^    \],$/d' "$dir/v.json"
			cmp -s "$dir/q.json" "$dir/v.json" || same=DIFFERENT
			printf '%-34s %10.2f %9.2f %8s  %s\n' "$name" "$qw" "$vw" \
				"$(awk "BEGIN {printf \"%.1fx\", $qw / ($vw > 0 ? $vw : 0.001)}")" "$same"
		fi
		rm -f "$img"
	done
	echo "wall time of one warm run each; speed = qemu-img / vhv"
	exit 0
fi

printf '%-28s %9s %9s %7s %10s %10s %7s  %s\n' image "qemu s" "vhv s" speed "qemu MiB" "vhv MiB" mem counts
for s in "${sets[@]}"; do
	read -r cs size snaps <<<"$s"
	snaps=${snaps:-0}
	img=$dir/bench-$size-$cs-s$snaps.qcow2
	if [ ! -f "$img" ]; then
		qemu-img create -q -f qcow2 -o cluster_size=$cs,preallocation=metadata "$img" "$size"
		for ((k = 1; k <= snaps; k++)); do qemu-img snapshot -c "s$k" "$img"; done
	fi
	read -r qw qm <<<"$(measure "$dir/q.json" qemu-img check --output=json "$img")"
	read -r vw vm <<<"$(measure "$dir/v.json" "$vhv" verify --output=json --no-progress "$img")"
	same=identical
	cmp -s "$dir/q.json" "$dir/v.json" || same=DIFFERENT
	printf '%-28s %9.2f %9.2f %6.1fx %10.1f %10.1f %6.2fx  %s\n' \
		"$size, $cs clusters$([ "$snaps" = 0 ] || echo ", $snaps snap")" "$qw" "$vw" \
		"$(awk "BEGIN {print $qw / ($vw > 0 ? $vw : 0.001)}")" "$(awk "BEGIN {print $qm / 1024}")" \
		"$(awk "BEGIN {print $vm / 1024}")" "$(awk "BEGIN {print $vm / $qm}")" "$same"
done

# the chain: base <- mid <- top, each $chain, every cluster mapped
for l in base mid top; do
	img=$dir/chain-$chain-$l.qcow2
	[ -f "$img" ] && continue
	case $l in
	base) qemu-img create -q -f qcow2 -o preallocation=metadata "$img" "$chain" ;;
	mid) qemu-img create -q -f qcow2 -b "chain-$chain-base.qcow2" -F qcow2 \
		-o extended_l2=on,preallocation=metadata "$img" "$chain" ;;
	top) qemu-img create -q -f qcow2 -b "chain-$chain-mid.qcow2" -F qcow2 \
		-o extended_l2=on,preallocation=metadata "$img" "$chain" ;;
	esac
done
qw=0 qm=0
for l in top mid base; do
	read -r w m <<<"$(measure "$dir/q-$l.json" qemu-img check --output=json "$dir/chain-$chain-$l.qcow2")"
	qw=$(awk "BEGIN {print $qw + $w}")
	[ "$m" -gt "$qm" ] && qm=$m
done
read -r vw vm <<<"$(measure "$dir/v.json" "$vhv" verify --backing-chain --output=json --no-progress \
	"$dir/chain-$chain-top.qcow2")"
# each layer's ImageCheck as qemu-img's, and no chain-level finding
same=$(python3 - "$dir/v.json" "$dir"/q-{top,mid,base}.json <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
q = [json.load(open(f)) for f in sys.argv[2:]]
print("identical" if v["layers"] == q and not v["chain"] else "DIFFERENT")
PY
)
printf '%-28s %9.2f %9.2f %6.1fx %10.1f %10.1f %6.2fx  %s\n' \
	"chain of 3 x $chain" "$qw" "$vw" \
	"$(awk "BEGIN {print $qw / ($vw > 0 ? $vw : 0.001)}")" "$(awk "BEGIN {print $qm / 1024}")" \
	"$(awk "BEGIN {print $vm / 1024}")" "$(awk "BEGIN {print $vm / $qm}")" "$same"
echo "speed = qemu-img wall time / vhv wall time; mem = vhv peak RSS / qemu-img peak RSS"
echo "chain: qemu-img check on each layer, times summed, the largest RSS; vhv verify --backing-chain"
echo "targets: speed >= 3x (>= 5x with 512-byte clusters), mem <= 0.125x, counts identical"
