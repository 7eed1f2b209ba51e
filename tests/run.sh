#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/run.sh: vhv's test runner (called by `make check`).
#
#   tests/run.sh --build DIR [--san DIR] [-j N] [PATTERN...]
#
# Runs, against the build in DIR: the cmocka unit tests (tests/unit), the
# corpus replays of the fuzz targets (tests/fuzz), the golden and live CLI
# tests (tests/ts/<cmd>/<case>.sh, see tests/lib.sh), the layering and doc-sync
# checks and the man-page lint. With --san, the same again against the
# ASan+UBSan build, except scripts marked "# ts: heavy" (real VMs, big images).
# Scripts marked "# ts: host amd" run inside the emulated AMD KVM host, and
# "# ts: host xen" inside the emulated Xen dom0 (tests/hosts/emuhost; one boot
# each per run, started when the first test needs it), as "ts/cmd/case@amd";
# "host amd" scripts also run directly where this machine's /dev/kvm works.
# PATTERN (a glob on "unit/test-x", "ts/cmd/case", ...) selects tests.
# The last line is "N passed, N failed, N skipped".
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build= san= jobs=${TS_JOBS:-2}
pats=()
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--san) san=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	-h|--help) sed -n '3,15p' "$0"; exit 0 ;;
	*) pats+=("$1"); shift ;;
	esac
done
[ -n "$build" ] || { echo "run.sh: --build DIR is required" >&2; exit 1; }
build=$(cd "$build" && pwd)
[ -n "$san" ] && san=$(cd "$san" && pwd)

results=$(mktemp -d /tmp/vhv-tests.XXXXXX)
# The emulated hosts of this run: their state (QEMU pid, console, share) under $results.
export VHV_EMU_STATE=$results/emu VHV_BUILD=$build
emuhost=$src/tests/hosts/emuhost
emu_stop_all() {
	local k p
	for k in amd xen; do
		# a host still booting: its emuhost start stops it on TERM
		p=$(cat "$VHV_EMU_STATE/$k/starting.pid" 2>/dev/null) && kill -TERM "$p" 2>/dev/null
		"$emuhost" stop "$k" >/dev/null 2>&1
	done
}
trap 'emu_stop_all; rm -rf --one-file-system "$results"' EXIT
trap 'exit 130' INT TERM
npass=0 nfail=0 nskip=0

selected() {
	[ ${#pats[@]} -eq 0 ] && return 0
	local p
	for p in "${pats[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == $p || $1 == *$p* ]] && return 0
	done
	return 1
}

# record NAME STATUS(pass|fail|skip) [REASON]
record() {
	case "$2" in
	pass) npass=$((npass + 1)); printf '  PASS  %s\n' "$1" ;;
	skip) nskip=$((nskip + 1)); printf '  SKIP  %s: %s\n' "$1" "${3:-no reason given}" ;;
	*)    nfail=$((nfail + 1)); printf '  FAIL  %s%s\n' "$1" "${3:+: $3}" ;;
	esac
}

