// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top-sample: one tick = discover VMs (hv-proc), read the counters the
 * visible columns need for each VM process and vCPU thread, and derive rates
 * against the previous tick. Formulas (man/vhv-top.8.scd, COLUMNS), with
 * dt = monotonic clock delta in seconds and HZ = clock ticks per second:
 *   %CPU  = d(utime + stime) / HZ / dt * 100
 *   %GST  = d(guest_time) / HZ / dt * 100     (guest time is also counted in utime)
 *   %USR  = d(utime - guest_time) / HZ / dt * 100
 *   %SYS  = d(stime) / HZ / dt * 100
 *   %WAIT = d(schedstat run_delay ns) / (dt * 1e9) * 100
 *   X/s   = d(X) / dt                          (context switches, exits)
 *   %THR  = d(cpu.stat throttled_usec) / (dt * 1e6) * 100
 *   %THRP = d(nr_throttled) / d(nr_periods) * 100
 * KVM statistics (hv-kvmstats.h; a vCPU's own from its stats fd, the VM row
 * their sum, else debugfs kvm/PID-FD/ for the VM row only):
 *   KEXIT/s, HLTX/s, ... = d(exits), d(halt_exits), ... / dt
 *   %POLL = d(halt_poll_success_ns + halt_poll_fail_ns) / (dt * 1e9) * 100
 *   %PLOK, %PLFL = the same of halt_poll_success_ns, halt_poll_fail_ns alone
 *   %HALT = d(halt_wait_ns) / (dt * 1e9) * 100
 *           (at most 100 per vCPU: KVM books a halt's whole time when it ends)
 *   %PCPU = d(halt_poll_success_ns + halt_poll_fail_ns) / d((utime + stime) / HZ * 1e9) * 100
 *           (vCPU: the part of its thread's CPU time that was halt polling)
 * On a Xen dom0 the VMs are domains (hv-xen.h), and for a domain and each vCPU
 *   %CPU  = d(cpu_time ns) / (dt * 1e9) * 100  (the hypervisor's accounting, as xentop)
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf/vbpf-exits.h"
#include "hvcore/hv-cgroup.h"
#include "hvcore/hv-kvmstats.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-vmmem.h"
#include "hvcore/hv-xen.h"
#include "top/top.h"

struct top_sampler {
	enum top_hv hv;
	struct hv_vm_scan *scan;
	unsigned needs;
	double hz;
	struct vbpf_exits *exits;
	struct vbpf_exit_count *ex;  /* this tick's counts, sorted by tid */
	size_t nex;
	bool ex_hw;
	struct top_snap snap, prev;
	bool have_snap;
	/* task files kept open across ticks (sorted by pid, tid), and this tick's new ones */
	struct fd_ent *fds, *fresh;
	size_t nfds, nfresh, capfresh;
	const struct hv_root *fds_root;  /* the root the kept files belong to */
	int *node_of;                    /* NUMA node of each CPU (HV_NUMA_MAX_CPUS) */
	int nnodes;                      /* this tick's; 0 unknown */
	const char *notes[3];            /* why shown columns are empty (static), NULL-ended */
	char vm_cg[HV_CGROUP_PATH_MAX];  /* this VM process's own cgroup (before libvirt's scope) */
	/* vCPU statistics kept open per VM (pid, starttime) across ticks */
	struct kst_ent *kst;
	size_t nkst;
	bool exits_kst;                  /* EXITS/s from KVM's "exits" (no BPF) */
	int kst_vms, kst_got;            /* this tick: KVM guests, and those with statistics */
	const char *kst_missing;
	char kst_note[200];              /* set once: why statistics are missing or VM-wide only */
};

struct kst_ent {
	int pid;
	uint64_t starttime;
	struct hv_kstats_vm *kv;         /* NULL: could not be had (why) */
	int nfds;                        /* the VM's vCPU fds when opened */
	const char *why;
	bool used;
};

struct fd_ent {
	struct hv_task_fds f;
	bool used;
};

static void snap_clear(struct top_snap *s)
{
	for (size_t i = 0; i < s->nvms; i++) {
		free(s->vms[i].name);
		free(s->vms[i].vcpus);
	}
	free(s->vms);
	memset(s, 0, sizeof(*s));
}

int top_sampler_new(struct top_sampler **out)
{
	struct top_sampler *s = calloc(1, sizeof(*s));
	long hz = sysconf(_SC_CLK_TCK);
	int rc;

	if (!s)
		return -ENOMEM;
	rc = hv_vm_scan_new(&s->scan);
	if (rc < 0) {
		free(s);
		return rc;
	}
	s->hz = hz > 0 ? (double)hz : 100.0;
	s->needs = TOP_NEED_STAT;
	*out = s;
	return 0;
}

static int cmp_fd(const void *a, const void *b)
{
	const struct hv_task_fds *x = &((const struct fd_ent *)a)->f;
	const struct hv_task_fds *y = &((const struct fd_ent *)b)->f;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* The kept files of (pid, tid), or a new entry; NULL when out of memory. */
static struct hv_task_fds *task_fds(struct top_sampler *s, int pid, int tid)
{
	struct fd_ent key, *e;

	key.f.pid = pid;
	key.f.tid = tid;
	e = s->nfds ? bsearch(&key, s->fds, s->nfds, sizeof(*s->fds), cmp_fd) : NULL;
	if (!e) {
		if (s->nfresh == s->capfresh) {
			size_t cap = s->capfresh ? s->capfresh * 2 : 64;
			struct fd_ent *n = realloc(s->fresh, cap * sizeof(*n));

			if (!n)
				return NULL;
			s->fresh = n;
			s->capfresh = cap;
		}
		e = &s->fresh[s->nfresh++];
		hv_task_fds_init(&e->f, pid, tid);
	}
	e->used = true;
	return &e->f;
}

/* End of tick: close the files of tasks not read (gone), adopt the new ones. */
static void fds_sweep(struct top_sampler *s)
{
	size_t j = 0, total = s->nfds + s->nfresh;
	struct fd_ent *n;

	for (size_t i = 0; i < s->nfds; i++) {
		if (!s->fds[i].used) {
			hv_task_fds_close(&s->fds[i].f);
			continue;
		}
		s->fds[i].used = false;
		s->fds[j++] = s->fds[i];
	}
	s->nfds = j;
	if (!s->nfresh)
		return;
	n = realloc(s->fds, total * sizeof(*n));
	if (!n) {
		for (size_t i = 0; i < s->nfresh; i++)
			hv_task_fds_close(&s->fresh[i].f);
		s->nfresh = 0;
		return;
	}
	s->fds = n;
	for (size_t i = 0; i < s->nfresh; i++) {
		s->fresh[i].used = false;
		s->fds[s->nfds++] = s->fresh[i];
	}
	s->nfresh = 0;
	qsort(s->fds, s->nfds, sizeof(*s->fds), cmp_fd);
}

void top_sampler_free(struct top_sampler *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfds; i++)
		hv_task_fds_close(&s->fds[i].f);
	for (size_t i = 0; i < s->nfresh; i++)
		hv_task_fds_close(&s->fresh[i].f);
	free(s->fds);
	free(s->fresh);
	free(s->node_of);
	for (size_t i = 0; i < s->nkst; i++)
		hv_kstats_vm_free(s->kst[i].kv);
	free(s->kst);
	hv_vm_scan_free(s->scan);
	vbpf_exits_close(s->exits);
	free(s->ex);
	snap_clear(&s->snap);
	snap_clear(&s->prev);
	free(s);
}

void top_sampler_set_needs(struct top_sampler *s, unsigned needs)
{
	s->needs = needs | TOP_NEED_STAT;
}

int top_sampler_enable_bpf(struct top_sampler *s, const struct hv_root *root, char **why)
{
	int rc;

	*why = NULL;
	if (s->exits)
		return 0;
	rc = vbpf_exits_open(root, &s->exits, why);
	if (rc < 0 && !*why)
		*why = strdup("BPF exit counters unavailable");
	return rc;
}

void top_sampler_set_hv(struct top_sampler *s, enum top_hv hv)
{
	s->hv = hv;
}

bool top_sampler_has_exits(const struct top_sampler *s)
{
	return s->exits != NULL || s->exits_kst;
}

const struct top_snap *top_sampler_snap(const struct top_sampler *s)
{
	return &s->snap;
}

const char *const *top_sampler_notes(const struct top_sampler *s)
{
	return s->notes;
}

void top_sampler_exits_from_kstat(struct top_sampler *s)
{
	s->exits_kst = true;
}

const char *top_sampler_kstat_missing(const struct top_sampler *s)
{
	return s->kst_missing;
}

static bool want_kstat(const struct top_sampler *s)
{
	return (s->needs & TOP_NEED_KSTAT) || (s->exits_kst && (s->needs & TOP_NEED_BPF));
}

static void add_note(struct top_sampler *s, const char *note)
{
	for (size_t i = 0; i + 1 < HV_ARRAY_SIZE(s->notes); i++) {
		if (s->notes[i] == note)
			return;
		if (!s->notes[i]) {
			s->notes[i] = note;
			return;
		}
	}
}

static int cmp_exit(const void *a, const void *b)
{
	uint32_t x = ((const struct vbpf_exit_count *)a)->tid;
	uint32_t y = ((const struct vbpf_exit_count *)b)->tid;

	return (x > y) - (x < y);
}

static void read_exits(struct top_sampler *s)
{
	free(s->ex);
	s->ex = NULL;
	s->nex = 0;
	if (!s->exits || !(s->needs & TOP_NEED_BPF))
		return;
	if (vbpf_exits_read(s->exits, &s->ex, &s->nex) < 0) {
		s->ex = NULL;
		s->nex = 0;
		return;
	}
	s->ex_hw = vbpf_exits_has_hw(s->exits);
	if (s->nex)
		qsort(s->ex, s->nex, sizeof(*s->ex), cmp_exit);
}

/* Read one task's counters; false when it is gone. */
static bool read_task(struct top_sampler *s, const struct hv_root *root, int pid, int tid,
		      struct top_task *t, struct top_vm *vm)
{
	struct hv_task_fds *f = task_fds(s, pid, tid);
	struct hv_stat st;
	struct hv_status ss;
	struct hv_schedstat sc;

	if (!f || hv_task_stat(root, f, &st) < 0)
		return false;
	t->valid = true;
	t->state = st.state;
	t->lcpu = st.processor;
	t->nice = (int)st.nice;
	t->prio = (int)st.priority;
	t->utime = st.utime;
	t->stime = st.stime;
	t->gtime = st.guest_time;
	t->gtime_s = (double)st.guest_time / s->hz;
	if ((s->needs & TOP_NEED_STATUS) && hv_task_status(root, f, &ss) == 0) {
		t->have_status = true;
		t->vcsw = ss.vcsw;
		t->ivcsw = ss.ivcsw;
		memcpy(t->affinity, ss.cpus_allowed, sizeof(t->affinity));
		if (vm) {
			vm->rss_kb = ss.vm_rss_kb;
			if (ss.hugetlb_kb)
				vm->huge = 2;
			vm->have_split = ss.have_rss_split;
			vm->anon_kb = ss.rss_anon_kb;
			vm->file_kb = ss.rss_file_kb;
			vm->shmem_kb = ss.rss_shmem_kb;
			vm->swap_kb = ss.swap_kb;
			vm->hugetlb_kb = ss.hugetlb_kb;
		}
	}
	if ((s->needs & TOP_NEED_SCHEDSTAT) && hv_task_schedstat(root, f, &sc) == 0) {
		t->have_sched = true;
		t->wait_ns = sc.wait_ns;
	}
	if (s->exits && (s->needs & TOP_NEED_BPF) && tid > 0) {
		struct vbpf_exit_count key = { .tid = (uint32_t)tid }, *c;

		c = s->nex ? bsearch(&key, s->ex, s->nex, sizeof(*s->ex), cmp_exit) : NULL;
		t->have_exits = true;
		t->exits = c ? vbpf_exit_count_total(c, s->ex_hw) : 0;
	}
	return true;
}

static double delta(uint64_t now, uint64_t before)
{
	return now >= before ? (double)(now - before) : 0.0;
}

static void rate_task(struct top_task *t, const struct top_task *p, double dt, double hz)
{
	double tick = 100.0 / hz / dt;   /* ticks -> percent of one CPU */
	double dg;

	if (!p || !p->valid || !t->valid || dt <= 0)
		return;
	t->rated = true;
	dg = delta(t->gtime, p->gtime);
	t->cpu = (delta(t->utime, p->utime) + delta(t->stime, p->stime)) * tick;
	t->gst = dg * tick;
	t->usr = delta(t->utime, p->utime) * tick - t->gst;
	if (t->usr < 0)
		t->usr = 0;  /* guest and user ticks are sampled apart: clamp the jitter */
	t->sys = delta(t->stime, p->stime) * tick;
	if (t->have_sched && p->have_sched)
		t->wait = delta(t->wait_ns, p->wait_ns) / (dt * 1e9) * 100.0;
	else
		t->have_sched = false;
	if (t->have_status && p->have_status) {
		t->vcsw_s = delta(t->vcsw, p->vcsw) / dt;
		t->ivcsw_s = delta(t->ivcsw, p->ivcsw) / dt;
	}
	if (t->have_exits && p->have_exits)
		t->exits_s = delta(t->exits, p->exits) / dt;
	else
		t->have_exits = false;
}

static const struct top_vm *prev_vm(const struct top_snap *p, const struct top_vm *vm)
{
	for (size_t i = 0; i < p->nvms; i++) {
		const struct top_vm *o = &p->vms[i];

		if (vm->xen ? o->xen && o->domid == vm->domid && !strcmp(o->name, vm->name) :
			      !o->xen && o->pid == vm->pid && o->starttime == vm->starttime)
			return o;
	}
	return NULL;
}

static const struct top_task *prev_task(const struct top_vm *pv, const struct top_task *t)
{
	if (!pv)
		return NULL;
	for (size_t i = 0; i < pv->nvcpus; i++)
		if (pv->vcpus[i].tid == t->tid && pv->vcpus[i].vcpu == t->vcpu)
			return &pv->vcpus[i];
	return NULL;
}

/* The VM row sums its vCPUs for what the process files do not total. */
static void sum_vcpus(struct top_vm *vm)
{
	struct top_task *p = &vm->proc;
	bool st = p->have_status, sc = true, ex = true, any = false;
	double vcsw = 0, ivcsw = 0, wait = 0, exits = 0;

	for (size_t i = 0; i < vm->nvcpus; i++) {
		const struct top_task *t = &vm->vcpus[i];

		if (!t->valid || !t->rated)
			continue;
		any = true;
		st &= t->have_status;
		sc &= t->have_sched;
		ex &= t->have_exits;
		vcsw += t->vcsw_s;
		ivcsw += t->ivcsw_s;
		wait += t->wait;
		exits += t->exits_s;
	}
	if (!any) {
		p->have_sched = p->have_exits = false;
		return;
	}
	p->have_status = st;
	p->vcsw_s = vcsw;
	p->ivcsw_s = ivcsw;
	p->have_sched = sc;
	p->wait = wait;
	p->have_exits = ex;
	p->exits_s = exits;
}

static void rate_xen(struct top_task *t, const struct top_task *p, double dt)
{
	if (!p || !p->valid || !t->valid || dt <= 0)
		return;
	t->rated = true;
	t->cpu = delta(t->cpu_ns, p->cpu_ns) / (dt * 1e9) * 100.0;
}

/* One tick on a Xen dom0: the hypervisor's domains and vCPUs. */
static int tick_xen(struct top_sampler *s, const struct hv_root *root, struct top_snap *ns,
		    double dt)
{
	struct hv_xen_dom *doms = NULL;
	size_t n = 0;
	int rc;

	rc = hv_root_xen_domains(root, &doms, &n);
	if (rc < 0)
		return rc;
	ns->vms = n ? calloc(n, sizeof(*ns->vms)) : NULL;
	if (n && !ns->vms) {
		hv_xen_doms_free(doms, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct hv_xen_dom *d = &doms[i];
		struct top_vm *vm = &ns->vms[ns->nvms];
		const struct top_vm *pv;

		vm->xen = true;
		vm->domid = d->domid;
		vm->name = strdup(d->name);
		vm->vcpus = d->nvcpus ? calloc(d->nvcpus, sizeof(*vm->vcpus)) : NULL;
		if (!vm->name || (d->nvcpus && !vm->vcpus)) {
			free(vm->name);
			free(vm->vcpus);
			hv_xen_doms_free(doms, n);
			return -ENOMEM;
		}
		ns->nvms++;
		vm->name_src = "xenstore";
		vm->xstate = d->state;
		vm->type = d->type == HV_XEN_PV ? "pv" : d->type == HV_XEN_HVM ? "hvm" : NULL;
		vm->online_vcpus = d->online_vcpus;
		vm->mem_kb = d->mem_kb;
		vm->maxmem_kb = d->maxmem_kb;
		vm->nnets = d->nnets;
		vm->nvbds = d->nvbds;
		vm->net_rx = d->net_rx_bytes;
		vm->net_tx = d->net_tx_bytes;
		vm->vbd_rd = d->vbd_rd_req;
		vm->vbd_wr = d->vbd_wr_req;
		vm->huge = -1;
		vm->proc.vcpu = -1;
		vm->proc.valid = true;
		vm->proc.lcpu = -1;
		vm->proc.cpu_ns = d->cpu_ns;
		vm->proc.gtime_s = (double)d->cpu_ns / 1e9;
		vm->proc.xstate = hv_xen_state_word(d->state);
		pv = s->have_snap ? prev_vm(&s->snap, vm) : NULL;
		rate_xen(&vm->proc, pv ? &pv->proc : NULL, dt);
		if (pv && dt > 0) {
			vm->io_rated = true;
			vm->net_rx_s = delta(vm->net_rx, pv->net_rx) / dt;
			vm->net_tx_s = delta(vm->net_tx, pv->net_tx) / dt;
			vm->vbd_rd_s = delta(vm->vbd_rd, pv->vbd_rd) / dt;
			vm->vbd_wr_s = delta(vm->vbd_wr, pv->vbd_wr) / dt;
		}
		for (size_t j = 0; j < d->nvcpus; j++) {
			const struct hv_xen_vcpu *x = &d->vcpus[j];
			struct top_task *t = &vm->vcpus[vm->nvcpus++];

			t->vcpu = (int)x->id;
			t->valid = true;
			t->lcpu = x->cpu;
			t->cpu_ns = x->cpu_ns;
			t->gtime_s = (double)x->cpu_ns / 1e9;
			t->xstate = hv_xen_vcpu_state(x);
			t->have_status = true;  /* the affinities */
			memcpy(t->affinity, x->hard, sizeof(t->affinity));
			memcpy(t->soft, x->soft, sizeof(t->soft));
			rate_xen(t, prev_task(pv, t), dt);
		}
	}
	hv_xen_doms_free(doms, n);
	return 0;
}

/*
 * The open statistics of VM @h (pid, starttime), opened on first sight. A VM
 * whose statistics could not be had is not retried (the reason stays), except
 * when its vCPU fds were not there yet (a VM starting) or their number changed.
 */
static struct kst_ent *kst_vm(struct top_sampler *s, const struct hv_root *root,
			      const struct hv_vm *h)
{
	struct kst_ent *e = NULL, *n;

	for (size_t i = 0; i < s->nkst && !e; i++)
		if (s->kst[i].pid == h->pid && s->kst[i].starttime == h->starttime)
			e = &s->kst[i];
	if (!e) {
		n = realloc(s->kst, (s->nkst + 1) * sizeof(*n));
		if (!n)
			return NULL;
		s->kst = n;
		e = &s->kst[s->nkst++];
		*e = (struct kst_ent){ .pid = h->pid, .starttime = h->starttime };
		hv_kstats_vm_open(root, h->pid, &e->kv, &e->why);
		e->nfds = h->nvcpu_fds;
	} else if ((!e->kv && h->nvcpu_fds <= 0) || h->nvcpu_fds != e->nfds) {
		/* a VM starting (no vCPU fds yet), or its vCPU fds changed (hotplug) */
		hv_kstats_vm_free(e->kv);
		hv_kstats_vm_open(root, h->pid, &e->kv, &e->why);
		e->nfds = h->nvcpu_fds;
	}
	e->used = true;
	return e;
}

/* End of tick: close the statistics of VMs gone (they hold the VM's memory). */
static void kst_sweep(struct top_sampler *s, bool all)
{
	size_t j = 0;

	for (size_t i = 0; i < s->nkst; i++) {
		if (all || !s->kst[i].used) {
			hv_kstats_vm_free(s->kst[i].kv);
			continue;
		}
		s->kst[i].used = false;
		s->kst[j++] = s->kst[i];
	}
	s->nkst = j;
}

/* KVM's statistics of a whole VM in debugfs (kvm/PID-FD/NAME: the sum over its vCPUs). */
static int kstat_debugfs(const struct hv_root *root, const struct hv_vm *h, struct hv_kstats *k)
{
	memset(k, 0, sizeof(*k));
	if (h->vm_fd < 0)
		return -ENOENT;
	for (int i = 0; i < HV_KSTAT_COUNT; i++)
		if (hv_root_read_u64f(root, &k->v[i], "/sys/kernel/debug/kvm/%d-%d/%s", h->pid,
				      h->vm_fd, hv_kstat_name(i)) == 0)
			k->have |= 1u << i;
	return k->have ? 0 : -ENOENT;
}

/* The note said once: why the statistics are VM-wide only, or missing. */
static void kst_note(struct top_sampler *s, bool vm_wide, const char *why)
{
	if (!why)
		why = "unknown";
	if (s->kst_note[0])
		;
	else if (vm_wide)
		snprintf(s->kst_note, sizeof(s->kst_note),
			 "KVM statistics per VM only (debugfs): no vCPU stats fd: %s", why);
	else
		snprintf(s->kst_note, sizeof(s->kst_note),
			 "KVM statistics hidden: no vCPU stats fd (%s), no debugfs kvm/PID-FD/ "
			 "(root, debugfs mounted, Linux 5.14+)", why);
	add_note(s, s->kst_note);
}

/* The memory, cgroup and KVM statistics reads the visible columns need. */
static void read_vm_extra(struct top_sampler *s, const struct hv_root *root, const struct hv_vm *h,
			  struct top_vm *vm)
{
	vm->mem_node = -1;
	vm->numa_miss = -1;
	if (s->needs & TOP_NEED_THP) {
		struct hv_smaps_rollup sr;

		if (hv_read_smaps_rollup(root, h->pid, &sr) == 0) {
			vm->have_thp = true;
			vm->thp_kb = sr.anon_huge + sr.shmem_pmd;
			if (vm->huge < 0 && vm->proc.have_status)
				vm->huge = vm->thp_kb ? 1 : 0;
		}
	}
	if (s->needs & TOP_NEED_KSM) {
		uint64_t merging, zero;
		int rc = hv_read_ksm(root, h->pid, &merging, &zero);
		long ps = sysconf(_SC_PAGESIZE);

		if (rc == 0) {
			vm->have_ksm = true;
			vm->ksm_kb = (merging + zero) * (uint64_t)(ps > 0 ? ps / 1024 : 4);
		} else if (rc == -ENOENT) {
			add_note(s, "KSM: no /proc/PID/ksm_merging_pages or ksm_stat (Linux 6.1+)");
		}
	}
	if (s->needs & TOP_NEED_NUMA) {
		vm->have_numa = hv_read_numa_maps(root, h->pid, &vm->numa) == 0;
		if (vm->have_numa)
			vm->mem_node = hv_numa_main_node(&vm->numa);
	}
	s->vm_cg[0] = '\0';
	if (s->needs & TOP_NEED_CGROUP) {
		struct hv_cgroup_where w;

		if (hv_cgroup_where_read(root, h->pid, 0, &w) == 0) {
			snprintf(s->vm_cg, sizeof(s->vm_cg), "%s", hv_cgroup_where_path(&w));
			vm->have_cg = hv_cgroup_read_where(root, &w, true, &vm->cg) == 0;
		}
	}
}

/* Rates of the cgroup's throttling counters and of KVM's statistics. */
static void rate_vm_extra(struct top_vm *vm, const struct top_vm *pv, double dt)
{
	if (!pv || dt <= 0)
		return;
	if (vm->have_cg && pv->have_cg && !strcmp(vm->cg.path, pv->cg.path)) {
		const struct hv_cgroup *c = &vm->cg, *p = &pv->cg;
		double periods;

		vm->cg_rated = true;
		if (c->have_cpu_stat && p->have_cpu_stat) {
			periods = delta(c->nr_periods, p->nr_periods);
			vm->thr_pct = delta(c->throttled_us, p->throttled_us) / (dt * 1e6) * 100.0;
			vm->thr_periods_pct = periods > 0 ?
				delta(c->nr_throttled, p->nr_throttled) / periods * 100.0 : 0.0;
			if (c->nr_throttled > p->nr_throttled)
				vm->limited |= TOP_LIM_CPU;
		}
		if (c->have_mem_events && p->have_mem_events) {
			if (c->ev_high > p->ev_high || c->ev_max > p->ev_max)
				vm->limited |= TOP_LIM_MEM;
			if (c->ev_oom_kill > p->ev_oom_kill)
				vm->limited |= TOP_LIM_OOM;
		}
	}
}

/* Rates of a task's KVM statistics; @nvcpus bounds the times (a halt is booked when it ends). */
static void rate_kst(struct top_task *t, const struct top_task *p, double dt, double hz,
		     int nvcpus)
{
	uint64_t poll, ppoll;
	double cpu_ns;

	if (!p || !t->have_kst || !p->have_kst || dt <= 0 || t->kst.have != p->kst.have)
		return;
	t->kst_rated = true;
	for (int k = 0; k < HV_KSTAT_COUNT; k++) {
		double d = delta(t->kst.v[k], p->kst.v[k]);

		t->kst_rate[k] = hv_kstat_is_time(k) ?
			fmin(d / (dt * 1e9) * 100.0, 100.0 * (nvcpus > 0 ? nvcpus : 1)) : d / dt;
	}
	poll = t->kst.v[HV_KSTAT_POLL_OK_NS] + t->kst.v[HV_KSTAT_POLL_FAIL_NS];
	ppoll = p->kst.v[HV_KSTAT_POLL_OK_NS] + p->kst.v[HV_KSTAT_POLL_FAIL_NS];
	cpu_ns = (delta(t->utime, p->utime) + delta(t->stime, p->stime)) / hz * 1e9;
	if (t->vcpu >= 0 && p->valid && t->valid && (t->kst.have & (1u << HV_KSTAT_POLL_OK_NS))) {
		t->have_poll_cpu = true;
		/* CPU time is counted in ticks, polling in ns: bounded by the whole */
		t->poll_cpu = cpu_ns > 0 ? fmin(delta(poll, ppoll) / cpu_ns * 100.0, 100.0) : 0.0;
	}
}

/* The VM row's statistics: the sum of its vCPUs' when each has them. */
static bool sum_kst(struct top_vm *vm)
{
	struct hv_kstats *k = &vm->proc.kst;
	size_t n = 0;

	memset(k, 0, sizeof(*k));
	k->have = ~0u;
	for (size_t i = 0; i < vm->nvcpus; i++) {
		const struct top_task *t = &vm->vcpus[i];

		if (!t->have_kst)
			return false;
		k->have &= t->kst.have;
		for (int j = 0; j < HV_KSTAT_COUNT; j++)
			k->v[j] += t->kst.v[j];
		n++;
	}
	return n > 0;
}

/* KVM's statistics of VM @h's vCPUs (stats fds), else the VM's in debugfs. */
static void read_kst(struct top_sampler *s, const struct hv_root *root, const struct hv_vm *h,
		     struct top_vm *vm)
{
	struct kst_ent *e;
	const char *why = NULL;

	if (!want_kstat(s) || vm->accel != HV_ACCEL_KVM)
		return;
	s->kst_vms++;
	e = kst_vm(s, root, h);
	if (e && e->kv) {
		for (size_t i = 0; i < vm->nvcpus; i++) {
			struct top_task *t = &vm->vcpus[i];

			t->have_kst = hv_kstats_vm_read(root, e->kv, t->vcpu, &t->kst) == 0 &&
				      t->kst.have;
		}
		if (sum_kst(vm)) {
			vm->proc.have_kst = true;
			vm->kst_src = "stats-fd";
			s->kst_got++;
			return;
		}
	}
	why = e ? e->why : "out of memory";
	if (kstat_debugfs(root, h, &vm->proc.kst) == 0) {
		vm->proc.have_kst = true;
		vm->kst_src = "debugfs";
		s->kst_got++;
		for (size_t i = 0; i < vm->nvcpus; i++)
			vm->vcpus[i].have_kst = false;
		kst_note(s, true, why);
		return;
	}
	kst_note(s, false, why);
}

/* EXITS/s without BPF: each vCPU's "exits" from KVM's statistics. */
static void exits_from_kst(struct top_vm *vm)
{
	const unsigned bit = 1u << HV_KSTAT_EXITS;

	for (size_t i = 0; i < vm->nvcpus; i++) {
		struct top_task *t = &vm->vcpus[i];

		t->have_exits = t->have_kst && (t->kst.have & bit);
		t->exits = t->kst.v[HV_KSTAT_EXITS];
	}
}

/*
 * NUMA mismatch: the node most of the VM's vCPUs last ran on is not the node
 * holding most of its memory. One node: never. Unknown without both.
 */
static void numa_mismatch(const struct top_sampler *s, struct top_vm *vm)
{
	int votes[HV_NUMA_MAX_NODES] = { 0 }, best = -1;

	if (!vm->have_numa || vm->mem_node < 0 || !s->nnodes)
		return;
	if (s->nnodes == 1) {
		vm->numa_miss = 0;
		return;
	}
	for (size_t i = 0; i < vm->nvcpus; i++) {
		int n = vm->vcpus[i].node;

		if (n >= 0 && n < HV_NUMA_MAX_NODES && ++votes[n] > (best < 0 ? 0 : votes[best]))
			best = n;
	}
	if (best >= 0)
		vm->numa_miss = best != vm->mem_node;
}

/*
 * A vCPU thread in a cgroup of its own (libvirt's vcpuN, a threaded v2
 * cgroup): its CPU limit and throttling. Threads in the process's cgroup
 * are left to the VM row.
 */
static void read_vcpu_cg(struct top_sampler *s, const struct hv_root *root, int pid,
			 struct top_task *t)
{
	struct hv_cgroup_where w;
	struct hv_cgroup cg;
	const char *p;
	size_t n;

	if (!(s->needs & TOP_NEED_CGROUP) || t->tid <= 0 || !s->vm_cg[0] ||
	    hv_cgroup_where_read(root, pid, t->tid, &w) < 0)
		return;
	p = hv_cgroup_where_path(&w);
	if (!strcmp(p, s->vm_cg) || hv_cgroup_read_where(root, &w, false, &cg) < 0)
		return;
	t->have_cg = true;
	n = strlen(cg.path);
	if (n < sizeof(t->cg_path))
		memcpy(t->cg_path, cg.path, n + 1);
	else
		snprintf(t->cg_path, sizeof(t->cg_path), "...%s", cg.path + n - (sizeof(t->cg_path) - 4));
	t->cg_have_max = cg.have_cpu_max;
	t->cg_quota_us = cg.quota_us;
	t->cg_period_us = cg.period_us;
	t->cg_have_stat = cg.have_cpu_stat;
	t->cg_nr_periods = cg.nr_periods;
	t->cg_nr_throttled = cg.nr_throttled;
	t->cg_throttled_us = cg.throttled_us;
}

static void rate_vcpu_cg(struct top_task *t, const struct top_task *p, double dt)
{
	double periods;

	if (!p || dt <= 0 || !t->have_cg || !p->have_cg || !t->cg_have_stat || !p->cg_have_stat ||
	    strcmp(t->cg_path, p->cg_path) != 0)
		return;
	t->cg_rated = true;
	periods = delta(t->cg_nr_periods, p->cg_nr_periods);
	t->thr_pct = delta(t->cg_throttled_us, p->cg_throttled_us) / (dt * 1e6) * 100.0;
	t->thr_periods_pct = periods > 0 ?
		delta(t->cg_nr_throttled, p->cg_nr_throttled) / periods * 100.0 : 0.0;
	t->cg_limited = t->cg_nr_throttled > p->cg_nr_throttled;
}

int top_sampler_tick(struct top_sampler *s, const struct hv_root *root)
{
	const struct hv_vm *vms;
	struct top_snap ns = { 0 };
	double dt;
	int n, rc;

	rc = hv_root_clock(root, CLOCK_MONOTONIC, &ns.mono_ns);
	if (rc < 0)
		return rc;
	if (hv_root_clock(root, CLOCK_REALTIME, &ns.real_ns) < 0)
		ns.real_ns = 0;
	ns.hv = s->hv;
	if (s->hv == TOP_HV_XEN) {
		dt = s->have_snap ? delta(ns.mono_ns, s->snap.mono_ns) / 1e9 : 0.0;
		ns.interval = dt;
		rc = tick_xen(s, root, &ns, dt);
		if (rc < 0) {
			snap_clear(&ns);
			return rc;
		}
		goto done;
	}
	if (root != s->fds_root) {
		/* another tree (--sysroot t0,t1): the kept files are the old tree's */
		for (size_t i = 0; i < s->nfds; i++)
			hv_task_fds_close(&s->fds[i].f);
		s->nfds = 0;
		kst_sweep(s, true);
		s->fds_root = root;
	}
	n = hv_vm_scan_run(s->scan, root, (double)ns.mono_ns / 1e9, &vms);
	if (n < 0)
		return n;
	memset(s->notes, 0, sizeof(s->notes));
	s->nnodes = 0;
	s->kst_vms = s->kst_got = 0;
	if (s->needs & (TOP_NEED_NODES | TOP_NEED_NUMA)) {
		if (!s->node_of)
			s->node_of = malloc(HV_NUMA_MAX_CPUS * sizeof(*s->node_of));
		if (s->node_of)
			s->nnodes = hv_read_cpu_nodes(root, s->node_of, HV_NUMA_MAX_CPUS);
		if (s->nnodes < 0)
			s->nnodes = 0;
	}
	read_exits(s);
	ns.vms = n ? calloc((size_t)n, sizeof(*ns.vms)) : NULL;
	if (n && !ns.vms)
		return -ENOMEM;
	dt = s->have_snap ? delta(ns.mono_ns, s->snap.mono_ns) / 1e9 : 0.0;
	ns.interval = dt;
	for (int i = 0; i < n; i++) {
		const struct hv_vm *h = &vms[i];
		struct top_vm *vm = &ns.vms[ns.nvms];
		const struct top_vm *pv;

		memset(vm, 0, sizeof(*vm));
		vm->proc.vcpu = -1;
		vm->proc.tid = h->pid;
		vm->huge = h->hugetlb ? 2 : -1;
		/* A VM that exits during the refresh is simply not shown. */
		if (!read_task(s, root, h->pid, 0, &vm->proc, vm) || vm->proc.state == 'Z' ||
		    vm->proc.state == 'X')
			continue;
		vm->pid = h->pid;
		vm->starttime = h->starttime;
		vm->name = strdup(h->name);
		if (!vm->name) {
			snap_clear(&ns);
			return -ENOMEM;
		}
		vm->name_src = h->name_src;
		vm->accel = h->accel;
		vm->debug_threads = h->debug_threads;
		vm->nvcpu_fds = h->nvcpu_fds;
		vm->ram_mb = h->ram_mb;
		vm->mem = h->mem;
		read_vm_extra(s, root, h, vm);
		vm->vcpus = h->nvcpus ? calloc(h->nvcpus, sizeof(*vm->vcpus)) : NULL;
		if (h->nvcpus && !vm->vcpus) {
			free(vm->name);
			snap_clear(&ns);
			return -ENOMEM;
		}
		ns.nvms++;
		pv = s->have_snap ? prev_vm(&s->snap, vm) : NULL;
		rate_task(&vm->proc, pv ? &pv->proc : NULL, dt, s->hz);
		rate_vm_extra(vm, pv, dt);
		for (size_t j = 0; j < h->nvcpus; j++) {
			struct top_task *t = &vm->vcpus[vm->nvcpus];

			t->tid = h->vcpus[j].tid;
			t->vcpu = h->vcpus[j].index;
			t->src = h->vcpus[j].src;
			t->lcpu = -1;
			t->node = -1;
			if (t->tid > 0 && read_task(s, root, h->pid, t->tid, t, NULL))
				read_vcpu_cg(s, root, h->pid, t);
			if (t->valid && t->lcpu >= 0 && t->lcpu < HV_NUMA_MAX_CPUS && s->nnodes)
				t->node = s->node_of[t->lcpu];
			vm->nvcpus++;
		}
		read_kst(s, root, h, vm);
		if (s->exits_kst && !s->exits)
			exits_from_kst(vm);
		rate_kst(&vm->proc, pv ? &pv->proc : NULL, dt, s->hz,
			 vm->nvcpu_fds > 0 ? vm->nvcpu_fds : (int)vm->nvcpus);
		for (size_t j = 0; j < vm->nvcpus; j++) {
			struct top_task *t = &vm->vcpus[j];

			rate_task(t, prev_task(pv, t), dt, s->hz);
			rate_vcpu_cg(t, prev_task(pv, t), dt);
			rate_kst(t, prev_task(pv, t), dt, s->hz, 1);
		}
		sum_vcpus(vm);
		if (s->exits_kst && !s->exits && !vm->proc.have_exits && vm->proc.kst_rated &&
		    (vm->proc.kst.have & (1u << HV_KSTAT_EXITS))) {
			/* debugfs: the VM's total only */
			vm->proc.have_exits = true;
			vm->proc.exits_s = vm->proc.kst_rate[HV_KSTAT_EXITS];
		}
		numa_mismatch(s, vm);
		/* a vCPU throttled by its own cgroup (libvirt's vcpuN) throttles the VM */
		for (size_t j = 0; vm->cg_rated && j < vm->nvcpus; j++)
			if (vm->vcpus[j].cg_limited)
				vm->limited |= TOP_LIM_CPU;
	}
	fds_sweep(s);
	kst_sweep(s, false);
	s->kst_missing = s->kst_vms && !s->kst_got && s->kst_note[0] ? s->kst_note : NULL;
done:
	snap_clear(&s->prev);
	s->prev = s->snap;
	s->snap = ns;
	s->have_snap = true;
	return 0;
}
