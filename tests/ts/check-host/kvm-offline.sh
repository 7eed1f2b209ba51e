#!/bin/bash
# An offline root (a host's disk without .vhv/, /proc or /sys): checks that need
# the running kernel SKIP with the reason; the modules are checked on disk for
# the newest kernel under /lib/modules.
. "$VHV_SRC/tests/lib.sh"

off=$TS_TMP/offline
mkdir -p "$off"
cp -a "$TS_ROOTS/host-intel-vmx/lib" "$off/"
mkdir -p "$off/proc" "$off/sys" "$off/dev"
ts_golden human vhv-check host --checks cpu,kvm --sysroot "$off"
ts_golden json vhv-check host --checks cpu,kvm --sysroot "$off" -J
# A kernel whose modules were built for another release: vermagic mismatch.
mkdir -p "$off/lib/modules/6.1.0-41-amd64/kernel/arch/x86/kvm"
cp "$off/lib/modules/6.1.0-40-amd64/modules.dep" "$off/lib/modules/6.1.0-41-amd64/"
cp "$off"/lib/modules/6.1.0-40-amd64/kernel/arch/x86/kvm/*.ko "$off/lib/modules/6.1.0-41-amd64/kernel/arch/x86/kvm/"
ts_golden vermagic vhv-check host --checks kvm.vermagic --sysroot "$off"
ts_finalize
