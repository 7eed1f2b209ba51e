/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * boot-xen: pure readers of Xen boot settings (no I/O, fuzzed directly): the
 * hypervisor command line lint and xen.cfg, the configuration a chainloaded
 * xen.efi reads (Xen's docs/misc/efi.pandoc).
 */
#include <stdbool.h>
#include <stddef.h>

#include "hvcore/hv-report.h"

#define BOOT_XEN_MAX_ISSUES 16

struct boot_xen_issue {
	enum hv_sev sev;
	char msg[200];
	char hint[120];   /* "" when none */
};

/*
 * The value of KEY=VALUE in a command line (the last one wins, as in Linux and
 * Xen), copied into @out; a bare KEY gives "". false when absent.
 */
bool boot_cmdline_get(const char *args, const char *key, char *out, size_t len);

/*
 * The options of @configured (a boot entry's Xen command line) that are not in
 * effect in @running (the command line Xen was booted with, `xl info`): each
 * KEY or KEY=VALUE whose last value in @running differs or is absent. GRUB
 * variables ($x) and 20_linux_xen's "placeholder" are skipped. The words go to
 * @out, space-separated (truncated to @len); returns how many.
 */
int boot_xen_cmdline_missing(const char *configured, const char *running, char *out, size_t len);

/*
 * Lint Xen's command line @cmdline: dom0_mem forms and amounts, dom0_max_vcpus,
 * iommu= options, flask=enforcing without a policy (@has_policy: an XSM policy
 * module is loaded; @xsm: 1 when the hypervisor is built with XSM/FLASK, 0 when
 * built without (flask= is then ignored), -1 unknown). Writes at most
 * BOOT_XEN_MAX_ISSUES issues to @out and returns their number.
 */
int boot_xen_cmdline_lint(const char *cmdline, bool has_policy, int xsm,
			  struct boot_xen_issue *out);

/* xen.cfg: [global] default=SECTION, and that section's keys (malloc'd or NULL). */
struct boot_xencfg {
	char section[64];    /* "" when [global] has no default= */
	char *options;       /* Xen's command line */
	char *kernel;        /* "FILE ARGS" */
	char *ramdisk;
	char *xsm;
};
/* Parse @len bytes of a xen.cfg into *out (cleared first). 0 or -ENOMEM. */
int boot_xencfg_parse(const char *buf, size_t len, struct boot_xencfg *out);
void boot_xencfg_clear(struct boot_xencfg *x);
