#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vhv-trace refuses bad usage with exit 1 and says why it cannot trace when it
# lacks privileges (as an unprivileged user, through setpriv).
. "$VHV_SRC/tests/lib.sh"

ts_golden bad-pid vhv-trace -p abc
ts_golden bad-duration vhv-trace -d 0
ts_golden bad-output vhv-trace --output=json
ts_golden extra-arg vhv-trace now
ts_golden bad-latency vhv-trace --latency=some
ts_golden bad-latency-rate vhv-trace --latency-rate 0
ts_golden version vhv-trace --version

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	ts_run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all vhv-trace -d 1
	ts_assert_eq "exit code as nobody" "$TS_RC" 1
	ts_assert_grep 'cannot trace VM exits: (needs root \(CAP_BPF and CAP_PERFMON\)|built without BPF support)' \
		"$TS_ERR" "stderr as nobody"
fi
# As root: a --pid that is no VMM, and a host where KVM is not usable, are
# errors that say so (not "0 exits").
if [ "$(id -u)" = 0 ]; then
	ts_golden no-such-pid vhv-trace -p 2147483647 -d 1
	ts_run vhv-trace -p $$ -d 1
	ts_assert_eq "exit code for a process without a VM" "$TS_RC" 1
	ts_assert_grep "^vhv-trace: --pid $$ \\(bash\\) holds no KVM VM: no exits to trace$" "$TS_ERR" \
		"a process without a VM"
	if command -v unshare >/dev/null; then
		# no /dev/kvm: an empty /dev in a private mount namespace
		ts_run unshare -m --propagation private sh -c 'mount -t tmpfs none /dev && exec vhv-trace -d 1'
		ts_assert_eq "exit code without /dev/kvm" "$TS_RC" 1
		ts_assert_grep 'cannot trace VM exits: (no /dev/kvm: KVM is not usable on this host|built without BPF support)' \
			"$TS_ERR" "without /dev/kvm"
	fi
fi
ts_finalize
