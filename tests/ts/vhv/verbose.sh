#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -v says on stderr where the reads come from (the root and its kind, the
# source of KVM's capabilities), -vv every file opened; vhv-qcow2 takes -v
# after its subcommand too. stdout stays the same.
. "$VHV_SRC/tests/lib.sh"
r=$TS_ROOTS/host-amd-nested

ts_run vhv-check --sysroot "$r" host -C kvm.caps
cp "$TS_OUT" "$TS_TMP/quiet.out"
[ -s "$TS_ERR" ] && ts_fail "vhv-check without -v wrote to stderr"
ts_run vhv-check -v --sysroot "$r" host -C kvm.caps
ts_assert_grep "^vhv-check: reading .*/host-amd-nested: a fixture" "$TS_ERR" "-v names the root and its kind"
ts_assert_grep "^vhv-check: KVM capabilities: .vhv/kvm of the fixture" "$TS_ERR" "-v names the KVM source"
grep -q 'debug:' "$TS_ERR" && ts_fail "-v printed debug lines"
cmp -s "$TS_OUT" "$TS_TMP/quiet.out" || ts_fail "-v changed stdout"
ts_run vhv-check -vv --sysroot "$r" host -C kvm.caps
ts_assert_grep "^vhv-check: debug: .* open .*/host-amd-nested/proc/cpuinfo: ok" "$TS_ERR" "-vv lists the files opened"

ts_run vhv-top -v --sysroot "$TS_ROOTS/top-t0,$TS_ROOTS/top-t1" -b --no-bpf
ts_assert_grep "^vhv-top: reading .*/top-t0: a fixture" "$TS_ERR" "vhv-top -v names its roots"

if command -v qemu-img >/dev/null; then
	qemu-img create -q -f qcow2 "$TS_TMP/v.qcow2" 1M
	ts_run vhv-qcow2 verify -v "$TS_TMP/v.qcow2"
	ts_assert_eq "vhv-qcow2 verify -v: exit code" "$TS_RC" 0
	ts_assert_grep "^vhv-qcow2 verify: .*v.qcow2: read [0-9]+ L1 entries" "$TS_ERR" "vhv-qcow2 verify -v"
	ts_run vhv qcow2 info -v "$TS_TMP/v.qcow2"
	ts_assert_eq "vhv qcow2 info -v: exit code" "$TS_RC" 0
else
	echo "qemu-img not installed: vhv-qcow2 -v not tried"
fi
ts_finalize
