// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-iommu: the IOMMU's *effective* state, as the kernel registered it,
 * never the kernel command line: /sys/class/iommu holds one entry per active
 * IOMMU unit (dmarN for Intel VT-d, drivers/iommu/intel/iommu.c; ivhdN for
 * AMD-Vi, drivers/iommu/amd/init.c; smmu3.0x... / smmu.0x... for Arm),
 * /sys/kernel/iommu_groups one folder per group with its default domain type,
 * and /proc/interrupts shows remapped interrupt domains ("IR-PCI-MSI",
 * "IR-IO-APIC") when interrupt remapping is on.
 */
#include "probe/probe-platform.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-klog.h"
#include "hvcore/hv-report.h"
#include "probe/probe-internal.h"
#include "probe/probe-checks.h"

/* Intel VT-d spec, Extended Capability Register: bit 3 IR (interrupt remapping support) */
#define VTD_ECAP_IR (1ull << 3)

enum iommu_kind { IOMMU_OTHER, IOMMU_VTD, IOMMU_AMDVI, IOMMU_SMMU, IOMMU_KINDS };

static const char *const kind_names[IOMMU_KINDS] = {
	[IOMMU_OTHER] = "other",
	[IOMMU_VTD] = "Intel VT-d (DMAR)",
	[IOMMU_AMDVI] = "AMD-Vi",
	[IOMMU_SMMU] = "Arm SMMU",
};

static enum iommu_kind kind_of(const char *name)
{
	if (hv_startswith(name, "dmar"))
		return IOMMU_VTD;
	if (hv_startswith(name, "ivhd"))
		return IOMMU_AMDVI;
	if (hv_startswith(name, "smmu") || hv_startswith(name, "arm-smmu"))
		return IOMMU_SMMU;
	return IOMMU_OTHER;
}

/* Bound on the units we list (large servers have 8-16). */
#define MAX_UNITS 256

struct iommu_units {
	size_t n;
	unsigned int kinds;   /* bit mask of 1 << enum iommu_kind */
	char names[256];      /* "dmar0 dmar1", truncated with "..." */
	char first[64];
};

/* List /sys/class/iommu. 0, or -errno when the folder is missing. */
static int list_units(const struct hv_root *r, struct iommu_units *u)
{
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;
	DIR *d;

	memset(u, 0, sizeof(*u));
	d = hv_root_opendirf(r, "/sys/class/iommu");
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < MAX_UNITS) {
		char **nv;

		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[n] = strdup(de->d_name);
		if (!v[n])
			break;
		n++;
	}
	closedir(d);
	/* readdir order is arbitrary: sort for stable output */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(u->names);
		char c[64];

		probe_clean(v[i], c, sizeof(c));
		u->kinds |= 1u << kind_of(v[i]);
		if (i == 0)
			snprintf(u->first, sizeof(u->first), "%s", c);
		if (l + strlen(c) + 5 < sizeof(u->names))
			snprintf(u->names + l, sizeof(u->names) - l, "%s%s", l ? " " : "", c);
		else if (!strstr(u->names, "..."))
			snprintf(u->names + l, sizeof(u->names) - l, " ...");
		free(v[i]);
	}
	free(v);
	u->n = n;
	return 0;
}

static void kinds_text(unsigned int kinds, char *out, size_t len)
{
	out[0] = '\0';
	for (int k = IOMMU_VTD; k < IOMMU_KINDS; k++)
		if (kinds & (1u << k))
			snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? " + " : "",
				 kind_names[k]);
	if (kinds & (1u << IOMMU_OTHER))
		snprintf(out + strlen(out), len - strlen(out), "%s", out[0] ? " + other" : "IOMMU");
}

/* In a Xen dom0 the hypervisor owns the IOMMU and hides DMAR/IVRS from Linux. */
static bool xen_dom0(const struct hv_root *r)
{
	enum probe_xen_role role;
	const char *how;

	return probe_xen_role(r, &role, &how) == 0 && role == PROBE_XEN_DOM0;
}

/* SKIP for the checks that need a Linux-visible IOMMU. */
static void skip_no_iommu(struct hv_check_ctx *ctx)
{
	hv_report_add(ctx->rep, ctx->check->id, HV_SEV_SKIP, "%s: %s", ctx->check->title,
		      xen_dom0(ctx->root) ? "Xen dom0: the hypervisor owns the IOMMU"
					  : "no IOMMU is active");
}

