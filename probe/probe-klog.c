// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-klog: the kernel log's causes (hvcore/hv-klog.c), read once per run,
 * the kernel.log check that shows them in the kernel's own words, and the
 * hints that fit this host: a VM guest is told about nested virtualization,
 * never about its (absent) firmware; a kernel option is told where it goes
 * for the boot loader this root uses.
 */
#include "probe/probe-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvcore/hv-klog.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "probe/probe-checks.h"

const struct hv_klog *probe_klog_get(struct probe_state *st)
{
	if (!st->klog) {
		st->klog = calloc(1, sizeof(*st->klog));
		if (!st->klog)
			return NULL;
		if (hv_klog_read(st->root, st->klog) < 0)
			st->klog->err = -ENOMEM;
	}
	return st->klog;
}

const char *probe_klog_evidence(struct probe_state *st, int cause, char *buf, size_t len)
{
	const struct hv_klog *k = probe_klog_get(st);
	const struct hv_klog_hit *h = hv_klog_find(k, (enum hv_klog_cause)cause);

	buf[0] = '\0';
	if (!h)
		return NULL;
	snprintf(buf, len, "%s:%u: %s", k->source, h->line, h->msg);
	return buf;
}

const char *probe_cmdline_where(const struct hv_root *r, bool xen)
{
	if (xen && hv_root_existsf(r, "/etc/default/grub") == 0)
		return "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT in /etc/default/grub (the dom0 "
		       "kernel's line), then update-grub";
	if (hv_root_existsf(r, "/etc/kernel/cmdline") == 0)
		return "/etc/kernel/cmdline, then reinstall the kernel (kernel-install add)";
	if (hv_root_existsf(r, "/boot/loader/entries") == 0 &&
	    hv_root_existsf(r, "/etc/default/grub") == 0)
		return "grubby --update-kernel=ALL --args=... (BLS entries), and "
		       "GRUB_CMDLINE_LINUX in /etc/default/grub";
	if (hv_root_existsf(r, "/etc/default/grub") == 0)
		return "GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub (or "
		       "grub2-mkconfig -o /boot/grub2/grub.cfg)";
	if (hv_root_existsf(r, "/boot/grub/menu.lst") == 0 ||
	    hv_root_existsf(r, "/boot/grub/grub.conf") == 0)
		return "the kernel line of /boot/grub/menu.lst";
	return "the kernel command line this host's loader or VMM passes (no boot-loader "
	       "configuration found in this root)";
}

/* "this VM (KVM)" when the CPU says we are a guest, else NULL. */
static const char *guest_of(struct probe_state *st, char *buf, size_t len)
{
	const struct probe_cpu *c = NULL;
	const struct hv_klog *k = probe_klog_get(st);
	const char *hv;

	if (probe_cpu_get(st, &c) < 0 || !c->hypervisor) {
		if (!k || !k->hypervisor[0])
			return NULL;
		snprintf(buf, len, "this VM (%s)", k->hypervisor);
		return buf;
	}
	hv = probe_hv_name(c->hv_signature);
	if (!hv && k && k->hypervisor[0])
		hv = k->hypervisor;
	snprintf(buf, len, "this VM%s%s%s", hv ? " (" : "", hv ? hv : "", hv ? ")" : "");
	return buf;
}

