#!/bin/bash
# Platform checks on malformed input: odd mount-table lines, garbage in sysfs
# counters and choice files, bad device-node stand-ins, binary junk in
# /proc/interrupts. Each gives a clear message (WARN or SKIP), never a crash;
# the sanitizer pass runs this too.
. "$VHV_SRC/tests/lib.sh"

base=$TS_ROOTS/host-intel-vmx
[ -d "$base/.vhv" ] || ts_fail "fixture root host-intel-vmx (with .vhv/) is missing"
v=$TS_TMP/bad
cp -a "$base" "$v"
sel=iommu,mem,dev,cgroup

# mountinfo: a truncated line, one without the " - " separator, an empty
# line, escaped spaces, an absurdly long line, and no final newline
{
	cat "$base/proc/1/mountinfo"
	echo "99 21 0:99 / /sys/fs/cgroup/broken rw"
	echo "100 21 0:100 / /mnt/a\\040b\\134c rw,relatime - ext4 /dev/sdz\\0401 rw"
	echo
	echo "101 21 0:101 / /x rw shared:1 shared:2 shared:3 shared:4 -"
	printf '102 21 0:102 / /%s rw - tmpfs tmpfs rw\n' "$(head -c 5000 /dev/zero | tr '\0' a)"
	printf '103 21 0:103 / /last rw - tmpfs tmpfs rw'
} >"$v/proc/1/mountinfo"
# hugepages: not numbers
echo banana >"$v/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
printf '' >"$v/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages"
mkdir -p "$v/sys/kernel/mm/hugepages/hugepages-kB" "$v/sys/kernel/mm/hugepages/junk"
# THP: no bracketed choice; KSM: out of range
echo "always madvise never" >"$v/sys/kernel/mm/transparent_hugepage/enabled"
echo 7 >"$v/sys/kernel/mm/ksm/run"
# device nodes: a bad stand-in, a directory, wrong numbers
echo "c 10:bad" >"$v/dev/net/tun"
rm -f "$v/dev/vhost-net" && mkdir "$v/dev/vhost-net"
echo "c 10:99 0666" >"$v/dev/vhost-vsock"
# IOMMU: junk group types and ecap, binary junk in /proc/interrupts
echo "??" >"$v/sys/kernel/iommu_groups/3/type"
mkdir -p "$v/sys/kernel/iommu_groups/not-a-group"
echo "zz" >"$v/sys/devices/virtual/iommu/dmar0/intel-iommu/ecap"
head -c 3000 /dev/urandom | tr -d '\n' | tr '\0' x >"$v/proc/interrupts"
# cgroup v2: garbage controllers list
printf 'cpu \x01memory\n' >"$v/sys/fs/cgroup/cgroup.controllers"

ts_golden - vhv-check host --checks "$sel" --sysroot "$v"
ts_run vhv-check host -J --checks "$sel" --sysroot "$v"
ts_assert_eq "exit code with -J (a FAIL: vhost-net is a directory)" "$TS_RC" 2
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TS_OUT" ||
		ts_fail "JSON output does not parse"
fi

# /proc/mounts fallback when mountinfo is missing, with odd lines
rm -f "$v/proc/1/mountinfo"
printf 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\nodd\nnone relative tmpfs rw 0 0\n' >"$v/proc/1/mounts"
ts_golden mounts vhv-check host --checks cgroup --sysroot "$v"
ts_finalize
