// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-chk-image: the checks of the images an entry loads: the hypervisor
 * (multiboot headers, xen.efi), the kernel (a bzImage and its version) and
 * the initrds (readable, holding modules of the same kernel, the root device's
 * drivers).
 */
#include "bootcheck/boot-state.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "bootcheck/boot-cfg.h"
#include "bootcheck/boot-image.h"
#include "bootcheck/boot-int.h"
#include "bootcheck/boot-xen.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-mod.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-xen.h"

int boot_chk_hypervisor(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct entry_info *ei;
	struct pass_sum ps = { 0 };
	size_t i;
	int n = 0;

	if (!st->cfg)
		return 0;  /* boot.config said why */
	for (i = 0; (ei = boot_each_entry(st, &i, BOOT_EACH_XEN)); i++) {
		const struct boot_entry *e = &st->cfg->entries[i];
		const struct file_info *fi;
		const struct boot_load *l;
		struct hv_finding *f;
		bool mb2;

		n++;
		fi = &ei->f[ei->hv];
		l = &e->loads[ei->hv];
		mb2 = e->loader == BOOT_LDR_MULTIBOOT2;
		if (fi->exists < 0) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "hypervisor %s: %s",
				       fi->path ? fi->path : l->path ? l->path : "(none)",
				       hv_strerror(-fi->exists));
			boot_file_fields(f, fi);
			continue;
		}
		if (fi->is_bzimage) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL,
				       "%s is a Linux kernel (%s), not a hypervisor", fi->path,
				       fi->bz.release[0] ? fi->bz.release : "bzImage");
			boot_file_fields(f, fi);
			hv_finding_str(f, "kernel", fi->bz.release);
			continue;
		}
		if (ei->xen_efi) {
			if (!ei->xencfg) {
				f = boot_efind(ctx, st, i, HV_SEV_FAIL,
					       "%s (Xen %s) is chainloaded but has no xen.cfg beside it",
					       fi->path, fi->xen_version);
				hv_finding_hint(f, "xen.efi reads its kernel and options from "
						   "<name>.cfg or xen.cfg in its directory");
			} else if (!ei->xensect || ei->kernel < 0) {
				f = boot_efind(ctx, st, i, HV_SEV_FAIL,
					       "%s: %s", ei->xencfg, !ei->xensect ?
					       "no [global] default= section" :
					       "the default section has no kernel=");
				hv_finding_str(f, "path", ei->xencfg);
				continue;
			} else {
				boot_pass_or_count(ctx, st, i, &ps, &f,
					           "%s: PE Xen %s, chainloaded, %s section [%s]", fi->path,
					           fi->xen_version, ei->xencfg, ei->xensect);
			}
			boot_file_fields(f, fi);
			if (f)
				hv_finding_str(f, "version", fi->xen_version);
			continue;
		}
		if (fi->is_pe && e->loader != BOOT_LDR_XEN_ARM) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL,
				       "%s is a PE/EFI image: GRUB's %s refuses it", fi->path, l->cmd);
			boot_file_fields(f, fi);
			hv_finding_hint(f, "load xen-*.gz with %s, or chainload xen.efi with its "
					   "xen.cfg", l->cmd);
			continue;
		}
		if (fi->inflate_failed) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "%s: corrupt %s data", fi->path,
				       hv_comp_name(fi->comp));
			boot_file_fields(f, fi);
			continue;
		}
		if (e->loader == BOOT_LDR_XEN_ARM) {
			boot_pass_or_count(ctx, st, i, &ps, &f, "%s loaded with xen_hypervisor (not "
				           "validated further)", fi->path);
			boot_file_fields(f, fi);
			continue;
		}
		if ((mb2 && !fi->mb.mb2_ok) || (!mb2 && !fi->mb.mb1_ok)) {
			const char *other = mb2 ? (fi->mb.mb1_ok ? " (it has a multiboot1 header: "
							"use multiboot/module)" : "") :
						  (fi->mb.mb2_ok ? " (it has a multiboot2 header: "
							"use multiboot2/module2)" : "");
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "%s has no valid multiboot%s header%s%s",
				       fi->path, mb2 ? "2" : "",
				       (mb2 ? fi->mb.mb2_off : fi->mb.mb1_off) >= 0 ? " (bad checksum)" : "",
				       other);
			boot_file_fields(f, fi);
			continue;
		}
		boot_pass_or_count(ctx, st, i, &ps, &f, "%s: %s%s%s, multiboot%s header%s%s",
			           fi->path, fi->comp != HV_COMP_NONE ? hv_comp_name(fi->comp) : "",
			           fi->comp != HV_COMP_NONE ? " " : "",
			           fi->is_elf ? (fi->elf.bits == 64 ? "ELF64" : "ELF32") : "image",
			           mb2 ? "2" : "", fi->xen_version[0] ? ", Xen " : "", fi->xen_version);
		boot_file_fields(f, fi);
		if (f && fi->elf.build_id[0])
			hv_finding_str(f, "build_id", fi->elf.build_id);
		if (f && fi->xen_version[0])
			hv_finding_str(f, "version", fi->xen_version);
	}
	boot_pass_summary(ctx, &ps, "the hypervisor image is valid");
	if (n == 0)
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO, "no entry loads a hypervisor");
	return 0;
}