# cmocka binaries: each test case counts once.
run_unit() {	# BUILD LABEL
	local b=$1 label=$2 t name log p f s
	for t in "$b"/tests/unit/test-*; do
		[ -x "$t" ] || continue
		name="$label/unit/$(basename "$t")"
		selected "$name" || continue
		log=$results/$(basename "$t").$label.log
		CMOCKA_MESSAGE_OUTPUT=stdout timeout 300 "$t" >"$log" 2>&1
		local rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
		s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
		p=${p:-0} f=${f:-0} s=${s:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		npass=$((npass + p)) nfail=$((nfail + f)) nskip=$((nskip + s))
		if [ "$f" -gt 0 ]; then
			printf '  FAIL  %s (%s passed, %s failed, exit %s)\n' "$name" "$p" "$f" "$rc"
			grep -E '^\[  (FAILED|ERROR) |^\[  ERROR|Failure|ERROR|runtime error|Sanitizer' "$log" | head -n 20 | sed 's/^/        /'
		else
			printf '  PASS  %s (%s tests%s)\n' "$name" "$p" "$([ "$s" -gt 0 ] && echo ", $s skipped")"
		fi
	done
}

run_fuzz_replay() {	# BUILD LABEL
	local b=$1 label=$2 t n corpus log
	for t in "$b"/tests/fuzz/fuzz-*; do
		[ -x "$t" ] || continue
		n=$(basename "$t"); n=${n#fuzz-}
		selected "$label/fuzz/$n" || continue
		corpus=$src/tests/fuzz/corpus/$n
		if [ ! -d "$corpus" ]; then
			record "$label/fuzz/$n" fail "no corpus in tests/fuzz/corpus/$n"
			continue
		fi
		log=$results/fuzz-$n.$label.log
		if timeout 300 "$t" "$corpus" >"$log" 2>&1; then
			record "$label/fuzz/$n" pass
		else
			record "$label/fuzz/$n" fail "$(tail -n 3 "$log" | tr '\n' ' ')"
		fi
	done
}

# ts_host SCRIPT: the emulated host kind a script runs in ("# ts: host KIND"), if any.
ts_host() {
	sed -n 's/^# ts: host \([a-z]*\).*/\1/p' "$1" | head -n 1
}

# Can this machine run KVM guests itself (the "host amd" scripts run here too)?
kvm_here() {
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}

# emu_up KIND: boot the emulated host once per run; later calls wait for the first.
# Returns 0 when it runs, 77 (reason in $results/emu-KIND.log) when this machine
# cannot run it, else 1.
# With STALE (a boot number, emu-KIND.gen): that boot wedged; unless another test
# has booted the host again since, stop it and boot it again.
emu_up() {	# KIND [STALE]
	local k=$1 stale=${2:-} log rc lk gen
	log=$results/emu-$k.log
	exec {lk}>"$results/emu-$k.lock"
	flock "$lk"
	gen=$(cat "$results/emu-$k.gen" 2>/dev/null || echo 0)
	if [ -n "$stale" ] && [ "$stale" = "$gen" ]; then
		"$emuhost" stop "$k" >/dev/null 2>&1 {lk}>&-
		rm -f "$results/emu-$k.rc"
		echo $(($(cat "$results/emu-$k.restarts" 2>/dev/null || echo 0) + 1)) >"$results/emu-$k.restarts"
	fi
	if [ ! -f "$results/emu-$k.rc" ]; then
		local t0=$SECONDS
		# (QEMU must not inherit the lock: it would hold it for the whole run)
		"$emuhost" start "$k" >"$log" 2>&1 {lk}>&-
		echo $? >"$results/emu-$k.rc"
		echo "$((SECONDS - t0))" >"$results/emu-$k.boot"
		echo $((gen + 1)) >"$results/emu-$k.gen"
	fi
	exec {lk}>&-
	rc=$(cat "$results/emu-$k.rc")
	return "$rc"
}

# One golden/live script. Runs in its own scratch dir; see tests/lib.sh.
# HOST: run it inside that emulated host, in a scratch dir on the host's share.
# A test whose host wedged (exec's 125) runs once more in a host booted again.
run_one_ts() {	# BUILD LABEL SCRIPT OUTFILE [HOST [STALE]]
	local b=$1 label=$2 s=$3 out=$4 host=${5:-} stale=${6:-}
	local rel=${s#"$src"/tests/ts/} name case tmp rc gen= t0=$SECONDS
	rel=${rel%.sh}
	name="$label/ts/$rel${host:+@$host}"
	if [ -n "$host" ]; then
		emu_up "$host" $stale
		rc=$?
		gen=$(cat "$results/emu-$host.gen")
		if [ "$rc" = 77 ]; then
			echo "skip|$name|emulated $host host: $(tail -n 1 "$results/emu-$host.log")" >"$out"
			return
		elif [ "$rc" != 0 ]; then
			echo "fail|$name|the emulated $host host did not boot" >"$out"
			sed 's/^/        /' "$results/emu-$host.log" | tail -n 30 >"$out.log"
			return
		fi
		tmp=$(mktemp -d "$VHV_EMU_STATE/$host/share/ts.XXXXXX")
	else
		tmp=$(mktemp -d /tmp/vhv-ts.XXXXXX)
	fi
	(
		export VHV_SRC=$src VHV_BUILD=$b TS_NAME=$rel TS_TMP=$tmp TS_HOST=$host
		export TS_ROOTS=$b/tests/roots TS_EXPECTED=$src/tests/expected/$rel
		export TS_LABEL=$label PATH=$b:$PATH LC_ALL=C.UTF-8 NO_COLOR=1
		unset COLUMNS LINES  # goldens are rendered at the default width
		[ "$label" = san ] && export VHV_SAN=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
		if [ -n "$host" ]; then
			# Inside, the scratch dir is the guest's own tmpfs, as a host's disk would
			# be (a 9p share takes no sockets, no shared mmap); the skip reason and
			# UPDATE=1's goldens come back through TS_SHARE, this dir on the share.
			export TS_SHARE=$tmp
			exec "$emuhost" exec "$host" -t "$((${TS_TIMEOUT:-600} + 10))" \
				-e VHV_SRC -e VHV_BUILD -e TS_NAME -e TS_SHARE -e TS_HOST -e TS_ROOTS \
				-e TS_EXPECTED -e TS_LABEL -e PATH -e LC_ALL -e NO_COLOR -e VHV_SAN \
				-e ASAN_OPTIONS -e UBSAN_OPTIONS -e UPDATE -e TS_TIMEOUT -- \
				bash "$src/tests/hosts/ts-in-guest" "$s"
		fi
		cd "$tmp" && timeout "${TS_TIMEOUT:-600}" bash "$s"
	) >"$tmp/.log" 2>&1
	rc=$?
	# goldens that UPDATE=1 rewrote inside an emulated host
	if [ -n "$host" ] && [ -d "$tmp/.update" ]; then
		cp -r "$tmp/.update/." "$src/"
	fi
	if [ -n "$host" ] && [ "$rc" = 125 ] && [ -z "$stale" ]; then
		# the emulated host wedged or went down under this test: not the test's doing
		sed 's/^/        /' "$tmp/.log" | tail -n 5 >"$out.wedged"
		rm -rf --one-file-system "$tmp"
		run_one_ts "$b" "$label" "$s" "$out" "$host" "$gen"
		sed -i '1s/|/ (again: its host wedged)|/2' "$out" 2>/dev/null
		cat "$out.wedged" >>"$out.log" && rm -f "$out.wedged"
		return
	fi
	# a test taking long is named with its time (what each part of the suite costs)
	[ $((SECONDS - t0)) -ge 20 ] && name="$name ($((SECONDS - t0)) s)"
	case $rc in
	0) echo "pass|$name|" >"$out" ;;
	77) echo "skip|$name|$(cat "$tmp/.skip" 2>/dev/null || tail -n 1 "$tmp/.log")" >"$out" ;;
	124) echo "fail|$name|timed out after ${TS_TIMEOUT:-600} s" >"$out"
	     sed 's/^/        /' "$tmp/.log" | tail -n 40 >"$out.log" ;;
	*) echo "fail|$name|exit $rc" >"$out"; sed 's/^/        /' "$tmp/.log" | tail -n 40 >"$out.log" ;;
	esac
	rm -rf --one-file-system "$tmp"
}

