// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-dev: the device nodes QEMU and libvirt open besides /dev/kvm:
 * /dev/vhost-net and /dev/vhost-vsock (in-kernel virtio backends), /dev/net/tun
 * (tap networking) and /dev/vfio/vfio (device assignment). Their misc minors
 * are fixed (include/linux/miscdevice.h): TUN 200, VFIO 196, VHOST_NET 238,
 * VHOST_VSOCK 241, so kmod's static-nodes creates them before the module loads
 * and the first open loads it. virt-host-validate treats a missing
 * /dev/net/tun as a failure and a missing /dev/vhost-net as a warning; so do we.
 */
#include "probe/probe-platform.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hvcore/hv-mod.h"
#include "hvcore/hv-report.h"
#include "probe/probe-checks.h"
#include "probe/probe-internal.h"

struct dev_spec {
	const char *path;
	const char *module;      /* the module providing it */
	const char *misc;        /* its name in /proc/misc */
	unsigned int minor;      /* misc major 10 */
	enum hv_sev missing_sev; /* when neither the node nor the driver exists */
	bool kvm_only;           /* unused by Xen guests (netback, xen-pciback instead) */
	const char *what;        /* what is lost without it */
	const char *kconfig;
};

static const struct dev_spec vhost_net = {
	"/dev/vhost-net", "vhost_net", "vhost-net", 238, HV_SEV_WARN, true,
	"virtio-net runs in QEMU userspace, much slower", "CONFIG_VHOST_NET",
};
static const struct dev_spec vhost_vsock = {
	"/dev/vhost-vsock", "vhost_vsock", "vhost-vsock", 241, HV_SEV_INFO, true,
	"guests cannot have virtio-vsock sockets", "CONFIG_VHOST_VSOCK",
};
static const struct dev_spec tun = {
	"/dev/net/tun", "tun", "tun", 200, HV_SEV_FAIL, false,
	"tap networking (libvirt networks, bridges) cannot work", "CONFIG_TUN",
};
static const struct dev_spec vfio = {
	"/dev/vfio/vfio", "vfio", "vfio", 196, HV_SEV_INFO, true,
	"PCI devices cannot be assigned to guests", "CONFIG_VFIO",
};

/* Is the driver present in the running kernel (/proc/misc lists its device)? */
static bool misc_registered(const struct hv_root *r, const char *name)
{
	_cleanup_free_ char *misc = NULL;

	if (hv_root_read_maxf(r, 1u << 20, &misc, "/proc/misc") < 0)
		return false;
	return probe_misc_has(misc, name);
}

/*
 * One device check. Adds its finding and sets *out to it (for extra fields),
 * or to NULL when a SKIP was added instead. Returns 0, or -errno when the
 * node could not be looked at.
 */
