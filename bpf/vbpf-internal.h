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
 * The kernel's BTF (libbpf, /sys/kernel/btf/vmlinux), or NULL when the kernel
 * has none. Free with btf__free().
 */
struct btf *vbpf_kernel_btf(void);

/*
 * Does tracepoint @sys:@name exist? With @btf, looks for the btf_trace_@name
 * typedef (what raw_tp/tp_btf attach to); else for the tracefs event
 * directory (mounting tracefs first when needed, see vbpf_tracefs_ready()).
 */
bool vbpf_tp_exists(const struct hv_root *root, const struct btf *btf, const char *sys,
		    const char *name);

/*
 * The raw tracepoint @name takes @nargs arguments after the hidden context
 * pointer, of the byte sizes in @sizes (0: any); @nargs -1: any number (a
 * program that reads none). Checked against
 * btf_trace_@name's prototype; true when it matches or when @btf is NULL
 * (nothing to check against). A prototype that moved must not be read as if
 * it had not: raw_tp reads the wrong argument silently.
 */
bool vbpf_raw_tp_proto_ok(const struct btf *btf, const char *name, int nargs, const int *sizes);

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
