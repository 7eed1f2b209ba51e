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
# help without a terminal falls back to --help of the command
ts_run vhv help check
ts_assert_grep "^Usage:" "$TS_OUT" "vhv help check"
ts_finalize
