#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/trace-overhead.sh: what tracing VM exits costs the guest's host thread.
#
#   bench/trace-overhead.sh [-b BUILD] [-n EXITS] [-r RUNS]
#
# Runs tests/tools/kvm-exitgen (EXITS port-I/O exits on one vCPU) in RUNS paired rounds
# (alone, then under each tracer) and reports its CPU time per exit side by side:
#   none         no tracer
#   vhv-trace    vhv-trace with its default sources and latency histograms
#   vhv-nolat    vhv-trace --no-latency (counts only: one program per exit)
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
	[ -n "${old_stats:-}" ] && sysctl -q -w kernel.bpf_stats_enabled="$old_stats" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# gen_once FILE-PREFIX [WRAPPER...]: one generator run; appends its ns/exit and pid.
gen_once() {
	local name=$1
	shift
	"$@" "$gen" -c 1 -k 0 -n "$n" -m 0 --mode long >"$tmp/gen.out" 2>&1 ||
		{ echo "trace-overhead: generator failed: $(tail -n 2 "$tmp/gen.out")" >&2; exit 1; }
	GEN_NS=$(sed -n 's/.*ns_per_exit=\([0-9.]*\).*/\1/p' "$tmp/gen.out")
	GEN_PID=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$tmp/gen.out")
	echo "$GEN_NS" >>"$tmp/$name.ns"
}

# start_tracer READY-REGEX CMD...: background tracer, wait until READY-REGEX shows.
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

# vhv-trace must have counted every exit of the run: N port I/O + 1 HLT.
check_lost() {	# NAME PID
	python3 - "$tmp/tracer.out" "$2" "$n" >>"$tmp/$1.lost" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
pid, want = int(sys.argv[2]), int(sys.argv[3]) + 1
got = sum(e["count"] for e in doc["exits"] if e["pid"] == pid)
print("ok" if got == want and doc["lost"] == 0 else "MISMATCH: %d of %d, drops %d" % (got, want, doc["lost"]))
PY
}

# run_traced NAME READY CMD...: a paired round: the generator alone, then under the tracer.
run_traced() {
	local name=$1 ready=$2 base
	shift 2
	gen_once "none"
	base=$GEN_NS
	if [ "$ready" = - ]; then
		gen_once "$name" "$@"
	else
		start_tracer "$ready" "$@" || return 1
		gen_once "$name"
		stop_tracer
		case $name in vhv*) check_lost "$name" "$GEN_PID" ;; esac
	fi
	awk -v a="$GEN_NS" -v b="$base" 'BEGIN {printf "%.1f\n", a - b}' >>"$tmp/$name.diff"
}

stats() {	# FILE -> "min median"
	sort -n "$1" | awk '{v[NR]=$1} END {if (NR) printf "%.1f %.1f", v[1], v[int((NR+1)/2)]; else print "- -"}'
}

echo "kvm-exitgen: $n port-I/O exits per run, $runs paired rounds per tracer ($(uname -r), $(nproc) CPUs)"
have_bpftrace=0 have_perf=0
command -v bpftrace >/dev/null && have_bpftrace=1 || echo "bpftrace: not installed (scripts/install-deps.sh bench)"
command -v perf >/dev/null && have_perf=1 || echo "perf: not installed (scripts/install-deps.sh bench)"
: >"$tmp/none.ns"
for ((r = 0; r < runs; r++)); do
	run_traced vhv-trace 'tracing VM exits' "$trace" -J
	run_traced vhv-nolat 'tracing VM exits' "$trace" -J --no-latency
	run_traced vhv-ports 'tracing VM exits' "$trace" -J --ports
	[ $have_bpftrace = 1 ] && run_traced bpftrace 'Attaching' \
		bpftrace -e 'tracepoint:kvm:kvm_userspace_exit { @[pid] = count(); }'
	[ $have_perf = 1 ] && run_traced perf-stat - perf stat -e kvm:kvm_userspace_exit -x, -o "$tmp/perf.out" --
done

for t in vhv-trace vhv-nolat vhv-ports; do
	[ -s "$tmp/$t.lost" ] || continue
	if grep -qv '^ok$' "$tmp/$t.lost"; then
		echo "$t: $(grep -v '^ok$' "$tmp/$t.lost" | head -n 1)"
	else
		echo "$t: lost no event ($(wc -l <"$tmp/$t.lost") runs, every exit counted)"
	fi
done
read -r base_min base_med < <(stats "$tmp/none.ns")
echo
printf '%-10s %11s %11s %14s %11s\n' TRACER "MIN ns/exit" "MEDIAN" "ADDED(paired)" "ADDED(min)"
printf '%-10s %11.1f %11.1f %14s %11s\n' none "$base_min" "$base_med" - -
for t in vhv-trace vhv-nolat vhv-ports bpftrace perf-stat; do
	[ -s "$tmp/$t.ns" ] || continue
	read -r mn md < <(stats "$tmp/$t.ns")
	read -r _ dmed < <(stats "$tmp/$t.diff")
	awk -v t="$t" -v mn="$mn" -v md="$md" -v d="$dmed" -v b="$base_min" \
		'BEGIN {printf "%-10s %11.1f %11.1f %+14.1f %+11.1f\n", t, mn, md, d, mn - b}'
done
echo
echo "ADDED(paired): median over rounds of (traced run - the untraced run just before it)."

# The noise of a shared host hides differences of ~100 ns above. The kernel's own
# accounting of BPF run time (kernel.bpf_stats_enabled, on only for this part)
# is steadier: time inside each tracer's programs per exit. It includes two
# clock reads per program run that the stats add, and excludes the dispatch.
prog_time() {	# LABEL READY CMD...
	local label=$1 ready=$2
	shift 2
	bpftool -j prog show >"$tmp/progs.before"
	start_tracer "$ready" "$@" || return
	gen_once stats
	bpftool -j prog show >"$tmp/progs.after"
	stop_tracer
	# The tracer's programs: those that appeared when it started.
	python3 - "$tmp/progs.before" "$tmp/progs.after" "$((n + 1))" "$label" <<'PY'
import json, sys
before = {p["id"] for p in json.load(open(sys.argv[1]))}
exits, label = int(sys.argv[3]), sys.argv[4]
t = c = 0
names = []
for p in json.load(open(sys.argv[2])):
    if p["id"] not in before and p.get("run_cnt"):
        t += p.get("run_time_ns", 0); c += p["run_cnt"]; names.append(p.get("name", "?"))
print("%-10s %8.1f ns/exit, %.1f program runs per exit (%s)" % (label, t / exits, c / exits, ",".join(sorted(names))))
PY
}
old_stats=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
if sysctl -q -w kernel.bpf_stats_enabled=1 2>/dev/null; then
	echo
	echo "In-kernel BPF program time per exit (bpf_stats):"
	prog_time vhv-trace 'tracing VM exits' "$trace" -J
	prog_time vhv-nolat 'tracing VM exits' "$trace" -J --no-latency
	prog_time vhv-ports 'tracing VM exits' "$trace" -J --ports
	[ $have_bpftrace = 1 ] && prog_time bpftrace 'Attaching' \
		bpftrace -e 'tracepoint:kvm:kvm_userspace_exit { @[pid] = count(); }'
	sysctl -q -w kernel.bpf_stats_enabled="$old_stats"
fi