const char *probe_klog_hint(struct probe_state *st, int cause, char *buf, size_t len)
{
	const struct probe_cpu *c = NULL;
	char g[64];
	const char *guest = guest_of(st, g, sizeof(g));
	bool intel;

	probe_cpu_get(st, &c);
	intel = !c || c->vendor != PROBE_VENDOR_AMD;
	buf[0] = '\0';
	switch ((enum hv_klog_cause)cause) {
	case HV_KLOG_VT_FW_OFF:
	case HV_KLOG_VT_NOT_FULL:
	case HV_KLOG_VT_NO_CPU:
	case HV_KLOG_KVM_NO_HW:
	case HV_KLOG_ARM_EL1:
	case HV_KLOG_ARM_HYP_OFF:
		if (guest)
			snprintf(buf, len, "%s has no usable %s: its hypervisor must offer nested "
				 "virtualization (a KVM host: nested=1 and a host-passthrough CPU; "
				 "a cloud: an instance type with nested virtualization)", guest,
				 c && c->arch == PROBE_ARCH_ARM64 ? "EL2" : "VT-x/AMD-V");
		else if (cause == HV_KLOG_ARM_EL1 || cause == HV_KLOG_ARM_HYP_OFF)
			snprintf(buf, len, "the firmware or boot loader must start the kernel at "
				 "EL2");
		else if (cause == HV_KLOG_VT_NO_CPU)
			snprintf(buf, len, "this CPU has no VT-x/AMD-V: run VMs on another machine "
				 "(or a PVM host kernel)");
		else
			snprintf(buf, len, "enable %s in the firmware (BIOS/UEFI) setup, then "
				 "power-cycle (a warm reboot keeps the setting locked)",
				 intel ? "Intel Virtualization Technology (VT-x)" : "SVM Mode (AMD-V)");
		break;
	case HV_KLOG_PVM_GUEST:
		snprintf(buf, len, "kvm_pvm does not run inside a PVM guest: run VMs on a host "
			 "with VT-x/AMD-V, or in a VM offered nested virtualization");
		break;
	case HV_KLOG_KVM_SEV_GUEST:
		snprintf(buf, len, "KVM cannot run inside an SEV guest: run VMs on its host");
		break;
	case HV_KLOG_KVM_OTHER_VENDOR:
		snprintf(buf, len, "harmless when the module for this CPU (%s) is the one loaded; "
			 "drop the other from /etc/modules-load.d", intel ? "kvm_intel" : "kvm_amd");
		break;
	case HV_KLOG_KVM_ENABLE_FAIL:
		snprintf(buf, len, "another hypervisor (VirtualBox, VMware) holds VT-x/AMD-V: stop "
			 "its VMs and unload its driver (vboxdrv, vmmon)");
		break;
	case HV_KLOG_KVM_INCONSISTENT:
		snprintf(buf, len, "update the firmware and CPU microcode so that every CPU "
			 "reports the same VT-x features");
		break;
	case HV_KLOG_KVM_NPT_OFF:
		snprintf(buf, len, "remove npt=0 from /etc/modprobe.d and the kernel command line "
			 "(%s), then reload kvm_amd", probe_cmdline_where(st->root, false));
		break;
	case HV_KLOG_KVM_L1TF:
		snprintf(buf, len, "with untrusted guests: kvm-intel.vmentry_l1d_flush=always or "
			 "l1tf=full,force (no SMT) in %s", probe_cmdline_where(st->root, false));
		break;
	case HV_KLOG_IOMMU_OFF:
		snprintf(buf, len, "remove intel_iommu=off / amd_iommu=off from %s",
			 probe_cmdline_where(st->root, false));
		break;
	case HV_KLOG_IOMMU_FW_BUG:
		snprintf(buf, len, "update the firmware; the kernel works around the table where "
			 "it can");
		break;
	case HV_KLOG_IR_OFF:
		if (guest)
			snprintf(buf, len, "give %s a virtual IOMMU with interrupt remapping (QEMU: "
				 "-device intel-iommu,intremap=on)", guest);
		else
			snprintf(buf, len, "enable VT-d/AMD-Vi with interrupt remapping in the "
				 "firmware setup and do not boot with intremap=off (VFIO otherwise "
				 "needs allow_unsafe_interrupts)");
		break;
	default:
		return NULL;
	}
	return buf;
}

int probe_chk_kernel_log(struct hv_check_ctx *ctx)
{
	struct probe_state *st = ctx->data;
	const struct hv_klog *k = probe_klog_get(st);
	const char *id = ctx->check->id;
	struct hv_finding *f;
	char hint[512];

	if (!k)
		return -ENOMEM;
	if (k->err == -ENOMEM)
		return -ENOMEM;
	if (k->err) {
		if (k->restricted) {
			f = hv_report_add(ctx->rep, id, HV_SEV_SKIP,
					  "the kernel log is hidden from uid %u by "
					  "kernel.dmesg_restrict=1, and /var/log/kern.log is not "
					  "readable: the kernel's own reasons cannot be shown",
					  (unsigned)getuid());
			hv_finding_hint(f, "run as root, or as a member of group adm where rsyslog "
					   "writes /var/log/kern.log");
		} else if (hv_root_is_live(ctx->root)) {
			f = hv_report_add(ctx->rep, id, HV_SEV_SKIP, "the kernel log cannot be read: %s",
					  strerror(-k->err));
		} else {
			f = hv_report_add(ctx->rep, id, HV_SEV_SKIP,
					  "no kernel log in this root (looked for .vhv/dmesg, "
					  "sos_commands/kernel/dmesg, boot.txt, /var/log/dmesg, "
					  "/var/log/kern.log, /var/log/boot.msg)");
		}
		return 0;
	}
	for (size_t i = 0; i < k->nhits; i++) {
		const struct hv_klog_hit *h = &k->hits[i];
		const struct hv_klog_cause_info *ci = hv_klog_cause_info(h->cause);

		if (h->count > 1)
			f = hv_report_add(ctx->rep, id, ci->sev, "%s: %s: '%s' (%u lines)",
					  ci->subject, ci->meaning, h->msg, h->count);
		else
			f = hv_report_add(ctx->rep, id, ci->sev, "%s: %s: '%s'", ci->subject,
					  ci->meaning, h->msg);
		hv_finding_evidence(f, ci->layer, "%s:%u", k->source, h->line);
		hv_finding_str(f, "cause", ci->id);
		if (ci->sev == HV_SEV_WARN || ci->sev == HV_SEV_FAIL)
			if (probe_klog_hint(st, (int)h->cause, hint, sizeof(hint)))
				hv_finding_hint(f, "%s", hint);
	}
	if (!k->nhits) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "the kernel log (%s, %u lines of the last boot) says nothing about "
				  "KVM, the IOMMU or Xen", k->source, k->nlines);
		hv_finding_str(f, "source", k->source);
	}
	return 0;
}
