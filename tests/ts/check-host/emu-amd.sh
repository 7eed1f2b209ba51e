#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ts: host amd
# vhv-check host in the emulated AMD host (tests/hosts: QEMU TCG -cpu max, Debian's
# kernel, kvm + kvm_amd as modules): the CPU and KVM verdicts of a real SVM host with
# nested paging, golden, with what changes between runs and Debian point releases
# filtered out (the kernel release, the probe's time). Every KVM check passes.
. "$VHV_SRC/tests/lib.sh"
ts_need_root
[ "${TS_HOST:-}" = amd ] || ts_skip "runs in the emulated AMD host (tests/hosts/emuhost)"
krel=$(uname -r)
ts_run vhv-check host --checks cpu,kvm,dev
sed -E -e "s/$krel/@KREL@/g" -e 's/HLT exit in [0-9.]+ ms/HLT exit in @MS@ ms/' \
	"$TS_OUT" >"$TS_TMP/host.out"
ts_compare "vhv-check host" "$TS_TMP/host.out" "$TS_EXPECTED.out"
ts_assert_eq "exit code" "$TS_RC" 0
for c in cpu.virt cpu.features kvm.modules kvm.vermagic kvm.backend kvm.dev kvm.probe; do
	grep -qE "^PASS  $c " "$TS_OUT" || ts_fail "$c does not pass"
done
grep -E '^(FAIL|WARN) ' "$TS_OUT" && ts_fail "FAIL or WARN on the emulated AMD host"
ts_finalize
