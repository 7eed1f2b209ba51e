#!/bin/bash
# Variants of the fixture roots, made in the scratch dir: VT-x off in firmware
# without the msr driver (dmesg evidence, then CPUID alone), AMD-V off in
# VM_CR, an Intel host on a kernel older than 5.9 (no "vmx flags" line), and a
# guest whose host exposes vmx without EPT.
. "$VHV_SRC/tests/lib.sh"

r=$TS_TMP/fwoff
cp -a "$TS_ROOTS/host-intel-fwoff" "$r"
rm "$r/.vhv/msr"
ts_golden fwoff-dmesg vhv-check host --checks cpu.virt,cpu.firmware --sysroot "$r"
rm "$r/.vhv/dmesg"
ts_golden fwoff-cpuid vhv-check host --checks cpu.virt,cpu.firmware --sysroot "$r"

r=$TS_TMP/svmdis
cp -a "$TS_ROOTS/host-amd-nested" "$r"
echo "0 0xc0010114 0x18" >"$r/.vhv/msr"
ts_golden amd-svmdis vhv-check host --checks cpu.firmware --sysroot "$r"

r=$TS_TMP/old
cp -a "$TS_ROOTS/host-intel-vmx" "$r"
sed -i '/^vmx flags/d' "$r/proc/cpuinfo"
ts_golden intel-pre-5.9 vhv-check host --checks cpu.features --sysroot "$r"
# A VM given vmx but no EPT (an old or restrictive host): slow shadow paging.
sed -i -e 's/^flags\t\t: /&hypervisor /' -e 's/ ept vpid ept_ad / vpid /' "$r/proc/cpuinfo"
ts_golden no-ept vhv-check host --checks cpu.features,cpu.guest --sysroot "$r"
ts_finalize
