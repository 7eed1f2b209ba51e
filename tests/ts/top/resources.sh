#!/bin/bash
# vhv-top's guest memory, cgroup and KVM statistics columns on fixture trees
# 2 s apart (tests/ts/top/mkroots.py): top-mem-t0/t1 (cgroup v2, two NUMA
# nodes, libvirt machine.slice, hugetlbfs, memfd + KSM, a file backend, a
# throttled cgroup) and top-cg1-t0/t1 (cgroup v1). Formulas: man/vhv-top.8.scd.
. "$VHV_SRC/tests/lib.sh"

m0=$TS_ROOTS/top-mem-t0 m1=$TS_ROOTS/top-mem-t1
c0=$TS_ROOTS/top-cg1-t0 c1=$TS_ROOTS/top-cg1-t1
mem=pid,vcpu,backing,ram,rss,anon,thp,hugetlb,shmem,file,swap,ksm,name
numa=pid,vcpu,last_cpu,node,numa,numa_mismatch,name
cg=pid,cpu_max,cpu_weight,cpuset,cpuset_mems,mem_max,mem_high,swap_max,name
thr=pid,cpu,throttled,thr_periods,mem_events,psi_cpu,psi_mem,psi_io,limited,name
kst=pid,cpu,kvm_exits,halt_poll,halt_wait,name
kst_all=pid,vcpu,kvm_exits,halt_exits,io_exits,mmio_exits,irq_win_exits,poll_ok,poll_fail,poll_cpu,name

ts_golden memory vhv-top --sysroot "$m0,$m1" -b -o "$mem"
ts_golden mem-path vhv-top --sysroot "$m0,$m1" -b --flat -x pid -R -o pid,backing,mem_path,name -Q m
ts_golden numa vhv-top --sysroot "$m0,$m1" -b -o "$numa"
ts_golden cgroup vhv-top --sysroot "$m0,$m1" -b -o "$cg"
ts_golden cgroup-path vhv-top --sysroot "$m0,$m1" -b -o pid,cgroup,name -Q h
ts_golden throttling vhv-top --sysroot "$m0,$m1" -b -o "$thr" -x throttled
ts_golden kvm-stats vhv-top --sysroot "$m0,$m1" -b -o "$kst"
# per vCPU from a captured stats fd (.vhv/kvm-stats/2000-13, mfd), per VM from debugfs (hp)
ts_golden kvm-stats-vcpu vhv-top --sysroot "$m0,$m1" -b -o "$kst_all"
# EXITS/s without BPF: all reasons together, from KVM's statistics
ts_golden exits-no-bpf vhv-top --sysroot "$m0,$m1" -b --no-bpf -o pid,vcpu,exits,name
# no statistics for any guest (the old roots): the columns are hidden, said once
ts_golden kvm-stats-none vhv-top --sysroot "$TS_ROOTS/top-t0,$TS_ROOTS/top-t1" -b -o "$kst_all"
# one tree: limits and levels, but no rates ("-")
ts_golden single vhv-top --sysroot "$m0" -b -o pid,cpu_max,throttled,limited,kvm_exits,ksm,name
ts_golden cgroup-v1 vhv-top --sysroot "$c0,$c1" -b -o "$cg,throttled,thr_periods,mem_events,limited,backing"
ts_golden cgroup-v1-path vhv-top --sysroot "$c0,$c1" -b -o pid,cgroup,name
# the old roots have none of these files: every cell is "-", nothing fails
ts_golden old-root vhv-top --sysroot "$TS_ROOTS/top-t0,$TS_ROOTS/top-t1" -b -Q web -o "$thr,ksm,numa"

# JSON: numbers are numbers, "max" where a limit has none
ts_run vhv-top --sysroot "$m0,$m1" -J -o "$mem,numa,numa_mismatch,cgroup,${cg#pid,},${thr#pid,cpu,},${kst#pid,cpu,}"
ts_assert_eq "JSON exit code" "$TS_RC" 0
if command -v python3 >/dev/null; then
	python3 -c '
