#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bash completion: options of commands and subcommands (from their --help),
# column ids and sort keys (vhv-top -H), check ids (vhv-check -l), report
# views, latency modes, and directories for --sysroot.
. "$VHV_SRC/tests/lib.sh"
ts_need_cmd bash

comp() {	# WORDS...: what completing the last word offers, one line
	bash -c '. "$1/dist/bash-completion/vhv"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _vhv
		echo "${COMPREPLY[*]}"' _ "$VHV_SRC" "$@"
}
want() {	# EXPECTED WORDS...
	local exp=$1 got
	shift
	got=$(comp "$@")
	[ "$got" = "$exp" ] || ts_fail "completing '$*': got '$got', want '$exp'"
}

want "qcow2" vhv q
want "--max-messages" vhv-qcow2 verify --max
want "--strict" vhv qcow2 verify --str
want "--force-share" vhv-qcow2 info --force
want "--verbose" vhv-qcow2 verify --verb
want "json" vhv-qcow2 verify --output j
want "cpu cpu_max cpu_weight cpuset cpuset_mems" vhv-top -x cp
want "pid,vcpu pid,vcsw" vhv-top -o pid,vc
want "+vcpu +vcsw" vhv-top -o +vc
want "pid,vcpu pid,vcsw" vhv-top --output pid,vc
want "vcpu" vhv-trace --by v
want "--latency --latency-rate" vhv trace --laten
want "sampled" vhv-trace --latency s
want "kvm.dev" vhv-check -C kvm.de
want "host" vhv check h
mkdir -p "$TS_TMP/rootdir" && : >"$TS_TMP/rootfile"
want "$TS_TMP/rootdir" vhv --sysroot "$TS_TMP/root"
want "$TS_TMP/rootdir" vhv-check --sysroot "$TS_TMP/root"
ts_finalize
