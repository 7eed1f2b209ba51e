#!/bin/bash
# The --prometheus textfile against the real consumers: promtool's metrics
# lint, and Debian's node_exporter reading it with its textfile collector (it
# rejects a file whose series repeat a label set: "was collected before with
# the same name and label values"). Roots where checks add several findings
# each (kvm.modules, kvm.params, kernel.log): one series per (check, severity).
. "$VHV_SRC/tests/lib.sh"
ts_need_cmd promtool prometheus-node-exporter python3
dir=$TS_TMP/textfile
mkdir "$dir"
for r in host-intel-vmx host-xen-dom0 host-pvm captured-sos-fwoff; do
	ts_run vhv-check --sysroot "$TS_ROOTS/$r" --prometheus "$dir/$r.prom"
	promtool check metrics <"$dir/$r.prom" >"$TS_TMP/lint" 2>&1 ||
		{ ts_fail "promtool check metrics on $r"; cat "$TS_TMP/lint"; }
done
# the same check set on every host: labels do not carry values that change
for r in host-xen-dom0 host-pvm; do
	diff <(sed -n 's/^vhv_check_check_findings{check="\([^"]*\)".*/\1/p' "$dir/$r.prom" | sort -u) \
		<(vhv-check --list-checks | awk '/^[^ ]/ {print $1}' | sort -u | grep -v '^sysroot$') \
		>"$TS_TMP/ids" || true
	grep -q '^>' "$TS_TMP/ids" && { ts_fail "$r: checks missing from the textfile"; cat "$TS_TMP/ids"; }
done
# node_exporter reads one host's file (a node has one): each root in turn
for r in host-intel-vmx host-pvm captured-sos-fwoff; do
	one=$TS_TMP/one-$r
	mkdir "$one"
	cp "$dir/$r.prom" "$one/vhv-check.prom"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	prometheus-node-exporter --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$one" --web.listen-address="127.0.0.1:$port" \
		>"$TS_TMP/ne.log" 2>&1 &
	ne=$!
	python3 - "$port" >"$TS_TMP/scrape" 2>&1 <<'PY' || { ts_fail "node_exporter scrape of $r"; head -c 2000 "$TS_TMP/scrape"; }
import sys, time, urllib.request
for _ in range(100):
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=5).read().decode()
        break
    except OSError:
        time.sleep(0.1)
else:
    raise SystemExit("node_exporter did not answer")
lines = body.splitlines()
assert "node_textfile_scrape_error 0" in lines, [l for l in lines if "scrape_error" in l]
series = [l for l in lines if l.startswith("vhv_check_check_findings{")]
assert series, "no vhv_check series served"
assert len(series) == len(set(l.rsplit(" ", 1)[0] for l in series))
PY
	kill "$ne" 2>/dev/null
	wait "$ne" 2>/dev/null
	grep -q "collected before" "$TS_TMP/ne.log" &&
		{ ts_fail "$r: node_exporter rejected a repeated series"; head -c 2000 "$TS_TMP/ne.log"; }
done
ts_finalize
