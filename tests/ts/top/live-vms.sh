#!/bin/bash
# ts: heavy
# ts: serial
# ts: host amd
# Real VMs: a KVM guest with debug-threads, one without (vCPUs found from the
# KVM_RUN syscall), and a TCG guest. Every VM and vCPU thread must appear with
# the right name and index: QMP query-cpus-fast gives the truth (thread id per
# cpu index). EXITS/s counts their exits (BPF). Then a VM exits while vhv-top
# refreshes.
. "$VHV_SRC/tests/lib.sh"
ts_need_root
ts_need_kvm
ts_need_cmd qemu-system-x86_64 python3

pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT

# start NAME ACCEL NAMEOPT: a tiny VM with a QMP socket; its pid is appended to pids
start() {
	local name=$1 accel=$2 nameopt=$3
	qemu-system-x86_64 -accel "$accel" -name "$nameopt" -smp 2 -m 64 -nodefaults -display none \
		-qmp "unix:$TS_TMP/$name.qmp,server=on,wait=off" -daemonize -pidfile "$TS_TMP/$name.pid" \
		2>"$TS_TMP/$name.log" || { cat "$TS_TMP/$name.log"; ts_skip "qemu -accel $accel did not start"; }
	pids+=("$(cat "$TS_TMP/$name.pid")")
}
start vt-dbg kvm guest=vt-dbg,debug-threads=on
start vt-nodbg kvm guest=vt-nodbg
start vt-tcg tcg guest=vt-tcg,debug-threads=on
sleep 1

# up to 3 tries: a vCPU busy in guest mode can hide from the syscall source for a moment
for try in 1 2 3; do
	vhv-top -J -c 2 -i 0.3 --no-bpf -o pid,tid,vcpu,accel,source,name >"$TS_TMP/top.json" 2>"$TS_TMP/top.err"
	ok=1
	for vm in vt-dbg vt-nodbg vt-tcg; do
		python3 "$(dirname "$0")/qmp-cpus.py" "$TS_TMP/$vm.qmp" | sort -n >"$TS_TMP/$vm.qmp.txt"
		python3 - "$TS_TMP/top.json" "$vm" "$(cat "$TS_TMP/$vm.pid")" >"$TS_TMP/$vm.top.txt" <<'PY'
import json, sys
doc = json.loads(open(sys.argv[1]).read().splitlines()[-1])
for v in doc['vms']:
    if v['name'] == sys.argv[2]:
        assert v['pid'] == int(sys.argv[3]), (v['pid'], sys.argv[3])
        print('#', v['accel'], v['source'])
        for c in sorted(v['vcpus'], key=lambda c: c['vcpu']):
            print(c['vcpu'], c['tid'])
PY
		sed '/^#/d' "$TS_TMP/$vm.top.txt" | cmp -s - "$TS_TMP/$vm.qmp.txt" || ok=0
	done
	[ $ok = 1 ] && break
done
for vm in vt-dbg vt-nodbg vt-tcg; do
	if ! sed '/^#/d' "$TS_TMP/$vm.top.txt" | cmp -s - "$TS_TMP/$vm.qmp.txt"; then
		ts_fail "$vm: vhv-top's vCPU threads differ from QMP query-cpus-fast"
		echo "  vhv-top:"; sed 's/^/    /' "$TS_TMP/$vm.top.txt"
		echo "  QMP:"; sed 's/^/    /' "$TS_TMP/$vm.qmp.txt"
	fi
	[ -s "$TS_TMP/$vm.qmp.txt" ] || ts_fail "$vm: QMP returned no vCPUs"
done
ts_assert_eq "vt-dbg accel/name source" "$(head -n 1 "$TS_TMP/vt-dbg.top.txt")" "# KVM cmdline"
ts_assert_eq "vt-tcg shown as TCG" "$(head -n 1 "$TS_TMP/vt-tcg.top.txt")" "# TCG cmdline"
ts_assert_eq "vt-nodbg accel/name source" "$(head -n 1 "$TS_TMP/vt-nodbg.top.txt")" "# KVM cmdline"
# Without thread names, vCPU threads come from the kernel: KVM's debugfs (vcpuN/pid) where
# it can be read, else the thread blocked in the KVM_RUN ioctl (debugfs is unreadable under
# lockdown, as on the PVM build machine; readable in the emulated AMD host).
python3 - "$TS_TMP/top.json" <<'PY' || ts_fail "vt-nodbg's vCPUs were not found from KVM's debugfs or the KVM_RUN syscall"
import json, sys
doc = json.loads(open(sys.argv[1]).read().splitlines()[-1])
vm = [v for v in doc["vms"] if v["name"] == "vt-nodbg"][0]
srcs = {c["source"] for c in vm["vcpus"]}
print("vt-nodbg vCPU sources:", srcs)
sys.exit(not srcs or not srcs <= {"debugfs", "syscall"})
PY
# batch text shows the TCG guest as such
ts_run vhv-top -b -c 1 -i 0.2 --no-bpf -Q vt-tcg
ts_assert_grep 'vt-tcg \[TCG\]' "$TS_OUT"

# EXITS/s from BPF: a number per vCPU when BPF loads, else from KVM's
# statistics (a note says so), else hidden with a note.
# Guests without a disk exit in bursts (SeaBIOS boot tries, idle between them):
# sample again while a whole second shows none.
ok=0
for try in 1 2 3 4 5 6; do
	ts_run vhv-top -J -c 1 -i 1 -o pid,exits,name
	python3 - "$TS_OUT" >"$TS_TMP/exits.txt" 2>&1 <<'PY' && { ok=1; break; }
import json, sys
doc = json.loads(open(sys.argv[1]).read().splitlines()[-1])
vms = {v["name"]: v for v in doc["vms"]}
if doc["notes"]:
    print("notes:", doc["notes"])
    if all("exits" not in v for v in vms.values()):
        sys.exit(0)  # hidden: neither BPF nor KVM's statistics
total = 0
for name in ("vt-dbg", "vt-nodbg"):
    for c in vms[name]["vcpus"]:
        assert isinstance(c["exits"], (int, float)) and c["exits"] >= 0, c
        total += c["exits"]
print("exits/s of the KVM guests:", total)
assert total > 0, "no exits counted for two running KVM guests"
PY
done
cat "$TS_TMP/exits.txt"
[ "$ok" = 1 ] || ts_fail "EXITS/s in JSON"

# A VM that exits during a refresh: vhv-top keeps going and stops showing it.
start vt-gone kvm guest=vt-gone,debug-threads=on
gone=$(cat "$TS_TMP/vt-gone.pid")
vhv-top -b -c 40 -i 0.15 --no-bpf -o pid,tid,vcpu,name >"$TS_TMP/gone.out" 2>"$TS_TMP/gone.err" &
top_pid=$!
# kill it once the first refresh has shown it (a slow host takes a while to start vhv-top)
for _ in $(seq 200); do
	grep -q ' vt-gone$' "$TS_TMP/gone.out" 2>/dev/null && break
	sleep 0.1
done
kill -9 "$gone"
wait "$top_pid"
ts_assert_eq "vhv-top exit code while a VM exits" "$?" 0
[ -s "$TS_TMP/gone.err" ] && { ts_fail "stderr while a VM exits"; cat "$TS_TMP/gone.err"; }
awk '/^vhv-top - /{n++} / vt-gone$/{seen[n]=1} END{exit !(seen[1] && !seen[n])}' "$TS_TMP/gone.out" ||
	ts_fail "vt-gone should be shown first and be gone at the end"
ts_finalize
