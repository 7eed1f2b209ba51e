# SPDX-License-Identifier: GPL-2.0-or-later
# tests/images/q2lib.sh: make qcow2 images at test time with qemu-img/qemu-io and
# corrupt copies by poking bytes (QEMU iotests 060 style). Sourced by
# tests/ts/qcow2/*.sh and bench/qcow2-*.sh; no image is ever committed.

# q2_hdr32 IMG OFF / q2_hdr64 IMG OFF: big-endian header field, in decimal.
q2_rd() {	# IMG OFF LEN
	od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n' | sed 's/^/0x/'
}
q2_hdr32() { echo $(($(q2_rd "$1" "$2" 4))); }
q2_hdr64() { echo $(($(q2_rd "$1" "$2" 8))); }

# q2_poke IMG OFF HEX: write the bytes of HEX (e.g. 8000000000050000) at OFF in place.
q2_poke() {
	local img=$1 off=$2 hex=$3 esc
	esc=$(printf '%s' "$hex" | sed 's/\(..\)/\\x\1/g')
	# shellcheck disable=SC2059
	printf "$esc" | dd of="$img" bs=1 seek="$off" conv=notrunc status=none
}
q2_poke64() { q2_poke "$1" "$2" "$(printf '%016x' "$3")"; }
q2_poke32() { q2_poke "$1" "$2" "$(printf '%08x' "$3")"; }
q2_poke16() { q2_poke "$1" "$2" "$(printf '%04x' "$3")"; }
q2_poke8() { q2_poke "$1" "$2" "$(printf '%02x' "$3")"; }

# Header fields (qcow2 spec offsets).
q2_l1_offset() { q2_hdr64 "$1" 40; }
q2_reftable_offset() { q2_hdr64 "$1" 48; }
q2_cluster_size() { echo $((1 << $(q2_hdr32 "$1" 20))); }
q2_snap_offset() { q2_hdr64 "$1" 64; }
# q2_l1e IMG I: L1 entry I; q2_l2e_off IMG I J: file offset of L2 entry J of L1 entry I.
q2_l1e() { q2_hdr64 "$1" $(($(q2_l1_offset "$1") + 8 * $2)); }
q2_l2_table() { echo $(($(q2_l1e "$1" "$2") & 0x00fffffffffffe00)); }
q2_l2e_off() { echo $(($(q2_l2_table "$1" "$2") + 8 * $3)); }
q2_refblock() { echo $(($(q2_hdr64 "$1" $(($(q2_reftable_offset "$1") + 8 * $2))) & ~0x1ff)); }

# q2_oracle NAME IMG [QEMU-IMG OPTIONS...]: verify IMG with vhv-qcow2 and with
# qemu-img check --output=json; the JSON documents and exit codes must be identical
# (vhv's "diagnoses" key, which qemu-img has no answer for, is left out).
# Sets Q2_RC to the exit code. With Q2_NOFILENAME=1 the "filename" line is dropped
# from both (qemu-img --image-opts prints a json: pseudo file name).
q2_oracle() {
	local name=$1 img=$2
	shift 2
	local qrc vrc qimg=$img
	[ $# -gt 0 ] && qimg=$1 && shift
	qemu-img check --output=json "$@" "$qimg" >"$TS_TMP/$name.qemu.json" 2>"$TS_TMP/$name.qemu.err"
	qrc=$?
	vhv-qcow2 verify --output=json "$img" >"$TS_TMP/$name.vhv.json" 2>"$TS_TMP/$name.vhv.err"
	vrc=$?
	Q2_RC=$vrc
	# vhv's diagnoses are beside qemu's keys (never the last: "format" follows)
	sed -i '/^    "diagnoses": \[$/,/^    \],$/d' "$TS_TMP/$name.vhv.json"
	if [ -n "${Q2_NOFILENAME:-}" ]; then
		sed -i '/"filename":/d' "$TS_TMP/$name.qemu.json" "$TS_TMP/$name.vhv.json"
	fi
	if [ "$qrc" != "$vrc" ]; then
		ts_fail "$name: exit code $vrc, qemu-img check says $qrc"
		sed 's/^/    qemu: /' "$TS_TMP/$name.qemu.err" | head -n 10
		sed 's/^/    vhv:  /' "$TS_TMP/$name.vhv.err" | head -n 10
	fi
	# qemu-img prints no JSON when the check cannot complete; vhv prints an error object.
	if [ -s "$TS_TMP/$name.qemu.json" ] &&
		! diff -u "$TS_TMP/$name.qemu.json" "$TS_TMP/$name.vhv.json" >"$TS_TMP/$name.diff"; then
		ts_fail "$name: JSON differs from qemu-img check's"
		sed 's/^/    /' "$TS_TMP/$name.diff" | head -n 30
	fi
	[ -n "${Q2_VERBOSE:-}" ] && echo "$name: rc=$vrc $(tr -d ' \n' <"$TS_TMP/$name.vhv.json")"
	return 0
}

# q2_hold IMG [QEMU-IO OPTIONS...]: a running QEMU holding IMG (qemu-io, read-write
# unless -r), its pid in Q2_HOLD_PID. Waits for its OFD locks in /proc/locks:
# polling with qemu-img check would take a lock itself and could make qemu-io
# fail to open the image (no writer at all).
q2_hold() {
	local img=$1 ino _
	shift
	qemu-io "$@" -c 'sleep 20000' "$img" >/dev/null 2>&1 &
	Q2_HOLD_PID=$!
	ino=$(stat -c %i "$img")
	for _ in $(seq 50); do
		grep -q ":$ino " /proc/locks && break
		sleep 0.1
	done
}

# q2_diag_ids IMG: the ids of verify's JSON "diagnoses", space separated ("" when none).
q2_diag_ids() {
	vhv-qcow2 verify --output=json "$1" | python3 -c '
import json, sys
print(" ".join(d["id"] for d in json.load(sys.stdin).get("diagnoses", [])))'
}
