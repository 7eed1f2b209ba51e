// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-hvcore-root: hvcore's readers of root files, on a root made from the
 * input (fuzz-root.h): the .vhv fixture readers (uname, cpuid, msr, kvm,
 * clock, dmesg), /proc/modules and /sys/module (hv_mod_live), the text
 * modules.dep and modules.builtin (hv_moddir_find, hv_mod_state),
 * /proc/PID/smaps_rollup, /proc/xen/capabilities and /sys/hypervisor/type
 * (hv_xen_is_dom0).
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/utsname.h>

#include "hvcore/hv-mod.h"
#include "hvcore/hv-proc.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-vmmem.h"
#include "hvcore/hv-xen.h"
#include "fuzz-root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	".vhv/uname", ".vhv/cpuid", ".vhv/msr", ".vhv/kvm", ".vhv/clock", ".vhv/dmesg",
	"proc/modules", "lib/modules/6.1.0-40-amd64/modules.dep",
	"lib/modules/6.1.0-40-amd64/modules.builtin", "proc/100/smaps_rollup",
	"proc/xen/capabilities", "sys/hypervisor/type",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const mods[] = { "kvm", "kvm_intel", "kvm-amd", "vhost_net", "tun" };
	struct hv_root *r;
	struct hv_moddir *md;
	struct hv_kvm_probe kp;
	struct utsname u;
	uint32_t regs[4];
	uint64_t v;
	char path[512], *s = NULL;
	const char *dir;

	if (size > (1u << 20))
		return 0;
	dir = fuzz_root(data, size, paths, HV_ARRAY_SIZE(paths), NULL, 0);
	if (hv_root_new(dir, &r) < 0)
		return 0;
	(void)hv_root_uname(r, &u);
	(void)hv_root_cpuid(r, 0, 0, regs);
	(void)hv_root_cpuid(r, 0x40000000, 0, regs);
	(void)hv_root_rdmsr(r, 0, 0x3a, &v);
	if (hv_root_kvm_probe(r, &kp) == 0 && kp.ncaps > HV_KVM_MAX_CAPS)
		__builtin_trap();
	(void)hv_root_clock(r, CLOCK_MONOTONIC, &v);
	if (hv_root_dmesg(r, &s) == 0)
		free(s);
	{
		struct hv_smaps_rollup sr;

		(void)hv_read_smaps_rollup(r, 100, &sr);
	}
	(void)hv_xen_is_dom0(r);
	for (size_t i = 0; i < HV_ARRAY_SIZE(mods); i++) {
		(void)hv_mod_live(r, mods[i]);
		(void)hv_mod_state(r, mods[i]);
	}
	if (hv_moddir_new(r, "6.1.0-40-amd64", &md) == 0) {
		for (size_t i = 0; i < HV_ARRAY_SIZE(mods); i++)
			if (hv_moddir_find(md, mods[i], path, sizeof(path)) == HV_MOD_ON_DISK &&
			    strlen(path) >= sizeof(path))
				__builtin_trap();
		hv_moddir_free(md);
	}
	hv_root_free(r);
	return 0;
}
