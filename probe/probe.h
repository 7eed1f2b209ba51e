/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * probe: host capability checks for vhv-check host (CPU virtualization, KVM
 * modules and the functional /dev/kvm probe, Xen, IOMMU, memory, devices,
 * cgroups). Everything is read through the hv_root; nothing is printed.
 */
#include <stddef.h>

#include "hvcore/hv-check.h"

/* The host checks table, in report order (static; *n gets its length). */
const struct hv_check *probe_checks(size_t *n);

/*
 * Run the host checks selected by @only (see hv_checks_run) on @root, adding
 * findings to @rep. Returns the number of checks run, or -errno.
 */
int probe_run(const struct hv_root *root, struct hv_report *rep, const char *const *only);
