/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-trace: vhv-trace's BPF side. Loads trace.bpf.c, which aggregates VM
 * exits in the kernel by (pid, vCPU, kind, reason) with log2 latency
 * histograms, and reads the cumulative aggregates back.
 *
 * Lifecycle (libbpf-tools): vbpf_trace_open() = open, set the rodata filters,
 * turn off programs whose tracepoint is missing, load, attach. Then call
 * vbpf_trace_snapshot() at each interval; vbpf_trace_close() detaches.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvcore/hv-root.h"

#include "bpf/vbpf-hist.h"
#include "bpf/vbpf-reasons.h"
#include "bpf/vbpf-stats.h"

/* Event sources (tracepoints). */
enum vbpf_src {
	VBPF_SRC_KVM_EXIT,        /* kvm:kvm_exit: hardware exits (VMX/SVM) */
	VBPF_SRC_KVM_ENTRY,       /* kvm:kvm_entry: back to the guest (hardware-exit latency) */
	VBPF_SRC_USERSPACE_EXIT,  /* kvm:kvm_userspace_exit: exits to the VMM */
	VBPF_SRC_KVM_RUN,         /* kvm:kvm_fpu load: KVM_RUN entered (VMM latency, vCPU id) */
	VBPF_SRC_PIO,             /* kvm:kvm_pio: port numbers (--ports) */
	VBPF_SRC_MMIO,            /* kvm:kvm_mmio: guest addresses (--ports) */
	VBPF_SRC_COUNT,
};
/* "kvm:kvm_exit", ... (static). */
const char *vbpf_src_name(unsigned int src);

struct vbpf_trace_opts {
	uint32_t pid;    /* trace only this process; 0: all */
	int32_t vcpu;    /* trace only this vCPU id; -1: all */
	bool ports;      /* also count ports and MMIO addresses (kvm_pio, kvm_mmio) */
	bool no_latency; /* counts only: leave out kvm_fpu and kvm_entry (cheaper) */
};

/* struct vbpf_exit_stat (one aggregate, cumulative since open) is in vbpf-stats.h. */

/* One (pid, vCPU, port or address) counter. */
struct vbpf_port_stat {
	uint32_t pid;
	int32_t vcpu;
	uint32_t kind;    /* 0 pio, 1 mmio */
	uint32_t rw;      /* pio: 0 in, 1 out; mmio: 0 unsatisfied read, 1 read, 2 write */
	uint64_t addr;
	uint64_t count;
};

struct vbpf_trace_snapshot {
	struct vbpf_exit_stat *exits;   /* sorted by pid, vcpu, kind, reason */
	size_t nexits;
	struct vbpf_port_stat *ports;   /* sorted by pid, vcpu, kind, addr, rw */
	size_t nports;
	uint64_t events[VBPF_SRC_COUNT]; /* events seen per source */
	uint64_t drops;                  /* events lost because a map was full */
};

struct vbpf_trace;

/*
 * Load and attach. @root must be the live host. Returns 0 and *out (free with
 * vbpf_trace_close), or -errno with a malloc'd sentence in *reason (caller
 * frees): -EOPNOTSUPP (BPF=0 build, no kvm tracepoints, Xen dom0, no BTF),
 * -EPERM (not root, lockdown), others (load or attach failed).
 */
int vbpf_trace_open(const struct hv_root *root, const struct vbpf_trace_opts *opts,
		    struct vbpf_trace **out, char **reason);
void vbpf_trace_close(struct vbpf_trace *t);

/* Bit (1 << VBPF_SRC_*) set for every source attached. */
unsigned int vbpf_trace_sources(const struct vbpf_trace *t);
/* Why a source is not attached (static string), or NULL when it is. */
const char *vbpf_trace_source_note(const struct vbpf_trace *t, unsigned int src);

/*
 * Read every aggregate (CPU slots summed). Fills *snap (free its arrays with
 * vbpf_trace_snapshot_free). 0 or -errno.
 */
int vbpf_trace_snapshot(struct vbpf_trace *t, struct vbpf_trace_snapshot *snap);
void vbpf_trace_snapshot_free(struct vbpf_trace_snapshot *snap);

/*
 * The name (comm of the main thread) of process @pid as seen at its first
 * traced event, into @buf (NUL-terminated). 0, or -ENOENT when unknown.
 */
int vbpf_trace_comm(struct vbpf_trace *t, uint32_t pid, char *buf, size_t len);
