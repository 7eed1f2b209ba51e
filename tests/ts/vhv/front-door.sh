#!/bin/bash
# The front door: vhv CMD runs vhv-CMD, --version, help, bad commands.
. "$VHV_SRC/tests/lib.sh"

ts_golden version vhv --version
ts_golden usage vhv --help
ts_golden no-command vhv
ts_golden bad-command vhv frobnicate
# vhv check --list-checks is vhv-check --list-checks
ts_run vhv check --list-checks
cp "$TS_OUT" "$TS_TMP/a"
ts_run vhv-check --list-checks
cmp -s "$TS_TMP/a" "$TS_OUT" || ts_fail "vhv check --list-checks differs from vhv-check --list-checks"
# --sysroot is passed on to the command
ts_run vhv --sysroot /nonexistent-vhv check
ts_assert_eq "exit code of vhv --sysroot /nonexistent check" "$TS_RC" 1
ts_assert_grep "cannot use /nonexistent-vhv as the root" "$TS_ERR"
# --sysroot is refused, with the reason, for the commands that take none
ts_golden sysroot-qcow2 vhv --sysroot / qcow2 info x.qcow2
ts_golden sysroot-trace vhv --sysroot / trace
# one line naming the command (not the path the front door ran), then the hint
ts_golden bad-option vhv check --bogus
ts_golden bad-option-trace vhv trace --bogus
ts_golden bad-option-report vhv trace report --by
# help without a terminal falls back to --help of the command
ts_run vhv help check
ts_assert_grep "^Usage:" "$TS_OUT" "vhv help check"
# and on a terminal too when the man page is not installed (man exited 16)
if command -v script >/dev/null; then
	ts_run env MANPATH="$TS_TMP/no-man" script -qec "vhv help check" /dev/null
	ts_assert_eq "vhv help check on a terminal without the page: exit code" "$TS_RC" 0
	ts_assert_grep "Usage:" "$TS_OUT" "vhv help check on a terminal without the page"
fi
ts_finalize
