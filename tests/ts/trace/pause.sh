#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ts: heavy
# ts: serial
# ts: host amd
# SIGUSR1 pauses vhv-trace (its programs detached: exits go uncounted) and
# resumes it: a generator run while paused is not counted, the runs before
# and after are, exactly.
. "$VHV_SRC/tests/lib.sh"
ts_need_root
ts_need_kvm
ts_need_cmd python3
. "$VHV_SRC/tests/ts/trace/trace.lib"

# wait_log TEXT: until vhv-trace's stderr has TEXT N times (N: $2).
wait_log() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c "$1" "$TS_TMP/trace.err")" -ge "$2" ] && return 0
		sleep 0.1
	done
	ts_fail "vhv-trace did not say '$1' after SIGUSR1"
}

trace_start -J --latency=all
gen before -c 1 -k 0 -n 1000 -m 0 --mode long
kill -USR1 "$TRACE_PID"
wait_log ': paused$' 1
gen paused -c 1 -k 0 -n 3000 -m 0 --mode long
kill -USR1 "$TRACE_PID"
wait_log ': resumed$' 1
gen after -c 1 -k 0 -n 2000 -m 0 --mode real
trace_stop

python3 - "$TS_TMP/trace.out" before:1000 paused:0 after:2000 <<'PY' || ts_fail "counts across a pause"
import json, os, sys
doc = json.load(open(sys.argv[1]))
bad = 0
for spec in sys.argv[2:]:
    name, n = spec.split(":")
    gen = dict(kv.split("=") for kv in open(name + ".gen").readline().split())
    rows = [e for e in doc["exits"] if e["pid"] == int(gen["pid"])]
    # the exits KVM hands to the VMM; the hardware exits (kvm_exit) also stop
    # while paused, and count N I/O-instruction exits when not
    got = {e["reason"]: e["count"] for e in rows if e["kind"] == "user"}
    want = {"IO": int(n), "HLT": 1} if int(n) else {}
    timed = sum(e["latency_ns"]["measured"] for e in rows if e["kind"] == "user" and e["reason"] == "IO")
    if got != want or timed != int(n):
        print(f"{name}: counts {got}, {timed} timed; want {want}, {n} timed"); bad = 1
    hw = {e["kind"] + ":" + e["reason"]: e["count"] for e in rows if e["kind"] != "user"}
    if not int(n) and hw:
        print(f"{name}: hardware exits counted while paused: {hw}"); bad = 1
    for io in ("svm:io", "vmx:IO_INSTRUCTION"):
        if io in hw and hw[io] != int(n):
            print(f"{name}: {hw[io]} {io} exits, want {n}"); bad = 1
sys.exit(bad)
PY
ts_finalize
