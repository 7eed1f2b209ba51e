#!/bin/bash
# An offline root (a broken host's disk: files, no .vhv/, no /proc or /sys):
# everything that needs the running kernel says SKIP with a reason; nothing crashes.
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
assert live, "no live-only checks reported"
for f in live:
    assert f["severity"] == "skip", f
    assert f["message"], f
PY
ts_finalize
