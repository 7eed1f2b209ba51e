#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/trace-overhead.sh: what tracing VM exits costs the guest's host thread.
#
#   bench/trace-overhead.sh [-b BUILD] [-r ROUNDS] [-p SECS] [-c CPU] [-n EXITS]
#                           [-k PAIRS] [-a SECS]
#
# One long run of tests/tools/kvm-exitgen (port-I/O exits on one vCPU, pinned to
# CPU -c, default 0) reports the thread's CPU time for every block of 10000
# exits. While it runs, each tracer in turn is started, measured for -p seconds
# (default 3) and stopped, with an untraced phase of the same length between
# every two, in -r rounds (default 5):
#   vhv-trace    vhv-trace as it runs by default: every exit counted, latency
#                histograms from sampled exits (--latency=sampled)
#   vhv-all      vhv-trace --latency=all: every exit timed
#   vhv-nolat    vhv-trace --latency=off (counts only: one program per exit)
#   vhv-ports    vhv-trace --ports (kvm_pio and kvm_mmio too)
#   bpftrace     bpftrace counting kvm:kvm_userspace_exit per pid
#   perf-stat    perf stat -e kvm:kvm_userspace_exit -p on the generator
# A phase's figure is the CPU time per exit of the blocks inside it (their
# mean: costs that come in bursts, like vhv-trace's timing windows, count in
# full); a tracer's added cost in a round is its phase against the mean of
# the untraced phases just before and after, also given as a ratio of
# bpftrace's and perf stat's; the median over rounds is reported. The same
# process and VM throughout, pinned, and phases that alternate: on a shared
# VM host, separate runs of the generator differ by hundreds of ns per exit.
# The generator's CPU time includes the BPF programs and perf's counting,
# which run in its context, and the interruptions each tracer causes (IPIs
# when vhv-trace attaches or detaches its sampling programs).
#
# Then, closer still: vhv-trace itself paused (SIGUSR1: its programs
# detached) and resumed, every -a seconds (default 0.5) for -k pairs
# (default 20), in one tracer process and one generator run with blocks of
# 2000 exits: what the running tool adds, free of start-up and of slow drift.
#
# Then it checks that vhv-trace loses no event (separate runs of -n EXITS,
# default 200000, whose counts must equal the generator's), and reports the
# time spent inside each tracer's BPF programs as the kernel accounts it
# (kernel.bpf_stats_enabled, on only for that part). Needs root, /dev/kvm, a
# build (make tests) and, for the comparisons, bpftrace and perf
# (scripts/install-deps.sh bench). No timed assertion: figures only.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build rounds=5 phase=3 cpu=0 n=200000 block=10000 pairs=20 alt=0.5
while getopts "b:r:p:c:n:k:a:h" o; do
	case $o in
	b) build=$(cd "$OPTARG" && pwd) ;;
	r) rounds=$OPTARG ;;
	p) phase=$OPTARG ;;
	c) cpu=$OPTARG ;;
	n) n=$OPTARG ;;
	k) pairs=$OPTARG ;;
	a) alt=$OPTARG ;;
	*) sed -n '3,41p' "$0"; exit 0 ;;
	esac
