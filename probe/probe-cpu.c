// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-cpu: what the CPU offers for virtualization, as the running kernel
 * shows it (/proc/cpuinfo) and as the CPU itself says (CPUID, MSRs):
 * vendor and model, vmx/svm, the VT-x/AMD-V assists KVM relies on, whether
 * we are a guest ourselves, and whether firmware switched VT-x/AMD-V off.
 */
#include "probe/probe-internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hvcore/hv-klog.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-mod.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "probe/probe-checks.h"

/* Intel SDM vol. 3 23.7: IA32_FEATURE_CONTROL. */
#define MSR_IA32_FEAT_CTL 0x3a
#define FEAT_CTL_LOCKED (1ull << 0)
#define FEAT_CTL_VMX_INSIDE_SMX (1ull << 1)
#define FEAT_CTL_VMX_OUTSIDE_SMX (1ull << 2)
/* AMD APM vol. 2 15.30.1: VM_CR. */
#define MSR_VM_CR 0xc0010114
#define VM_CR_LOCK (1ull << 3)
#define VM_CR_SVMDIS (1ull << 4)

static struct probe_state *state(struct hv_check_ctx *ctx)
{
	return ctx->data;
}

int probe_chk_cpu_model(struct hv_check_ctx *ctx)
{
	const struct probe_cpu *c;
	struct hv_finding *f;
	int rc = probe_cpu_get(state(ctx), &c);

	if (rc < 0)
		return rc;
	if (c->arch == PROBE_ARCH_ARM64) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO,
				  "%s %s (arm64, implementer 0x%02x part 0x%03x r%u), %u CPUs",
				  c->vendor_id, c->model_name[0] ? c->model_name : "CPU",
				  c->implementer, c->model, c->stepping, c->ncpus);
	} else {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO,
				  "%s (%s family %u model %u stepping %u), %u CPUs",
				  c->model_name[0] ? c->model_name : "unnamed CPU",
				  c->vendor_id[0] ? c->vendor_id : "unknown vendor", c->family,
				  c->model, c->stepping, c->ncpus);
	}
	hv_finding_str(f, "vendor", probe_vendor_name(c->vendor));
	hv_finding_str(f, "model_name", c->model_name);
	hv_finding_int(f, "family", c->family);
	hv_finding_int(f, "model", c->model);
	hv_finding_int(f, "cpus", c->ncpus);
	return 0;
}

static bool is_intel_like(const struct probe_cpu *c)
{
	return c->vendor == PROBE_VENDOR_INTEL || c->vendor == PROBE_VENDOR_ZHAOXIN;
}

static bool is_amd_like(const struct probe_cpu *c)
{
	return c->vendor == PROBE_VENDOR_AMD || c->vendor == PROBE_VENDOR_HYGON;
}

/*
 * The kernel's word that firmware switched VT-x/AMD-V off (hv-klog's table:
 * feat_ctl.c, x86.c, vmx.c, svm.c), as evidence "SOURCE:LINE: MESSAGE"; NULL if none.
 */
static const char *fw_off_evidence(struct hv_check_ctx *ctx, char *buf, size_t len)
{
	if (probe_klog_evidence(ctx->data, HV_KLOG_VT_FW_OFF, buf, len))
		return buf;
	return probe_klog_evidence(ctx->data, HV_KLOG_VT_NOT_FULL, buf, len);
}

