#!/bin/bash
# Configured against effective: kernel options of /etc/default/grub that the
# running kernel (/proc/cmdline) was not booted with -- an update-grub and a
# reboot away. Options already in effect, and ones unrelated to virtualization,
# are not reported.
. "$VHV_SRC/tests/lib.sh"
r=$TS_TMP/root
cp -a "$TS_ROOTS/host-intel-fwoff" "$r"
mkdir -p "$r/etc/default"
cat >"$r/etc/default/grub" <<'CFG'
GRUB_DEFAULT=0
GRUB_CMDLINE_LINUX_DEFAULT="quiet splash"
GRUB_CMDLINE_LINUX="intel_iommu=on iommu=pt kvm_intel.nested=1"
CFG
ts_golden grub vhv-check boot --checks boot.running --sysroot "$r"
ts_assert_grep '^WARN  boot.running +intel_iommu=on is configured' "$TS_OUT" "intel_iommu=on"
grep -qE "quiet|splash" "$TS_OUT" && grep -E "^WARN.*(quiet|splash)" "$TS_OUT" &&
	ts_fail "an option unrelated to virtualization reported"
# in effect: nothing to say
sed -i 's/ quiet$/ quiet intel_iommu=on iommu=pt kvm_intel.nested=1/' "$r/proc/cmdline"
ts_run vhv-check boot --checks boot.running --sysroot "$r"
grep -q "^WARN" "$TS_OUT" && ts_fail "options in effect reported"
ts_finalize
