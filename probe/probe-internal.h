/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * probe-internal: what the probe files share. struct probe_state is
 * parsed-once data passed to every check as ctx->data (e.g. /proc/cpuinfo
 * parsed once, used by the CPU, KVM and platform checks); probe.c owns it.
 * Each getter says which file defines it. The check functions are in
 * probe-checks.h, the small parsers of the platform checks in probe-platform.h.
 */
#include <stddef.h>

#include "hvcore/hv-check.h"

#include <stdbool.h>

#include "probe/probe-cpuinfo.h"

struct probe_kvm;   /* probe-kvm.c: the functional /dev/kvm probe, run once */
struct probe_mounts; /* probe-platform.h: the mount table, read once */
struct hv_xen_host;  /* hvcore/hv-xen.h */
struct hv_klog;      /* hvcore/hv-klog.h */

struct probe_state {
	const struct hv_root *root;
	struct probe_cpu *cpu;       /* lazily filled by probe_cpu_get() */
	int cpu_err;                 /* <0: why it could not be filled */
	struct probe_kvm *kvm;       /* lazily filled by probe-kvm.c */
	int kvm_err;
	struct probe_mounts *mounts; /* lazily filled by probe_mounts_get() */
	int mounts_err;
	struct hv_xen_host *xen;     /* the hypervisor's own view, asked once (probe-xen.c) */
	int xen_err;
	struct hv_klog *klog;        /* the kernel log's causes, read once (probe_klog_get) */
};

/* probe.c: the runner owns the state (init before the checks, clear after). */
void probe_state_init(struct probe_state *st, const struct hv_root *root);
void probe_state_clear(struct probe_state *st);
/* Free the KVM state of probe_state (probe-kvm.c). */
void probe_kvm_free(struct probe_kvm *k);

/*
 * The mount table (probe_mounts_read, probe-platform.c), read once for every check that needs
 * it. 0 and *out (borrowed, valid until probe_state_clear), or -errno.
 */
int probe_mounts_get(struct probe_state *st, const struct probe_mounts **out);
void probe_mounts_free(struct probe_mounts *m);

/*
 * The CPU as the running kernel shows it (probe-state.c): /proc/cpuinfo parsed once (see
 * probe-cpuinfo.h for the fields: vendor, family/model, "flags", "vmx flags")
 * plus CPUID facts (hypervisor bit, the 0x40000000 vendor signature).
 * Returns 0 and *out (borrowed, valid until probe_state_clear), or -errno:
 * -ENOENT when the root has no /proc/cpuinfo (an offline disk).
 */
int probe_cpu_get(struct probe_state *st, const struct probe_cpu **out);
/*
 * The kernel log, read and scanned once (hv_klog_read; probe-klog.c). Never NULL unless out
 * of memory; a root without a log gives a klog whose err says why.
 */
const struct hv_klog *probe_klog_get(struct probe_state *st);
/*
 * The hit for @cause as evidence "SOURCE:LINE: MESSAGE" into @buf; NULL (and
 * @buf empty) when the log does not show it.
 */
const char *probe_klog_evidence(struct probe_state *st, int cause, char *buf, size_t len);
/*
 * A hint for a kernel-log cause (enum hv_klog_cause) that fits this host (a VM
 * guest, the CPU vendor, the boot loader). Into @buf; NULL when there is none.
 */
const char *probe_klog_hint(struct probe_state *st, int cause, char *buf, size_t len);
/*
 * Where a kernel command-line option goes on this root: /etc/default/grub,
 * /etc/kernel/cmdline, BLS entries, menu.lst, the dom0 line (@xen). Static string.
 */
const char *probe_cmdline_where(const struct hv_root *r, bool xen);
/*
 * probe-kvm.c: does this kernel load modules ("nomodule" on its command line,
 * no /lib/modules/<release>)?
 */
bool probe_loads_modules(const struct hv_root *r);
/* The functional /dev/kvm probe, run once (probe-kvm.c). 0 and *out, or -errno. */
struct hv_kvm_probe;
int probe_kvm_probe_get(struct probe_state *st, const struct hv_kvm_probe **out);
/*
 * The hypervisor's own view on a dom0 (hv_root_xen_host), asked once (probe-xen.c). NULL
 * when it cannot be asked (not dom0, no libxenctrl, a capture without xl info).
 */
const struct hv_xen_host *probe_xen_host_get(struct probe_state *st);
/* probe-state.c: is @flag in the CPU's flags (x86 "flags", arm64 "Features") line? */
bool probe_cpu_has(const struct probe_cpu *c, const char *flag);
/* probe-state.c: does CPUID say we run on Xen (a dom0 or a domU)? */
bool probe_cpu_under_xen(const struct probe_cpu *c);

struct hv_root;

/* Xen role as the Xen and CPU checks see it (probe-xen.c). */
enum probe_xen_role {
	PROBE_XEN_NONE,
	PROBE_XEN_DOM0,
	PROBE_XEN_DOMU,
};
/*
 * Decide the Xen role from /sys/hypervisor and /proc/xen. *how gets a short
 * static string saying which evidence decided. Returns 0 and *role, or -errno.
 */
int probe_xen_role(const struct hv_root *r, enum probe_xen_role *role, const char **how);
/*
 * probe-xen.c: in a Xen dom0, add a SKIP "%title: @why" for a KVM-only check and return
 * true (the check then stops); elsewhere return false.
 */
bool probe_platform_skip_dom0(struct hv_check_ctx *ctx, const char *why);
