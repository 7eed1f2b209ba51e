// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top-record: --record DB appends every sample to SQLite through hv-store
 * (the one home of sqlite3): one row per tick in top_sample, one row per VM
 * and per vCPU in top_row (tid NULL for the VM's own totals), one
 * transaction per tick. Each KVM VM's memory, cgroup and KVM statistics go
 * to top_vm_res (a table of its own, so databases recorded by older versions
 * still take new rows). KVM's statistics of each vCPU and the VM's sum go to
 * top_kvm_stat, one row per statistic (its KVM name): the cumulative value and
 * its rate. A vCPU thread in a cgroup of its own (libvirt's vcpuN) adds a
 * top_vcpu_cg row. On a Xen dom0, domains and their vCPUs go to
 * top_xen_row instead (vcpu NULL for the domain's totals).
 */
#include <errno.h>
#include <stdlib.h>

#include "hvcore/hv-store.h"
#include "hvcore/hv-util.h"
#include "top/top.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS top_sample (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  time REAL NOT NULL,      -- seconds since the epoch\n"
	"  interval REAL NOT NULL   -- seconds since the previous sample\n"
	") STRICT;\n"
	"CREATE TABLE IF NOT EXISTS top_row (\n"
	"  sample INTEGER NOT NULL REFERENCES top_sample(id),\n"
	"  vm_pid INTEGER NOT NULL,\n"
	"  vm_name TEXT NOT NULL,\n"
	"  accel TEXT NOT NULL,\n"
	"  tid INTEGER,             -- NULL: the VM's totals\n"
	"  vcpu INTEGER,\n"
	"  cpu REAL, usr REAL, sys REAL, guest REAL, wait REAL,\n"
	"  state TEXT, last_cpu INTEGER, nice INTEGER,\n"
	"  vcsw REAL, ivcsw REAL, exits REAL,\n"
	"  rss_kib INTEGER\n"
	") STRICT;\n"
	"CREATE INDEX IF NOT EXISTS top_row_sample ON top_row(sample);\n"
	"CREATE TABLE IF NOT EXISTS top_vm_res (\n"
	"  sample INTEGER NOT NULL REFERENCES top_sample(id),\n"
	"  vm_pid INTEGER NOT NULL,\n"
	"  vm_name TEXT NOT NULL,\n"
	"  backing TEXT, mem_path TEXT,  -- as the BACKING and MEMPATH columns\n"
	"  ram_kib INTEGER, rss_kib INTEGER, anon_kib INTEGER, thp_kib INTEGER,\n"
	"  hugetlb_kib INTEGER, shmem_kib INTEGER, file_kib INTEGER, swap_kib INTEGER,\n"
	"  ksm_kib INTEGER,\n"
	"  numa TEXT,                -- \"node:KiB ...\" from numa_maps\n"
	"  mem_node INTEGER, numa_mismatch INTEGER,\n"
	"  cgroup TEXT,\n"
	"  cpu_quota_us INTEGER,     -- -1: max (no limit)\n"
	"  cpu_period_us INTEGER, cpu_weight INTEGER, cpuset TEXT, cpuset_mems TEXT,\n"
	"  mem_max INTEGER, mem_high INTEGER, swap_max INTEGER,  -- bytes; -1: max\n"
	"  nr_periods INTEGER, nr_throttled INTEGER, throttled_usec INTEGER,\n"
	"  throttled REAL, thr_periods REAL,  -- percent over the interval\n"
	"  mem_high_events INTEGER, mem_max_events INTEGER, oom_kills INTEGER,\n"
	"  psi_cpu REAL, psi_mem REAL, psi_io REAL,  -- some avg10, percent\n"
	"  limited TEXT,\n"
	"  kvm_exits REAL, halt_poll REAL, halt_wait REAL  -- per second, percent, percent\n"
	") STRICT;\n"
	"CREATE INDEX IF NOT EXISTS top_vm_res_sample ON top_vm_res(sample);\n"
	"CREATE TABLE IF NOT EXISTS top_kvm_stat (\n"
	"  sample INTEGER NOT NULL REFERENCES top_sample(id),\n"
	"  vm_pid INTEGER NOT NULL,\n"
	"  vm_name TEXT NOT NULL,\n"
	"  vcpu INTEGER,            -- NULL: the VM (the sum of its vCPUs, or debugfs)\n"
	"  source TEXT NOT NULL,    -- stats-fd (KVM_GET_STATS_FD) or debugfs\n"
	"  name TEXT NOT NULL,      -- KVM's name: exits, halt_wait_ns, ...\n"
	"  value INTEGER NOT NULL,  -- cumulative; times in ns\n"
	"  rate REAL                -- per second; times: percent of one CPU; NULL first sample\n"
	") STRICT;\n"
	"CREATE INDEX IF NOT EXISTS top_kvm_stat_sample ON top_kvm_stat(sample);\n"
	"CREATE TABLE IF NOT EXISTS top_vcpu_cg (\n"
	"  sample INTEGER NOT NULL REFERENCES top_sample(id),\n"
	"  vm_pid INTEGER NOT NULL,\n"
	"  vm_name TEXT NOT NULL,\n"
	"  vcpu INTEGER NOT NULL,\n"
	"  cgroup TEXT NOT NULL,    -- the vCPU thread's own (libvirt: .../libvirt/vcpuN)\n"
	"  cpu_quota_us INTEGER,    -- -1: max\n"
	"  cpu_period_us INTEGER,\n"
	"  nr_periods INTEGER, nr_throttled INTEGER, throttled_usec INTEGER,\n"
	"  throttled REAL, thr_periods REAL  -- percent over the interval\n"
	") STRICT;\n"
	"CREATE TABLE IF NOT EXISTS top_xen_row (\n"
	"  sample INTEGER NOT NULL REFERENCES top_sample(id),\n"
	"  domid INTEGER NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  vcpu INTEGER,            -- NULL: the domain's totals\n"
	"  state TEXT,              -- running, blocked, paused, ...; vCPU: ..., offline\n"
	"  cpu REAL,                -- percent of one CPU\n"
	"  cpu_time REAL,           -- seconds\n"
	"  pcpu INTEGER, hard_affinity TEXT, soft_affinity TEXT,\n"
	"  mem_kib INTEGER, maxmem_kib INTEGER\n"
	") STRICT;\n"
	"CREATE INDEX IF NOT EXISTS top_xen_row_sample ON top_xen_row(sample);\n";

struct top_record {
	struct hv_store *st;
	struct hv_stmt *ins_sample, *ins_row, *ins_xen, *ins_res, *ins_kst, *ins_vcg;
};

void top_record_close(struct top_record *rec)
{
	if (!rec)
		return;
	hv_stmt_free(rec->ins_sample);
	hv_stmt_free(rec->ins_row);
	hv_stmt_free(rec->ins_xen);
	hv_stmt_free(rec->ins_res);
	hv_stmt_free(rec->ins_kst);
	hv_stmt_free(rec->ins_vcg);
	hv_store_close(rec->st);
	free(rec);
}

int top_record_open(const char *path, struct top_record **out)
{
	struct top_record *rec = calloc(1, sizeof(*rec));
	int rc;

	if (!rec)
		return -ENOMEM;
	rc = hv_store_open(path, schema, 0, &rec->st);
	if (rc == 0)
		rc = hv_stmt_new(rec->st, "INSERT INTO top_sample (time, interval) VALUES (?, ?)",
				 &rec->ins_sample);
	if (rc == 0)
		rc = hv_stmt_new(rec->st,
				 "INSERT INTO top_row (sample, vm_pid, vm_name, accel, tid, vcpu, cpu, usr, "
				 "sys, guest, wait, state, last_cpu, nice, vcsw, ivcsw, exits, rss_kib) "
				 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
				 &rec->ins_row);
	if (rc == 0)
		rc = hv_stmt_new(rec->st,
				 "INSERT INTO top_xen_row (sample, domid, name, vcpu, state, cpu, "
				 "cpu_time, pcpu, hard_affinity, soft_affinity, mem_kib, maxmem_kib) "
				 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
				 &rec->ins_xen);
	if (rc == 0)
		rc = hv_stmt_new(rec->st,
				 "INSERT INTO top_vm_res VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
				 "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
				 &rec->ins_res);
	if (rc == 0)
		rc = hv_stmt_new(rec->st,
				 "INSERT INTO top_kvm_stat (sample, vm_pid, vm_name, vcpu, source, name, "
				 "value, rate) VALUES (?,?,?,?,?,?,?,?)",
				 &rec->ins_kst);
	if (rc == 0)
		rc = hv_stmt_new(rec->st, "INSERT INTO top_vcpu_cg VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
				 &rec->ins_vcg);
	if (rc < 0) {
		top_record_close(rec);
		return rc;
	}
	*out = rec;
	return 0;
}

static void bind_rate(struct hv_stmt *s, int idx, bool ok, double v)
{
	if (ok)
		hv_stmt_bind_double(s, idx, v);
	else
		hv_stmt_bind_null(s, idx);
}

static int add_row(struct top_record *rec, int64_t sample, const struct top_vm *vm,
		   const struct top_task *t, bool is_vm)
{
	struct hv_stmt *s = rec->ins_row;
	char state[2] = { t->state, 0 };
	bool r = t->valid && t->rated;
	int rc;

	hv_stmt_reset(s);
	hv_stmt_bind_i64(s, 1, sample);
	hv_stmt_bind_i64(s, 2, vm->pid);
	hv_stmt_bind_text(s, 3, vm->name);
	hv_stmt_bind_text(s, 4, vm->accel == HV_ACCEL_TCG ? "TCG" : "KVM");
	if (is_vm || !t->tid)
		hv_stmt_bind_null(s, 5);
	else
		hv_stmt_bind_i64(s, 5, t->tid);
	if (is_vm)
		hv_stmt_bind_null(s, 6);
	else
		hv_stmt_bind_i64(s, 6, t->vcpu);
	bind_rate(s, 7, r, t->cpu);
	bind_rate(s, 8, r, t->usr);
	bind_rate(s, 9, r, t->sys);
	bind_rate(s, 10, r, t->gst);
	bind_rate(s, 11, r && t->have_sched, t->wait);
	if (t->valid)
		hv_stmt_bind_text(s, 12, state);
	else
		hv_stmt_bind_null(s, 12);
	if (t->valid && t->lcpu >= 0)
		hv_stmt_bind_i64(s, 13, t->lcpu);
	else
		hv_stmt_bind_null(s, 13);
	if (t->valid)
		hv_stmt_bind_i64(s, 14, t->nice);
	else
		hv_stmt_bind_null(s, 14);
	bind_rate(s, 15, r && t->have_status, t->vcsw_s);
	bind_rate(s, 16, r && t->have_status, t->ivcsw_s);
	bind_rate(s, 17, r && t->have_exits, t->exits_s);
	if (is_vm && t->have_status)
		hv_stmt_bind_i64(s, 18, (int64_t)vm->rss_kb);
	else
		hv_stmt_bind_null(s, 18);
	rc = hv_stmt_step(s);
	return rc < 0 ? rc : 0;
}

static void bind_i64(struct hv_stmt *s, int idx, bool ok, int64_t v)
{
	if (ok)
		hv_stmt_bind_i64(s, idx, v);
	else
		hv_stmt_bind_null(s, idx);
}

/* A cgroup limit: bytes or microseconds, -1 for max. */
static void bind_limit(struct hv_stmt *s, int idx, bool ok, uint64_t v)
{
	bind_i64(s, idx, ok, v == HV_CG_MAX ? -1 : (int64_t)v);
}

/* One top_vm_res row: the VM row's cells, in the column table's terms. */
static int add_res(struct top_record *rec, int64_t sample, const struct top_vm *vm)
{
	static const enum top_col_id txt[] = { TOP_COL_BACKING, TOP_COL_MEMPATH };
	static const enum top_col_id kst_cols[] = { TOP_COL_KEXITS, TOP_COL_POLL, TOP_COL_HALT };
	struct hv_stmt *s = rec->ins_res;
	const struct hv_cgroup *c = &vm->cg;
	struct top_row row = { .vm = vm, .task = &vm->proc, .is_vm = true };
	char buf[512];
	struct top_val v;
	int i = 1, rc;

	hv_stmt_reset(s);
	hv_stmt_bind_i64(s, i++, sample);
	hv_stmt_bind_i64(s, i++, vm->pid);
	hv_stmt_bind_text(s, i++, vm->name);
	for (size_t k = 0; k < HV_ARRAY_SIZE(txt); k++) {
		top_col_value(txt[k], &row, false, buf, sizeof(buf), &v);
		hv_stmt_bind_text(s, i++, v.kind == TOP_VAL_STR ? v.str : NULL);
	}
	bind_i64(s, i++, vm->ram_mb, (int64_t)vm->ram_mb * 1024);
	bind_i64(s, i++, vm->proc.have_status, (int64_t)vm->rss_kb);
	bind_i64(s, i++, vm->have_split, (int64_t)vm->anon_kb);
	bind_i64(s, i++, vm->have_thp, (int64_t)vm->thp_kb);
	bind_i64(s, i++, vm->have_split, (int64_t)vm->hugetlb_kb);
	bind_i64(s, i++, vm->have_split, (int64_t)vm->shmem_kb);
	bind_i64(s, i++, vm->have_split, (int64_t)vm->file_kb);
	bind_i64(s, i++, vm->have_split, (int64_t)vm->swap_kb);
	bind_i64(s, i++, vm->have_ksm, (int64_t)vm->ksm_kb);
	if (vm->have_numa) {
		size_t o = 0;

		buf[0] = '\0';
		for (int n = 0; n < vm->numa.nnodes && o < sizeof(buf) - 32; n++)
			if (vm->numa.kib[n])
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%d:%llu", o ? " " : "",
						      n, (unsigned long long)vm->numa.kib[n]);
		hv_stmt_bind_text(s, i++, buf);
	} else {
		hv_stmt_bind_null(s, i++);
	}
	bind_i64(s, i++, vm->mem_node >= 0, vm->mem_node);
	bind_i64(s, i++, vm->numa_miss >= 0, vm->numa_miss);
	hv_stmt_bind_text(s, i++, vm->have_cg ? c->path : NULL);
	bind_limit(s, i++, vm->have_cg && c->have_cpu_max, c->quota_us);
	bind_i64(s, i++, vm->have_cg && c->have_cpu_max, (int64_t)c->period_us);
	bind_i64(s, i++, vm->have_cg && c->have_weight, (int64_t)c->weight);
	hv_stmt_bind_text(s, i++, vm->have_cg && c->cpus[0] ? c->cpus : NULL);
	hv_stmt_bind_text(s, i++, vm->have_cg && c->mems[0] ? c->mems : NULL);
	bind_limit(s, i++, vm->have_cg && c->have_mem_max, c->mem_max);
	bind_limit(s, i++, vm->have_cg && c->have_mem_high, c->mem_high);
	bind_limit(s, i++, vm->have_cg && c->have_swap_max, c->swap_max);
	bind_i64(s, i++, vm->have_cg && c->have_cpu_stat, (int64_t)c->nr_periods);
	bind_i64(s, i++, vm->have_cg && c->have_cpu_stat, (int64_t)c->nr_throttled);
	bind_i64(s, i++, vm->have_cg && c->have_cpu_stat, (int64_t)c->throttled_us);
	bind_rate(s, i++, vm->cg_rated && c->have_cpu_stat, vm->thr_pct);
	bind_rate(s, i++, vm->cg_rated && c->have_cpu_stat, vm->thr_periods_pct);
	bind_i64(s, i++, vm->have_cg && c->have_mem_events && c->version == 2, (int64_t)c->ev_high);
	bind_i64(s, i++, vm->have_cg && c->have_mem_events, (int64_t)c->ev_max);
	bind_i64(s, i++, vm->have_cg && c->have_mem_events, (int64_t)c->ev_oom_kill);
	for (int p = 0; p < HV_PSI_N; p++)
		bind_rate(s, i++, vm->have_cg && c->psi[p].some.have, c->psi[p].some.avg10);
	top_col_value(TOP_COL_LIMITED, &row, false, buf, sizeof(buf), &v);
	hv_stmt_bind_text(s, i++, v.kind == TOP_VAL_STR ? v.str : NULL);
	for (size_t k = 0; k < HV_ARRAY_SIZE(kst_cols); k++) {
		top_col_value(kst_cols[k], &row, false, buf, sizeof(buf), &v);
		bind_rate(s, i++, v.kind == TOP_VAL_NUM, v.num);
	}
	rc = hv_stmt_step(s);
	return rc < 0 ? rc : 0;
}

/* The top_kvm_stat rows of a VM (@is_vm) or vCPU's statistics. */
static int add_kst(struct top_record *rec, int64_t sample, const struct top_vm *vm,
		   const struct top_task *t, bool is_vm)
{
	struct hv_stmt *s = rec->ins_kst;
	int rc;

	if (!t->have_kst)
		return 0;
	for (int k = 0; k < HV_KSTAT_COUNT; k++) {
		if (!(t->kst.have & (1u << k)))
			continue;
		hv_stmt_reset(s);
		hv_stmt_bind_i64(s, 1, sample);
		hv_stmt_bind_i64(s, 2, vm->pid);
		hv_stmt_bind_text(s, 3, vm->name);
		bind_i64(s, 4, !is_vm, t->vcpu);
		hv_stmt_bind_text(s, 5, is_vm ? vm->kst_src : "stats-fd");
		hv_stmt_bind_text(s, 6, hv_kstat_name(k));
		hv_stmt_bind_i64(s, 7, (int64_t)t->kst.v[k]);
		bind_rate(s, 8, t->kst_rated, t->kst_rate[k]);
		rc = hv_stmt_step(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The top_vcpu_cg row of a vCPU thread in a cgroup of its own. */
static int add_vcpu_cg(struct top_record *rec, int64_t sample, const struct top_vm *vm,
		       const struct top_task *t)
{
	struct hv_stmt *s = rec->ins_vcg;
	int rc;

	if (!t->have_cg)
		return 0;
	hv_stmt_reset(s);
	hv_stmt_bind_i64(s, 1, sample);
	hv_stmt_bind_i64(s, 2, vm->pid);
	hv_stmt_bind_text(s, 3, vm->name);
	hv_stmt_bind_i64(s, 4, t->vcpu);
	hv_stmt_bind_text(s, 5, t->cg_path);
	bind_limit(s, 6, t->cg_have_max, t->cg_quota_us);
	bind_i64(s, 7, t->cg_have_max, (int64_t)t->cg_period_us);
	bind_i64(s, 8, t->cg_have_stat, (int64_t)t->cg_nr_periods);
	bind_i64(s, 9, t->cg_have_stat, (int64_t)t->cg_nr_throttled);
	bind_i64(s, 10, t->cg_have_stat, (int64_t)t->cg_throttled_us);
	bind_rate(s, 11, t->cg_rated, t->thr_pct);
	bind_rate(s, 12, t->cg_rated, t->thr_periods_pct);
	rc = hv_stmt_step(s);
	return rc < 0 ? rc : 0;
}

static int add_xen_row(struct top_record *rec, int64_t sample, const struct top_vm *vm,
		       const struct top_task *t, bool is_vm)
{
	struct hv_stmt *s = rec->ins_xen;
	int rc;

	hv_stmt_reset(s);
	hv_stmt_bind_i64(s, 1, sample);
	hv_stmt_bind_i64(s, 2, vm->domid);
	hv_stmt_bind_text(s, 3, vm->name);
	if (is_vm)
		hv_stmt_bind_null(s, 4);
	else
		hv_stmt_bind_i64(s, 4, t->vcpu);
	hv_stmt_bind_text(s, 5, t->xstate);
	bind_rate(s, 6, t->valid && t->rated, t->cpu);
	hv_stmt_bind_double(s, 7, (double)t->cpu_ns / 1e9);
	if (!is_vm && t->lcpu >= 0)
		hv_stmt_bind_i64(s, 8, t->lcpu);
	else
		hv_stmt_bind_null(s, 8);
	hv_stmt_bind_text(s, 9, t->affinity[0] ? t->affinity : NULL);
	hv_stmt_bind_text(s, 10, t->soft[0] ? t->soft : NULL);
	if (is_vm) {
		hv_stmt_bind_i64(s, 11, (int64_t)vm->mem_kb);
		if (vm->maxmem_kb)
			hv_stmt_bind_i64(s, 12, (int64_t)vm->maxmem_kb);
		else
			hv_stmt_bind_null(s, 12);
	} else {
		hv_stmt_bind_null(s, 11);
		hv_stmt_bind_null(s, 12);
	}
	rc = hv_stmt_step(s);
	return rc < 0 ? rc : 0;
}

int top_record_add(struct top_record *rec, const struct top_snap *snap)
{
	int64_t sample;
	int rc;

	rc = hv_store_begin(rec->st);
	if (rc < 0)
		return rc;
	hv_stmt_reset(rec->ins_sample);
	hv_stmt_bind_double(rec->ins_sample, 1, (double)snap->real_ns / 1e9);
	hv_stmt_bind_double(rec->ins_sample, 2, snap->interval);
	rc = hv_stmt_step(rec->ins_sample);
	if (rc < 0)
		goto fail;
	sample = hv_store_last_rowid(rec->st);
	for (size_t i = 0; i < snap->nvms; i++) {
		const struct top_vm *vm = &snap->vms[i];

		int (*add)(struct top_record *, int64_t, const struct top_vm *,
			   const struct top_task *, bool) = vm->xen ? add_xen_row : add_row;

		rc = add(rec, sample, vm, &vm->proc, true);
		if (rc == 0 && !vm->xen)
			rc = add_res(rec, sample, vm);
		if (rc == 0 && !vm->xen)
			rc = add_kst(rec, sample, vm, &vm->proc, true);
		for (size_t j = 0; rc == 0 && j < vm->nvcpus; j++) {
			rc = add(rec, sample, vm, &vm->vcpus[j], false);
			if (rc == 0 && !vm->xen)
				rc = add_kst(rec, sample, vm, &vm->vcpus[j], false);
			if (rc == 0 && !vm->xen)
				rc = add_vcpu_cg(rec, sample, vm, &vm->vcpus[j]);
		}
		if (rc < 0)
			goto fail;
	}
	return hv_store_commit(rec->st);
fail:
	hv_store_rollback(rec->st);
	return rc;
}
