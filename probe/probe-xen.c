// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-xen: is this host a Xen dom0, a domU, or not on Xen at all, and does
 * a dom0 have what the toolstack (xl, libxl, libvirt's libxl driver) needs:
 * the privcmd/evtchn/gntdev devices, their modules, xenfs and xenstored.
 *
 * Sources: /sys/hypervisor/{type,guest_type,properties/features,version/...}
 * (Linux drivers/xen/sys-hypervisor.c), /proc/xen/capabilities ("control_d" in
 * dom0, drivers/xen/xenfs/super.c), /dev/xen/..., /sys/module/xen_..., the mount
 * table, /proc/PID/comm and /run/xenstored.pid.
 */
#include "probe/probe-platform.h"
#include "probe/probe-internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-mod.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-xen.h"
#include "probe/probe-checks.h"

/* xen/include/public/features.h: "operation as Dom0 is supported" */
#define XENFEAT_dom0 11

int probe_xen_role(const struct hv_root *r, enum probe_xen_role *role, const char **how)
{
	_cleanup_free_ char *type = NULL, *caps = NULL, *feat = NULL;
	uint64_t features;
	ssize_t n;
	int rc;

	*role = PROBE_XEN_NONE;
	*how = "no /sys/hypervisor/type";
	rc = hv_root_read_linef(r, &type, "/sys/hypervisor/type");
	if (rc == 0 && strcmp(type, "xen") != 0) {
		*how = "/sys/hypervisor/type is not \"xen\"";
		return 0;
	}
	/* xenfs: "control_d" in the control domain, empty in a domU */
	n = hv_root_read_maxf(r, 4096, &caps, "/proc/xen/capabilities");
	if (n >= 0) {
		*role = hv_word_in_list(caps, "control_d") ? PROBE_XEN_DOM0 : PROBE_XEN_DOMU;
		*how = "/proc/xen/capabilities";
		return 0;
	}
	if (rc < 0)
		return 0;    /* neither sysfs nor xenfs says Xen */
	/* xenfs not mounted: the XENFEAT_dom0 feature bit (as systemd-detect-virt) */
	if (hv_root_read_linef(r, &feat, "/sys/hypervisor/properties/features") == 0 &&
	    hv_parse_u64(feat, 16, &features) == 0) {
		*role = (features >> XENFEAT_dom0) & 1 ? PROBE_XEN_DOM0 : PROBE_XEN_DOMU;
		*how = "/sys/hypervisor/properties/features (XENFEAT_dom0)";
		return 0;
	}
	*role = PROBE_XEN_DOMU;
	*how = "/sys/hypervisor/type (no xenfs, no feature bits: assumed a guest)";
	return 0;
}

bool probe_platform_skip_dom0(struct hv_check_ctx *ctx, const char *why)
{
	enum probe_xen_role role;
	const char *how;

	if (probe_xen_role(ctx->root, &role, &how) < 0 || role != PROBE_XEN_DOM0)
		return false;
	hv_report_add(ctx->rep, ctx->check->id, HV_SEV_SKIP, "%s: %s", ctx->check->title, why);
	return true;
}

/* For the dom0-only checks: add a SKIP unless this is a dom0. Returns true when skipped. */
static bool need_dom0(struct hv_check_ctx *ctx, enum probe_xen_role *rolep)
{
	enum probe_xen_role role;
	const char *how;
	if (probe_platform_need_dir(ctx, "/sys"))
		return true;
	if (probe_xen_role(ctx->root, &role, &how) < 0)
		role = PROBE_XEN_NONE;
	if (rolep)
		*rolep = role;
	if (role == PROBE_XEN_DOM0)
		return false;
	hv_report_add(ctx->rep, ctx->check->id, HV_SEV_SKIP, "%s: %s", ctx->check->title,
		      role == PROBE_XEN_DOMU ? "this is a Xen guest (domU), not dom0"
					     : "not running on Xen");
	return true;
}

int probe_chk_xen_role(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id, *how;
	_cleanup_free_ char *type = NULL, *gtype = NULL;
	enum probe_xen_role role;
	struct hv_finding *f;
	char clean[64], gclean[32] = "";
	int rc;

	if (probe_platform_need_dir(ctx, "/sys"))
		return 0;
	rc = probe_xen_role(ctx->root, &role, &how);
	if (rc < 0)
		return rc;
	if (hv_root_read_linef(ctx->root, &gtype, "/sys/hypervisor/guest_type") == 0)
		probe_clean(gtype, gclean, sizeof(gclean));
	switch (role) {
	case PROBE_XEN_DOM0:
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "Xen dom0 (the control domain%s%s%s): this host runs Xen guests",
				  gclean[0] ? ", " : "", gclean, gclean[0] ? " kernel" : "");
		break;
	case PROBE_XEN_DOMU:
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "a Xen guest (domU%s%s): VMs inside it need nested virtualization",
				  gclean[0] ? ", " : "", gclean);
		hv_finding_hint(f, "run VMs on the dom0, or give this guest nested HVM "
				   "(nested_virt=true in its xl config)");
		break;
	default:
		if (hv_root_read_linef(ctx->root, &type, "/sys/hypervisor/type") == 0) {
			f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
					  "not Xen: /sys/hypervisor/type says \"%s\"",
					  probe_clean(type, clean, sizeof(clean)));
		} else {
			f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
					  "not running on Xen (no /sys/hypervisor/type)");
		}
		break;
	}
	hv_finding_str(f, "role", role == PROBE_XEN_DOM0 ? "dom0" :
				  role == PROBE_XEN_DOMU ? "domU" : "none");
	hv_finding_str(f, "evidence", how);
	if (gclean[0])
		hv_finding_str(f, "guest_type", gclean);
	return 0;
}

