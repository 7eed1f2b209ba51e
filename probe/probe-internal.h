/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * probe-internal: what the probe areas share. Each area keeps its own table
 * of checks; probe.c concatenates them (core first, then platform).
 * struct probe_state is parsed-once data passed to every check as ctx->data
 * (e.g. /proc/cpuinfo parsed once, used by the CPU, KVM and platform checks).
 */
#include <stddef.h>

#include "hvcore/hv-check.h"

struct probe_cpu;   /* probe-cpu.c: parsed /proc/cpuinfo + CPUID facts */

struct probe_state {
	const struct hv_root *root;
	struct probe_cpu *cpu;       /* lazily filled by probe_cpu_get() */
	int cpu_err;                 /* <0: why it could not be filled */
};

void probe_state_init(struct probe_state *st, const struct hv_root *root);
void probe_state_clear(struct probe_state *st);

/* CPU and KVM checks: probe-cpu.c, probe-kvm.c (table in probe-core.c). */
extern const struct hv_check probe_core_checks[];
extern const size_t probe_n_core_checks;
/* Xen, IOMMU, hugepages/THP/KSM, devices, cgroups, secure guests (probe-platform.c). */
extern const struct hv_check probe_platform_checks[];
extern const size_t probe_n_platform_checks;
