#!/bin/bash
# CPU and KVM checks on tests/roots/host-intel-vmx: Intel bare metal, VT-x on with a vmx flags line, kvm_intel loaded (nested=Y).
. "$VHV_SRC/tests/lib.sh"

ts_golden human vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-intel-vmx"
ts_golden json vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-intel-vmx" -J
ts_finalize
