#!/bin/bash
# The output contract of vhv-check: JSON shape and summary, the Prometheus
# textfile (atomic, parseable, consistent with the JSON), colour rules, usage errors.
. "$VHV_SRC/tests/lib.sh"
ts_need_cmd python3
root=$TS_ROOTS/host-intel-vmx

ts_run vhv-check --sysroot "$root" -J --prometheus "$TS_TMP/vhv.prom"
ts_assert_eq "exit code with --prometheus" "$TS_RC" "$(vhv-check --sysroot "$root" >/dev/null; echo $?)"
cp "$TS_OUT" "$TS_TMP/out.json"
python3 - "$TS_TMP/out.json" "$TS_TMP/vhv.prom" <<'PY' || ts_fail "JSON/Prometheus contract"
import json, re, sys
doc = json.load(open(sys.argv[1]))
assert doc["tool"] == "vhv-check", doc["tool"]
assert set(doc) >= {"tool", "version", "sysroot", "findings", "summary"}, doc.keys()
sevs = ["pass", "info", "warn", "fail", "skip"]
assert list(doc["summary"]) == sevs, doc["summary"]
count = {s: 0 for s in sevs}
for f in doc["findings"]:
    for k in ("check", "severity", "message", "hint"):
        assert k in f, (k, f)
    assert f["severity"] in sevs
    assert re.fullmatch(r"[a-z0-9]+(\.[a-z0-9-]+)+", f["check"]), f["check"]
    count[f["severity"]] += 1
assert count == doc["summary"], (count, doc["summary"])
# Prometheus: every line a comment or a valid sample; findings by severity match
prom = open(sys.argv[2]).read().splitlines()
sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+]+$')
for line in prom:
    assert line.startswith("# HELP ") or line.startswith("# TYPE ") or sample.match(line), line
for s in sevs:
    assert f'vhv_check_findings{{severity="{s}"}} {count[s]}' in prom, s
# one series per (check, severity): unique label sets, counts matching the JSON
series = [l.rsplit(" ", 1) for l in prom if l.startswith("vhv_check_check_findings{")]
assert len(series) == len({k for k, _ in series}), "repeated series"
assert sum(int(v) for _, v in series) == len(doc["findings"])
for k, _ in series:
    assert set(re.findall(r'([a-z_]+)="', k)) == {"check", "severity"}, k
PY
ls "$TS_TMP"/vhv.prom.tmp.* 2>/dev/null && ts_fail "a temporary Prometheus file was left behind"
# an unwritable Prometheus path: exit 1 and a clear message
ts_run vhv-check --sysroot "$root" --prometheus /nonexistent-dir/x.prom
ts_assert_eq "exit code, unwritable --prometheus" "$TS_RC" 1
ts_assert_grep "cannot write /nonexistent-dir/x.prom" "$TS_ERR"
# colour: never without a terminal, always on request, never with NO_COLOR=... and auto
ts_run vhv-check --sysroot "$root" host --checks cpu
grep -q $'\033\[' "$TS_OUT" && ts_fail "colour written to a pipe"
ts_run vhv-check --sysroot "$root" host --checks cpu --color=always
grep -q $'\033\[' "$TS_OUT" || ts_fail "--color=always wrote no colour"
# every human line fits 80 columns
ts_run vhv-check --sysroot "$root"
awk 'length($0) > 80 { print "line " NR " is " length($0) " columns"; bad = 1 } END { exit bad }' "$TS_OUT" ||
	ts_fail "human output wider than 80 columns"
# usage errors: exit 1
ts_golden bad-verb vhv-check --sysroot "$root" frobnicate
ts_golden bad-output vhv-check --sysroot "$root" --output=json
ts_golden bad-checks vhv-check --sysroot "$root" --checks nosuch.check
ts_golden bad-color vhv-check --sysroot "$root" --color=purple
ts_finalize
