#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verify --backing-chain (issue 16): every layer of chains made by qemu-img
# (create -b, commit, rebase -u), each layer's JSON equal to qemu-img check's on
# that file, and the chain findings: a missing backing file, a loop, a recorded
# format that is not the file's, no recorded format, a backing file larger than
# its overlay (swapped for another), a layer a running QEMU writes.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img qemu-io python3
cd "$TS_TMP" || exit 1

# layers NAME: each layer of NAME.json (vhv's) equals qemu-img check --output=json of its file
layers() {
	local f i=0
	for f in $(python3 -c 'import json,sys; [print(l["filename"]) for l in json.load(open(sys.argv[1]))["layers"]]' "$1.json"); do
		qemu-img check --output=json "$f" >"$1.q$i.json" 2>/dev/null
		python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["layers"][int(sys.argv[3])] != json.load(open(sys.argv[2])))' \
			"$1.json" "$1.q$i.json" "$i" || ts_fail "$1: layer $i ($f) differs from qemu-img check"
		i=$((i + 1))
	done
	ts_assert_eq "$1: layers" "$i" "$2"
}
# chain NAME RC IMG [OPTIONS]: verify --backing-chain --output=json, exit code RC
chain() {
	local n=$1 rc=$2 img=$3
	shift 3
	vhv-qcow2 verify --backing-chain --output=json "$@" "$img" >"$n.json" 2>"$n.err"
	ts_assert_eq "$n: exit code" "$?" "$rc"
}
# finding NAME ID SEVERITY: the chain holds that finding
finding() {
	python3 -c 'import json,sys; sys.exit(not any(f["id"] == sys.argv[2] and f["severity"] == sys.argv[3] for f in json.load(open(sys.argv[1]))["chain"]))' \
		"$1.json" "$2" "$3" || ts_fail "$1: no $3 finding $2 in $(tr -d '\n' <"$1.json")"
}

qemu-img create -q -f qcow2 base.qcow2 16M
qemu-io -c 'write -P 1 0 1M' base.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 mid.qcow2
qemu-io -c 'write -P 2 512k 1M' mid.qcow2 >/dev/null
mkdir sub
qemu-img create -q -f qcow2 -b ../mid.qcow2 -F qcow2 sub/top.qcow2
qemu-io -c 'write -P 3 4M 64k' sub/top.qcow2 >/dev/null

# 1. a healthy chain, the backing name relative to the overlay's directory
chain healthy 0 sub/top.qcow2
layers healthy 3
ts_assert_eq "healthy: findings" "$(python3 -c 'import json; print(len(json.load(open("healthy.json"))["chain"]))')" 0
ts_golden healthy vhv-qcow2 verify --backing-chain sub/top.qcow2
# without --backing-chain only the named image, as qemu-img check
q2_oracle top-only sub/top.qcow2

# 2. after qemu-img commit the chain is still whole
cp base.qcow2 cbase.qcow2
qemu-img create -q -f qcow2 -b cbase.qcow2 -F qcow2 cmid.qcow2
qemu-io -c 'write -P 5 0 128k' cmid.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b cmid.qcow2 -F qcow2 ctop.qcow2
qemu-io -c 'write -P 6 2M 128k' ctop.qcow2 >/dev/null
qemu-img commit -q ctop.qcow2
chain commit 0 ctop.qcow2
layers commit 3

# 3. a corruption in a backing layer counts (qemu-img check of the top says nothing)
cp base.qcow2 xbase.qcow2
qemu-img create -q -f qcow2 -b xbase.qcow2 -F qcow2 xtop.qcow2
q2_poke16 xbase.qcow2 $(($(q2_refblock xbase.qcow2 0) + 2 * 6)) 0
chain corrupt-base 2 xtop.qcow2
layers corrupt-base 2

# 4. the backing file is gone
qemu-img create -q -f qcow2 gbase.qcow2 16M
qemu-img create -q -f qcow2 -b gbase.qcow2 -F qcow2 gtop.qcow2
rm gbase.qcow2
chain missing 2 gtop.qcow2
finding missing backing.missing fail

# 5. rebase -u makes a loop: base -> top
cp base.qcow2 lbase.qcow2
qemu-img create -q -f qcow2 -b lbase.qcow2 -F qcow2 ltop.qcow2
qemu-img rebase -u -b ltop.qcow2 -F qcow2 lbase.qcow2
chain loop 2 ltop.qcow2
finding loop backing.loop fail
ts_golden loop vhv-qcow2 verify --backing-chain ltop.qcow2

# 6. recorded raw, but the file is qcow2: QEMU would show the guest qcow2 metadata
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 ftop.qcow2
qemu-img rebase -u -b base.qcow2 -F raw ftop.qcow2
chain format 2 ftop.qcow2
finding format backing.format fail

# 7. no backing format recorded (the extension's type poked to an unknown one)
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 utop.qcow2
ts_assert_eq "backing format extension" "$(q2_hdr32 utop.qcow2 112)" $((0xe2792aca))
q2_poke32 utop.qcow2 112 $((0x12345678))
chain unrecorded 0 utop.qcow2
finding unrecorded backing.unrecorded warn
chain unrecorded-strict 2 utop.qcow2 --strict

# 8. the backing file swapped for a larger one of the same name
qemu-img create -q -f qcow2 sbase.qcow2 16M
qemu-img create -q -f qcow2 -b sbase.qcow2 -F qcow2 stop.qcow2
qemu-img create -q -f qcow2 sbase.qcow2 1G
chain swapped 0 stop.qcow2
finding swapped backing.size warn
# and a raw backing file, which ends the chain
qemu-img create -q -f raw rbase.raw 16M
qemu-img create -q -f qcow2 -b rbase.raw -F raw rtop.qcow2
chain raw 0 rtop.qcow2
ts_assert_grep '"format": "raw"' raw.json "raw: the raw layer"

# 9. a backing layer a running QEMU holds for writing (qemu-io, read-write)
cp base.qcow2 kbase.qcow2
qemu-img create -q -f qcow2 -b kbase.qcow2 -F qcow2 ktop.qcow2
q2_hold kbase.qcow2
qpid=$Q2_HOLD_PID
ts_expect_rc 1 vhv-qcow2 verify --backing-chain ktop.qcow2
ts_assert_grep "Could not open 'kbase.qcow2': Failed to get shared \"write\" lock" "$TS_ERR" "locked layer"
ts_expect_rc 0 vhv-qcow2 verify --backing-chain -U ktop.qcow2
kill "$qpid" 2>/dev/null
wait "$qpid" 2>/dev/null
ts_finalize