int probe_chk_xen_version(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id, *how;
	_cleanup_free_ char *smaj = NULL, *smin = NULL, *extra = NULL;
	enum probe_xen_role role;
	uint64_t maj, min;
	struct hv_finding *f;
	char clean[64], eclean[48] = "", ver[128];
	int rc;

	if (probe_platform_need_dir(ctx, "/sys"))
		return 0;
	if (probe_xen_role(ctx->root, &role, &how) < 0 || role == PROBE_XEN_NONE) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP, "%s: not running on Xen", ctx->check->title);
		return 0;
	}
	rc = hv_root_read_linef(ctx->root, &smaj, "/sys/hypervisor/version/major");
	if (rc == 0)
		rc = hv_root_read_linef(ctx->root, &smin, "/sys/hypervisor/version/minor");
	if (rc < 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "cannot read the Xen version from /sys/hypervisor/version: %s",
				  hv_strerror(-rc));
		hv_finding_hint(f, "load xen_sys_hypervisor support (CONFIG_XEN_SYS_HYPERVISOR), "
				   "or ask `xl info`");
		return 0;
	}
	if (hv_parse_u64(smaj, 10, &maj) < 0 || hv_parse_u64(smin, 10, &min) < 0 ||
	    maj > 1000 || min > 1000) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "/sys/hypervisor/version holds garbage: major \"%s\"",
				  probe_clean(smaj, clean, sizeof(clean)));
		probe_clean(smin, clean, sizeof(clean));
		hv_finding_str(f, "minor", clean);
		hv_finding_hint(f, "ask the hypervisor with `xl info`");
		return 0;
	}
	if (hv_root_read_linef(ctx->root, &extra, "/sys/hypervisor/version/extra") == 0)
		probe_clean(extra, eclean, sizeof(eclean));
	snprintf(ver, sizeof(ver), "%llu.%llu%s", (unsigned long long)maj,
		 (unsigned long long)min, eclean);
	f = hv_report_add(ctx->rep, id, HV_SEV_INFO, "Xen %s", ver);
	hv_finding_str(f, "xen_version", ver);
	return 0;
}

const struct hv_xen_host *probe_xen_host_get(struct probe_state *st)
{
	if (!st->xen && !st->xen_err) {
		st->xen = malloc(sizeof(*st->xen));
		st->xen_err = st->xen ? hv_root_xen_host(st->root, st->xen) : -ENOMEM;
		if (st->xen_err < 0) {
			free(st->xen);
			st->xen = NULL;
		}
	}
	return st->xen;
}

/*
 * Ask the hypervisor (hv-xen: libxenctrl on the live host, `xl info` in a
 * captured root), once for all the checks. NULL after reporting a SKIP when it
 * cannot be asked.
 */
