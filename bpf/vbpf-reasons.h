/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-reasons: names of VM exit reasons, in three numbering spaces (kinds):
 *   user  KVM_EXIT_* of kvm_run->exit_reason (include/uapi/linux/kvm.h), what
 *         kvm:kvm_userspace_exit reports; names without the KVM_EXIT_ prefix
 *         ("IO", "MMIO", "HLT"). KVM_RUN failing with an errno is recorded as
 *         VBPF_REASON_ERRNO | errno: "RESTART" for EINTR (a signal kicked the
 *         vCPU, as the kernel's tracepoint prints it), "ERRNO_<n>" otherwise.
 *   vmx   Intel basic exit reasons (SDM vol. 3C appendix C; Linux
 *         arch/x86/include/uapi/asm/vmx.h), upper case as kvm_exit prints them.
 *   svm   AMD VMEXIT codes (APM vol. 2 appendix C; uapi/asm/svm.h), lower case
 *         as kvm_exit prints them.
 * kvm:kvm_exit tells VMX from SVM with its isa field (KVM_ISA_VMX 1, KVM_ISA_SVM 2).
 * No libbpf here: this builds with BPF=0 too.
 */
#include <stddef.h>
#include <stdint.h>

enum vbpf_kind {
	VBPF_KIND_USER = 0,
	VBPF_KIND_VMX = 1,   /* = KVM_ISA_VMX */
	VBPF_KIND_SVM = 2,   /* = KVM_ISA_SVM */
	VBPF_KIND_COUNT,
};

/* Set in a user-kind reason when KVM_RUN returned -errno (low bits: errno). */
#define VBPF_REASON_ERRNO 0x80000000u
/* VMX: the exit happened during VM entry (SDM: basic reason bit 31). */
#define VBPF_VMX_FAILED_ENTRY 0x80000000u

/* "user", "vmx", "svm"; "?" for anything else. Static strings. */
const char *vbpf_kind_name(unsigned int kind);
/* The kind named @s, or -EINVAL. */
int vbpf_kind_parse(const char *s);

/*
 * The name of @reason in @kind's table, or a made-up one ("UNKNOWN_0x1f",
 * "ERRNO_14", "FAILED_ENTRY_INVALID_STATE") written into @buf (@len bytes).
 * Returns a static string or @buf; never NULL.
 */
const char *vbpf_reason_name(unsigned int kind, uint32_t reason, char *buf, size_t len);

/*
 * Reverse lookup, for reading records back: accepts the names above, with or
 * without a "KVM_EXIT_" / "EXIT_REASON_" / "SVM_EXIT_" prefix, in any case, and
 * the made-up forms. 0 and *out, or -ENOENT.
 */
int vbpf_reason_parse(unsigned int kind, const char *name, uint32_t *out);
