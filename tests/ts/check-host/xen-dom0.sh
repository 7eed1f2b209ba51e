#!/bin/bash
# Xen checks on the Debian 12 / Xen 4.17 dom0 root, and on variants of it made
# in the scratch folder: xenstored stopped, a stale pid file, xenfs not
# mounted (role from XENFEAT_dom0), dom0 devices and modules missing, a domU,
# and garbage in /sys/hypervisor/version.
. "$VHV_SRC/tests/lib.sh"

base=$TS_ROOTS/host-xen-dom0
[ -d "$base/.vhv" ] || ts_fail "fixture root host-xen-dom0 (with .vhv/) is missing"
variant() {	# NAME: a fresh copy of the dom0 root in $TS_TMP/NAME
	rm -rf "${TS_TMP:?}/$1"
	cp -a "$base" "$TS_TMP/$1"
	v=$TS_TMP/$1
}

ts_golden dom0 vhv-check host --checks xen --sysroot "$base"

# xenstored is not running: no pid file, no process
variant stopped
rm -rf "$v/run/xenstored.pid" "$v/proc/1187"
ts_golden stopped vhv-check host --checks xen.xenstored --sysroot "$v"

# the pid file names xenconsoled; xenstored died
variant stale
echo 1203 >"$v/run/xenstored.pid"
rm -rf "$v/proc/1187"
ts_golden stale vhv-check host -J --checks xen.xenstored --sysroot "$v"

# xenfs not mounted: /proc/xen is empty, the role comes from the feature bits
variant no-xenfs
rm -rf "$v/proc/xen"
grep -v ' xenfs ' "$v/proc/1/mountinfo" >"$v/mi" && mv "$v/mi" "$v/proc/1/mountinfo"
ts_golden no-xenfs vhv-check host --checks xen.role,xen.xenfs --sysroot "$v"

# privcmd gone, evtchn node a directory, xen_gntdev neither loaded, built in
# nor on disk, xen_netback only on disk
variant broken
rm -f "$v/dev/xen/privcmd"
rm -rf "$v/sys/module/xen_gntdev" "$v/sys/module/xen_netback" "$v/dev/xen/evtchn"
mkdir "$v/dev/xen/evtchn"
for f in "$v"/lib/modules/*/modules.builtin "$v"/lib/modules/*/modules.dep; do
	grep -v gntdev "$f" >"$f.new" && mv "$f.new" "$f"
done
grep -v -e '^xen_gntdev ' -e '^xen_netback ' "$v/proc/modules" >"$v/pm" && mv "$v/pm" "$v/proc/modules"
grep -q xen-netback.ko "$v"/lib/modules/*/modules.dep || ts_fail "the dom0 root lists no xen-netback.ko on disk"
ts_golden broken vhv-check host --checks xen.dev,xen.modules --sysroot "$v"

# a PVH domU: no control_d, XENFEAT_dom0 clear; the dom0-only checks SKIP
variant domu
: >"$v/proc/xen/capabilities"
echo PVH >"$v/sys/hypervisor/guest_type"
echo 000027f1 >"$v/sys/hypervisor/properties/features"
ts_golden domu vhv-check host --checks xen,iommu.present --sysroot "$v"

# garbage in the version files: a clear warning, no crash
variant garbage
printf 'four\n' >"$v/sys/hypervisor/version/major"
printf '\x01\x02\x1b[31m\n' >"$v/sys/hypervisor/version/minor"
printf 'xen\n' >"$v/sys/hypervisor/type"
ts_golden garbage vhv-check host --checks xen.version --sysroot "$v"
ts_finalize
