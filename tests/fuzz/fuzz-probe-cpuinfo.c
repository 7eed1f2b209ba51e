// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-probe-cpuinfo: the /proc/cpuinfo parser (an offline root's cpuinfo is
 * untrusted input) and the flag decoders that run on what it returns.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "probe/probe-cpuinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_cpu cpu;
	struct probe_virt_feats vf;

	if (probe_cpuinfo_parse((const char *)data, size, &cpu) < 0)
		return 0;
	/* The strings must be NUL-terminated and bounded. */
	if (strlen(cpu.flags) > PROBE_CPU_FLAGS_MAX || strlen(cpu.vendor_id) >= sizeof(cpu.vendor_id))
		__builtin_trap();
	probe_vmx_decode(cpu.vmx_flags, cpu.flags, &vf);
	probe_svm_decode(cpu.flags, &vf);
	probe_vendor_name(cpu.vendor);
	probe_hv_name(cpu.vendor_id);
	probe_cpuinfo_clear(&cpu);
	return 0;
}
