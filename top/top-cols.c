// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top-cols: the column table, the one registry of vhv-top's columns (id,
 * header, width, flags, reads needed, help), and each column's value. Adding
 * a column is one row here (with its format and sort order), one case in
 * top_col_value() and one man page entry
 * (tests/doc-sync.sh checks the last).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hvcore/hv-report.h"
#include "top/top.h"

#define N_ TOP_NEED_STAT
#define D_ TOP_COL_DEFAULT
#define R_ TOP_COL_RIGHT
#define K_ TOP_COL_KVM
#define X_ TOP_COL_XEN
#define XD_ (TOP_COL_XEN | TOP_COL_XDEFAULT)
#define VM_ TOP_COL_VMONLY

/* Formulas are in man/vhv-top.8.scd, COLUMNS. */
static const struct top_col_info cols[TOP_COL_COUNT] = {
	[TOP_COL_PID] = { "pid", "PID", 7, R_ | D_ | K_ | VM_ | TOP_COL_ASC, N_,
			"VMM process id (the VM)" },
	[TOP_COL_TID] = { "tid", "TID", 7, R_ | D_ | K_ | TOP_COL_ASC | TOP_COL_VCPUONLY, N_,
			"host thread id of the vCPU" },
	[TOP_COL_VCPU] = { "vcpu", "VCPU", 4, R_ | D_ | K_ | XD_ | TOP_COL_ASC | TOP_COL_VCPUONLY,
			   N_,
			"vCPU index (VM row: vCPU count; Xen: online vCPUs)" },
	[TOP_COL_NVCPU] = { "nvcpu", "NVCPU", 5, R_ | K_ | VM_, N_, "vCPUs of the VM" },
	[TOP_COL_ACCEL] = { "accel", "ACCEL", 5, K_ | VM_, N_,
			"accelerator: KVM, or TCG (emulation)" },
	[TOP_COL_CPU] = { "cpu", "%CPU", 6, R_ | D_ | K_ | XD_, N_,
			"CPU use, percent of one CPU", .fmt = TOP_FMT_PCT },
	[TOP_COL_USR] = { "usr", "%USR", 5, R_ | D_ | K_, N_,
			"user time outside the guest, percent", .fmt = TOP_FMT_PCT },
	[TOP_COL_SYS] = { "sys", "%SYS", 5, R_ | D_ | K_, N_,
			"host kernel time, percent", .fmt = TOP_FMT_PCT },
	[TOP_COL_GST] = { "guest", "%GST", 5, R_ | D_ | K_, N_,
			"time in guest mode, percent", .fmt = TOP_FMT_PCT },
	[TOP_COL_GTIME] = { "guest_time", "GTIME", 9, R_ | K_ | X_, N_,
			"guest time since start (m:ss; Xen: CPU time)", .fmt = TOP_FMT_MSS },
	[TOP_COL_WAIT] = { "wait", "%WAIT", 5, R_ | D_ | K_, N_ | TOP_NEED_SCHEDSTAT,
			   "runnable but not running (run_delay), percent", .fmt = TOP_FMT_PCT },
	[TOP_COL_STATE] = { "state", "S", 1, D_ | K_, N_, "scheduler state (R S D T Z ...)" },
	[TOP_COL_LCPU] = { "last_cpu", "LCPU", 4, R_ | K_ | XD_ | TOP_COL_ASC, N_,
			"host CPU it last ran on (Xen: the pCPU it is on)" },
	[TOP_COL_AFFINITY] = { "affinity", "AFFINITY", 10, K_ | XD_, N_ | TOP_NEED_STATUS,
			       "host CPUs allowed (Cpus_allowed_list; Xen: hard affinity)" },
	[TOP_COL_NICE] = { "nice", "NI", 3, R_ | D_ | K_ | TOP_COL_ASC, N_, "nice value" },
	[TOP_COL_PRIO] = { "prio", "PRI", 4, R_ | K_ | TOP_COL_ASC, N_,
			"kernel priority (RT shown negative)" },
	[TOP_COL_VCSW] = { "vcsw", "VCSW/s", 7, R_ | K_, N_ | TOP_NEED_STATUS,
			   "voluntary context switches per second" },
	[TOP_COL_IVCSW] = { "ivcsw", "ICSW/s", 7, R_ | K_, N_ | TOP_NEED_STATUS,
			    "involuntary context switches per second" },
	[TOP_COL_EXITS] = { "exits", "EXITS/s", 8, R_ | D_ | K_, N_ | TOP_NEED_BPF,
			    "KVM exits per second (BPF)" },
	[TOP_COL_RSS] = { "rss", "RSS", 6, R_ | K_ | VM_, N_ | TOP_NEED_STATUS,
			"resident memory of the VMM", .fmt = TOP_FMT_BYTES },
	[TOP_COL_RAM] = { "ram", "RAM", 6, R_ | K_ | VM_, N_,
			"configured guest RAM", .fmt = TOP_FMT_BYTES },
	[TOP_COL_HUGE] = { "huge", "HUGE", 7, K_ | VM_, N_ | TOP_NEED_STATUS | TOP_NEED_THP,
			   "hugepage backing: hugetlb, thp or no" },
	[TOP_COL_BACKING] = { "backing", "BACKING", 12, K_ | VM_, N_,
			      "guest RAM backing: anon, memfd, hugetlbfs:SIZE, file; shared, prealloc" },
	[TOP_COL_MEMPATH] = { "mem_path", "MEMPATH", 16, K_ | VM_, N_,
			      "mem-path of file or hugetlbfs-backed RAM" },
	[TOP_COL_ANON] = { "anon", "ANON", 6, R_ | K_ | VM_, N_ | TOP_NEED_STATUS,
			   "resident anonymous memory (RssAnon, THP included)", .fmt = TOP_FMT_BYTES },
	[TOP_COL_THP] = { "thp", "THP", 6, R_ | K_ | VM_, N_ | TOP_NEED_THP,
			  "resident transparent hugepages (smaps_rollup)", .fmt = TOP_FMT_BYTES },
	[TOP_COL_HUGETLB] = { "hugetlb", "HUGETLB", 7, R_ | K_ | VM_, N_ | TOP_NEED_STATUS,
			      "hugetlbfs pages mapped (HugetlbPages)", .fmt = TOP_FMT_BYTES },
	[TOP_COL_SHMEM] = { "shmem", "SHMEM", 6, R_ | K_ | VM_, N_ | TOP_NEED_STATUS,
			    "resident shared memory: memfd, share=on (RssShmem)", .fmt = TOP_FMT_BYTES },
	[TOP_COL_FILE] = { "file", "FILE", 6, R_ | K_ | VM_, N_ | TOP_NEED_STATUS,
			   "resident file pages (RssFile)", .fmt = TOP_FMT_BYTES },
	[TOP_COL_SWAP] = { "swap", "SWAP", 6, R_ | K_ | VM_, N_ | TOP_NEED_STATUS,
			   "swapped out (VmSwap)", .fmt = TOP_FMT_BYTES },
	[TOP_COL_KSM] = { "ksm", "KSM", 6, R_ | K_ | VM_, N_ | TOP_NEED_KSM,
			  "pages merged by KSM (Linux 6.1+)", .fmt = TOP_FMT_BYTES },
	[TOP_COL_NUMA] = { "numa", "NUMA", 14, K_ | VM_, N_ | TOP_NEED_NUMA,
			   "resident memory per NUMA node (numa_maps)" },
	[TOP_COL_NODE] = { "node", "NODE", 4, R_ | K_ | TOP_COL_ASC, N_ | TOP_NEED_NODES | TOP_NEED_NUMA,
			   "NUMA node: vCPU's last CPU; VM: the node with most of its memory" },
	[TOP_COL_NUMAMISS] = { "numa_mismatch", "NUMA!", 5, K_ | VM_,
			       N_ | TOP_NEED_NODES | TOP_NEED_NUMA,
			       "yes: most vCPUs last ran off the node with most of the memory" },
	[TOP_COL_CGROUP] = { "cgroup", "CGROUP", 24, K_, N_ | TOP_NEED_CGROUP,
			     "the VM's cgroup (libvirt: its scope); vCPU: its own, if any" },
	[TOP_COL_CPUMAX] = { "cpu_max", "CPUMAX", 6, R_ | K_, N_ | TOP_NEED_CGROUP,
			     "cgroup CPU limit, percent of one CPU (cpu.max), or max",
			     .fmt = TOP_FMT_PCT },
	[TOP_COL_WEIGHT] = { "cpu_weight", "WEIGHT", 6, R_ | K_ | VM_, N_ | TOP_NEED_CGROUP,
			     "cgroup cpu.weight (v1: cpu.shares mapped)" },
	[TOP_COL_CPUSET] = { "cpuset", "CPUSET", 8, K_ | VM_, N_ | TOP_NEED_CGROUP,
			     "cgroup's effective cpuset.cpus" },
	[TOP_COL_MEMS] = { "cpuset_mems", "MEMS", 4, K_ | VM_, N_ | TOP_NEED_CGROUP,
			   "cgroup's effective cpuset.mems" },
	[TOP_COL_MEMMAX] = { "mem_max", "MEMMAX", 6, R_ | K_ | VM_, N_ | TOP_NEED_CGROUP,
			     "cgroup memory.max, or max", .fmt = TOP_FMT_BYTES },
	[TOP_COL_MEMHIGH] = { "mem_high", "MEMHIGH", 7, R_ | K_ | VM_, N_ | TOP_NEED_CGROUP,
			      "cgroup memory.high, or max", .fmt = TOP_FMT_BYTES },
	[TOP_COL_SWAPMAX] = { "swap_max", "SWAPMAX", 7, R_ | K_ | VM_, N_ | TOP_NEED_CGROUP,
			      "cgroup memory.swap.max, or max", .fmt = TOP_FMT_BYTES },
	[TOP_COL_THROTTLED] = { "throttled", "%THR", 5, R_ | K_, N_ | TOP_NEED_CGROUP,
				"time throttled by cpu.max, percent (cpu.stat)", .fmt = TOP_FMT_PCT },
	[TOP_COL_THRPERIODS] = { "thr_periods", "%THRP", 5, R_ | K_,
				 N_ | TOP_NEED_CGROUP,
				 "share of cpu.max periods that throttled it", .fmt = TOP_FMT_PCT },
	[TOP_COL_MEMEVENTS] = { "mem_events", "MEMEV", 9, R_ | K_ | VM_, N_ | TOP_NEED_CGROUP,
				"memory.events high/max/oom_kill since the cgroup began" },
	[TOP_COL_PSICPU] = { "psi_cpu", "PSICPU", 6, R_ | K_ | VM_, N_ | TOP_NEED_CGROUP,
			     "cgroup CPU pressure: some avg10, percent", .fmt = TOP_FMT_PCT },
	[TOP_COL_PSIMEM] = { "psi_mem", "PSIMEM", 6, R_ | K_ | VM_, N_ | TOP_NEED_CGROUP,
			     "cgroup memory pressure: some avg10, percent", .fmt = TOP_FMT_PCT },
	[TOP_COL_PSIIO] = { "psi_io", "PSIIO", 6, R_ | K_ | VM_, N_ | TOP_NEED_CGROUP,
			    "cgroup I/O pressure: some avg10, percent", .fmt = TOP_FMT_PCT },
	[TOP_COL_LIMITED] = { "limited", "LIMIT", 7, K_, N_ | TOP_NEED_CGROUP,
			      "what its cgroup did in the interval: cpu, mem, oom, or no" },
	[TOP_COL_KEXITS] = { "kvm_exits", "KEXIT/s", 8, R_ | K_, N_ | TOP_NEED_KSTAT,
			     "KVM exits per second (KVM statistics: exits)" },
	[TOP_COL_HALTEXITS] = { "halt_exits", "HLTX/s", 7, R_ | K_, N_ | TOP_NEED_KSTAT,
				"HLT exits per second (halt_exits)" },
	[TOP_COL_IOEXITS] = { "io_exits", "IOX/s", 7, R_ | K_, N_ | TOP_NEED_KSTAT,
			      "port I/O exits to user space per second (io_exits)" },
	[TOP_COL_MMIOEXITS] = { "mmio_exits", "MMIOX/s", 7, R_ | K_, N_ | TOP_NEED_KSTAT,
				"MMIO exits to user space per second (mmio_exits)" },
	[TOP_COL_IRQWEXITS] = { "irq_win_exits", "IRQWX/s", 7, R_ | K_, N_ | TOP_NEED_KSTAT,
				"interrupt-window exits per second (irq_window_exits)" },
	[TOP_COL_POLL] = { "halt_poll", "%POLL", 5, R_ | K_, N_ | TOP_NEED_KSTAT,
			   "host CPU spent halt polling, percent (KVM statistics)",
			   .fmt = TOP_FMT_PCT },
	[TOP_COL_POLLOK] = { "poll_ok", "%PLOK", 5, R_ | K_, N_ | TOP_NEED_KSTAT,
			     "halt polling that ended in a wake-up, percent",
			     .fmt = TOP_FMT_PCT },
	[TOP_COL_POLLFAIL] = { "poll_fail", "%PLFL", 5, R_ | K_, N_ | TOP_NEED_KSTAT,
			       "halt polling that gave up and slept, percent",
			       .fmt = TOP_FMT_PCT },
	[TOP_COL_HALT] = { "halt_wait", "%HALT", 5, R_ | K_, N_ | TOP_NEED_KSTAT,
			   "vCPU time halted, waiting (KVM statistics), percent", .fmt = TOP_FMT_PCT },
	[TOP_COL_POLLCPU] = { "poll_cpu", "%PCPU", 5, R_ | K_ | TOP_COL_VCPUONLY,
			      N_ | TOP_NEED_KSTAT,
			      "part of the vCPU thread's CPU time spent halt polling",
			      .fmt = TOP_FMT_PCT },
	[TOP_COL_SOURCE] = { "source", "SRC", 11, K_, N_,
			     "how the name / vCPU thread was found" },
	[TOP_COL_DOMID] = { "domid", "DOMID", 5, R_ | XD_ | VM_ | TOP_COL_ASC, N_,
			"Xen domain id" },
	[TOP_COL_TYPE] = { "type", "TYPE", 4, X_ | VM_, N_,
			"Xen guest type: pv, or hvm (HVM or PVH)" },
	[TOP_COL_VCPUS] = { "vcpus", "VCPUS", 5, R_ | X_ | VM_, N_,
			    "Xen: vCPUs online/max of the domain" },
	[TOP_COL_XSTATE] = { "runstate", "RUNSTATE", 8, XD_, N_,
			     "Xen: running, blocked, paused, shutdown, crashed, dying; vCPUs: "
			     "running, blocked, runnable, offline" },
	[TOP_COL_SOFT] = { "soft_affinity", "SOFT", 6, XD_ | TOP_COL_VCPUONLY, N_,
			   "Xen: soft affinity of the vCPU (preferred pCPUs)" },
	[TOP_COL_MEM] = { "mem", "MEM", 6, R_ | XD_ | VM_, N_,
			"Xen: memory of the domain now", .fmt = TOP_FMT_BYTES },
	[TOP_COL_MAXMEM] = { "maxmem", "MAXMEM", 6, R_ | XD_ | VM_, N_,
			     "Xen: the domain's memory limit", .fmt = TOP_FMT_BYTES },
	[TOP_COL_NETRX] = { "net_rx", "NETRX/s", 8, R_ | X_ | VM_, N_,
			    "Xen: bytes per second the domain received (its vifs)", .fmt = TOP_FMT_BYTES },
	[TOP_COL_NETTX] = { "net_tx", "NETTX/s", 8, R_ | X_ | VM_, N_,
			    "Xen: bytes per second the domain sent (its vifs)", .fmt = TOP_FMT_BYTES },
	[TOP_COL_VBDRD] = { "vbd_rd", "VBDRD/s", 7, R_ | X_ | VM_, N_,
			    "Xen: block read requests per second (blkback vbds)" },
	[TOP_COL_VBDWR] = { "vbd_wr", "VBDWR/s", 7, R_ | X_ | VM_, N_,
			    "Xen: block write requests per second (blkback vbds)" },
	[TOP_COL_NAME] = { "name", "NAME", 12, TOP_COL_STRETCH | D_ | K_ | XD_, N_,
			   "VM name (libvirt, -name guest=, else the process name; Xen: the domain's)" },
};

