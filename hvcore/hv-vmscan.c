// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-vmscan: VM discovery (see hv-proc.h: hv_vm_scan): processes holding an
 * "anon_inode:kvm-vm" fd, their names (QEMU command line, libvirt status
 * XML) and vCPU threads, cached between scans. Used by vhv-top; built on
 * hv-proc.c's parsers and per-task reads, through struct hv_root.
 */
#include "hvcore/hv-proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvcore/hv-libvirt.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-util.h"

#define PROC_CMDLINE_MAX (256u << 10)

/* x86-64: ioctl is syscall 16; KVM_RUN is _IO(KVMIO=0xAE, 0x80) (linux/kvm.h). */
#define NR_IOCTL_X86_64 16
#define KVM_RUN_IOCTL 0xae80u

static int cmp_int(const void *a, const void *b)
{
	return HV_CMP(*(const int *)a, *(const int *)b);
}

const char *hv_vcpu_src_name(enum hv_vcpu_src s)
{
	switch (s) {
	case HV_VCPU_SRC_LIBVIRT:
		return "libvirt";
	case HV_VCPU_SRC_COMM:
		return "thread-name";
	case HV_VCPU_SRC_DEBUGFS:
		return "debugfs";
	case HV_VCPU_SRC_SYSCALL:
		return "syscall";
	default:
		return "none";
	}
}

void hv_vm_clear(struct hv_vm *vm)
{
	if (!vm)
		return;
	free(vm->name);
	free(vm->uuid);
	free(vm->vcpus);
	memset(vm, 0, sizeof(*vm));
}

/* A process we looked at: a VM, or not (cached, re-checked later). */
struct proc_ent {
	int pid;
	bool is_vm;
	double checked;    /* caller's clock when last examined */
	double first;      /* when first seen */
	int *tids;         /* VMs: the thread list the vCPU map was made from */
	size_t ntids;
	bool incomplete;   /* VMs: some vCPU fds have no thread yet: retry */
	bool seen;         /* in this scan's /proc listing */
	struct hv_vm vm;
};

struct hv_vm_scan {
	struct proc_ent *ents;   /* sorted by pid */
	size_t n, cap;
	struct hv_vm *out;       /* the result of the last scan (shallow copies) */
	size_t nout;
};

/* Re-check a non-VM process this often (s): a VMM creates its VM right after it starts. */
#define RECHECK_YOUNG_S 1.0
#define RECHECK_OLD_S 30.0
#define YOUNG_S 10.0

int hv_vm_scan_new(struct hv_vm_scan **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void ent_clear(struct proc_ent *e)
{
	free(e->tids);
	hv_vm_clear(&e->vm);
}

void hv_vm_scan_free(struct hv_vm_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		ent_clear(&s->ents[i]);
	free(s->ents);
	free(s->out);
	free(s);
}

static struct proc_ent *ent_find(struct hv_vm_scan *s, int pid)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->ents[mid].pid == pid)
			return &s->ents[mid];
		if (s->ents[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* /proc lists pids ascending, so appends keep the array sorted; sort once otherwise. */
static struct proc_ent *ent_add(struct hv_vm_scan *s, int pid, bool *unsorted)
{
	struct proc_ent *e;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct proc_ent *n = realloc(s->ents, cap * sizeof(*n));

		if (!n)
			return NULL;
		s->ents = n;
		s->cap = cap;
	}
	if (s->n && s->ents[s->n - 1].pid > pid)
		*unsorted = true;
	e = &s->ents[s->n++];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	return e;
}

static int cmp_ent(const void *a, const void *b)
{
	return cmp_int(&((const struct proc_ent *)a)->pid, &((const struct proc_ent *)b)->pid);
}

/* Bit set of vCPU fd indexes: which anon_inode:kvm-vcpu:N a process holds. */
struct fdinfo {
	bool kvm_vm;
	int nvcpu;
	int max_index;
	int vm_fd;  /* the kvm-vm fd number (for debugfs kvm/<pid>-<fd>) */
	int *fd_of;  /* when set: fd_of[N] = the fd number of kvm-vcpu:N, N < nfd_of */
	int *stats_of;  /* when set: the same for the VMM's own kvm-vcpu-stats:N fds */
	int nfd_of;
};

static int scan_fds(const struct hv_root *r, int pid, struct fdinfo *fi)
{
	int *fd_of = fi->fd_of, *stats_of = fi->stats_of, nfd_of = fi->nfd_of;

	DIR *d = hv_root_opendirf(r, "/proc/%d/fd", pid);
	struct dirent *de;

	memset(fi, 0, sizeof(*fi));
	fi->max_index = -1;
	fi->vm_fd = -1;
	fi->fd_of = fd_of;
	fi->stats_of = stats_of;
	fi->nfd_of = nfd_of;
	for (int i = 0; i < nfd_of; i++) {
		fd_of[i] = -1;
		if (stats_of)
			stats_of[i] = -1;
	}
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		_cleanup_free_ char *link = NULL;
		int fd = hv_parse_pid(de->d_name), idx;
		const char *p;
		uint64_t sidx;

		if (fd < 0 && strcmp(de->d_name, "0") != 0)
			continue;
		if (fd < 0)
			fd = 0;
		if (hv_root_readlinkf(r, &link, "/proc/%d/fd/%s", pid, de->d_name) < 0)
			continue;
		if (!hv_startswith(link, "anon_inode:kvm-"))
			continue;
		if (strcmp(link, "anon_inode:kvm-vm") == 0) {
			fi->kvm_vm = true;
			fi->vm_fd = fd;
		} else if ((idx = hv_parse_vcpu_fd_link(link)) >= 0) {
			fi->nvcpu++;
			fi->max_index = HV_MAX(fi->max_index, idx);
			if (idx < nfd_of)
				fd_of[idx] = fd;
		} else if (stats_of && (p = hv_startswith(link, "anon_inode:kvm-vcpu-stats:")) &&
			   hv_parse_u64(p, 10, &sidx) == 0 && sidx < (uint64_t)nfd_of) {
			stats_of[sidx] = fd;
		}
	}
	closedir(d);
	return 0;
}

