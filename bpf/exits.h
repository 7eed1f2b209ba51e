/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * exits.h: types shared by exits.bpf.c and its loader vbpf-exits.c (the
 * exits/s counter vhv-top uses). Plain __u* types: included on both sides.
 */
#include <linux/types.h>

/* Threads tracked at once; the map is an LRU, so dead threads age out. */
#define EXITS_MAX_THREADS 16384

/* Value per host thread id (per CPU; user space sums the CPUs). */
struct exits_val {
	__u32 pid;   /* tgid of the thread: the VMM process */
	__u32 pad;
	__u64 user;  /* kvm:kvm_userspace_exit: KVM_RUN returned to the VMM */
	__u64 hw;    /* kvm:kvm_exit: hardware VM exits (VMX/SVM; silent on PVM) */
};
