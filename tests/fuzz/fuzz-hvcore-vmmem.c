// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-hvcore-vmmem: hv-vmmem's parsers (smaps_rollup, ksm_stat, numa_maps,
 * QEMU memory backend objects in both forms, the mount table lookup) on any
 * bytes: every parser sees every input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-vmmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct hv_smaps_rollup sr;
	struct hv_ksm_stat ks;
	struct hv_numa_mem nm;
	struct hv_mem_object o;
	struct hv_mem_backing b = { .kind = HV_MEM_FILE, .path = "/dev/hugepages/vm" };
	char buf[64];

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	hv_parse_smaps_rollup(s, &sr);
	hv_parse_ksm_stat(s, &ks);
	hv_parse_numa_maps(s, &nm);
	hv_numa_main_node(&nm);
	if (hv_mem_parse_object(s, &o) == 1) {
		hv_mem_backing_format(&o.b, buf, sizeof(buf));
		hv_mem_backing_resolve_mounts(s, &o.b);
	}
	hv_mem_backing_resolve_mounts(s, &b);
	hv_mem_parse_size(s);
	free(s);
	return 0;
}
