// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot: the vhv-check boot checks. boot_run() finds and parses the boot-loader
 * config once (struct boot_state), then each table row validates one aspect of
 * every entry (the config, the default, ids and the command lines here; the
 * images in boot-chk-image.c, the modules in boot-chk-modules.c). Problems are
 * reported for every entry; a passing result is reported in full for the
 * default entry and summed up for the others, so the output stays readable on
 * hosts with many kernels.
 */
#include "bootcheck/boot.h"

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
#include "bootcheck/boot-state.h"
#include "bootcheck/boot-xen.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-mod.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-xen.h"

/* ---------------------------------------------------------------- checks */

/*
 * --config named a xen.efi configuration (xen.cfg): no menu to walk, so the
 * file is checked alone: a default section, and the kernel, ramdisk and XSM
 * policy files it names, which xen.efi loads from its own directory.
 */
static int check_xencfg(struct hv_check_ctx *ctx, struct boot_state *st)
{
	const char *id = ctx->check->id;
	const struct boot_xencfg *x = &st->xc;
	const char *files[] = { x->kernel, x->ramdisk, x->xsm };
	const char *what[] = { "kernel", "ramdisk", "xsm" };
	_cleanup_free_ char *dir = strdup(st->cfg_path);
	struct hv_finding *f;
	char *slash;
	int bad = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (!x->section[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "%s is a xen.efi configuration whose [global] section has no "
				  "default=: xen.efi has nothing to boot", st->cfg_path);
		hv_finding_evidence(f, HV_LAYER_BOOT, "%s", st->cfg_path);
		return 0;
	}
	for (size_t i = 0; i < HV_ARRAY_SIZE(files); i++) {
		size_t wl;

		if (!files[i])
			continue;
		wl = strcspn(files[i], " \t");
		if (hv_root_existsf(st->root, "%s/%.*s", dir, (int)wl, files[i]) == 0)
			continue;
		bad++;
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "[%s] %s=%.*s: no such file in %s (xen.efi loads it from its own "
				  "directory)", x->section, what[i], (int)wl, files[i], dir);
		hv_finding_evidence(f, HV_LAYER_BOOT, "%s", st->cfg_path);
	}
	if (!x->kernel) {
		bad++;
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL, "[%s] has no kernel=: no dom0 to start",
				  x->section);
		hv_finding_evidence(f, HV_LAYER_BOOT, "%s", st->cfg_path);
	}
	if (!bad) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "%s: xen.efi configuration, section [%s]: Xen options '%s', kernel "
				  "and%s files present", st->cfg_path, x->section,
				  x->options ? x->options : "", x->ramdisk ? " ramdisk" : " no ramdisk;");
	}
	f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
			  "a xen.efi configuration is checked alone: the other boot checks need the "
			  "menu that chainloads xen.efi");
	hv_finding_hint(f, "run without --config (or give the grub.cfg) to check the whole chain");
	return 0;
}