int probe_chk_cpu_virt(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct probe_cpu *c;
	struct hv_finding *f;
	int rc = probe_cpu_get(state(ctx), &c);

	if (rc < 0)
		return rc;
	if (c->arch == PROBE_ARCH_ARM64) {
		char ev[320];

		if (probe_klog_evidence(state(ctx), HV_KLOG_ARM_EL2, ev, sizeof(ev))) {
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
					  "arm64: the kernel owns EL2, virtualization is available");
			hv_finding_evidence(f, HV_LAYER_NONE, "%s", ev);
			return 0;
		}
		if (probe_klog_evidence(state(ctx), HV_KLOG_ARM_EL1, ev, sizeof(ev))) {
			char hint[512];

			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "arm64: the kernel was started at EL1, KVM cannot use EL2");
			hv_finding_evidence(f, c->hypervisor ? HV_LAYER_HOST : HV_LAYER_FIRMWARE,
					    "%s", ev);
			if (probe_klog_hint(state(ctx), HV_KLOG_ARM_EL1, hint, sizeof(hint)))
				hv_finding_hint(f, "%s", hint);
			return 0;
		}
		hv_report_add(ctx->rep, id, HV_SEV_INFO,
			      "arm64: /proc/cpuinfo does not show virtualization support; see kvm.probe");
		return 0;
	}
	if (probe_cpu_has(c, "vmx")) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "VT-x is available (vmx flag)");
		hv_finding_str(f, "virt", "vmx");
		return 0;
	}
	if (probe_cpu_has(c, "svm")) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "AMD-V is available (svm flag)");
		hv_finding_str(f, "virt", "svm");
		return 0;
	}
	if (hv_mod_live(ctx->root, "kvm_pvm") != HV_MOD_ABSENT) {
		if (hv_root_existsf(ctx->root, "/sys/class/misc/kvm") == 0) {
			f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
					  "no vmx/svm flag, but kvm_pvm is present: KVM runs without "
					  "hardware virtualization (PVM)");
			hv_finding_hint(f, "PVM guests need PVM-enabled kernels; see kvm.backend and "
					   "kvm.probe");
		} else {
			f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
					  "no vmx/svm flag; kvm_pvm is present but did not bind (see "
					  "verdict.kvm)");
		}
		hv_finding_str(f, "virt", "pvm");
		return 0;
	}
	if (probe_cpu_under_xen(c)) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "no vmx/svm flag: running on Xen (dom0 or domU), Xen owns VT-x/AMD-V "
				  "and runs the VMs");
		hv_finding_hint(f, "see the xen checks; KVM cannot run here");
		hv_finding_str(f, "virt", "xen");
		return 0;
	}
	if (c->hypervisor) {
		const char *hv = probe_hv_name(c->hv_signature);

		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "no vmx/svm flag: this VM (%s) is not offered nested virtualization",
				  hv ? hv : "unknown hypervisor");
		hv_finding_hint(f, "enable nested virtualization for this VM on its host (KVM: "
				   "nested=1 and a host-passthrough CPU; clouds: an instance type "
				   "with nested virtualization), or use kvm_pvm");
		hv_finding_evidence(f, HV_LAYER_HOST, "/proc/cpuinfo: hypervisor flag, no vmx or "
				    "svm flag");
		return 0;
	}
	if (is_intel_like(c) || is_amd_like(c)) {
		bool intel = is_intel_like(c);
		char evb[320], hint[512];
		const char *ev = fw_off_evidence(ctx, evb, sizeof(evb));

		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "no %s flag on bare-metal %s: %s is %s in firmware",
				  intel ? "vmx" : "svm", probe_vendor_name(c->vendor),
				  intel ? "VT-x" : "AMD-V", ev ? "disabled" : "probably disabled");
		probe_klog_hint(state(ctx), HV_KLOG_VT_FW_OFF, hint, sizeof(hint));
		hv_finding_hint(f, "%s; see cpu.firmware", hint);
		hv_finding_evidence(f, HV_LAYER_FIRMWARE, "%s", ev ? ev :
				    "/proc/cpuinfo: no vmx or svm flag, no hypervisor flag");
		return 0;
	}
	f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
			  "the CPU (%s) shows neither vmx nor svm: no hardware virtualization",
			  c->vendor_id[0] ? c->vendor_id : "unknown vendor");
	hv_finding_hint(f, "KVM needs Intel VT-x or AMD-V (or a PVM-enabled host kernel)");
	hv_finding_evidence(f, HV_LAYER_HARDWARE, "/proc/cpuinfo: no vmx or svm flag");
	return 0;
}

/* "EPT, VPID, unrestricted guest" for the bits of @mask. */
static void vf_list(char *buf, size_t len, unsigned int mask, bool svm)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned int b = 1; b && b <= PROBE_VF_PAUSE; b <<= 1) {
		int n;

		if (!(mask & b))
			continue;
		n = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", probe_vf_name(b, svm));
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
	}
}

