#!/bin/bash
# CPU and KVM checks on tests/roots/host-amd-nested: AMD EPYC with SVM, NPT, AVIC and kvm_amd nested=1.
. "$VHV_SRC/tests/lib.sh"

ts_golden human vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-amd-nested"
ts_golden json vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-amd-nested" -J
ts_finalize
