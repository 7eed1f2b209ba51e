#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `vhv-trace report` of a fixture recording built from report-fixture.sql:
# human and JSON, each --by view, and the errors (missing file, not a
# recording, usage). No root, no BPF needed.
. "$VHV_SRC/tests/lib.sh"
ts_need_cmd sqlite3
sqlite3 fixture.db < "$VHV_SRC/tests/ts/trace/report-fixture.sql" || ts_fail "cannot build the fixture DB"

ts_golden - vhv-trace report fixture.db
ts_golden json vhv-trace report fixture.db --json
ts_golden by-vcpu vhv-trace report fixture.db --by vcpu
ts_golden by-time vhv-trace report fixture.db --by time -J
ts_golden missing vhv-trace report no-such.db
sqlite3 other.db 'CREATE TABLE t(a);'
ts_golden not-a-recording vhv-trace report other.db
ts_golden usage vhv-trace report
ts_golden bad-by vhv-trace report fixture.db --by color
ts_finalize
