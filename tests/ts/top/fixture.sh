#!/bin/bash
# vhv-top on fixture /proc trees: top-t0 and top-t1 are 2 s apart, so the
# rates are fixed (formulas in man/vhv-top.8.scd); see tests/ts/top/mkroots.py.
. "$VHV_SRC/tests/lib.sh"

t0=$TS_ROOTS/top-t0 t1=$TS_ROOTS/top-t1
all=pid,tid,vcpu,nvcpu,accel,cpu,usr,sys,guest,guest_time,wait,state,last_cpu,affinity,nice,prio,vcsw,ivcsw,rss,ram,huge,source,name

# default columns: EXITS/s is hidden with a note (no BPF on a fixture)
ts_golden default vhv-top --sysroot "$t0,$t1" -b
ts_golden all-columns vhv-top --sysroot "$t0,$t1" -b -o "$all"
ts_golden flat-by-wait vhv-top --sysroot "$t0,$t1" -b --flat -x wait -o vcpu,tid,wait,cpu,name
ts_golden reverse-pid vhv-top --sysroot "$t0,$t1" -b -x pid -R -o pid,vcpu,cpu,name --no-bpf
ts_golden filter vhv-top --sysroot "$t0,$t1" -b -Q DB -o +source
ts_golden json vhv-top --sysroot "$t0,$t1" -J -o "$all"
# one tree: no previous sample, so no rates ("-"); the VM that exits is there
ts_golden single vhv-top --sysroot "$t0" -b -o pid,tid,vcpu,cpu,state,source,name --no-bpf
# Xen dom0 captures (xl info, xl list, xl vcpu-list): domains and their vCPUs
x0=$TS_ROOTS/top-xen-t0 x1=$TS_ROOTS/top-xen-t1
ts_golden xen vhv-top --sysroot "$TS_ROOTS/top-xen" -b --no-bpf
ts_golden xen-default vhv-top --sysroot "$x0,$x1" -b -Q e
ts_golden xen-all vhv-top --sysroot "$x0,$x1" -b -o domid,vcpu,vcpus,type,cpu,guest_time,runstate,last_cpu,affinity,soft_affinity,mem,maxmem,net_rx,net_tx,vbd_rd,vbd_wr,name -x domid
ts_golden xen-flat vhv-top --sysroot "$x0,$x1" -b --flat -x runstate -Q web
ts_golden xen-json vhv-top --sysroot "$x0,$x1" -J -Q -
ts_golden xen-list-columns vhv-top --sysroot "$x0" --list-columns
ts_golden list-columns vhv-top --list-columns
ts_golden bad-column vhv-top --sysroot "$t0" -b -o pid,bogus
ts_golden no-tty vhv-top --sysroot "$t0"

# JSON: one document per iteration, valid, with the vCPUs nested
ts_run vhv-top --sysroot "$t0,$t1,$t1" -J -c 2 --no-bpf
ts_assert_eq "JSON documents" "$(wc -l <"$TS_OUT")" 2
if command -v python3 >/dev/null; then
	python3 -c '
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
vm = {v["name"]: v for v in docs[0]["vms"]}
assert vm["db"]["cpu"] == 209.5, vm["db"]
assert [c["tid"] for c in sorted(vm["db"]["vcpus"], key=lambda c: c["vcpu"])] == [2010, 2011, 2012, 2013]
assert docs[1]["interval"] == 0 or docs[1]["vms"][0]["cpu"] in (0, None)
' "$TS_OUT" || ts_fail "JSON content"
fi

# --record: one sample row per tick, one row per VM and vCPU
if command -v sqlite3 >/dev/null; then
	ts_run vhv-top --sysroot "$t0,$t1" --record "$TS_TMP/top.db" -o pid,cpu,name
	ts_assert_eq "record exit code" "$TS_RC" 0
	ts_assert_eq "recorded samples" "$(sqlite3 "$TS_TMP/top.db" 'SELECT count(*) FROM top_sample')" 1
	ts_assert_eq "recorded rows" "$(sqlite3 "$TS_TMP/top.db" 'SELECT count(*) FROM top_row')" 21
	ts_assert_eq "recorded vCPU 0 of db" \
		"$(sqlite3 "$TS_TMP/top.db" "SELECT tid, cpu, guest, wait FROM top_row WHERE vm_name='db' AND vcpu=0")" \
		"2010|97.5|92.5|20.0"
	ts_run vhv-top --sysroot "$t0,$t1" --record "$TS_TMP/top.db" -o pid,cpu,name
	ts_assert_eq "appended samples" "$(sqlite3 "$TS_TMP/top.db" 'SELECT count(*) FROM top_sample')" 2
	ts_expect_rc 1 vhv-top --sysroot "$t0" --record "$TS_TMP/no/such/dir/x.db"
	# Xen: domains and vCPUs in top_xen_row
	ts_run vhv-top --sysroot "$x0,$x1" --record "$TS_TMP/xen.db"
	ts_assert_eq "Xen record exit code" "$TS_RC" 0
	ts_assert_eq "recorded Xen rows" "$(sqlite3 "$TS_TMP/xen.db" 'SELECT count(*) FROM top_xen_row')" 78
	ts_assert_eq "recorded vCPU 2 of web" \
		"$(sqlite3 "$TS_TMP/xen.db" "SELECT state, cpu, pcpu, hard_affinity, soft_affinity FROM top_xen_row WHERE name='web' AND vcpu=2")" \
		"blocked|5.0|4|all|4-5"
	ts_assert_eq "recorded domain web" \
		"$(sqlite3 "$TS_TMP/xen.db" "SELECT domid, state, cpu, mem_kib FROM top_xen_row WHERE name='web' AND vcpu IS NULL")" \
		"3|blocked|100.0|2097152"
else
	echo "sqlite3 not installed: --record content not checked"
fi
ts_finalize