/* Hint for turning the IOMMU on, by what the CPU is. */
static const char *enable_hint(struct hv_check_ctx *ctx)
{
	const struct probe_cpu *c;

	if (probe_cpu_get(ctx->data, &c) == 0) {
		if (c->hypervisor)
			return "this is a virtual machine: its host must give it a virtual IOMMU "
			       "(QEMU: -device intel-iommu or virtio-iommu)";
		if (c->vendor == PROBE_VENDOR_INTEL)
			return "enable VT-d in the firmware setup and boot with intel_iommu=on";
		if (c->vendor == PROBE_VENDOR_AMD || c->vendor == PROBE_VENDOR_HYGON)
			return "enable the IOMMU (AMD-Vi) in the firmware setup; Linux turns it on "
			       "by default (check that amd_iommu=off is not set)";
		if (c->arch == PROBE_ARCH_ARM64)
			return "the firmware must describe the SMMU (IORT/device tree) and the "
			       "kernel needs CONFIG_ARM_SMMU_V3";
	}
	return "enable the IOMMU in the firmware and the kernel (CONFIG_IOMMU_SUPPORT)";
}

/*
 * Why no IOMMU, as evidence and hint: the kernel log's word (disabled on the
 * command line, a broken DMAR/IVRS table), else the sysfs state, blamed on
 * the host hypervisor for a VM and on the firmware otherwise.
 */
static void iommu_off_evidence(struct hv_check_ctx *ctx, struct hv_finding *f, const char *sysfs)
{
	static const int causes[] = { HV_KLOG_IOMMU_OFF, HV_KLOG_IOMMU_FW_BUG };
	const struct probe_cpu *c = NULL;
	char ev[320], hint[512];

	for (size_t i = 0; i < HV_ARRAY_SIZE(causes); i++) {
		if (!probe_klog_evidence(ctx->data, causes[i], ev, sizeof(ev)))
			continue;
		hv_finding_evidence(f, hv_klog_cause_info(causes[i])->layer, "%s", ev);
		probe_klog_hint(ctx->data, causes[i], hint, sizeof(hint));
		hv_finding_hint(f, "%s", hint);
		return;
	}
	probe_cpu_get(ctx->data, &c);
	hv_finding_evidence(f, c && c->hypervisor ? HV_LAYER_HOST : HV_LAYER_FIRMWARE, "%s", sysfs);
	hv_finding_hint(f, "%s", enable_hint(ctx));
}

int probe_chk_iommu_present(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	struct iommu_units u;
	struct hv_finding *f;
	char kinds[96];
	int rc;

	if (probe_platform_need_dir(ctx, "/sys"))
		return 0;
	rc = list_units(ctx->root, &u);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	if ((rc == -ENOENT || u.n == 0) && xen_dom0(ctx->root)) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "Xen dom0: the IOMMU belongs to the Xen hypervisor, not to this "
				  "kernel (devices are assigned with xen-pciback)");
		hv_finding_hint(f, "check it with `xl dmesg | grep -i -e VT-d -e AMD-Vi -e IOMMU`");
		hv_finding_int(f, "units", 0);
		return 0;
	}
	if (rc == -ENOENT || u.n == 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "no IOMMU is active%s: PCI device assignment (VFIO) is not possible",
				  rc == -ENOENT ? " (the kernel has no /sys/class/iommu)"
						: " (/sys/class/iommu is empty)");
		iommu_off_evidence(ctx, f, rc == -ENOENT ? "/sys/class/iommu: absent" :
				   "/sys/class/iommu: empty");
		hv_finding_int(f, "units", 0);
		return 0;
	}
	kinds_text(u.kinds, kinds, sizeof(kinds));
	f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s active: %s", kinds, u.names);
	hv_finding_str(f, "type", kinds);
	hv_finding_int(f, "units", (int64_t)u.n);
	hv_finding_str(f, "names", u.names);
	return 0;
}

/* Bound on iommu_groups we look at (a big server has a few hundred). */
#define MAX_GROUPS 65536

int probe_chk_iommu_groups(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	/* default domain types: drivers/iommu/iommu.c iommu_domain_type_str() */
	static const char *const types[] = { "DMA", "DMA-FQ", "identity", "blocked", "unmanaged" };
	size_t count[HV_ARRAY_SIZE(types) + 1] = { 0 }, groups = 0;
	struct iommu_units u;
	struct hv_finding *f;
	struct dirent *de;
	char detail[160] = "";
	DIR *d;

	if (probe_platform_need_dir(ctx, "/sys"))
		return 0;
	if (list_units(ctx->root, &u) < 0 || u.n == 0) {
		skip_no_iommu(ctx);
		return 0;
	}
	d = hv_root_opendirf(ctx->root, "/sys/kernel/iommu_groups");
	if (!d) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "an IOMMU is active but /sys/kernel/iommu_groups cannot be read: %s",
				  strerror(errno));
		hv_finding_hint(f, "VFIO needs IOMMU groups; check `dmesg | grep -i iommu`");
		return 0;
	}
	while ((de = readdir(d)) && groups < MAX_GROUPS) {
		_cleanup_free_ char *t = NULL;
		uint64_t num;
		size_t k;

		if (hv_parse_u64(de->d_name, 10, &num) < 0)
			continue;
		groups++;
		k = HV_ARRAY_SIZE(types);
		if (hv_root_read_linef(ctx->root, &t, "/sys/kernel/iommu_groups/%s/type",
				       de->d_name) == 0)
			for (k = 0; k < HV_ARRAY_SIZE(types) && strcmp(t, types[k]) != 0; k++)
				;
		count[k]++;
	}
	closedir(d);
	if (groups == 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "the IOMMU is active but there are no IOMMU groups: VFIO cannot "
				  "assign devices");
		hv_finding_hint(f, "check `dmesg | grep -i -e DMAR -e AMD-Vi -e iommu` for errors");
		hv_finding_int(f, "groups", 0);
		return 0;
	}
	for (size_t k = 0; k <= HV_ARRAY_SIZE(types); k++) {
		if (!count[k])
			continue;
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "%s%s %zu",
			 detail[0] ? ", " : "", k < HV_ARRAY_SIZE(types) ? types[k] : "unknown",
			 count[k]);
	}
	if (count[2] == groups) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "%zu IOMMU groups, all passthrough (identity, iommu=pt): VFIO still "
				  "works",
				  groups);
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%zu IOMMU groups (domain types: %s)",
				  groups, detail);
	}
	hv_finding_int(f, "groups", (int64_t)groups);
	hv_finding_str(f, "types", detail);
	return 0;
}

