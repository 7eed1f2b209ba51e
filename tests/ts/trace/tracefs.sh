#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# On a fresh machine tracefs may not be mounted: the classic tracepoint
# kvm_exit needs it, so vhv-trace mounts it (kvm_entry, a raw tracepoint, does
# not). Checked in a private mount namespace where /sys/kernel/tracing is
# unmounted (the host's stays); vhv-trace needs a host where KVM works.
# ts: host amd
. "$VHV_SRC/tests/lib.sh"
ts_need_root
ts_need_kvm
ts_need_cmd unshare python3
[ -d /sys/kernel/btf ] || ts_skip "no kernel BTF"

unshare -m --propagation private sh -c '
	# (debugfs too: its tracing/ directory mounts tracefs again when looked at)
	umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null
	umount /sys/kernel/debug 2>/dev/null
	if [ -e /sys/kernel/tracing/events ] || [ -e /sys/kernel/debug/tracing/events ]; then
		echo "still mounted"; exit 3
	fi
	exec vhv-trace -d 0.3 -J --verbose' >"$TS_TMP/out.json" 2>"$TS_TMP/err.txt"
rc=$?
[ "$rc" = 3 ] && ts_skip "cannot unmount tracefs in a private namespace"
if [ "$rc" != 0 ] && grep -q 'cannot trace VM exits' "$TS_TMP/err.txt"; then
	ts_skip "$(head -n 1 "$TS_TMP/err.txt")"
fi
ts_assert_eq "exit code" "$rc" 0
ts_assert_grep 'mounted tracefs on /sys/kernel/tracing' "$TS_TMP/err.txt" "stderr"
python3 - "$TS_TMP/out.json" <<'PY' || ts_fail "kvm_exit/kvm_entry not attached after mounting tracefs"
import json, sys
src = {s["name"]: s["attached"] for s in json.load(open(sys.argv[1]))["sources"]}
sys.exit(0 if src["kvm:kvm_exit"] and src["kvm:kvm_entry"] else 1)
PY
ts_finalize
