#!/bin/bash
# ts: host amd
# Live: the functional /dev/kvm probe really runs a guest on this machine.
# JSON must say the probe ran, the first exit was HLT (5), and the backend is
# the one the loaded vendor module gives (PVM on the kvm_pvm host vhv is
# developed on, where virt-host-validate and kvm-ok say KVM is unusable).
. "$VHV_SRC/tests/lib.sh"
ts_need_kvm
ts_need_cmd python3

ts_run vhv-check host --checks kvm -J
cp "$TS_OUT" "$TS_TMP/live.json"
want=
if [ -d /sys/module/kvm_pvm ]; then want=PVM
elif [ -d /sys/module/kvm_intel ]; then want=VMX
elif [ -d /sys/module/kvm_amd ]; then want=SVM
fi
got=$(python3 - "$TS_TMP/live.json" "$want" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = [f for f in d["findings"] if f["check"] == "kvm.probe"]
if not p:
    print("no kvm.probe finding"); sys.exit(0)
p = p[0]
want = sys.argv[2]
be = p.get("backend") or ""
# Several vendor modules may be loaded ("VMX+PVM"): the expected one must be among them.
print(p["severity"], p.get("ran"), p.get("exit"), p.get("exit_reason"), p.get("api_version"),
      want if want in be.split("+") else be)
PY
)
ts_assert_eq "kvm.probe (severity ran exit exit_reason api backend)" "$got" "pass True HLT 5 12 $want"
ts_run vhv-check host --checks kvm.probe
ts_assert_grep "^PASS  kvm.probe +KVM works: a test guest ran to its HLT exit in [0-9.]+ ms" "$TS_OUT" "human kvm.probe"
# As an unprivileged user on a device it may not open: a WARN with the reason, and the
# functional probe SKIPs rather than failing.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
	! setpriv --reuid=65534 --regid=65534 --clear-groups test -w /dev/kvm; then
	ts_run setpriv --reuid=65534 --regid=65534 --clear-groups "$VHV_BUILD/vhv-check" host \
		--checks kvm.dev,kvm.probe
	ts_assert_grep "^WARN  kvm.dev +/dev/kvm \(10:232, mode 0[0-7]+\) is not read-write for uid 65534" \
		"$TS_OUT" "kvm.dev as uid 65534"
	ts_assert_grep "^SKIP  kvm.probe +/dev/kvm is not read-write for uid 65534" "$TS_OUT" \
		"kvm.probe as uid 65534"
fi
ts_finalize
