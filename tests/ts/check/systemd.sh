#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd units: valid (systemd-analyze verify), the service sandboxed
# (systemd-analyze security: exposure 3.0 or less, "OK"; each exposure kept is
# explained in the unit), and its system call filter lets every call vhv-check
# really makes through: vhv-check runs under strace on this host and on a
# captured root, and each call is looked up in the filter's expansion.
. "$VHV_SRC/tests/lib.sh"
ts_need_cmd systemd-analyze strace python3
[ "$TS_LABEL" = plain ] || ts_skip "the units are tested on the plain build"

u=$TS_TMP/units
mkdir -p "$u"
sed "s|@BINDIR@|$VHV_BUILD|" "$VHV_SRC/dist/systemd/vhv-check.service" >"$u/vhv-check.service"
cp "$VHV_SRC/dist/systemd/vhv-check.timer" "$u/"

ts_run systemd-analyze verify --man=no "$u/vhv-check.service" "$u/vhv-check.timer"
ts_assert_eq "systemd-analyze verify exit code" "$TS_RC" 0
[ -s "$TS_OUT" ] && { ts_fail "systemd-analyze verify complains"; cat "$TS_OUT"; }

ts_run systemd-analyze security --offline=yes --threshold=30 "$u/vhv-check.service"
ts_assert_eq "systemd-analyze security: exposure over 3.0" "$TS_RC" 0
grep 'Overall exposure level' "$TS_OUT" || ts_fail "no exposure level from systemd-analyze security"

# The calls vhv-check makes: on this host (as the unit runs it) and on a
# captured root (the paths a rescue disk takes).
calls=$TS_TMP/calls
: >"$calls"
for args in "--quiet --prometheus $TS_TMP/out.prom" "--sysroot $TS_ROOTS/host-amd-nested" "boot --sysroot $TS_ROOTS/boot-legacy"; do
	# shellcheck disable=SC2086
	strace -f -qq -o "$TS_TMP/strace.log" "$VHV_BUILD/vhv-check" $args >/dev/null 2>&1
	sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p' "$TS_TMP/strace.log" >>"$calls"
done
[ -s "$calls" ] || ts_fail "strace recorded no system calls"

python3 - "$u/vhv-check.service" "$calls" <<'PY' || ts_fail "the unit's SystemCallFilter= denies calls vhv-check makes"
import subprocess, sys

def expand(name, seen=None):
    """A filter entry as a set of call names (groups expanded recursively)."""
    if not name.startswith("@"):
        return {name}
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    out = set()
    text = subprocess.run(["systemd-analyze", "syscall-filter", name], capture_output=True,
                          text=True, check=True).stdout
    for line in text.splitlines()[1:]:
        w = line.strip()
        if w and not w.startswith("#"):
            out |= expand(w, seen)
    return out

allow, deny = None, set()
for line in open(sys.argv[1]):
    if not line.startswith("SystemCallFilter="):
        continue
    v = line.split("=", 1)[1].split()
    if v and v[0].startswith("~"):
        v[0] = v[0][1:]
        for w in v:
            deny |= expand(w)
    else:
        allow = (allow or set()).union(*(expand(w) for w in v))
used = set(open(sys.argv[2]).read().split())
if allow is None:
    sys.exit("no allow list")
bad = sorted(c for c in used if c not in allow or c in deny)
print(f"{len(used)} distinct calls, allowed {len(allow - deny)}")
if bad:
    print("denied:", " ".join(bad))
sys.exit(bool(bad))
PY
ts_finalize