run_ts() {	# BUILD LABEL
	local b=$1 label=$2 s i=0 running=0 r h
	# Roots are copied so that no test can change tests/roots (kmod).
	rm -rf "$b/tests/roots"
	mkdir -p "$b/tests"
	cp -a "$src/tests/roots" "$b/tests/roots"
	# (script, emulated host) pairs: a "host amd" script runs in the emulated AMD
	# host, and here as well where /dev/kvm works.
	local list=() hosts=()
	while IFS= read -r s; do
		local rel=${s#"$src"/tests/ts/}
		if [ "$label" = san ] && grep -q '^# ts: heavy' "$s"; then continue; fi
		h=$(ts_host "$s")
		if { [ -z "$h" ] || { [ "$h" = amd ] && kvm_here; }; } &&
			selected "$label/ts/${rel%.sh}"; then
			list+=("$s") hosts+=("")
		fi
		if [ -n "$h" ] && selected "$label/ts/${rel%.sh}@$h"; then
			list+=("$s") hosts+=("$h")
		fi
	done < <(find "$src/tests/ts" -name '*.sh' | sort)
	# Boot the emulated hosts in the background now, while the other tests run.
	for h in amd xen; do
		[[ " ${hosts[*]} " == *" $h "* ]] && ( emu_up "$h" & )
	done
	# Scripts marked "# ts: serial" (timing-sensitive: benchmarks of exits, VMs) run alone.
	for ((r = 0; r < ${#list[@]}; r++)); do
		s=${list[r]} h=${hosts[r]}
		i=$((i + 1))
		if grep -q '^# ts: serial' "$s"; then
			wait
			running=0
			run_one_ts "$b" "$label" "$s" "$results/ts.$label.$i" "$h"
			continue
		fi
		run_one_ts "$b" "$label" "$s" "$results/ts.$label.$i" "$h" &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
	done
	wait
	for ((r = 1; r <= i; r++)); do
		[ -f "$results/ts.$label.$r" ] || continue
		IFS='|' read -r st nm why <"$results/ts.$label.$r"
		record "$nm" "$st" "$why"
		[ -f "$results/ts.$label.$r.log" ] && cat "$results/ts.$label.$r.log"
	done
}

run_static() {
	if selected "layers"; then
		if out=$("$src/tests/check-layers.sh" "$build" 2>&1); then record layers pass
		else record layers fail; echo "$out" | sed 's/^/        /'; fi
	fi
	if selected "doc-sync"; then
		if out=$("$src/tests/doc-sync.sh" "$build" 2>&1); then record doc-sync pass
		else record doc-sync fail; echo "$out" | sed 's/^/        /'; fi
	fi
	if selected "man-lint"; then
		if ! command -v mandoc >/dev/null; then record man-lint skip "mandoc not installed"
		else
			# scdoc always emits empty .PP paragraphs; that warning is its, not ours.
			out=$(mandoc -Tlint -W warning "$build"/man/* 2>&1 | grep -v 'skipping paragraph macro')
			if [ -z "$out" ] && ls "$build"/man/* >/dev/null 2>&1; then record man-lint pass
			else record man-lint fail "${out:-no man pages built}"; fi
		fi
	fi
}

echo "vhv tests: build $build${san:+, sanitizers $san}"
run_static
run_unit "$build" plain
run_fuzz_replay "$build" plain
run_ts "$build" plain
if [ -n "$san" ]; then
	run_unit "$san" san
	run_fuzz_replay "$san" san
	run_ts "$san" san
fi
for h in amd xen; do
	[ -f "$results/emu-$h.rc" ] || continue
	if [ "$(cat "$results/emu-$h.rc")" = 0 ]; then
		r=$(cat "$results/emu-$h.restarts" 2>/dev/null)
		echo "  (emulated $h host: booted in $(cat "$results/emu-$h.boot") s${r:+; it wedged and was booted again ($r)})"
	fi
done
kvm_here || echo "  (no usable /dev/kvm here: the live KVM tests ran in the emulated AMD host only)"
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
