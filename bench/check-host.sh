#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/check-host.sh [BUILD]: vhv-check host side by side with the tools a user
# would otherwise run, virt-host-validate qemu (libvirt-clients) and kvm-ok
# (cpu-checker), with hyperfine. Prints the mean times, the ratios and how many
# checks each tool makes. vhv-check's time includes the functional /dev/kvm
# probe (a guest runs to its HLT exit); the others only read files.
# Target (issue 2): vhv-check host no slower than virt-host-validate qemu.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
vhv=$build/vhv-check
[ -x "$vhv" ] || { echo "bench: build $vhv first (make O=$build)" >&2; exit 1; }
for c in hyperfine virt-host-validate kvm-ok python3; do
	command -v "$c" >/dev/null || { echo "bench: $c missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=${BENCH_RUNS:-200}

# What each tool checks (one row per check / per verdict line).
n_vhv=$("$vhv" host -J 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
n_vhv_ids=$("$vhv" host --list-checks | grep -c "^[^ ]")
n_vhv_cpukvm=$("$vhv" host --list-checks | grep -cE '^(cpu|kvm)\.')
n_vhl=$(virt-host-validate qemu 2>/dev/null | grep -c ': ')
probe=$("$vhv" host --checks kvm.probe -J 2>/dev/null |
	python3 -c 'import json,sys; f=json.load(sys.stdin)["findings"][0]; print(f["severity"].upper(), f["message"])')

hyperfine -N --warmup 10 --runs "$runs" --export-json "$tmp/h.json" \
	-n "vhv-check host" "$vhv host" \
	-n "vhv-check host --checks cpu,kvm" "$vhv host --checks cpu,kvm" \
	-n "virt-host-validate qemu" "virt-host-validate qemu" \
	-n "kvm-ok" "kvm-ok" -i >"$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }

python3 - "$tmp/h.json" "$n_vhv" "$n_vhv_ids" "$n_vhv_cpukvm" "$n_vhl" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
n_vhv, n_ids, n_cpukvm, n_vhl = sys.argv[2:6]
def ms(name): return r[name]["mean"] * 1e3, r[name]["stddev"] * 1e3
checks = {"vhv-check host": f"{n_ids} checks, {n_vhv} findings",
          "vhv-check host --checks cpu,kvm": f"{n_cpukvm} checks",
          "virt-host-validate qemu": f"{n_vhl} checks", "kvm-ok": "1 check"}
print(f"{'command':36} {'mean':>9} {'stddev':>8}  what it does")
for name in r:
    m, s = ms(name)
    print(f"{name:36} {m:7.2f}ms {s:6.2f}ms  {checks.get(name, '')}")
vhv = ms("vhv-check host")[0]
vhl = ms("virt-host-validate qemu")[0]
ok = ms("kvm-ok")[0]
cpukvm = ms("vhv-check host --checks cpu,kvm")[0]
print()
print(f"ratio vhv-check host / virt-host-validate qemu : {vhv / vhl:.2f}"
      f"  ({'meets' if vhv <= vhl else 'MISSES'} the target: no slower)")
print(f"ratio vhv-check host / kvm-ok                  : {vhv / ok:.2f}")
print(f"ratio vhv-check cpu,kvm / virt-host-validate   : {cpukvm / vhl:.2f}")
print(f"ratio vhv-check cpu,kvm / kvm-ok               : {cpukvm / ok:.2f}")
PY
echo "functional probe on this host: $probe"
echo "verdicts: vhv-check exit $("$vhv" host >/dev/null 2>&1; echo $?)," \
	"virt-host-validate exit $(virt-host-validate qemu >/dev/null 2>&1; echo $?)," \
	"kvm-ok exit $(kvm-ok >/dev/null 2>&1; echo $?)"
