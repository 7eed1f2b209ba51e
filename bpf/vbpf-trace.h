/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-trace: vhv-trace's BPF side. Loads trace.bpf.c, which aggregates VM
 * exits in the kernel by (pid, vCPU, kind, reason) with log2 latency
 * histograms, and reads the cumulative aggregates back.
 *
 * Lifecycle (libbpf-tools): vbpf_trace_open() = open, set the rodata filters,
 * turn off programs whose tracepoint is missing, load, attach. Then wait with
 * vbpf_trace_wait() (which runs the latency sampling) and call
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

/*
 * Latency timing. Every exit is counted; timing one takes two more program
 * runs (kvm_fpu twice per KVM_RUN, or kvm_entry), which cost more than the
 * count itself. Sampled: the closing programs are attached only in windows
 * sized so that about lat_rate exits per second are timed (all of them when
 * the exit rate is lower).
 */
enum vbpf_latency {
	VBPF_LAT_SAMPLED,  /* default */
	VBPF_LAT_ALL,      /* time every exit */
	VBPF_LAT_OFF,      /* counts only: kvm_fpu and kvm_entry not loaded */
};
#define VBPF_LAT_RATE_DEFAULT 2000  /* timed exits per second when sampled */

struct vbpf_trace_opts {
	uint32_t pid;    /* trace only this process; 0: all */
	int32_t vcpu;    /* trace only this vCPU id; -1: all */
	bool ports;      /* also count ports and MMIO addresses (kvm_pio, kvm_mmio) */
	enum vbpf_latency latency;
	uint32_t lat_rate;  /* VBPF_LAT_SAMPLED: timed exits per second (0: the default) */
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
 * Sleep @ns (a tick of the caller's loop), timing exits as the latency mode
 * says: in sampled mode a window at the start of the tick, sized from the
 * exit rate of the previous tick, with the closing programs attached and the
 * exits stamped, then a grace of up to 20 ms for pending stamps, then
 * detached. 0, or -EINTR when a signal cut the sleep short (the window is
 * closed first). A failure to re-attach is reported once (hv_warn) and ends
 * the timing; counting goes on.
 */
int vbpf_trace_wait(struct vbpf_trace *t, uint64_t ns);

/*
 * Pause (detach every raw tracepoint program: exits go uncounted and cost
 * nothing; a classic tracepoint's stays attached and ignores its events) or
 * resume (attach them again; sampling re-learns the exit rate). 0, or -errno
 * when a program cannot be attached again (those that could are).
 */
int vbpf_trace_pause(struct vbpf_trace *t, bool pause);

/* Timed exits per second the sampling aims at; 0 when not sampling. */
uint32_t vbpf_trace_lat_rate(const struct vbpf_trace *t);

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