const struct top_col_info *top_col_info(enum top_col_id id)
{
	return &cols[id];
}

int top_col_parse(const char *name)
{
	for (int i = 0; i < TOP_COL_COUNT; i++)
		if (strcasecmp(name, cols[i].id) == 0 || strcasecmp(name, cols[i].label) == 0)
			return i;
	return -EINVAL;
}

void top_cols_list(FILE *fp, enum top_hv hv)
{
	unsigned on = hv == TOP_HV_XEN ? TOP_COL_XEN : TOP_COL_KVM;
	unsigned def = hv == TOP_HV_XEN ? TOP_COL_XDEFAULT : TOP_COL_DEFAULT;

	for (int i = 0; i < TOP_COL_COUNT; i++) {
		char text[512];

		if (!(cols[i].flags & on))
			continue;
		/* the description wrapped at 80 columns, continuation lines indented
		 * (readers of the list take the id from lines that do not start blank) */
		fprintf(fp, "%-13s %-9s ", cols[i].id, cols[i].label);
		snprintf(text, sizeof(text), "%s%s", cols[i].help,
			 cols[i].flags & def ? "" : " (not shown by default)");
		hv_report_print_wrapped(fp, text, 24, 80);
	}
}

static void num(struct top_val *v, double x, bool integer)
{
	v->kind = TOP_VAL_NUM;
	v->num = x;
	v->integer = integer;
}

