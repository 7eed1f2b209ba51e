// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-bootcheck-root: every vhv-check boot check on a root made from the
 * input (fuzz-root.h), so the readers that are static helpers of the checks
 * run as on a --sysroot: /etc/fstab (read_fstab), the kernel .config
 * (kconfig_has), modules.dep and modules.builtin, the kernel command line,
 * besides grub.cfg and grubenv.
 */
#include <stddef.h>
#include <stdint.h>

#include "bootcheck/boot.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "fuzz-root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"boot/grub/grub.cfg", "etc/fstab", "boot/config-6.1.0-40-amd64",
	"lib/modules/6.1.0-40-amd64/modules.dep", "lib/modules/6.1.0-40-amd64/modules.builtin",
	"proc/cmdline", "boot/grub/grubenv",
};

static const struct fuzz_file fixed[] = {
	{ ".vhv/uname", "sysname=Linux\nrelease=6.1.0-40-amd64\nmachine=x86_64\n" },
};

static void run(const struct hv_root *r, struct hv_report *rep)
{
	(void)boot_run(r, rep, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_run_checks(data, size, paths, HV_ARRAY_SIZE(paths), fixed,
			       HV_ARRAY_SIZE(fixed), run);
}
