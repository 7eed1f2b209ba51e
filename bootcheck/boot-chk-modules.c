// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-chk-modules: /lib/modules of the kernel an entry boots holds the KVM or
 * dom0 modules its role needs, built for that kernel (vermagic), and a dom0
 * kernel is configured for dom0 (CONFIG_XEN_DOM0).
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

/* ---- modules ---- */

static const char *const kvm_mods[] = { "kvm" };
static const char *const dom0_mods[] = { "xen-evtchn", "xen-gntdev", "xen-privcmd", "xenfs",
					 "xen-netback", "xen-blkback" };

/* kvm_intel or kvm_amd, from CPUID when the root can answer, else both are asked for. */
static int kvm_vendor_mods(const struct boot_state *st, const char **out)
{
	uint32_t r[4];

	if (hv_root_cpuid(st->root, 0, 0, r) == 0) {
		if (r[1] == 0x756e6547) {  /* "Genu" */
			out[0] = "kvm-intel";
			return 1;
		}
		if (r[1] == 0x68747541 || r[1] == 0x6f677948) {  /* "Auth", "Hygo" */
			out[0] = "kvm-amd";
			return 1;
		}
	}
	out[0] = "kvm-intel";
	out[1] = "kvm-amd";
	return 2;
}

static void check_one_module(struct hv_check_ctx *ctx, struct boot_state *st, size_t i,
			     const char *rel, const struct hv_moddir *md, const char *name,
			     bool any_of, int *bad, struct sbuf *ok)
{
	char path[512], vm[256];
	const char *rpath;
	struct hv_finding *f;
	_cleanup_free_ uint8_t *img = NULL;
	size_t len, pl;
	int rc;

	switch (hv_moddir_find(md, name, path, sizeof(path))) {
	case HV_MOD_BUILTIN:
		sbuf_adds(ok, ok->len ? ", " : "");
		sbuf_adds(ok, name);
		sbuf_adds(ok, " (built in)");
		return;
	case HV_MOD_ON_DISK:
		break;
	default:
		f = boot_efind(ctx, st, i, any_of ? HV_SEV_WARN : HV_SEV_FAIL,
			       "module %s is neither built into %s nor in modules.dep", name, rel);
		hv_finding_str(f, "kernel", rel);
		hv_finding_str(f, "module", name);
		(*bad)++;
		return;
	}
	/* the entry as modules.dep gives it, for messages */
	pl = strlen("/lib/modules/") + strlen(rel) + 1;
	rpath = strncmp(path, "/lib/modules/", 13) == 0 && strlen(path) > pl ? path + pl : path;
	rc = hv_mod_read(st->root, path, &img, &len);
	if (rc < 0) {
		f = boot_efind(ctx, st, i, HV_SEV_FAIL, "module %s: %s: %s", name, path, hv_strerror(-rc));
		hv_finding_str(f, "kernel", rel);
		hv_finding_str(f, "module", name);
		(*bad)++;
		return;
	}
	rc = hv_mod_vermagic(img, len, vm, sizeof(vm));
	if (rc < 0) {
		f = boot_efind(ctx, st, i, HV_SEV_FAIL, "module %s: %s has no vermagic (%s)", name, rpath,
			       rc == -EINVAL ? "not an ELF module" : "no .modinfo");
		boot_field_pathf(f, "%s", path);
		hv_finding_str(f, "kernel", rel);
		hv_finding_str(f, "module", name);
		(*bad)++;
		return;
	}
	size_t rl = strlen(rel);

	if (strncmp(vm, rel, rl) || (vm[rl] != ' ' && vm[rl] != '\0')) {
		vm[strcspn(vm, " ")] = '\0';
		f = boot_efind(ctx, st, i, HV_SEV_FAIL,
			       "module %s was built for %s, not %s: the kernel refuses it (vermagic)",
			       name, vm, rel);
		hv_finding_str(f, "path", path);
		hv_finding_str(f, "kernel", rel);
		hv_finding_str(f, "module", name);
		(*bad)++;
		return;
	}
	sbuf_adds(ok, ok->len ? ", " : "");
	sbuf_adds(ok, name);
}

/*
 * The modules entry @i's role needs in @md: the dom0 modules and a kernel
 * built with CONFIG_XEN_DOM0, or kvm and one vendor module. Problems are
 * reported; the modules found are appended to @ok. Returns the problems.
 */
static int role_modules(struct hv_check_ctx *ctx, struct boot_state *st, size_t i,
			const struct entry_info *ei, const char *rel, struct hv_moddir *md,
			struct sbuf *ok)
{
	struct hv_finding *f;
	const char *vend[2];
	int bad = 0, nv, nvok = 0;
	size_t k;