static void str(struct top_val *v, const char *s)
{
	v->kind = TOP_VAL_STR;
	v->str = s;
}

/* A size in KiB when @ok. */
static void kib(struct top_val *v, bool ok, uint64_t kb)
{
	if (ok)
		num(v, (double)kb * 1024.0, true);
}

/* A cgroup limit in bytes, or "max". */
static void limit(struct top_val *v, bool ok, uint64_t bytes)
{
	if (!ok)
		return;
	if (bytes == HV_CG_MAX)
		str(v, "max");
	else
		num(v, (double)bytes, true);
}

/* A CPU limit in percent of one CPU, or "max". */
static void cpu_max(struct top_val *v, uint64_t quota, uint64_t period)
{
	if (quota == HV_CG_MAX || !period)
		str(v, "max");
	else
		num(v, (double)quota / (double)period * 100.0, false);
}

/* "0:1.9G 1:100M": the nodes holding memory, in order. */
static const char *numa_str(const struct hv_numa_mem *m, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int n = 0; n < m->nnodes && o + 1 < len; n++) {
		char sz[16];
		int k;

		if (!m->kib[n])
			continue;
		k = snprintf(buf + o, len - o, "%s%d:%s", o ? " " : "", n,
			     top_fmt_bytes((double)m->kib[n] * 1024.0, sz, sizeof(sz)));
		if (k < 0 || (size_t)k >= len - o)
			break;
		o += (size_t)k;
	}
	return buf;
}