static const struct hv_xen_host *xen_host(struct hv_check_ctx *ctx)
{
	struct probe_state *st = ctx->data;
	struct hv_finding *f;
	int rc;

	if (need_dom0(ctx, NULL))
		return NULL;
	probe_xen_host_get(st);
	rc = st->xen_err;
	if (rc == 0)
		return st->xen;
	f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_SKIP, "cannot ask the hypervisor: %s",
			  hv_xen_strerror(rc));
	if (rc == -ENOPKG)
		hv_finding_hint(f, "apt install xen-utils-common (it brings libxenmisc), or compare "
				   "with `xl info`");
	return NULL;
}

int probe_chk_xen_host(struct hv_check_ctx *ctx)
{
	const struct hv_xen_host *h = xen_host(ctx);
	struct hv_finding *f;
	char line[256];

	if (!h)
		return 0;
	f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO, "%s",
			  hv_xen_host_line(h, line, sizeof(line)));
	hv_finding_str(f, "xen_version", h->version);
	hv_finding_str(f, "scheduler", h->scheduler);
	hv_finding_int(f, "nr_cpus", h->nr_cpus);
	hv_finding_int(f, "total_kib", (long long)h->total_kb);
	hv_finding_int(f, "free_kib", (long long)h->free_kb);
	hv_finding_str(f, "xen_caps", h->caps);
	f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO, "Xen was booted with: %s",
			  h->cmdline[0] ? h->cmdline : "(an empty command line)");
	hv_finding_str(f, "xen_commandline", h->cmdline);
	return 0;
}

/*
 * PV guests need nothing from the CPU. HVM guests need VT-x/AMD-V, and PVH
 * guests run in an HVM container: Xen says whether it has them in physinfo's
 * capabilities (xl info: virt_caps "hvm"). They also need paging: "hap"
 * (EPT/NPT), else "shadow" (Xen shadows guest page tables: slower; a build
 * option, off in Debian's 4.17), else they cannot start.
 */
int probe_chk_xen_guests(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct hv_xen_host *h = xen_host(ctx);
	struct hv_finding *f;
	bool hvm, hap, shadow;

	if (!h)
		return 0;
	if (!h->virt_caps[0]) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP, "the hypervisor did not say what it can run "
			      "(no virt_caps)");
		return 0;
	}
	hvm = hv_word_in_list(h->virt_caps, "hvm");
	hap = hv_word_in_list(h->virt_caps, "hap");
	shadow = hv_word_in_list(h->virt_caps, "shadow");
	if (hvm && (hap || shadow)) {
		f = hv_report_add(ctx->rep, id, hap ? HV_SEV_PASS : HV_SEV_WARN,
				  "Xen runs PV, PVH and HVM guests here%s",
				  hap ? " (hardware-assisted paging)" :
				  ", but without hardware-assisted paging (no hap): HVM and PVH "
				  "guests use shadow page tables, which is slow");
		if (!hap)
			hv_finding_hint(f, "the CPU or firmware lacks EPT/NPT, or Xen was booted "
					   "with hap=0");
	} else if (hvm) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "Xen runs PV guests only: it has VT-x/AMD-V, but no hardware-assisted "
				  "paging (hap) and no shadow paging (not built in), so HVM and PVH "
				  "guests cannot start");
		hv_finding_hint(f, "a CPU with EPT/NPT (enabled in the firmware, or offered by "
				   "the outer hypervisor when Xen runs in a VM), or a Xen built with "
				   "CONFIG_SHADOW_PAGING");
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "Xen runs PV guests only: HVM and PVH guests need VT-x/AMD-V, "
				  "which Xen does not report here");
		hv_finding_hint(f, "enable VT-x/AMD-V (SVM) in the firmware setup if the CPU has "
				   "it; when Xen itself runs in a VM, the outer hypervisor must "
				   "offer nested virtualization");
	}
	hv_finding_str(f, "virt_caps", h->virt_caps);
	return 0;
}

/* The dom0 devices the toolstack opens (tools/libs: xencall, xenevtchn, xengnttab). */
static const struct {
	const char *name;
	const char *module;
	bool required;
} xen_devs[] = {
	{ "privcmd", "xen-privcmd", true },   /* hypercalls: xencall */
	{ "evtchn", "xen-evtchn", true },     /* event channels: xenevtchn */
	{ "gntdev", "xen-gntdev", true },     /* grant mapping: qemu backends, xenconsoled */
	{ "gntalloc", "xen-gntalloc", false },
};

