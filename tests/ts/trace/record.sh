#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ts: heavy
# ts: serial
# ts: host amd
# SQLite round trip: vhv-trace --record while kvm-exitgen runs, then
# `vhv-trace report` reads back exactly the exits the generator made, per vCPU
# and over time, and the recording is plain SQL anyone can query.
. "$VHV_SRC/tests/lib.sh"
ts_need_root
ts_need_kvm
ts_need_cmd python3 sqlite3
. "$VHV_SRC/tests/ts/trace/trace.lib"

trace_start --record "$TS_TMP/rec.db" -i 0.2 -J
gen a -c 2 -k 1 -n 2000 -m 100 --mode long
sleep 0.5
gen b -c 1 -k 0 -n 700 -m 0 --mode real
trace_stop

ts_run vhv-trace report "$TS_TMP/rec.db" -J
[ "$TS_RC" = 0 ] || ts_fail "report exited $TS_RC: $(cat "$TS_ERR")"
python3 - "$TS_OUT" a:1:2000:100:2 b:0:700:0:1 <<'PY' || ts_fail "report differs from the generator"
import json, os, sys
doc = json.load(open(sys.argv[1]))
bad = 0
for spec in sys.argv[2:]:
    name, k, n, m, c = spec.split(":"); k, n, m, c = int(k), int(n), int(m), int(c)
    pid = int(dict(kv.split("=") for kv in open(name + ".gen").readline().split())["pid"])
    want = {(v, "HLT"): 1 for v in range(c)}
    want[(k, "IO")] = n
    if m:
        want[(k, "MMIO")] = m
    rows = [r for r in doc["by_vcpu"] if r["pid"] == pid]
    got = {(r["vcpu"], r["reason"]): r["count"] for r in rows if r["kind"] == "user"}
    if got != want:
        print(f"{name}: got {sorted(got.items())}, want {sorted(want.items())}"); bad = 1
    # hardware exits, where traced (SVM in the emulated AMD host): N I/O instructions
    hw = {(r["vcpu"], r["kind"], r["reason"]): r["count"] for r in rows if r["kind"] != "user"}
    if os.environ.get("TS_HOST") == "amd" and hw.get((k, "svm", "io")) != n:
        print(f"{name}: svm:io exits recorded {hw.get((k, 'svm', 'io'))}, want {n}"); bad = 1
    if {r["vm"] for r in doc["by_vcpu"] if r["pid"] == pid} != {"kvm-exitgen"}:
        print(f"{name}: VM name not recorded"); bad = 1
if sum(r["exits"] for r in doc["over_time"]) != doc["exits"]:
    print("over_time does not add up to the total"); bad = 1
if sum(r["count"] for r in doc["by_reason"]) != doc["exits"]:
    print("by_reason does not add up to the total"); bad = 1
if len(doc["over_time"]) < 2:
    print("expected several intervals, got", len(doc["over_time"])); bad = 1
sys.exit(bad)
PY
pid=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$TS_TMP/a.gen")
ts_assert_eq "sum of samples for vCPU 1 (sqlite3)" \
	"$(sqlite3 "$TS_TMP/rec.db" "SELECT sum(count) FROM samples WHERE pid = $pid AND vcpu = 1 AND kind = 'user'")" 2101
# A recording on a network filesystem (the emulated host's 9p share): no shared memory
# for SQLite's WAL, so the store falls back to a rollback journal and still records.
if [ -n "${TS_SHARE:-}" ]; then
	trace_start --record "$TS_SHARE/rec.db" -i 0.2 -J
	gen c -c 1 -k 0 -n 300 -m 0 --mode long
	trace_stop
	pid=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$TS_TMP/c.gen")
	ts_assert_eq "IO exits recorded on 9p" "$(sqlite3 "$TS_SHARE/rec.db" \
		"SELECT sum(count) FROM samples WHERE pid = $pid AND kind = 'user' AND reason = 'IO'")" 300
	ts_assert_eq "journal mode on 9p" "$(sqlite3 "$TS_SHARE/rec.db" "PRAGMA journal_mode")" delete
fi
# A recording in which no exit happened still knows how long it ran.
ts_run vhv-trace --record "$TS_TMP/quiet.db" -i 0.2 -d 1.2 -J
ts_assert_eq "quiet recording exit code" "$TS_RC" 0
ts_run vhv-trace report "$TS_TMP/quiet.db"
ts_assert_grep '^0 exits in 1\.[0-9]{3} s \(0 samples\)$' "$TS_OUT" "report of a quiet recording"
ts_assert_eq "recorded format" \
	"$(sqlite3 "$TS_TMP/rec.db" "SELECT value FROM meta WHERE key = 'format'")" "vhv-trace 1"
ts_finalize