static int chk_config(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct hv_finding *f;
	size_t i;

	if (st->kind == BOOT_CFG_SYSLINUX || st->kind == BOOT_CFG_BLS) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO,
				  "%s configuration found: not checked",
				  st->kind == BOOT_CFG_BLS ? "Boot Loader Specification (BLS)" :
							     "syslinux/extlinux");
		hv_finding_str(f, "path", st->cfg_path);
		return 0;
	}
	if (st->kind == BOOT_CFG_XENCFG && !st->cfg_err)
		return check_xencfg(ctx, st);
	if (!st->cfg) {
		if (st->cfg_err == -ENOENT && !(st->opts && st->opts->config)) {
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_SKIP,
					  "no boot loader configuration found");
			hv_finding_hint(f, "looked for /boot/grub/grub.cfg, /boot/grub2/grub.cfg, "
					   "/boot/grub/menu.lst, /boot/grub/grub.conf; use --config");
			return 0;
		}
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL, "cannot read %s: %s",
				  st->cfg_path, hv_strerror(-st->cfg_err));
		hv_finding_str(f, "path", st->cfg_path);
		return 0;
	}
	f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_PASS, "%s: %s, %zu entr%s",
			  st->cfg_path, st->kind == BOOT_CFG_LEGACY ? "GRUB legacy" : "GRUB 2",
			  st->cfg->nentries, st->cfg->nentries == 1 ? "y" : "ies");
	hv_finding_str(f, "path", st->cfg_path);
	if (st->cfg->truncated) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
				  "%s exceeds a parser limit; only part of it was read", st->cfg_path);
		hv_finding_str(f, "path", st->cfg_path);
	}
	for (i = 0; i < st->cfg->nentries; i++) {
		const struct boot_entry *e = &st->cfg->entries[i];

		if (e->unresolved && e->nloads > 0) {
			f = boot_efind(ctx, st, i, HV_SEV_WARN, "not checked: %s", e->unresolved);
			hv_finding_hint(f, "what it loads is decided at boot time (line %d)",
					e->line);
		} else if (e->nloads == 0) {
			boot_efind(ctx, st, i, HV_SEV_INFO, "loads no kernel: not checked");
		} else if (e->loader == BOOT_LDR_CHAIN && !boot_analyse(st, i)->xen_efi) {
			boot_efind(ctx, st, i, HV_SEV_INFO, "chainloads %s (not checked)",
			           e->loads[0].path ? e->loads[0].path : "a device");
		}
	}
	return 0;
}

/* Describe where the default came from, for messages. */
static const char *default_origin(const struct boot_state *st, char *buf, size_t len)
{
	const struct boot_cfg *c = st->cfg;

	if (c->default_var && (!c->deflt || !c->deflt[0]))
		snprintf(buf, len, "default (%s unset: first entry)", c->default_var);
	else if (c->default_var && !strcmp(c->default_var, "saved_entry"))
		snprintf(buf, len, "saved_entry '%s' (grubenv)", c->deflt ? c->deflt : "");
	else if (c->default_var && !strcmp(c->default_var, "next_entry"))
		snprintf(buf, len, "next_entry '%s' (grubenv)", c->deflt ? c->deflt : "");
	else if (c->deflt)
		snprintf(buf, len, "default '%s'", c->deflt);
	else
		snprintf(buf, len, "default (unset: first entry)");
	return buf;
}

static int chk_default(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct boot_cfg *c = st->cfg;
	struct hv_finding *f;
	char org[256];
	int r;

	if (!c)
		return 0;  /* boot.config said why */
	default_origin(st, org, sizeof(org));
	if (c->default_unresolved) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
				  "the default entry cannot be resolved statically: %s",
				  c->default_why ? c->default_why : "unknown");
		return 0;
	}
	if (c->nentries == 0) {
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL, "the menu has no entries");
		return 0;
	}
	if (st->default_ok) {
		f = boot_efind(ctx, st, (size_t)st->deflt, HV_SEV_PASS, "%s selects this entry", org);
	} else if (st->deflt == -EINVAL) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL,
				  "%s names a submenu, not an entry", org);
		hv_finding_hint(f, "use the full path, e.g. 'Submenu>Entry'");
	} else {
		int top = 0;
		size_t k;

		for (k = 0; k < c->nentries; k++)
			top = HV_MAX(top, c->entries[k].pidx[0] + 1);
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL,
				  "%s matches no entry (%d top-level item%s): GRUB boots the first "
				  "entry instead", org, top, top == 1 ? "" : "s");
		hv_finding_str(f, "entry", c->entries[0].path);
		hv_finding_bool(f, "default", true);
		hv_finding_hint(f, "%s", c->default_var ?
				"run grub-set-default or grub-reboot with an existing entry" :
				"set GRUB_DEFAULT to an existing entry and rerun update-grub");
	}
	if (c->saved_entry && !(c->default_var && !strcmp(c->default_var, "saved_entry")) &&
	    c->deflt && !strcmp(c->deflt, "saved")) {
		/* legacy "default saved" */
	}
	if (c->next_entry) {
		r = boot_cfg_resolve(c, c->next_entry);
		if (r < 0) {
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL,
					  "next_entry '%s' (grubenv, one-time boot) matches no entry",
					  c->next_entry);
		} else {
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO,
					  "next boot only: '%s' (next_entry)", c->entries[r].path);
			hv_finding_str(f, "entry", c->entries[r].path);
		}
	}
	if (c->fallback) {
		r = boot_cfg_resolve(c, c->fallback);
		if (r < 0) {
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
					  "fallback '%s' matches no entry", c->fallback);
		}
	}
	return 0;
}

