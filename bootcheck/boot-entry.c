// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-entry: what one menu entry loads, analysed once and shared by the
 * checks (struct entry_info: roles, the hypervisor, kernel and initrd loads, a
 * chainloaded xen.efi's xen.cfg), the walk the per-entry checks share
 * (boot_each_entry) and how they report (per entry; PASS summed up).
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

static bool entry_selected_default(const struct boot_state *st, size_t i)
{
	return st->deflt >= 0 && (size_t)st->deflt == i;
}

struct hv_finding *boot_efind(struct hv_check_ctx *ctx, const struct boot_state *st, size_t i,
			      enum hv_sev sev, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	struct hv_finding *f;
	const struct boot_entry *e = &st->cfg->entries[i];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* humans see the entry's own title; JSON has the full path in "entry" */
	f = hv_report_add(ctx->rep, ctx->check->id, sev, "%s%s: %s", e->title,
			  entry_selected_default(st, i) ? " (default)" : "", msg);
	hv_finding_str(f, "entry", e->path);
	hv_finding_bool(f, "default", entry_selected_default(st, i));
	return f;
}

/*
 * A chainloaded xen.efi reads <name>.cfg, else xen.cfg, beside it (Xen's
 * docs/misc/efi.pandoc): "[global] default=SECTION", then in the section
 * options= (Xen's command line), kernel=FILE ARGS, ramdisk=FILE, xsm=FILE;
 * files are relative to the config's directory. Adds those files to @ei.
 */
static void xen_efi_cfg(struct boot_state *st, struct entry_info *ei, const char *efi)
{
	_cleanup_free_ char *txt = NULL;
	char *dir = strdup(efi), *slash, *cfg = NULL;
	struct boot_xencfg xc;
	ssize_t n = -ENOENT;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	/* <name>.cfg first, then xen.cfg */
	if (strlen(efi) > 4 && !strcasecmp(efi + strlen(efi) - 4, ".efi")) {
		cfg = hv_asprintf("%.*s.cfg", (int)(strlen(efi) - 4), efi);
		n = cfg ? hv_root_read_maxf(st->root, 1 << 20, &txt, "%s", cfg) : -ENOMEM;
	}
	if (n < 0) {
		free(cfg);
		cfg = hv_asprintf("%s/xen.cfg", dir);
		n = cfg ? hv_root_read_maxf(st->root, 1 << 20, &txt, "%s", cfg) : -ENOMEM;
	}
	if (n < 0 || boot_xencfg_parse(txt, (size_t)n, &xc) < 0) {
		free(cfg);
		free(dir);
		return;
	}
	ei->xencfg = cfg;
	if (xc.section[0])
		ei->xensect = strdup(xc.section);
	if (ei->xensect && xc.kernel && ei->nf < BOOT_MAX_LOADS) {
		size_t wl = strcspn(xc.kernel, " \t");
		const char *args = xc.kernel + wl + strspn(xc.kernel + wl, " \t");
		struct file_info *fi = &ei->f[ei->nf];

		ei->xen_kargs = strdup(args);
		ei->kargs = ei->xen_kargs;
		fi->path = hv_asprintf("%s/%.*s", dir, (int)wl, xc.kernel);
		fi->exists = -ENOENT;
		if (fi->path)
			boot_look_at(st, fi, false);
		ei->kernel = (int)ei->nf++;
	}
	if (ei->xensect && xc.ramdisk && ei->nf < BOOT_MAX_LOADS) {
		struct file_info *fi = &ei->f[ei->nf];

		fi->path = hv_asprintf("%s/%s", dir, xc.ramdisk);
		fi->exists = -ENOENT;
		if (fi->path)
			boot_look_at(st, fi, false);
		ei->initrd[ei->ninitrd++] = (int)ei->nf++;
	}
	if (ei->xensect && xc.xsm && ei->nf < BOOT_MAX_LOADS) {
		struct file_info *fi = &ei->f[ei->nf];

		fi->path = hv_asprintf("%s/%s", dir, xc.xsm);
		fi->exists = -ENOENT;
		if (fi->path)
			boot_look_at(st, fi, false);
		ei->nf++;
	}
	ei->xen_opts = xc.options;
	xc.options = NULL;
	ei->xargs = ei->xen_opts ? ei->xen_opts : "";
	boot_xencfg_clear(&xc);
	free(dir);
}

/* Analyse entry @i once: map paths, classify what each load is. */
struct entry_info *boot_analyse(struct boot_state *st, size_t i)
{
	struct entry_info *ei = &st->ei[i];
	const struct boot_entry *e = &st->cfg->entries[i];
	size_t k;
	int first_mod = -1, nmod = 0;

	if (ei->done)
		return ei;
	ei->done = true;
	ei->hv = ei->kernel = -1;
	for (k = 0; k < e->nloads; k++) {
		const struct boot_load *l = &e->loads[k];
		struct file_info *fi = &ei->f[k];

		fi->path = boot_map_path(st, e, l, &fi->why);
		fi->exists = -ENOENT;
		/* only a hypervisor is inflated (multiboot headers, ELF); a compressed
		 * module is an initrd, which boot.initrd streams */
		if (fi->path)
			boot_look_at(st, fi, l->kind == BOOT_LOAD_HYPERVISOR);
		switch (l->kind) {
		case BOOT_LOAD_HYPERVISOR:
			ei->hv = (int)k;
			ei->xargs = l->args;
			ei->role = ROLE_DOM0;
			break;
		case BOOT_LOAD_LINUX:
			ei->kernel = (int)k;
			ei->kargs = l->args;
			if (ei->role == ROLE_NONE)
				ei->role = ROLE_KVM;
			break;
		case BOOT_LOAD_INITRD:
			ei->initrd[ei->ninitrd++] = (int)k;
			break;
		case BOOT_LOAD_MODULE:
			nmod++;
			if (first_mod < 0)
				first_mod = (int)k;
			if (fi->exists == 0 && fi->is_bzimage && ei->kernel < 0) {
				ei->kernel = (int)k;
				ei->kargs = l->args;
				if (first_mod != (int)k)
					ei->swapped = true;
			} else if (fi->exists == 0 && (fi->is_policy || fi->is_bzimage)) {
				/* an XSM policy, or a second kernel: neither is an initrd */
			} else if (!(fi->exists < 0 && (int)k == first_mod)) {
				/* a missing first module is the kernel (below); others initrds */
				ei->initrd[ei->ninitrd++] = (int)k;
			}
			break;
		case BOOT_LOAD_CHAIN:
			if (fi->exists == 0 && fi->is_pe && fi->xen_version[0] && ei->hv < 0) {
				ei->hv = (int)k;
				ei->xen_efi = true;
				ei->role = ROLE_DOM0;
			}
			break;
		}
	}
	ei->nf = e->nloads;
	if (ei->xen_efi)
		xen_efi_cfg(st, ei, ei->f[ei->hv].path);
	/* Xen: the first module is dom0's kernel whatever its content says */
	if (ei->hv >= 0 && ei->kernel < 0 && first_mod >= 0) {
		ei->kernel = first_mod;
		ei->kargs = e->loads[first_mod].args;
	}
	/* 20_linux_xen's "placeholder": Xen drops a module's first word (its name) */
	if (ei->kargs && hv_startswith(ei->kargs, "placeholder"))
		ei->kargs += strspn(ei->kargs + 11, " ") + 11;
	if (ei->xargs && hv_startswith(ei->xargs, "placeholder"))
		ei->xargs += strspn(ei->xargs + 11, " ") + 11;
	return ei;
}

void boot_pass_or_count(struct hv_check_ctx *ctx, struct boot_state *st, size_t i,
			struct pass_sum *ps, struct hv_finding **out, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	*out = NULL;
	if (!entry_selected_default(st, i)) {
		ps->others++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*out = boot_efind(ctx, st, i, HV_SEV_PASS, "%s", msg);
}

void boot_pass_summary(struct hv_check_ctx *ctx, const struct pass_sum *ps, const char *what)
{
	if (ps->others > 0)
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_PASS, "%s in %d other entr%s", what,
			      ps->others, ps->others == 1 ? "y" : "ies");
}

/* Entries worth validating: resolved, loading something, not chainloaders. */
bool boot_checkable(const struct boot_state *st, size_t i)
{
	const struct boot_entry *e = &st->cfg->entries[i];

	return !e->unresolved && e->nloads > 0;
}

/*
 * The analysis of entry @i when it boots a Linux kernel that can be checked:
 * boot_checkable, and not a chainloader (except xen.efi with its dom0 kernel).
 * NULL otherwise.
 */
struct entry_info *boot_linux_entry(struct boot_state *st, size_t i)
{
	struct entry_info *ei;

	if (!boot_checkable(st, i))
		return NULL;
	ei = boot_analyse(st, i);
	if (st->cfg->entries[i].loader == BOOT_LDR_CHAIN && (!ei->xen_efi || ei->kernel < 0))
		return NULL;
	return ei;
}

/* A "path" field built with printf. */
void boot_field_pathf(struct hv_finding *f, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hv_finding_str(f, "path", buf);
}

void boot_file_fields(struct hv_finding *f, const struct file_info *fi)
{
	if (fi->path)
		hv_finding_str(f, "path", fi->path);
}

struct entry_info *boot_each_entry(struct boot_state *st, size_t *i, enum boot_each what)
{
	struct entry_info *ei;

	for (; st->cfg && *i < st->cfg->nentries; (*i)++) {
		if (what == BOOT_EACH_LINUX) {
			ei = boot_linux_entry(st, *i);
			if (ei)
				return ei;
		} else if (boot_checkable(st, *i)) {
			ei = boot_analyse(st, *i);
			if (ei->hv >= 0)
				return ei;
		}
	}
	return NULL;
}
