#!/bin/bash
# Platform checks on this machine: the findings must agree with facts read
# from the host here (not hard-coded): cgroup mode, /dev/net/tun, IOMMU
# units, THP mode, KSM state, Xen role.
. "$VHV_SRC/tests/lib.sh"
ts_need_cmd python3

ts_run vhv-check host -J --checks xen,iommu,mem,dev,cgroup,secure
case $TS_RC in 0|2|3) ;; *) ts_fail "exit code $TS_RC"; cat "$TS_ERR" ;; esac
cp "$TS_OUT" "$TS_TMP/live.json"

# The host's own facts, as a plain shell script sees them.
mode=none
if awk '$5 == "/sys/fs/cgroup" && / - cgroup2 /' /proc/self/mountinfo | grep -q .; then
	mode=v2
	grep -q ' - cgroup cgroup ' /proc/self/mountinfo && mode=hybrid
elif grep -q ' - cgroup cgroup ' /proc/self/mountinfo; then
	mode=v1
	grep -q ' - cgroup2 ' /proc/self/mountinfo && mode=hybrid
fi
tun=absent; [ -c /dev/net/tun ] && tun=present
units=$(find /sys/class/iommu -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
thp=; [ -r /sys/kernel/mm/transparent_hugepage/enabled ] &&
	thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled)
ksm=; [ -r /sys/kernel/mm/ksm/run ] && ksm=$(cat /sys/kernel/mm/ksm/run)
role=none
if grep -qw control_d /proc/xen/capabilities 2>/dev/null; then role=dom0
elif [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ]; then role=domU; fi
echo "host facts: cgroup=$mode tun=$tun iommu_units=$units thp=$thp ksm=$ksm xen=$role"

python3 - "$TS_TMP/live.json" "$mode" "$tun" "$units" "$thp" "$ksm" "$role" <<'PY' || ts_fail "live findings disagree with the host"
import json, sys
d = json.load(open(sys.argv[1]))
mode, tun, units, thp, ksm, role = sys.argv[2:8]
by = {}
for f in d["findings"]:
    by.setdefault(f["check"], []).append(f)
bad = []
def first(c):
    return by.get(c, [{}])[0]
if len(by) != 24:
    bad.append("expected 24 platform checks, got %d" % len(by))
cg = first("cgroup.version")
if cg.get("mode") != mode:
    bad.append("cgroup.version mode %r, host says %r" % (cg.get("mode"), mode))
t = first("dev.tun")
if (t.get("severity") == "pass") != (tun == "present"):
    bad.append("dev.tun %s but /dev/net/tun is %s" % (t.get("severity"), tun))
io = first("iommu.present")
if io.get("units") != int(units) and role != "dom0":
    bad.append("iommu.present units %r, host has %s" % (io.get("units"), units))
if thp:
    th = first("mem.thp")
    if th.get("enabled") != thp:
        bad.append("mem.thp enabled %r, host says %r" % (th.get("enabled"), thp))
if ksm:
    k = first("mem.ksm")
    if k.get("run") != int(ksm):
        bad.append("mem.ksm run %r, host says %s" % (k.get("run"), ksm))
x = first("xen.role")
if x.get("role") != role:
    bad.append("xen.role %r, host says %r" % (x.get("role"), role))
for f in d["findings"]:
    if not f["message"]:
        bad.append("%s has an empty message" % f["check"])
print("\n".join(bad) or "live findings agree with the host")
sys.exit(1 if bad else 0)
PY
ts_finalize