int probe_chk_xen_dev(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	char missing[128] = "", bad[128] = "", ok[128] = "", mods[128] = "";
	struct hv_finding *f;

	if (need_dom0(ctx, NULL))
		return 0;
	for (size_t i = 0; i < HV_ARRAY_SIZE(xen_devs); i++) {
		struct probe_devnode d;
		char path[64];
		int rc;

		snprintf(path, sizeof(path), "/dev/xen/%s", xen_devs[i].name);
		rc = probe_devnode_get(ctx->root, path, &d);
		if (rc == 0 && d.is_chr) {
			snprintf(ok + strlen(ok), sizeof(ok) - strlen(ok), "%s%s", ok[0] ? ", " : "",
				 xen_devs[i].name);
			continue;
		}
		if (!xen_devs[i].required)
			continue;
		if (rc == 0 || rc == -EINVAL) {
			snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad), "%s%s",
				 bad[0] ? ", " : "", path);
			continue;
		}
		snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s%s",
			 missing[0] ? ", " : "", path);
		snprintf(mods + strlen(mods), sizeof(mods) - strlen(mods), " %s", xen_devs[i].module);
	}
	if (missing[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "missing %s: xl and libvirt cannot manage domains", missing);
		hv_finding_hint(f, "modprobe -a%s (xencommons loads them at boot)", mods);
		hv_finding_str(f, "missing", missing);
	}
	if (bad[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL, "%s %s not a character device", bad,
				  strchr(bad, ',') ? "are" : "is");
		hv_finding_hint(f, "remove the stale file; udev recreates the node when the "
				   "module loads");
		hv_finding_str(f, "path", bad);
	}
	if (!missing[0] && !bad[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "dom0 devices present in /dev/xen: %s",
				  ok);
		hv_finding_str(f, "devices", ok);
	}
	return 0;
}

static const struct {
	const char *name;
	bool required;
	const char *why;
} xen_mods[] = {
	{ "xen_privcmd", true, NULL },
	{ "xen_evtchn", true, NULL },
	{ "xen_gntdev", true, NULL },
	{ "xenfs", true, NULL },
	{ "xen_gntalloc", false, "grant allocation, vchan" },
	{ "xen_blkback", false, "PV disk backend" },
	{ "xen_netback", false, "PV network backend" },
};

int probe_chk_xen_modules(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	char loaded[160] = "", builtin[160] = "", avail[160] = "", absent[160] = "", opt[160] = "";
	struct hv_finding *f;

	if (need_dom0(ctx, NULL))
		return 0;
	for (size_t i = 0; i < HV_ARRAY_SIZE(xen_mods); i++) {
		enum hv_mod_state s = hv_mod_state(ctx->root, xen_mods[i].name);
		char *dst;
		size_t dl = sizeof(loaded);

		switch (s) {
		case HV_MOD_LOADED:
			dst = loaded;
			break;
		case HV_MOD_BUILTIN:
			dst = builtin;
			break;
		case HV_MOD_ON_DISK:
			dst = xen_mods[i].required ? avail : opt;
			break;
		default:
			dst = xen_mods[i].required ? absent : opt;
			break;
		}
		if (dst == opt && xen_mods[i].why)
			snprintf(dst + strlen(dst), dl - strlen(dst), "%s%s (%s)",
				 dst[0] ? ", " : "", xen_mods[i].name, xen_mods[i].why);
		else
			snprintf(dst + strlen(dst), dl - strlen(dst), "%s%s", dst[0] ? " " : "",
				 xen_mods[i].name);
	}
	if (absent[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "dom0 modules not loaded and not found on disk: %s", absent);
		hv_finding_hint(f, "boot a dom0 kernel with CONFIG_XEN_PRIVCMD, XEN_DEV_EVTCHN, "
				   "XEN_GNTDEV and XENFS");
		hv_finding_str(f, "missing", absent);
	}
	if (avail[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN, "dom0 modules not loaded: %s", avail);
		hv_finding_hint(f, "modprobe -a %s (or enable xencommons.service)", avail);
		hv_finding_str(f, "not_loaded", avail);
	}
	if (!absent[0] && !avail[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "dom0 modules: %s%s%s%s%s",
				  loaded[0] ? "loaded " : "", loaded,
				  loaded[0] && builtin[0] ? "; " : "", builtin[0] ? "built in " : "",
				  builtin);
		if (loaded[0])
			hv_finding_str(f, "loaded", loaded);
		if (builtin[0])
			hv_finding_str(f, "builtin", builtin);
	}
	if (opt[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "optional backend modules not loaded: %s", opt);
		hv_finding_hint(f, "guests with PV disks or NICs need xen-blkback / xen-netback "
				   "(modprobe them, or use QEMU's qdisk backend)");
		hv_finding_str(f, "optional", opt);
	}
	return 0;
}

