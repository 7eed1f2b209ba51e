#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vhv-trace refuses bad usage with exit 1 and says why it cannot trace when it
# lacks privileges (as an unprivileged user, through setpriv).
. "$VHV_SRC/tests/lib.sh"

ts_golden bad-pid vhv-trace -p abc
ts_golden bad-duration vhv-trace -d 0
ts_golden bad-output vhv-trace -o xml
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
ts_finalize
