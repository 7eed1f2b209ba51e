# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib.sh: helpers for tests/ts/<cmd>/<case>.sh (util-linux ts_* style).
# A script sources this file, runs its checks and ends with ts_finalize.
# Exit 0 pass, 77 skip (ts_skip "reason"), anything else fail.
#
# Environment (set by tests/run.sh): VHV_SRC VHV_BUILD TS_NAME TS_TMP TS_ROOTS
# TS_EXPECTED (= $VHV_SRC/tests/expected/<cmd>/<case>) TS_LABEL (plain|san) VHV_SAN;
# in an emulated host (tests/hosts) also TS_HOST (amd|xen) and TS_SHARE (a dir on the
# build machine's share, 9p).
# Header markers: "# ts: heavy" (not run in the sanitizer pass), "# ts: serial"
# (run alone, for timing-sensitive tests), "# ts: host amd|xen" (run inside that
# emulated host; amd also directly where /dev/kvm works).
#
# Golden files: ts_golden NAME CMD... compares stdout, stderr and the exit code
# of CMD with $TS_EXPECTED[.NAME].{out,err,rc}; UPDATE=1 rewrites them.
TS_FAILED=0

ts_skip() {
	echo "$*" >"$TS_TMP/.skip"
	echo "SKIP: $*"
	exit 77
}

ts_fail() {
	echo "FAIL: $*"
	TS_FAILED=1
}

ts_finalize() {
	[ "$TS_FAILED" = 0 ] && exit 0
	exit 1
}

ts_need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || ts_skip "$c is not installed"
	done
}

ts_need_root() {
	[ "$(id -u)" = 0 ] || ts_skip "needs root"
}

ts_need_kvm() {
	[ -e /dev/kvm ] || ts_skip "no /dev/kvm on this host"
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || ts_skip "/dev/kvm is not read-write for uid $(id -u)"
}

# Replace what differs between runs: paths, the version.
ts_filter() {
	sed -e "s|$TS_ROOTS|@ROOTS@|g" -e "s|$TS_TMP|@TMP@|g" -e "s|$VHV_BUILD|@BUILD@|g" \
		-e "s|$VHV_SRC|@SRC@|g" \
		-e 's|"version": *"[^"]*"|"version": "@VERSION@"|g' \
		-e 's|\(vhv[-a-z0-9]*\) [0-9][0-9.]*[0-9]|\1 @VERSION@|g'
}

# ts_run CMD...: run, leaving stdout in $TS_OUT, stderr in $TS_ERR, exit code in $TS_RC.
ts_run() {
	TS_OUT=$TS_TMP/.out TS_ERR=$TS_TMP/.err
	"$@" >"$TS_OUT" 2>"$TS_ERR"
	TS_RC=$?
	if [ -n "${VHV_SAN:-}" ] && grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TS_ERR"; then
		ts_fail "sanitizer report from: $*"
		sed 's/^/    /' "$TS_ERR" | head -n 30
	fi
	return 0
}

# ts_compare WHAT GOT EXPECTED_FILE
ts_compare() {
	local what=$1 got=$2 exp=$3
	if [ -n "${UPDATE:-}" ]; then
		# in an emulated host the source tree is read-only: tests/run.sh copies back
		[ -n "${TS_HOST:-}" ] && exp=$TS_TMP/.update/${exp#"$VHV_SRC"/}
		mkdir -p "$(dirname "$exp")"
		cp "$got" "$exp"
		return 0
	fi
	if [ ! -f "$exp" ]; then
		ts_fail "$what: no expected file $exp (run with UPDATE=1 to create it)"
		return 1
	fi
	if ! diff -u "$exp" "$got" >"$TS_TMP/.diff"; then
		ts_fail "$what differs from ${exp#"$VHV_SRC"/}"
		head -n 60 "$TS_TMP/.diff"
		return 1
	fi
}

# ts_golden NAME CMD...: NAME "-" uses $TS_EXPECTED.{out,err,rc} directly.
ts_golden() {
	local name=$1 base
	shift
	if [ "$name" = - ]; then base=$TS_EXPECTED; else base=$TS_EXPECTED.$name; fi
	ts_run "$@"
	ts_filter <"$TS_OUT" >"$TS_TMP/.out.f"
	ts_filter <"$TS_ERR" | grep -vE '^(==[0-9]+==|SUMMARY: )' >"$TS_TMP/.err.f"
	echo "$TS_RC" >"$TS_TMP/.rc"
	ts_compare "stdout of $*" "$TS_TMP/.out.f" "$base.out"
	ts_compare "stderr of $*" "$TS_TMP/.err.f" "$base.err"
	ts_compare "exit code of $*" "$TS_TMP/.rc" "$base.rc"
}

# ts_expect_rc N CMD...: run and check only the exit code.
ts_expect_rc() {
	local want=$1
	shift
	ts_run "$@"
	[ "$TS_RC" = "$want" ] || { ts_fail "exit $TS_RC (wanted $want): $*"; sed 's/^/    /' "$TS_ERR" | head -n 20; }
}

ts_assert_eq() {	# WHAT GOT WANT
	[ "$2" = "$3" ] || ts_fail "$1: got '$2', wanted '$3'"
}

ts_assert_grep() {	# PATTERN FILE [WHAT]
	grep -qE -- "$1" "$2" || { ts_fail "${3:-$2} does not match /$1/"; head -n 20 "$2" | sed 's/^/    /'; }
}
