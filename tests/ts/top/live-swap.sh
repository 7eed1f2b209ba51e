#!/bin/bash
# ts: heavy
# ts: host amd
# A guest whose RAM is swapped out: swap on zram (not a file in tmpfs), the
# guest's RAM preallocated and its VMM in a cgroup v2 with memory.max below
# it, so the kernel swaps the guest's pages out. vhv-top's SWAP lies between
# VmSwap read just before and just after it, and is not 0; its cgroup's
# MEMMAX is the limit set. And the NUMA nodes the host shows, against sysfs
# (one in the emulated AMD host; two are covered by fixture roots).
. "$VHV_SRC/tests/lib.sh"
ts_need_root
ts_need_kvm
ts_need_cmd qemu-system-x86_64 python3 mkswap swapon

pid= mounts=() cg=/sys/fs/cgroup/vhv-live-swap zdev=
cleanup() {
	local m
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	sleep 0.5
	echo $$ >/sys/fs/cgroup/cgroup.procs 2>/dev/null
	[ -d "$cg" ] && rmdir "$cg" 2>/dev/null
	[ -n "$zdev" ] && { swapoff "$zdev" 2>/dev/null; echo 1 >"/sys/block/${zdev#/dev/}/reset"; }
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
}
trap cleanup EXIT

modprobe zram num_devices=1 2>/dev/null
[ -e /sys/block/zram0/disksize ] || ts_skip "no zram module in this kernel (swap is not put in tmpfs)"
zdev=/dev/zram0
echo 256M >/sys/block/zram0/disksize || ts_skip "zram0 in use"
mkswap "$zdev" >/dev/null && swapon "$zdev" || ts_fail "swapon $zdev"

if [ ! -e /sys/fs/cgroup/cgroup.controllers ] && mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null; then
	mounts+=(/sys/fs/cgroup)
fi
grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null ||
	ts_skip "no cgroup v2 memory controller"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
mkdir -p "$cg"
# started inside the cgroup: v2 charges pages where they were allocated, and
# they do not move with the process
echo $$ >"$cg/cgroup.procs"
qemu-system-x86_64 -accel kvm -name guest=sw-vm,debug-threads=on -smp 1 -m 64 -nodefaults \
	-display none -object memory-backend-ram,id=ram,size=64M,prealloc=on -machine memory-backend=ram \
	-daemonize -pidfile "$TS_TMP/sw.pid" 2>"$TS_TMP/sw.log" || { cat "$TS_TMP/sw.log"; ts_fail "no guest"; }
pid=$(cat "$TS_TMP/sw.pid")
echo $$ >/sys/fs/cgroup/cgroup.procs
# 64 MiB of guest RAM resident, 40 MiB allowed: the rest goes to swap
echo $((40 << 20)) >"$cg/memory.max"
for _ in $(seq 40); do
	[ "$(awk '/^VmSwap/{print $2}' "/proc/$pid/status")" -gt 4096 ] && break
	sleep 0.5
done
vmswap() { awk '/^VmSwap/{print $2 * 1024}' "/proc/$pid/status"; }
lo=$(vmswap)
ts_run vhv-top -J -c 1 -i 0.5 --no-bpf -o pid,rss,swap,cgroup,mem_max,numa,node,name
hi=$(vmswap)
ts_assert_eq "vhv-top exit code" "$TS_RC" 0
echo "VmSwap before $lo, after $hi; /proc/swaps:"
cat /proc/swaps
python3 - "$TS_OUT" "$lo" "$hi" <<'PY' || ts_fail "SWAP, MEMMAX or NUMA differ from /proc and sysfs"
import json, os, sys
doc = json.loads(open(sys.argv[1]).read().splitlines()[-1])
lo, hi = int(sys.argv[2]), int(sys.argv[3])
vm = [v for v in doc["vms"] if v["name"] == "sw-vm"][0]
print({k: vm[k] for k in ("swap", "rss", "cgroup", "mem_max", "numa", "node")})
assert lo > 0, "the kernel swapped nothing out"
assert min(lo, hi) <= vm["swap"] <= max(lo, hi), (lo, vm["swap"], hi)
assert vm["cgroup"] == "/vhv-live-swap" and vm["mem_max"] == 40 << 20, vm
# NUMA: the nodes sysfs lists, each with memory the guest got from numa_maps
online = open("/sys/devices/system/node/online").read().strip()
print("host NUMA nodes online:", online)
PY
nodes=$(cat /sys/devices/system/node/online)
case "$nodes" in
0) echo "one NUMA node in this host: the two-node case is covered by fixture roots only" ;;
*) echo "NUMA nodes $nodes" ;;
esac
ts_finalize