static int chk_ids(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct boot_cfg *c = st->cfg;
	size_t i, j;
	int ndup = 0;

	if (!c)
		return 0;  /* boot.config said why */
	/* every menu node (entry or submenu) once; a node is its index path (entry, level) */
	struct node {
		size_t e;
		int d;
	} *nodes = calloc(c->nentries * (BOOT_MAX_DEPTH + 1) + 1, sizeof(*nodes));
	size_t nn = 0, m;

	if (!nodes)
		return -ENOMEM;
	for (i = 0; i < c->nentries; i++) {
		const struct boot_entry *a = &c->entries[i];
		int d;

		for (d = 0; d <= a->depth; d++) {
			for (m = 0; m < nn; m++)
				if (nodes[m].d == d &&
				    !memcmp(c->entries[nodes[m].e].pidx, a->pidx, sizeof(int) * (size_t)(d + 1)))
					break;
			if (m == nn)
				nodes[nn++] = (struct node){ i, d };
		}
	}
	for (j = 0; j < nn; j++) {
		const struct boot_entry *a = &c->entries[nodes[j].e];
		const char *id = a->pid[nodes[j].d];

		if (!id)
			continue;
		for (m = 0; m < j; m++) {
			const struct boot_entry *b = &c->entries[nodes[m].e];

			if (b->pid[nodes[m].d] && !strcmp(b->pid[nodes[m].d], id))
				break;
		}
		if (m < j) {
			const struct boot_entry *b = &c->entries[nodes[m].e];
			char *pa = boot_join_path((const char *const *)a->ptitle, nodes[j].d + 1);
			char *pb = boot_join_path((const char *const *)b->ptitle, nodes[m].d + 1);
			struct hv_finding *f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
				"'%s' has the id of '%s' (%s): default= by id picks the first",
				pa ? pa : "?", pb ? pb : "?", id);

			hv_finding_str(f, "entry", pa);
			hv_finding_str(f, "id", id);
			free(pa);
			free(pb);
			ndup++;
		}
	}
	free(nodes);
	if (!ndup)
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_PASS, "entry ids are unique");
	return 0;
}

/* ---- root= ---- */

static int dev_exists(struct boot_state *st, const char *spec, bool *verified)
{
	const char *v;

	*verified = true;
	if (hv_root_is_live(st->root) && hv_startswith(spec, "/dev/")) {
		struct stat sb;

		/* blkid_evaluate_tag returns a path as given, unlooked-up: stat it */
		return hv_root_statf(st->root, &sb, "%s", spec) == 0 && S_ISBLK(sb.st_mode) ? 0 :
		       -ENOENT;
	}
	if (hv_root_is_live(st->root)) {
		blkid_cache cache = boot_live_blkid(st);
		char *dev;

		if (!cache)
			return -ENOMEM;
		dev = blkid_evaluate_tag(spec, NULL, &cache);
		if (dev) {
			free(dev);
			return 0;
		}
		return -ENOENT;
	}
	if ((v = hv_startswith(spec, "UUID=")))
		return hv_root_existsf(st->root, "/dev/disk/by-uuid/%s", v) == 0 ? 0 :
			(hv_root_existsf(st->root, "/dev/disk/by-uuid") == 0 ? -ENOENT :
			 (*verified = false, -ENODEV));
	if ((v = hv_startswith(spec, "LABEL=")))
		return hv_root_existsf(st->root, "/dev/disk/by-label/%s", v) == 0 ? 0 :
			(hv_root_existsf(st->root, "/dev/disk/by-label") == 0 ? -ENOENT :
			 (*verified = false, -ENODEV));
	if ((v = hv_startswith(spec, "PARTUUID=")))
		return hv_root_existsf(st->root, "/dev/disk/by-partuuid/%s", v) == 0 ? 0 :
			(hv_root_existsf(st->root, "/dev/disk/by-partuuid") == 0 ? -ENOENT :
			 (*verified = false, -ENODEV));
	if (hv_startswith(spec, "/dev/"))
		return hv_root_existsf(st->root, "%s", spec) == 0 ? 0 :
			(hv_root_existsf(st->root, "/dev/disk") == 0 ? -ENOENT :
			 (*verified = false, -ENODEV));
	*verified = false;
	return -ENODEV;
}