int hv_proc_vcpu_fds(const struct hv_root *r, int pid, int *fd_of, int *stats_of, int n)
{
	struct fdinfo fi = { .fd_of = fd_of, .stats_of = stats_of, .nfd_of = n };
	int rc = scan_fds(r, pid, &fi);

	if (rc < 0)
		return rc;
	return fi.kvm_vm ? fi.nvcpu : -ENOENT;
}

int hv_proc_kvm_vm(const struct hv_root *r, int pid)
{
	struct fdinfo fi = { 0 };
	int rc = scan_fds(r, pid, &fi);

	if (rc < 0)
		return rc;
	return fi.kvm_vm;
}

static int vm_add_vcpu(struct hv_vm *vm, int index, int tid, enum hv_vcpu_src src)
{
	struct hv_vcpu *n;

	for (size_t i = 0; i < vm->nvcpus; i++) {
		if (vm->vcpus[i].index != index)
			continue;
		if (vm->vcpus[i].tid == 0) {
			vm->vcpus[i].tid = tid;
			vm->vcpus[i].src = src;
		}
		return 0;  /* first source wins */
	}
	if (vm->nvcpus >= HV_MAX_VCPUS)
		return -EFBIG;
	n = realloc(vm->vcpus, (vm->nvcpus + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	vm->vcpus = n;
	vm->vcpus[vm->nvcpus++] = (struct hv_vcpu){ .index = index, .tid = tid, .src = src };
	return 0;
}

static bool tid_mapped(const struct hv_vm *vm, int tid)
{
	for (size_t i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].tid == tid)
			return true;
	return false;
}

static bool tid_in(const int *tids, size_t n, int tid)
{
	return bsearch(&tid, tids, n, sizeof(*tids), cmp_int) != NULL;
}

static int cmp_vcpu(const void *a, const void *b)
{
	return cmp_int(&((const struct hv_vcpu *)a)->index, &((const struct hv_vcpu *)b)->index);
}

/* debugfs kvm/<pid>-<vmfd>/vcpuN/pid: mode 0444, so readable under lockdown. */
static void map_debugfs(const struct hv_root *r, struct hv_vm *vm, int vm_fd, const int *tids,
			size_t ntids)
{
	DIR *d;
	struct dirent *de;

	if (vm_fd < 0)
		return;
	d = hv_root_opendirf(r, "/sys/kernel/debug/kvm/%d-%d", vm->pid, vm_fd);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *p = hv_startswith(de->d_name, "vcpu");
		uint64_t idx, tid;

		if (!p || hv_parse_u64(p, 10, &idx) < 0 || idx >= HV_MAX_VCPUS)
			continue;
		if (hv_root_read_u64f(r, &tid, "/sys/kernel/debug/kvm/%d-%d/%s/pid", vm->pid, vm_fd,
				      de->d_name) < 0 || tid == 0 || tid > INT_MAX)
			continue;
		if (tid_in(tids, ntids, (int)tid) && !tid_mapped(vm, (int)tid))
			vm_add_vcpu(vm, (int)idx, (int)tid, HV_VCPU_SRC_DEBUGFS);
	}
	closedir(d);
}

