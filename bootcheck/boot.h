/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * bootcheck: will this host boot into its hypervisor? Boot-loader configs
 * (GRUB legacy, GRUB 2, grubenv) parsed into entries, and what each entry
 * loads validated by content. Everything is read through the hv_root.
 */
#include <stddef.h>

#include "hvcore/hv-check.h"

struct boot_opts {
	const char *config;  /* grub.cfg / menu.lst path inside the root; NULL: search */
};

/* The boot checks table, in report order (static; *n gets its length). */
const struct hv_check *boot_checks(size_t *n);

/*
 * Run the boot checks selected by @only on @root into @rep. @opts may be NULL.
 * Returns the number of checks run, or -errno.
 */
int boot_run(const struct hv_root *root, struct hv_report *rep, const char *const *only,
	     const struct boot_opts *opts);