	if (ei->role == ROLE_DOM0) {
		_cleanup_free_ char *cfgtxt = NULL;

		for (k = 0; k < HV_ARRAY_SIZE(dom0_mods); k++)
			check_one_module(ctx, st, i, rel, md, dom0_mods[k], false, &bad, ok);
		if (hv_root_read_maxf(st->root, 4u << 20, &cfgtxt, "/boot/config-%s", rel) < 0) {
			f = boot_efind(ctx, st, i, HV_SEV_WARN,
				       "/boot/config-%s is missing: cannot tell whether the kernel "
				       "can be dom0", rel);
			hv_finding_str(f, "kernel", rel);
		} else if (!boot_kconfig_has(cfgtxt, "CONFIG_XEN_DOM0=y")) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL,
				       "%s is built without CONFIG_XEN_DOM0=y: it cannot run as dom0",
				       rel);
			boot_field_pathf(f, "/boot/config-%s", rel);
			hv_finding_str(f, "kernel", rel);
			bad++;
		}
	} else {
		struct sbuf vok = { 0 };
		int vbad = 0;

		for (k = 0; k < HV_ARRAY_SIZE(kvm_mods); k++)
			check_one_module(ctx, st, i, rel, md, kvm_mods[k], false, &bad, ok);
		nv = kvm_vendor_mods(st, vend);
		for (k = 0; k < (size_t)nv; k++) {
			int b0 = vbad;

			check_one_module(ctx, st, i, rel, md, vend[k], nv > 1, &vbad, &vok);
			if (vbad == b0)
				nvok++;
		}
		if (nvok == 0)
			bad++;
		if (vok.len) {
			sbuf_adds(ok, ok->len ? ", " : "");
			sbuf_adds(ok, vok.buf);
		}
		sbuf_free(&vok);
	}
	return bad;
}

int boot_chk_modules(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct entry_info *ei;
	struct pass_sum ps = { 0 };
	/* one look per (kernel release, role): entries repeat the same kernel */
	struct {
		const char *rel;
		enum role role;
		int bad;
		size_t entry;
		char *ok;
	} memo[32];
	size_t i, nmemo = 0, m;

	/* no config: no entries (boot.config said why) */
	for (i = 0; (ei = boot_each_entry(st, &i, BOOT_EACH_LINUX)); i++) {
		struct hv_finding *f;
		struct hv_moddir *md = NULL;
		struct sbuf ok = { 0 };
		const char *rel;
		struct stat sb;
		int bad = 0, rc;

		rel = boot_kernel_release(ei);
		if (!rel || ei->swapped)
			continue;
		for (m = 0; m < nmemo; m++)
			if (memo[m].role == ei->role && !strcmp(memo[m].rel, rel))
				break;
		if (m < nmemo) {
			if (memo[m].bad) {
				f = boot_efind(ctx, st, i, HV_SEV_FAIL, "the same module problems as '%s' (%s)",
					       st->cfg->entries[memo[m].entry].path, rel);
				hv_finding_str(f, "kernel", rel);
			} else {
				boot_pass_or_count(ctx, st, i, &ps, &f, "%s modules for %s: %s",
					           ei->role == ROLE_DOM0 ? "dom0" : "KVM", rel,
					           memo[m].ok ? memo[m].ok : "");
				hv_finding_str(f, "kernel", rel);
			}
			continue;
		}
		if (nmemo < HV_ARRAY_SIZE(memo)) {
			memo[nmemo] = (typeof(memo[0])){ rel, ei->role, 1, i, NULL };
			nmemo++;
		}
		if (hv_root_statf(st->root, &sb, "/lib/modules/%s", rel) < 0 || !S_ISDIR(sb.st_mode)) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "/lib/modules/%s does not exist", rel);
			boot_field_pathf(f, "/lib/modules/%s", rel);
			hv_finding_str(f, "kernel", rel);
			hv_finding_hint(f, "install the modules of %s (linux-image package)", rel);
			continue;
		}
		rc = hv_moddir_new(st->root, rel, &md);
		if (rc < 0) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "/lib/modules/%s: %s", rel, hv_strerror(-rc));
			hv_finding_str(f, "kernel", rel);
			continue;
		}
		if (!hv_moddir_has_dep(md)) {
			f = boot_efind(ctx, st, i, HV_SEV_FAIL, "/lib/modules/%s/modules.dep is missing",
				       rel);
			hv_finding_str(f, "kernel", rel);
			hv_finding_hint(f, "run depmod %s", rel);
			bad++;
		}
		bad += role_modules(ctx, st, i, ei, rel, md, &ok);
		if (!bad) {
			boot_pass_or_count(ctx, st, i, &ps, &f, "%s modules for %s: %s",
				           ei->role == ROLE_DOM0 ? "dom0" : "KVM", rel, ok.buf ? ok.buf : "");
			hv_finding_str(f, "kernel", rel);
		}
		if (nmemo > 0 && memo[nmemo - 1].entry == i) {
			memo[nmemo - 1].bad = bad;
			memo[nmemo - 1].ok = sbuf_take(&ok);
		}
		sbuf_free(&ok);
		hv_moddir_free(md);
	}
	boot_pass_summary(ctx, &ps, "the modules the role needs are present");
	for (m = 0; m < nmemo; m++)
		free(memo[m].ok);
	return 0;
}
