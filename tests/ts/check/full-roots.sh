#!/bin/bash
# vhv-check with no verb (host and boot together) on every host fixture root:
# the whole report, human and JSON, and the exit code the worst finding gives.
. "$VHV_SRC/tests/lib.sh"

for r in "$TS_ROOTS"/host-*; do
	n=${r##*/host-}
	ts_golden "$n" vhv-check --sysroot "$r"
	ts_golden "$n.json" vhv-check --sysroot "$r" --json
	# -q keeps exactly the WARN and FAIL rows, and the exit code does not change
	ts_run vhv-check --sysroot "$r" -q
	rcq=$TS_RC
	grep -E '^(PASS|INFO|SKIP)  ' "$TS_OUT" && ts_fail "$n: -q shows rows that are not problems"
	ts_run vhv-check --sysroot "$r"
	ts_assert_eq "$n: exit code with -q" "$rcq" "$TS_RC"
done
ts_finalize