static int chk_rootdev(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct entry_info *ei;
	struct pass_sum ps = { 0 };
	size_t i;

	/* no config: no entries (boot.config said why) */
	for (i = 0; (ei = boot_each_entry(st, &i, BOOT_EACH_LINUX)); i++) {
		struct hv_finding *f;
		char rootarg[256];
		const char *fsroot;
		bool verified;
		int rc;

		if (!ei->kargs || !boot_cmdline_get(ei->kargs, "root", rootarg, sizeof(rootarg))) {
			if (ei->kernel >= 0)
				boot_efind(ctx, st, i, HV_SEV_INFO,
				           "no root= on the kernel command line (the initrd decides)");
			continue;
		}
		rc = dev_exists(st, rootarg, &verified);
		fsroot = boot_fstab_spec(st, "/");
		if (rc == 0) {
			boot_pass_or_count(ctx, st, i, &ps, &f, "root=%s exists", rootarg);
		} else if (!verified) {
			const char *groot = st->cfg->entries[i].root;
			const char *guuid = groot ? hv_startswith(groot, "uuid:") : NULL;
			const char *ruuid = hv_startswith(rootarg, "UUID=");
			bool fs_same_kind = fsroot && ruuid && hv_startswith(fsroot, "UUID=");

			if (fsroot && !strcmp(fsroot, rootarg))
				boot_pass_or_count(ctx, st, i, &ps, &f,
					           "root=%s is / in /etc/fstab (device not verified: "
					           "offline root)", rootarg);
			else if (ruuid && guuid && !strcasecmp(ruuid, guuid))
				boot_pass_or_count(ctx, st, i, &ps, &f,
					           "root=%s is the filesystem GRUB loads the kernel from "
					           "(search --fs-uuid)", rootarg);
			else if (ruuid && (fs_same_kind || (!fsroot && guuid))) {
				/* the same kind of name, another value: the kernel will not find it */
				f = boot_efind(ctx, st, i, HV_SEV_FAIL,
					       "root=%s matches neither / in /etc/fstab (%s) nor GRUB's "
					       "search --fs-uuid (%s): the kernel will not find its root",
					       rootarg, fsroot ? fsroot : "none", guuid ? guuid : "none");
				hv_finding_evidence(f, HV_LAYER_BOOT, "%s; /etc/fstab", st->cfg_path);
				hv_finding_hint(f, "set root= to the UUID of the root filesystem (blkid), "
						   "then update-grub");
			} else
				boot_efind(ctx, st, i, HV_SEV_WARN,
				           "root=%s cannot be verified here and is not / in /etc/fstab",
				           rootarg);
		} else {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "root=%s: no such device", rootarg);
			hv_finding_hint(f, "%s%s", fsroot ? "/etc/fstab mounts / from " : "",
					fsroot ? fsroot : "check the filesystem UUID with blkid");
		}
	}
	boot_pass_summary(ctx, &ps, "the root device exists");
	return 0;
}

/* ---- Xen command line ---- */

/*
 * Is the hypervisor at @path built with XSM/FLASK? Debian installs its build
 * configuration beside it (/boot/xen-4.17-amd64.config for xen-4.17-amd64.gz).
 * 1 yes, 0 no, -1 unknown.
 */
