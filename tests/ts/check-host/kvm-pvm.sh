#!/bin/bash
# CPU and KVM checks on tests/roots/host-pvm (captured from the PVM development
# host): no vmx/svm, yet KVM works through kvm_pvm -- vhv-check must say so.
. "$VHV_SRC/tests/lib.sh"

ts_golden human vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-pvm"
ts_golden json vhv-check host --checks cpu,kvm --sysroot "$TS_ROOTS/host-pvm" -J
# The verdict in one line each: KVM works, backend PVM, and no FAIL anywhere.
ts_run vhv-check host --checks kvm.probe,kvm.backend --sysroot "$TS_ROOTS/host-pvm"
ts_assert_grep '^PASS  kvm.probe +KVM works: ' "$TS_OUT" "kvm.probe on host-pvm"
ts_assert_grep ' PVM backend\)$' "$TS_OUT" "kvm.probe's backend on host-pvm"
ts_assert_grep '^PASS  kvm.backend +KVM backend: PVM' "$TS_OUT" "kvm.backend on host-pvm"
ts_assert_eq "exit code on host-pvm" "$TS_RC" 0
ts_finalize
