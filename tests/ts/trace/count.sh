#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ts: heavy
# ts: serial
# ts: host amd
# vhv-trace counts exactly what tests/tools/kvm-exitgen does: N port-I/O and M
# MMIO exits on vCPU k and one HLT on every vCPU, attributed to the generator's
# pid and vCPU ids, in real mode and in long mode, with no event lost. Where the
# hardware exits are traced too (kvm_exit: SVM in the emulated AMD host, VMX),
# they are named from the vendor's table and counted exactly: N I/O-instruction
# exits on vCPU k and one HLT exit per vCPU; MMIO is a nested-page-fault (SVM)
# or EPT-misconfig (VMX) exit, at least M (first touches of guest memory fault
# too), and the host's interrupts add exits no one can predict.
. "$VHV_SRC/tests/lib.sh"
ts_need_root
ts_need_kvm
ts_need_cmd python3
. "$VHV_SRC/tests/ts/trace/trace.lib"

trace_start -J --ports --prometheus "$TS_TMP/vhv.prom"
gen real -c 3 -k 1 -n 5000 -m 300 --mode real
gen long -c 2 -k 0 -n 3000 -m 200 --mode long
gen one -c 1 -k 0 -n 1 -m 0 --mode long
trace_stop

# expected: vcpu k: IO=N MMIO=M HLT=1; other vcpus: HLT=1 only; ports: N outs to 0x10.
python3 - "$TS_TMP/trace.out" real:1:5000:300:3 long:0:3000:200:2 one:0:1:0:1 <<'PY' || ts_fail "counts differ"
import json, os, sys
doc = json.load(open(sys.argv[1]))
host = os.environ.get("TS_HOST", "")
# the hardware exit reasons of I/O instructions, HLT and MMIO, per vendor table
HW = {"svm": ("io", "hlt", "npf"), "vmx": ("IO_INSTRUCTION", "HLT", "EPT_MISCONFIG")}
bad = 0
if doc["lost"] != 0:
    print("lost events:", doc["lost"]); bad = 1
for spec in sys.argv[2:]:
    name, k, n, m, c = spec.split(":"); k, n, m, c = int(k), int(n), int(m), int(c)
    gen = dict(kv.split("=") for kv in open(name + ".gen").readline().split())
    pid = int(gen["pid"])
    want = {}
    for v in range(c):
        want[(v, "HLT")] = 1
    want[(k, "IO")] = n
    if m:
        want[(k, "MMIO")] = m
    got, hw = {}, {}
    for e in doc["exits"]:
        if e["pid"] != pid:
            continue
        if e["kind"] == "user":
            got[(e["vcpu"], e["reason"])] = got.get((e["vcpu"], e["reason"]), 0) + e["count"]
        else:
            key = (e["vcpu"], e["kind"], e["reason"])
            hw[key] = hw.get(key, 0) + e["count"]
    if got != want:
        print(f"{name}: exits got {sorted(got.items())}, want {sorted(want.items())}"); bad = 1
    isas = {isa for _, isa, _ in hw}
    if host == "amd" and isas != {"svm"}:
        print(f"{name}: hardware exits of kinds {isas}, want svm (kvm_amd)"); bad = 1
    for isa in isas & set(HW):
        io, hlt, mmio = HW[isa]
        for v in range(c):
            if hw.get((v, isa, hlt), 0) != 1:
                print(f"{name}: vCPU {v}: {hw.get((v, isa, hlt), 0)} {isa}:{hlt} exits, want 1"); bad = 1
        if hw.get((k, isa, io), 0) != n:
            print(f"{name}: {hw.get((k, isa, io), 0)} {isa}:{io} exits, want {n}"); bad = 1
        if hw.get((k, isa, mmio), 0) < m:
            print(f"{name}: {hw.get((k, isa, mmio), 0)} {isa}:{mmio} exits, want at least {m}"); bad = 1
    ports = {(p["vcpu"], p["kind"], p["access"], p["addr"]): p["count"] for p in doc["ports"] if p["pid"] == pid}
    wantp = {(k, "pio", "out", 16): n}
    if m:
        wantp[(k, "mmio", "write", 0x400000 if name != "real" else 0x10000)] = m
    if ports != wantp:
        print(f"{name}: ports got {ports}, want {wantp}"); bad = 1
    names = {e["vm"] for e in doc["exits"] if e["pid"] == pid}
    if names != {"kvm-exitgen"}:
        print(f"{name}: VM names {names}"); bad = 1
src = {s["name"]: s for s in doc["sources"]}
want_src = ["kvm:kvm_userspace_exit", "kvm:kvm_fpu", "kvm:kvm_pio", "kvm:kvm_mmio"]
if host == "amd":
    want_src += ["kvm:kvm_exit", "kvm:kvm_entry"]
for s in want_src:
    if not src[s]["attached"]:
        print(s, "not attached"); bad = 1
sys.exit(bad)
PY

# The Prometheus textfile (written at the end, atomically) carries the same counts.
pid=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$TS_TMP/real.gen")
ts_assert_grep "^vhv_trace_exits_total\\{pid=\"$pid\",vm=\"kvm-exitgen\",vcpu=\"1\",kind=\"user\",reason=\"IO\"\\} 5000\$" \
	"$TS_TMP/vhv.prom" "the Prometheus textfile"
ts_assert_grep '^vhv_trace_lost_events_total 0$' "$TS_TMP/vhv.prom" "the Prometheus textfile"

# --vcpu: the filter is applied in the kernel; only vCPU 1's exits are counted,
# user and hardware ones alike.
trace_start -J --vcpu 1
gen vf -c 3 -k 1 -n 500 -m 0 --mode long
trace_stop
python3 - "$TS_TMP/trace.out" "$TS_TMP/vf.gen" <<'PY' || ts_fail "--vcpu 1 counted other vCPUs or missed exits"
import json, sys
doc = json.load(open(sys.argv[1]))
pid = int(dict(kv.split("=") for kv in open(sys.argv[2]).readline().split())["pid"])
mine = [e for e in doc["exits"] if e["pid"] == pid]
vcpus = {e["vcpu"] for e in mine}
user = {e["reason"]: e["count"] for e in mine if e["kind"] == "user"}
print("vCPUs", vcpus, "user exits", user)
sys.exit(not (vcpus == {1} and user == {"IO": 500, "HLT": 1}))
PY
ts_finalize
