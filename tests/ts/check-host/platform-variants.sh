#!/bin/bash
# Platform checks on variants of the fixture roots made in the scratch folder,
# one situation each, so every verdict and hint is covered: hugepages without
# a hugetlbfs mount for their size, THP off, KSM unmerging, kernels without
# hugetlbfs/THP/KSM; IOMMU in passthrough mode, without interrupt remapping;
# device nodes missing with the module on disk, loaded, or absent; cgroup
# controllers missing or disabled, no cgroup mounted at all.
. "$VHV_SRC/tests/lib.sh"

variant() {	# NAME BASE-ROOT: a fresh copy in $TS_TMP/NAME
	rm -rf "${TS_TMP:?}/$1"
	cp -a "$TS_ROOTS/$2" "$TS_TMP/$1" || ts_fail "fixture root $2 is missing"
	v=$TS_TMP/$1
}
drop_mount() {	# FSTYPE-OR-TARGET pattern: remove matching mountinfo lines
	grep -v -- "$1" "$v/proc/1/mountinfo" >"$v/mi" && mv "$v/mi" "$v/proc/1/mountinfo"
}

# 1 GiB pages reserved, the pagesize=1024M mount gone; then no hugetlbfs at all
variant huge-1g host-amd-nested
drop_mount ' /dev/hugepages1G '
ts_golden huge-1g vhv-check host --checks mem.hugepages --sysroot "$v"
variant huge-none host-intel-vmx
drop_mount ' - hugetlbfs '
ts_golden huge-none vhv-check host --checks mem.hugepages --sysroot "$v"

# THP never; KSM unmerging; then a kernel built without hugetlbfs, THP and KSM
variant mem-off host-cloud-guest
echo "always madvise [never]" >"$v/sys/kernel/mm/transparent_hugepage/enabled"
echo 2 >"$v/sys/kernel/mm/ksm/run"
ts_golden mem-off vhv-check host --checks mem --sysroot "$v"
rm -rf "$v/sys/kernel/mm/hugepages" "$v/sys/kernel/mm/transparent_hugepage" "$v/sys/kernel/mm/ksm"
ts_golden mem-none vhv-check host --checks mem --sysroot "$v"

# IOMMU: every group in passthrough (iommu=pt); then interrupt remapping off
variant iommu-pt host-intel-vmx
for t in "$v"/sys/kernel/iommu_groups/*/type; do echo identity >"$t"; done
ts_golden iommu-pt vhv-check host --checks iommu --sysroot "$v"
sed -i 's/IR-IO-APIC/IO-APIC/; s/IR-PCI-MSI/PCI-MSI/' "$v/proc/interrupts"
ts_golden iommu-noir vhv-check host --checks iommu.irq-remap --sysroot "$v"
echo f02057 >"$v/sys/devices/virtual/iommu/dmar1/intel-iommu/ecap"
ts_golden iommu-noir-hw vhv-check host --checks iommu.irq-remap --sysroot "$v"

# devices: vhost-net only on disk; tun loaded but its node gone; vhost-vsock not built
variant dev-missing host-intel-fwoff
rm -f "$v/dev/vhost-net" "$v/dev/net/tun" "$v/dev/vhost-vsock"
grep -q vhost_net.ko "$v"/lib/modules/*/modules.dep || ts_fail "host-intel-fwoff lists no vhost_net.ko on disk"
for f in "$v"/lib/modules/*/modules.dep; do	# a kernel without CONFIG_VHOST_VSOCK
	grep -v vhost_vsock "$f" >"$f.new" && mv "$f.new" "$f"
done
ts_golden dev-missing vhv-check host --checks dev --sysroot "$v"

# cgroup v2 without the memory and io controllers; a v1 host with memory
# disabled by cgroup_disable=memory; then no cgroup mounted at all
variant cg-v2 host-intel-vmx
echo "cpuset cpu hugetlb pids rdma misc" >"$v/sys/fs/cgroup/cgroup.controllers"
echo "cpu pids" >"$v/sys/fs/cgroup/cgroup.subtree_control"
ts_golden cg-v2 vhv-check host --checks cgroup --sysroot "$v"
variant cg-v1 host-cloud-guest
drop_mount ' /sys/fs/cgroup/memory '
sed -i 's/^memory\t\([0-9]*\)\t\([0-9]*\)\t1/memory\t0\t\2\t0/' "$v/proc/cgroups"
ts_golden cg-v1 vhv-check host --checks cgroup --sysroot "$v"
drop_mount ' - cgroup'
ts_golden cg-none vhv-check host --checks cgroup --sysroot "$v"
# no IOMMU because the command line turned it off: the kernel's line is the
# evidence, the boot loader the layer at fault (not the firmware)
variant iommu-cmdline-off host-intel-fwoff
echo "[    0.012345] DMAR: IOMMU disabled" >>"$v/.vhv/dmesg"
ts_golden iommu-cmdline-off vhv-check host --checks iommu.present --sysroot "$v"
ts_assert_grep 'at fault: boot' "$TS_OUT" "intel_iommu=off blamed on the boot layer"
ts_finalize
