// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-probe-root: every vhv-check host check on a fixture root made from the
 * input (fuzz-root.h), so the parsers that are static helpers of the checks
 * run as they do on a --sysroot: the kernel command line and modprobe.d
 * (read_cmdline, parse_modprobe_conf), /proc/modules, modules.dep and
 * modules.builtin, /proc/xen/capabilities and /sys/hypervisor files, KVM module
 * parameters, cpuinfo and the .vhv/kvm probe result.
 */
#include <stddef.h>
#include <stdint.h>

#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "probe/probe.h"
#include "fuzz-root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"proc/cmdline", "etc/modprobe.d/kvm.conf", "proc/modules",
	"lib/modules/6.1.0-40-amd64/modules.dep", "lib/modules/6.1.0-40-amd64/modules.builtin",
	"proc/xen/capabilities", "sys/hypervisor/type", "sys/hypervisor/properties/features",
	"sys/hypervisor/version/major", "sys/hypervisor/version/minor",
	"sys/module/kvm_intel/parameters/nested", "proc/cpuinfo", ".vhv/kvm",
};

static const struct fuzz_file fixed[] = {
	{ ".vhv/uname", "sysname=Linux\nrelease=6.1.0-40-amd64\nmachine=x86_64\n" },
	{ "sys/module/kvm_intel/initstate", "live\n" },
	{ "sys/module/kvm/initstate", "live\n" },
};

static void run(const struct hv_root *r, struct hv_report *rep)
{
	static const char *const only[] = { "kvm", "xen", "cpu", NULL };

	(void)probe_run(r, rep, only);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_run_checks(data, size, paths, HV_ARRAY_SIZE(paths), fixed,
			       HV_ARRAY_SIZE(fixed), run);
}