import json, sys
doc = json.loads(open(sys.argv[1]).read())
vm = {v["name"]: v for v in doc["vms"]}
hp, mfd, fv = vm["hp"], vm["mfd"], vm["filevm"]
assert hp["backing"] == "hugetlbfs:2M,shared,prealloc", hp
assert hp["hugetlb"] == 4194304 * 1024 and hp["ram"] == 4 << 30, hp
assert hp["cgroup"] == "/machine.slice/machine-qemu\\x2d1\\x2dhp.scope", hp["cgroup"]
assert hp["cpu_max"] == 50.0 and hp["mem_high"] == "max" and hp["swap_max"] == 0, hp
assert hp["numa_mismatch"] == "yes" and hp["kvm_exits"] == 3000 and hp["halt_poll"] == 20.0, hp
assert mfd["ksm"] == (25600 + 600) * 4096, mfd["ksm"]
assert mfd["thp"] == 1048576 * 1024 and mfd["swap"] == 102400 * 1024, mfd
assert mfd["cpu_max"] == "max" and mfd["kvm_exits"] == 5000, mfd
# mfd vCPU 0: its stats fd (.vhv/kvm-stats/2000-13, mkroots.py): per 2 s 10000 exits, 0.28 s polling
v0 = mfd["vcpus"][0]
assert (v0["kvm_exits"], v0["halt_poll"], v0["halt_wait"]) == (5000, 14.0, 60.0), v0
assert hp["vcpus"][0]["kvm_exits"] is None, hp  # debugfs: the VM row only
assert fv["throttled"] == 6.0 and fv["thr_periods"] == 80.0 and fv["limited"] == "cpu,mem", fv
assert fv["mem_events"] == "77/0/0" and fv["psi_cpu"] == 40.0, fv
assert "notes" in doc and any("KSM" in n for n in doc["notes"]), doc.get("notes")
' "$TS_OUT" || ts_fail "JSON content"
fi

# --record: top_vm_res holds the same, one row per VM and tick
if command -v sqlite3 >/dev/null; then
	ts_run vhv-top --sysroot "$m0,$m1" --record "$TS_TMP/res.db" -o pid,name
	ts_assert_eq "record exit code" "$TS_RC" 0
	ts_assert_eq "recorded VMs" "$(sqlite3 "$TS_TMP/res.db" 'SELECT count(*) FROM top_vm_res')" 4
	ts_assert_eq "recorded filevm" \
		"$(sqlite3 "$TS_TMP/res.db" "SELECT backing, cpu_quota_us, cpu_period_us, throttled, thr_periods, mem_high_events, limited, mem_high FROM top_vm_res WHERE vm_name='filevm'")" \
		"file,prealloc|20000|100000|6.0|80.0|77|cpu,mem|805306368"
	ts_assert_eq "recorded hp" \
		"$(sqlite3 "$TS_TMP/res.db" "SELECT hugetlb_kib, mem_high, kvm_exits, halt_poll, halt_wait FROM top_vm_res WHERE vm_name='hp'")" \
		"4194304|-1|3000.0|20.0|90.0"
	ts_assert_eq "recorded v1 VM" \
		"$(sqlite3 "$TS_TMP/res.db" "SELECT count(*) FROM top_vm_res WHERE cgroup LIKE '%\\x2d2%'")" 0
	# top_kvm_stat: mfd's vCPU from its stats fd, hp's VM-wide from debugfs
	ts_assert_eq "recorded vCPU statistics" \
		"$(sqlite3 "$TS_TMP/res.db" "SELECT vcpu, source, value, rate FROM top_kvm_stat WHERE vm_name='mfd' AND name='halt_poll_fail_ns' ORDER BY vcpu")" \
		"$(printf '|stats-fd|1080000000|4.0\n0|stats-fd|1080000000|4.0')"
	ts_assert_eq "recorded VM statistics" \
		"$(sqlite3 "$TS_TMP/res.db" "SELECT count(*), min(source), sum(rate) FROM top_kvm_stat WHERE vm_name='hp' AND vcpu IS NULL")" \
		"4|debugfs|3110.0"
	# top_vcpu_cg: hp's vCPUs in libvirt's vcpuN cgroups, vCPU 0 throttled
	ts_assert_eq "recorded vCPU cgroups" \
		"$(sqlite3 "$TS_TMP/res.db" "SELECT vcpu, substr(cgroup, -14), cpu_quota_us, nr_throttled, throttled, thr_periods FROM top_vcpu_cg WHERE vm_name='hp' ORDER BY vcpu")" \
		"$(printf '0|/libvirt/vcpu0|25000|110|2.0|50.0\n1|/libvirt/vcpu1|25000|0|0.0|0.0')"
	ts_run vhv-top --sysroot "$c0,$c1" --record "$TS_TMP/res.db" -o pid,name
	ts_assert_eq "recorded v1 VM" \
		"$(sqlite3 "$TS_TMP/res.db" "SELECT cpu_quota_us, cpu_weight, throttled, mem_max_events, limited FROM top_vm_res WHERE vm_name='old'")" \
		"150000|79|12.5|3|cpu,mem"
else
	echo "sqlite3 not installed: --record content not checked"
fi
ts_finalize
