/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-exits: cumulative KVM exit counts per host thread, for vhv-top's
 * EXITS/S column (the only bpf/ API top uses; no libbpf type leaks out).
 *
 * What is counted, per host thread (tid) with its process (pid):
 *   user  kvm:kvm_userspace_exit: KVM_RUN returned to the VMM (IO, MMIO, HLT,
 *         ... exits the VMM handles). Fires on every KVM host, PVM included.
 *   hw    kvm:kvm_exit: every hardware VM exit (VMX/SVM), including those the
 *         kernel handles itself. Does NOT fire on PVM hosts (kvm_pvm).
 * For an "exits/s" column use hw when vbpf_exits_has_hw() says the source saw
 * events, else user (see vbpf_exit_count_total()).
 *
 * Typical use (one tick = one read; rates are the difference of two reads):
 *
 *	struct vbpf_exits *ex = NULL;
 *	char *why = NULL;
 *	int rc = vbpf_exits_open(root, &ex, &why);
 *	if (rc < 0) {            // -EOPNOTSUPP: hide the column, show why once
 *		hv_info("exits/s unavailable: %s", why);
 *		free(why);
 *	}
 *	...
 *	struct vbpf_exit_count *c; size_t n;
 *	if (vbpf_exits_read(ex, &c, &n) == 0) { ... free(c); }
 *	...
 *	vbpf_exits_close(ex);    // detaches; NULL is fine
 *
 * Cost: one raw-tracepoint program per exit doing one inlined array lookup
 * and an add. Threads live in 65536 slots indexed by tid and tagged with it;
 * user space reads them through mmap (no syscall per thread). A thread whose
 * slot is taken by another with the same tid modulo 65536 disappears from
 * the reads (as if it had exited); a dead thread stays until its slot is
 * reused. Counts are per thread, so tid reuse starts from zero.
 *
 * Built with BPF=0, every function returns -EOPNOTSUPP with a reason.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvcore/hv-root.h"

struct vbpf_exits;

/* One host thread. Counts are cumulative since vbpf_exits_open(). */
struct vbpf_exit_count {
	uint32_t pid;         /* process (tgid): the VMM, e.g. a qemu */
	uint32_t tid;         /* host thread id: the vCPU thread */
	uint64_t user_exits;  /* exits to user space (kvm_userspace_exit) */
	uint64_t hw_exits;    /* hardware exits (kvm_exit); 0 on PVM hosts */
};

/* The figure for an exits/s column: hardware exits when counted, else exits to user space. */
static inline uint64_t vbpf_exit_count_total(const struct vbpf_exit_count *c, bool has_hw)
{
	return has_hw ? c->hw_exits : c->user_exits;
}

/*
 * Load and attach the counters. @root must be the live host ("/"): a fixture
 * or offline root gets -EOPNOTSUPP. Returns 0 and *out (free with
 * vbpf_exits_close), or -errno and, when @reason is not NULL, a malloc'd
 * human-readable sentence in *reason (caller frees), e.g.
 *   -EOPNOTSUPP  "built without BPF support (BPF=0)", "needs the live host",
 *                "no kvm tracepoints in this kernel (is kvm loaded?)",
 *                "Xen host: VM exits happen in the hypervisor, invisible to dom0 eBPF; use xentrace"
 *   -EPERM       "needs root (CAP_BPF and CAP_PERFMON)", "kernel lockdown (confidentiality) forbids BPF"
 *   other        "loading BPF programs failed: <strerror>"
 * Nothing is printed (details at debug level through hv-log).
 */
int vbpf_exits_open(const struct hv_root *root, struct vbpf_exits **out, char **reason);

/* Detach and free. NULL is a no-op. */
void vbpf_exits_close(struct vbpf_exits *ex);

/*
 * Snapshot of every thread seen so far (CPU slots summed), in no particular
 * order. Returns 0 with *out (malloc'd array, caller frees; NULL when *n is 0)
 * and *n, or -errno (-ENOMEM, -EINVAL for a NULL @ex).
 */
int vbpf_exits_read(struct vbpf_exits *ex, struct vbpf_exit_count **out, size_t *n);

/*
 * Counts of one thread. Returns 0 and *out, -ENOENT when the thread has made
 * no exit (or aged out), or -errno.
 */
int vbpf_exits_lookup(struct vbpf_exits *ex, uint32_t tid, struct vbpf_exit_count *out);

/* Did any kvm_exit (hardware exit) event arrive yet? false on PVM hosts. */
bool vbpf_exits_has_hw(struct vbpf_exits *ex);