int probe_chk_cpu_features(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct probe_cpu *c;
	struct probe_virt_feats vf;
	struct hv_finding *f;
	char have[256], miss[256];
	unsigned int essential;
	const char *note;
	bool svm, old_kernel;
	int rc = probe_cpu_get(state(ctx), &c);

	if (rc < 0)
		return rc;
	if (c->arch == PROBE_ARCH_ARM64) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "arm64: virtualization features are not listed in /proc/cpuinfo");
		return 0;
	}
	if (probe_cpu_has(c, "vmx")) {
		svm = false;
		probe_vmx_decode(c->vmx_flags, c->flags, &vf);
		/* Without EPT KVM shadows guest page tables; without UG it emulates real mode. */
		essential = PROBE_VF_EPT | PROBE_VF_UG;
	} else if (probe_cpu_has(c, "svm")) {
		svm = true;
		probe_svm_decode(c->flags, &vf);
		essential = PROBE_VF_EPT;
	} else {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "no vmx/svm flag: no hardware virtualization assists to report");
		return 0;
	}
	vf_list(have, sizeof(have), vf.have, svm);
	vf_list(miss, sizeof(miss), vf.known & ~vf.have, svm);
	/* Kernels before 5.9 print no "vmx flags" line: say what could not be seen. */
	old_kernel = !svm && !vf.from_vmx_flags;
	note = old_kernel ? " (no 'vmx flags' line, kernel before 5.9: unrestricted guest, APICv, "
			    "PML not shown)" : "";
	if (vf.known & essential & ~vf.have) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN, "%s without %s: KVM falls back to "
				  "slow software paging/emulation (has: %s)%s", svm ? "AMD-V" : "VT-x",
				  miss, have[0] ? have : "none", note);
		hv_finding_hint(f, "an older CPU, or a VM whose host hides these features: guests "
				   "will run, slowly");
	} else if (miss[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s assists: %s; without %s%s",
				  svm ? "AMD-V" : "VT-x", have, miss, note);
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s assists: %s%s",
				  svm ? "AMD-V" : "VT-x", have, note);
	}
	hv_finding_str(f, "features", have);
	if (miss[0])
		hv_finding_str(f, "missing", miss);
	hv_finding_bool(f, "vmx_flags_line", c->vmx_flags != NULL);
	return 0;
}

int probe_chk_cpu_guest(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct probe_cpu *c;
	struct hv_finding *f;
	const char *hv;
	bool nested;
	int rc = probe_cpu_get(state(ctx), &c);

	if (rc < 0)
		return rc;
	if (c->arch != PROBE_ARCH_X86) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "not an x86 CPU: no CPUID hypervisor leaf to read");
		return 0;
	}
	if (!c->hypervisor) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "bare metal: the CPU shows no hypervisor bit");
		hv_finding_bool(f, "guest", false);
		return 0;
	}
	hv = probe_hv_name(c->hv_signature);
	nested = probe_cpu_has(c, "vmx") || probe_cpu_has(c, "svm");
	if (c->hv_signature[0])
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "running as a VM under %s (CPUID 0x40000000: \"%s\")%s",
				  hv ? hv : "an unknown hypervisor", c->hv_signature,
				  nested ? ", nested virtualization offered" : "");
	else
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "running as a VM (hypervisor bit set%s)%s",
				  c->have_cpuid ? ", no vendor signature" : "",
				  nested ? ", nested virtualization offered" : "");
	if (hv && strcmp(hv, "Xen") == 0)
		hv_finding_hint(f, "a Xen dom0 also shows this: see the xen checks");
	{
		const struct hv_klog *k = probe_klog_get(state(ctx));

		/* the kernel may name it differently (PVM under a "bhyve" CPUID leaf): show both;
		 * "Xen PV" is the CPUID's "Xen", said more precisely */
		if (k && k->hypervisor[0] && (!hv || strncasecmp(k->hypervisor, hv, strlen(hv)) != 0)) {
			char ev[320];

			f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
					  "the kernel names the hypervisor \"%s\" (CPUID: %s)",
					  k->hypervisor, hv ? hv : c->hv_signature[0] ?
					  c->hv_signature : "no signature");
			if (probe_klog_evidence(state(ctx), HV_KLOG_HV_DETECTED, ev, sizeof(ev)))
				hv_finding_evidence(f, HV_LAYER_NONE, "%s", ev);
			hv_finding_str(f, "kernel_hypervisor", k->hypervisor);
		}
	}
	hv_finding_bool(f, "guest", true);
	if (hv)
		hv_finding_str(f, "hypervisor", hv);
	if (c->hv_signature[0])
		hv_finding_str(f, "signature", c->hv_signature);
	hv_finding_bool(f, "nested", nested);
	return 0;
}

