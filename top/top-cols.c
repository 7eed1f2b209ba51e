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

	for (int i = 0; i < TOP_COL_COUNT; i++)
		if (cols[i].flags & on)
			fprintf(fp, "%-13s %-9s %s%s\n", cols[i].id, cols[i].label, cols[i].help,
				cols[i].flags & def ? "" : " (not shown by default)");
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

static const char *fmt_bytes(double b, char *buf, size_t len)
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
		fmt_bytes(v.num, buf, len);
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