static int xen_has_xsm(const struct boot_state *st, const char *path)
{
	_cleanup_free_ char *txt = NULL;
	size_t l;

	if (!path)
		return -1;
	l = strlen(path);
	if (l > 3 && !strcmp(path + l - 3, ".gz"))
		l -= 3;
	else if (l > 4 && !strcmp(path + l - 4, ".efi"))
		l -= 4;
	if (hv_root_read_maxf(st->root, 1 << 20, &txt, "%.*s.config", (int)l, path) < 0)
		return -1;
	if (boot_kconfig_has(txt, "CONFIG_XSM_FLASK=y"))
		return 1;
	return boot_kconfig_has(txt, "# CONFIG_XSM is not set") ||
		       boot_kconfig_has(txt, "CONFIG_XSM=y") ? 0 : -1;
}

static int chk_xen_cmdline(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct entry_info *ei;
	struct pass_sum ps = { 0 };
	struct boot_xen_issue is[BOOT_XEN_MAX_ISSUES];
	size_t i, k;

	/* no config: no entries (boot.config said why) */
	for (i = 0; (ei = boot_each_entry(st, &i, BOOT_EACH_XEN)); i++) {
		struct hv_finding *f;
		bool has_policy = false;
		int n, j, xsm, bad = 0;
		char fl[16];

		for (k = 0; k < ei->nf; k++)
			if ((int)k != ei->hv && ei->f[k].is_policy)
				has_policy = true;
		/* Xen's .config (up to 1 MiB) matters only to flask=enforcing. */
		xsm = -1;
		if (ei->xargs && boot_cmdline_get(ei->xargs, "flask", fl, sizeof(fl)) &&
		    !strcmp(fl, "enforcing"))
			xsm = xen_has_xsm(st, ei->f[ei->hv].path);
		n = boot_xen_cmdline_lint(ei->xargs, has_policy, xsm, is);
		for (j = 0; j < n; j++) {
			f = boot_efind(ctx, st, i, is[j].sev, "%s", is[j].msg);
			if (is[j].hint[0])
				hv_finding_hint(f, "%s", is[j].hint);
			if (is[j].sev == HV_SEV_WARN || is[j].sev == HV_SEV_FAIL)
				bad++;
		}
		if (!bad)
			boot_pass_or_count(ctx, st, i, &ps, &f, "Xen command line: %s",
				           ei->xargs && ei->xargs[0] ? ei->xargs : "(empty)");
	}
	boot_pass_summary(ctx, &ps, "the Xen command line is sane");
	return 0;
}

/*
 * Kernel options that change what guests get: configured but not in effect,
 * they are a reboot (or an update-grub) away.
 */
static const char *const virt_opts[] = {
	"intel_iommu=", "amd_iommu=", "iommu=", "iommu.passthrough=", "intremap=", "kvm.",
	"kvm_intel.", "kvm-intel.", "kvm_amd.", "kvm-amd.", "kvm_pvm.", "hugepages=",
	"hugepagesz=", "default_hugepagesz=", "transparent_hugepage=", "vfio-pci.",
	"vfio_pci.", "vfio_iommu_type1.", "systemd.unified_cgroup_hierarchy=", "isolcpus=",
	"nohz_full=", "l1tf=", "mitigations=",
};

static bool virt_opt(const char *w)
{
	for (size_t i = 0; i < HV_ARRAY_SIZE(virt_opts); i++)
		if (strncmp(w, virt_opts[i], strlen(virt_opts[i])) == 0)
			return true;
	return false;
}

/* The words of @line before a "--" (the rest goes to init), in @out (NUL-separated). */
static size_t cmdline_words(const char *line, char *buf, size_t len, const char **w, size_t max)
{
	char *save = NULL, *tok;
	size_t n = 0;

	snprintf(buf, len, "%s", line ? line : "");
	for (tok = strtok_r(buf, " \t\n", &save); tok && n < max; tok = strtok_r(NULL, " \t\n", &save)) {
		if (strcmp(tok, "--") == 0)
			break;
		w[n++] = tok;
	}
	return n;
}

/* GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT of /etc/default/grub, quotes removed. */
static void default_grub_cmdline(const struct hv_root *r, char *out, size_t len)
{
	_cleanup_free_ char *txt = NULL;
	size_t o = 0;

	out[0] = '\0';
	if (hv_root_read_maxf(r, 1u << 20, &txt, "/etc/default/grub") < 0)
		return;
	for (char *l = strtok(txt, "\n"); l; l = strtok(NULL, "\n")) {
		const char *v = hv_startswith(l, "GRUB_CMDLINE_LINUX=");
		size_t n;

		if (!v)
			v = hv_startswith(l, "GRUB_CMDLINE_LINUX_DEFAULT=");
		if (!v)
			continue;
		if (*v == '"' || *v == '\'')
			v++;
		n = strcspn(v, "\"'");
		o += (size_t)snprintf(out + o, len - o, "%s%.*s", o ? " " : "", (int)n, v);
		if (o >= len)
			return;
	}
}

/*
 * Configured against effective: each virtualization option of the default
 * entry and of /etc/default/grub that /proc/cmdline does not have.
 */
static void cmdline_effective(struct hv_check_ctx *ctx, struct boot_state *st, const char *cl)
{
	char cbuf[4096], ebuf[4096], gbuf[2048];
	const char *cw[256], *ew[256];
	size_t nc = 0, ne;
	const char *entry = NULL;

	ne = cmdline_words(cl, ebuf, sizeof(ebuf), ew, HV_ARRAY_SIZE(ew));
	if (st->cfg && st->deflt >= 0 && boot_checkable(st, (size_t)st->deflt)) {
		struct entry_info *ei = boot_analyse(st, (size_t)st->deflt);

		entry = ei->xen_kargs ? ei->xen_kargs : ei->kargs;
	}
	default_grub_cmdline(st->root, gbuf, sizeof(gbuf));
	for (int src = 0; src < 2; src++) {
		const char *text = src ? gbuf : entry;

		nc = cmdline_words(text, cbuf, sizeof(cbuf), cw, HV_ARRAY_SIZE(cw));
		for (size_t i = 0; i < nc; i++) {
			bool in_effect = false, in_entry = false;
			struct hv_finding *f;

			if (!virt_opt(cw[i]))
				continue;
			for (size_t j = 0; j < ne && !in_effect; j++)
				in_effect = strcmp(cw[i], ew[j]) == 0;
			if (in_effect)
				continue;
			if (src && entry) {
				char tbuf[4096];
				const char *tw[256];
				size_t nt = cmdline_words(entry, tbuf, sizeof(tbuf), tw, HV_ARRAY_SIZE(tw));

				for (size_t j = 0; j < nt && !in_entry; j++)
					in_entry = strcmp(cw[i], tw[j]) == 0;
				if (in_entry)
					continue;  /* said once, for the entry */
			}
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
					  "%s is configured (%s) but not in effect: the running "
					  "kernel was booted without it", cw[i], src ? "/etc/default/grub" :
					  "the default boot entry");
			hv_finding_evidence(f, HV_LAYER_BOOT, "%s; /proc/cmdline lacks it",
					    src ? "/etc/default/grub" : st->cfg_path);
			hv_finding_hint(f, "%s", src ? "run update-grub (or grub2-mkconfig -o "
					"/boot/grub2/grub.cfg), then reboot" : "reboot into the default entry");
			hv_finding_str(f, "option", cw[i]);
		}
	}
}

static int chk_running(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	_cleanup_free_ char *cl = NULL, *xen = NULL;
	struct hv_finding *f;
	struct utsname uts;
	int rc;

	rc = hv_root_read_linef(st->root, &cl, "/proc/cmdline");
	if (rc < 0)
		return rc;
	f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO, "running kernel command line: %s",
			  cl);
	hv_finding_str(f, "path", "/proc/cmdline");
	cmdline_effective(ctx, st, cl);
	if (hv_root_read_linef(st->root, &xen, "/sys/hypervisor/type") == 0 && !strcmp(xen, "xen"))
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO, "running as a Xen domain now");
	/* is the running kernel one the menu boots? (context for a reboot) */
	if (st->cfg && hv_root_uname(st->root, &uts) == 0) {
		size_t i;
		int hits = 0;

		for (i = 0; i < st->cfg->nentries; i++) {
			const char *rel;

			if (!boot_checkable(st, i))
				continue;
			rel = boot_kernel_release(boot_analyse(st, i));
			if (rel && !strcmp(rel, uts.release))
				hits++;
		}
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO,
				  "running kernel %s is %s", uts.release, hits ?
				  "booted by an entry of the menu" : "booted by no entry of the menu");
		hv_finding_str(f, "kernel", uts.release);
	}
	return 0;
}

