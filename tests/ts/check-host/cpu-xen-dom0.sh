#!/bin/bash
# CPU and KVM checks on tests/roots/host-xen-dom0: the CPU/KVM side of a Xen dom0: hypervisor bit, XenVMMXenVMM, no vmx, no KVM.
. "$VHV_SRC/tests/lib.sh"

ts_golden human vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-xen-dom0"
ts_golden json vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-xen-dom0" -J
ts_finalize
