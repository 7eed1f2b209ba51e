#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/top-refresh.sh [BUILD]: CPU cost per refresh of vhv-top with 1,000+
# vCPU-like threads, side by side with `top -H -b` and htop on the same set.
#
# The set: NPROC processes (tests/tools/top-fakevmm) that each hold a real KVM
# VM fd and NVCPU vCPU fds and run NVCPU threads named "CPU N/KVM" (default
# 8 x 128 = 1,024 threads), so vhv-top discovers them as VMs.
# Batch tools: CPU(user+sys, from wait4 rusage) of a run with R+1 refreshes
# minus a run with 1, divided by R: start-up (and BPF loading) is excluded.
# Interactive tools (htop, vhv-top's curses view) run in a private tmux at a
# 0.1 s delay for D seconds; their CPU ticks over that time / refreshes.
# Target (issue 5): vhv-top at most half of top's CPU per refresh.
#   NPROC=8 NVCPU=128 R=40 D=8 bench/top-refresh.sh build
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
top_bin=$build/vhv-top fake=$build/tests/tools/top-fakevmm
nproc=${NPROC:-8} nvcpu=${NVCPU:-128} R=${R:-40} D=${D:-8}
[ -x "$top_bin" ] && [ -x "$fake" ] || { echo "bench: make O=$build tests first" >&2; exit 1; }
for c in top python3; do
	command -v "$c" >/dev/null || { echo "bench: $c missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done
# the interactive comparison needs htop and tmux; without them only the batch rows are measured
tui=1
for c in htop tmux; do
	command -v "$c" >/dev/null || { echo "bench: $c missing: interactive rows skipped" >&2; tui=0; }
done
[ -w /dev/kvm ] || { echo "bench: needs a writable /dev/kvm" >&2; exit 1; }
tmp=$(mktemp -d)
sock=vhvbench-$$
fakes=()
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null
	for p in "${fakes[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

for i in $(seq "$nproc"); do
	"$fake" "$nvcpu" >"$tmp/fake.$i" &
	fakes+=("$!")
done
for i in $(seq "$nproc"); do
	for _ in $(seq 100); do grep -q ready "$tmp/fake.$i" 2>/dev/null && break; sleep 0.05; done
done
threads=$(ls -d /proc/[0-9]*/task/* 2>/dev/null | wc -l)
found=$("$top_bin" -b -c 1 -i 0.1 --no-bpf 2>/dev/null | head -n 1)
echo "set: $nproc processes x $nvcpu vCPU threads; $threads threads on the host"
echo "vhv-top sees: $found"

# cpu CMD...: user+sys seconds of CMD and its children (wait4 rusage, microseconds)
cpu() {
	python3 -c '
import os, resource, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, _, ru = os.wait4(p.pid, 0)
print("%.6f" % (ru.ru_utime + ru.ru_stime))' "$@"
}
# per_refresh NAME CMD-FOR-1 CMD-FOR-R+1 (the iteration count is appended)
per_refresh() {
	local name=$1 a b
	shift
	a=$(cpu "$@" 1)
	b=$(cpu "$@" $((R + 1)))
	python3 -c "print('%.3f' % ((float('$b') - float('$a')) / $R * 1000))"
}
v_nobpf=$(per_refresh vhv-top "$top_bin" -b -i 0.1 --no-bpf -c)
v_bpf=$(per_refresh vhv-top "$top_bin" -b -i 0.1 -c)
v_all=$(per_refresh vhv-top "$top_bin" -b -i 0.1 --no-bpf -o +lcpu,+affinity,+vcsw,+ivcsw,+rss -c)
# issue 13's columns, by the reads they need: status (resident split, backing),
# smaps_rollup + numa_maps (page-table walks), the cgroup's files, KSM and
# KVM's statistics (each vCPU's stats fd, kept open: one pread per vCPU per refresh)
v_mem=$(per_refresh vhv-top "$top_bin" -b -i 0.1 --no-bpf \
	-o +backing,+anon,+shmem,+file,+swap,+hugetlb -c)
v_walk=$(per_refresh vhv-top "$top_bin" -b -i 0.1 --no-bpf -o +thp,+numa,+numa_mismatch -c)
v_cg=$(per_refresh vhv-top "$top_bin" -b -i 0.1 --no-bpf \
	-o +cgroup,+cpu_max,+mem_max,+throttled,+limited,+psi_cpu,+psi_mem,+psi_io -c)
v_kst=$(per_refresh vhv-top "$top_bin" -b -i 0.1 --no-bpf \
	-o +ksm,+kvm_exits,+halt_exits,+io_exits,+mmio_exits,+poll_ok,+poll_fail,+halt_wait,+poll_cpu -c)
t=$(per_refresh top top -H -b -d 0.1 -n)

# interactive: CPU ticks of the process over D seconds at a 0.1 s delay
interactive() {	# CMD...
	local pid a b hz
	hz=$(getconf CLK_TCK)
	tmux -L "$sock" kill-server 2>/dev/null
	tmux -L "$sock" new-session -d -s b -x 160 -y 50 "exec $*"
	sleep 1
	pid=$(tmux -L "$sock" display -p -t b '#{pane_pid}')
	a=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pid/stat")
	sleep "$D"
	b=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pid/stat")
	tmux -L "$sock" kill-server 2>/dev/null
	python3 -c "print('%.3f' % (($b - $a) / $hz / ($D / 0.1) * 1000))"
}
h=- vi=-
if [ "$tui" = 1 ]; then
	h=$(interactive htop -d 1)
	vi=$(interactive "$top_bin" -i 0.1 --no-bpf)
fi

ratio() { [ "$1" = - ] && { echo -; return; }; python3 -c "print('%.2f' % (float('$1') / float('$2')))"; }
printf '\nCPU per refresh (ms), %s refreshes (batch), %s s at 0.1 s (interactive):\n' "$R" "$D"
printf '  %-40s %8s\n' "vhv-top -b --no-bpf (default columns)" "$v_nobpf" \
	"vhv-top -b (with BPF EXITS/s)" "$v_bpf" \
	"vhv-top -b --no-bpf +5 status columns" "$v_all" \
	"vhv-top -b --no-bpf +memory split (status)" "$v_mem" \
	"vhv-top -b --no-bpf +thp,numa (page walks)" "$v_walk" \
	"vhv-top -b --no-bpf +8 cgroup columns" "$v_cg" \
	"vhv-top -b --no-bpf +ksm,9 KVM stat columns" "$v_kst" \
	"top -H -b" "$t" \
	"vhv-top (curses, --no-bpf)" "$vi" \
	"htop (curses, threads shown)" "$h"
printf '\nratios:\n'
printf '  vhv-top -b / top -H -b            %s  (target <= 0.50)\n' "$(ratio "$v_nobpf" "$t")"
printf '  vhv-top -b (BPF) / top -H -b      %s\n' "$(ratio "$v_bpf" "$t")"
printf '  vhv-top -b (+status) / top -H -b  %s\n' "$(ratio "$v_all" "$t")"
printf '  vhv-top -b (+memory) / top -H -b  %s\n' "$(ratio "$v_mem" "$t")"
printf '  vhv-top -b (+walks) / top -H -b   %s\n' "$(ratio "$v_walk" "$t")"
printf '  vhv-top -b (+cgroup) / top -H -b  %s\n' "$(ratio "$v_cg" "$t")"
printf '  vhv-top -b (+KSM,KVM) / top -H -b %s\n' "$(ratio "$v_kst" "$t")"
printf '  vhv-top curses / htop             %s\n' "$(ratio "$vi" "$h")"