/* The KVM statistic a column shows. */
static enum hv_kstat kst_of(enum top_col_id id)
{
	switch (id) {
	case TOP_COL_HALTEXITS:
		return HV_KSTAT_HALT_EXITS;
	case TOP_COL_IOEXITS:
		return HV_KSTAT_IO_EXITS;
	case TOP_COL_MMIOEXITS:
		return HV_KSTAT_MMIO_EXITS;
	case TOP_COL_IRQWEXITS:
		return HV_KSTAT_IRQ_WINDOW_EXITS;
	case TOP_COL_POLLOK:
		return HV_KSTAT_POLL_OK_NS;
	case TOP_COL_POLLFAIL:
		return HV_KSTAT_POLL_FAIL_NS;
	case TOP_COL_HALT:
		return HV_KSTAT_WAIT_NS;
	default:
		return HV_KSTAT_EXITS;
	}
}

void top_col_value(enum top_col_id id, const struct top_row *r, bool tree, char *scratch,
		   size_t scratch_len, struct top_val *v)
{
	const struct top_task *t = r->task;
	const struct top_vm *vm = r->vm;
	bool have = t->valid;
	bool rate = have && t->rated;

	memset(v, 0, sizeof(*v));
	switch (id) {
	case TOP_COL_PID:
		if (!vm->xen)
			num(v, vm->pid, true);
		break;
	case TOP_COL_TID:
		if (!r->is_vm && t->tid)
			num(v, t->tid, true);
		break;
	case TOP_COL_VCPU:
		if (r->is_vm)
			num(v, vm->xen ? vm->online_vcpus : (double)vm->nvcpus, true);
		else
			num(v, t->vcpu, true);
		break;
	case TOP_COL_NVCPU:
		num(v, (double)vm->nvcpus, true);
		break;
	case TOP_COL_ACCEL:
		if (!vm->xen)
			str(v, vm->accel == HV_ACCEL_TCG ? "TCG" : "KVM");
		break;
	case TOP_COL_CPU:
		if (rate)
			num(v, t->cpu, false);
		break;
	case TOP_COL_USR:
		if (rate)
			num(v, t->usr, false);
		break;
	case TOP_COL_SYS:
		if (rate)
			num(v, t->sys, false);
		break;
	case TOP_COL_GST:
		if (rate)
			num(v, t->gst, false);
		break;
	case TOP_COL_GTIME:
		if (have)
			num(v, t->gtime_s, false);
		break;
	case TOP_COL_WAIT:
		if (rate && t->have_sched)
			num(v, t->wait, false);
		break;
	case TOP_COL_STATE:
		if (have) {
			snprintf(scratch, scratch_len, "%c", t->state);
			str(v, scratch);
		}
		break;
	case TOP_COL_LCPU:
		if (have && t->lcpu >= 0)
			num(v, t->lcpu, true);
		break;
	case TOP_COL_AFFINITY:
		if (have && t->have_status && t->affinity[0])
			str(v, t->affinity);
		break;
	case TOP_COL_NICE:
		if (have)
			num(v, t->nice, true);
		break;
	case TOP_COL_PRIO:
		if (have)
			num(v, t->prio, true);
		break;
	case TOP_COL_VCSW:
		if (rate && t->have_status)
			num(v, t->vcsw_s, false);
		break;
	case TOP_COL_IVCSW:
		if (rate && t->have_status)
			num(v, t->ivcsw_s, false);
		break;
	case TOP_COL_EXITS:
		if (rate && t->have_exits)
			num(v, t->exits_s, false);
		break;
	case TOP_COL_RSS:
		if (r->is_vm && t->have_status)
			num(v, (double)vm->rss_kb * 1024.0, true);
		break;
	case TOP_COL_RAM:
		if (r->is_vm && vm->ram_mb)
			num(v, (double)vm->ram_mb * 1024.0 * 1024.0, true);
		break;
	case TOP_COL_HUGE:
		if (r->is_vm && vm->huge >= 0)
			str(v, vm->huge == 2 ? "hugetlb" : vm->huge == 1 ? "thp" : "no");
		break;
	case TOP_COL_BACKING:
		if (r->is_vm && !vm->xen && vm->mem.kind != HV_MEM_UNKNOWN)
			str(v, hv_mem_backing_format(&vm->mem, scratch, scratch_len));
		break;
	case TOP_COL_MEMPATH:
		if (r->is_vm && !vm->xen && vm->mem.path[0])
			str(v, vm->mem.path);
		break;
	case TOP_COL_ANON:
		kib(v, r->is_vm && vm->have_split, vm->anon_kb);
		break;
	case TOP_COL_THP:
		kib(v, r->is_vm && vm->have_thp, vm->thp_kb);
		break;
	case TOP_COL_HUGETLB:
		kib(v, r->is_vm && vm->have_split, vm->hugetlb_kb);
		break;
	case TOP_COL_SHMEM:
		kib(v, r->is_vm && vm->have_split, vm->shmem_kb);
		break;
	case TOP_COL_FILE:
		kib(v, r->is_vm && vm->have_split, vm->file_kb);
		break;
	case TOP_COL_SWAP:
		kib(v, r->is_vm && vm->have_split, vm->swap_kb);
		break;
	case TOP_COL_KSM:
		kib(v, r->is_vm && vm->have_ksm, vm->ksm_kb);
		break;
	case TOP_COL_NUMA:
		if (r->is_vm && vm->have_numa)
			str(v, numa_str(&vm->numa, scratch, scratch_len));
		break;
	case TOP_COL_NODE:
		if (!r->is_vm && have && t->node >= 0)
			num(v, t->node, true);
		else if (r->is_vm && vm->mem_node >= 0)
			num(v, vm->mem_node, true);
		break;
	case TOP_COL_NUMAMISS:
		if (r->is_vm && vm->numa_miss >= 0)
			str(v, vm->numa_miss ? "yes" : "no");
		break;
	case TOP_COL_CGROUP:
		if (r->is_vm && vm->have_cg)
			str(v, vm->cg.path[0] ? vm->cg.path : "/");
		else if (!r->is_vm && t->have_cg)
			str(v, t->cg_path);
		break;
	case TOP_COL_CPUMAX:
		if (r->is_vm && vm->have_cg && vm->cg.have_cpu_max)
			cpu_max(v, vm->cg.quota_us, vm->cg.period_us);
		else if (!r->is_vm && t->have_cg && t->cg_have_max)
			cpu_max(v, t->cg_quota_us, t->cg_period_us);
		break;
	case TOP_COL_WEIGHT:
		if (r->is_vm && vm->have_cg && vm->cg.have_weight)
			num(v, (double)vm->cg.weight, true);
		break;
	case TOP_COL_CPUSET:
		if (r->is_vm && vm->have_cg && vm->cg.cpus[0])
			str(v, vm->cg.cpus);
		break;
	case TOP_COL_MEMS:
		if (r->is_vm && vm->have_cg && vm->cg.mems[0])
			str(v, vm->cg.mems);
		break;
	case TOP_COL_MEMMAX:
		limit(v, r->is_vm && vm->have_cg && vm->cg.have_mem_max, vm->cg.mem_max);
		break;
	case TOP_COL_MEMHIGH:
		limit(v, r->is_vm && vm->have_cg && vm->cg.have_mem_high, vm->cg.mem_high);
		break;
	case TOP_COL_SWAPMAX:
		limit(v, r->is_vm && vm->have_cg && vm->cg.have_swap_max, vm->cg.swap_max);
		break;
	case TOP_COL_THROTTLED:
		if (r->is_vm && vm->cg_rated && vm->cg.have_cpu_stat)
			num(v, vm->thr_pct, false);
		else if (!r->is_vm && t->cg_rated)
			num(v, t->thr_pct, false);
		break;
	case TOP_COL_THRPERIODS:
		if (r->is_vm && vm->cg_rated && vm->cg.have_cpu_stat)
			num(v, vm->thr_periods_pct, false);
		else if (!r->is_vm && t->cg_rated)
			num(v, t->thr_periods_pct, false);
		break;
	case TOP_COL_MEMEVENTS:
		if (r->is_vm && vm->have_cg && vm->cg.have_mem_events) {
			snprintf(scratch, scratch_len, "%llu/%llu/%llu",
				 (unsigned long long)vm->cg.ev_high, (unsigned long long)vm->cg.ev_max,
				 (unsigned long long)vm->cg.ev_oom_kill);
			str(v, scratch);
		}
		break;
	case TOP_COL_PSICPU:
	case TOP_COL_PSIMEM:
	case TOP_COL_PSIIO: {
		int res = id == TOP_COL_PSICPU ? HV_PSI_CPU : id == TOP_COL_PSIMEM ? HV_PSI_MEMORY :
			  HV_PSI_IO;

		if (r->is_vm && vm->have_cg && vm->cg.psi[res].some.have)
			num(v, vm->cg.psi[res].some.avg10, false);
		break;
	}
	case TOP_COL_LIMITED:
		if (r->is_vm && vm->cg_rated) {
			snprintf(scratch, scratch_len, "%s%s%s%s", vm->limited & TOP_LIM_CPU ? ",cpu" : "",
				 vm->limited & TOP_LIM_MEM ? ",mem" : "",
				 vm->limited & TOP_LIM_OOM ? ",oom" : "", vm->limited ? "" : ",no");
			str(v, scratch + 1);
		} else if (!r->is_vm && t->cg_rated) {
			str(v, t->cg_limited ? "cpu" : "no");
		}
		break;
	case TOP_COL_KEXITS:
	case TOP_COL_HALTEXITS:
	case TOP_COL_IOEXITS:
	case TOP_COL_MMIOEXITS:
	case TOP_COL_IRQWEXITS:
	case TOP_COL_POLLOK:
	case TOP_COL_POLLFAIL:
	case TOP_COL_HALT:
		if (t->kst_rated && (t->kst.have & (1u << kst_of(id))))
			num(v, t->kst_rate[kst_of(id)], false);
		break;
	case TOP_COL_POLL:
		if (t->kst_rated && (t->kst.have & (1u << HV_KSTAT_POLL_OK_NS)) &&
		    (t->kst.have & (1u << HV_KSTAT_POLL_FAIL_NS)))
			num(v, fmin(t->kst_rate[HV_KSTAT_POLL_OK_NS] + t->kst_rate[HV_KSTAT_POLL_FAIL_NS],
				    100.0 * (double)(r->is_vm ? HV_MAX(vm->nvcpus, 1u) : 1u)),
			    false);
		break;
	case TOP_COL_POLLCPU:
		if (!r->is_vm && t->kst_rated && t->have_poll_cpu)
			num(v, t->poll_cpu, false);
		break;
	case TOP_COL_SOURCE:
		if (!vm->xen)
			str(v, r->is_vm ? vm->name_src : hv_vcpu_src_name(t->src));
		break;
	case TOP_COL_DOMID:
		if (vm->xen)
			num(v, vm->domid, true);
		break;
	case TOP_COL_TYPE:
		if (r->is_vm && vm->xen && vm->type)
			str(v, vm->type);
		break;
	case TOP_COL_VCPUS:
		if (r->is_vm && vm->xen) {
			snprintf(scratch, scratch_len, "%u/%zu", vm->online_vcpus, vm->nvcpus);
			str(v, scratch);
		}
		break;
	case TOP_COL_XSTATE:
		if (have && t->xstate)
			str(v, t->xstate);
		break;
	case TOP_COL_SOFT:
		if (have && t->soft[0])
			str(v, t->soft);
		break;
	case TOP_COL_MEM:
		if (r->is_vm && vm->xen)
			num(v, (double)vm->mem_kb * 1024.0, true);
		break;
	case TOP_COL_MAXMEM:
		if (r->is_vm && vm->xen && vm->maxmem_kb)
			num(v, (double)vm->maxmem_kb * 1024.0, true);
		break;
	case TOP_COL_NETRX:
		if (r->is_vm && vm->io_rated && vm->nnets)
			num(v, vm->net_rx_s, false);
		break;
	case TOP_COL_NETTX:
		if (r->is_vm && vm->io_rated && vm->nnets)
			num(v, vm->net_tx_s, false);
		break;
	case TOP_COL_VBDRD:
		if (r->is_vm && vm->io_rated && vm->nvbds)
			num(v, vm->vbd_rd_s, false);
		break;
	case TOP_COL_VBDWR:
		if (r->is_vm && vm->io_rated && vm->nvbds)
			num(v, vm->vbd_wr_s, false);
		break;
	case TOP_COL_NAME:
		if (r->is_vm)
			snprintf(scratch, scratch_len, "%s%s", vm->name,
				 !vm->xen && vm->accel == HV_ACCEL_TCG ? " [TCG]" : "");
		else if (tree)
			snprintf(scratch, scratch_len, " %s vcpu %d", r->last ? "`-" : "|-", t->vcpu);
		else
			snprintf(scratch, scratch_len, "%s/vcpu %d", vm->name, t->vcpu);
		str(v, scratch);
		break;
	case TOP_COL_COUNT:
		break;
	}
}