done
gen=$build/tests/tools/kvm-exitgen
trace=$build/vhv-trace
[ "$(id -u)" = 0 ] || { echo "trace-overhead: needs root" >&2; exit 1; }
[ -x "$gen" ] && [ -x "$trace" ] || { echo "trace-overhead: build first: make O=$build tests" >&2; exit 1; }
command -v python3 >/dev/null || { echo "trace-overhead: needs python3" >&2; exit 1; }
tmp=$(mktemp -d /tmp/vhv-bench.XXXXXX)
tracer= genpid=
cleanup() {
	[ -n "$tracer" ] && stop_tracer
	[ -n "$genpid" ] && stop_gen
	[ -n "${old_stats:-}" ] && sysctl -q -w kernel.bpf_stats_enabled="$old_stats" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The analysis of generator blocks against tracer phases (both parts below).
cat >"$tmp/phases.py" <<'PY'
import statistics as st, sys

def phase_figures(blocks_file, phases_file, block):
    """[(name, CPU ns per exit)] for each phase, in order: the mean of the
    blocks inside it (bursts, like timing windows, count in full)."""
    blocks = []  # (start, end, ns per exit)
    for line in open(blocks_file):
        kv = dict(f.split("=") for f in line.split()[1:])
        end, cpu = int(kv["t_ns"]), int(kv["cpu_ns"])
        blocks.append((end - cpu, end, cpu / block))
    phases, begin = [], {}
    for line in open(phases_file):
        name, _, what, t = line.split()
        if what == "begin":
            begin[name] = int(t)
            continue
        inside = [b[2] for b in blocks if b[0] >= begin[name] and b[1] <= int(t)]
        if inside:
            phases.append((name, st.mean(inside)))
    return phases

def quartiles(v):
    v = sorted(v)
    return v[(len(v) - 1) // 4], st.median(v), v[(3 * len(v)) // 4]


def rounds():
    phases = phase_figures(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    added, per = {}, {}
    for i, (name, v) in enumerate(phases):
        per.setdefault(name, []).append(v)
        if name == "none":
            continue
        before = next((p for p in reversed(phases[:i]) if p[0] == "none"), None)
        after = next((p for p in phases[i + 1:] if p[0] == "none"), None)
        if before and after:
            added.setdefault(name, []).append(v - (before[1] + after[1]) / 2)
    ref = {n: st.median(added[n]) for n in ("bpftrace", "perf-stat") if n in added}
    print()
    print("%-10s %9s %10s %21s %s" % ("TRACER", "ns/exit", "ADDED", "(quartiles, rounds)",
                                      " ".join("x%-9s" % n for n in ref)))
    print("%-10s %9.1f %10s" % ("none", st.median(per.get("none", [0])), "-"))
    for name in ("vhv-trace", "vhv-all", "vhv-nolat", "vhv-ports", "bpftrace", "perf-stat"):
        if name not in added:
            continue
        lo, mid, hi = quartiles(added[name])
        ratios = " ".join("%-10s" % ("%.2f" % (mid / r) if r > 0 else "-") for r in ref.values())
        print("%-10s %9.1f %+10.1f %21s %s" % (name, st.median(per[name]), mid,
                                                "(%+.0f .. %+.0f, %d)" % (lo, hi, len(added[name])),
                                                ratios))
    print()
    print("ns/exit: median over phases of the phase's CPU time per exit. ADDED: median over")
    print("rounds of (traced phase - mean of the untraced phases around it). xTOOL: ADDED as")
    print("a ratio of that tool's ADDED.")


def pairs():
    phases = phase_figures(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    added = {}
    for i, (name, v) in enumerate(phases):
        if name.endswith("/paused"):
            continue
        ref = name + "/paused"
        if i and i + 1 < len(phases) and phases[i - 1][0] == ref and phases[i + 1][0] == ref:
            added.setdefault(name, []).append(v - (phases[i - 1][1] + phases[i + 1][1]) / 2)
    print("%-10s %10s %22s" % ("TRACER", "ADDED ns", "(quartiles, pairs)"))
    for name in ("vhv-trace", "vhv-all", "vhv-nolat"):
        if name in added:
            lo, mid, hi = quartiles(added[name])
            print("%-10s %+10.1f %22s" % (name, mid, "(%+.0f .. %+.0f, %d)" % (lo, hi, len(added[name]))))


{"rounds": rounds, "pairs": pairs}[sys.argv[1]]()
PY

# start_tracer READY CMD...: a background tracer; wait until READY (an ERE) shows
# in its output, or for a second when READY is "-" (perf stat prints nothing).
start_tracer() {
	local ready=$1 i
	shift
	# Not the last tracer's output: it would say READY before this one is attached.
	rm -f "$tmp/tracer.out" "$tmp/tracer.err"
	"$@" >"$tmp/tracer.out" 2>"$tmp/tracer.err" &
	tracer=$!
	if [ "$ready" = - ]; then
		sleep 1
		kill -0 "$tracer" 2>/dev/null && return 0
	else
		for ((i = 0; i < 600; i++)); do
			grep -qE "$ready" "$tmp/tracer.err" "$tmp/tracer.out" 2>/dev/null && return 0
			kill -0 "$tracer" 2>/dev/null || break
			sleep 0.1
		done
	fi
	echo "trace-overhead: $1 did not start: $(head -n 3 "$tmp/tracer.err")" >&2
	stop_tracer
	return 1
}

stop_tracer() {
	kill -INT "$tracer" 2>/dev/null
	wait "$tracer" 2>/dev/null
	tracer=
}

# start_gen BLOCK OUT: the long generator run, pinned, reporting every BLOCK exits to OUT.
start_gen() {
	taskset -c "$cpu" "$gen" -c 1 -k 0 -n 4000000000 -m 0 --mode long -b "$1" \
		>"$2" 2>"$tmp/gen.err" &
	genpid=$!
	sleep 1
	kill -0 "$genpid" 2>/dev/null && return 0
	echo "trace-overhead: generator failed: $(cat "$tmp/gen.err")" >&2
	exit 1
}

stop_gen() {
	kill "$genpid" 2>/dev/null
	wait "$genpid" 2>/dev/null
	genpid=
}

phases=$tmp/phases	# where mark writes
mark() {	# NAME ROUND begin|end
	echo "$1 $2 $3 $(date +%s%N)" >>"$phases"
}

untraced() {	# ROUND
	mark none "$1" begin
	sleep "$phase"
	mark none "$1" end
}

traced() {	# NAME ROUND READY CMD...
	local name=$1 r=$2 ready=$3
	shift 3
	start_tracer "$ready" "$@" || return
	sleep 0.5	# let the tracer's start-up work settle
	mark "$name" "$r" begin
	sleep "$phase"
	mark "$name" "$r" end
	stop_tracer
}

echo "kvm-exitgen: one run, blocks of $block port-I/O exits on CPU $cpu; $rounds rounds of" \
	"${phase} s phases ($(uname -r), $(nproc) CPUs)"
have_bpftrace=0 have_perf=0
bpftrace_prog='tracepoint:kvm:kvm_userspace_exit { @[pid] = count(); }'
command -v bpftrace >/dev/null && have_bpftrace=1 || echo "bpftrace: not installed (scripts/install-deps.sh bench)"
command -v perf >/dev/null && have_perf=1 || echo "perf: not installed (scripts/install-deps.sh bench)"

start_gen "$block" "$tmp/blocks"
: >"$phases"
for ((r = 0; r < rounds; r++)); do
	untraced "$r"
	traced vhv-trace "$r" 'tracing VM exits' "$trace" -J
	untraced "$r"
	traced vhv-all "$r" 'tracing VM exits' "$trace" -J --latency=all
	untraced "$r"
	traced vhv-nolat "$r" 'tracing VM exits' "$trace" -J --latency=off
	untraced "$r"
	traced vhv-ports "$r" 'tracing VM exits' "$trace" -J --ports
	if [ $have_bpftrace = 1 ]; then
		untraced "$r"
		traced bpftrace "$r" 'Attaching' bpftrace -e "$bpftrace_prog"
	fi
	if [ $have_perf = 1 ]; then
		untraced "$r"
		traced perf-stat "$r" - perf stat -e kvm:kvm_userspace_exit -x, -o "$tmp/perf.out" -p "$genpid"
	fi
done
untraced "$rounds"
stop_gen
python3 "$tmp/phases.py" rounds "$tmp/blocks" "$phases" "$block"

# vhv-trace paused and resumed with SIGUSR1, alternating, in one process.
echo
echo "vhv-trace resumed against paused, $pairs pairs of ${alt} s phases, blocks of 2000 exits:"
start_gen 2000 "$tmp/blocks2"
phases=$tmp/phases2
: >"$phases"
for m in "vhv-trace" "vhv-all --latency=all" "vhv-nolat --latency=off"; do
	set -- $m
	name=$1
	shift
	start_tracer 'tracing VM exits' "$trace" -J "$@" || continue
	kill -USR1 "$tracer"
	sleep 0.5
	for ((k = 0; k <= pairs; k++)); do
		mark "$name/paused" "$k" begin
		sleep "$alt"
		mark "$name/paused" "$k" end
		[ "$k" = "$pairs" ] && break
		kill -USR1 "$tracer"	# resume
		sleep 0.1	# attaching, and the window of the first period
		mark "$name" "$k" begin
		sleep "$alt"
		mark "$name" "$k" end
		kill -USR1 "$tracer"	# pause
		sleep 0.1
	done
	stop_tracer
done
stop_gen
python3 "$tmp/phases.py" pairs "$tmp/blocks2" "$phases" 2000

# vhv-trace must count every exit of a run: N port I/O + 1 HLT.
echo
lost_check() {	# NAME ARGS...
	local name=$1 pid
	shift
	start_tracer 'tracing VM exits' "$trace" -J "$@" || return
	taskset -c "$cpu" "$gen" -c 1 -k 0 -n "$n" -m 0 --mode long >"$tmp/gen.out" 2>&1
	stop_tracer
	pid=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$tmp/gen.out")
	python3 - "$tmp/tracer.out" "$pid" "$n" "$name" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
pid, want, name = int(sys.argv[2]), int(sys.argv[3]) + 1, sys.argv[4]
got = sum(e["count"] for e in doc["exits"] if e["pid"] == pid)
timed = sum(e["latency_ns"]["measured"] for e in doc["exits"] if e["pid"] == pid)
if got == want and doc["lost"] == 0:
    print("%-10s lost no event: %d of %d exits counted, %d timed" % (name, got, want, timed))
else:
    print("%-10s MISMATCH: %d of %d exits counted, %d lost" % (name, got, want, doc["lost"]))
PY
}
lost_check vhv-trace
lost_check vhv-all --latency=all
lost_check vhv-nolat --latency=off
lost_check vhv-ports --ports

# The kernel's own accounting of BPF run time: time inside each tracer's
# programs per exit. It includes two clock reads per program run that the
# stats add, and excludes the dispatch to the program.
prog_time() {	# LABEL READY CMD...
	local label=$1 ready=$2
	shift 2
	bpftool -j prog show >"$tmp/progs.before"
	start_tracer "$ready" "$@" || return
	sleep 0.5
	taskset -c "$cpu" "$gen" -c 1 -k 0 -n "$n" -m 0 --mode long >"$tmp/gen.out" 2>&1
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
print("%-10s %8.1f ns/exit, %.2f program runs per exit (%s)" % (label, t / exits, c / exits, ",".join(sorted(names))))
PY
}
old_stats=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
if command -v bpftool >/dev/null && sysctl -q -w kernel.bpf_stats_enabled=1 2>/dev/null; then
	echo
	echo "In-kernel BPF program time per exit (bpf_stats):"
	prog_time vhv-trace 'tracing VM exits' "$trace" -J
	prog_time vhv-all 'tracing VM exits' "$trace" -J --latency=all
	prog_time vhv-nolat 'tracing VM exits' "$trace" -J --latency=off
	prog_time vhv-ports 'tracing VM exits' "$trace" -J --ports
	[ $have_bpftrace = 1 ] && prog_time bpftrace 'Attaching' bpftrace -e "$bpftrace_prog"
	sysctl -q -w kernel.bpf_stats_enabled="$old_stats"
fi
