/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-core: the few kernel types vhv's BPF programs read, hand-written with
 * preserve_access_index so libbpf relocates every field against the running
 * kernel's BTF (CO-RE). Only the fields we read are declared; their order and
 * offsets here do not matter. This replaces a 3 MB vmlinux.h: the build needs
 * no BTF, the running kernel does (for the programs that use these types).
 *
 * Sources: include/linux/kvm_host.h (struct kvm_vcpu), include/linux/sched.h,
 * include/linux/fdtable.h, include/linux/fs.h (task -> fd table -> file),
 * arch/x86/include/asm/ptrace.h (struct pt_regs), arch/x86/kvm/trace.h
 * (the kvm_exit record; the classic tracepoint layout, as in
 * /sys/kernel/tracing/events/kvm/kvm_exit/format).
 */
#include <linux/types.h>

#ifndef __VBPF_CORE_ATTR
#define __VBPF_CORE_ATTR __attribute__((preserve_access_index))
#endif

/* include/linux/kvm_host.h */
struct kvm_vcpu {
	int vcpu_id;   /* the id given to KVM_CREATE_VCPU, as in the "kvm-vcpu:N" fd name */
	int vcpu_idx;  /* index in kvm->vcpu_array */
} __VBPF_CORE_ATTR;

/* arch/x86/include/asm/ptrace.h: user registers saved at syscall entry. */
struct pt_regs {
	unsigned long si;       /* 2nd syscall argument: the ioctl command */
	unsigned long di;       /* 1st syscall argument: the fd */
	unsigned long orig_ax;  /* the syscall number */
} __VBPF_CORE_ATTR;

struct file {
	void *private_data;     /* a KVM vCPU fd's struct kvm_vcpu */
} __VBPF_CORE_ATTR;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __VBPF_CORE_ATTR;

struct files_struct {
	struct fdtable *fdt;
} __VBPF_CORE_ATTR;

struct task_struct {
	struct files_struct *files;
	struct task_struct *group_leader;
	char comm[16];          /* TASK_COMM_LEN */
} __VBPF_CORE_ATTR;

/* include/linux/trace_events.h: the common header of every record. */
struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
} __VBPF_CORE_ATTR;

/* arch/x86/kvm/trace.h TRACE_EVENT(kvm_exit) via KVM_X86_EXIT_EVENT(). */
struct trace_event_raw_kvm_exit {
	struct trace_entry ent;
	unsigned int exit_reason;
	unsigned long guest_rip;
	__u32 isa;              /* KVM_ISA_VMX 1, KVM_ISA_SVM 2 */
	__u64 info1;
	__u64 info2;
	__u32 intr_info;
	__u32 error_code;
	unsigned int vcpu_id;
} __VBPF_CORE_ATTR;