const char *top_fmt_bytes(double b, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	int u = 0;

	while (b >= 1024.0 && u < 6) {
		b /= 1024.0;
		u++;
	}
	if (u == 0 || b >= 10.0)
		snprintf(buf, len, "%.0f%c", b, units[u]);
	else
		snprintf(buf, len, "%.1f%c", b, units[u]);
	return buf;
}

const char *top_col_format(enum top_col_id id, const struct top_row *r, bool tree, char *buf,
			   size_t len)
{
	char scratch[256];
	struct top_val v;

	top_col_value(id, r, tree, scratch, sizeof(scratch), &v);
	if (v.kind == TOP_VAL_NONE) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (v.kind == TOP_VAL_STR)   /* names come from whoever started the VM */
		return hv_esc_buf(v.str, buf, len);
	switch (cols[id].fmt) {
	case TOP_FMT_PCT:
		snprintf(buf, len, "%.1f", v.num);
		break;
	case TOP_FMT_BYTES:
		top_fmt_bytes(v.num, buf, len);
		break;
	case TOP_FMT_MSS: {
		unsigned long long cs = (unsigned long long)llround(v.num * 100.0);

		snprintf(buf, len, "%llu:%02llu.%02llu", cs / 6000, cs / 100 % 60, cs % 100);
		break;
	}
	case TOP_FMT_INT:
		snprintf(buf, len, "%.0f", v.num);
		break;
	}
	return buf;
}

int top_col_cmp(enum top_col_id id, const struct top_row *a, const struct top_row *b)
{
	char sa[256], sb[256];
	struct top_val va, vb;

	top_col_value(id, a, false, sa, sizeof(sa), &va);
	top_col_value(id, b, false, sb, sizeof(sb), &vb);
	if (va.kind != vb.kind)
		return va.kind == TOP_VAL_NONE ? 1 : vb.kind == TOP_VAL_NONE ? -1 :
		       (va.kind == TOP_VAL_NUM ? -1 : 1);
	if (va.kind == TOP_VAL_STR)
		return strcmp(va.str, vb.str);
	if (va.kind == TOP_VAL_NONE)
		return 0;
	/* Numbers: largest first, except identities and indexes (TOP_COL_ASC). */
	if (cols[id].flags & TOP_COL_ASC)
		return (va.num > vb.num) - (va.num < vb.num);
	return (va.num < vb.num) - (va.num > vb.num);
}
