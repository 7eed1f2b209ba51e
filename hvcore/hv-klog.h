/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-klog: the kernel log, read from wherever the root keeps it, and what the
 * virtualization drivers wrote in it, mapped to causes (one table,
 * hv-klog.c: klog_rules[]).
 *
 * Sources, first found wins:
 *   live host      the ring buffer (syslog(2) READ_ALL); when kernel.dmesg_restrict
 *                  hides it from a non-root user, /var/log/kern.log if readable,
 *                  and the restriction is reported (hv_klog.restricted).
 *   fixture root   DIR/.vhv/dmesg
 *   other roots    a sosreport's sos_commands/kernel/dmesg, a supportconfig's
 *                  boot.txt, /var/log/dmesg, /var/log/kern.log, /var/log/boot.msg,
 *                  and the rotated /var/log/kern.log.1.
 * A file holding several boots (kern.log) is scanned from its last boot on.
 */
#include <stdbool.h>
#include <stddef.h>

#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"

/* What a kernel log line says is wrong (or right). Order is not ABI. */
enum hv_klog_cause {
	HV_KLOG_VT_FW_OFF,        /* VT-x/AMD-V disabled by the firmware */
	HV_KLOG_VT_NO_CPU,        /* the CPU has no VMX/SVM at all */
	HV_KLOG_VT_NOT_FULL,      /* VMX not fully enabled (feature control/TXT) */
	HV_KLOG_KVM_NO_HW,        /* kvm: no hardware support (reason not given) */
	HV_KLOG_KVM_OTHER_VENDOR, /* the other vendor module is already loaded */
	HV_KLOG_KVM_ENABLE_FAIL,  /* enabling virtualization failed (another hypervisor?) */
	HV_KLOG_KVM_INCONSISTENT, /* CPUs differ in VMX features */
	HV_KLOG_KVM_SEV_GUEST,    /* this kernel is an SEV guest: KVM unsupported */
	HV_KLOG_PVM_GUEST,        /* kvm_pvm did not bind: this kernel is a PVM guest */
	HV_KLOG_KVM_NESTED,       /* nested virtualization enabled (AMD prints it) */
	HV_KLOG_KVM_NPT_OFF,      /* Nested Paging disabled */
	HV_KLOG_KVM_L1TF,         /* L1TF with SMT on: guest data leak possible */
	HV_KLOG_HV_DETECTED,      /* "Hypervisor detected: X": this kernel is a guest */
	HV_KLOG_ARM_EL2,          /* arm64: CPUs started at EL2 */
	HV_KLOG_ARM_EL1,          /* arm64: CPUs started at EL1: no KVM */
	HV_KLOG_ARM_HYP_OFF,      /* arm64: "HYP mode not available" */
	HV_KLOG_ARM_VHE,          /* arm64: VHE mode initialized */
	HV_KLOG_IOMMU_ON,         /* DMAR/AMD-Vi IOMMU enabled */
	HV_KLOG_IOMMU_OFF,        /* IOMMU disabled on the command line */
	HV_KLOG_IOMMU_FW_BUG,     /* the firmware's DMAR/IVRS table is broken */
	HV_KLOG_IR_ON,            /* interrupt remapping enabled */
	HV_KLOG_IR_OFF,           /* interrupt remapping off or failed */
	HV_KLOG_XEN_DOM0,         /* this kernel booted on Xen (dom0/PV) */
	HV_KLOG_XEN_HVM_GUEST,    /* Xen HVM guest */
	HV_KLOG_CAUSE_COUNT,
};

/* What a cause means: the layer at fault, how bad it is, a sentence. */
struct hv_klog_cause_info {
	const char *id;          /* "vt-fw-off": the JSON "cause" value */
	const char *subject;     /* "KVM", "IOMMU", "Xen", "CPU" */
	enum hv_layer layer;
	enum hv_sev sev;         /* PASS/INFO for good news, WARN/FAIL for causes */
	const char *meaning;     /* "VT-x/AMD-V is disabled in the firmware" */
};
const struct hv_klog_cause_info *hv_klog_cause_info(enum hv_klog_cause c);

/* Longest kernel message kept per hit (longer ones are cut). */
#define HV_KLOG_MSG_MAX 200

/* The first line of the scanned boot that showed @cause, and how many did. */
struct hv_klog_hit {
	enum hv_klog_cause cause;
	unsigned int line;        /* 1-based line number in the source file */
	unsigned int count;       /* lines showing this cause (one per CPU, often) */
	char msg[HV_KLOG_MSG_MAX];/* the message, timestamp and syslog prefix cut */
};

struct hv_klog {
	char source[128];         /* "kernel ring buffer", "/var/log/kern.log", ... */
	int err;                  /* 0, or why no log could be read (-EPERM, -ENOENT) */
	bool restricted;          /* kernel.dmesg_restrict hid the ring buffer */
	unsigned int first_line;  /* where the scanned (last) boot starts, 1-based */
	unsigned int nlines;      /* lines scanned */
	size_t nhits;
	struct hv_klog_hit hits[HV_KLOG_CAUSE_COUNT];
	char hypervisor[32];      /* "PVM" from "Hypervisor detected: PVM", "" if none */
};

/*
 * Scan a kernel log text of @len bytes (need not be NUL-terminated; untrusted)
 * from its last boot on, filling @out's hits (one per cause, first line wins)
 * and hypervisor. @out->source is kept. Returns the number of hits, or -ENOMEM.
 */
int hv_klog_scan(const char *text, size_t len, struct hv_klog *out);

/*
 * Find and scan the kernel log of @r (sources above). Always fills *out; a root
 * with no log gives out->err (-ENOENT; -EPERM when dmesg_restrict hides it and
 * no readable log file stands in). Returns 0, or -ENOMEM.
 */
int hv_klog_read(const struct hv_root *r, struct hv_klog *out);

/* The hit for @cause, NULL when the log does not show it. Borrowed from @k. */
const struct hv_klog_hit *hv_klog_find(const struct hv_klog *k, enum hv_klog_cause cause);

/*
 * Does a kernel message match a rule pattern? Patterns are literal text, '*'
 * standing for any run of characters; case is ignored; the pattern may match
 * anywhere in @msg. Exposed for the unit tests.
 */
bool hv_klog_match(const char *pattern, const char *msg);