const char *boot_kernel_release(const struct entry_info *ei)
{
	if (ei->kernel >= 0 && ei->f[ei->kernel].is_bzimage && ei->f[ei->kernel].bz.release[0])
		return ei->f[ei->kernel].bz.release;
	return NULL;
}

int boot_chk_kernel(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct entry_info *ei;
	struct pass_sum ps = { 0 };
	size_t i;

	/* no config: no entries (boot.config said why) */
	for (i = 0; (ei = boot_each_entry(st, &i, BOOT_EACH_LINUX)); i++) {
		const struct file_info *fi;
		struct hv_finding *f;

		if (ei->kernel < 0) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "%s", ei->hv >= 0 ?
				       "no module after the hypervisor: Xen has no dom0 kernel to start" :
				       "the entry loads no kernel");
			continue;
		}
		fi = &ei->f[ei->kernel];
		if (fi->exists < 0) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "kernel %s: %s",
				       fi->path ? fi->path : "(none)", hv_strerror(-fi->exists));
			boot_file_fields(f, fi);
			continue;
		}
		if (ei->swapped) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL,
				       "module order: %s comes before the kernel %s; Xen starts the "
				       "first module as dom0's kernel", ei->f[ei->initrd[0]].path, fi->path);
			boot_file_fields(f, fi);
			hv_finding_str(f, "kernel", fi->bz.release);
			hv_finding_hint(f, "list the kernel first, then the initrd");
			continue;
		}
		if (!fi->is_bzimage) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "%s is not a Linux bzImage%s", fi->path,
				       fi->is_cpio_like ? " (it looks like an initrd: module order?)" :
				       fi->is_elf ? " (an ELF image)" : "");
			boot_file_fields(f, fi);
			continue;
		}
		boot_pass_or_count(ctx, st, i, &ps, &f, "%s: Linux %s, boot protocol %u.%02u",
			           fi->path, fi->bz.release, fi->bz.protocol >> 8, fi->bz.protocol & 0xff);
		boot_file_fields(f, fi);
		hv_finding_str(f, "kernel", fi->bz.release);
	}
	boot_pass_summary(ctx, &ps, "the kernel is a valid bzImage");
	return 0;
}

/* Does root= need an initramfs to be found? UUID, LABEL, PARTUUID, LVM, md. */
static bool root_needs_initrd(const char *root)
{
	return hv_startswith(root, "UUID=") || hv_startswith(root, "LABEL=") ||
	       hv_startswith(root, "PARTUUID=") || hv_startswith(root, "/dev/mapper/") ||
	       hv_startswith(root, "/dev/md") || hv_startswith(root, "ZFS=") ||
	       (hv_startswith(root, "/dev/") && strchr(root + 5, '/') &&
		!hv_startswith(root, "/dev/disk/"));
}

