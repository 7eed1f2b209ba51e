#!/bin/bash
# ts: heavy
# make install into a DESTDIR: programs, man pages, bash completion, systemd units
# (with the real binary path substituted), and the installed front door works.
. "$VHV_SRC/tests/lib.sh"
[ "$TS_LABEL" = plain ] || ts_skip "install is tested on the plain build"
d=$TS_TMP/dest
make -s -C "$VHV_SRC" O="$VHV_BUILD" install DESTDIR="$d" PREFIX=/usr >"$TS_TMP/install.log" 2>&1 ||
	{ ts_fail "make install failed"; tail -n 20 "$TS_TMP/install.log"; }
for p in vhv vhv-check vhv-qcow2 vhv-top vhv-trace; do
	[ -x "$d/usr/bin/$p" ] || ts_fail "$p not installed"
done
for m in man7/vhv.7 man8/vhv-check.8 man8/vhv-qcow2.8 man8/vhv-top.8 man8/vhv-trace.8; do
	[ -f "$d/usr/share/man/$m" ] || ts_fail "man page $m not installed"
done
[ -f "$d/usr/share/bash-completion/completions/vhv" ] || ts_fail "bash completion not installed"
[ -L "$d/usr/share/bash-completion/completions/vhv-check" ] || ts_fail "no completion link for vhv-check"
ts_assert_grep '^ExecStart=/usr/bin/vhv-check .*--prometheus ' "$d/usr/lib/systemd/system/vhv-check.service" "installed service"
ts_assert_grep '^OnCalendar=' "$d/usr/lib/systemd/system/vhv-check.timer" "installed timer"
grep -q @BINDIR@ "$d/usr/lib/systemd/system/vhv-check.service" && ts_fail "@BINDIR@ left in the unit"
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify --man=no "$d/usr/lib/systemd/system/vhv-check.service" 2>&1 |
		grep -vE 'ExecStart.*not executable|is not executable|No such file|Failed to prepare' | grep -q . &&
		ts_fail "systemd-analyze complains about vhv-check.service"
fi
# the installed front door finds its installed commands
ts_run "$d/usr/bin/vhv" check --list-checks
ts_assert_eq "installed vhv check --list-checks" "$TS_RC" 0
# bash completion: completes commands and vhv-check's verbs
ts_run bash -c ". '$d/usr/share/bash-completion/completions/vhv'; COMP_WORDS=(vhv q); COMP_CWORD=1; _vhv; echo \"\${COMPREPLY[*]}\""
ts_assert_grep '^qcow2$' "$TS_OUT" "completion of 'vhv q'"
ts_finalize
