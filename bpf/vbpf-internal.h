/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-internal: helpers shared by the loaders in bpf/ (not for other modules).
 * Every reason string is malloc'd and handed to the caller.
 */
#include <stdbool.h>

#include "hvcore/hv-root.h"

struct btf;

/* Route libbpf's messages to hv-log (debug/info); idempotent. */
void vbpf_setup_log(void);

/*
 * Can BPF run here at all? Checks a live root, privileges (CAP_BPF+CAP_PERFMON
 * or CAP_SYS_ADMIN), kernel lockdown (confidentiality mode forbids reading
 * kernel memory) and Xen dom0. Returns 0, or -EOPNOTSUPP/-EPERM and *reason.
 */
int vbpf_check_env(const struct hv_root *root, char **reason);

/*
 * The kernel's BTF: vmlinux's, and the KVM modules' split on it. Where KVM is
 * built as modules (distribution kernels: kvm.ko, kvm_amd.ko, kvm_intel.ko)
 * its tracepoints' btf_trace_* typedefs and struct kvm_vcpu are only in the
 * module BTF (/sys/kernel/btf/kvm*), as libbpf-tools find them.
 */
#define VBPF_KBTF_MAX_MODS 8
struct vbpf_kbtf {
	struct btf *vmlinux;
	struct btf *mods[VBPF_KBTF_MAX_MODS];
	int nmods;
};

/*
 * Load @kb (zeroed by the call): 0, or -ENOENT when the kernel has no BTF
 * (CONFIG_DEBUG_INFO_BTF); a module whose BTF cannot be read is skipped.
 * Release with vbpf_kbtf_free(), which accepts a @kb that failed to load.
 */
int vbpf_kbtf_load(const struct hv_root *root, struct vbpf_kbtf *kb);
void vbpf_kbtf_free(struct vbpf_kbtf *kb);

/*
 * The id of type @name of BTF kind @kind, searched in vmlinux and then in each
 * module; *@where (may be NULL) is set to the BTF that holds it, borrowed
 * from @kb. Returns the id (> 0), or -ENOENT.
 */
int vbpf_kbtf_find(const struct vbpf_kbtf *kb, const char *name, int kind,
		   const struct btf **where);

/*
 * Does tracepoint @sys:@name exist? With @kb, looks for the btf_trace_@name
 * typedef (what raw_tp/tp_btf attach to) in vmlinux or a KVM module; else (NULL:
 * no BTF) for the tracefs event directory (mounting tracefs first when needed,
 * see vbpf_tracefs_ready()).
 */
bool vbpf_tp_exists(const struct hv_root *root, const struct vbpf_kbtf *kb, const char *sys,
		    const char *name);

/*
 * The raw tracepoint @name takes @nargs arguments after the hidden context
 * pointer, of the byte sizes in @sizes (0: any); @nargs -1: any number (a
 * program that reads none). Checked against
 * btf_trace_@name's prototype; true when it matches or when @kb is NULL
 * (nothing to check against). A prototype that moved must not be read as if
 * it had not: raw_tp reads the wrong argument silently.
 */
bool vbpf_raw_tp_proto_ok(const struct vbpf_kbtf *kb, const char *name, int nargs,
			  const int *sizes);

/*
 * Classic tracepoints (SEC("tracepoint/...")) need tracefs for their ids.
 * Returns 0 when /sys/kernel/tracing/events (or the debugfs copy) is there,
 * mounting tracefs on /sys/kernel/tracing when it is not and we may; else
 * -ENOENT.
 */
int vbpf_tracefs_ready(const struct hv_root *root);

/* A sentence for a failed bpf_object load/attach (lockdown, EPERM, ...). malloc'd. */
char *vbpf_load_error(const struct hv_root *root, int err, const char *what);

/* Number of possible CPUs (per-CPU map value slots); >= 1, or -errno. */
int vbpf_ncpus(void);
