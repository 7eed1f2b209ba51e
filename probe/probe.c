// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe: the host checks, in report order: the CPU and KVM first (probe-cpu.c,
 * probe-kvm.c), then the platform (Xen, IOMMU, memory, devices, cgroups).
 * Each area keeps its own table; this file only strings them together.
 */
#include "probe/probe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-report.h"
#include "probe/probe-internal.h"

static struct hv_check *all;
static size_t n_all;

const struct hv_check *probe_checks(size_t *n)
{
	const struct {
		const struct hv_check *tab;
		size_t n;
	} parts[] = {
		{ probe_verdict_checks, probe_n_verdict_checks },
		{ probe_core_checks, probe_n_core_checks },
		{ probe_platform_checks, probe_n_platform_checks },
	};

	if (!all) {
		size_t total = 0, k = 0;

		for (size_t i = 0; i < HV_ARRAY_SIZE(parts); i++)
			total += parts[i].n;
		all = calloc(total ? total : 1, sizeof(*all));
		if (!all) {
			*n = 0;
			return NULL;
		}
		for (size_t i = 0; i < HV_ARRAY_SIZE(parts); i++)
			for (size_t j = 0; j < parts[i].n; j++)
				all[k++] = parts[i].tab[j];
		n_all = total;
	}
	*n = n_all;
	return all;
}

int probe_run(const struct hv_root *root, struct hv_report *rep, const char *const *only)
{
	struct probe_state st;
	const struct hv_check *tab;
	size_t n;
	int rc;

	tab = probe_checks(&n);
	if (!tab)
		return -ENOMEM;
	probe_state_init(&st, root);
	rc = hv_checks_run(tab, n, root, rep, only, &st);
	probe_state_clear(&st);
	return rc;
}