/*
 * The running hypervisor against the default entry: is what the menu boots
 * what is running? Xen's command line as it was booted comes from the
 * hypervisor (hv-xen: libxenctrl, or `xl info` in a captured root).
 */
static int chk_xen_running(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	const char *id = ctx->check->id;
	struct hv_xen_host h;
	struct entry_info *ei;
	struct hv_finding *f;
	char miss[512];
	int rc, n;

	rc = hv_root_xen_host(st->root, &h);
	if (rc == -ENXIO && st->cfg && st->deflt >= 0 && boot_checkable(st, (size_t)st->deflt) &&
	    boot_analyse(st, (size_t)st->deflt)->hv >= 0) {
		f = boot_efind(ctx, st, (size_t)st->deflt, HV_SEV_WARN,
			       "this default entry boots Xen, but the host is not running Xen: the last "
			       "boot did not use it, or Xen failed and GRUB fell back");
		hv_finding_hint(f, "look at the boot console or `journalctl -b -1`; GRUB's "
				   "fallback and next_entry (grubenv) pick other entries");
		return 0;
	}
	if (rc < 0) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP, "no running Xen to compare with: %s",
			      hv_xen_strerror(rc));
		return 0;
	}
	if (!st->cfg || st->deflt < 0 || !boot_checkable(st, (size_t)st->deflt)) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "Xen %s is running, but no default entry to compare it with",
			      h.version);
		return 0;
	}
	ei = boot_analyse(st, (size_t)st->deflt);
	if (ei->hv < 0) {
		f = boot_efind(ctx, st, (size_t)st->deflt, HV_SEV_WARN,
			       "Xen %s is running, but this default entry boots no hypervisor: the next "
			       "boot leaves Xen", h.version);
		hv_finding_hint(f, "set GRUB_DEFAULT to the Xen entry (Debian: "
				   "/etc/default/grub.d/xen.cfg) and run update-grub");
		hv_finding_str(f, "running", h.cmdline);
		return 0;
	}
	n = boot_xen_cmdline_missing(ei->xargs, h.cmdline, miss, sizeof(miss));
	if (n) {
		f = boot_efind(ctx, st, (size_t)st->deflt, HV_SEV_WARN,
			       "%d Xen option%s of this entry %s not in effect: %s; Xen was booted with "
			       "\"%s\", the entry has \"%s\"", n, n == 1 ? "" : "s",
			       n == 1 ? "is" : "are", miss, h.cmdline, ei->xargs);
		hv_finding_hint(f, "the entry edited is not the one that booted, or it was edited "
				   "since: reboot into it, or check GRUB_DEFAULT and update-grub");
	} else {
		f = boot_efind(ctx, st, (size_t)st->deflt, HV_SEV_PASS,
			       "the running Xen %s was booted with this entry's options", h.version);
	}
	hv_finding_str(f, "running", h.cmdline);
	hv_finding_str(f, "configured", ei->xargs ? ei->xargs : "");
	return 0;
}

