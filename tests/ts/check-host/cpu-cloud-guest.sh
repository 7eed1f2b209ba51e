#!/bin/bash
# CPU and KVM checks on tests/roots/host-cloud-guest: a KVM cloud guest (hypervisor bit, KVMKVMKVM) without nested virtualization.
. "$VHV_SRC/tests/lib.sh"

ts_golden human vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-cloud-guest"
ts_golden json vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-cloud-guest" -J
ts_finalize
