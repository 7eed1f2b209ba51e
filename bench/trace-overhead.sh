#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/trace-overhead.sh: what tracing VM exits costs the guest's host thread.
#
#   bench/trace-overhead.sh [-b BUILD] [-n EXITS] [-r RUNS]
#
# Runs tests/tools/kvm-exitgen (EXITS port-I/O exits on one vCPU) RUNS times
# under each tracer and reports the generator's CPU time per exit, side by side:
#   none         no tracer
#   vhv-trace    vhv-trace with its default sources and latency histograms
#   vhv-ports    vhv-trace --ports (kvm_pio and kvm_mmio too)
#   bpftrace     bpftrace counting kvm:kvm_userspace_exit per pid
#   perf-stat    perf stat -e kvm:kvm_userspace_exit on the generator
# The generator's CPU time includes the BPF programs and perf's counting,
# which run in its context. Minimums are the figures that matter on a shared
# host (noise only ever adds time); medians are shown for a feel of the spread.
# It also checks that vhv-trace lost no event: its count for every generator
# run must equal the exits the generator made. Needs root, /dev/kvm, a build
# (make tests) and, for the comparisons, bpftrace and perf
# (scripts/install-deps.sh bench). No timed assertion: figures only.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build runs=5 n=200000
while getopts "b:n:r:h" o; do
	case $o in
	b) build=$(cd "$OPTARG" && pwd) ;;
	n) n=$OPTARG ;;
	r) runs=$OPTARG ;;
	*) sed -n '3,21p' "$0"; exit 0 ;;
	esac
done
gen=$build/tests/tools/kvm-exitgen
trace=$build/vhv-trace
[ "$(id -u)" = 0 ] || { echo "trace-overhead: needs root" >&2; exit 1; }
[ -x "$gen" ] && [ -x "$trace" ] || { echo "trace-overhead: build first: make O=$build tests" >&2; exit 1; }
tmp=$(mktemp -d /tmp/vhv-bench.XXXXXX)
tracer=
cleanup() {
	[ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# run_gen NAME [WRAPPER...]: RUNS generator runs; ns/exit values go to $tmp/NAME.ns.
run_gen() {
	local name=$1 i
	shift
	: >"$tmp/$name.ns"
	: >"$tmp/$name.pids"
	for ((i = 0; i < runs; i++)); do
		"$@" "$gen" -c 1 -k 0 -n "$n" -m 0 --mode long >"$tmp/gen.out" 2>&1 ||
			{ echo "trace-overhead: generator failed: $(tail -n 2 "$tmp/gen.out")" >&2; exit 1; }
		sed -n 's/.*ns_per_exit=\([0-9.]*\).*/\1/p' "$tmp/gen.out" >>"$tmp/$name.ns"
		sed -n 's/^pid=\([0-9]*\).*/\1/p' "$tmp/gen.out" >>"$tmp/$name.pids"
	done
}

# start_tracer READY-REGEX CMD...: background tracer, wait until READY-REGEX shows on its stderr.
start_tracer() {
	local ready=$1 i
	shift
	"$@" >"$tmp/tracer.out" 2>"$tmp/tracer.err" &
	tracer=$!
	for ((i = 0; i < 600; i++)); do
		grep -qE "$ready" "$tmp/tracer.err" "$tmp/tracer.out" 2>/dev/null && { sleep 0.5; return 0; }
		kill -0 "$tracer" 2>/dev/null || { echo "trace-overhead: $1 failed: $(head -n 3 "$tmp/tracer.err")" >&2; tracer=; return 1; }
		sleep 0.1
	done
	return 1
}

stop_tracer() {
	kill -INT "$tracer" 2>/dev/null
	wait "$tracer" 2>/dev/null
	tracer=
}

stats() {	# FILE -> "min median"
	sort -n "$1" | awk '{v[NR]=$1} END {if (NR) printf "%.1f %.1f", v[1], v[int((NR+1)/2)]; else print "- -"}'
}

# vhv-trace must have counted every exit of every run: N port I/O + 1 HLT.
check_lost() {	# NAME
	python3 - "$tmp/tracer.out" "$tmp/$1.pids" "$n" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
pids = [int(p) for p in open(sys.argv[2]).read().split()]
want = int(sys.argv[3]) + 1
got = {p: sum(e["count"] for e in doc["exits"] if e["pid"] == p) for p in pids}
bad = {p: c for p, c in got.items() if c != want}
print("lost none (%d runs x %d exits, kernel map drops %d)" % (len(pids), want, doc["lost"]) if not bad
      else "MISMATCH: %s (wanted %d each)" % (bad, want))
PY
}

echo "kvm-exitgen: $n port-I/O exits per run, $runs runs per tracer ($(uname -r), $(nproc) CPUs)"
run_gen none
if start_tracer 'tracing VM exits' "$trace" -J; then
	run_gen vhv-trace
	stop_tracer
	echo "vhv-trace:   $(check_lost vhv-trace)"
fi
if start_tracer 'tracing VM exits' "$trace" -J --ports; then
	run_gen vhv-ports
	stop_tracer
	echo "vhv-ports:   $(check_lost vhv-ports)"
fi
if command -v bpftrace >/dev/null; then
	if start_tracer 'Attaching' bpftrace -e 'tracepoint:kvm:kvm_userspace_exit { @[pid] = count(); }'; then
		run_gen bpftrace
		stop_tracer
	fi
else
	echo "bpftrace: not installed (scripts/install-deps.sh bench)"
fi
if command -v perf >/dev/null; then
	run_gen perf-stat perf stat -e kvm:kvm_userspace_exit -x, -o "$tmp/perf.out" --
else
	echo "perf: not installed (scripts/install-deps.sh bench)"
fi

read -r base_min base_med < <(stats "$tmp/none.ns")
echo
printf '%-11s %12s %12s %12s %8s\n' TRACER "MIN ns/exit" "MEDIAN" "ADDED(min)" RATIO
for t in none vhv-trace vhv-ports bpftrace perf-stat; do
	[ -s "$tmp/$t.ns" ] || continue
	read -r mn md < <(stats "$tmp/$t.ns")
	awk -v t="$t" -v mn="$mn" -v md="$md" -v b="$base_min" \
		'BEGIN {printf "%-11s %12.1f %12.1f %+12.1f %8.3f\n", t, mn, md, mn - b, mn / b}'
done