int boot_chk_initrd(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct entry_info *ei;
	struct pass_sum ps = { 0 };
	size_t i;
	int k;

	/* no config: no entries (boot.config said why) */
	for (i = 0; (ei = boot_each_entry(st, &i, BOOT_EACH_LINUX)); i++) {
		const struct boot_entry *e = &st->cfg->entries[i];
		struct hv_finding *f = NULL;
		const char *rel;
		char rootarg[256];
		bool bad = false, ucode_seen = false, any = false;

		if (ei->kernel < 0 || ei->swapped)
			continue;  /* reported by boot.kernel */
		rel = boot_kernel_release(ei);
		if (ei->ninitrd == 0) {
			if (ei->kargs && boot_cmdline_get(ei->kargs, "root", rootarg, sizeof(rootarg)) &&
			    root_needs_initrd(rootarg)) {
				f = boot_efind(ctx, st, i, HV_SEV_FAIL,
					       "no initrd, but root=%s needs one to be found", rootarg);
				hv_finding_str(f, "kernel", rel);
			} else {
				boot_efind(ctx, st, i, HV_SEV_INFO, "no initrd");
			}
			continue;
		}
		for (k = 0; k < ei->ninitrd; k++) {
			const struct file_info *fi = &ei->f[ei->initrd[k]];
			struct boot_initrd ird;
			int j;
			bool match = false;

			if (fi->exists < 0) {
				f = boot_efind(ctx, st, i, HV_SEV_FAIL, "initrd %s: %s",
					       fi->path ? fi->path : "(none)", hv_strerror(-fi->exists));
				boot_file_fields(f, fi);
				bad = true;
				continue;
			}
			if (boot_initrd_cached(st, fi->path, &ird) < 0) {
				f = boot_efind(ctx, st, i, HV_SEV_FAIL,
					       "%s is not an initrd (neither cpio nor a known compression)",
					       fi->path);
				boot_file_fields(f, fi);
				bad = true;
				continue;
			}
			if (ird.nfiles > 0 && ird.nreleases == 0 && !ird.has_init &&
			    (ird.early_ucode || ird.nsegments == 1)) {
				/* a microcode-only image given as its own initrd */
				ucode_seen = true;
				if (k + 1 < ei->ninitrd) {
					f = boot_efind(ctx, st, i, HV_SEV_INFO,
						       "%s is an early-microcode image loaded before the "
						       "real initrd", fi->path);
					boot_file_fields(f, fi);
				} else {
					f = boot_efind(ctx, st, i, HV_SEV_FAIL,
						       "%s holds no init and no modules: %s", fi->path,
						       ucode_seen && ei->ninitrd == 1 ?
						       "only early microcode, no real initrd" :
						       "not a usable initrd");
					boot_file_fields(f, fi);
					/*
					 * Debian 12's 20_linux_xen writes "module2 --nounzip
					 * /boot/intel-ucode.img /boot/initrd.img-X": a module
					 * command loads one file, the rest is its command line.
					 */
					if ((size_t)ei->initrd[k] < e->nloads &&
					    e->loads[ei->initrd[k]].kind == BOOT_LOAD_MODULE &&
					    e->loads[ei->initrd[k]].args[0] == '/') {
						const struct boot_load *l = &e->loads[ei->initrd[k]];

						hv_finding_hint(f, "%s loads one file: '%.*s' is only "
								"its command line; give it its own %s line",
								l->cmd, (int)strcspn(l->args, " "),
								l->args, l->cmd);
					}
					bad = true;
				}
				continue;
			}
			any = true;
			if (ird.error[0]) {
				f = boot_efind(ctx, st, i, ird.truncated ? HV_SEV_WARN : HV_SEV_FAIL,
					       "%s: %s", fi->path, ird.error);
				boot_file_fields(f, fi);
				if (!ird.truncated)
					bad = true;
			}
			for (j = 0; j < ird.nreleases; j++)
				if (rel && !strcmp(ird.releases[j], rel))
					match = true;
			if (rel && ird.nreleases > 0 && !match) {
				f = boot_efind(ctx, st, i, HV_SEV_FAIL,
					       "%s holds modules for %s, but the kernel is %s", fi->path,
					       ird.releases[0], rel);
				boot_file_fields(f, fi);
				hv_finding_str(f, "kernel", rel);
				hv_finding_hint(f, "rebuild it: update-initramfs -c -k %s", rel);
				bad = true;
				continue;
			}
			if (bad)
				continue;
			boot_pass_or_count(ctx, st, i, &ps, &f, "%s: %s cpio%s%s, %zu files%s%s",
				           fi->path, ird.comp != HV_COMP_NONE ? hv_comp_name(ird.comp) :
				           "plain", ird.early_ucode ? " after an early-microcode archive" : "",
				           "", ird.nfiles, ird.nreleases ? ", modules for " : "",
				           ird.nreleases ? ird.releases[0] : "");
			boot_file_fields(f, fi);
			hv_finding_str(f, "kernel", rel);
		}
		(void)any;
	}
	boot_pass_summary(ctx, &ps, "the initrd matches the kernel");
	return 0;
}
