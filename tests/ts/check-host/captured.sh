#!/bin/bash
# Captured hosts (no .vhv/): a sosreport-style root, a plain copy of /proc and
# /sys of a cloud guest, and of a PVM guest whose kvm_pvm did not bind -- each
# judged from its files, the verdict first, what a capture cannot hold said once.
. "$VHV_SRC/tests/lib.sh"

# sosreport: VT-x off in the firmware, in the kernel's words
ts_golden sos-fwoff vhv-check host --sysroot "$TS_ROOTS/captured-sos-fwoff"
ts_run vhv-check host --checks verdict.kvm --sysroot "$TS_ROOTS/captured-sos-fwoff" -J
ts_assert_grep '"layer": "firmware"' "$TS_OUT" "the verdict blames the firmware"
ts_assert_grep '"evidence": "/sos_commands/kernel/dmesg:1: kvm: disabled by bios"' "$TS_OUT" \
	"the verdict cites the kernel log line"

# the same host as a supportconfig: sections of hardware.txt, boot.txt and
# basic-environment.txt (format and the uname line: the public sample of
# bhdn/go-supportconfig's tests); the verdict is the sosreport's
sc=$TS_TMP/supportconfig
mkdir "$sc"
hdr() { printf '#==[ %s ]%s#\n# %s\n' "$1" "======================================" "$2"; }
{ hdr Command "/bin/uname -a"
  echo "Linux node 4.4.121-92.85-default #1 SMP Tue Jun 19 07:41:16 UTC 2018 (1fb8a51) x86_64 x86_64 x86_64 GNU/Linux"
  echo; } >"$sc/basic-environment.txt"
{ hdr "Configuration File" /proc/meminfo; echo "MemTotal: 1 kB"; echo
  hdr "Configuration File" /proc/cpuinfo; cat "$TS_ROOTS/captured-sos-fwoff/proc/cpuinfo"; } \
	>"$sc/hardware.txt"
{ hdr "Configuration File" /proc/cmdline; echo "root=/dev/sda2"; echo
  hdr Command "/bin/dmesg -T"; cat "$TS_ROOTS/captured-sos-fwoff/sos_commands/kernel/dmesg"; echo
  hdr "Log File" "/var/log/boot.msg"; echo "unrelated"; } >"$sc/boot.txt"
ts_golden supportconfig vhv-check host --checks verdict.kvm,cpu,kernel --sysroot "$sc"
ts_assert_grep '^FAIL  verdict.kvm +KVM: not usable: VT-x/AMD-V is disabled in the firmware$' "$TS_OUT" \
	"the supportconfig verdict"
ts_assert_grep 'evidence: /boot.txt \(dmesg section\):1: kvm: disabled' "$TS_OUT" \
	"the supportconfig's dmesg section as evidence"

# KubeVirt VM given host-model without svm: cpuinfo alone says "guest"
ts_golden kubevirt vhv-check host --checks verdict.kvm,cpu --sysroot "$TS_ROOTS/captured-kubevirt-guest"
ts_assert_grep '^FAIL  verdict.kvm +KVM: not usable: this VM' "$TS_OUT" "the KubeVirt guest verdict"
grep -q "in the firmware" "$TS_OUT" && ts_fail "a VM guest told about its firmware"

# a cloud guest's /proc and /sys: the hypervisor flag alone says "guest"
r=$TS_TMP/cloud
cp -a "$TS_ROOTS/host-cloud-guest" "$r"
rm -r "$r/.vhv"
ts_golden cloud-guest vhv-check host --checks verdict,cpu,kvm --sysroot "$r"
grep -q "in the firmware" "$TS_OUT" && ts_fail "a VM guest told about its firmware"

# this development machine: kvm_pvm built in, refusing to bind inside a PVM guest
r=$TS_TMP/pvm
cp -a "$TS_ROOTS/host-pvm" "$r"
rm -r "$r/.vhv" "$r/sys/class/misc/kvm" "$r/dev/kvm"
mkdir -p "$r/var/log"
cat >"$r/var/log/kern.log" <<'LOG'
Dec  7 21:00:00 vm kernel: [    0.000000] Linux version 6.18.44-fc-v1272
Dec  7 21:00:00 vm kernel: [    0.000000] Hypervisor detected: PVM
Dec  7 21:00:00 vm kernel: [    0.289991] kvm-pvm: this kernel is itself a kvm-pvm guest; not binding
LOG
ts_golden pvm-guest vhv-check host --checks verdict,cpu.guest,kvm.backend,kvm.dev,kernel --sysroot "$r"
ts_assert_grep '^FAIL  verdict.kvm +KVM: not usable: kvm_pvm is built in but did not bind: this$' \
	"$TS_OUT" "the PVM verdict"
grep -q "load the KVM modules" "$TS_OUT" && ts_fail "told to load built-in modules"

# a directory with no host data is a usage error; so is a --checks item matching nothing
mkdir "$TS_TMP/empty"
ts_run vhv-check --sysroot "$TS_TMP/empty"
ts_assert_eq "exit code on an empty --sysroot" "$TS_RC" 1
ts_assert_grep "holds no host data" "$TS_ERR"
ts_run vhv-check --sysroot "$TS_ROOTS/host-intel-vmx" --checks kvm.dev,bogus
ts_assert_eq "exit code with one unknown --checks item" "$TS_RC" 1
ts_assert_grep "no check matches 'bogus'" "$TS_ERR"
ts_finalize