/* A thread blocked in ioctl(fd, KVM_RUN) on a kvm-vcpu:N fd runs vCPU N. */
static int vcpu_from_syscall(const struct hv_root *r, int pid, int tid)
{
	_cleanup_free_ char *buf = NULL, *link = NULL;
	struct hv_stat st;
	uint64_t args[6];
	long nr;
	int rc;

	/* PF_USER_WORKER threads (kvm-nx-lpage-recovery) inherit the registers of
	 * the vCPU thread that created them, and so look blocked in KVM_RUN too. */
	if (hv_read_stat(r, pid, tid, &st) < 0 || (st.flags & (HV_PF_USER_WORKER | HV_PF_KTHREAD)))
		return -ENOENT;
	if (strcmp(st.comm, "kvm-nx-lpage-re") == 0)
		return -ENOENT;  /* the worker's name, for kernels without PF_USER_WORKER */
	rc = hv_read_syscall(r, pid, tid, &nr, args);
	if (rc < 0)
		return rc;
	if (nr != NR_IOCTL_X86_64 || args[1] != KVM_RUN_IOCTL || args[0] > INT_MAX)
		return -ENOENT;
	if (hv_root_readlinkf(r, &link, "/proc/%d/fd/%d", pid, (int)args[0]) < 0)
		return -ENOENT;
	return hv_parse_vcpu_fd_link(link);
}

/* Build @e->vm's vCPU map from its threads; sets e->incomplete when a vCPU has no thread yet. */
static void map_vcpus(const struct hv_root *r, struct proc_ent *e, const struct fdinfo *fi,
		      const struct hv_libvirt_dom *lv)
{
	struct hv_vm *vm = &e->vm;
	size_t i;
	int unmapped = 0;

	free(vm->vcpus);
	vm->vcpus = NULL;
	vm->nvcpus = 0;
	if (lv) {
		for (i = 0; i < lv->nvcpus; i++)
			if (tid_in(e->tids, e->ntids, lv->vcpus[i].tid))
				vm_add_vcpu(vm, lv->vcpus[i].id, lv->vcpus[i].tid, HV_VCPU_SRC_LIBVIRT);
	}
	for (i = 0; i < e->ntids; i++) {
		_cleanup_free_ char *comm = NULL;
		char accel[16];
		int idx;

		if (tid_mapped(vm, e->tids[i]))
			continue;
		if (hv_root_read_linef(r, &comm, "/proc/%d/task/%d/comm", e->pid, e->tids[i]) < 0)
			continue;
		idx = hv_parse_vcpu_comm(comm, accel, sizeof(accel));
		if (idx < 0)
			continue;
		vm_add_vcpu(vm, idx, e->tids[i], HV_VCPU_SRC_COMM);
		if (strcmp(accel, "TCG") == 0)
			vm->accel = HV_ACCEL_TCG;
		else if (strcmp(accel, "KVM") == 0)
			vm->accel = HV_ACCEL_KVM;
		vm->debug_threads = true;
	}
	if (fi && fi->nvcpu > (int)vm->nvcpus) {
		int running_tid = 0;

		map_debugfs(r, vm, fi->vm_fd, e->tids, e->ntids);
		for (i = 0; i < e->ntids && fi->nvcpu > (int)vm->nvcpus; i++) {
			int idx, tries = 0;

			if (tid_mapped(vm, e->tids[i]))
				continue;
			/* "running": on a CPU right now (maybe in guest mode); look again briefly */
			do
				idx = vcpu_from_syscall(r, e->pid, e->tids[i]);
			while (idx == -EAGAIN && ++tries < 3 && hv_root_is_live(r) && sched_yield() == 0);
			if (idx == -EAGAIN) {
				unmapped++;
				running_tid = e->tids[i];
			}
			if (idx >= 0)
				vm_add_vcpu(vm, idx, e->tids[i], HV_VCPU_SRC_SYSCALL);
		}
		/* By elimination: one vCPU fd left and one thread that never left the CPU
		 * (a busy vCPU stays in guest mode, so its syscall file says "running"). */
		if (unmapped == 1 && fi->nvcpu == (int)vm->nvcpus + 1) {
			for (int idx = 0; idx <= fi->max_index; idx++) {
				bool used = false;

				for (size_t k = 0; k < vm->nvcpus; k++)
					used |= vm->vcpus[k].index == idx;
				if (!used) {
					vm_add_vcpu(vm, idx, running_tid, HV_VCPU_SRC_SYSCALL);
					break;
				}
			}
		}
	}
	/* vCPUs KVM knows (fds) whose thread is still unknown are shown without one. */
	if (fi) {
		for (int idx = 0; idx <= fi->max_index && vm->nvcpus < (size_t)fi->nvcpu; idx++)
			vm_add_vcpu(vm, idx, 0, HV_VCPU_SRC_NONE);
	}
	e->incomplete = false;
	for (i = 0; i < vm->nvcpus; i++)
		if (!vm->vcpus[i].tid)
			e->incomplete = true;
	if (vm->nvcpus)
		qsort(vm->vcpus, vm->nvcpus, sizeof(*vm->vcpus), cmp_vcpu);
}