static void firmware_fallback(struct hv_check_ctx *ctx, const struct probe_cpu *c, bool intel,
			      uint32_t msr, int err)
{
	const char *id = ctx->check->id;
	const char *tech = intel ? "VT-x" : "AMD-V";
	char evb[320], hint[512];
	const char *ev = fw_off_evidence(ctx, evb, sizeof(evb));
	bool shown = probe_cpu_has(c, intel ? "vmx" : "svm");
	bool live = hv_root_is_live(ctx->root) || hv_root_kind(ctx->root) == HV_ROOT_FIXTURE;
	struct hv_finding *f;

	if (ev) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "%s is disabled in firmware, the kernel says so", tech);
		probe_klog_hint(state(ctx), HV_KLOG_VT_FW_OFF, hint, sizeof(hint));
		hv_finding_hint(f, "%s", hint);
		hv_finding_evidence(f, HV_LAYER_FIRMWARE, "%s", ev);
	} else if (shown && !live) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s is enabled (%s flag shown)", tech,
				  intel ? "vmx" : "svm");
	} else if (shown) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "%s is enabled (%s flag shown; MSR 0x%x not readable: %s)", tech,
				  intel ? "vmx" : "svm", msr, strerror(-err));
	} else if (intel && c->cpuid_vmx) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "the CPU implements VT-x but the kernel hides vmx: probably disabled "
				  "in firmware");
		hv_finding_hint(f, "enable Intel Virtualization Technology (VT-x) in the firmware "
				   "setup; 'modprobe msr' lets vhv-check read MSR 0x3a to confirm");
	} else if (!live) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "no %s flag, and no word in the kernel log: %s probably disabled in "
				  "firmware, or absent", intel ? "vmx" : "svm", tech);
		hv_finding_evidence(f, HV_LAYER_FIRMWARE, "/proc/cpuinfo: no %s flag",
				    intel ? "vmx" : "svm");
		hv_finding_hint(f, "check the firmware setup for %s", tech);
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "no %s flag and MSR 0x%x not readable (%s): %s probably disabled in "
				  "firmware, or absent", intel ? "vmx" : "svm", msr, strerror(-err), tech);
		hv_finding_hint(f, "'modprobe msr' (as root) lets vhv-check read the MSR; check "
				   "the firmware setup for %s", tech);
	}
	hv_finding_str(f, "source", ev ? "dmesg" : "cpuinfo");
}

int probe_chk_cpu_firmware(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct probe_cpu *c;
	struct hv_finding *f;
	uint64_t v;
	bool intel;
	int rc = probe_cpu_get(state(ctx), &c);

	if (rc < 0)
		return rc;
	if (c->arch != PROBE_ARCH_X86) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "not an x86 CPU: no VT-x/AMD-V firmware switch (see cpu.virt)");
		return 0;
	}
	if (c->hypervisor) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "running as a VM: firmware settings belong to the host");
		return 0;
	}
	if (is_intel_like(c))
		intel = true;
	else if (is_amd_like(c))
		intel = false;
	else {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP, "unknown CPU vendor '%s'", c->vendor_id);
		return 0;
	}
	rc = hv_root_rdmsr(ctx->root, 0, intel ? MSR_IA32_FEAT_CTL : MSR_VM_CR, &v);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		firmware_fallback(ctx, c, intel, intel ? MSR_IA32_FEAT_CTL : MSR_VM_CR, rc);
		return 0;
	}
	if (intel) {
		if ((v & FEAT_CTL_LOCKED) && !(v & FEAT_CTL_VMX_OUTSIDE_SMX)) {
			char evb[320], hint[512];
			const char *ev = fw_off_evidence(ctx, evb, sizeof(evb));

			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "VT-x is disabled in firmware: IA32_FEATURE_CONTROL (MSR "
					  "0x3a) = %#llx, locked without VMX", (unsigned long long)v);
			probe_klog_hint(state(ctx), HV_KLOG_VT_FW_OFF, hint, sizeof(hint));
			hv_finding_hint(f, "%s", hint);
			hv_finding_evidence(f, HV_LAYER_FIRMWARE, "MSR 0x3a = %#llx%s%s",
					    (unsigned long long)v, ev ? "; " : "", ev ? ev : "");
		} else if (v & FEAT_CTL_LOCKED) {
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
					  "VT-x is enabled and locked by firmware (MSR 0x3a = %#llx)",
					  (unsigned long long)v);
		} else {
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
					  "MSR 0x3a = 0x%llx is unlocked: the kernel enables VT-x itself",
					  (unsigned long long)v);
		}
	} else {
		if (v & VM_CR_SVMDIS) {
			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "AMD-V is disabled in firmware: VM_CR (MSR 0xc0010114) = "
					  "%#llx has SVMDIS set%s", (unsigned long long)v,
					  (v & VM_CR_LOCK) ? " and locked" : "");
			hv_finding_hint(f, "enable SVM Mode in the firmware (BIOS/UEFI) setup, then "
					   "power-cycle");
			hv_finding_evidence(f, HV_LAYER_FIRMWARE, "MSR 0xc0010114 = %#llx",
					    (unsigned long long)v);
		} else {
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
					  "AMD-V is not disabled by firmware (VM_CR = 0x%llx)",
					  (unsigned long long)v);
		}
	}
	hv_finding_str(f, "source", "msr");
	hv_finding_int(f, "msr_value", (int64_t)v);
	return 0;
}