/* The boot checks: one row each; ids are the --checks names and man-page entries. */
static const struct hv_check checks[] = {
	{ "boot.config", "a GRUB 2 or GRUB legacy config is found and parsed", chk_config, 0 },
	{ "boot.default", "the default entry (default=, saved_entry, next_entry) exists",
	  chk_default, 0 },
	{ "boot.ids", "menu entry ids are unique", chk_ids, 0 },
	{ "boot.hypervisor", "the hypervisor image exists and has the header its loader needs",
	  boot_chk_hypervisor, 0 },
	{ "boot.kernel", "the kernel (dom0 kernel: first module) is a Linux bzImage", boot_chk_kernel,
	  0 },
	{ "boot.initrd", "the initrd is readable and holds modules of the same kernel",
	  boot_chk_initrd, 0 },
	{ "boot.modules", "/lib/modules has the KVM or dom0 modules with the right vermagic",
	  boot_chk_modules, 0 },
	{ "boot.rootdev", "the root= device exists", chk_rootdev, 0 },
	{ "boot.xen-cmdline", "Xen command line: dom0_mem, dom0_max_vcpus, iommu=, XSM policy",
	  chk_xen_cmdline, 0 },
	{ "boot.running", "the running kernel's command line (context)", chk_running,
	  HV_NEED_LIVE },
	{ "boot.xen-running", "the running Xen was booted with the default entry's options",
	  chk_xen_running, HV_NEED_LIVE },
};

const struct hv_check *boot_checks(size_t *n)
{
	*n = HV_ARRAY_SIZE(checks);
	return checks;
}

static void state_free(struct boot_state *st)
{
	size_t i, k;

	boot_xencfg_clear(&st->xc);
	if (st->ei && st->cfg)
		for (i = 0; i < st->cfg->nentries; i++)
			for (k = 0; k < BOOT_MAX_LOADS; k++) {
				free(st->ei[i].f[k].path);
				free(st->ei[i].f[k].why);
			}
	if (st->ei && st->cfg)
		for (i = 0; i < st->cfg->nentries; i++) {
			free(st->ei[i].xencfg);
			free(st->ei[i].xensect);
			free(st->ei[i].xen_opts);
			free(st->ei[i].xen_kargs);
		}
	for (i = 0; i < st->nfc; i++)
		free(st->fc[i].path);
	free(st->ei);
	boot_cfg_free(st->cfg);
	boot_env_clear(&st->env);
	free(st->env_path);
	free(st->cfg_path);
	if (st->blkid)
		blkid_put_cache(st->blkid);
}

int boot_run(const struct hv_root *root, struct hv_report *rep, const char *const *only,
	     const struct boot_opts *opts)
{
	struct boot_state st = { .root = root, .opts = opts, .deflt = -ENOENT };
	char *buf = NULL;
	size_t n;
	const struct hv_check *tab = boot_checks(&n);
	int rc;

	boot_read_fstab(&st);
	rc = boot_find_config(&st, &buf);
	if (rc < 0) {
		st.cfg_err = rc;
	} else if (buf && st.kind == BOOT_CFG_GRUB2) {
		boot_load_grubenv(&st);
		rc = boot_grub2_parse(buf, strlen(buf), st.have_env ? &st.env : NULL, boot_grub_exists,
				      &st, &st.cfg);
	} else if (buf && st.kind == BOOT_CFG_XENCFG) {
		rc = boot_xencfg_parse(buf, strlen(buf), &st.xc);
	} else if (buf && st.kind == BOOT_CFG_LEGACY) {
		rc = boot_legacy_parse(buf, strlen(buf), &st.cfg);
		if (rc >= 0)
			boot_legacy_saved(&st);
	}
	free(buf);
	if (rc == -ENOMEM) {
		state_free(&st);
		return rc;
	}
	if (rc < 0 && !st.cfg_err)
		st.cfg_err = rc;
	if (st.cfg) {
		st.deflt = boot_cfg_resolve(st.cfg, NULL);
		st.default_ok = st.deflt >= 0;
		/* GRUB boots the first entry when the default matches nothing */
		if (st.deflt == -ENOENT && st.cfg->nentries > 0 && !st.cfg->default_unresolved)
			st.deflt = 0;
		st.ei = calloc(st.cfg->nentries ? st.cfg->nentries : 1, sizeof(*st.ei));
		if (!st.ei) {
			state_free(&st);
			return -ENOMEM;
		}
	}
	rc = hv_checks_run(tab, n, root, rep, only, &st);
	state_free(&st);
	return rc;
}