/* Is @e's process a VM? Fills e->vm when it is. 1 yes, 0 no, -errno. */
static int examine(const struct hv_root *r, struct proc_ent *e)
{
	_cleanup_free_ char *cmdline = NULL;
	struct hv_libvirt_dom lv = { 0 };
	struct hv_qemu_cmdline qc;
	struct hv_stat st;
	struct fdinfo fi = { 0 };
	bool fds_hidden;
	ssize_t clen;
	int rc;

	rc = hv_read_stat(r, e->pid, 0, &st);
	if (rc < 0)
		return rc;
	if (st.flags & HV_PF_KTHREAD)
		return 0;
	rc = scan_fds(r, e->pid, &fi);
	/* Another user's process (not root): its fds are hidden, its command line is not. */
	fds_hidden = rc == -EACCES || rc == -EPERM;
	if (rc < 0)
		memset(&fi, 0, sizeof(fi));
	/* Without a kvm-vm fd, only a QEMU process can be a (TCG) guest: check its comm first. */
	if (!fi.kvm_vm && !hv_startswith(st.comm, "qemu"))
		return 0;
	clen = hv_root_read_maxf(r, PROC_CMDLINE_MAX, &cmdline, "/proc/%d/cmdline", e->pid);
	hv_parse_qemu_cmdline(clen > 0 ? cmdline : "", clen > 0 ? (size_t)clen : 0, &qc);
	if (!fi.kvm_vm && !qc.is_qemu)
		return 0;
	if (!fi.kvm_vm && qc.accel_kvm && !fds_hidden)
		return 0;  /* a KVM qemu before KVM_CREATE_VM (or after failing): not a guest yet */

	hv_vm_clear(&e->vm);
	e->vm.pid = e->pid;
	e->vm.starttime = st.starttime;
	/* QEMU's default accelerator is TCG; thread names ("CPU N/KVM") correct it below. */
	e->vm.accel = fi.kvm_vm || (fds_hidden && qc.accel_kvm) ? HV_ACCEL_KVM : HV_ACCEL_TCG;
	e->vm.nvcpu_fds = fi.kvm_vm ? fi.nvcpu : -1;
	e->vm.debug_threads = qc.debug_threads;
	e->vm.mem = qc.mem;
	e->vm.vm_fd = fi.kvm_vm ? fi.vm_fd : -1;
	e->vm.ram_mb = qc.ram_mb ? qc.ram_mb : (qc.is_qemu ? 128 : 0);
	if (hv_libvirt_find_pid(r, e->pid, &lv) == 0) {
		if (lv.name) {
			e->vm.name = strdup(lv.name);
			e->vm.name_src = "libvirt";
		}
		e->vm.uuid = lv.uuid ? strdup(lv.uuid) : NULL;
		if (lv.mem_kib)
			e->vm.ram_mb = lv.mem_kib / 1024;
		/* libvirt's <memoryBacking> is the configuration; the command line fills the rest */
		hv_mem_backing_merge(&lv.mem, &e->vm.mem);
		e->vm.mem = lv.mem;
	}
	hv_mem_backing_resolve(r, &e->vm.mem);
	e->vm.hugetlb = e->vm.mem.kind == HV_MEM_HUGETLBFS || e->vm.mem.kind == HV_MEM_MEMFD_HUGE;
	if (!e->vm.name && qc.name[0]) {
		e->vm.name = strdup(qc.name);
		e->vm.name_src = "cmdline";
	}
	if (!e->vm.name) {
		e->vm.name = strdup(st.comm);
		e->vm.name_src = "comm";
	}
	if (!e->vm.name) {
		hv_libvirt_dom_clear(&lv);
		return -ENOMEM;
	}
	free(e->tids);
	e->tids = NULL;
	e->ntids = 0;
	if (hv_list_tasks(r, e->pid, &e->tids, &e->ntids) == 0)
		map_vcpus(r, e, fi.kvm_vm ? &fi : NULL, lv.pid ? &lv : NULL);
	hv_libvirt_dom_clear(&lv);
	e->is_vm = true;
	return 1;
}

