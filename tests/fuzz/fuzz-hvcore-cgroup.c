// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-hvcore-cgroup: hv-cgroup's parsers (/proc/PID/cgroup, cpu.max, limit
 * values, flat-keyed files such as cpu.stat and memory.events, PSI) on any
 * bytes: every parser sees every input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-cgroup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct hv_cgroup_where w;
	struct hv_psi p;
	uint64_t a, b;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (hv_parse_proc_cgroup(s, &w) == 0) {
		hv_cgroup_vm_path(w.v2);
		hv_cgroup_vm_path(w.cpu);
	}
	hv_parse_cpu_max(s, &a, &b);
	hv_parse_cg_limit(s, &a);
	hv_cg_keyed(s, "nr_throttled", &a);
	hv_cg_keyed(s, "oom_kill", &a);
	hv_parse_psi(s, &p);
	free(s);
	return 0;
}
