/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * probe-cpuinfo: a /proc/cpuinfo parser (x86 and arm64 layouts) and the
 * decoders of the virtualization flags. Pure functions on memory: no I/O, so
 * the fuzz target and the unit tests drive them directly. The input is
 * untrusted (a fixture, a mounted disk): every field is length-bounded and
 * unknown or malformed lines are ignored.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum probe_vendor {
	PROBE_VENDOR_OTHER,
	PROBE_VENDOR_INTEL,    /* GenuineIntel */
	PROBE_VENDOR_AMD,      /* AuthenticAMD */
	PROBE_VENDOR_HYGON,    /* HygonGenuine: AMD-V, kvm_amd */
	PROBE_VENDOR_ZHAOXIN,  /* CentaurHauls / "  Shanghai  ": VT-x, kvm_intel */
	PROBE_VENDOR_ARM,      /* arm64 layout ("CPU implementer") */
};

enum probe_arch {
	PROBE_ARCH_UNKNOWN,
	PROBE_ARCH_X86,
	PROBE_ARCH_ARM64,
};

/* Longest flags line kept (x86 lines are ~1.5 KiB today); longer ones are cut at a word. */
#define PROBE_CPU_FLAGS_MAX 8192
/* Count of "processor" entries is capped here (the kernel's NR_CPUS limit). */
#define PROBE_CPU_MAX_CPUS 8192

struct probe_cpu {
	enum probe_arch arch;
	enum probe_vendor vendor;
	char vendor_id[32];      /* "GenuineIntel"; arm64: implementer name ("ARM") */
	char model_name[96];     /* "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz"; arm64: "Neoverse-N1" */
	unsigned int family;     /* x86 "cpu family"; arm64 "CPU architecture" */
	unsigned int model;      /* x86 "model"; arm64 "CPU part" */
	unsigned int stepping;   /* x86 "stepping"; arm64 "CPU revision" */
	unsigned int implementer;/* arm64 "CPU implementer" (0x41 = ARM) */
	unsigned int ncpus;      /* "processor" entries seen */
	char *flags;             /* first CPU's "flags"/"Features" line, "" when none (owned) */
	char *vmx_flags;         /* "vmx flags" line (kernels >= 5.9), NULL when absent (owned) */
	/* CPUID facts, filled by probe-cpu.c (not by the parser) */
	bool have_cpuid;         /* CPUID was readable (x86, live or fixture) */
	bool cpuid_vmx;          /* CPUID.1:ECX[5]: the CPU implements VMX, whatever the kernel says */
	bool cpuid_svm;          /* CPUID.80000001h:ECX[2] */
	bool hypervisor;         /* CPUID.1:ECX[31] or the "hypervisor" flag */
	char hv_signature[16];   /* CPUID 0x40000000 vendor signature ("KVMKVMKVM"), "" if none */
	bool on_xen;             /* Xen runs this kernel: its CPUID signature, or the kernel says so */
};

/*
 * Parse a /proc/cpuinfo text of @len bytes (need not be NUL-terminated).
 * Fills @cpu (zeroed first; free its strings with probe_cpuinfo_clear).
 * Returns 0, -ENODATA when no processor entry was found, or -ENOMEM.
 */
int probe_cpuinfo_parse(const char *buf, size_t len, struct probe_cpu *cpu);
void probe_cpuinfo_clear(struct probe_cpu *cpu);

/* Vendor from a CPUID vendor string ("GenuineIntel" -> PROBE_VENDOR_INTEL). */
enum probe_vendor probe_vendor_from_id(const char *vendor_id);
/* A short vendor name for messages ("Intel", "AMD", "Hygon", "Zhaoxin", "ARM", "unknown"). */
const char *probe_vendor_name(enum probe_vendor v);
/* arm64: implementer and part names (lscpu's tables, abridged); NULL when unknown. */
const char *probe_arm_implementer(unsigned int implementer);
const char *probe_arm_part(unsigned int implementer, unsigned int part);

/* Hypervisor name for a CPUID 0x40000000 signature ("KVMKVMKVM" -> "KVM"); NULL if unknown. */
const char *probe_hv_name(const char *signature);

/*
 * VT-x / AMD-V assists that matter to KVM, decoded from the "vmx flags" line
 * (kernel >= 5.9, arch/x86/include/asm/vmxfeatures.h names) or, on older
 * kernels, from the synthetic flags of the "flags" line (tpr_shadow vnmi
 * flexpriority ept vpid ept_ad), and for AMD from the "flags" line.
 */
enum probe_virt_feat {
	PROBE_VF_EPT = 1u << 0,           /* EPT / NPT: second-level paging */
	PROBE_VF_VPID = 1u << 1,          /* VPID / ASID-based TLB tagging */
	PROBE_VF_UG = 1u << 2,            /* unrestricted guest (real mode without emulation) */
	PROBE_VF_APICV = 1u << 3,         /* APIC virtualization (APICv / AVIC) */
	PROBE_VF_POSTED = 1u << 4,        /* posted interrupts */
	PROBE_VF_PML = 1u << 5,           /* page-modification logging (dirty tracking) */
	PROBE_VF_EPT_AD = 1u << 6,        /* EPT accessed/dirty bits */
	PROBE_VF_SHADOW_VMCS = 1u << 7,   /* nested: VMCS shadowing / AMD VMSAVE/VMLOAD virt */
	PROBE_VF_TSC_SCALING = 1u << 8,   /* TSC scaling (live migration across hosts) */
	PROBE_VF_FLEXPRIORITY = 1u << 9,  /* TPR shadow + virtual APIC accesses */
	PROBE_VF_NRIPS = 1u << 10,        /* AMD next-RIP save */
	PROBE_VF_VGIF = 1u << 11,         /* AMD virtual GIF (nested) */
	PROBE_VF_X2AVIC = 1u << 12,       /* AMD x2AVIC */
	PROBE_VF_DECODE = 1u << 13,       /* AMD decode assists */
	PROBE_VF_PAUSE = 1u << 14,        /* PAUSE-loop exiting / pause filter */
};

struct probe_virt_feats {
	unsigned int have;     /* PROBE_VF_* present */
	unsigned int known;    /* PROBE_VF_* this kernel would show if present */
	bool from_vmx_flags;   /* decoded from the "vmx flags" line */
};

/* Decode Intel VT-x assists from @vmx_flags (may be NULL) and @flags. */
void probe_vmx_decode(const char *vmx_flags, const char *flags, struct probe_virt_feats *out);
/* Decode AMD-V assists from @flags. */
void probe_svm_decode(const char *flags, struct probe_virt_feats *out);
/* Short name of one PROBE_VF_* bit for messages ("EPT", "VPID", ...); @svm: AMD names. */
const char *probe_vf_name(unsigned int bit, bool svm);