static bool same_tids(const int *a, size_t na, const int *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

/* A known VM: re-map its vCPUs when its threads changed or a vCPU is still unmapped. */
static void refresh_vm(const struct hv_root *r, struct proc_ent *e)
{
	int *tids = NULL;
	size_t n = 0;
	struct fdinfo fi = { 0 };
	struct hv_libvirt_dom lv = { 0 };
	bool have_lv;

	if (hv_list_tasks(r, e->pid, &tids, &n) < 0)
		return;
	if (same_tids(tids, n, e->tids, e->ntids) && !e->incomplete) {
		free(tids);
		return;
	}
	free(e->tids);
	e->tids = tids;
	e->ntids = n;
	if (e->vm.nvcpu_fds >= 0) {  /* its fds were readable */
		if (scan_fds(r, e->pid, &fi) < 0 || !fi.kvm_vm) {
			/* exiting (a zombie has no fds left): no longer a VM */
			e->is_vm = false;
			e->checked = -1e9;
			return;
		}
		e->vm.nvcpu_fds = fi.nvcpu;
	}
	have_lv = hv_libvirt_find_pid(r, e->pid, &lv) == 0;
	map_vcpus(r, e, e->vm.nvcpu_fds >= 0 ? &fi : NULL, have_lv ? &lv : NULL);
	hv_libvirt_dom_clear(&lv);
}

int hv_vm_scan_run(struct hv_vm_scan *s, const struct hv_root *r, double now_s,
		   const struct hv_vm **vms)
{
	DIR *d = hv_root_opendirf(r, "/proc");
	struct dirent *de;
	bool unsorted = false;
	size_t i, j, nvm = 0;

	if (!d)
		return -errno;
	for (i = 0; i < s->n; i++)
		s->ents[i].seen = false;
	while ((de = readdir(d))) {
		int pid = hv_parse_pid(de->d_name);
		struct proc_ent *e;

		if (pid < 0)
			continue;
		e = unsorted ? NULL : ent_find(s, pid);
		if (unsorted)
			for (i = 0; i < s->n && !e; i++)
				if (s->ents[i].pid == pid)
					e = &s->ents[i];
		if (!e) {
			e = ent_add(s, pid, &unsorted);
			if (!e) {
				closedir(d);
				return -ENOMEM;
			}
			e->first = now_s;
			e->checked = -1e9;
		}
		e->seen = true;
	}
	closedir(d);
	if (unsorted)
		qsort(s->ents, s->n, sizeof(*s->ents), cmp_ent);
	/* Drop processes that are gone; examine the new and the due. */
	for (i = j = 0; i < s->n; i++) {
		struct proc_ent *e = &s->ents[i];

		if (!e->seen) {
			ent_clear(e);
			continue;
		}
		if (e->is_vm) {
			refresh_vm(r, e);
		} else {
			double every = now_s - e->first < YOUNG_S ? RECHECK_YOUNG_S : RECHECK_OLD_S;

			if (now_s - e->checked >= every) {
				e->checked = now_s;
				if (examine(r, e) < 0)
					e->is_vm = false;
			}
		}
		if (j != i)
			s->ents[j] = *e;
		j++;
	}
	s->n = j;
	for (i = 0; i < s->n; i++)
		nvm += s->ents[i].is_vm;
	free(s->out);
	s->out = nvm ? calloc(nvm, sizeof(*s->out)) : NULL;
	if (nvm && !s->out)
		return -ENOMEM;
	for (i = j = 0; i < s->n; i++)
		if (s->ents[i].is_vm)
			s->out[j++] = s->ents[i].vm;
	s->nout = nvm;
	*vms = s->out;
	return (int)nvm;
}