/* Does any Intel unit lack ecap.IR? 1 yes, 0 no, -ENOENT when no ecap is readable. */
static int vtd_lacks_ir(const struct hv_root *r, char *which, size_t len)
{
	struct dirent *de;
	int seen = 0, lacks = 0;
	DIR *d = hv_root_opendirf(r, "/sys/class/iommu");

	if (!d)
		return -ENOENT;
	which[0] = '\0';
	while ((de = readdir(d))) {
		_cleanup_free_ char *s = NULL;
		uint64_t ecap;

		if (kind_of(de->d_name) != IOMMU_VTD)
			continue;
		if (hv_root_read_linef(r, &s, "/sys/class/iommu/%s/intel-iommu/ecap",
				       de->d_name) < 0 || hv_parse_u64(s, 16, &ecap) < 0)
			continue;
		seen = 1;
		if (!(ecap & VTD_ECAP_IR)) {
			lacks = 1;
			probe_clean(de->d_name, which, len);
		}
	}
	closedir(d);
	return seen ? lacks : -ENOENT;
}

int probe_chk_iommu_irq_remap(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	_cleanup_free_ char *irqs = NULL;
	struct iommu_units u;
	struct hv_finding *f;
	char unit[64];
	unsigned int m;
	ssize_t n;
	int lacks;

	if (probe_platform_need_dir(ctx, "/sys"))
		return 0;
	if (list_units(ctx->root, &u) < 0 || u.n == 0) {
		skip_no_iommu(ctx);
		return 0;
	}
	lacks = (u.kinds & (1u << IOMMU_VTD)) ? vtd_lacks_ir(ctx->root, unit, sizeof(unit))
					      : -ENOENT;
	n = hv_root_read_maxf(ctx->root, 16u << 20, &irqs, "/proc/interrupts");
	if (n < 0) {
		if (lacks == 0) {
			f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
					  "the VT-d units support interrupt remapping (ecap IR); "
					  "/proc/interrupts is not readable to see if it is on");
			return 0;
		}
		return (int)n;
	}
	m = probe_interrupts_scan(irqs);
	if (m & PROBE_IRQ_REMAPPED) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "interrupt remapping is active (IR- interrupt domains in "
				  "/proc/interrupts)");
		hv_finding_bool(f, "active", true);
		return 0;
	}
	if (m & PROBE_IRQ_ITS) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "MSIs are isolated by the GICv3 ITS (ITS- domains in "
				  "/proc/interrupts)");
		hv_finding_bool(f, "active", true);
		return 0;
	}
	if (!(m & PROBE_IRQ_MSI)) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "no MSI interrupts in /proc/interrupts: cannot tell whether "
				  "interrupts are remapped");
		return 0;
	}
	if (lacks == 1) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "interrupt remapping is not active: %s lacks it (ecap IR clear); "
				  "VFIO refuses to assign devices",
				  unit);
		hv_finding_hint(f, "only with trusted guests: "
				   "vfio_iommu_type1.allow_unsafe_interrupts=1");
		hv_finding_evidence(f, HV_LAYER_HARDWARE, "/sys/class/iommu/%s/intel-iommu/ecap: "
				    "IR clear", unit);
	} else {
		char ev[320];

		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "interrupt remapping is not active (no IR- interrupt domains in "
				  "/proc/interrupts): VFIO refuses to assign devices");
		hv_finding_hint(f, "do not boot with intremap=off; enable x2APIC and interrupt "
				   "remapping in the firmware");
		if (probe_klog_evidence(ctx->data, HV_KLOG_IR_OFF, ev, sizeof(ev)))
			hv_finding_evidence(f, HV_LAYER_FIRMWARE, "%s", ev);
		else
			hv_finding_evidence(f, HV_LAYER_FIRMWARE, "/proc/interrupts: no IR- domains");
	}
	hv_finding_bool(f, "active", false);
	return 0;
}
