#!/bin/bash
# Platform checks on roots without a running kernel: a copy of a host's /proc,
# /sys and /dev without .vhv/ is a captured host, judged from those files (it
# used to say SKIP "needs the running kernel" for every check); a fixture root
# without /sys, /proc and /dev says SKIP with the folder that is missing.
. "$VHV_SRC/tests/lib.sh"

sel=xen,iommu,mem,dev,cgroup,secure
off=$TS_TMP/offline
cp -a "$TS_ROOTS/host-intel-vmx" "$off"
rm -rf "$off/.vhv"
ts_golden offline vhv-check host --checks "$sel" --sysroot "$off"

bare=$TS_TMP/bare
mkdir -p "$bare/.vhv" "$bare/etc"
cp "$TS_ROOTS/host-intel-vmx/.vhv/uname" "$bare/.vhv/"
ts_golden bare vhv-check host --checks "$sel" --sysroot "$bare"
ts_finalize
