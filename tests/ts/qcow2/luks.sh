#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ts: serial
# LUKS-encrypted qcow2: the metadata is not encrypted, so vhv-qcow2 verifies it
# without the key; qemu-img check (the oracle) needs the secret.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img qemu-io python3
cd "$TS_TMP" || exit 1

# qemu's LUKS iteration calibration can fail on a loaded machine: retry
for it in 1000 2000 1000 2000 1000 2000 1000 2000 1000 2000 1000 2000; do
	qemu-img create -q -f qcow2 --object secret,id=s0,data=pw \
		-o encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=$it luks.qcow2 16M \
		2>/dev/null && break
	rm -f luks.qcow2
	sleep 0.2
done
[ -f luks.qcow2 ] || ts_skip "qemu-img could not create a LUKS image (iteration calibration failed)"
OPTS=(driver=qcow2,file.filename=luks.qcow2,encrypt.key-secret=s0 --object secret,id=s0,data=pw --image-opts)
qemu-io --object secret,id=s0,data=pw --image-opts \
	driver=qcow2,file.filename=luks.qcow2,encrypt.key-secret=s0 -c 'write -P 1 0 300k' >/dev/null
Q2_NOFILENAME=1 q2_oracle luks luks.qcow2 "${OPTS[@]}"
ts_assert_eq "LUKS exit code" "$Q2_RC" 0
ts_expect_rc 0 vhv-qcow2 info luks.qcow2
# info without the key == qemu-img info with it (LUKS header: cipher, slots, ...)
vhv-qcow2 info --output=json luks.qcow2 >v.json
qemu-img info --output=json -U --object secret,id=s0,data=pw --image-opts \
	driver=qcow2,file.filename=luks.qcow2,encrypt.key-secret=s0 >q.json
python3 - q.json v.json <<'PY' || ts_fail "info differs from qemu-img info"
import json, sys
q, v = (json.load(open(f)) for f in sys.argv[1:3])
bad = [k for k in q if k != "filename" and q[k] != v.get(k)]
print("differs:", bad) if bad else None
sys.exit(1 if bad else 0)
PY
q2_poke16 luks.qcow2 $(($(q2_refblock luks.qcow2 0) + 2 * 3)) 0
Q2_NOFILENAME=1 q2_oracle luks-corrupt luks.qcow2 "${OPTS[@]}"
ts_assert_eq "LUKS corruption exit code" "$Q2_RC" 2
ts_finalize
