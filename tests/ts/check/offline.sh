#!/bin/bash
# An offline root (a broken host's disk: files, no .vhv/, no /proc or /sys):
# what needs the running kernel is said once per table (a "sysroot" SKIP naming
# the checks), not once per check; nothing crashes.
. "$VHV_SRC/tests/lib.sh"
mkdir -p "$TS_TMP/disk/etc" "$TS_TMP/disk/boot"
echo "debian-host" >"$TS_TMP/disk/etc/hostname"
ts_run vhv-check --sysroot "$TS_TMP/disk" -J
case $TS_RC in 0|2|3) ;; *) ts_fail "exit $TS_RC on an offline root"; cat "$TS_ERR" ;; esac
python3 - "$TS_OUT" <<'PY' || ts_fail "offline JSON"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["findings"], "no findings"
live = [f for f in doc["findings"] if f["check"] in ("kvm.probe", "cpu.guest", "cpu.firmware")]
assert not live, live
once = [f for f in doc["findings"] if f["check"] == "sysroot"]
assert once and all(f["severity"] == "skip" for f in once), once
said = " ".join(f["message"] for f in once)
for c in ("kvm.probe", "cpu.guest", "cpu.firmware", "boot.running"):
    assert c in said, (c, said)
PY
ts_finalize
