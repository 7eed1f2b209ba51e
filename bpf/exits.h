/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * exits.h: types shared by exits.bpf.c and its loader vbpf-exits.c (the
 * exits/s counter vhv-top uses). Plain __u* types: included on both sides.
 */
#include <linux/types.h>

/*
 * Per-thread counters live in an array indexed by tid % EXITS_SLOTS and tagged
 * with the thread's pid/tid: the program's lookup is inlined by the verifier
 * (no hashing), and user space reads the whole array through mmap. A thread
 * finding another's tag in its slot takes it over (the other's counts are
 * dropped: it shows as gone), which needs two busy threads whose ids are equal
 * modulo 65536.
 */
#define EXITS_SLOTS 65536

struct exits_val {
	__u64 tag;   /* bpf_get_current_pid_tgid() of the owner: pid << 32 | tid; 0: free */
	__u64 user;  /* kvm:kvm_userspace_exit: KVM_RUN returned to the VMM */
	__u64 hw;    /* kvm:kvm_exit: hardware VM exits (VMX/SVM; silent on PVM) */
};
