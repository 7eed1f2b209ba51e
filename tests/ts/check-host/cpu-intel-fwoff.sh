#!/bin/bash
# CPU and KVM checks on tests/roots/host-intel-fwoff: Intel bare metal with VT-x locked off by firmware: MSR 0x3a, dmesg evidence.
. "$VHV_SRC/tests/lib.sh"

ts_golden human vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-intel-fwoff"
ts_golden json vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-intel-fwoff" -J
ts_finalize
