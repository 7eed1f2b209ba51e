/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * trace.h: types shared by trace.bpf.c and its loader vbpf-trace.c
 * (vhv-trace). Plain __u* types: included on both sides.
 */
#include <linux/types.h>

#define TRACE_HIST_SLOTS 32      /* log2(ns) buckets: slot i holds [2^i, 2^(i+1)) ns */
#define TRACE_MAX_KEYS 8192      /* (pid, vcpu, kind, reason) aggregates: value slots */
#define TRACE_THREAD_SLOTS 65536 /* per-thread state, indexed by tid % this, tagged */
#define TRACE_MAX_PORTS 8192     /* (pid, vcpu, port/address) counters */
#define TRACE_MAX_PROCS 1024     /* pid -> process name, learnt at a thread's first event */
#define TRACE_COMM_LEN 16
#define TRACE_NO_SLOT 0xffffffffu

/* Kinds of reason numbers (same values as enum vbpf_kind). */
#define TRACE_KIND_USER 0        /* KVM_EXIT_* from kvm_userspace_exit */
#define TRACE_KIND_VMX 1         /* kvm_exit with isa == KVM_ISA_VMX */
#define TRACE_KIND_SVM 2         /* kvm_exit with isa == KVM_ISA_SVM */
#define TRACE_REASON_ERRNO 0x80000000u

/* lat_kinds bits: the closing program of these exits is attached. */
#define TRACE_LAT_USER 1u        /* kvm_fpu closes user exits */
#define TRACE_LAT_HW 2u          /* kvm_entry closes hardware exits */

/* Event sources; the per-CPU "stats" array counts events per source. */
enum trace_src {
	TRACE_SRC_KVM_EXIT,
	TRACE_SRC_KVM_ENTRY,
	TRACE_SRC_USERSPACE_EXIT,
	TRACE_SRC_KVM_RUN,       /* kvm_fpu(load=1): KVM_RUN entered, vCPU loaded */
	TRACE_SRC_PIO,
	TRACE_SRC_MMIO,
	TRACE_SRC_COUNT,
};
#define TRACE_STAT_DROPS TRACE_SRC_COUNT  /* events lost: a map was full */
#define TRACE_STAT_COUNT (TRACE_SRC_COUNT + 1)

struct trace_key {
	__u32 pid;     /* tgid of the vCPU thread: the VMM */
	__s32 vcpu;    /* kvm_vcpu->vcpu_id; -1 when not known */
	__u32 kind;    /* TRACE_KIND_* */
	__u32 reason;
};

/*
 * One value slot per key (a plain array, indexed through the keys hash map).
 * Only the thread running a vCPU updates that vCPU's keys, and a thread's
 * programs never run concurrently with each other, so plain stores suffice.
 * Threads of one process share a key only when their vCPU id could not be
 * read (-1): those counts are added atomically.
 * Latency: for user exits, from kvm_userspace_exit to the next KVM_RUN of that
 * thread (the VMM's handling time); for hardware exits, from kvm_exit to the
 * next kvm_entry (the kernel's handling time).
 */
struct trace_val {
	__u64 count;
	__u64 lat_count;
	__u64 lat_sum_ns;
	__u64 lat_max_ns;
	__u64 hist[TRACE_HIST_SLOTS];
};

/*
 * Per host thread, in an array indexed by tid % TRACE_THREAD_SLOTS and tagged
 * with the full pid/tid: an inlined array lookup instead of a helper call on
 * every event. A thread that finds another's tag takes the slot over (it
 * re-learns its vCPU id; the other loses at most one pending latency).
 */
struct trace_thread {
	__u64 tag;            /* bpf_get_current_pid_tgid() of the owner */
	__u64 user_ts;
	__u64 hw_ts;
	struct trace_key user_key;  /* the thread's last user exit ... */
	struct trace_key hw_key;
	__u32 user_slot;      /* ... and its value slot (TRACE_NO_SLOT: none) */
	__u32 hw_slot;
	__s32 vcpu;           /* -1 until known */
	__u32 user_epoch;     /* a timed user exit waits for the next KVM_RUN: its lat_epoch; 0 none */
	__u32 hw_epoch;       /* a timed hardware exit waits for the next VM entry: ditto */
	__u32 pad;
};

struct trace_comm {
	char comm[TRACE_COMM_LEN];  /* the process's (group leader's) comm */
};

#define TRACE_PORT_PIO 0
#define TRACE_PORT_MMIO 1
struct trace_port_key {
	__u32 pid;
	__s32 vcpu;
	__u32 kind;    /* TRACE_PORT_* */
	__u32 rw;      /* pio: 0 in, 1 out; mmio: 0 unsatisfied read, 1 read, 2 write */
	__u64 addr;    /* port number or guest physical address */
};
