#!/bin/bash
# ts: heavy
# ts: serial
# ts: host amd
# The interactive view driven in tmux (send-keys, capture-pane) against a real
# VM: sort, filter, help, column chooser, renice, pin and signal of a real VM
# and vCPU thread checked in /proc, a resize, and the terminal restored on quit
# and on a fatal signal.
. "$VHV_SRC/tests/lib.sh"
ts_need_root
ts_need_kvm
ts_need_cmd qemu-system-x86_64 tmux python3

. "$(dirname "$0")/tmux.lib"
vm=
cleanup() {
	tm kill-server 2>/dev/null
	[ -n "$vm" ] && kill -9 "$vm" 2>/dev/null
}
trap cleanup EXIT

qemu-system-x86_64 -accel kvm -name guest=ui-vm,debug-threads=on -smp 2 -m 64 -nodefaults -display none \
	-qmp "unix:$TS_TMP/vm.qmp,server=on,wait=off" -daemonize -pidfile "$TS_TMP/vm.pid" 2>"$TS_TMP/vm.log" ||
	{ cat "$TS_TMP/vm.log"; ts_skip "qemu -accel kvm did not start"; }
vm=$(cat "$TS_TMP/vm.pid")
tid0=$(python3 "$(dirname "$0")/qmp-cpus.py" "$TS_TMP/vm.qmp" | awk '$1 == 0 {print $2}')
[ -n "$tid0" ] || ts_fail "no thread id for vCPU 0 from QMP"

tm new-session -d -s top -x 120 -y 30 "TERM=xterm vhv-top -i 0.5 --no-bpf -x tid"
tm set-option -t top remain-on-exit on >/dev/null
wait_for 'ui-vm'
wait_for "^ +$vm +$tid0 +0 .*vcpu 0"

# sort: '>' moves from TID to the next column (VCPU), 'R' reverses
keys '>'
wait_for 'sort: VCPU'
keys R
wait_for 'sort: VCPU \(rev\)'
keys R

# filter: only the matching VM; a filter that matches nothing says so
keys / x y z Enter
wait_for 'no VM matches the filter'
keys / C-u
keys BSpace BSpace BSpace u i - v m Enter
wait_for 'filter: ui-vm'
grep -qE "ui-vm" "$TS_TMP/screen" || ts_fail "filtered view lost the VM"

# help and back
keys '?'
wait_for 'Press any key to return'
keys x
wait_for 'q quit'

# column chooser: show LCPU (the 13th row), back to the view
keys C
wait_for '^\[.\] LCPU'
for _ in $(seq 12); do keys Down; done
keys Space q
wait_for ' LCPU '

# renice vCPU 0 (the row after the VM row when sorted by TID), confirm, check /proc
keys Up Up Up Down n
wait_for 'Nice value'
keys 7 Enter
wait_for "Renice vCPU 0 of ui-vm \\(tid $tid0\\) to 7\\? \\[y/N\\]"
keys y Enter
wait_for "reniced vCPU 0 of ui-vm"
nice=$(awk '{sub(/.*\) /, ""); print $17}' "/proc/$vm/task/$tid0/stat")
ts_assert_eq "nice of vCPU 0 thread in /proc" "$nice" 7
nice1=$(awk '{sub(/.*\) /, ""); print $17}' "/proc/$vm/task/$vm/stat")
ts_assert_eq "nice of the VM's main thread (untouched)" "$nice1" 0
# a cancelled action changes nothing
keys n 3 Enter n Enter
wait_for 'renice cancelled'
nice=$(awk '{sub(/.*\) /, ""); print $17}' "/proc/$vm/task/$tid0/stat")
ts_assert_eq "nice after a cancelled renice" "$nice" 7

# 's': sort on any column by name; the selection stays on vCPU 0
keys s
wait_for 'Sort on column'
keys n a m e Enter
wait_for 'sort: NAME'
keys s t i d Enter
wait_for 'sort: TID'

# pin vCPU 0 to CPU 0 with sched_setaffinity, checked in /proc
keys a
wait_for 'CPU list'
keys 0 Enter
wait_for "Pin vCPU 0 of ui-vm \(tid $tid0\) to CPUs 0\? \[y/N\]"
keys y Enter
wait_for 'pinned vCPU 0 of ui-vm'
ts_assert_eq "affinity of vCPU 0 in /proc" \
	"$(awk '/^Cpus_allowed_list:/ {print $2}' "/proc/$vm/task/$tid0/status")" 0

# signal the VM row: STOP (state T in /proc), then CONT
keys Up Up Up k
wait_for 'Signal \('
keys S T O P Enter
wait_for "Send signal 19 .* to VM ui-vm \(pid $vm, all threads\)"
keys y Enter
wait_for 'sent signal 19 to VM ui-vm'
ts_assert_eq "VM state after SIGSTOP" "$(awk '{sub(/.*\) /, ""); print $1}' "/proc/$vm/stat")" T
keys k C O N T Enter y Enter
wait_for 'sent signal 18 to VM ui-vm'
sleep 0.2
[ "$(awk '{sub(/.*\) /, ""); print $1}' "/proc/$vm/stat")" != T ] || ts_fail "VM still stopped after SIGCONT"

# resize: still drawn, header first
tm resize-window -t top -x 60 -y 12
sleep 0.5
wait_for '^vhv-top - '
tm resize-window -t top -x 120 -y 30

# quit restores the terminal (no alternate screen left on)
keys q
sleep 0.5
ts_assert_eq "pane dead after q" "$(tm display -p -t top '#{pane_dead}')" 1
ts_assert_eq "alternate screen after q" "$(tm display -p -t top '#{alternate_on}')" 0

# a fatal signal restores it too
tm respawn-pane -t top "exec env TERM=xterm vhv-top -i 0.5 --no-bpf"
wait_for 'ui-vm'
ts_assert_eq "alternate screen while running" "$(tm display -p -t top '#{alternate_on}')" 1
kill -SEGV "$(tm display -p -t top '#{pane_pid}')"
sleep 0.5
ts_assert_eq "alternate screen after SIGSEGV" "$(tm display -p -t top '#{alternate_on}')" 0
ts_assert_eq "vhv-top died of the SIGSEGV" "$(tm display -p -t top "#{pane_dead}")" 1
ts_finalize