static int check_dev(struct hv_check_ctx *ctx, const struct dev_spec *s, struct hv_finding **out)
{
	const char *id = ctx->check->id;
	struct probe_devnode d;
	enum hv_mod_state ms;
	struct hv_finding *f;
	struct utsname u;
	char modes[16] = "", rel[80];
	int rc;

	*out = NULL;
	if (probe_platform_need_dir(ctx, "/dev"))
		return 0;
	rc = probe_devnode_get(ctx->root, s->path, &d);
	if (rc == -EINVAL) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "%s: the fixture stand-in is not \"c MAJOR:MINOR MODE\"", s->path);
		hv_finding_str(f, "path", s->path);
		*out = f;
		return 0;
	}
	if (rc == 0 && d.is_chr) {
		if (d.known)
			snprintf(modes, sizeof(modes), "%04o", d.mode);
		if (d.known && (d.major != 10 || d.minor != s->minor)) {
			f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
					  "%s is character device %u:%u, not 10:%u as the kernel "
					  "assigns it",
					  s->path, d.major, d.minor, s->minor);
			hv_finding_hint(f, "remove it and let udev recreate it (or mknod %s c 10 %u)",
					s->path, s->minor);
		} else if (d.known) {
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
					  "%s is present (char 10:%u, mode %s)", s->path, s->minor,
					  modes);
		} else {
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s is present", s->path);
		}
		hv_finding_str(f, "path", s->path);
		if (modes[0])
			hv_finding_str(f, "mode", modes);
		*out = f;
		return 0;
	}
	if (rc == 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL, "%s exists but is not a character device",
				  s->path);
		hv_finding_hint(f, "remove it and let udev recreate it (or mknod %s c 10 %u)",
				s->path, s->minor);
		hv_finding_str(f, "path", s->path);
		*out = f;
		return 0;
	}
	if (rc != -ENOENT && rc != -ENOTDIR)
		return rc;
	if (s->kvm_only && probe_platform_skip_dom0(ctx, "a KVM device, unused in a Xen dom0 (Xen "
							 "guests use netback and xen-pciback)"))
		return 0;
	ms = hv_mod_state(ctx->root, s->module);
	if (ms == HV_MOD_LOADED || ms == HV_MOD_BUILTIN ||
	    misc_registered(ctx->root, s->misc)) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "%s is missing although the %s driver is %s: %s", s->path,
				  s->module, ms == HV_MOD_LOADED ? "loaded" : "in the kernel", s->what);
		hv_finding_hint(f, "udev did not create the node: mknod %s c 10 %u", s->path,
				s->minor);
	} else if (ms == HV_MOD_ON_DISK) {
		f = hv_report_add(ctx->rep, id, s->missing_sev == HV_SEV_INFO ? HV_SEV_INFO
									   : HV_SEV_WARN,
				  "%s is missing; the %s module is available but not loaded",
				  s->path, s->module);
		hv_finding_hint(f, "modprobe %s (and add it to /etc/modules-load.d/)", s->module);
	} else {
		f = hv_report_add(ctx->rep, id, s->missing_sev, "%s is not available: %s", s->path,
				  s->what);
		if (ms == HV_MOD_UNKNOWN && hv_root_uname(ctx->root, &u) == 0)
			hv_finding_hint(f, "there is no /lib/modules/%s for the running kernel to "
					   "load it from; use a kernel with %s",
					probe_clean(u.release, rel, sizeof(rel)), s->kconfig);
		else if (ms == HV_MOD_UNKNOWN)
			hv_finding_hint(f, "use a kernel with %s", s->kconfig);
		else
			hv_finding_hint(f, "use a kernel with %s (module %s)", s->kconfig, s->module);
	}
	hv_finding_str(f, "path", s->path);
	hv_finding_str(f, "module", s->module);
	hv_finding_str(f, "module_state", hv_mod_state_name(ms));
	*out = f;
	return 0;
}

int probe_chk_dev_vhost_net(struct hv_check_ctx *ctx)
{
	struct hv_finding *f;

	return check_dev(ctx, &vhost_net, &f);
}

int probe_chk_dev_vhost_vsock(struct hv_check_ctx *ctx)
{
	struct hv_finding *f;

	return check_dev(ctx, &vhost_vsock, &f);
}

int probe_chk_dev_tun(struct hv_check_ctx *ctx)
{
	struct hv_finding *f;

	return check_dev(ctx, &tun, &f);
}

int probe_chk_dev_vfio(struct hv_check_ctx *ctx)
{
	struct hv_finding *f;
	enum hv_mod_state pci;
	struct dirent *de;
	DIR *d;
	int groups = 0, rc;

	rc = check_dev(ctx, &vfio, &f);
	if (rc < 0 || !f || hv_finding_sev(f) != HV_SEV_PASS)
		return rc;
	/* /dev/vfio/N: groups bound to vfio-pci right now */
	d = hv_root_opendirf(ctx->root, "/dev/vfio");
	if (d) {
		while ((de = readdir(d))) {
			uint64_t n;

			if (hv_parse_u64(de->d_name, 10, &n) == 0)
				groups++;
		}
		closedir(d);
	}
	pci = hv_mod_state(ctx->root, "vfio_pci");
	hv_finding_int(f, "groups_bound", groups);
	hv_finding_str(f, "vfio_pci", hv_mod_state_name(pci));
	if (pci == HV_MOD_ABSENT) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
				  "VFIO is present but the vfio-pci driver is not available");
		hv_finding_hint(f, "use a kernel with CONFIG_VFIO_PCI");
	} else if (groups) {
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO,
			      "%d IOMMU group%s bound to VFIO (/dev/vfio/N)", groups,
			      groups == 1 ? "" : "s");
	}
	return 0;
}