int probe_chk_xen_xenfs(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct probe_mounts *m;
	const struct probe_mount *mp;
	struct hv_finding *f;
	int rc;

	if (need_dom0(ctx, NULL))
		return 0;
	rc = probe_mounts_get(ctx->data, &m);
	if (rc < 0)
		return rc;
	mp = probe_mounts_at(m, "/proc/xen");
	if (mp && strcmp(mp->fstype, "xenfs") == 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "xenfs is mounted at /proc/xen");
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "xenfs is not mounted at /proc/xen (per %s)", m->path);
		hv_finding_hint(f, "mount -t xenfs xenfs /proc/xen (proc-xen.mount or xencommons "
				   "does it at boot); older tools read /proc/xen/capabilities");
	}
	hv_finding_str(f, "path", "/proc/xen");
	return 0;
}

/*
 * Is PID (a decimal string) a running xenstored (C) or oxenstored (OCaml)?
 * Reads /proc/PID/comm; on success copies the name into @name.
 */
static bool is_xenstored(const struct hv_root *r, const char *pid, char *name, size_t len)
{
	_cleanup_free_ char *comm = NULL;

	if (hv_root_read_linef(r, &comm, "/proc/%s/comm", pid) < 0)
		return false;
	if (strcmp(comm, "xenstored") != 0 && strcmp(comm, "oxenstored") != 0)
		return false;
	snprintf(name, len, "%s", comm);
	return true;
}

int probe_chk_xen_xenstored(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	_cleanup_free_ char *pidf = NULL;
	char found[24] = "", pclean[24], name[16] = "xenstored";
	struct hv_finding *f;
	bool stale = false;
	int sock;
	DIR *d;

	if (need_dom0(ctx, NULL))
		return 0;
	if (probe_platform_need_dir(ctx, "/proc"))
		return 0;
	/* xencommons starts it with --pid-file /run/xenstored.pid */
	if (hv_root_read_linef(ctx->root, &pidf, "/run/xenstored.pid") == 0) {
		uint64_t pid;

		if (hv_parse_u64(pidf, 10, &pid) == 0 && pid > 0 && pid < (1u << 22)) {
			char s[24];

			snprintf(s, sizeof(s), "%llu", (unsigned long long)pid);
			if (is_xenstored(ctx->root, s, name, sizeof(name)))
				snprintf(found, sizeof(found), "%s", s);
			else
				stale = true;
		} else {
			stale = true;
		}
	}
	d = found[0] ? NULL : hv_root_opendirf(ctx->root, "/proc");
	if (d) {
		struct dirent *de;

		while ((de = readdir(d))) {
			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			if (strlen(de->d_name) < sizeof(found) &&
			    is_xenstored(ctx->root, de->d_name, name, sizeof(name))) {
				memcpy(found, de->d_name, strlen(de->d_name) + 1);
				break;
			}
		}
		closedir(d);
	}
	sock = hv_root_existsf(ctx->root, "/run/xenstored/socket") == 0 ||
	       hv_root_existsf(ctx->root, "/var/run/xenstored/socket") == 0;
	if (found[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s is running (pid %s)", name, found);
		hv_finding_int(f, "pid", strtol(found, NULL, 10));
		if (stale)
			hv_finding_str(f, "note", "/run/xenstored.pid does not name it");
		return 0;
	}
	f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
			  "xenstored is not running%s: xl and libvirt cannot create domains",
			  stale ? " (/run/xenstored.pid is stale)" : "");
	hv_finding_hint(f, "systemctl start xenstored.service (or xencommons); with a xenstore "
			   "stub domain, check it with `xl list`");
	if (stale && pidf)
		hv_finding_value(f, "pidfile", probe_clean(pidf, pclean, sizeof(pclean)));
	hv_finding_bool(f, "socket", sock);
	return 0;
}
