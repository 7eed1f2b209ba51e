#!/bin/bash
# CPU and KVM checks on tests/roots/host-arm64: an arm64 host (no CPUID, KVM built in, VHE at EL2).
. "$VHV_SRC/tests/lib.sh"

ts_golden human vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-arm64"
ts_golden json vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-arm64" -J
ts_finalize
