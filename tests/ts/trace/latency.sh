#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ts: heavy
# ts: serial
# ts: host amd
# Latency modes: --latency=all times every exit that is followed by a KVM_RUN
# (every port-I/O exit of kvm-exitgen: exactly N; its final HLT ends the run);
# the default, sampled, still counts every exit exactly but times only some
# of them when the exit rate is above --latency-rate; --latency=off times none
# and leaves kvm_fpu unloaded.
. "$VHV_SRC/tests/lib.sh"
ts_need_root
ts_need_kvm
ts_need_cmd python3
. "$VHV_SRC/tests/ts/trace/trace.lib"

# check NAME MODE N MIN_TIMED MAX_TIMED: the IO exits of generator run NAME.
check() {
	python3 - "$TS_TMP/trace.out" "$TS_TMP/$1.gen" "$2" "$3" "$4" "$5" <<'PY' || ts_fail "$1: latency mode $2"
import json, os, sys
doc = json.load(open(sys.argv[1]))
gen = dict(kv.split("=") for kv in open(sys.argv[2]).readline().split())
mode, n, lo, hi = sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
bad = 0
io = [e for e in doc["exits"] if e["pid"] == int(gen["pid"]) and e["reason"] == "IO"]
count = sum(e["count"] for e in io)
timed = sum(e["latency_ns"]["measured"] for e in io)
if doc["latency"]["mode"] != mode:
    print("latency mode", doc["latency"]); bad = 1
if count != n or doc["lost"]:
    print(f"IO exits {count}, want {n}; lost {doc['lost']}"); bad = 1
if not lo <= timed <= hi:
    print(f"IO exits timed {timed}, want {lo}..{hi}"); bad = 1
for e in io:
    lat = e["latency_ns"]
    if lat["measured"] and not 0 < lat["p50"] <= lat["p99"] <= lat["max"]:
        print("latency figures out of order", lat); bad = 1
    # The generator handles an exit in microseconds; a stamp closed by a later
    # window (a stale one) would show as a period or more (200 ms). Only
    # sampled mode has windows; in the emulated host a TCG vCPU can stall that
    # long for real (286 ms seen on a loaded machine): there kvm_fpu's count
    # below is the check.
    if mode == "sampled" and not os.environ.get("TS_HOST") and lat["measured"] and lat["max"] >= 150000000:
        print("a latency of a sampling period or more (a stale stamp?)", lat); bad = 1
src = {s["name"]: s for s in doc["sources"]}
fpu = src["kvm:kvm_fpu"]
if mode == "off" and (fpu["attached"] or "--latency=off" not in fpu.get("note", "")):
    print("kvm_fpu with --latency=off:", fpu); bad = 1
if mode != "off" and fpu["events"] != timed:
    print(f"kvm_fpu closed {fpu['events']} exits, {timed} timed"); bad = 1
sys.exit(bad)
PY
}

trace_start -J --latency=all
gen all -c 1 -k 0 -n 20000 -m 0 --mode long
trace_stop
check all all 20000 20000 20000
# Hardware exits (SVM in the emulated AMD host): each I/O-instruction exit is timed from
# kvm_exit to the next kvm_entry, the VMM's round trip included.
if [ "${TS_HOST:-}" = amd ]; then
	python3 - "$TS_TMP/trace.out" "$TS_TMP/all.gen" <<'PY' || ts_fail "exit-to-entry latency of svm:io"
import json, sys
doc = json.load(open(sys.argv[1]))
pid = int(dict(kv.split("=") for kv in open(sys.argv[2]).readline().split())["pid"])
io = [e for e in doc["exits"] if e["pid"] == pid and e["kind"] == "svm" and e["reason"] == "io"]
count = sum(e["count"] for e in io)
timed = sum(e["latency_ns"]["measured"] for e in io)
print(f"svm:io exits {count}, timed {timed}", [e["latency_ns"] for e in io])
ok = count == 20000 and timed == 20000
ok = ok and all(0 < e["latency_ns"]["p50"] <= e["latency_ns"]["p99"] <= e["latency_ns"]["max"] for e in io)
sys.exit(not ok)
PY
fi

# 100 timed exits a second against ~100000 exits a second: windows of 1 ms
# (the shortest) every 200 ms, well under half of the exits.
# Nested in the emulated host, exits are some 20 times slower and its TCG vCPUs
# run in bursts on a loaded machine (windows of 1 ms, and of 25 ms at a load
# of 13 on 2 cores, caught none): there 2000 a second (the default) against a
# few thousand gives windows of 50 ms or more, and as the exit rate there
# swings with the machine's load (below 2000 a second every exit is timed),
# only "some" is asserted.
ns=200000 rate=100 most=100000
[ -n "${TS_HOST:-}" ] && ns=20000 rate=2000 most=20000
trace_start -J --latency-rate "$rate"
gen sampled -c 1 -k 0 -n "$ns" -m 0 --mode long
trace_stop
check sampled sampled "$ns" 1 "$most"
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["latency"]["rate"] != int(sys.argv[2]))' \
	"$TS_TMP/trace.out" "$rate" || ts_fail "JSON latency.rate is not $rate"

trace_start -J --latency=off
gen off -c 1 -k 0 -n 2000 -m 0 --mode long
trace_stop
check off off 2000 0 0
ts_finalize
