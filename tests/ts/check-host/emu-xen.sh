#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ts: host xen
# vhv-check host in the emulated Xen 4.17 dom0 (tests/hosts: Xen as a multiboot kernel
# under QEMU TCG -cpu qemu64, Debian's kernel as a PV dom0, its daemons, a PV domU):
# judged as a dom0, with no FAIL that Xen would not give. There the CPU shows no
# vmx/svm and CPUID leaf 0x40000000 is QEMU's, not Xen's (no CPUID faulting for PV
# userspace), so "on Xen" must come from the kernel (/sys/hypervisor, xenfs).
# Xen's version agrees with `xl info`; vhv-trace says why it cannot trace on Xen.
. "$VHV_SRC/tests/lib.sh"
ts_need_root
[ "${TS_HOST:-}" = xen ] || ts_skip "runs in the emulated Xen dom0 (tests/hosts/emuhost)"
ts_need_cmd xl
krel=$(uname -r)
ts_run vhv-check host --checks cpu,kvm,xen
sed -E -e "s/$krel/@KREL@/g" -e 's/Xen 4\.17\.[0-9][^ ,]*/Xen 4.17.@PATCH@/' \
	-e 's/is running \(pid [0-9]+\)/is running (pid @PID@)/' \
	-e 's/[0-9.]+ [KMGT]iB free of/@FREE@ free of/' "$TS_OUT" >"$TS_TMP/host.out"
ts_compare "vhv-check host" "$TS_TMP/host.out" "$TS_EXPECTED.out"
ts_assert_eq "exit code" "$TS_RC" 0
grep -E '^FAIL ' "$TS_OUT" && ts_fail "a FAIL on a working Xen dom0"
for c in xen.role xen.dev xen.modules xen.xenfs xen.xenstored; do
	grep -qE "^PASS  $c " "$TS_OUT" || ts_fail "$c does not pass"
done
want=$(xl info | awk -F': ' '/^xen_major/{a=$2} /^xen_minor/{b=$2} /^xen_extra/{c=$2} END{print a "." b c}')
ts_assert_grep "^INFO  xen.version +Xen $want\$" "$TS_OUT" "xen.version against xl info ($want)"
# what the hypervisor says through libxenctrl, as xl info says it
xl info >"$TS_TMP/xl-info"
xinfo() { sed -n "s/^$1 *: //p" "$TS_TMP/xl-info"; }
ts_run vhv-check host --checks xen.host,xen.guests -J
python3 - "$TS_OUT" "$(xinfo xen_scheduler)" "$(xinfo nr_cpus)" "$(xinfo xen_commandline)" \
	"$(xinfo virt_caps)" <<'PY' || ts_fail "xen.host / xen.guests disagree with xl info"
import json, sys
doc, sched, ncpu, cmdline, caps = sys.argv[1:]
f = {}
for x in json.load(open(doc))["findings"]:
    f.setdefault(x["check"], []).append(x)
host = f["xen.host"][0]
ok = True
def need(what, got, want):
    global ok
    if str(got) != str(want):
        print(what, "vhv", got, "xl info", want); ok = False
need("scheduler", host.get("scheduler"), sched)
need("nr_cpus", host.get("nr_cpus"), ncpu)
need("command line", f["xen.host"][1].get("xen_commandline"), cmdline)
need("virt_caps", f["xen.guests"][0].get("virt_caps"), caps)
sys.exit(0 if ok else 1)
PY

# vhv-trace: Xen's exits happen in the hypervisor, where dom0's eBPF cannot see them.
ts_expect_rc 1 vhv-trace -d 1
ts_assert_grep 'Xen host: VM exits happen inside the hypervisor.*xentrace' "$TS_ERR" "vhv-trace on Xen"
ts_finalize
